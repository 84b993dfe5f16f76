"""The role catalogue: who acts at each step, by id, with what an officer holding it may see.

Role ids are what BPMN candidate groups hold; lanes carry the display names. Two kinds of
organisation hold roles: local authorities (by GIAS LA code) and DfE regions.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    #: "la" roles belong to a local authority, "region" roles to a DfE region (regional director's team),
    #: "any" roles to either.
    organisation_kind: str
    description: str
    #: May reassign tasks to other officers of the same organisation.
    may_reassign: bool = False
    #: May add users and set their roles in the organisation.
    is_admin: bool = False
    #: May manage the organisation's cases as a whole: withdraw or close one, name its lead officer.
    may_manage_cases: bool = False
    #: May edit the organisation's own versions of the routes and deploy them; every officer may view them.
    may_deploy_processes: bool = False
    #: May see the organisation's dashboard: open cases, overdue and coming deadlines, how many were met.
    may_view_dashboard: bool = False


ROLES: tuple[Role, ...] = (
    Role("link_adviser", "Link adviser", "la",
         "The school's named adviser: first contact, informal stage, monitoring visits."),
    Role("senior_adviser", "Senior adviser", "la",
         "Convenes School Progress Reviews, briefs the deputy assistant director.", may_reassign=True),
    Role("deputy_assistant_director", "Deputy assistant director", "la",
         "Confirms concerns in writing; leads the authority's response to a school in a category.",
         may_reassign=True, may_manage_cases=True, may_view_dashboard=True),
    Role("assistant_director", "Assistant Director (Schools and Learning)", "la",
         "Keeps the DCS informed; confirms a school is no longer causing concern.", may_reassign=True,
         may_manage_cases=True, may_view_dashboard=True),
    Role("director_childrens_services", "Director of Children's Services", "la",
         "Recommends a warning notice; signs the statement of action and the Letter of Concern.",
         may_view_dashboard=True),
    Role("cabinet_member", "Cabinet Member for Children and Young People", "la",
         "Issues the warning notice on the DCS's recommendation."),
    Role("quality_assurance_partner", "Quality assurance partner", "la",
         "Experienced headteacher deployed for QA visits."),
    Role("la_admin", "Authority administrator", "la", "Adds users and sets their roles.",
         may_reassign=True, is_admin=True),
    Role("case_manager", "Case manager", "la", "Tracks every case of the authority; starts cases.",
         may_reassign=True, may_manage_cases=True, may_view_dashboard=True),
    Role("regional_director", "Regional director", "region",
         "Acts for the Secretary of State: academy orders, notices to academy trusts, IEBs.",
         may_manage_cases=True, may_view_dashboard=True),
    Role("regions_group_officer", "Regions Group case officer", "region",
         "Prepares the regional director's decisions and notices.", may_reassign=True),
    Role("region_admin", "Region administrator", "region", "Adds users and sets their roles.",
         may_reassign=True, is_admin=True),
    Role("process_owner", "Process owner", "any",
         "Changes the organisation's own version of a route (steps, roles, forms, default periods) and "
         "deploys it; the organisation's new cases use it.", may_deploy_processes=True),
)

ROLES_BY_ID = {role.id: role for role in ROLES}
_BY_NAME = {role.name.lower(): role for role in ROLES}


def role_for(name_or_id: str | None) -> Role | None:
    """A role from its id or display name (lanes are named for people, groups by id)."""
    if not name_or_id:
        return None
    key = name_or_id.strip()
    return ROLES_BY_ID.get(key) or _BY_NAME.get(key.lower())


def role_ids(kind: str | None = None) -> list[str]:
    return [r.id for r in ROLES if kind is None or r.organisation_kind in (kind, "any")]


def may_deploy_processes(roles: list[str] | tuple[str, ...]) -> bool:
    """Edit and deploy the organisation's own versions of the routes (other officers only view them)."""
    return any(role.may_deploy_processes for role in (role_for(r) for r in roles) if role is not None)


def may_view_dashboard(roles: list[str] | tuple[str, ...]) -> bool:
    """See the organisation's dashboard of cases and deadlines (managers; officers see their inbox)."""
    return any(role.may_view_dashboard for role in (role_for(r) for r in roles) if role is not None)


def may_view_versions(roles: list[str] | tuple[str, ...]) -> bool:
    """Compare a route's versions and plan a migration: managers of cases and process owners."""
    return any(role.may_manage_cases or role.may_deploy_processes
               for role in (role_for(r) for r in roles) if role is not None)


#: The roles that see the dashboard, for `requires(roles=...)`.
DASHBOARD_ROLES = tuple(role.id for role in ROLES if role.may_view_dashboard)
#: The roles that edit, check and deploy routes, for `requires(roles=...)`.
DEPLOYER_ROLES = tuple(role.id for role in ROLES if role.may_deploy_processes)
