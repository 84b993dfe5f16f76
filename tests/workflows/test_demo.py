"""The demo data `make run` loads: every route has cases, some are overdue, and loading twice
changes nothing."""
from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy import func, select

from engine.models import HumanTask, ProcessInstance
from workflows.demo import ORGANISATIONS, load_demo
from workflows.letters import letters_for_case
from workflows.registry import processes


def test_demo_has_cases_of_every_route_some_overdue_and_loads_once(session):
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), tick=False):
        first = load_demo(session)
        again = load_demo(session)
    assert first.cases == again.cases >= 20
    keys = set(session.scalars(select(ProcessInstance.process_key)))
    assert keys == set(processes())
    owners = set(session.scalars(select(ProcessInstance.owner)))
    assert {"358", "830", "dfe-north-west", "dfe-east-midlands"} <= owners
    overdue = session.scalar(select(func.count()).select_from(HumanTask).where(
        HumanTask.is_open.is_(True), HumanTask.due_at < datetime(2026, 11, 23, 9, 0, tzinfo=UTC)))
    assert overdue >= 2
    statuses = set(session.scalars(select(ProcessInstance.status)))
    assert "error" not in statuses and {"running", "waiting"} <= statuses
    with_letters = [c for c in session.scalars(select(ProcessInstance)) if letters_for_case(session, c.id)]
    assert len(with_letters) == 2  # the warning notice issued in each authority
    assert len(first.users) == sum(len(roles) for _, _, roles in ORGANISATIONS)
