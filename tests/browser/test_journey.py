"""An officer's journey in a real browser: sign in, inbox, claim, a refused form, completion, the
case diagram; another authority's officer gets 404. axe-core checks every page against WCAG 2.2 AA
and each page is saved as a screenshot under tests/browser/screenshots/ (git-ignored) to look at."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine import definitions, runtime
from engine.models import HumanTask
from tests.web.factories import DERBYSHIRE, TRAFFORD, deploy_route, make_school, make_user, start_case
from workflows.registry import processes

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
    # Nothing is assigned to Ann but two tasks wait for her role: the inbox opens on those.
    expect(page.get_by_role("link", name=re.compile(r"^For my roles \("))).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name=re.compile(r"^Assigned to me \(")).click()
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
    # Ash Grove already has an open case of this route: starting another asks first.
    expect(page.locator("#open-cases")).to_contain_text("already has an open Web test route case")
    page.get_by_role("button", name="Start the case").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm that you want to start a second")
    check(page, "13-start-confirm-second-case")
    page.get_by_label("Yes, start a second Web test route case for this school").check()
    page.get_by_role("button", name="Start the case").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Web test route started")
    expect(page.locator("#case-diagram")).to_have_attribute("data-state", "ready")

    # A manager names the lead officer and withdraws the duplicate case, with a reason.
    page.get_by_role("link", name="Change lead officer").click()
    check(page, "13a-lead-officer")
    page.get_by_role("button", name="Save lead officer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The lead officer has been changed")
    page.get_by_role("link", name="Withdraw or close this case").click()
    page.get_by_role("button", name="End the case").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the case is ending")
    check(page, "13b-close-case-errors")
    page.get_by_label("Withdraw the case").check()
    page.get_by_label("Why is the case ending?").fill("Started twice by mistake")
    page.get_by_role("button", name="End the case").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Withdrawn: Started twice by mistake")

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


DIRECTORS_REASONS = "Standards at Key Stage 2 have been unacceptably low for three years and the plan has not worked"


@pytest.fixture
def warning_notice_case(committed):
    """A warning-notice case at the Cabinet Member's decision, the steps before it done by their officers."""
    package = processes()["maintained_warning_notice"]
    with committed() as session:
        definitions.deploy(session, package.read_bpmn(), "test", package.read_dmn())
        make_school(session)
        people = {"ann.adviser@trafford.gov.uk": ("Ann Adviser", ["link_adviser"]),
                  "dan.deputy@trafford.gov.uk": ("Dan Deputy", ["deputy_assistant_director"]),
                  "sue.senior@trafford.gov.uk": ("Sue Senior", ["senior_adviser"]),
                  "dee.director@trafford.gov.uk": ("Dee Director", ["director_childrens_services"]),
                  "cam.member@trafford.gov.uk": ("Cam Member", ["cabinet_member"]),
                  "cm@trafford.gov.uk": ("Cath Manager", ["case_manager"])}
        for email, (name, roles) in people.items():
            make_user(session, email, TRAFFORD, roles, name)
        instance = runtime.start_instance(session, "maintained_warning_notice", actor="cm@trafford.gov.uk",
                                          business_key="100001")
        steps = [("discuss_concerns", "ann.adviser@trafford.gov.uk",
                  {"concerns_discussed_on": "2026-02-02", "discussed_with": "headteacher_and_chair",
                   "concerns_summary": "Results, leadership capacity; a joint plan to be drawn up"}),
                 ("confirm_concerns_in_writing", "dan.deputy@trafford.gov.uk",
                  {"concerns_confirmed_on": "2026-02-04", "action_plan_agreed": True}),
                 ("review_school_progress", "sue.senior@trafford.gov.uk",
                  {"progress_review_held_on": "2026-02-27", "progress_review_outcome": "escalate",
                   "progress_review_summary": "No progress against the action plan; governors have not met."}),
                 ("recommend_warning_notice", "dee.director@trafford.gov.uk",
                  {"notice_recommended": True, "notice_type": "s60", "recommended_on": "2026-03-02",
                   "recommendation_reasons": DIRECTORS_REASONS})]
        for bpmn_id, actor, data in steps:
            task = session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                          HumanTask.bpmn_id == bpmn_id, HumanTask.is_open.is_(True)))
            runtime.complete_task(session, task.id, actor, data)
        session.commit()
        return instance.id


def test_the_cabinet_member_decides_with_the_directors_recommendation_in_view(new_page, warning_notice_case):
    page = new_page()
    page.goto("/sign-in")
    sign_in(page, "cam.member@trafford.gov.uk")
    # Nothing is assigned to the Cabinet Member yet; the inbox opens where the work is.
    expect(page.get_by_role("link", name=re.compile(r"^For my roles \("))).to_have_attribute("aria-current", "page")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text(f"case {warning_notice_case}")
    row.get_by_role("link", name="Decide whether to issue the warning notice").click()

    evidence = page.locator(".app-evidence")
    newest = evidence.locator("details").first
    expect(newest).to_have_attribute("open", "")
    expect(newest.locator("summary")).to_contain_text("Recommend whether to issue a warning notice")
    expect(newest.locator("summary")).to_contain_text("Dee Director")
    answers = newest.locator(".govuk-summary-list")
    expect(answers.locator(".govuk-summary-list__row", has_text="Recommend a warning notice")).to_contain_text("Yes")
    expect(answers.locator(".govuk-summary-list__row", has_text="Date of the recommendation")).to_contain_text(
        "2 March 2026")
    expect(answers.locator(".govuk-summary-list__row", has_text="Reasons")).to_contain_text(DIRECTORS_REASONS)
    expect(evidence.locator("details")).to_have_count(4)
    earlier = evidence.locator("details").nth(3)
    expect(earlier).not_to_have_attribute("open", "")
    earlier.locator("summary").click()
    expect(earlier.locator(".govuk-summary-list")).to_contain_text("Headteacher and chair of governors")
    # The evidence sits above the form the Cabinet Member fills in.
    assert page.evaluate("""() => {
        const evidence = document.querySelector('.app-evidence'), form = document.querySelector('main form');
        return !!(evidence.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    check(page, "30-decision-with-evidence")
    page.set_viewport_size({"width": 390, "height": 844})
    check(page, "30-decision-with-evidence-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"/cases/{warning_notice_case}")
    record = page.locator("#steps-record")
    expect(record).to_be_visible()
    expect(page.locator(".app-evidence details")).to_have_count(4)
    check(page, "31-case-with-record")
    page.set_viewport_size({"width": 390, "height": 844})
    check(page, "31-case-with-record-390")
    assert page.console_errors == []
