"""Who may see which case: the one visibility rule every page, list and download goes through.

- An officer of a local authority sees the cases its organisation owns
  (`process_instances.owner` == the LA code).
- An officer of a DfE region sees the cases the region owns (owner == the region id), and also
  the cases of schools in its region that have (or had) a task for a region role: an LA-owned
  case that reaches, say, the academy order decision in the Ofsted route is shared with the
  regional director's team from then on. "Schools in its region" is `schools.region`; "a task for
  a region role" is `human_tasks.role` (the task's first candidate group or its lane). The region
  is worked out once, when the save that opens such a task runs (`share_with_region`, an engine
  share hook), and kept in `process_instances.shared_with`, so every list tests an indexed column
  instead of scanning task rows (issue 11 point 3). A school that later moves region keeps its
  existing cases with the region that first saw them.

Anything else is invisible, and a page asked for an invisible case answers 404, as if it did not
exist.

The rule is enforced once, on the session, not by each query (issue 11 point 7): `scope_session`
installs a `do_orm_execute` listener that adds `with_loader_criteria` for every table holding case
data (`SCOPED_MODELS`: cases, tasks, deadlines, letters, audit events, notes, documents, leads,
step visits) to
every ORM SELECT, relationship and lazy loads included. The web sets the signed-in officer as the
session's viewer on every request session (web/db.py); without a viewer nothing of a case is
visible. Each rule binds the organisation as `scope_<table>`, so a test can see in the SQL that
every table read carries its rule (tests/web/test_scoping_everywhere.py). A query that bypasses
the ORM (Core on a table, text SQL) bypasses the rule: that test fails on it. The worker, the CLI
(`intervene ...`) and the engine's own commands open unscoped sessions: they are operator tools
that act on every organisation's cases. `instance_clause` / `task_clause` remain for the few
places that need the rule as an expression (counts in SQL built by hand).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, event, or_, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from engine.errors import NotFound
from engine.hooks import register_share_hook
from engine.models import AuditEvent, Deadline, HumanTask, ProcessInstance, StepVisit

from .case_file_models import CaseDocument, CaseNote
from .case_models import CaseLead
from .letter_models import Letter
from .roles import ROLES, ROLES_BY_ID, role_for
from .school_models import School

#: Roles only a region holds: a task for one shares its case with the region. A role any organisation
#: may hold (the process owner) shares nothing.
REGION_ROLES = tuple(r.id for r in ROLES if r.organisation_kind == "region")
#: Roles that may start a case (the case then belongs to the route's owning organisation).
START_ROLES = ("case_manager", "senior_adviser", "deputy_assistant_director", "assistant_director",
               "la_admin", "regions_group_officer", "regional_director", "region_admin")


class Viewer(Protocol):
    """What the rule needs to know of an officer (workflows.account_models.User fits)."""

    email: str
    organisation_id: str
    roles: list[str]

    @property
    def organisation_kind(self) -> str: ...


def role_keys(roles) -> list[str]:
    """What `human_tasks.role` may hold for these roles: the id (a candidate group) or the display
    name (a lane named for people)."""
    keys: list[str] = []
    for role_id in roles:
        role = ROLES_BY_ID.get(role_id)
        keys.extend([role_id, role.name] if role else [role_id])
    return keys


def share_with_region(session: Session, instance: ProcessInstance, opened: list[HumanTask]) -> str | None:
    """The region of the case's school once the case opens a task for a region role (share hook)."""
    region_keys = set(role_keys(REGION_ROLES))
    if not instance.business_key or not any(task.role in region_keys for task in opened):
        return None
    return session.scalar(select(School.region).where(School.urn == instance.business_key))


def register_with_engine() -> None:
    register_share_hook(share_with_region)


def _organisation(viewer: Viewer | None) -> tuple[str, bool]:
    """The viewer's organisation and whether it is a region; "" (no owner has it) without one."""
    if viewer is None or not viewer.organisation_id:
        return "", False
    return viewer.organisation_id, viewer.organisation_kind == "region"


def _case_rule(viewer: Viewer | None, table: str) -> ColumnElement[bool]:
    organisation, is_region = _organisation(viewer)
    marker: BindParameter[str] = bindparam(f"scope_{table}", organisation)
    own = ProcessInstance.owner == marker
    return or_(own, ProcessInstance.shared_with == marker) if is_region else own


def _child_rule(model: Any, viewer: Viewer | None) -> ColumnElement[bool]:
    """A row of a case's data: the case is visible (by the row's owner copy where it keeps one)."""
    table = model.__tablename__
    organisation, is_region = _organisation(viewer)
    if not hasattr(model, "owner"):
        return model.instance_id.in_(select(ProcessInstance.id).where(_case_rule(viewer, table)))
    own = model.owner == bindparam(f"scope_{table}", organisation)
    if not is_region:
        return own
    if hasattr(model, "shared_with"):  # keeps a copy of the case's, so two indexed columns decide
        return or_(own, model.shared_with == bindparam(f"scope_{table}", organisation))
    shared = select(ProcessInstance.id).where(ProcessInstance.shared_with == bindparam(f"scope_{table}", organisation))
    return or_(own, model.instance_id.in_(shared))


def instance_clause(viewer: Viewer | None) -> ColumnElement[bool]:
    return _case_rule(viewer, ProcessInstance.__tablename__)


def task_clause(viewer: Viewer | None) -> ColumnElement[bool]:
    """The tasks of the cases `instance_clause` lets the viewer see (human_tasks.owner mirrors the case's)."""
    return _child_rule(HumanTask, viewer)


#: Every table that holds a case or part of one; a new one must be added here (and to the test).
SCOPED_MODELS: tuple[Any, ...] = (ProcessInstance, HumanTask, Deadline, Letter, AuditEvent, CaseNote,
                                  CaseDocument, CaseLead, StepVisit)
_VIEWER_KEY = "intervene_viewer"
#: Execution option of a read a statutory rule must make across organisations (it decides, it does
#: not show): `select(...).execution_options(**across_organisations("why"))`.
UNSCOPED_OPTION = "intervene_unscoped_because"


def across_organisations(reason: str) -> dict[str, str]:
    return {UNSCOPED_OPTION: reason}


def scope_session(session: Session, viewer: Callable[[], Viewer | None]) -> None:
    """Limit every ORM read of case data on this session to what `viewer()` (asked at each read,
    so the web can sign the officer in after the session opened) may see."""
    session.info[_VIEWER_KEY] = viewer
    event.listen(session, "do_orm_execute", _add_scope)


def _add_scope(state: ORMExecuteState) -> None:
    # Relationship loads inherit the criteria of the statement that loaded the parent (SQLAlchemy's
    # recipe); so does reloading a column of a row of case data. A column of another table (the
    # officer's own account, which viewer() may reload) passes as it is. Any other select gets the
    # rules, even with no case entity of its own: it may count rows of a subquery that has one.
    if not state.is_select or state.is_relationship_load or state.execution_options.get(UNSCOPED_OPTION):
        return
    if state.is_column_load and not any(mapper.class_ in SCOPED_MODELS for mapper in state.all_mappers):
        return
    viewer = state.session.info[_VIEWER_KEY]()
    rules = [with_loader_criteria(ProcessInstance, instance_clause(viewer), include_aliases=True)]
    rules += [with_loader_criteria(model, _child_rule(model, viewer), include_aliases=True)
              for model in SCOPED_MODELS[1:]]
    state.statement = state.statement.options(*rules)


def visible_instances(viewer: Viewer | None) -> Select:
    return select(ProcessInstance).where(instance_clause(viewer))


def visible_tasks(viewer: Viewer | None) -> Select:
    return select(HumanTask).where(task_clause(viewer))


def visible_instance(session: Session, viewer: Viewer | None, instance_id: int | str) -> ProcessInstance:
    """The case, or NotFound when it does not exist or the viewer may not see it."""
    try:
        key = int(instance_id)
    except (TypeError, ValueError):
        raise NotFound(f"no case with id '{instance_id}'") from None
    instance = session.scalar(visible_instances(viewer).where(ProcessInstance.id == key))
    if instance is None:
        raise NotFound(f"no case with id {key}")
    return instance


def visible_task(session: Session, viewer: Viewer | None, task_id: str) -> HumanTask:
    task = session.scalar(visible_tasks(viewer).where(HumanTask.id == str(task_id)))
    if task is None:
        raise NotFound(f"no task with id '{task_id}'")
    return task


def task_roles(task: HumanTask) -> set[str]:
    """Role ids the task is for (its role and candidate groups, lane names mapped to ids)."""
    found = (role_for(name) for name in [task.role, *(task.candidate_groups or [])])
    return {role.id for role in found if role is not None}


def may_act_on(viewer: Viewer, task: HumanTask) -> bool:
    """May complete, claim or save a draft of the task: it is theirs, or for one of their roles."""
    if task.assignee:
        return task.assignee == viewer.email
    return bool(task_roles(task) & set(viewer.roles))


def may_reassign(viewer: Viewer, task: HumanTask | None = None) -> bool:
    if not any(ROLES_BY_ID[r].may_reassign for r in viewer.roles if r in ROLES_BY_ID):
        return False
    if task is None or task.owner == viewer.organisation_id:
        return True
    # A region's officer may hand on a region-role task of a case shared with the region.
    return viewer.organisation_kind == "region" and bool(task_roles(task) & set(REGION_ROLES))


def may_start_cases(viewer: Viewer) -> bool:
    return bool(set(viewer.roles) & set(START_ROLES))


def is_admin(viewer: Viewer) -> bool:
    return any(ROLES_BY_ID[r].is_admin for r in viewer.roles if r in ROLES_BY_ID)


def may_manage_case(viewer: Viewer, instance: ProcessInstance) -> bool:
    """Withdraw or close the case, or change its lead officer: a manager of the organisation that owns
    it (a region does not manage an authority's case it only shares)."""
    return instance.owner == viewer.organisation_id and any(
        ROLES_BY_ID[r].may_manage_cases for r in viewer.roles if r in ROLES_BY_ID)


def may_correct_letter(viewer: Viewer, instance: ProcessInstance, task: HumanTask) -> bool:
    """Issue a corrected version of a letter a step produced: a manager of the case, or an officer
    holding the step's role. Handing work on (may_reassign) is not enough: an administrator or an
    adviser does not reissue a statutory notice."""
    return may_manage_case(viewer, instance) or bool(task_roles(task) & set(viewer.roles))
