"""The inbox queries. Projection tables only (human_tasks, process_instances' columns, schools):
never a workflow deserialized, so a page of 25 costs two indexed queries and a count.

"Assigned to me" walks ix_human_tasks_open_assignee_due; "For my roles" walks
ix_human_tasks_owner_open_due (LA officers: owner = their LA) or ix_human_tasks_open_role_due.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, Text, cast, func, or_, select
from sqlalchemy.orm import Session

from engine.models import HumanTask
from workflows.access import Viewer, role_keys, task_clause
from workflows.school_models import School

from ..lookups import school_matches

TABS = ("mine", "roles")


@dataclass(frozen=True)
class InboxFilters:
    route: str = ""
    school: str = ""
    is_overdue_only: bool = False


def for_roles_clause(roles: list[str]):
    """Tasks whose role, or any of whose candidate groups, is one of `roles`.

    candidate_groups is a JSON list; matching its text for '"role_id"' works on SQLite and
    PostgreSQL alike. Role ids are plain identifiers, but '_' is a LIKE wildcard, so it is escaped.
    """
    if not roles:
        return HumanTask.role.in_([])
    keys = role_keys(roles)
    return or_(HumanTask.role.in_(keys),
               *[cast(HumanTask.candidate_groups, Text).like(f'%"{_escape_like(key)}"%', escape="\\")
                 for key in keys])


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def inbox_select(viewer: Viewer, tab: str, filters: InboxFilters, now: datetime) -> Select:
    query = (select(HumanTask, School.name)
             .outerjoin(School, School.urn == HumanTask.business_key)
             .where(HumanTask.is_open.is_(True), task_clause(viewer)))
    if tab == "mine":
        query = query.where(HumanTask.assignee == viewer.email)
    else:
        query = query.where(HumanTask.assignee.is_(None), for_roles_clause(list(viewer.roles)))
    if filters.route:
        query = query.where(HumanTask.process_key == filters.route)
    if filters.school:
        query = query.where(school_matches(filters.school, HumanTask.business_key))
    if filters.is_overdue_only:
        query = query.where(HumanTask.due_at < now)
    return query


def count(session: Session, query: Select) -> int:
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def page_of(session: Session, query: Select, offset: int, limit: int) -> list[tuple[HumanTask, str | None]]:
    ordered = query.order_by(HumanTask.due_at.asc().nulls_last(), HumanTask.created_at, HumanTask.id)
    return [(row[0], row[1]) for row in session.execute(ordered.offset(offset).limit(limit))]
