"""The statement of action in Derbyshire's Annex 5 format (audit OC-7): the form collects each
section, the letter prints what was recorded, and the statutory s15(2)(d) contents still decide
whether it can be sent. The senior adviser is named as the officer who prepared it; the Director
signs (the step is in the Director's lane)."""
from __future__ import annotations

import pytest

from engine.forms import FormErrors
from tests.workflows.routes import at, complete, create_school, deploy_package, open_tasks
from tests.workflows.test_letters import pdf_text
from tests.workflows.test_ofsted_category_response import STATEMENT, URN
from tests.workflows.test_ofsted_category_response import start as start_ofsted
from workflows import letters
from workflows.ofsted_category_response import PROCESS as OFSTED

ANNEX_5 = {"closure_federation_scope": "No scope: net capacity 210 this year, 210 next, 180 after; no spare "
                                       "places at the two schools within three miles.",
           "target_removal_months": 18,
           "action_before_inspection": "Two School Progress Reviews in 2025 and a governance review in October.",
           "support_resources": "Ten days of adviser time a term; success: phonics check at 80% by July 2027.",
           "reasons_no_powers": "The governing body has a credible plan and new leadership since September.",
           "senior_adviser_name": "Sam Patel"}


@pytest.fixture
def statement_due(session):
    """A special measures case started at the final report, received Fri 12 Dec 2025."""
    deploy_package(session, OFSTED)
    create_school(session, URN)
    with at(2025, 12, 15, 9, 0):
        return start_ofsted(session, {"category": "special_measures", "final_report_received_on": "2025-12-12"})


def send(session, case, data: dict, tmp_path) -> str:
    with at(2025, 12, 29, 9, 0):
        complete(session, case, "send_statement_of_action", data)
    session.commit()  # the PDF is rendered once the step that issued it commits
    session.expire_all()
    [letter] = [x for x in letters.letters_for_case(session, case.id) if x.kind == "statement_of_action"]
    return pdf_text(letters.letter_by_id(session, case.id, letter.id).content, tmp_path)


def test_each_annex_5_section_prints_what_was_recorded(session, statement_due, tmp_path):
    text = send(session, statement_due, {**STATEMENT, "powers_to_use": "", **ANNEX_5}, tmp_path)
    assert "1. Scope for closure or federation " + ANNEX_5["closure_federation_scope"] in text
    assert "within a maximum of 18 months" in text
    assert "3.1 Action taken by the authority before the inspection " + ANNEX_5["action_before_inspection"] in text
    assert "4. Support from the local authority and partners " + ANNEX_5["support_resources"] in text
    assert "Reasons why additional powers are not being deployed " + ANNEX_5["reasons_no_powers"] in text
    assert "Prepared by Sam Patel, senior adviser" in text
    assert "Director of Children's Services" in text  # the lane's role signs
    assert "Not recorded" not in text


def test_reasons_for_no_powers_are_not_asked_once_a_power_is_ticked(session, statement_due, tmp_path):
    text = send(session, statement_due, {**STATEMENT, **ANNEX_5, "soa_power_s64_additional_governors": True},
                tmp_path)
    assert "appoint" in text.split("5. Use of local authority powers")[1]
    assert ANNEX_5["reasons_no_powers"] not in text  # dropped by the show_if rule, never printed
    assert "reasons_no_powers" not in session.get(type(statement_due), statement_due.id).data


def test_without_the_annex_5_fields_the_statutory_contents_still_decide(session, statement_due, tmp_path):
    with pytest.raises(FormErrors) as refused:
        complete(session, statement_due, "send_statement_of_action", {**STATEMENT, "parental_arrangements": " "})
    assert list(refused.value.errors) == ["parental_arrangements"]
    text = send(session, statement_due, STATEMENT, tmp_path)
    assert "1. Scope for closure or federation Not recorded" in text
    assert "send_statement_of_action" not in [t[0] for t in open_tasks(session, statement_due)]


def test_a_target_of_no_months_is_refused(session, statement_due):
    with pytest.raises(FormErrors) as refused:
        complete(session, statement_due, "send_statement_of_action", {**STATEMENT, "target_removal_months": 0})
    [message] = refused.value.errors.values()
    assert list(refused.value.errors) == ["target_removal_months"] and message.endswith("must be 1 or more")
