"""What every route test does: set time, put a school on the register, deploy a route's package,
complete its tasks, fire its timers, and read back what officers and managers see.

Plain functions (DESIGN.md, Tests), shared so that the five route tests walk a case the same way
and a change to the engine's tables is fixed once. What really differs per route (its facts, how
a case begins, its fixtures) stays in the route's own test file.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import time_machine
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import definitions, runtime
from engine.clock import LOCAL_TZ
from engine.definitions import parse_process
from engine.models import Deadline, HumanTask, ProcessInstance, TimerJob
from tests.conftest import worker_sweep
from workflows.gias import local_authorities, region_for
from workflows.registry import install
from workflows.roles import ROLES_BY_ID
from workflows.school_models import School

#: A task due "by the end of" a day, in UTC: 23:59:59 in London is 22:59:59 UTC in British Summer
#: Time and 23:59:59 UTC in winter. Written out, not computed, so a test checks the conversion.
BST_DAY_END = (22, 59, 59)
GMT_DAY_END = (23, 59, 59)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A UTC moment: timers and task due times are stored in UTC, whatever the clock in London says."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def at(*args: int) -> time_machine.travel:
    """`with at(2026, 3, 2, 9, 0):` time stands still at that UTC moment inside the block."""
    return time_machine.travel(utc(*args), tick=False)


def end_of(day: date) -> datetime:
    """A task due on `day` is due at 23:59:59 that day in England (22:59:59 UTC in summer)."""
    return datetime.combine(day, time(23, 59, 59), LOCAL_TZ).astimezone(UTC)


def create_school(session, urn: str, type_of_establishment: str = "Community school", la_code: str = "830",
                  **fields: Any) -> School:
    """A school on the register in `la_code`'s authority and region; `fields` set or override the rest."""
    values = {"name": f"School {urn}", "la_name": local_authorities()[la_code].la_name,
              "region": region_for(la_code), "status": "Open", **fields}
    values.setdefault("search_name", values["name"].lower())
    school = School(urn=urn, type_of_establishment=type_of_establishment, la_code=la_code, **values)
    session.add(school)
    session.flush()
    return school


def deploy_package(session, package) -> None:
    definitions.deploy(session, package.read_bpmn(), "test", dmn_xml=package.read_dmn())


def open_tasks(session, case: ProcessInstance) -> list[tuple[str, str | None, datetime | None]]:
    """(bpmn id, role, due_at) of each open task, by bpmn id."""
    session.flush()
    rows = session.scalars(select(HumanTask).where(HumanTask.instance_id == case.id, HumanTask.is_open.is_(True))
                           .order_by(HumanTask.bpmn_id))
    return [(row.bpmn_id, row.role, row.due_at) for row in rows]


def task_row(session, case: ProcessInstance, bpmn_id: str) -> HumanTask:
    session.flush()
    return session.scalars(select(HumanTask).where(HumanTask.instance_id == case.id, HumanTask.is_open.is_(True),
                                                   HumanTask.bpmn_id == bpmn_id)).one()


def complete(session, case: ProcessInstance, bpmn_id: str, data: dict, actor: str = "officer@example.test"):
    return runtime.complete_task(session, task_row(session, case, bpmn_id).id, actor, data)


def do(session, case: ProcessInstance, bpmn_id: str, role: str, data: dict, due_at: datetime | None = None) -> None:
    """Assert the one open task is `bpmn_id` for `role`, due `due_at`, then complete it with `data`
    as an officer of that role; the case must not have fallen into error."""
    assert open_tasks(session, case) == [(bpmn_id, role, due_at)]
    complete(session, case, bpmn_id, data, f"officer:{role}")
    assert case.status in ("running", "waiting", "completed"), case.error_message


def pending_timers(session, case: ProcessInstance) -> list[tuple[str, datetime]]:
    """(bpmn id, due_at) of each timer still to fire, by bpmn id."""
    session.flush()
    jobs = session.scalars(select(TimerJob).where(TimerJob.instance_id == case.id, TimerJob.fired_at.is_(None),
                                                  TimerJob.is_cancelled.is_(False)).order_by(TimerJob.bpmn_id))
    return [(job.bpmn_id, job.due_at) for job in jobs]


def deadlines_of(session, case: ProcessInstance) -> dict[str, Deadline]:
    session.flush()
    return {row.deadline_id: row for row in session.scalars(select(Deadline).where(Deadline.instance_id == case.id))}


def deadline_rows(session, case: ProcessInstance) -> dict[str, tuple[date | None, str, date | None]]:
    """{deadline id: (due_on, status, met_on)}: what the dashboard shows of each deadline."""
    return {key: (row.due_on, row.status, row.met_on) for key, row in deadlines_of(session, case).items()}


def end_events(case: ProcessInstance) -> list[str]:
    """The end events the case reached, read from the workflow itself, not from its status."""
    workflow = runtime.load_workflow(case)
    return [t.task_spec.bpmn_id for t in workflow.get_tasks()
            if type(t.task_spec).__name__ == "EndEvent" and t.has_state(TaskState.COMPLETED)]


def fire_at(session, clock, moment: datetime, expected: int) -> None:
    """Move the `time_machine` fixture to `moment` and fire what is due: `expected` timers."""
    clock.move_to(moment, tick=False)
    assert worker_sweep(session) == expected


def checked_user_tasks(package) -> list[Any]:
    """The user tasks of a package's BPMN, each checked for what an officer and a reviewer need: a
    form, a role that is its lane's, a legal source and documentation (the diagram itself answers
    "why is this here"). The caller asserts how many there are, so a task dropped from the model shows."""
    install()  # registers the functions the expressions call
    parsed = parse_process(package.read_bpmn())
    users = [spec for spec in parsed.spec.task_specs.values() if type(spec).__name__ == "UserTask"]
    for spec in users:
        assert spec.form.fields, spec.bpmn_id
        assert ROLES_BY_ID[spec.extensions["candidate_groups"]].name == spec.lane, spec.bpmn_id
        assert spec.extensions["legal_source"], spec.bpmn_id
        assert spec.documentation, spec.bpmn_id
    return users
