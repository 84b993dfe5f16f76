"""An officer adds a note and uploads a document in a real browser, from the task page; both show on
the task page and the case page (axe-checked, screenshots under tests/browser/screenshots/)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.factories import TRAFFORD, deploy_route, make_school, make_user, start_case
from tests.workflows.test_case_files import PDF_BYTES

from .test_journey import check, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def case(committed):
    with committed() as session:
        deploy_route(session)
        make_school(session)
        make_user(session, "ann.adviser@trafford.gov.uk", TRAFFORD, ["link_adviser"], "Ann Adviser")
        instance = start_case(session, check_due_on="2099-03-02")
        session.commit()
        return instance.id


def test_a_note_and_a_document_added_at_a_step_show_on_the_task_and_case_pages(new_page, case, tmp_path):
    page = new_page()
    page.goto(f"/cases/{case}")
    sign_in(page, "ann.adviser@trafford.gov.uk")
    page.get_by_role("link", name="Check the concern").click()
    section = page.locator("section.app-case-files")
    expect(section).to_contain_text("No notes or documents have been added")

    section.get_by_role("link", name="Add a note").click()
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a note")
    check(page, "notes-01-empty-note-refused")
    page.get_by_label("Add a note to the case").fill("Chair of governors rang: a budget recovery plan by Friday.")
    page.get_by_role("button", name="Add note").click()
    expect(page).to_have_url(re.compile(r"/tasks/[^/]+#notes-and-documents$"))

    section.get_by_role("link", name="upload a document").click()
    disguised = tmp_path / "minutes.pdf"
    disguised.write_bytes(b"<html><body>not a pdf</body></html>")
    page.get_by_label("Document").set_input_files(str(disguised))
    page.get_by_role("button", name="Upload document").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be a PDF, a Word document")
    check(page, "notes-02-disguised-file-refused")
    real = tmp_path / "governors-minutes.pdf"
    real.write_bytes(PDF_BYTES)
    page.get_by_label("Document").set_input_files(str(real))
    page.get_by_label("What is it? (optional)").fill("Minutes of the governing body, 3 March")
    page.get_by_role("button", name="Upload document").click()

    expect(section).to_contain_text("Chair of governors rang")
    expect(section.get_by_role("link", name="governors-minutes.pdf")).to_be_visible()
    check(page, "notes-03-task-page")
    page.goto(f"/cases/{case}")
    expect(page.locator("section.app-case-files")).to_contain_text("at ‘Check the concern’")
    expect(page.locator(".app-timeline")).to_contain_text("Document added: governors-minutes.pdf")
    page.locator("#notes-and-documents").scroll_into_view_if_needed()
    check(page, "notes-04-case-page")

    page.set_viewport_size({"width": 390, "height": 844})
    for url, name in ((f"/cases/{case}/documents/new", "notes-05-upload-390"), (f"/cases/{case}/notes/new",
                                                                                 "notes-06-note-390")):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
        check(page, name)
    assert page.console_errors == []
