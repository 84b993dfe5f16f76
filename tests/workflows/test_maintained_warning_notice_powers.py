"""The warning-notice route after the notice was not heeded: the choice of powers within the two-month
window (WN-4), consultation before s63 and s65, the IEB notice and its copies, the notices of the other
powers as PDF letters (WN-5), each signed by the role of its lane (WN-8). Walked through the real
engine, each walk twice (the workflow kept in memory, and restored from the database between steps).

The dates: a notice given Mon 23 Mar 2026 with 15 working days ends its compliance period on Wed 15 Apr
2026 (skipping Good Friday, Fri 3 Apr, and Easter Monday, Mon 6 Apr); the window ends Mon 15 Jun 2026,
a working day, at 23:00 UTC (midnight BST)."""
from __future__ import annotations

from datetime import date

import pytest

from engine.forms import FormErrors
from tests.conftest import worker_sweep
from tests.workflows.routes import (
    at,
    complete,
    create_school,
    deadlines_of,
    deploy_package,
    open_tasks,
    pending_timers,
    task_row,
    utc,
)
from tests.workflows.test_letters import pdf_text
from tests.workflows.test_maintained_warning_notice import (
    POWERS_WINDOW_DUE,
    URN,
    not_complied,
    powers,
    walk_to_compliance_review,
)
from workflows.letters import letter_by_id, letters_for_case
from workflows.maintained_warning_notice import PROCESS

CHURCH_URN = "830050"
CABINET_MEMBER = "Cabinet Member for Children and Young People"


@pytest.fixture
def route(session):
    deploy_package(session, PROCESS)
    create_school(session, URN)
    create_school(session, CHURCH_URN, "Voluntary aided school", diocese_name="The Diocese of Derby")
    return session


CONSULTED = {"governing_body_consulted_on": "2026-05-04",
             "consultation_responses": "The governing body accepts support from Oak Primary."}
IEB_CONSULTED = {**CONSULTED, "ieb_application_sent_on": "2026-05-05"}
S64_NOTICE = {"power_notices_given_on": "2026-05-11", "s64_governors_appointed": "Priya Shah\nTom Reid",
              "s64_appointed_from_on": "2026-05-18"}


def notify_dfe(session, case) -> None:
    assert open_tasks(session, case) == [("notify_dfe_of_powers", "case_manager", POWERS_WINDOW_DUE)]
    complete(session, case, "notify_dfe_of_powers", {"powers_used_on": "2026-05-11", "dfe_notified_on": "2026-05-11",
                                                     "powers_used_summary": "Two additional governors appointed."})


def letter_texts(session, case, tmp_path) -> dict[str, str]:
    session.commit()  # a letter's PDF is rendered once the step that issued it commits
    session.expire_all()
    return {letter.kind: pdf_text(letter_by_id(session, case.id, letter.id).content, tmp_path)
            for letter in letters_for_case(session, case.id)}


def test_s63_and_s64_consulted_then_notices_given_and_dfe_told(route, save_restore, tmp_path):
    case = walk_to_compliance_review(route)
    not_complied(route, case)
    assert open_tasks(route, case) == [("choose_powers_s60", "cabinet_member", POWERS_WINDOW_DUE)]
    assert pending_timers(route, case) == [("window_closed_s60", utc(2026, 6, 15, 23, 0))]
    with at(2026, 5, 1, 9, 0):
        complete(route, case, "choose_powers_s60", powers(use_s63_arrangements=True, use_s64_additional_governors=True))
        assert pending_timers(route, case) == []  # the window timer went with the task
        # s63 needs consultation first, and a willing partner.
        assert open_tasks(route, case) == [("consult_before_powers", "deputy_assistant_director", None)]
        with pytest.raises(FormErrors) as refused:
            complete(route, case, "consult_before_powers", CONSULTED)
        assert list(refused.value.errors) == ["s63_partner"]
        complete(route, case, "consult_before_powers", {**CONSULTED, "s63_partner": "Oak Primary School"})
        assert open_tasks(route, case) == [("give_power_notices", "cabinet_member", None)]
        with pytest.raises(FormErrors) as refused:
            complete(route, case, "give_power_notices", {"power_notices_given_on": "2026-05-11"})
        assert list(refused.value.errors) == ["s63_arrangements_required", "s64_governors_appointed",
                                              "s64_appointed_from_on"]
        complete(route, case, "give_power_notices", {
            **S64_NOTICE, "s63_arrangements_required": "Commission advisory services from Oak Primary School's "
                                                       "governing body for reading and governance."})
        notify_dfe(route, case)
    assert open_tasks(route, case) == [] and case.status == "completed"
    texts = letter_texts(route, case, tmp_path)
    assert set(texts) == {"warning_notice", "notice_of_intention", "s63_requirement", "s64_appointment"}
    assert "Under section 63 of the Act the authority requires the governing body to enter into the following " \
           "arrangements with Oak Primary School" in texts["s63_requirement"]
    assert "consulted the governing body on Monday 4 May 2026" in texts["s63_requirement"]
    assert "with effect from Monday 18 May 2026: Priya Shah Tom Reid" in texts["s64_appointment"]
    assert "which end on Monday 15 June 2026." in texts["s64_appointment"]
    for kind in ("notice_of_intention", "s63_requirement", "s64_appointment"):  # WN-8: the lane's role signs
        assert f"{CABINET_MEMBER} For and on behalf of" in texts[kind], kind
        assert "Director of Children's Services For and on behalf of" not in texts[kind]


def test_ieb_refused_then_the_budget_suspended(route, save_restore, tmp_path):
    case = walk_to_compliance_review(route)
    not_complied(route, case)
    with at(2026, 5, 1, 9, 0):
        complete(route, case, "choose_powers_s60", powers(use_s63_arrangements=False,
                                                          use_s65_interim_executive_board=True))
        with pytest.raises(FormErrors) as refused:  # the IEB application form must have gone
            complete(route, case, "consult_before_powers", CONSULTED)
        assert list(refused.value.errors) == ["ieb_application_sent_on"]
        complete(route, case, "consult_before_powers", IEB_CONSULTED)
        assert open_tasks(route, case) == [("seek_ieb_consent", "regional_director", POWERS_WINDOW_DUE)]
        assert pending_timers(route, case) == [("window_closed_ieb", utc(2026, 6, 15, 23, 0))]
    with at(2026, 5, 20, 9, 0):
        complete(route, case, "seek_ieb_consent", {"sos_consent_given": False, "sos_consent_decided_on": "2026-05-20"})
        # Refused: back to choosing, the window still open; no notice was given for the refused board.
        assert open_tasks(route, case) == [("choose_powers_s60", "cabinet_member", POWERS_WINDOW_DUE)]
        complete(route, case, "choose_powers_s60", powers(use_s63_arrangements=False, powers_decided_on="2026-05-20",
                                                          use_s66_suspend_delegated_budget=True))
        assert open_tasks(route, case) == [("give_power_notices", "cabinet_member", None)]  # s66: no consultation
        complete(route, case, "give_power_notices", {"power_notices_given_on": "2026-05-21",
                                                     "s66_suspended_from_on": "2026-06-01",
                                                     "s66_reasons": "Spending has not followed the recovery plan."})
        notify_dfe(route, case)
    assert case.status == "completed"
    texts = letter_texts(route, case, tmp_path)
    assert set(texts) == {"warning_notice", "notice_of_intention", "s66_suspension"}
    assert "suspends the governing body's right to a delegated budget with effect from Monday 1 June 2026" \
           in texts["s66_suspension"]


def church_case_at_powers(session):
    """The same dates, for a voluntary aided Church of England school in the Diocese of Derby."""
    from tests.workflows.test_maintained_warning_notice import start

    with at(2026, 3, 23, 9, 0):
        case = start(session, {"notice_type": "s60", "notice_given_on": "2026-03-23",
                               "compliance_period_working_days": 15}, urn=CHURCH_URN)
    with at(2026, 4, 15, 23, 0, 1):
        assert worker_sweep(session) == 1
    not_complied(session, case)
    return case


def test_ieb_with_consent_gives_the_notice_with_its_copies(route, save_restore, tmp_path):
    case = church_case_at_powers(route)
    with at(2026, 5, 1, 9, 0):
        complete(route, case, "choose_powers_s60", powers(use_s63_arrangements=False,
                                                          use_s65_interim_executive_board=True))
        with pytest.raises(FormErrors) as refused:  # a church school: the diocese is consulted too
            complete(route, case, "consult_before_powers", CONSULTED)
        assert list(refused.value.errors) == ["diocese_consulted_on", "ieb_application_sent_on"]
        complete(route, case, "consult_before_powers", {**IEB_CONSULTED, "diocese_consulted_on": "2026-05-04"})
        complete(route, case, "seek_ieb_consent", {"sos_consent_given": True, "sos_consent_decided_on": "2026-05-08"})
        assert open_tasks(route, case) == [("give_ieb_notice", "cabinet_member", None)]
        with pytest.raises(FormErrors, match="cannot be before the notice"):
            complete(route, case, "give_ieb_notice", {"ieb_notice_given_on": "2026-05-11", "ieb_effective_on": "2026-05-01",
                                                      "ieb_members": "Ann Lee\nBen Cole"})
        complete(route, case, "give_ieb_notice", {"ieb_notice_given_on": "2026-05-11", "ieb_effective_on": "2026-06-01",
                                                  "ieb_members": "Ann Lee\nBen Cole"})
        # The copies are due the day the notice is given (end of Mon 11 May, BST).
        assert open_tasks(route, case) == [("send_ieb_notice_copies", "case_manager", utc(2026, 5, 11, 22, 59, 59))]
        copies = {"ieb_copy_to_members_on": "2026-05-11", "ieb_copy_to_governors_on": "2026-05-11",
                  "ieb_copy_to_secretary_of_state_on": "2026-05-11"}
        with pytest.raises(FormErrors) as refused:
            complete(route, case, "send_ieb_notice_copies", copies)
        assert list(refused.value.errors) == ["ieb_copy_to_diocese_on"]
        complete(route, case, "send_ieb_notice_copies", {**copies, "ieb_copy_to_diocese_on": "2026-05-11"})
        notify_dfe(route, case)
    assert case.status == "completed"
    text = letter_texts(route, case, tmp_path)["ieb_notice"]
    assert "consent of the Secretary of State, given on Friday 8 May 2026" in text
    assert "interim executive members from Monday 1 June 2026" in text
    for copy in ("Ann Lee (interim executive member) (EIA 2006 Sch 6 para 6)", "Every member of the governing body",
                 "The Diocese of Derby (the appropriate diocesan authority) (EIA 2006 Sch 6 para 6)"):
        assert copy in text
    assert f"{CABINET_MEMBER} For and on behalf of" in text


def test_no_powers_chosen(route, save_restore):
    case = walk_to_compliance_review(route)
    not_complied(route, case)
    with at(2026, 5, 1, 9, 0):
        complete(route, case, "choose_powers_s60", powers(use_s63_arrangements=False))
    assert open_tasks(route, case) == [] and case.status == "completed"


# --- WN-4: the window closes; the task stays open ------------------------------------------------

def close_the_window(session, case) -> None:
    with at(2026, 6, 15, 22, 59, 59):
        assert worker_sweep(session) == 0
    with at(2026, 6, 15, 23, 0, 1):
        assert worker_sweep(session) == 1
    # Nothing was cancelled (WN-4): the case runs on, and the deadline shows the window missed.
    assert case.status == "running" and len(open_tasks(session, case)) == 1
    found = deadlines_of(session, case)["powers_window_end"]
    assert (found.status, found.note) == ("missed", "the window closed without a decision to use powers")


AFTER = {"powers_decided_on": "2026-06-16"}  # Tue 16 Jun 2026, the day after the window's last day


def test_after_the_window_s64_is_refused(route, save_restore):
    case = walk_to_compliance_review(route)
    not_complied(route, case)
    close_the_window(route, case)
    assert open_tasks(route, case) == [("choose_powers_s60", "cabinet_member", POWERS_WINDOW_DUE)]
    with at(2026, 6, 16, 9, 0), pytest.raises(FormErrors) as refused:
        complete(route, case, "choose_powers_s60", powers(use_s63_arrangements=False, use_s64_additional_governors=True,
                                                          powers_window_reading="limit_confirmed_for_s64_only",
                                                          proceed_after_window=True,
                                                          proceed_after_window_reasons="Advice.", **AFTER))
    assert refused.value.errors == {"use_s64_additional_governors": (
        "The two months following the end of the compliance period ended on Mon 15 Jun 2026, before the decision of "
        "Tue 16 Jun 2026: additional governors can no longer be appointed on this notice (EIA 2006 s64(2))")}
    # On the window's last day the same decision is in time.
    with at(2026, 6, 16, 9, 0):
        complete(route, case, "choose_powers_s60", powers(use_s63_arrangements=False, use_s64_additional_governors=True,
                                                          powers_decided_on="2026-06-15"))
        assert open_tasks(route, case) == [("give_power_notices", "cabinet_member", None)]


def test_after_the_window_the_default_reading_refuses_s63_s65_s66(route, save_restore):
    case = walk_to_compliance_review(route)
    not_complied(route, case)
    close_the_window(route, case)
    with at(2026, 6, 16, 9, 0), pytest.raises(FormErrors) as refused:
        complete(route, case, "choose_powers_s60", powers(use_s63_arrangements=True,
                                                          use_s66_suspend_delegated_budget=True, **AFTER))
    assert list(refused.value.errors) == ["powers_window_reading"]
    assert "reads the limit as binding s63 arrangements and suspending the delegated budget (s66) too" in \
        refused.value.errors["powers_window_reading"]
    assert case.data["powers_window_reading"] == "limit_binds_all"  # the default, recorded on the case


def test_after_the_window_the_other_reading_warns_and_records_that_the_authority_proceeds(route, save_restore,
                                                                                          tmp_path):
    case = walk_to_compliance_review(route)
    not_complied(route, case)
    close_the_window(route, case)
    chosen = powers(use_s63_arrangements=False, use_s66_suspend_delegated_budget=True,
                    powers_window_reading="limit_confirmed_for_s64_only", **AFTER)
    with at(2026, 6, 16, 9, 0):
        with pytest.raises(FormErrors) as warned:
            complete(route, case, "choose_powers_s60", chosen)
        assert list(warned.value.errors) == ["proceed_after_window", "proceed_after_window_reasons"]
        assert "whether it binds suspending the delegated budget (s66) was not verified" in \
            warned.value.errors["proceed_after_window"]
        complete(route, case, "choose_powers_s60", {**chosen, "proceed_after_window": True,
                                                     "proceed_after_window_reasons": "Counsel's advice of 12 June."})
        complete(route, case, "give_power_notices", {"power_notices_given_on": "2026-06-17",
                                                     "s66_suspended_from_on": "2026-06-22", "s66_reasons": "Overspend."})
    text = letter_texts(route, case, tmp_path)["s66_suspension"]
    assert "The authority decided on Tuesday 16 June 2026, after that day, and proceeds on its reading that the " \
           "limit is confirmed only for section 64: Counsel's advice of 12 June." in text


def test_the_window_closing_while_waiting_for_ieb_consent_keeps_the_consent_open(route, save_restore):
    case = walk_to_compliance_review(route)
    not_complied(route, case)
    with at(2026, 5, 1, 9, 0):
        complete(route, case, "choose_powers_s60", powers(use_s63_arrangements=False,
                                                          use_s65_interim_executive_board=True))
        complete(route, case, "consult_before_powers", IEB_CONSULTED)
    with at(2026, 6, 15, 23, 0, 1):
        assert worker_sweep(route) == 1
    assert open_tasks(route, case) == [("seek_ieb_consent", "regional_director", POWERS_WINDOW_DUE)]
    assert case.status == "running"


# --- s60A: powers limited to ss64-66 ------------------------------------------------------------

def test_s60a_offers_only_ss64_to_66_and_ieb_with_consent(route, save_restore):
    case = walk_to_compliance_review(route, notice_type="s60A")
    not_complied(route, case)
    assert open_tasks(route, case) == [("choose_powers_s60a", "cabinet_member", POWERS_WINDOW_DUE)]
    fields = [f["id"] for f in task_row(route, case, "choose_powers_s60a").form["fields"]]
    assert "use_s63_arrangements" not in fields and "use_s64_additional_governors" in fields
    with at(2026, 5, 1, 9, 0):
        with pytest.raises(FormErrors):  # the form refuses s63 for a pay and conditions notice
            complete(route, case, "choose_powers_s60a", powers(use_s63_arrangements=True))
        complete(route, case, "choose_powers_s60a", powers(use_s65_interim_executive_board=True))
        complete(route, case, "consult_before_powers", IEB_CONSULTED)
        complete(route, case, "seek_ieb_consent", {"sos_consent_given": True, "sos_consent_decided_on": "2026-05-08"})
        complete(route, case, "give_ieb_notice", {"ieb_notice_given_on": "2026-05-11", "ieb_effective_on": "2026-06-01",
                                                  "ieb_members": "Ann Lee"})
        complete(route, case, "send_ieb_notice_copies", {"ieb_copy_to_members_on": "2026-05-11",
                                                         "ieb_copy_to_governors_on": "2026-05-11",
                                                         "ieb_copy_to_secretary_of_state_on": "2026-05-11"})
        notify_dfe(route, case)
    assert case.status == "completed"


def test_s60a_window_closes_and_s64_is_refused_after_it(route, save_restore):
    case = walk_to_compliance_review(route, notice_type="s60A")
    not_complied(route, case)
    close_the_window(route, case)
    with at(2026, 6, 16, 9, 0), pytest.raises(FormErrors, match="s64\\(2\\)"):
        complete(route, case, "choose_powers_s60a", powers(use_s64_additional_governors=True, **AFTER))


def test_s60a_other_powers_without_ieb(route, save_restore):
    case = walk_to_compliance_review(route, notice_type="s60A")
    not_complied(route, case)
    with at(2026, 5, 1, 9, 0):
        complete(route, case, "choose_powers_s60a", powers(use_s64_additional_governors=True))
        complete(route, case, "give_power_notices", S64_NOTICE)
        notify_dfe(route, case)
    assert case.status == "completed"


def test_the_notice_of_intention_says_a_window_on_a_sunday_keeps_its_date(tmp_path):
    """WN-10 on the letter: compliance period ending Thu 31 Dec 2026, window Sun 28 Feb 2027."""
    from workflows.letters import render_letter

    data = {"school_name": "Ash Grove Primary School", "notice_given_on": "2026-12-01",
            "compliance_period_end_on": "2026-12-31", "powers_proposed": "s64", "powers_from_on": "2027-01-20"}
    _, _, pdf, _ = render_letter("notice_of_intention", data, date(2027, 1, 11), "Trafford")
    text = pdf_text(pdf, tmp_path)
    assert "the powers may be used only until the end of Sunday 28 February 2027, two months after the compliance " \
           "period ended. Sun 28 Feb 2027 is a Sunday, not a working day: a period of calendar days, so the date is " \
           "kept (not moved to a working day)." in text


def test_the_s64_letter_names_the_further_foundation_governors_of_a_voluntary_aided_school(tmp_path):
    from workflows.letters import render_letter

    data = {"school_name": "St Anne's CE (VA) Primary School", "is_voluntary_aided": True,
            "diocese_name": "The Diocese of Derby", "s64_governors_appointed": "Priya Shah",
            "s64_appointed_from_on": "2026-05-18", "powers_window_ends_on": "2026-06-15"}
    _, _, pdf, sent_to = render_letter("s64_appointment", data, date(2026, 5, 11), "Derbyshire County Council")
    text = pdf_text(pdf, tmp_path)
    assert "the appropriate appointing authority may appoint an equal number of further foundation governors" in text
    assert {"name": "The Diocese of Derby (the appropriate diocesan authority)", "role": "copy",
            "basis": "May appoint further foundation governors (s64, voluntary aided)"} in sent_to
    assert "(incomplete)" not in render_letter("s64_appointment", data, date(2026, 5, 11), "X")[0]
    missing = render_letter("s64_appointment", {"school_name": "X"}, date(2026, 5, 11), "X")
    assert missing[0].endswith("(incomplete)")
    assert "MISSING: the additional governors the authority appoints" in pdf_text(missing[2], tmp_path)
