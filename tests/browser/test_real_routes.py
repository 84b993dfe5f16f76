"""Each statutory route in the browser: its diagram renders with the current step marked, and its
case page and first task page meet WCAG 2.2 AA (the real forms, not only the test route's). A route
that refuses to start fails here (never skips): CI does not fail on skips."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from engine import definitions, runtime
from engine.models import HumanTask
from tests.web.factories import NORTH_WEST, TRAFFORD, make_school, make_user
from workflows.registry import processes

from .test_journey import PASSWORD, check

pytestmark = pytest.mark.browser
SCHOOL_TYPES = {"maintained": "Community school", "academy": "Academy converter", "pru": "Pupil referral unit"}
LA_ROLES = ["link_adviser", "senior_adviser", "deputy_assistant_director", "assistant_director",
            "director_childrens_services", "cabinet_member", "case_manager"]


@pytest.mark.parametrize("key", sorted(processes()))
def test_the_route_on_the_case_page_and_its_first_task(key, new_page, committed):
    package = processes()[key]
    is_region = package.extra.get("owner") == "region"
    with committed() as session:
        definitions.deploy(session, package.read_bpmn(), "test", package.read_dmn())
        make_school(session, "400001", "Real Route School", type_of_establishment=SCHOOL_TYPES[package.applies_to[0]])
        make_user(session, "officer@example.gov.uk", NORTH_WEST if is_region else TRAFFORD,
                  ["regional_director", "regions_group_officer"] if is_region else LA_ROLES)
        instance = runtime.start_instance(session, key, actor="test", business_key="400001")
        session.commit()
        case_id = instance.id
        task_id = session.scalar(select(HumanTask.id).where(HumanTask.instance_id == case_id,
                                                            HumanTask.is_open.is_(True)))
    page = new_page()
    page.goto(f"/cases/{case_id}")
    page.get_by_label("Email address").fill("officer@example.gov.uk")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    diagram = page.locator("#case-diagram")
    expect(diagram).to_have_attribute("data-state", "ready")
    expect(diagram.locator(".step--current").first).to_be_visible()
    check(page, f"route-{key}-case")
    assert task_id is not None, f"{key} starts with no task for an officer"
    page.goto(f"/tasks/{task_id}")
    page.get_by_role("button", name="Complete step").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, f"route-{key}-first-task-errors")
    assert page.console_errors == []
