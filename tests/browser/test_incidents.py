"""The incidents page in a real browser at 1280 and 390 px: a manager sees the case in error in the
navigation count and the list, skips its failing step through the reason form (with its error
summary) and the confirmation page, and suspends a case from the case page. axe-core checks every
page; screenshots go to tests/browser/screenshots/ (git-ignored)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from engine import definitions, runtime
from engine.models import HumanTask
from tests.web.factories import FIXTURES, TRAFFORD, make_school, make_user

from .test_journey import check, sign_in

pytestmark = pytest.mark.browser


def _open_task(session, instance_id: int) -> HumanTask:
    return session.scalar(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                  HumanTask.is_open.is_(True)))


@pytest.fixture
def incident(committed):
    """A case stopped at its script step, and a running case, of Trafford; a case manager of Trafford."""
    with committed() as session:
        definitions.deploy(session, (FIXTURES / "error_route.bpmn").read_text(encoding="utf-8"), "owner")
        make_school(session)
        make_user(session, "cass.manager@trafford.gov.uk", TRAFFORD, ["case_manager"], "Cass Manager")
        broken = runtime.start_instance(session, "error_route", "cass.manager@trafford.gov.uk",
                                        business_key="100001", owner=TRAFFORD)
        runtime.complete_task(session, _open_task(session, broken.id).id, "cass.manager@trafford.gov.uk",
                              {"compliance_days": -5, "notes": "typed in a hurry"})
        running = runtime.start_instance(session, "error_route", "cass.manager@trafford.gov.uk",
                                         business_key="100001", owner=TRAFFORD)
        session.commit()
        return {"broken": broken.id, "running": running.id}


@pytest.mark.parametrize("width", [1280, 390])
def test_a_manager_skips_the_failing_step_and_suspends_a_case(new_page, incident, width):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/incidents")
    sign_in(page, "cass.manager@trafford.gov.uk")
    if width < 641:
        page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("link", name="Incidents (1)")).to_be_visible()
    card = page.locator(f"#incident-{incident['broken']}")
    expect(card).to_contain_text("Work out the compliance period")
    check(page, f"incidents-{width}")

    card.get_by_role("link", name="Skip the step").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason")
    check(page, f"incidents-skip-errors-{width}")
    page.get_by_label("Why are you skipping this step?").fill("Worked out by hand: 15 working days")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Are you sure you want to skip the step that failed?")).to_be_visible()
    check(page, f"incidents-skip-confirm-{width}")
    page.get_by_role("button", name="Skip the step").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has run on")
    expect(page.locator("#no-incidents")).to_be_visible()
    check(page, f"incidents-after-skip-{width}")

    page.goto(f"/cases/{incident['running']}")
    page.locator("#suspend-case").click()
    page.get_by_label("Why are you suspending the case?").fill("Awaiting legal advice")
    check(page, f"incidents-suspend-{width}")
    page.get_by_role("button", name="Suspend the case").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been suspended")
    expect(page.locator("#resume-case")).to_be_visible()
    check(page, f"incidents-suspended-case-{width}")
