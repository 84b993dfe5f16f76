"""Check your answers before a letter goes (issue 9 point 2): the answers with Change links, the letter
rendered from them without saving anything, placeholder text confirmed, then "Issue the letter"."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import runtime
from engine.forms import FormErrors
from workflows import letters as letter_store
from workflows.account_models import User
from workflows.letter_models import Letter

from ..workflows.test_letters import pdf_text
from .test_complete_notice_form import NOTICE, at_issue, open_task

READY = {**NOTICE, "ground_low_standards": "yes", "compliance_period_working_days": "15",
         "compliance_period_end_stated_on-day": "", "compliance_period_end_stated_on-month": "",
         "compliance_period_end_stated_on-year": "", "minded_s64_additional_governors": "yes"}


def member_name(session) -> str:
    return session.scalar(select(User.display_name).where(User.email == "member@example.gov.uk"))


def letters_of(session, case) -> list[Letter]:
    session.expire_all()
    return list(session.scalars(select(Letter).where(Letter.instance_id == case.id)))


@pytest.fixture
def at_check(browser, session):
    case = at_issue(session)
    task = open_task(session, case.id)
    browser.sign_in("member@example.gov.uk")
    return case, task


def test_the_form_leads_to_a_check_page_with_the_letter_and_issues_nothing(browser, session, at_check, tmp_path):
    case, task = at_check
    response = browser.post(f"/tasks/{task.id}", READY)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/tasks/{task.id}/check")
    assert letters_of(session, case) == [] and open_task(session, case.id).id == task.id

    page = browser.get(f"/tasks/{task.id}/check").get_data(as_text=True)
    assert "Check your answers before the letter is issued" in page
    assert "Commission an external review of governance." in page
    assert f'href="/tasks/{task.id}#required_action"' in page and "Change" in page
    assert f'href="/tasks/{task.id}#notice_given_on-day"' in page
    assert "Mon 23 March 2026" in page and "Issue the letter" in page

    preview = browser.get(f"/tasks/{task.id}/preview.pdf")
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    text = pdf_text(preview.data, tmp_path)
    assert "Real Route School" in text and "Commission an external review of governance." in text
    assert "appoint additional governors (section 64)" in text
    # Signed by the officer who issues it, holding the role of the step's lane, as the issued letter will be.
    assert f"{member_name(session)} Cabinet Member for Children and Young People" in text
    assert letters_of(session, case) == []  # a preview saves nothing

    # "Change" goes back to the form with the answers kept.
    form = browser.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Commission an external review of governance.</textarea>" in form

    issued = browser.post(f"/tasks/{task.id}/check", {})
    assert issued.status_code == 302 and issued.headers["Location"].endswith(f"/tasks/{task.id}/done")
    assert [x.kind for x in letters_of(session, case)] == ["warning_notice"]
    issued_text = pdf_text(letter_store.letter_by_id(session, case.id, letters_of(session, case)[0].id).content,
                           tmp_path)
    assert f"{member_name(session)} Cabinet Member for Children and Young People" in issued_text


def test_placeholder_text_must_be_confirmed_before_the_letter_is_issued(browser, session, at_check):
    case, task = at_check
    assert browser.post(f"/tasks/{task.id}", {**READY, "required_action": "TBC"}).status_code == 302
    page = browser.get(f"/tasks/{task.id}/check").get_data(as_text=True)
    assert "‘TBC’ in ‘The action the governing body is required to take’ is meant to be in the letter" in page

    refused = browser.post(f"/tasks/{task.id}/check", {})
    assert refused.status_code == 400
    assert "Confirm that the text that looks like a placeholder is meant to be in the letter" in \
        refused.get_data(as_text=True)
    assert letters_of(session, case) == [] and open_task(session, case.id).id == task.id

    confirmed = browser.post(f"/tasks/{task.id}/check", {"confirm_placeholders": "required_action=TBC"})
    assert confirmed.status_code == 302
    assert [x.kind for x in letters_of(session, case)] == ["warning_notice"]


def test_a_statutory_content_missing_is_refused_at_the_form_not_on_the_check_page(browser, session, at_check):
    case, task = at_check
    response = browser.post(f"/tasks/{task.id}", {**READY, "minded_s64_additional_governors": "", "minded_action": ""})
    assert response.status_code == 400
    assert "must state the action the authority is minded to take" in response.get_data(as_text=True)
    assert browser.get(f"/tasks/{task.id}/check").status_code == 302  # nothing to check yet
    assert letters_of(session, case) == []


@pytest.mark.parametrize("answer", ["x", "TBC", "[insert the action]", "Lorem ipsum dolor sit amet", "zzzz"])
def test_the_engine_refuses_unconfirmed_placeholders_at_every_door(session, answer):
    case = at_issue(session)
    task = open_task(session, case.id)
    data = {"notice_given_on": "2026-03-23", "ground_low_standards": True,
            "matters_of_concern": NOTICE["matters_of_concern"], "required_action": answer,
            "compliance_period_working_days": 15, "minded_s64_additional_governors": True}
    with pytest.raises(FormErrors) as refused:
        runtime.complete_task(session, task.id, "test", data)
    assert "looks like placeholder text" in refused.value.errors["required_action"]
    assert letters_of(session, case) == []


def test_an_issued_letter_is_downloaded_in_word_with_its_contents_and_copies(browser, session, at_check, app):
    import io

    from docx import Document

    from .factories import DERBYSHIRE, Browser, make_user

    case, task = at_check
    browser.post(f"/tasks/{task.id}", READY)
    browser.post(f"/tasks/{task.id}/check", {})
    [letter] = letters_of(session, case)
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'href="/cases/{case.id}/letters/{letter.id}/word"' in page and "Word version" in page
    assert "</a><a" not in page and "</span><a" not in page  # each letter's links read apart
    response = browser.get(f"/cases/{case.id}/letters/{letter.id}/word")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    assert 'filename="warning-notice-400001-2026-03-23.docx"' in response.headers["Content-Disposition"]
    paragraphs = [p.text for p in Document(io.BytesIO(response.data)).paragraphs]
    text = " ".join(" ".join(paragraphs).replace("\u2019", "'").split())
    assert "Trafford Council" in text and "Talbot Road" in text  # the configured letterhead
    assert "Reading results at key stage 2 have fallen" in text
    assert "Commission an external review of governance." in text
    # 15 working days after Mon 23 Mar 2026, skipping Good Friday (3 Apr) and Easter Monday (6 Apr).
    assert "appoint additional governors (section 64)" in text and "Wednesday 15 April 2026" in text
    copies = text[text.index("Copies to"):]
    assert "headteacher" in copies and "Chief Inspector" in copies and "Secretary of State" in copies

    make_user(session, "bob@derbyshire.gov.uk", DERBYSHIRE, ["link_adviser"])
    session.commit()
    stranger = Browser(app.test_client())
    stranger.sign_in("bob@derbyshire.gov.uk")
    assert stranger.get(f"/cases/{case.id}/letters/{letter.id}/word").status_code == 404
