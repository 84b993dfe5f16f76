"""Real threads and processes on the real database: optimistic locking, exactly-once timers, and
the scheduler waking for a due timer.

These run in real time, so they wait on conditions (a row written, a time passed), each with a
bound far above what a quiet machine needs: two test runs at once on two loaded cores must pass.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select

from engine import definitions, runtime
from engine.db import transaction, utcnow
from engine.errors import Conflict
from engine.models import AuditEvent, HumanTask, ProcessInstance, TimerJob
from engine.timers import TimerService, fire_due
from tests.engine.conftest import read_fixture

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


#: How long a condition may take before the test fails: minutes, since a loaded machine is slow,
#: and a condition that holds ends the wait at once.
PATIENCE = 120.0


def wait_until(condition, timeout: float = PATIENCE, interval: float = 0.05):
    """Poll a condition until it holds; False if it still does not after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def start_ten_task_case(factory) -> tuple[int, str]:
    with transaction(factory) as session:
        definitions.deploy(session, read_fixture("ten_tasks"), "owner")
        case = runtime.start_instance(session, "ten_tasks", "officer", data={"started_on": "2026-01-05"})
        task = session.scalars(select(HumanTask).where(HumanTask.instance_id == case.id)).one()
        return case.id, task.id


def test_two_concurrent_completions_exactly_one_wins(committed):
    case_id, task_id = start_ten_task_case(committed)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def complete(who: str) -> None:
        barrier.wait()
        try:
            with transaction(committed) as session:
                runtime.complete_task(session, task_id, who, {"answer_1": who})
            outcomes[who] = "ok"
        except Conflict as error:
            outcomes[who] = error

    threads = [threading.Thread(target=complete, args=(who,)) for who in ("ann", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(PATIENCE)
    winners = [who for who, result in outcomes.items() if result == "ok"]
    losers = [result for result in outcomes.values() if isinstance(result, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    with transaction(committed) as session:
        case = session.get(ProcessInstance, case_id)
        assert case.data["answer_1"] == winners[0]  # the winner's answer, whole
        completions = session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.instance_id == case_id, AuditEvent.action == "task_completed"))
        assert completions == 1
        assert session.scalars(select(HumanTask.bpmn_id).where(HumanTask.instance_id == case_id,
                                                               HumanTask.is_open.is_(True))).all() == ["step_2"]


def test_many_threads_completing_different_cases_lose_nothing(committed):
    with transaction(committed) as session:
        definitions.deploy(session, read_fixture("ten_tasks"), "owner")
        ids = [runtime.start_instance(session, "ten_tasks", "o", data={"started_on": "2026-01-05"}).id
               for _ in range(8)]
    errors: list[BaseException] = []

    def drive(case_id: int) -> None:
        try:
            for n in range(1, 11):
                with transaction(committed) as session:
                    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == case_id,
                                                                   HumanTask.is_open.is_(True))).one()
                    runtime.complete_task(session, task.id, "o", {f"answer_{n}": str(case_id)})
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=drive, args=(case_id,)) for case_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(PATIENCE)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    with transaction(committed) as session:
        statuses = session.scalars(select(ProcessInstance.status).where(ProcessInstance.id.in_(ids))).all()
        assert statuses == ["completed"] * 8
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "task_completed")) == 80


def start_timer_cases(factory, seconds_from_now: float, count: int = 1) -> tuple[list[int], datetime]:
    """Cases each waiting on a timer due `seconds_from_now`, and that due time.

    However long starting them takes on a loaded machine, each timer is still waiting once its case
    has started (one already past would fire inside the start): they start on a clock an hour behind.
    """
    due = utcnow() + timedelta(seconds=seconds_from_now)
    xml = read_fixture("timer_start").replace("${start_of_day_utc(review_on)}", due.isoformat())
    with time_machine.travel(utcnow() - timedelta(hours=1), tick=True), transaction(factory) as session:
        definitions.deploy(session, xml, "owner")
        ids = [runtime.start_instance(session, "timer_start", "officer").id for _ in range(count)]
    return ids, due


def wait_until_past(due: datetime) -> None:
    """Until SpiffWorkflow counts the timer as fired: strictly after its due time."""
    assert wait_until(lambda: utcnow() > due + timedelta(milliseconds=50))


def test_scheduler_wakes_at_a_timers_due_time_and_fires_it(committed):
    [case_id], _ = start_timer_cases(committed, 3.0)
    # The poll alone would come after the wait below gives up: only the wake-up at the due time,
    # scheduled by the first sweep, can fire the timer in time.
    service = TimerService(committed, poll_seconds=10 * PATIENCE, worker_id="test-scheduler")
    service.start()
    try:
        def fired():
            with transaction(committed) as session:
                return session.scalar(select(TimerJob.fired_at).where(TimerJob.instance_id == case_id))
        assert wait_until(lambda: fired() is not None)
        assert fired() >= session_due(committed, case_id), "fired before its due time"
    finally:
        service.shutdown()


def session_due(factory, case_id: int):
    with transaction(factory) as session:
        return session.scalar(select(TimerJob.due_at).where(TimerJob.instance_id == case_id))


def test_timers_that_fell_due_while_stopped_fire_when_the_scheduler_starts(committed):
    [case_id], due = start_timer_cases(committed, 0.5)
    wait_until_past(due)  # the timer falls due while no scheduler runs
    service = TimerService(committed, poll_seconds=10 * PATIENCE, worker_id="late-starter")
    service.start()
    try:
        def opened():
            with transaction(committed) as session:
                return session.scalar(select(func.count()).select_from(HumanTask).where(
                    HumanTask.instance_id == case_id, HumanTask.is_open.is_(True)))
        assert wait_until(lambda: opened() == 1)  # long before the first poll: the start's own sweep
    finally:
        service.shutdown()


def due_soon_xml() -> str:
    """timer_start due at the case's `review_at` (see start_due_soon)."""
    return read_fixture("timer_start").replace("${start_of_day_utc(review_on)}", "${review_at}")


def slow_timer_xml() -> str:
    """due_soon_xml with a step after the timer that takes about half a second of CPU."""
    slow = ('<bpmn:scriptTask id="slow_step" name="Slow step"><bpmn:script>'
            'total = sum([sum(range(999)) for n in range(999) for m in range(12)])'
            '</bpmn:script></bpmn:scriptTask>'
            '<bpmn:sequenceFlow id="flow_1" sourceRef="start_at_date" targetRef="slow_step"/>'
            '<bpmn:sequenceFlow id="flow_slow" sourceRef="slow_step" targetRef="review"/>')
    return due_soon_xml().replace('<bpmn:sequenceFlow id="flow_1" sourceRef="start_at_date" targetRef="review"/>',
                                  slow)


def start_due_soon(session) -> ProcessInstance:
    """A case whose timer falls due two seconds after it starts, however long the seeding takes."""
    review_at = (utcnow() + timedelta(seconds=2)).isoformat()
    return runtime.start_instance(session, "timer_start", "officer", data={"review_at": review_at})


def test_two_worker_processes_fire_200_due_timers_exactly_once(committed, database_url):
    _, due = start_timer_cases(committed, 0.5, count=200)
    with transaction(committed) as session:
        assert session.scalar(select(func.count()).select_from(TimerJob).where(TimerJob.due_at == due)) == 200
    wait_until_past(due)
    env = {**os.environ, "INTERVENE_DATABASE_URL": database_url}
    command = [sys.executable, "-m", "web.cli", "timers", "fire-due", "--json"]
    workers = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(2)]
    outputs = [worker.communicate(timeout=5 * PATIENCE) for worker in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    with transaction(committed) as session:
        fired_per_job = session.execute(
            select(AuditEvent.instance_id, func.count()).where(AuditEvent.action == "timer_fired")
            .group_by(AuditEvent.instance_id)).all()
        assert len(fired_per_job) == 200 and {count for _, count in fired_per_job} == {1}, outputs
        assert session.scalar(select(func.count()).select_from(TimerJob).where(TimerJob.fired_at.is_(None))) == 0
        opened = session.scalar(select(func.count()).select_from(HumanTask).where(HumanTask.is_open.is_(True)))
        assert opened == 200
    assert sum(int(out.split('"fired":')[1].split("}")[0]) for out, _ in outputs) == 200


def test_fire_due_leaves_nothing_when_called_twice(committed):
    _, due = start_timer_cases(committed, 0.3)
    wait_until_past(due)
    assert fire_due(committed, "w") == 1
    assert fire_due(committed, "w") == 0


def test_the_worker_stops_within_seconds_of_sigterm_while_firing(committed, database_url, tmp_path):
    """A service manager stops `intervene worker` with SIGTERM and expects it gone in seconds, even
    mid-sweep: here 30 due timers (each firing takes about half a second) behind 60 of suspended
    cases. The timers it did not reach are given back for the next worker."""
    with transaction(committed) as session:
        definitions.deploy(session, slow_timer_xml(), "owner")
        for _ in range(60):
            runtime.suspend_instance(session, start_due_soon(session).id, "manager")
        for _ in range(30):
            start_due_soon(session)
        due = session.scalar(select(func.max(TimerJob.due_at)))
    wait_until(lambda: utcnow() > due + timedelta(milliseconds=50), timeout=30)
    env = {**os.environ, "INTERVENE_DATABASE_URL": database_url}
    log = tmp_path / "worker.log"
    with open(log, "w") as output:
        worker = subprocess.Popen([sys.executable, "-m", "web.cli", "worker", "--poll", "0.5"], cwd=ROOT, env=env,
                                  stdout=output, stderr=subprocess.STDOUT)
    try:
        def fired() -> int:
            # Read-only: on SQLite a writer would queue behind the worker's back-to-back firings.
            with transaction(committed, read_only=True) as session:
                return session.scalar(select(func.count()).select_from(TimerJob)
                                      .where(TimerJob.fired_at.is_not(None))) or 0
        assert wait_until(lambda: fired() > 0, timeout=60), log.read_text()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=5) == 0, log.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    with transaction(committed) as session:
        pending = session.scalar(select(func.count()).select_from(TimerJob).where(TimerJob.fired_at.is_(None)))
        leased = session.scalar(select(func.count()).select_from(TimerJob).where(
            TimerJob.fired_at.is_(None), TimerJob.leased_by.is_not(None)))
    assert pending > 60  # it stopped mid-sweep: due timers of running cases were left
    # ...and given back, but for the one in hand if the worker had to leave without it.
    assert leased <= 1
