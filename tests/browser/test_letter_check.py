"""A warning notice checked in the browser before it is issued: change an answer from the check page,
see the letter, confirm nothing is a placeholder, issue it (issue 9 point 2)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from engine.models import HumanTask
from tests.web.test_complete_notice_form import at_issue
from workflows.letter_models import Letter

from .test_journey import PASSWORD, check
from .test_small_screens import NARROW
from .test_small_screens import _check_narrow as check_narrow

pytestmark = pytest.mark.browser


def test_a_warning_notice_is_checked_changed_and_issued(new_page, committed):
    with committed() as session:
        case = at_issue(session)
        case_id = case.id
        task_id = session.scalar(select(HumanTask.id).where(HumanTask.instance_id == case_id,
                                                            HumanTask.is_open.is_(True)))
    page = new_page()
    page.goto(f"/tasks/{task_id}")
    page.get_by_label("Email address").fill("member@example.gov.uk")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    for part, value in (("day", "23"), ("month", "3"), ("year", "2026")):
        page.locator(f"#notice_given_on-{part}").fill(value)
    page.locator("#ground_low_standards").check()
    page.locator("#matters_of_concern").fill("Reading results at key stage 2 have fallen for three years, "
                                             "to 38% in 2025, against 74% nationally.")
    page.locator("#required_action").fill("TBC")
    page.locator("#minded_s64_additional_governors").check()
    page.get_by_role("button", name="Continue to check the letter").click()

    expect(page.get_by_role("heading", name="Check your answers before the letter is issued")).to_be_visible()
    expect(page.locator("#answers")).to_contain_text("TBC")
    check(page, "letter-01-check-with-placeholder")
    page.locator("#answers").get_by_role("link", name=re.compile("^Change The action the governing body")).click()
    expect(page.locator("#required_action")).to_have_value("TBC")  # the answers are kept
    page.locator("#required_action").fill("Commission an external review of governance by 30 April 2026.")
    page.get_by_role("button", name="Continue to check the letter").click()

    expect(page.locator("#answers")).to_contain_text("Commission an external review of governance")
    expect(page.get_by_text("looks like placeholder text")).to_have_count(0)
    expect(page.locator("#letter-preview")).to_have_attribute("href", f"/tasks/{task_id}/preview.pdf")
    check(page, "letter-02-check")
    page.set_viewport_size({"width": NARROW, "height": 844})
    problems = check_narrow(page, f"/tasks/{task_id}/check")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Issue the letter").click()
    expect(page.locator(".govuk-panel--confirmation")).to_be_visible()

    # The page for issuing a corrected version, which the small-screens walk leaves to this test.
    with committed() as session:
        letter_id = session.scalar(select(Letter.id).where(Letter.instance_id == case_id))
    page.set_viewport_size({"width": NARROW, "height": 844})
    response = page.goto(f"/cases/{case_id}/letters/{letter_id}/correct")
    assert response is not None and response.status == 200
    problems += check_narrow(page, f"/cases/{case_id}/letters/{letter_id}/correct")
    page.goto(f"/cases/{case_id}")  # the notice's deadlines, with their long rules and sources
    expect(page.get_by_text("How it is worked out").first).to_be_attached()
    problems += check_narrow(page, f"/cases/{case_id} (deadlines)")
    assert problems == []
    assert page.console_errors == []
