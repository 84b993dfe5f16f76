"""Who handles incidents: a manager (workflows.access.may_manage_case's roles) or a process owner, of
the organisation that owns the case. A region never handles an authority's case it only shares."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import NotAllowed, NotFound
from engine.models import ProcessInstance
from workflows.access import Viewer, instance_clause, visible_instance
from workflows.roles import ROLES_BY_ID

#: The role another change adds; looked up, not imported, so this works with and without it.
PROCESS_OWNER = "process_owner"


def may_handle_incidents(viewer: Viewer | None) -> bool:
    if viewer is None or not viewer.organisation_id:
        return False
    roles = [ROLES_BY_ID[r] for r in viewer.roles if r in ROLES_BY_ID]
    return any(role.may_manage_cases for role in roles) or (
        ROLES_BY_ID.get(PROCESS_OWNER) is not None and PROCESS_OWNER in viewer.roles)


def may_handle_case(viewer: Viewer | None, instance: ProcessInstance) -> bool:
    return may_handle_incidents(viewer) and instance.owner == viewer.organisation_id  # type: ignore[union-attr]


def own_cases(viewer: Viewer):
    """The viewer's organisation's own cases, through the one visibility rule."""
    return select(ProcessInstance).where(instance_clause(viewer), ProcessInstance.owner == viewer.organisation_id)


def incident_count(session: Session, viewer: Viewer) -> int:
    query = own_cases(viewer).where(ProcessInstance.status == "error")
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def handled_case(session: Session, viewer: Viewer, instance_id: int) -> ProcessInstance:
    """The case, if the viewer handles incidents and their organisation owns it: 403 for other
    officers, 404 for a case of another organisation (even one shared with theirs)."""
    if not may_handle_incidents(viewer):
        raise NotAllowed("only a manager or process owner can handle a case's incidents")
    instance = visible_instance(session, viewer, instance_id)
    if instance.owner != viewer.organisation_id:
        raise NotFound(f"no case with id {instance_id}")
    return instance
