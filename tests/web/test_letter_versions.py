"""A corrected letter is a new version, issued through the same check page; the old one is kept."""
from __future__ import annotations

import html
import json
import re

from sqlalchemy import select

from engine.models import AuditEvent
from workflows import letters as letter_store

from .factories import TRAFFORD, Browser, make_user
from .test_letter_check import READY, at_check, letters_of, pdf_text  # noqa: F401 - at_check is a fixture

CORRECTED = "Commission an external review of governance and report its findings by 30 April 2026."


def issued(browser, session, case, task):
    browser.post(f"/tasks/{task.id}", READY)
    browser.post(f"/tasks/{task.id}/check", {})
    [letter] = letters_of(session, case)
    return letter


def form_of(letter) -> dict:
    data = letter.render_input["data"]
    return {**READY, "intervene_action": "check", "correction_reason": "The required action left out the date.",
            "required_action": CORRECTED, "matters_of_concern": data["matters_of_concern"]}


def test_a_corrected_version_is_checked_issued_and_the_first_kept(browser, session, at_check, tmp_path):  # noqa: F811
    case, task = at_check
    first = issued(browser, session, case, task)
    first_sha = first.sha256
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    url = f"/cases/{case.id}/letters/{first.id}/correct"
    assert f'href="{url}"' in page and "Issue a corrected version" in page
    form = browser.get(url).get_data(as_text=True)
    assert "Commission an external review of governance.</textarea>" in form  # the letter as sent

    check = browser.post(url, form_of(first))
    assert check.status_code == 200
    shown = check.get_data(as_text=True)
    assert "Issue the corrected letter" in shown and CORRECTED in shown and 'src="data:image/png;base64,' in shown
    assert len(letters_of(session, case)) == 1  # checking saves nothing
    answers = html.unescape(re.search(r'name="answers" value="([^"]+)"', shown).group(1))
    done = browser.post(url, {"intervene_action": "issue", "answers": answers,
                              "correction_reason": "The required action left out the date."})
    assert done.status_code == 302

    first_again, second = sorted(letters_of(session, case), key=lambda x: x.id)
    assert first_again.id == first.id and first_again.sha256 == first_sha and first_again.version == 1
    assert (second.version, second.replaces_id, second.status) == (2, first.id, "issued")
    assert second.correction_reason == "The required action left out the date." and second.title.endswith("(version 2)")
    text = pdf_text(letter_store.letter_by_id(session, case.id, second.id).content, tmp_path)
    assert CORRECTED in text
    assert CORRECTED not in pdf_text(letter_store.letter_by_id(session, case.id, first.id).content, tmp_path)
    audit = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == case.id,
                                                     AuditEvent.action == "letter_corrected")).one()
    assert audit.data["replaces_id"] == first.id and audit.data["changed"] == ["required_action"]
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Version 2: The required action left out the date." in page
    assert f'href="/cases/{case.id}/letters/{first.id}/correct"' not in page  # only the newest is corrected


def test_a_correction_needs_a_reason_and_the_steps_rules(browser, session, at_check):  # noqa: F811
    case, task = at_check
    first = issued(browser, session, case, task)
    url = f"/cases/{case.id}/letters/{first.id}/correct"
    no_reason = browser.post(url, {**form_of(first), "correction_reason": ""})
    assert no_reason.status_code == 400 and "Enter why the letter is being corrected" in no_reason.get_data(as_text=True)
    incomplete = browser.post(url, {**form_of(first), "minded_s64_additional_governors": "", "minded_action": ""})
    assert incomplete.status_code == 400
    assert "must state the action the authority is minded to take" in incomplete.get_data(as_text=True)
    placeholder = browser.post(url, {**form_of(first), "required_action": "TBC"})
    assert "‘TBC’ in ‘The action the governing body is required to take’" in placeholder.get_data(as_text=True)
    refused = browser.post(url, {"intervene_action": "issue", "answers": json.dumps(
        {**first.render_input["data"], "required_action": "TBC"}), "correction_reason": "Typo."})
    assert refused.status_code == 400 and len(letters_of(session, case)) == 1


def test_only_a_manager_or_the_steps_role_may_correct(browser, session, at_check, app):  # noqa: F811
    case, task = at_check
    first = issued(browser, session, case, task)
    make_user(session, "ada@example.gov.uk", TRAFFORD, ["link_adviser"])
    session.commit()
    adviser = Browser(app.test_client())
    adviser.sign_in("ada@example.gov.uk")
    assert "Issue a corrected version" not in adviser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert adviser.get(f"/cases/{case.id}/letters/{first.id}/correct").status_code == 403


def test_an_administrator_or_adviser_who_may_only_reassign_work_may_not_correct_a_statutory_letter(
        browser, session, at_check, app):  # noqa: F811
    """Correcting a letter is a manager's act (the one rule, may_manage_case), or the step's own role's:
    an authority administrator and a senior adviser may hand work on, but not reissue a notice."""
    case, task = at_check
    first = issued(browser, session, case, task)
    make_user(session, "admin@example.gov.uk", TRAFFORD, ["la_admin"])
    make_user(session, "sam@example.gov.uk", TRAFFORD, ["senior_adviser"])
    make_user(session, "cara@example.gov.uk", TRAFFORD, ["case_manager"])
    session.commit()
    for email, allowed in (("admin@example.gov.uk", False), ("sam@example.gov.uk", False),
                           ("cara@example.gov.uk", True)):
        other = Browser(app.test_client())
        other.sign_in(email)
        page = other.get(f"/cases/{case.id}").get_data(as_text=True)
        assert ("Issue a corrected version" in page) is allowed, email
        assert other.get(f"/cases/{case.id}/letters/{first.id}/correct").status_code == (200 if allowed else 403), email
