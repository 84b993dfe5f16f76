"""A case as officers and the CLI see it: status, open tasks, timers, deadlines, letters.

Reads projections only; the workflow itself is never deserialized to describe a case.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.deadlines import live_note, live_status
from engine.models import AuditEvent, Deadline, HumanTask, ProcessInstance, TimerJob

from .account_models import User


def open_tasks(session: Session, instance_id: int) -> list[HumanTask]:
    """Soonest due first, undated last."""
    return list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                        HumanTask.is_open.is_(True))
                                .order_by(HumanTask.due_at.asc().nulls_last(), HumanTask.created_at)))


def pending_timers(session: Session, instance_id: int) -> list[TimerJob]:
    return list(session.scalars(select(TimerJob).where(TimerJob.instance_id == instance_id,
                                                       TimerJob.fired_at.is_(None),
                                                       TimerJob.is_cancelled.is_(False))
                                .order_by(TimerJob.due_at)))


def case_deadlines(session: Session, instance_id: int, open_only: bool = False) -> list[Deadline]:
    """Soonest due first, undated last; `open_only` leaves out the deadlines already met."""
    query = select(Deadline).where(Deadline.instance_id == instance_id)
    if open_only:
        query = query.where(Deadline.status.in_(("pending", "unknown", "missed")), Deadline.met_on.is_(None))
    return list(session.scalars(query.order_by(Deadline.due_on.is_(None), Deadline.due_on, Deadline.deadline_id)))


def done_bpmn_ids(session: Session, instance_id: int) -> set[str]:
    """Elements the case has passed: completed tasks and fired timers (for the diagram)."""
    return set(session.scalars(select(AuditEvent.bpmn_id).where(
        AuditEvent.instance_id == instance_id, AuditEvent.action.in_(("task_completed", "timer_fired")),
        AuditEvent.bpmn_id.is_not(None)).distinct()))


def case_letters(session: Session, instance_id: int) -> list[Any]:
    from workflows.letters import letters_for_case

    return letters_for_case(session, instance_id)


def describe_deadline(row: Deadline, today: date | None = None) -> dict[str, Any]:
    """A deadline with its status as of today, not as of the case's last save."""
    return {"id": row.deadline_id, "name": row.name, "due_on": row.due_on, "rule": row.rule, "source": row.source,
            "status": live_status(row, today), "met_on": row.met_on, "note": live_note(row, today),
            "missed_at": row.missed_at}


def describe_case(session: Session, instance: ProcessInstance) -> dict[str, Any]:
    return {
        "id": instance.id,
        "process_key": instance.process_key,
        "version": instance.definition.version,
        # Separately deployed processes the case calls, at the versions fixed when it started.
        "calls": [{"key": c.process_key, "version": c.definition.version} for c in instance.called_definitions],
        "business_key": instance.business_key,
        "owner": instance.owner,
        "status": instance.status,
        "error": instance.error_message,
        "started_at": instance.started_at,
        "started_by": instance.started_by,
        "updated_at": instance.updated_at,
        "ended_at": instance.ended_at,
        "current_steps": instance.current_steps,
        "data": instance.data,
        "tasks": [{"id": t.id, "bpmn_id": t.bpmn_id, "name": t.name, "role": t.role,
                   "candidate_groups": t.candidate_groups, "assignee": t.assignee, "due_at": t.due_at,
                   "follow_up_at": t.follow_up_at} for t in open_tasks(session, instance.id)],
        "timers": [{"id": j.id, "bpmn_id": j.bpmn_id, "name": j.name, "due_at": j.due_at}
                   for j in pending_timers(session, instance.id)],
        "deadlines": [describe_deadline(d) for d in case_deadlines(session, instance.id)],
        "letters": [{"id": letter.id, "kind": letter.kind, "title": letter.title, "filename": letter.filename,
                     "created_at": letter.created_at} for letter in case_letters(session, instance.id)],
    }


@dataclass(frozen=True)
class Answer:
    label: str
    #: Typed for display: a date for a date field, a bool for yes/no, an option's name for a choice.
    value: Any


@dataclass(frozen=True)
class StepRecord:
    """One completed step as evidence for later decisions: what was recorded, by whom, when."""

    task_id: str | None
    name: str
    actor: str
    actor_name: str
    at: datetime
    answers: list[Answer]
    #: The facts a case was started with (a case taken on at its milestone), not a completed step.
    is_start: bool = False


def _typed(spec: dict[str, Any], value: Any) -> Any:
    kind = spec.get("type") or "string"
    if kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    if kind == "enum":
        names = {str(o.get("id")): o.get("name") or o.get("id") for o in spec.get("options") or []}
        return names.get(str(value), value)
    return value


def step_answers(form: dict[str, Any] | None, data: dict[str, Any] | None) -> list[Answer]:
    """The recorded values in form order, labelled as the form labelled them; keys the form does not
    name (internal data) are left out rather than shown raw."""
    data = data or {}
    return [Answer(spec.get("label") or spec["id"], _typed(spec, data[spec["id"]]))
            for spec in (form or {}).get("fields", []) if spec.get("id") in data]


def display_names(session: Session, emails: set[str]) -> dict[str, str]:
    if not emails:
        return {}
    rows = session.execute(select(User.email, User.display_name).where(User.email.in_(emails)))
    return {email: name for email, name in rows if name}


STARTED_AT_MILESTONE = "Started at its milestone"


def step_records(session: Session, instance_id: int) -> list[StepRecord]:
    """The case's completed steps, newest first, from the audit log (the submitted data) and the
    task projections (the form, for labels); last, what a case started at its milestone was started
    with, labelled by its route's start form, since no step recorded those facts."""
    query = select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                     AuditEvent.action.in_(("task_completed", "started")))
    events = list(session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())))
    forms = {t.id: t.form for t in session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id))}
    names = display_names(session, {e.actor for e in events})
    records = []
    for e in events:
        if e.action == "started":
            key = session.scalar(select(ProcessInstance.process_key).where(ProcessInstance.id == instance_id))
            answers = [a for a in step_answers(_start_form(key), e.data) if a.value not in (None, "")]
            if _given_at_start(key, e.data or {}):
                records.append(StepRecord(None, STARTED_AT_MILESTONE, e.actor, names.get(e.actor, e.actor), e.at,
                                          answers, is_start=True))
            continue
        records.append(StepRecord(e.task_id, e.detail or e.bpmn_id or "Step", e.actor, names.get(e.actor, e.actor),
                                  e.at, step_answers(forms.get(e.task_id or ""), e.data)))
    # Started and first step can share a timestamp: the start stays the oldest.
    return [r for r in records if not r.is_start] + [r for r in records if r.is_start]


def _start_form(key: str | None) -> dict[str, Any] | None:
    from .registry import processes

    package = processes().get(key or "")
    form = (package.extra or {}).get("start_form") if package is not None else None
    return form if isinstance(form, dict) else None


def _given_at_start(key: str | None, data: dict[str, Any]) -> bool:
    """Whether the case was started with facts of its own, not only its route's defaults: the start
    hook fills those in (a 15-day compliance period) for every case, begun at the start or not."""
    import importlib

    try:
        defaults = getattr(importlib.import_module(f"workflows.{key}.rules"), "START_DEFAULTS", {})
    except ImportError:
        defaults = {}
    fields = [spec["id"] for spec in (_start_form(key) or {}).get("fields", []) if "id" in spec]
    return any(data.get(name) not in (None, "") and data.get(name) != defaults.get(name) for name in fields)
