"""The process owner: held in an authority or a region, may edit and deploy the organisation's own
routes; no other role may. The demo has one per authority and region."""
from __future__ import annotations

import pytest

from engine.errors import InvalidInput
from workflows.accounts import check_roles, ensure_organisation
from workflows.demo import ORGANISATIONS, demo_email, ensure_users
from workflows.roles import ROLES, may_deploy_processes, role_ids


def test_only_the_process_owner_may_deploy():
    assert may_deploy_processes(["link_adviser", "process_owner"])
    assert [r.id for r in ROLES if may_deploy_processes([r.id])] == ["process_owner"]
    assert not may_deploy_processes(["la_admin", "regional_director", "no_such_role"])


@pytest.mark.parametrize("organisation_id", ["358", "dfe-north-west"])
def test_authorities_and_regions_may_both_hold_it(session, organisation_id):
    organisation = ensure_organisation(session, organisation_id)
    assert check_roles(organisation, ["process_owner"]) == ["process_owner"]
    assert "process_owner" in role_ids(organisation.kind)


def test_region_only_roles_stay_out_of_authorities(session):
    with pytest.raises(InvalidInput, match="regional_director"):
        check_roles(ensure_organisation(session, "358"), ["regional_director"])


def test_the_demo_has_a_process_owner_per_authority_and_region(session):
    emails = ensure_users(session)
    for _organisation, domain, _roles in ORGANISATIONS:
        assert demo_email("process_owner", domain) in emails
