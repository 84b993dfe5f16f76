"""Timers on boundary, intermediate and start events, with working-day deadlines; time moved with
time-machine, nothing sleeps."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import event, select

from engine import runtime
from engine.models import AuditEvent, TimerJob
from engine.timers import claim_due
from tests.conftest import joined_factory, worker_sweep
from tests.engine.conftest import open_tasks


def at(*args) -> time_machine.travel:
    return time_machine.travel(datetime(*args, tzinfo=UTC), tick=False)


def pending(session, instance_id: int) -> list[TimerJob]:
    session.flush()
    return list(session.scalars(select(TimerJob).where(TimerJob.instance_id == instance_id,
                                                       TimerJob.fired_at.is_(None),
                                                       TimerJob.is_cancelled.is_(False))))


def job_states(session, instance_id: int) -> dict[str, str]:
    """{bpmn id: fired, cancelled or pending} of each timer job of a case."""
    session.flush()
    return {job.bpmn_id: "fired" if job.fired_at else "cancelled" if job.is_cancelled else "pending"
            for job in session.scalars(select(TimerJob).where(TimerJob.instance_id == instance_id))}


def timer_audit(session, instance_id: int) -> list[tuple[str | None, str]]:
    """(bpmn id, actor) of each `timer_fired` audit event of a case, by bpmn id."""
    session.flush()
    return sorted(session.execute(select(AuditEvent.bpmn_id, AuditEvent.actor).where(
        AuditEvent.instance_id == instance_id, AuditEvent.action == "timer_fired")).tuples())


def fired_count(session, instance_id: int) -> int:
    return len(list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                                             AuditEvent.action == "timer_fired"))))


def test_boundary_time_date_counted_in_working_days_then_a_duration(session, deploy, save_restore):
    deploy("timers")
    # Notice given Thu 18 Dec 2025; the 15th working day following it is Tue 13 Jan 2026, skipping
    # Thu 25 Dec, Fri 26 Dec 2025 and Thu 1 Jan 2026. The period is over at midnight that night.
    with at(2025, 12, 18, 10, 0):
        case = runtime.start_instance(session, "timers", "officer", data={"notice_given_on": "2025-12-18"})
        [job] = pending(session, case.id)
        assert (job.bpmn_id, job.due_at) == ("compliance_period_ends", datetime(2026, 1, 14, 0, 0, tzinfo=UTC))
    with at(2026, 1, 13, 23, 59, 59):
        assert worker_sweep(session) == 0
        assert [t.bpmn_id for t in open_tasks(session, case.id)] == ["respond"]
    with at(2026, 1, 14, 0, 0, 1):
        assert worker_sweep(session) == 1
        [review] = open_tasks(session, case.id)
        assert review.bpmn_id == "review"  # the boundary timer withdrew "respond"
        runtime.complete_task(session, review.id, "adviser", {"complied": False})
        [cooling] = pending(session, case.id)
        assert cooling.due_at == datetime(2026, 1, 16, 0, 0, 1, tzinfo=UTC)  # P2D from completion
    with at(2026, 1, 16, 0, 0, 2):
        assert worker_sweep(session) == 1
    assert case.status == "completed" and fired_count(session, case.id) == 2


def test_completing_before_the_deadline_cancels_the_timer(session, deploy):
    deploy("timers")
    with at(2026, 3, 23, 9, 0):
        case = runtime.start_instance(session, "timers", "officer", data={"notice_given_on": "2026-03-23"})
        # Mon 23 Mar 2026 + 15 working days = Wed 15 Apr 2026 (skips Good Friday 3 Apr and
        # Easter Monday 6 Apr); 16 Apr 00:00 BST is 15 Apr 23:00 UTC.
        assert pending(session, case.id)[0].due_at == datetime(2026, 4, 15, 23, 0, tzinfo=UTC)
        runtime.complete_task(session, open_tasks(session, case.id)[0].id, "head", {"response": "done"})
    assert case.status == "completed" and pending(session, case.id) == []
    with at(2026, 5, 1, 0, 0):
        assert worker_sweep(session) == 0


def test_non_interrupting_cycle_fires_each_repetition_once(session, deploy, save_restore):
    deploy("cycle")
    with at(2026, 2, 2, 9, 0):
        case = runtime.start_instance(session, "cycle", "officer", data={"reminders": 0})
        assert [j.due_at for j in pending(session, case.id)] == [datetime(2026, 2, 9, 9, 0, tzinfo=UTC)]
    with at(2026, 2, 9, 9, 0, 1):
        assert worker_sweep(session) == 1
        assert [j.due_at for j in pending(session, case.id)] == [datetime(2026, 2, 16, 9, 0, tzinfo=UTC)]
        assert worker_sweep(session) == 0  # the same repetition never fires twice
    with at(2026, 3, 30, 0, 0):
        assert worker_sweep(session) == 1  # R2: two repetitions, then no more
        assert pending(session, case.id) == []
    assert fired_count(session, case.id) == 2
    assert [t.bpmn_id for t in open_tasks(session, case.id)] == ["long_task"]


def test_timer_start_event_opens_the_first_task_on_the_date(session, deploy, save_restore):
    deploy("timer_start")
    with at(2026, 4, 1, 12, 0):
        case = runtime.start_instance(session, "timer_start", "officer", data={"review_on": "2026-04-20"})
        assert case.status == "waiting" and open_tasks(session, case.id) == []
        # Mon 20 Apr 2026 begins at 00:00 BST = 19 Apr 23:00 UTC.
        assert pending(session, case.id)[0].due_at == datetime(2026, 4, 19, 23, 0, tzinfo=UTC)
    with at(2026, 4, 19, 23, 0, 1):
        assert worker_sweep(session) == 1
    assert [t.bpmn_id for t in open_tasks(session, case.id)] == ["review"]


def test_timers_of_a_suspended_case_wait_and_fire_on_resume(session, deploy):
    deploy("timers")
    with at(2025, 12, 18, 10, 0):
        case = runtime.start_instance(session, "timers", "officer", data={"notice_given_on": "2025-12-18"})
        runtime.suspend_instance(session, case.id, "manager")
    with at(2026, 2, 1, 9, 0):
        assert worker_sweep(session) == 0
        assert len(pending(session, case.id)) == 1
        runtime.resume_instance(session, case.id, "manager")
        assert [t.bpmn_id for t in open_tasks(session, case.id)] == ["review"]
    assert job_states(session, case.id) == {"compliance_period_ends": "fired"}
    assert timer_audit(session, case.id) == [("compliance_period_ends", "manager")]


def test_timers_that_fell_due_while_nothing_ran_fire_at_the_next_sweep(session, deploy):
    deploy("timers")
    with at(2025, 12, 18, 10, 0):
        cases = [runtime.start_instance(session, "timers", "officer", data={"notice_given_on": "2025-12-18"})
                 for _ in range(3)]
    with at(2026, 6, 1, 0, 0):  # months later, the first sweep fires all of them
        assert worker_sweep(session) == 3
    assert all(open_tasks(session, c.id)[0].bpmn_id == "review" for c in cases)


def test_the_claim_reads_the_pending_timer_index_not_the_whole_table(session):
    """The claim joins each job's case to leave out paused ones: the database still walks the
    (fired_at, due_at) index (on PostgreSQL, forbidden to scan tables, it must find a plan)."""
    connection = session.connection()
    sent: list[tuple[str, object]] = []

    def keep(_connection, _cursor, statement, parameters, *_args) -> None:
        sent.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", keep)
    try:
        claim_due(joined_factory(session), "probe")
    finally:
        event.remove(connection, "before_cursor_execute", keep)
    [(claim, parameters)] = [(s, p) for s, p in sent if "FROM timer_jobs JOIN process_instances" in s]
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = " ".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + claim, parameters))
        assert "ix_timer_jobs_pending_due" in plan and "Seq Scan on timer_jobs" not in plan, plan
    else:
        plan = " ".join(row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + claim, parameters))
        assert "timer_jobs USING INDEX ix_timer_jobs_pending_due" in plan, plan
        assert "process_instances USING INTEGER PRIMARY KEY" in plan, plan


def test_duration_timer_due_at_is_counted_from_when_it_started(session, deploy):
    deploy("timers")
    with at(2025, 12, 18, 10, 0):
        case = runtime.start_instance(session, "timers", "officer", data={"notice_given_on": "2025-12-18"})
    start = datetime(2026, 1, 20, 15, 30, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        worker_sweep(session)
        runtime.complete_task(session, open_tasks(session, case.id)[0].id, "adviser", {"complied": True})
        assert pending(session, case.id)[0].due_at == start + timedelta(days=2)


def test_a_timers_due_time_is_read_one_way_for_every_kind_of_stored_value():
    from datetime import UTC, datetime

    import pytest

    from engine.projections import timer_due_at

    assert timer_due_at("2026-12-01T09:00:00+00:00") == datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert timer_due_at({"cycles": 2, "next": "2026-12-01T09:00:00+00:00"}) == datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert timer_due_at({"cycles": 0, "next": "2026-12-01T09:00:00+00:00"}) is None  # the cycle has run out
    assert timer_due_at("P15D") is None and timer_due_at(None) is None  # a duration not started yet
    with pytest.raises(ValueError):
        timer_due_at("the day after tomorrow")
