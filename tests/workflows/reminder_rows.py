"""Rows for the reminder tests: a case with a deadline and a task, users of two organisations."""
from __future__ import annotations

from datetime import date, datetime, time
from itertools import count

from engine.clock import LOCAL_TZ
from engine.models import Deadline, HumanTask, ProcessDefinition, ProcessInstance
from workflows.account_models import Organisation, User

TRAFFORD, DERBYSHIRE, NORTH_WEST = "358", "830", "north-west"
_ids = count(1)


def organisations(session) -> None:
    session.add_all([Organisation(id=TRAFFORD, name="Trafford", kind="la"),
                     Organisation(id=DERBYSHIRE, name="Derbyshire", kind="la"),
                     Organisation(id=NORTH_WEST, name="North West", kind="region")])
    session.flush()


def user(session, email: str, roles: tuple[str, ...], organisation: str = TRAFFORD, off: bool = False) -> User:
    row = User(email=email, display_name=email.split("@")[0].replace(".", " ").title(), password_hash="-",
               organisation_id=organisation, roles=list(roles), reminders_off=off)
    session.add(row)
    session.flush()
    return row


def case_with_deadline(session, due_on: date, *, assignee: str | None = None, role: str = "link_adviser",
                       owner: str = TRAFFORD, overdue_note: str | None = "no reply recorded",
                       shared_with: str | None = None) -> Deadline:
    n = next(_ids)
    definition = ProcessDefinition(key=f"route{n}", version=1, name="Maintained school warning notice",
                                   bpmn_xml="<x/>", sha256=f"{n:064d}", deployed_by="t")
    session.add(definition)
    session.flush()
    instance = ProcessInstance(definition_id=definition.id, process_key=definition.key, business_key=f"10000{n}",
                               owner=owner, shared_with=shared_with, status="waiting", state={},
                               serializer_version="1", started_by="t")
    session.add(instance)
    session.flush()
    session.add(HumanTask(id=f"task-{n}", instance_id=instance.id, owner=owner, process_key=definition.key,
                          bpmn_id="reply", name="Record the reply", role=role, candidate_groups=[role],
                          assignee=assignee, due_at=datetime.combine(due_on, time(23, 59), LOCAL_TZ)))
    deadline = Deadline(instance_id=instance.id, owner=owner, deadline_id="reply", name="Governing body replies",
                        due_on=due_on, rule="15th working day following the notice", source="EIA 2006 s60(5)",
                        status="pending", overdue_note=overdue_note)
    session.add(deadline)
    session.flush()
    return deadline
