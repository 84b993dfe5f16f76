"""The dry-run page in a real browser at 1280 and 390 px: an officer tries the warning notice route
from 21 December 2026, meets the error summary for a date that is not real, then sees the steps in
order with the compliance period ending on 14 January 2027. axe-core checks every page; screenshots
go to tests/browser/screenshots/ (git-ignored)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engine import definitions
from tests.web.factories import TRAFFORD, make_user
from workflows.maintained_warning_notice import PROCESS

from .test_journey import check, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def deployed(committed):
    with committed() as session:
        definitions.deploy(session, PROCESS.read_bpmn(), "national", PROCESS.read_dmn())
        make_user(session, "ann.adviser@trafford.gov.uk", TRAFFORD, ["link_adviser"], "Ann Adviser")
        session.commit()


@pytest.mark.parametrize("width", [1280, 390])
def test_an_officer_tries_out_the_warning_notice_route(new_page, deployed, width):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/processes/{PROCESS.key}/dry-run")
    sign_in(page, "ann.adviser@trafford.gov.uk")
    expect(page.get_by_role("heading", name=PROCESS.title.split(" (")[0], exact=False)).to_be_visible()
    check(page, f"dry-run-form-{width}")

    page.get_by_label("Day").fill("30")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Try it out").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The start date must be a real date")
    check(page, f"dry-run-errors-{width}")

    page.get_by_label("Day").fill("21")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Sample answers (optional)").fill("progress_review_outcome: escalate\nnotice_recommended: yes")
    page.get_by_role("button", name="Try it out").click()
    table = page.locator("table")
    expect(table).to_contain_text("Wait: Compliance period ended")
    expect(table.locator("tr", has_text="Compliance period ended")).to_contain_text("14 January 2027")
    expect(page.locator(".govuk-inset-text")).to_contain_text("The case reaches the end of the route.")
    check(page, f"dry-run-steps-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing scrolls sideways
    assert page.console_errors == []
