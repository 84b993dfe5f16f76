"""The inbox queries. Projection tables only (human_tasks, process_instances' columns, schools):
never a workflow deserialized, so a page of 25 costs one pass counting the viewer's open tasks and
one query for the page.

Both walk the viewer's open tasks: for an LA officer ix_human_tasks_owner_open_due (owner = their
LA), for a region's officer that index or-ed with ix_human_tasks_shared_with_open_due (the tasks of
the cases shared with the region carry its id, as they carry their owner); "Assigned to me" pages walk
ix_human_tasks_open_assignee_due. Neither names the visibility
rule: the request's session adds it to every read of tasks (workflows.access.scope_session).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, String, Text, and_, cast, func, null, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from engine.models import HumanTask
from workflows.access import Viewer, role_keys
from workflows.school_models import School

from ..labels import school_matches

TABS = ("mine", "roles")
#: Earliest due first, undated last; created_at and id make the order total, so pages never overlap.
ORDER = (HumanTask.due_at.asc().nulls_last(), HumanTask.created_at, HumanTask.id)


@dataclass(frozen=True)
class InboxFilters:
    route: str = ""
    school: str = ""
    is_overdue_only: bool = False

    @property
    def is_set(self) -> bool:
        return bool(self.route or self.school or self.is_overdue_only)


def for_roles_clause(roles: list[str]):
    """Tasks whose role, or any of whose candidate groups, is one of `roles`."""
    if not roles:
        return HumanTask.role.in_([])
    keys = role_keys(roles)
    return or_(HumanTask.role.in_(keys), *[in_candidate_groups(key) for key in keys])


def in_candidate_groups(group: str) -> ColumnElement[bool]:
    """Tasks with `group` among their candidate groups.

    candidate_groups is a JSON list; matching its text for '"group"' works on SQLite and PostgreSQL
    alike. Role ids hold '_', a LIKE wildcard, so the match escapes it (and '%') to stay literal.
    """
    return cast(HumanTask.candidate_groups, Text).contains(f'"{group}"', autoescape=True)


def unassigned() -> ColumnElement[bool]:
    """human_tasks.assignee IS NULL; on SQLite in a form no index answers.

    Closed tasks keep the officer who completed them as assignee, so SQLite's statistics see
    hundreds of distinct assignees and take "assignee IS NULL" for a handful of rows, when it is
    most open tasks. SQLite (built without STAT4) then walks every unassigned open task of every
    organisation through ix_human_tasks_open_assignee_due instead of the viewer's own open tasks:
    ten times slower at 100,000 cases. There it is written COALESCE(assignee, NULL) IS NULL, the
    same test, unindexed. PostgreSQL's statistics know how many assignees are null, and it needs
    the plain form to use that index for the tasks nobody has claimed, so it gets it.
    """
    return _AssigneeForNullTest().is_(None)


class _AssigneeForNullTest(FunctionElement):
    type = String()
    inherit_cache = True
    name = "assignee"


@compiles(_AssigneeForNullTest)
def _assignee(_element, compiler, **kw) -> str:
    return compiler.process(HumanTask.assignee, **kw)


@compiles(_AssigneeForNullTest, "sqlite")
def _assignee_sqlite(_element, compiler, **kw) -> str:
    return compiler.process(func.coalesce(HumanTask.assignee, null()), **kw)


def tab_clause(viewer: Viewer, tab: str) -> ColumnElement[bool]:
    if tab == "mine":
        return HumanTask.assignee == viewer.email
    return and_(unassigned(), for_roles_clause(list(viewer.roles)))


def filter_clauses(filters: InboxFilters, now: datetime) -> list[ColumnElement[bool]]:
    clauses = []
    if filters.route:
        clauses.append(HumanTask.process_key == filters.route)
    if filters.school:
        clauses.append(school_matches(filters.school, HumanTask.business_key))
    if filters.is_overdue_only:
        clauses.append(HumanTask.due_at < now)
    return clauses


def inbox_select(viewer: Viewer, tab: str, filters: InboxFilters, now: datetime) -> Select:
    return (select(HumanTask, School.name, School.la_name)
            .outerjoin(School, School.urn == HumanTask.business_key)
            .where(HumanTask.is_open.is_(True), tab_clause(viewer, tab),
                   *filter_clauses(filters, now)))


def inbox_counts(session: Session, viewer: Viewer, tab: str, filters: InboxFilters,
                 now: datetime) -> tuple[int, dict[str, int]]:
    """(tasks the filtered `tab` lists, {tab: its unfiltered total}) in one pass.

    Each count on its own would walk the viewer's open tasks again, and with the region-sharing
    rule compute the shared cases again; one pass with a FILTER per count walks them once.
    """
    tabs = {name: tab_clause(viewer, name) for name in TABS}
    columns = [func.count().filter(clause) for clause in tabs.values()]
    if filters.is_set:
        columns.append(func.count().filter(and_(tabs[tab], *filter_clauses(filters, now))))
    query = select(*columns).select_from(HumanTask)
    if filters.school:
        query = query.outerjoin(School, School.urn == HumanTask.business_key)
    # Only the tasks either tab can count: mine, or nobody's (PostgreSQL walks the two through
    # ix_human_tasks_open_assignee_due rather than every open task of the viewer's scope).
    query = query.where(HumanTask.is_open.is_(True),
                        or_(HumanTask.assignee == viewer.email, unassigned()))
    found = session.execute(query).one()
    counts = {name: found[index] or 0 for index, name in enumerate(tabs)}
    total = (found[-1] or 0) if filters.is_set else counts[tab]
    return total, counts


def page_of(session: Session, query: Select, offset: int,
            limit: int) -> list[tuple[HumanTask, str | None, str | None]]:
    """(task, school name, school's LA name) for one page."""
    return [(row[0], row[1], row[2]) for row in session.execute(query.order_by(*ORDER).offset(offset).limit(limit))]
