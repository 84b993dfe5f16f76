"""Evidence at every decision: what earlier steps recorded, on the task page, the case page and a
completed step opened read-only (issue 9, point 1)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine import runtime
from engine.models import HumanTask
from workflows.letter_models import Letter

from .factories import NORTH_WEST, Browser, make_user, start_case

CHECKED = {"concern_details": "Attendance fell to 82%", "visit_on": "2026-01-13", "severity": "high",
           "ground": "leadership", "diocese_told": True}


def open_task(session, instance_id: int, bpmn_id: str) -> HumanTask:
    session.expire_all()
    return session.scalar(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                  HumanTask.bpmn_id == bpmn_id, HumanTask.is_open.is_(True)))


def evidence_section(page: str) -> str:
    start = page.index('id="evidence"')
    end = page.index("Record this step", start) if "Record this step" in page[start:] else len(page)
    return page[start:end]


def summary_rows(html: str) -> list[tuple[str, str]]:
    pairs = re.findall(r'govuk-summary-list__key">\s*(.*?)\s*</dt>\s*<dd class="govuk-summary-list__value">\s*(.*?)\s*</dd>',
                       html, re.S)
    return [(k.strip(), v.strip()) for k, v in pairs]


@pytest.fixture
def case(session, route, school, adviser):
    make_user(session, "sam.senior@trafford.gov.uk", roles=["senior_adviser"], name="Sam Senior")
    instance = start_case(session)
    runtime.complete_task(session, open_task(session, instance.id, "check_concern").id, adviser.email, CHECKED)
    session.commit()
    return instance


def test_the_next_task_shows_the_earlier_answers_with_labels_dates_yes_no_who_and_when(signed_in, case, session):
    approve = open_task(session, case.id, "approve")
    page = signed_in.text(f"/tasks/{approve.id}")
    section = evidence_section(page)
    assert "Check the concern" in section and "Ann Adviser" in section
    assert summary_rows(section)[:5] == [
        ("What is the concern", "Attendance fell to 82%"), ("Date of the visit", "13 January 2026"),
        ("How serious is it", "High"), ("Ground for concern", "Breakdown of leadership"),
        ("The diocese has been told", "Yes")]
    assert "concern_details" not in section and "2026-01-13" not in section
    assert '<details class="govuk-details app-evidence__step" open' in section  # the newest is open
    assert page.index('id="evidence"') < page.index("Record this step")  # above the form


def test_steps_are_newest_first_and_the_decision_maker_sees_them(app, case, session):
    approve = open_task(session, case.id, "approve")
    runtime.complete_task(session, approve.id, "sam.senior@trafford.gov.uk", {"approval_notes": "Agree: act now"})
    make_user(session, "rd@education.gov.uk", NORTH_WEST, ["regional_director"], "Rae Director")
    session.commit()
    decision = open_task(session, case.id, "academy_order_decision")
    director = Browser(app.test_client())
    director.sign_in("rd@education.gov.uk")
    section = evidence_section(director.text(f"/tasks/{decision.id}"))
    assert section.index("Approve the response") < section.index("Check the concern")
    assert ("Notes", "Agree: act now") in summary_rows(section) and "Sam Senior" in section


def test_a_step_without_answers_says_not_given_rather_than_hiding_the_field(signed_in, case, session):
    approve = open_task(session, case.id, "approve")
    runtime.complete_task(session, approve.id, "sam.senior@trafford.gov.uk", {"approval_notes": None})
    session.commit()
    page = signed_in.text(f"/cases/{case.id}")
    assert ("Notes", "Not given") in summary_rows(page)


def test_the_case_page_records_every_completed_step_with_a_link_to_it(signed_in, case, session):
    checked = session.scalar(select(HumanTask).where(HumanTask.instance_id == case.id,
                                                     HumanTask.bpmn_id == "check_concern"))
    page = signed_in.text(f"/cases/{case.id}")
    record = page[page.index('id="steps-record"'):page.index("Timeline")]
    assert ("Date of the visit", "13 January 2026") in summary_rows(record)
    assert f'href="/tasks/{checked.id}"' in record and "Ann Adviser" in record


def test_a_completed_step_opens_read_only_with_its_answers(signed_in, case, session):
    checked = session.scalar(select(HumanTask).where(HumanTask.instance_id == case.id,
                                                     HumanTask.bpmn_id == "check_concern"))
    page = signed_in.text(f"/tasks/{checked.id}")
    answers = page[page.index('id="answers"'):]
    assert ("How serious is it", "High") in summary_rows(answers)
    assert "<form" not in page[page.index("<main"):page.index("</main>")].replace('action="/sign-out"', "")
    assert "This is the first step of the case." in page  # nothing came before it


def test_the_letters_so_far_are_linked_from_the_task_page(signed_in, case, session):
    session.add(Letter(instance_id=case.id, kind="warning_notice", title="Warning notice",
                       filename="warning.pdf", content=b"%PDF-1.4", sha256="0" * 64,
                       created_by="ann.adviser@trafford.gov.uk", owner=case.owner))
    session.commit()
    letter = session.scalar(select(Letter).where(Letter.instance_id == case.id))
    approve = open_task(session, case.id, "approve")
    page = signed_in.text(f"/tasks/{approve.id}")
    assert f'href="/cases/{case.id}/letters/{letter.id}"' in page and "Warning notice (PDF)" in page


def test_the_case_page_names_who_started_and_who_did_each_thing_not_their_email(signed_in, session, route, school):
    """Seen on the walk-through: the step records named officers, but the case's "Started" line and
    its timeline showed only email addresses. Officers read names; an actor with no account (the
    worker, a command-line import) is still shown as recorded."""
    make_user(session, "sam.senior@trafford.gov.uk", roles=["senior_adviser"], name="Sam Senior")
    instance = start_case(session, actor="sam.senior@trafford.gov.uk")
    runtime.complete_task(session, open_task(session, instance.id, "check_concern").id, "ann.adviser@trafford.gov.uk",
                          CHECKED)
    other = start_case(session, "100001", actor="import-2026")
    session.commit()
    page = signed_in.text(f"/cases/{instance.id}")
    summary = page[:page.index("Open tasks")]
    assert "by Sam Senior" in summary and "by sam.senior@trafford.gov.uk" not in summary
    timeline = page[page.index("app-timeline"):]
    assert "Sam Senior" in timeline and "Ann Adviser" in timeline
    assert ", ann.adviser@trafford.gov.uk<" not in timeline.replace("</span>", "<")
    assert "by import-2026" in signed_in.text(f"/cases/{other.id}")
