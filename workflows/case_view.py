"""A case as officers and the CLI see it: status, open tasks, timers, deadlines, letters.

Reads projections only; the workflow itself is never deserialized to describe a case.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.deadlines import live_note, live_status
from engine.models import AuditEvent, Deadline, HumanTask, ProcessInstance, TimerJob


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


def case_deadlines(session: Session, instance_id: int) -> list[Deadline]:
    return list(session.scalars(select(Deadline).where(Deadline.instance_id == instance_id)
                                .order_by(Deadline.due_on.is_(None), Deadline.due_on, Deadline.deadline_id)))


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
