"""Case list and school search queries: projection columns and the schools table only.

No query here names the visibility rule: the request's session adds it to every read of a case
(workflows.access.scope_session), so these see only the signed-in officer's cases.
"""
from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine.models import ProcessInstance
from workflows.school_models import School
from workflows.schools import find_schools

from ..labels import school_matches

SEARCH_LIMIT = 20


def case_list_select(route: str = "", status: str = "", school: str = "") -> Select:
    """(The JSON API's case list, until it moves to workflows.case_search as the web list has.)
    The cases with their school (the whole row: the list shows each case's context, which
    would otherwise load the school with a query of its own per case)."""
    query = (select(ProcessInstance, School)
             .outerjoin(School, School.urn == ProcessInstance.business_key))
    if route:
        query = query.where(ProcessInstance.process_key == route)
    if status == "open":
        query = query.where(ProcessInstance.status.not_in(("completed", "terminated")))
    elif status == "closed":
        query = query.where(ProcessInstance.status.in_(("completed", "terminated")))
    if school:
        query = query.where(school_matches(school, ProcessInstance.business_key))
    return query


def case_count(session: Session, query: Select) -> int:
    narrowed = query.order_by(None).with_only_columns(ProcessInstance.id).subquery()
    return session.scalar(select(func.count()).select_from(narrowed)) or 0


def case_page_of(session: Session, query: Select, offset: int, limit: int) -> list[tuple[ProcessInstance, School | None]]:
    ordered = query.order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())
    return [(row[0], row[1]) for row in session.execute(ordered.offset(offset).limit(limit))]


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
