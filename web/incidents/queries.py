"""What the incidents page reads: the organisation's own cases in one state, with their schools, and
when each last went into error. Kept out of the views, as the inbox and case list keep theirs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.models import AuditEvent, ProcessInstance
from workflows.school_models import School

from .access import own_cases

#: How many cases each list shows; an authority with more has a bigger problem than a list.
LIST_LIMIT = 200


def cases_in_status(session: Session, viewer, status: str) -> list[tuple[ProcessInstance, str | None]]:
    """The viewer's organisation's cases in `status`, most recently changed first, with school names."""
    query = (own_cases(viewer).add_columns(School.name)
             .outerjoin(School, School.urn == ProcessInstance.business_key)
             .where(ProcessInstance.status == status)
             .order_by(ProcessInstance.updated_at.desc(), ProcessInstance.id.desc()).limit(LIST_LIMIT))
    return [(instance, school) for instance, school in session.execute(query).all()]


def errored_since(session: Session, ids: list[int]) -> dict[int, datetime]:
    """When each case last stopped with an error (the audit log's latest 'error')."""
    if not ids:
        return {}
    rows = session.execute(select(AuditEvent.instance_id, func.max(AuditEvent.at))
                           .where(AuditEvent.instance_id.in_(ids), AuditEvent.action == "error")
                           .group_by(AuditEvent.instance_id))
    return dict(rows.tuples().all())
