"""Issue 9's second walk-through redone: a maintained school placed in special measures, from starting
the case at the final report in the web, through the authority's statement of action (checked before
it is issued) and the regional director's academy-order decision, to the regional director's consent
to an interim executive board, with the authority's reasons for it on the page the regional director
decides on. Each step is done by the demo officer whose role it needs (the authority's and the
region's), counting sign-ins, clicks, text boxes and date boxes."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .test_warning_notice_walkthrough import days_ago, demo, pdf_text  # noqa: F401 (demo is a fixture)
from .walkthrough import Walk

pytestmark = pytest.mark.browser
SCHOOL = "Broadheath High School"
ROUTE = "Maintained school in an Ofsted category of concern (EA 2005 s13-s15)"
IEB_REASONS = ("The governing body has not secured any improvement since the inspection and has lost the "
               "confidence of staff and parents; an interim executive board can lead the school out of special "
               "measures")
#: The first walk-through took 11 sign-ins, about 62 clicks and 60 date boxes for a warning notice.
MOST_SIGN_INS, MOST_CLICKS, MOST_DATE_BOXES = 7, 45, 27


def test_special_measures_to_the_regional_directors_consent_to_an_ieb(new_page, demo):  # noqa: F811
    walk = Walk(new_page, "oc")

    # The senior adviser starts the case at the final report, which the authority already has.
    senior = walk.officer("senior_adviser")
    walk.click(senior.get_by_role("navigation", name="Menu").get_by_role("link", name="Start a case"))
    walk.fill(senior.get_by_label("Which school is the case about?"), "Broadheath")
    walk.click(senior.get_by_role("button", name="Search"))
    walk.click(senior.get_by_role("link", name=SCHOOL))
    walk.check(senior.get_by_label(ROUTE))
    walk.click(senior.get_by_role("button", name="Continue"))
    walk.pick(senior, "category", "special_measures")
    walk.date(senior, "final_report_received_on", days_ago(8))
    walk.look(senior, "start-form")
    walk.click(senior.get_by_role("button", name="Start the case"))
    expect(senior.locator(".govuk-notification-banner")).to_contain_text("started")
    walk.look(senior, "case-started")

    # The Director sends the statement of action, checked as HMCI will read it.
    director = walk.officer("director_childrens_services")
    walk.open_task(director, SCHOOL, "Send the statement of action to HMCI")
    expect(director.locator(".app-evidence")).to_contain_text("Special measures")  # the start data, as evidence
    walk.look(director, "statement-of-action")
    walk.fill(director.get_by_label("The action the authority proposes to take"),
              "A new headteacher from a partner school, a governance review and weekly reading support.")
    walk.fill(director.get_by_label("The period within which it will be taken"), "By the end of the spring term")
    walk.fill(director.get_by_label("How parents will be told of the proposed action and their views sought"),
              "A letter to every family and a meeting at the school within two weeks.")
    walk.yes_no(director, "specified_person_appointed", False)
    walk.check(director.locator("#soa_power_s65_interim_executive_board"))
    # Words beside the boxes are quoted, never read for sections (the "keep s63-s66 under review").
    walk.fill(director.get_by_label("The authority's position on its intervention powers", exact=False),
              "Other powers: none at present; keep s63-s66 under review.")
    walk.date(director, "statement_of_action_sent_on", days_ago(2))
    walk.click(director.get_by_role("button", name="Continue to check the letter"))
    expect(director.get_by_role("heading", name="Check your answers before the letter is issued")).to_be_visible()
    preview = director.request.get(director.locator("#letter-preview").get_attribute("href"))
    letter = pdf_text(preview.body())
    assert "interim executive board" in letter and "(section 65" in letter
    assert "(section 63" not in letter and "section 64" not in letter and "(section 66" not in letter
    assert "none at present; keep s63-s66 under review" in letter
    walk.look(director, "check-statement")
    walk.click(director.get_by_role("button", name="Issue the letter"))
    expect(director.locator(".govuk-panel--confirmation")).to_be_visible()
    walk.look(director, "statement-issued")

    # The region: HMCI's notice recorded, then the academy-order decision (a power since 29 Jun 2026).
    officer = walk.officer("regions_group_officer", "north-west.dfe")
    walk.open_task(officer, SCHOOL, "Record HMCI's notice to the Secretary of State")
    walk.look(officer, "hmci-notice")
    walk.date(officer, "hmci_notice_given_on", days_ago(7))
    walk.complete(officer)

    regional = walk.officer("regional_director", "north-west.dfe")
    walk.open_task(regional, SCHOOL, "Decide whether to make an academy order (power)")
    walk.look(regional, "academy-order")
    walk.pick(regional, "academy_order_decision", "targeted_intervention")
    walk.date(regional, "academy_order_decided_on", days_ago(1))
    walk.complete(regional)

    # Weeks later the senior adviser's review finds the powers are needed; the Director chooses an IEB.
    walk.weeks_pass()
    senior = walk.officer("senior_adviser")
    walk.open_task(senior, SCHOOL, "Hold a School Progress Review")
    walk.look(senior, "progress-review")
    walk.date(senior, "review_held_on", days_ago(1))
    walk.fill(senior.get_by_label("Progress against the statement of action and the school's plan"),
              "No progress: the governing body has not met and has rejected the partner headteacher.")
    walk.pick(senior, "review_outcome", "use_powers")
    walk.complete(senior)

    director = walk.officer("director_childrens_services")
    walk.open_task(director, SCHOOL, "Decide which intervention powers to use")
    walk.look(director, "choose-powers")
    walk.yes_no(director, "use_s63_arrangements", False)
    walk.yes_no(director, "use_s64_additional_governors", False)
    walk.yes_no(director, "use_s65_interim_executive_board", True)
    walk.yes_no(director, "use_s66_suspend_delegated_budget", False)
    walk.date(director, "powers_decided_on", days_ago(0))
    walk.fill(director.get_by_label("Reasons for the decision"), IEB_REASONS)
    walk.complete(director)

    # The regional director decides with the authority's reasons, and its statement, in view.
    regional = walk.officer("regional_director", "north-west.dfe")
    walk.open_task(regional, SCHOOL, "Decide on consent to an interim executive board")
    evidence = regional.locator(".app-evidence")
    newest = evidence.locator("details").first
    expect(newest).to_have_attribute("open", "")
    expect(newest.locator("summary")).to_contain_text("Decide which intervention powers to use")
    expect(newest.locator(".govuk-summary-list__row", has_text="Reasons for the decision")).to_contain_text(
        IEB_REASONS)
    expect(newest.locator(".govuk-summary-list__row", has_text="Replace the governing body")).to_contain_text("Yes")
    expect(evidence).to_contain_text("No progress: the governing body has not met")
    expect(regional.locator("main .govuk-grid-column-one-third")).to_contain_text("Statement of action")
    walk.look(regional, "ieb-consent-with-reasons")
    walk.yes_no(regional, "sos_consent_given", True)
    walk.date(regional, "sos_consent_decided_on", days_ago(0))
    walk.complete(regional)
    walk.look(regional, "ieb-consent-given")

    print("\nOfsted category walk-through:", dict(walk.tally))
    assert walk.tally["sign-ins"] <= MOST_SIGN_INS
    assert walk.tally["clicks"] <= MOST_CLICKS
    assert walk.tally["date boxes"] <= MOST_DATE_BOXES
    for page in walk.pages.values():
        assert page.console_errors == []


def test_safeguarding_left_unanswered_is_an_error_not_a_no(new_page, demo):  # noqa: F811
    """The issue's slip, checked in the browser: "Safeguarding standards met" decides the school's
    category, and an unticked checkbox used to mean "no". It is a required Yes/No pair now."""
    walk = Walk(new_page, "sg")
    senior = walk.officer("senior_adviser")
    senior.goto("/cases/new?urn=106350&route=ofsted_category_response")
    walk.click(senior.get_by_role("button", name="Start the case"))
    adviser = walk.officer("link_adviser")
    walk.open_task(adviser, "Kingsway Community Primary School", "Record the inspection")
    walk.date(adviser, "inspection_date", days_ago(20))
    walk.complete(adviser)
    walk.click(adviser.get_by_role("button", name="Continue to Record the report card grades (from 10 Nov 2025)"))
    for name in ("inclusion", "curriculum_and_teaching", "achievement", "attendance_and_behaviour",
                 "personal_development_and_wellbeing", "leadership_and_governance"):
        walk.choose(adviser.locator(f"#{name}"), "needs_attention") if adviser.locator(
            f"select#{name}").count() else walk.pick(adviser, name, "needs_attention")
    walk.click(adviser.get_by_role("button", name="Complete step"))
    summary = adviser.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Safeguarding standards met")
    expect(adviser.locator("input[name='safeguarding_met']")).to_have_count(2)  # Yes and No, neither ticked
    walk.look(adviser, "safeguarding-unanswered")
