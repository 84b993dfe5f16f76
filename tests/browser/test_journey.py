"""An officer's journey in a real browser: sign in, inbox, claim, a refused form, completion, the
case diagram; another authority's officer gets 404. axe-core checks every page against WCAG 2.2 AA
and each page is saved as a screenshot under tests/browser/screenshots/ (git-ignored) to look at."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.factories import DERBYSHIRE, TRAFFORD, deploy_route, make_school, make_user, start_case

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "correct horse battery staple"


def check(page: Page, name: str) -> None:
    """No axe-core violations of WCAG 2.0/2.1/2.2 A and AA; a full-page screenshot to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    violations = page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
        return result.violations.map(v => `${v.id} (${v.impact}): ${v.help}: ` +
            v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(' | '));
    }""", WCAG_TAGS)
    assert violations == [], f"{name}: " + "\n".join(violations)


@pytest.fixture
def case(committed):
    with committed() as session:
        deploy_route(session)
        make_school(session)
        make_school(session, "100002", "Birch Lane Primary School")
        make_user(session, "ann.adviser@trafford.gov.uk", TRAFFORD, ["link_adviser", "la_admin", "case_manager"],
                  "Ann Adviser")
        make_user(session, "bob@derbyshire.gov.uk", DERBYSHIRE, ["link_adviser"], "Bob Derby")
        instance = start_case(session, check_due_on="2020-03-02")
        start_case(session, "100002", check_due_on="2099-03-02")
        session.commit()
        return instance.id


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_an_officer_completes_a_step_and_sees_it_on_the_diagram(new_page, case):
    page = new_page()
    page.goto("/inbox")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/inbox$"))
    check(page, "01-sign-in")

    sign_in(page, "ann.adviser@trafford.gov.uk", "not my password")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a correct email address and password")
    check(page, "02-sign-in-error")

    sign_in(page, "ann.adviser@trafford.gov.uk")
    expect(page.get_by_role("heading", name="Inbox", exact=True)).to_be_visible()
    expect(page.get_by_text("No tasks are assigned to you")).to_be_visible()
    check(page, "03-inbox-assigned-to-me-empty")

    page.get_by_role("link", name=re.compile(r"^For my roles \(")).click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Ash Grove Primary School")
    expect(rows.first.locator(".govuk-tag--red")).to_have_text("Overdue")
    check(page, "04-inbox-for-my-roles")

    rows.first.get_by_role("button", name=re.compile("^Claim")).click()
    expect(page.get_by_role("heading", name="Check the concern")).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have claimed")
    check(page, "05-task")

    page.get_by_label("What is the concern").fill("Attendance has fallen to 82%")
    page.get_by_role("group", name="Date of the visit").get_by_label("Day").fill("31")
    page.get_by_role("group", name="Date of the visit").get_by_label("Month").fill("2")
    page.get_by_role("group", name="Date of the visit").get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Complete step").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Date of the visit must be a real date")
    expect(summary).to_contain_text("Select how serious is it")
    expect(page.get_by_label("What is the concern")).to_have_value("Attendance has fallen to 82%")
    check(page, "06-task-errors")
    summary.get_by_role("link", name="Date of the visit must be a real date").click()
    expect(page.locator("#visit_on-day")).to_be_focused()

    page.locator("#visit_on-day").fill("13")
    page.locator("#visit_on-month").fill("1")
    page.get_by_label("High").check()
    page.get_by_label("Ground for concern").select_option("standards")
    page.get_by_label("The diocese has been told").check()
    page.get_by_role("button", name="Complete step").click()
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text("Step completed")
    expect(page.get_by_role("button", name="Continue to Approve the response")).to_be_visible()
    check(page, "07-step-completed")

    page.get_by_role("link", name="See the case").click()
    diagram = page.locator("#case-diagram")
    expect(diagram).to_have_attribute("data-state", "ready")
    expect(diagram.locator('[data-element-id="check_concern"].step--completed')).to_have_count(1)
    expect(diagram.locator('[data-element-id="approve"].step--current')).to_have_count(1)
    expect(page.locator(".app-timeline")).to_contain_text("Completed: Check the concern")
    check(page, "08-case")
    assert page.console_errors == []

    stranger = new_page()
    stranger.goto(f"/cases/{case}")
    sign_in(stranger, "bob@derbyshire.gov.uk")
    expect(stranger.get_by_role("heading", name="Page not found")).to_be_visible()
    assert stranger.evaluate("document.title").startswith("Page not found")
    check(stranger, "09-other-authority-404")


def test_every_other_page_meets_wcag_2_2_aa(new_page, case):
    page = new_page()
    page.goto("/sign-in")
    sign_in(page, "ann.adviser@trafford.gov.uk")
    expect(page.get_by_role("heading", name="Inbox", exact=True)).to_be_visible()

    page.goto("/cases")
    expect(page.locator("tbody tr")).to_have_count(2)
    check(page, "10-cases")

    page.goto("/schools/100001")
    expect(page.get_by_role("heading", name="Ash Grove Primary School")).to_be_visible()
    check(page, "11-school")

    page.get_by_role("link", name="Start a case for this school").click()
    expect(page.get_by_role("group", name="Which route do you want to start?")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a route")
    check(page, "12-start-choose-route-error")
    page.get_by_label("Web test route").check()
    page.get_by_role("button", name="Continue").click()
    check(page, "13-start-confirm")
    page.get_by_role("button", name="Start the case").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Web test route started")
    expect(page.locator("#case-diagram")).to_have_attribute("data-state", "ready")

    page.goto("/cases/new?q=lane")
    expect(page.get_by_role("link", name=re.compile("Birch Lane"))).to_be_visible()
    check(page, "14-start-search")

    page.goto("/inbox?tab=roles")
    page.get_by_role("link", name=re.compile("^Reassign Check the concern for Birch")).click()
    expect(page.get_by_role("group", name=re.compile("Who should do"))).to_be_visible()
    check(page, "15-reassign")

    page.goto("/admin/users")
    check(page, "16-admin-users")
    page.get_by_role("button", name="Add a user").click()
    page.get_by_role("button", name="Add user").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, "17-admin-add-user-errors")

    page.goto("/accessibility")
    check(page, "18-accessibility")
    page.goto("/this-page-does-not-exist")
    check(page, "19-not-found")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    check(page, "20-signed-out")


def test_a_narrow_screen_collapses_the_navigation(new_page, case):
    page = new_page()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/sign-in")
    sign_in(page, "ann.adviser@trafford.gov.uk")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    menu.click()
    expect(page.get_by_role("link", name="Cases")).to_be_visible()
    page.goto("/inbox?tab=roles")
    check(page, "21-inbox-mobile")
