"""The step_visits projection: when a case entered and left each step, user tasks and timers alike,
written in the save transaction (time moved with time-machine)."""
from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy import select

from engine import runtime
from engine.models import StepVisit
from tests.conftest import worker_sweep
from tests.engine.conftest import open_tasks


def at(*args) -> time_machine.travel:
    return time_machine.travel(datetime(*args, tzinfo=UTC), tick=False)


def visits(session, instance_id: int) -> list[tuple[str, datetime, datetime | None]]:
    session.flush()
    return [(v.bpmn_id, v.entered_at, v.left_at) for v in session.scalars(
        select(StepVisit).where(StepVisit.instance_id == instance_id).order_by(StepVisit.entered_at, StepVisit.id))]


def test_a_visit_per_step_from_entering_to_leaving_timers_included(session, deploy, save_restore):
    deploy("timers")
    with at(2025, 12, 18, 10, 0):
        case = runtime.start_instance(session, "timers", "officer", data={"notice_given_on": "2025-12-18"})
    # The boundary timer is the task's time limit, not a step: the case is at "respond" alone.
    assert visits(session, case.id) == [("respond", datetime(2025, 12, 18, 10, 0, tzinfo=UTC), None)]
    with at(2026, 1, 14, 0, 0, 1):
        assert worker_sweep(session) == 1
        [review] = open_tasks(session, case.id)
    with at(2026, 1, 14, 9, 30):
        runtime.complete_task(session, review.id, "adviser", {"complied": False})
    with at(2026, 1, 16, 9, 30, 1):
        assert worker_sweep(session) == 1
    session.expire_all()
    assert visits(session, case.id) == [
        ("respond", datetime(2025, 12, 18, 10, 0, tzinfo=UTC), datetime(2026, 1, 14, 0, 0, 1, tzinfo=UTC)),
        ("review", datetime(2026, 1, 14, 0, 0, 1, tzinfo=UTC), datetime(2026, 1, 14, 9, 30, tzinfo=UTC)),
        ("cooling_off", datetime(2026, 1, 14, 9, 30, tzinfo=UTC), datetime(2026, 1, 16, 9, 30, 1, tzinfo=UTC))]
    assert {v.owner for v in session.scalars(select(StepVisit))} == {case.owner}


def test_a_save_that_stays_at_the_step_keeps_its_visit(session, deploy):
    deploy("timers")
    with at(2026, 3, 2, 9, 0):
        case = runtime.start_instance(session, "timers", "officer", data={"notice_given_on": "2026-03-02"})
    with at(2026, 3, 3, 9, 0):
        runtime.suspend_instance(session, case.id, "manager")
        runtime.resume_instance(session, case.id, "manager")  # saves the workflow again
    assert visits(session, case.id) == [("respond", datetime(2026, 3, 2, 9, 0, tzinfo=UTC), None)]


def test_terminating_a_case_ends_its_visits(session, deploy):
    deploy("timers")
    with at(2026, 3, 2, 9, 0):
        case = runtime.start_instance(session, "timers", "officer", data={"notice_given_on": "2026-03-02"})
    with at(2026, 3, 5, 9, 0):
        runtime.terminate_instance(session, case.id, "manager", "Withdrawn")
    assert visits(session, case.id) == [
        ("respond", datetime(2026, 3, 2, 9, 0, tzinfo=UTC), datetime(2026, 3, 5, 9, 0, tzinfo=UTC))]
