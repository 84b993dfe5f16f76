"""Timers of paused and closed cases cost the worker nothing, and every timer that fires is
recorded as fired, however it fired: by the worker's sweep, several in one step, on resume or on
retry. Through the worker's own path (`fire_due` → `claim_due` → `fire_claimed`); time moved
with time-machine."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select, update

from engine import runtime, scripting
from engine.models import TimerJob
from engine.timers import TimerService, claim_due, next_due_at
from tests.conftest import joined_factory, worker_sweep
from tests.engine.conftest import open_tasks
from tests.engine.test_timers import at, job_states, timer_audit
from workflows.case_view import done_bpmn_ids

BOTH_FIRED = {"first_period_ends": "fired", "second_period_ends": "fired"}
BOTH_PENDING = {"first_period_ends": "pending", "second_period_ends": "pending"}


@pytest.fixture
def directory(monkeypatch):
    """`directory_ok()`, which the parallel_timers model calls once its first period ends: it
    fails while `directory["down"]` is set, as a lookup fails while a directory is down."""
    state = {"down": False}

    def directory_ok() -> bool:
        if state["down"]:
            raise ConnectionError("directory unavailable")
        return True

    monkeypatch.setitem(scripting._FUNCTIONS, "directory_ok", directory_ok)
    return state


def start_parallel(session, first_due: datetime, second_due: datetime):
    return runtime.start_instance(session, "parallel_timers", "officer",
                                  data={"first_due": first_due.isoformat(), "second_due": second_due.isoformat()})


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def job_ids(session, *cases) -> set[int]:
    session.flush()
    return set(session.scalars(select(TimerJob.id).where(TimerJob.instance_id.in_([c.id for c in cases]),
                                                         TimerJob.fired_at.is_(None),
                                                         TimerJob.is_cancelled.is_(False))))


def bpmn_ids(tasks) -> list[str]:
    return sorted(t.bpmn_id for t in tasks)


def test_two_timers_of_one_case_falling_due_together_are_each_recorded_as_fired(session, deploy, directory,
                                                                                save_restore):
    deploy("parallel_timers")
    with at(2026, 3, 2, 9, 0):
        case = start_parallel(session, utc(2026, 3, 9, 9), utc(2026, 3, 10, 9))
    with at(2026, 3, 11, 9, 0):  # the worker was down for both: one step fires them together
        assert worker_sweep(session) == 2
    assert job_states(session, case.id) == BOTH_FIRED
    assert timer_audit(session, case.id) == [("first_period_ends", "timer:test-worker"),
                                             ("second_period_ends", "timer:test-worker")]
    assert bpmn_ids(open_tasks(session, case.id)) == ["after_first", "after_second"]
    assert {"first_period_ends", "second_period_ends"} <= done_bpmn_ids(session, case.id)  # marked on the diagram


def test_timers_due_while_suspended_wait_and_are_recorded_as_fired_on_resume(session, deploy, directory):
    deploy("parallel_timers")
    with at(2026, 3, 2, 9, 0):
        case = start_parallel(session, utc(2026, 3, 9, 9), utc(2026, 3, 10, 9))
        runtime.suspend_instance(session, case.id, "manager", reason="school converting")
    with at(2026, 3, 11, 9, 0):
        assert worker_sweep(session) == 0
        assert job_states(session, case.id) == BOTH_PENDING
        runtime.resume_instance(session, case.id, "manager")
    assert job_states(session, case.id) == BOTH_FIRED
    assert timer_audit(session, case.id) == [("first_period_ends", "manager"), ("second_period_ends", "manager")]
    assert bpmn_ids(open_tasks(session, case.id)) == ["after_first", "after_second"]


def test_timers_due_while_in_error_wait_and_are_recorded_as_fired_on_retry(session, deploy, directory):
    deploy("parallel_timers")
    with at(2026, 3, 2, 9, 0):
        case = start_parallel(session, utc(2026, 3, 9, 9), utc(2026, 3, 10, 9))
    directory["down"] = True
    with at(2026, 3, 9, 12, 0):  # the first period ends; the step after it fails
        assert worker_sweep(session) == 0
        assert case.status == "error" and "directory unavailable" in case.error_message
    with at(2026, 3, 11, 9, 0):  # the second falls due while the case is in error: it waits
        assert worker_sweep(session) == 0
        assert job_states(session, case.id) == BOTH_PENDING
        directory["down"] = False
        runtime.retry_instance(session, case.id, "manager")
    assert case.status == "running"
    assert job_states(session, case.id) == BOTH_FIRED
    assert timer_audit(session, case.id) == [("first_period_ends", "manager"), ("second_period_ends", "manager")]


def test_a_timer_withdrawn_before_it_fires_is_recorded_as_cancelled_not_fired(session, deploy):
    deploy("timers")
    with at(2026, 3, 23, 9, 0):
        case = runtime.start_instance(session, "timers", "officer", data={"notice_given_on": "2026-03-23"})
        runtime.complete_task(session, open_tasks(session, case.id)[0].id, "head", {"response": "done"})
    assert job_states(session, case.id) == {"compliance_period_ends": "cancelled"}
    assert timer_audit(session, case.id) == []


def test_the_worker_claims_no_timer_of_a_suspended_failed_or_closed_case(session, deploy, directory):
    deploy("parallel_timers")
    with at(2026, 3, 2, 9, 0):
        suspended = start_parallel(session, utc(2026, 3, 3, 9), utc(2026, 3, 3, 10))
        runtime.suspend_instance(session, suspended.id, "manager")
        failed = start_parallel(session, utc(2026, 3, 3, 9), utc(2026, 3, 3, 10))
        closed = start_parallel(session, utc(2026, 3, 3, 9), utc(2026, 3, 3, 10))
        runtime.terminate_instance(session, closed.id, "manager")
        # A job a closed case left pending (data from before terminating cancelled its timers).
        session.execute(update(TimerJob).where(TimerJob.instance_id == closed.id).values(is_cancelled=False))
        running = start_parallel(session, utc(2026, 3, 9, 9), utc(2026, 3, 10, 9))
    directory["down"] = True
    with at(2026, 3, 3, 9, 30):
        worker_sweep(session)
        assert failed.status == "error"
    directory["down"] = False
    factory = joined_factory(session)
    with at(2026, 3, 11, 9, 0):
        assert next_due_at(factory) == utc(2026, 3, 9, 9)
        assert set(claim_due(factory, "probe")) == job_ids(session, running)
        assert claim_due(factory, "probe") == []  # claimed once; no paused job is claimed on a later round
    with at(2026, 3, 11, 9, 2):  # the probe's lease (one minute) has run out
        assert worker_sweep(session) == 2
        assert next_due_at(factory) is None  # nothing left to wake up for
    assert job_states(session, suspended.id) == job_states(session, failed.id) == BOTH_PENDING


def test_a_due_timer_behind_sixty_paused_ones_fires_on_the_first_sweep(session, deploy):
    deploy("timer_start")
    with at(2026, 3, 2, 9, 0):
        for _ in range(60):
            paused = runtime.start_instance(session, "timer_start", "officer", data={"review_on": "2026-03-03"})
            runtime.suspend_instance(session, paused.id, "manager")
        running = runtime.start_instance(session, "timer_start", "officer", data={"review_on": "2026-03-04"})
    with at(2026, 3, 5, 9, 0):
        assert claim_due(joined_factory(session), "probe") == list(job_ids(session, running))
    with at(2026, 3, 5, 9, 2):
        assert worker_sweep(session) == 1
        assert bpmn_ids(open_tasks(session, running.id)) == ["review"]
        assert worker_sweep(session) == 0


def test_a_sweep_over_a_paused_case_runs_a_few_statements_and_schedules_no_wake(session, deploy):
    deploy("timer_start")
    with at(2026, 3, 2, 9, 0):
        paused = runtime.start_instance(session, "timer_start", "officer", data={"review_on": "2026-03-03"})
        runtime.suspend_instance(session, paused.id, "manager")
    service = TimerService(joined_factory(session), worker_id="idle")
    statements: list[str] = []

    def count(_connection, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = session.get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        with at(2026, 3, 5, 9, 0):
            assert service.sweep() == 0
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # Claim (savepoint, select, release) and the next due time (the same): nothing claimed, so
    # nothing fired or released.
    assert len(statements) <= 6, statements[:12]
    assert service.scheduler.get_job("wake") is None


def test_a_timer_that_fell_due_before_an_officer_acts_runs_on_with_that_completion(session, deploy, directory,
                                                                                   save_restore):
    """SpiffWorkflow refreshes timers only after its engine steps, so a timer found past due at the end
    of an officer's completion was left ready and unrun, yet recorded as fired: no worker would ever
    move its branch on."""
    deploy("parallel_timers")
    with at(2026, 3, 2, 9, 0):
        case = start_parallel(session, utc(2026, 3, 9, 9), utc(2026, 3, 10, 9))
    with at(2026, 3, 9, 12, 0):
        assert worker_sweep(session) == 1
    first = next(t for t in open_tasks(session, case.id) if t.bpmn_id == "after_first")
    with at(2026, 3, 10, 12, 0):  # the second period has ended; the worker has not swept yet
        runtime.complete_task(session, first.id, "officer")
        assert bpmn_ids(open_tasks(session, case.id)) == ["after_second"]
        assert worker_sweep(session) == 0
    assert job_states(session, case.id) == BOTH_FIRED
