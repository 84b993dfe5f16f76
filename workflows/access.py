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
exist. Queries start from `visible_instances` / `visible_tasks` (or add `instance_clause` /
`task_clause` to their own select) so that no page has to remember the rule.
"""
from __future__ import annotations

from typing import Protocol

from sqlalchemy import ColumnElement, Select, false, or_, select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.hooks import register_share_hook
from engine.models import HumanTask, ProcessInstance

from .roles import ROLES_BY_ID, role_for, role_ids
from .school_models import School

REGION_ROLES = tuple(role_ids("region"))
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


def _shared_with_region(region_id: str) -> Select:
    """Ids of the cases shared with the region (any owner)."""
    return select(ProcessInstance.id).where(ProcessInstance.shared_with == region_id)


def instance_clause(viewer: Viewer | None) -> ColumnElement[bool]:
    if viewer is None or not viewer.organisation_id:
        return false()
    own = ProcessInstance.owner == viewer.organisation_id
    if viewer.organisation_kind != "region":
        return own
    return or_(own, ProcessInstance.shared_with == viewer.organisation_id)


def task_clause(viewer: Viewer | None) -> ColumnElement[bool]:
    """The tasks of the cases `instance_clause` lets the viewer see (human_tasks.owner mirrors the case's)."""
    if viewer is None or not viewer.organisation_id:
        return false()
    own = HumanTask.owner == viewer.organisation_id
    if viewer.organisation_kind != "region":
        return own
    return or_(own, HumanTask.instance_id.in_(_shared_with_region(viewer.organisation_id)))


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
