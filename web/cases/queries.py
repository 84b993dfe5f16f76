"""School search and a school's cases: projection columns and the schools table only (the case list's
filters live in workflows.case_search, shared with its export and the API).

No query here names the visibility rule: the request's session adds it to every read of a case
(workflows.access.scope_session), so these see only the signed-in officer's cases.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import ProcessInstance
from workflows.school_models import School
from workflows.schools import find_schools

SEARCH_LIMIT = 20


def search_schools(session: Session, text: str) -> list[School]:
    return find_schools(session, search=text, limit=SEARCH_LIMIT) if text.strip() else []


def cases_of_school(session: Session, urn: str) -> list[ProcessInstance]:
    return list(session.scalars(select(ProcessInstance).where(ProcessInstance.business_key == urn)
                                .order_by(ProcessInstance.started_at.desc())))


def open_cases_on_route(session: Session, process_key: str, urn: str) -> list[ProcessInstance]:
    """The officer's open cases of this route for this school: starting another is usually a mistake."""
    return list(session.scalars(select(ProcessInstance).where(
        ProcessInstance.process_key == process_key, ProcessInstance.business_key == urn,
        ProcessInstance.status.not_in(("completed", "terminated"))).order_by(ProcessInstance.started_at)))
