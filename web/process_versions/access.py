"""Who may compare versions and plan a migration (managers and process owners), who may move cases
(roles that may deploy processes), and which versions an organisation may use: the national ones
and its own, never another organisation's (those answer 404, as if they did not exist)."""
from __future__ import annotations

from engine.errors import NotAllowed, NotFound
from engine.models import ProcessDefinition
from workflows.access import Viewer
from workflows.roles import may_deploy_processes
from workflows.roles import may_view_versions as roles_may_view_versions


def may_view_versions(viewer: Viewer | None) -> bool:
    return viewer is not None and bool(viewer.organisation_id) and roles_may_view_versions(viewer.roles)


def may_migrate(viewer: Viewer | None) -> bool:
    return viewer is not None and bool(viewer.organisation_id) and may_deploy_processes(viewer.roles)


def require_viewer(viewer: Viewer) -> None:
    if not may_view_versions(viewer):
        raise NotAllowed("only a manager or a process owner can compare versions and plan migrations")


def require_line(viewer: Viewer, owner: str | None) -> None:
    """A line of versions the viewer's organisation may use: the national one or its own."""
    if owner is not None and owner != viewer.organisation_id:
        raise NotFound(f"no versions of {owner}")


def usable(viewer: Viewer, definition: ProcessDefinition) -> ProcessDefinition:
    require_line(viewer, definition.owner)
    return definition
