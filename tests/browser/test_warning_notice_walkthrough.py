"""Issue 9's walk-through redone: a warning notice to a maintained school, from starting the case in
the web to the Cabinet Member's decision on the powers, each step done by the demo officer whose role
it needs, in that officer's own browser. It counts sign-ins, clicks, text boxes and date boxes, and
holds them under bounds well below the first walk-through's (11 sign-ins, about 62 clicks, 60 date
boxes). On the way: the Director's recommendation and the earlier answers are on the Cabinet
Member's decision page; the notice is checked, an answer changed from the check page and the
corrected letter previewed before it is issued; the Word version is downloaded and read."""
from __future__ import annotations

import io
import subprocess
from datetime import date, timedelta

import pytest
from docx import Document
from playwright.sync_api import expect

from engine.clock import today_local
from engine.timers import fire_due
from workflows.calendar import working_days_after

from .walkthrough import Walk, load_demo_organisations

pytestmark = pytest.mark.browser
SCHOOL = "Kingsway Community Primary School"
REASONS = "Reading results at key stage 2 have fallen for three years and governors have not acted on the plan"
MATTERS = ("Pupils' attainment in reading at the end of key stage 2 fell to 38% in 2025, against 74% nationally, "
           "and the governing body has not held leaders to account for the agreed action plan.")
BETTER_ACTION = "Commission an external review of governance and agree a reading improvement plan with the authority."
#: The first walk-through: 11 sign-ins, about 62 clicks, 60 date boxes. These bounds are this one's.
MOST_SIGN_INS, MOST_CLICKS, MOST_DATE_BOXES = 8, 55, 30


def working_day_on_or_before(day: date) -> date:
    while working_days_after(day - timedelta(days=1), 1) != day:
        day -= timedelta(days=1)
    return day


def days_ago(n: int) -> str:
    return working_day_on_or_before(today_local() - timedelta(days=n)).isoformat()


@pytest.fixture
def demo(committed):
    with committed() as session:
        load_demo_organisations(session)
        session.commit()
    return committed


def test_a_warning_notice_from_start_to_the_powers_decision(new_page, demo):
    walk = Walk(new_page, "wn")

    # The senior adviser starts the case from the school's name (a link adviser may not start one).
    senior = walk.officer("senior_adviser")
    walk.look(senior, "inbox-empty")
    walk.click(senior.get_by_role("navigation", name="Menu").get_by_role("link", name="Start a case"))
    walk.fill(senior.get_by_label("Which school is the case about?"), "Kingsway")
    walk.click(senior.get_by_role("button", name="Search"))
    walk.look(senior, "start-search")
    walk.click(senior.get_by_role("link", name=SCHOOL))
    walk.look(senior, "start-route")
    walk.check(senior.get_by_label("Maintained school: warning notice"))
    walk.click(senior.get_by_role("button", name="Continue"))
    walk.look(senior, "start-form")
    walk.click(senior.get_by_role("button", name="Start the case"))
    expect(senior.locator(".govuk-notification-banner")).to_contain_text("started")
    walk.look(senior, "case-started")

    # The link adviser discusses the concerns.
    adviser = walk.officer("link_adviser")
    walk.open_task(adviser, SCHOOL, "Discuss the concerns with the headteacher and chair")
    walk.look(adviser, "discuss-concerns")
    walk.date(adviser, "concerns_discussed_on", days_ago(100))
    walk.pick(adviser, "discussed_with", "headteacher_and_chair")
    walk.fill(adviser.get_by_label("The concerns discussed and the next steps agreed"),
              "Reading results and leadership capacity; a joint action plan to be drawn up.")
    walk.complete(adviser)
    walk.look(adviser, "discuss-concerns-done")

    deputy = walk.officer("deputy_assistant_director")
    walk.open_task(deputy, SCHOOL, "Confirm the agreed concerns in writing")
    walk.look(deputy, "confirm-in-writing")
    walk.date(deputy, "concerns_confirmed_on", days_ago(95))
    walk.yes_no(deputy, "action_plan_agreed", True)
    walk.complete(deputy)

    walk.open_task(senior, SCHOOL, "Hold a School Progress Review")
    walk.look(senior, "progress-review")
    walk.date(senior, "progress_review_held_on", days_ago(80))
    walk.fill(senior.get_by_label("The senior adviser's summary of progress against the action plan"),
              "No progress against the action plan; governors have not met since the concerns were confirmed.")
    walk.pick(senior, "progress_review_outcome", "escalate")
    walk.complete(senior)

    director = walk.officer("director_childrens_services")
    walk.open_task(director, SCHOOL, "Recommend whether to issue a warning notice")
    walk.look(director, "recommend")
    walk.yes_no(director, "notice_recommended", True)
    walk.pick(director, "notice_type", "s60")
    walk.date(director, "recommended_on", days_ago(70))
    walk.fill(director.get_by_label("Reasons"), REASONS)
    walk.complete(director)
    walk.look(director, "recommend-done")

    # The Cabinet Member decides with the Director's recommendation and the earlier answers in view.
    member = walk.officer("cabinet_member")
    walk.open_task(member, SCHOOL, "Decide whether to issue the warning notice")
    evidence = member.locator(".app-evidence")
    newest = evidence.locator("details").first
    expect(newest.locator("summary")).to_contain_text("Recommend whether to issue a warning notice")
    expect(newest).to_contain_text(REASONS)
    expect(newest.locator(".govuk-summary-list__row", has_text="Recommend a warning notice")).to_contain_text("Yes")
    expect(evidence.locator("details")).to_have_count(4)
    expect(evidence).to_contain_text("No progress against the action plan")
    walk.look(member, "decide-with-evidence")
    walk.date(member, "discussed_with_school_on", days_ago(66))
    walk.pick(member, "cabinet_member_decision", "issue")
    walk.date(member, "decided_on", days_ago(65))
    walk.complete(member)
    walk.look(member, "decide-done")
    walk.click(member.get_by_role("button", name="Continue to Issue the warning notice to the governing body"))

    # The notice: written, checked, an answer changed from the check page, previewed, issued.
    walk.look(member, "issue-notice")
    walk.date(member, "notice_given_on", days_ago(60))
    walk.check(member.locator("#ground_low_standards"))
    walk.fill(member.locator("#matters_of_concern"), MATTERS)
    walk.fill(member.locator("#required_action"), "x")  # a placeholder, as in the notice the issue names
    walk.check(member.locator("#minded_s64_additional_governors"))
    # The other slip, not counted: a compliance period of -5 is refused with a GOV.UK error.
    member.locator("#compliance_period_working_days").fill("-5")
    member.get_by_role("button", name="Continue to check the letter").click()
    expect(member.locator(".govuk-error-summary")).to_contain_text("compliance period")
    walk.look(member, "issue-notice-refused")
    member.locator("#compliance_period_working_days").fill("15")
    walk.click(member.get_by_role("button", name="Continue to check the letter"))
    expect(member.get_by_role("heading", name="Check your answers before the letter is issued")).to_be_visible()
    expect(member.locator(".app-letter-page").first).to_be_visible()
    expect(member.get_by_text("Some answers look like placeholder text")).to_be_visible()
    walk.look(member, "check-letter")
    # Issued as it is, "x" is refused and nothing starts the statutory clock (not counted either).
    member.get_by_role("button", name="Issue the letter").click()
    expect(member.locator(".govuk-error-summary")).to_be_visible()
    expect(member.get_by_role("heading", name="Check your answers before the letter is issued")).to_be_visible()
    walk.click(member.locator("#answers").get_by_role("link", name="Change The action the governing body"))
    expect(member.locator("#required_action")).to_have_value("x")
    walk.fill(member.locator("#required_action"), BETTER_ACTION)
    walk.click(member.get_by_role("button", name="Continue to check the letter"))
    expect(member.locator("#answers")).to_contain_text(BETTER_ACTION)
    expect(member.get_by_text("Some answers look like placeholder text")).to_have_count(0)
    preview = member.request.get(member.locator("#letter-preview").get_attribute("href"))
    assert preview.headers["content-type"] == "application/pdf"
    assert "agree a reading improvement" in pdf_text(preview.body())
    walk.look(member, "check-letter-corrected")
    walk.click(member.get_by_role("button", name="Issue the letter"))
    expect(member.locator(".govuk-panel--confirmation")).to_be_visible()
    walk.look(member, "notice-issued")

    # The Word version, from the case page, opened as a document.
    walk.click(member.get_by_role("link", name="See the case"))
    walk.look(member, "case-after-notice")
    with member.expect_download() as download:
        walk.click(member.get_by_role("link", name="Word version of Warning notice").first)
    words = "\n".join(p.text for p in Document(io.BytesIO(download.value.path().read_bytes())).paragraphs)
    assert SCHOOL in words or "governing body" in words.lower()
    assert BETTER_ACTION in words
    assert "section 64" in words.lower() or "s64" in words.lower()

    # The compliance period is over (the notice was given weeks ago): the worker fires its timer.
    fire_due(demo)
    walk.weeks_pass()
    deputy = walk.officer("deputy_assistant_director")
    walk.open_task(deputy, SCHOOL, "Review whether the governing body has complied")
    walk.look(deputy, "review-compliance")
    walk.date(deputy, "compliance_reviewed_on", days_ago(30))
    walk.yes_no(deputy, "governing_body_complied", False)
    walk.fill(deputy.get_by_label("Evidence considered"), "No external review commissioned; no reading plan agreed.")
    walk.complete(deputy)

    member = walk.officer("cabinet_member")
    walk.open_task(member, SCHOOL, "Give written notice of intention to use powers")
    walk.look(member, "notice-of-intention")
    walk.date(member, "notice_of_intention_given_on", days_ago(20))
    walk.check(member.get_by_label("Propose: appoint additional governors", exact=False))  # a box a power
    walk.click(member.get_by_role("button", name="Continue to check the letter"))
    walk.look(member, "check-notice-of-intention")
    walk.click(member.get_by_role("button", name="Issue the letter"))
    expect(member.locator(".govuk-panel--confirmation")).to_be_visible()

    fire_due(demo)  # the reasonable notice has ended (if the step did not see it already over)
    walk.weeks_pass()
    member = walk.officer("cabinet_member")
    walk.open_task(member, SCHOOL, "Choose the powers to use (s60 notice)")
    walk.look(member, "choose-powers")
    walk.yes_no(member, "use_s63_arrangements", False)
    walk.yes_no(member, "use_s64_additional_governors", True)
    walk.yes_no(member, "use_s65_interim_executive_board", False)
    walk.yes_no(member, "use_s66_suspend_delegated_budget", False)
    walk.date(member, "powers_decided_on", days_ago(5))
    walk.fill(member.get_by_label("Reasons for the decision"), "The governing body did not comply with the notice.")
    walk.complete(member)
    walk.look(member, "powers-decided")

    print("\nwarning notice walk-through:", dict(walk.tally))
    assert walk.tally["sign-ins"] <= MOST_SIGN_INS
    assert walk.tally["clicks"] <= MOST_CLICKS
    assert walk.tally["date boxes"] <= MOST_DATE_BOXES
    for page in walk.pages.values():
        assert page.console_errors == []


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
