"""Complete notices (issue 8 point 3; audit WN-3, WN-6 and §0 finding 6).

A warning notice, a notice of intention, a statement of action or a Letter of Concern cannot be
issued while a statutory content is missing or contradicts the notice type, and the copies a
warning notice needs (worked out from the school in the register and the notice date) are
required. Each rule has a refusal test, in which nothing changes (the task stays open, no timer
starts, no letter is stored, nothing is audited as done), and an acceptance test.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.forms import FormErrors
from engine.models import AuditEvent
from tests.workflows.routes import at, complete, create_school, open_tasks, pending_timers, task_row, utc
from tests.workflows.test_letters import pdf_text
from tests.workflows.test_maintained_warning_notice import (
    CONFIRMED,
    ESCALATED,
    INFORMAL,
    NOTICE_EASTER_2026,
    NOTICE_S60A_EASTER_2026,
    URN,
    recommend,
    route,  # noqa: F401 - the fixture the walks below use
    start,
)
from workflows import letters

VA_URN, FOUNDATION_URN = "830002", "830003"
COPIES_2026 = {"copy_to_headteacher_on": "2026-03-23", "copy_to_hmci_on": "2026-03-23",
               "copy_to_secretary_of_state_on": "2026-03-23"}


@pytest.fixture
def schools(route):  # noqa: F811 - extends the route fixture
    create_school(route, VA_URN, "Voluntary aided school", name="Holy Trinity CofE (VA) Primary School",
                  diocese_name="Diocese of Derby", religious_character="Church of England")
    create_school(route, FOUNDATION_URN, "Foundation school", name="Dale Foundation School",
                  trust_name="Dale Schools Trust")
    return route


def at_issue(session, notice_type: str = "s60", urn: str = URN):
    """A case waiting for the Cabinet Member to issue the notice (Mon 23 Mar 2026)."""
    with at(2026, 3, 2, 9, 0):
        case = start(session, urn=urn)
        complete(session, case, "discuss_concerns", INFORMAL)
        complete(session, case, "confirm_concerns_in_writing", CONFIRMED)
        complete(session, case, "review_school_progress", ESCALATED)
    recommend(session, case, notice_type)
    with at(2026, 3, 23, 9, 0):
        complete(session, case, "decide_warning_notice", {"cabinet_member_decision": "issue",
                                                          "decided_on": "2026-03-20"})
    return case


def refused(session, case, bpmn_id: str, data: dict) -> dict[str, str]:
    """Complete the task with `data`, expect a refusal, and check that nothing changed."""
    row = task_row(session, case, bpmn_id)
    timers, tasks, version = pending_timers(session, case), open_tasks(session, case), case.lock_version
    issued = [x.id for x in letters.letters_for_case(session, case.id)]
    with pytest.raises(FormErrors) as error:
        complete(session, case, bpmn_id, data)
    assert task_row(session, case, bpmn_id).id == row.id and row.is_open and row.completed_at is None
    assert open_tasks(session, case) == tasks and pending_timers(session, case) == timers
    assert case.lock_version == version
    assert [x.id for x in letters.letters_for_case(session, case.id)] == issued
    assert session.scalars(select(AuditEvent).where(AuditEvent.instance_id == case.id,
                                                    AuditEvent.task_id == row.id)).all() == []
    return error.value.errors


def issue(session, case, notice: dict) -> None:
    with at(2026, 3, 23, 9, 0):
        complete(session, case, "issue_warning_notice", notice)


def letter_text(session, case, tmp_path, kind: str = "warning_notice") -> str:
    session.commit()  # a letter's PDF is rendered once the step that issued it commits
    session.expire_all()
    [letter] = [x for x in letters.letters_for_case(session, case.id) if x.kind == kind]
    return pdf_text(letters.letter_by_id(session, case.id, letter.id).content, tmp_path)


# --- the warning notice: grounds and the notice type ----------------------------------------------

def test_an_s60_notice_with_no_ground_is_refused(route):  # noqa: F811
    case = at_issue(route)
    errors = refused(route, case, "issue_warning_notice", {**NOTICE_EASTER_2026, "ground_low_standards": False})
    assert list(errors) == ["ground_low_standards"]
    assert errors["ground_low_standards"].startswith("The warning notice must state the ground under section 60(2)")


def test_an_s60a_notice_on_a_standards_ground_is_refused(route):  # noqa: F811
    case = at_issue(route, "s60A")
    errors = refused(route, case, "issue_warning_notice", NOTICE_EASTER_2026)  # ticks low standards
    assert errors == {"ground_low_standards": (
        "A section 60A notice can only be given on the pay and conditions ground (failure to comply with the "
        "School Teachers' Pay and Conditions Document): untick the standards, governance and safety grounds, "
        "or give a section 60 notice instead")}


def test_an_s60_notice_on_the_pay_and_conditions_ground_is_refused(route):  # noqa: F811
    case = at_issue(route)
    errors = refused(route, case, "issue_warning_notice", NOTICE_S60A_EASTER_2026)
    assert list(errors) == ["ground_low_standards"] and "belongs to a section 60A notice" in errors[
        "ground_low_standards"]


@pytest.mark.parametrize("grounds", [{"ground_pay_and_conditions": True}, {}])
def test_an_s60a_notice_on_the_pay_ground_or_none_ticked_is_issued(route, tmp_path, grounds):  # noqa: F811
    """s60A has one ground only, so leaving it unticked is not a contradiction."""
    case = at_issue(route, "s60A")
    issue(route, case, {**NOTICE_S60A_EASTER_2026, "ground_pay_and_conditions": False, **grounds})
    assert [t[0] for t in open_tasks(route, case)] == ["send_warning_notice_copies"]
    assert pending_timers(route, case) == [("compliance_period_ended", utc(2026, 4, 15, 23, 0))]
    assert "School Teachers' Pay and Conditions Document" in letter_text(route, case, tmp_path)


def test_an_s60a_notice_minded_to_use_section_63_is_refused(route):  # noqa: F811
    case = at_issue(route, "s60A")
    errors = refused(route, case, "issue_warning_notice", {**NOTICE_S60A_EASTER_2026, "minded_action": "s63"})
    assert list(errors) == ["minded_action"] and "not section 63" in errors["minded_action"]


def test_an_s60a_notice_with_section_63_ticked_is_refused(route):  # noqa: F811
    case = at_issue(route, "s60A")
    errors = refused(route, case, "issue_warning_notice", {**NOTICE_S60A_EASTER_2026, "minded_action": "",
                                                           "minded_s63_arrangements": True})
    assert list(errors) == ["minded_action"] and "not section 63" in errors["minded_action"]


def test_the_powers_the_notice_is_minded_to_use_are_the_ones_ticked(route, tmp_path):  # noqa: F811
    """The form's checkboxes choose the powers; words are quoted, never read for section numbers."""
    case = at_issue(route)
    issue(route, case, {**NOTICE_EASTER_2026, "minded_s65_interim_executive_board": True,
                        "minded_action": "We keep s63-s66 under review."})
    text = letter_text(route, case, tmp_path)
    assert "replace the governing body with an interim executive board" in text
    assert "We keep s63-s66 under review." in text
    assert "(section 63)" not in text and "(section 64)" not in text and "(section 66)" not in text


# --- the warning notice: matters of concern and the required action -------------------------------

@pytest.mark.parametrize(("field", "value", "message"), [
    ("required_action", "   ", "The warning notice must state the action the governing body is required to take"),
    ("matters_of_concern", "x", "The warning notice must state more detail of the facts behind the concerns "
                                "(only 1 words given)"),
    ("minded_action", " ", "The warning notice must state the action the authority is minded to take"),
])
def test_an_empty_statutory_content_is_refused(route, field, value, message):  # noqa: F811
    case = at_issue(route)
    errors = refused(route, case, "issue_warning_notice", {**NOTICE_EASTER_2026, field: value})
    assert list(errors) == [field] and errors[field].startswith(message)


# --- the warning notice: the compliance period ----------------------------------------------------

def test_a_stated_end_date_that_disagrees_with_the_working_days_is_refused(route):  # noqa: F811
    """Mon 23 Mar 2026 + 15 working days is Wed 15 Apr (skipping Good Friday 3 Apr and Easter Monday
    6 Apr); a stated end of Tue 14 Apr is the 14th working day, so the two disagree."""
    case = at_issue(route)
    errors = refused(route, case, "issue_warning_notice",
                     {**NOTICE_EASTER_2026, "compliance_period_end_stated_on": "2026-04-14"})
    assert errors == {"compliance_period_working_days": (
        "The compliance period's end date (14 April 2026) and its length (15 working days, which ends on "
        "15 April 2026) disagree: the stated end date is 14 working days after the notice is given, so enter "
        "14 working days or change the end date")}


@pytest.mark.parametrize(("stated", "days", "timer"), [
    ("2026-04-15", 15, utc(2026, 4, 15, 23, 0)),  # the 15th working day, as above
    ("2026-04-20", 18, utc(2026, 4, 20, 23, 0)),  # Thu 16, Fri 17, Mon 20 Apr: the 18th
])
def test_a_stated_end_date_that_agrees_is_issued_and_starts_the_timer(route, stated, days, timer):  # noqa: F811
    case = at_issue(route)
    issue(route, case, {**NOTICE_EASTER_2026, "compliance_period_end_stated_on": stated,
                        "compliance_period_working_days": days})
    assert pending_timers(route, case) == [("compliance_period_ended", timer)]
    assert [x.kind for x in letters.letters_for_case(route, case.id)] == ["warning_notice"]


def test_an_end_date_on_or_before_the_notice_date_is_refused(route):  # noqa: F811
    case = at_issue(route)
    errors = refused(route, case, "issue_warning_notice",
                     {**NOTICE_EASTER_2026, "compliance_period_end_stated_on": "2026-03-23"})
    assert errors == {"compliance_period_end_stated_on": "The compliance period must end after the day the "
                                                         "notice is given (23 March 2026)"}


# --- the copies: from the school and the notice date ----------------------------------------------

def test_a_community_school_needs_the_headteacher_hmci_and_secretary_of_state_copies(route, tmp_path):  # noqa: F811
    case = at_issue(route)
    issue(route, case, NOTICE_EASTER_2026)
    errors = refused(route, case, "send_warning_notice_copies",
                     {k: v for k, v in COPIES_2026.items() if k != "copy_to_secretary_of_state_on"})
    assert list(errors) == ["copy_to_secretary_of_state_on"]
    assert errors["copy_to_secretary_of_state_on"].startswith(
        "Enter the date the copy was sent to the Secretary of State for Education")
    assert "EIA 2006 s60(6A), from 18 Apr 2016" in errors["copy_to_secretary_of_state_on"]
    text = letter_text(route, case, tmp_path)
    copies = text[text.rindex("Copies to"):]
    assert "The headteacher" in copies and "His Majesty's Chief Inspector" in copies
    assert "The Secretary of State for Education" in copies
    assert "diocesan" not in copies and "foundation governors" not in copies
    with at(2026, 3, 23, 15, 0):
        complete(route, case, "send_warning_notice_copies", COPIES_2026)
    assert open_tasks(route, case) == []


def test_a_church_va_school_needs_the_diocese_copy(schools, tmp_path):
    case = at_issue(schools, urn=VA_URN)
    issue(schools, case, NOTICE_EASTER_2026)
    errors = refused(schools, case, "send_warning_notice_copies", COPIES_2026)
    assert list(errors) == ["copy_to_diocese_on"]
    assert errors["copy_to_diocese_on"].startswith("Enter the date the copy was sent to Diocese of Derby (the "
                                                   "appropriate diocesan authority)")
    copies = (text := letter_text(schools, case, tmp_path))[text.rindex("Copies to"):]
    assert "Diocese of Derby (the appropriate diocesan authority) (EIA 2006 s60(6))" in copies
    with at(2026, 3, 23, 15, 0):
        complete(schools, case, "send_warning_notice_copies", {**COPIES_2026, "copy_to_diocese_on": "2026-03-23"})
    assert open_tasks(schools, case) == []


def test_a_foundation_school_with_a_foundation_needs_the_appointer_copy(schools):
    case = at_issue(schools, urn=FOUNDATION_URN)
    issue(schools, case, NOTICE_EASTER_2026)
    errors = refused(schools, case, "send_warning_notice_copies", COPIES_2026)
    assert list(errors) == ["copy_to_foundation_appointer_on"]


def test_a_copy_dated_before_the_notice_is_refused(route):  # noqa: F811
    case = at_issue(route)
    issue(route, case, NOTICE_EASTER_2026)
    errors = refused(route, case, "send_warning_notice_copies", {**COPIES_2026, "copy_to_hmci_on": "2026-03-20"})
    assert errors == {"copy_to_hmci_on": "The copy to His Majesty's Chief Inspector of Education, Children's "
                                         "Services and Skills (Ofsted) cannot be sent before the notice was "
                                         "given on 23 March 2026"}


@pytest.mark.parametrize(("given_on", "needs_secretary_of_state"), [
    ("2016-04-17", False),  # Sun 17 Apr 2016: before EAA 2016 s2 (s60(6A)) came into force
    ("2016-04-18", True),   # Mon 18 Apr 2016: the commencement day (SI 2016/466 reg 2)
])
def test_the_secretary_of_state_copy_follows_the_notice_date(route, tmp_path, given_on,  # noqa: F811
                                                             needs_secretary_of_state):
    case = at_issue(route)
    issue(route, case, {**NOTICE_EASTER_2026, "notice_given_on": given_on})
    copies = (text := letter_text(route, case, tmp_path))[text.rindex("Copies to"):]
    assert ("The Secretary of State for Education" in copies) is needs_secretary_of_state
    dates = {"copy_to_headteacher_on": given_on, "copy_to_hmci_on": given_on}
    if needs_secretary_of_state:
        assert list(refused(route, case, "send_warning_notice_copies", dates)) == ["copy_to_secretary_of_state_on"]
        dates["copy_to_secretary_of_state_on"] = given_on
    complete(route, case, "send_warning_notice_copies", dates)
    assert "send_warning_notice_copies" not in [t[0] for t in open_tasks(route, case)]


def test_the_secretary_of_state_reading_can_drop_that_copy(route, tmp_path):  # noqa: F811
    """s60(6A)'s recipient is inferred: an officer advised otherwise records the other reading."""
    case = at_issue(route)
    issue(route, case, {**NOTICE_EASTER_2026, "sos_copy_reading": "no_copy"})
    assert "Secretary of State for Education" not in (text := letter_text(route, case, tmp_path))[
        text.rindex("Copies to"):]
    complete(route, case, "send_warning_notice_copies",
             {"copy_to_headteacher_on": "2026-03-23", "copy_to_hmci_on": "2026-03-23"})
    assert case.data["sos_copy_reading"] == "no_copy"


# --- the notice of intention ---------------------------------------------------------------------

def at_notice_of_intention(session, notice_type: str = "s60"):
    from tests.workflows.test_maintained_warning_notice import walk_to_compliance_review

    case = walk_to_compliance_review(session, notice_type)
    with at(2026, 4, 17, 9, 0):
        complete(session, case, "review_compliance", {"compliance_reviewed_on": "2026-04-17",
                                                      "governing_body_complied": False,
                                                      "compliance_findings": "No review commissioned."})
    return case


INTENTION = {"notice_of_intention_given_on": "2026-04-20", "reasonable_notice_working_days": 5}


def test_a_notice_of_intention_naming_no_power_is_refused(route):  # noqa: F811
    case = at_notice_of_intention(route)
    errors = refused(route, case, "give_notice_of_intention", {**INTENTION, "powers_proposed": "Act firmly."})
    assert errors == {"powers_proposed": "Tick the powers the authority proposes to use (sections 63 to 66; 64 to 66 "
                                         "after a section 60A notice): the words here are quoted as written, not read "
                                         "for sections"}
    with at(2026, 4, 20, 9, 0):
        complete(route, case, "give_notice_of_intention", {**INTENTION, "powers_proposed": "s64 and s66"})
    assert pending_timers(route, case) == [("reasonable_notice_ended", utc(2026, 4, 27, 23, 0))]


def test_a_notice_of_intention_after_s60a_proposing_section_63_is_refused(route):  # noqa: F811
    case = at_notice_of_intention(route, "s60A")
    errors = refused(route, case, "give_notice_of_intention", {**INTENTION, "powers_proposed": "s63, s64"})
    assert list(errors) == ["powers_proposed"] and "section 63 is not one" in errors["powers_proposed"]


# --- a BPMN author cannot name a rule that does not exist ----------------------------------------

def test_a_task_naming_an_unknown_copies_rule_or_check_does_not_deploy():
    from engine import definitions
    from workflows.maintained_warning_notice import PROCESS
    from workflows.registry import install

    install()
    xml = PROCESS.read_bpmn()
    assert definitions.validate(xml, PROCESS.read_dmn()) == []
    broken = xml.replace('name="copies_of" value="warning_notice"', 'name="copies_of" value="warning_notise"') \
        .replace('name="letter" value="notice_of_intention" />',
                 'name="letter" value="notice_of_intention" /><camunda:property name="checks" value="nonesuch" />')
    found = [(p.element_id, p.message) for p in definitions.validate(broken, PROCESS.read_dmn())]
    assert ("send_warning_notice_copies", "copies_of names no copies rule: 'warning_notise' is not one of "
                                          "warning_notice, statement_of_action") in found
    assert ("give_notice_of_intention", "checks names an unknown check 'nonesuch': one of escalation_choice") in found


@pytest.mark.parametrize(("reading", "hmci_required"), [("copy", True), ("no_copy", False)])
def test_hmci_copy_of_an_s60a_notice_follows_the_recorded_reading(route, tmp_path, reading, hmci_required):  # noqa: F811
    case = at_issue(route, "s60A")
    issue(route, case, {**NOTICE_S60A_EASTER_2026, "s60a_hmci_copy_reading": reading})
    copies = (text := letter_text(route, case, tmp_path))[text.rindex("Copies to"):]
    assert ("His Majesty's Chief Inspector" in copies) is hmci_required
    dates = {k: v for k, v in COPIES_2026.items() if k != "copy_to_hmci_on"}
    if hmci_required:
        assert list(refused(route, case, "send_warning_notice_copies", dates)) == ["copy_to_hmci_on"]
        dates["copy_to_hmci_on"] = "2026-03-23"
    with at(2026, 3, 23, 15, 0):
        complete(route, case, "send_warning_notice_copies", dates)
    assert open_tasks(route, case) == []


def test_the_notice_of_intention_takes_its_powers_as_ticked_boxes_and_quotes_words_as_written(route, tmp_path):  # noqa: F811
    """The powers a notice of intention names are chosen (a box a power), never read out of the
    officer's words: ticking s64 and s66 names those two; the words beside them are quoted as written."""
    case = at_notice_of_intention(route)
    task = task_row(route, case, "give_notice_of_intention")
    fields = {f["id"]: f for f in task.form["fields"]}
    for power in ("propose_s63_arrangements", "propose_s64_additional_governors",
                  "propose_s65_interim_executive_board", "propose_s66_suspend_delegated_budget"):
        assert fields[power]["type"] == "boolean", power
    assert not fields["powers_proposed"].get("validation", {}).get("required", False) and \
        "required" not in (fields["powers_proposed"].get("validation") or {})
    errors = refused(route, case, "give_notice_of_intention", {**INTENTION, "powers_proposed": "Act firmly."})
    assert "Tick the powers the authority proposes to use" in errors["powers_proposed"]
    with at(2026, 4, 20, 9, 0):
        complete(route, case, "give_notice_of_intention", {
            **INTENTION, "propose_s64_additional_governors": True, "propose_s66_suspend_delegated_budget": True,
            "powers_proposed": "We will first meet the chair of governors."})
    text = letter_text(route, case, tmp_path, "notice_of_intention")
    assert "section 64" in text and "section 66" in text and "section 65" not in text
    assert "We will first meet the chair of governors." in text
