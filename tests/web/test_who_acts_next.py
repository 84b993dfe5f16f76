"""Who acts next: the confirmation page, the inbox's first tab, case numbers and the authority in
lists (issue 9, point 4)."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine import runtime
from engine.models import HumanTask
from workflows.accounts import ensure_organisation

from .factories import NORTH_WEST, TRAFFORD, Browser, make_user, start_case

CHECKED = {"concern_details": "Attendance fell", "visit_on": "2026-01-13", "severity": "low"}


def open_task(session, instance_id: int, bpmn_id: str) -> HumanTask:
    session.expire_all()
    return session.scalar(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                  HumanTask.bpmn_id == bpmn_id, HumanTask.is_open.is_(True)))


def next_steps(page: str) -> str:
    return page[page.index('id="next-steps"'):page.index("See the case")]


@pytest.fixture
def case(session, route, school):
    instance = start_case(session, check_due_on="2030-01-15")
    session.commit()
    return instance


def test_the_confirmation_names_the_role_and_date_of_the_next_step(signed_in, case, session):
    runtime.complete_task(session, open_task(session, case.id, "check_concern").id,
                          "ann.adviser@trafford.gov.uk", CHECKED)
    approve = open_task(session, case.id, "approve")
    session.commit()
    signed_in.post(f"/tasks/{approve.id}", {"approval_notes": "", "intervene_action": "complete"})
    section = next_steps(signed_in.text(f"/tasks/{approve.id}/done"))
    assert "Decide on an academy order" in section
    assert "Regional director (not yet claimed by anyone)" in section
    assert "No due date is set for this step" in section


def test_the_confirmation_names_the_person_once_assigned_and_the_due_date(signed_in, case, session):
    make_user(session, "lee.link@trafford.gov.uk", roles=["link_adviser"], name="Lee Link")
    first = open_task(session, case.id, "check_concern")
    runtime.complete_task(session, first.id, "ann.adviser@trafford.gov.uk", CHECKED)
    approve = open_task(session, case.id, "approve")
    runtime.claim_task(session, approve.id, "lee.link@trafford.gov.uk")
    approve.due_at = datetime(2030, 3, 4, 12, tzinfo=UTC)  # the route sets none; the projection is what is read
    session.commit()
    section = next_steps(signed_in.text(f"/tasks/{first.id}/done"))
    assert "Approve the response" in section and "Link adviser or Senior adviser: Lee Link" in section
    assert "Mon 4 March 2030" in section


def tab_shown(page: str) -> str:
    return re.search(r'aria-current="page">([^(<]+) \(', page).group(1)


def test_the_inbox_opens_on_the_tab_that_has_work_in_it(signed_in, case, session):
    assert tab_shown(signed_in.text("/inbox")) == "For my roles"  # nothing claimed, one task for my role
    assert open_task(session, case.id, "check_concern").id in signed_in.text("/inbox")
    assert tab_shown(signed_in.text("/inbox?tab=mine")) == "Assigned to me"  # asked for: kept
    runtime.claim_task(session, open_task(session, case.id, "check_concern").id, "ann.adviser@trafford.gov.uk")
    session.commit()
    assert tab_shown(signed_in.text("/inbox")) == "Assigned to me"


def test_an_empty_inbox_opens_on_assigned_to_me(signed_in):
    assert tab_shown(signed_in.text("/inbox")) == "Assigned to me"


def test_lists_show_the_case_number_and_a_regional_director_sees_the_authority(app, signed_in, case, session):
    ensure_organisation(session, TRAFFORD, "Trafford Metropolitan Borough Council")
    make_user(session, "rd@education.gov.uk", NORTH_WEST, ["regional_director"])
    runtime.complete_task(session, open_task(session, case.id, "check_concern").id,
                          "ann.adviser@trafford.gov.uk", CHECKED)
    runtime.complete_task(session, open_task(session, case.id, "approve").id, "ann.adviser@trafford.gov.uk", {})
    session.commit()
    region = Browser(app.test_client())
    region.sign_in("rd@education.gov.uk")
    for page in (region.text("/inbox?tab=roles"), region.text("/cases")):
        assert re.search(rf'app-case-number">[Cc]ase {case.id}<', page)
        assert 'app-authority">Trafford Metropolitan Borough Council<' in page
    own = signed_in.text("/cases")
    assert re.search(rf'app-case-number">Case {case.id}<', own) and "app-authority" not in own


def test_a_region_owned_case_names_the_schools_authority(app, route, school, session):
    make_user(session, "rd@education.gov.uk", NORTH_WEST, ["regional_director"])
    instance = start_case(session)
    instance.owner = NORTH_WEST  # as the region's own routes (academy orders) are owned
    session.commit()
    region = Browser(app.test_client())
    region.sign_in("rd@education.gov.uk")
    assert 'app-authority">Trafford<' in region.text("/cases")
