"""The maintained-school warning notice route (EIA 2006 s60/s60A) walked end to end through the
real engine: every gateway outcome, timers fired with time moved by time-machine, and each walk run
twice (the workflow kept in memory, and restored from the database between steps)."""
from __future__ import annotations

from datetime import date

import pytest

from engine import definitions, runtime
from engine.errors import InvalidInput
from engine.models import ProcessInstance
from tests.conftest import worker_sweep
from tests.workflows.routes import (
    BST_DAY_END,
    GMT_DAY_END,
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
from workflows.maintained_warning_notice import PROCESS
from workflows.registry import install

URN = "830001"


def start(session, data: dict | None = None, urn: str = URN) -> ProcessInstance:
    return runtime.start_instance(session, PROCESS.key, "officer@example.test", business_key=urn, data=data)


@pytest.fixture
def route(session):
    deploy_package(session, PROCESS)
    create_school(session, URN)
    return session


# --- the informal stage and the decision ------------------------------------------------------

INFORMAL = {"concerns_discussed_on": "2026-03-02", "discussed_with": "headteacher_and_chair",
            "concerns_summary": "Standards in reading have fallen for three years."}
CONFIRMED = {"concerns_confirmed_on": "2026-03-04", "action_plan_agreed": True}


def walk_to_recommendation(session) -> ProcessInstance:
    with at(2026, 3, 2, 9, 0):
        case = start(session)
        assert open_tasks(session, case) == [("discuss_concerns", "link_adviser", None)]
        complete(session, case, "discuss_concerns", INFORMAL)
        assert open_tasks(session, case) == [("confirm_concerns_in_writing", "deputy_assistant_director", None)]
        complete(session, case, "confirm_concerns_in_writing", CONFIRMED)
        assert [t for t, _, _ in open_tasks(session, case)] == ["review_school_progress"]
        complete(session, case, "review_school_progress", ESCALATED)
        assert open_tasks(session, case) == [("recommend_warning_notice", "director_childrens_services", None)]
    return case


ESCALATED = {"progress_review_held_on": "2026-03-06", "progress_review_outcome": "escalate",
             "progress_review_summary": "No progress against the action plan; governors have not met."}


def test_school_progress_reviews_continue_then_the_school_exits(route, save_restore):
    """WN-7, the local stage: reviews at least three times a year, so each is due four calendar months after
    the last. Confirmed Wed 4 Mar 2026: the first is due Sat 4 Jul 2026 (a Saturday, and it keeps its date),
    at the end of the day in BST; held Tue 30 Jun, the next is due Fri 30 Oct 2026, after the clocks go
    back on Sun 25 Oct, so at 23:59:59 UTC."""
    session = route
    with at(2026, 3, 2, 9, 0):
        case = start(session)
        complete(session, case, "discuss_concerns", INFORMAL)
        complete(session, case, "confirm_concerns_in_writing", CONFIRMED)
        assert open_tasks(session, case) == [("review_school_progress", "senior_adviser", utc(2026, 7, 4, *BST_DAY_END))]
    with at(2026, 6, 30, 9, 0):
        complete(session, case, "review_school_progress", {**ESCALATED, "progress_review_held_on": "2026-06-30",
                                                           "progress_review_outcome": "continue"})
        assert open_tasks(session, case) == [("review_school_progress", "senior_adviser", utc(2026, 10, 30, *GMT_DAY_END))]
    with at(2026, 10, 20, 9, 0):
        complete(session, case, "review_school_progress", {**ESCALATED, "progress_review_held_on": "2026-10-20",
                                                           "progress_review_outcome": "exit"})
        assert open_tasks(session, case) == [("confirm_no_longer_causing_concern", "assistant_director", None)]
        complete(session, case, "confirm_no_longer_causing_concern", {"exit_confirmed_on": "2026-10-22"})
    assert case.status == "completed" and case.data["notice_given_on"] is None


def recommend(session, case, notice_type: str = "s60", recommended: bool = True) -> None:
    with at(2026, 3, 9, 9, 0):
        complete(session, case, "recommend_warning_notice", {
            "notice_recommended": recommended, "notice_type": notice_type, "recommended_on": "2026-03-09",
            "recommendation_reasons": "No improvement since the concerns were confirmed."})


def test_the_model_deploys_without_problems():
    install()  # registers the script functions the expressions call
    assert definitions.validate(PROCESS.read_bpmn(), PROCESS.read_dmn()) == []


def test_not_recommended_ends_with_support_continuing(route, save_restore):
    case = walk_to_recommendation(route)
    recommend(route, case, recommended=False)
    assert open_tasks(route, case) == []
    assert case.status == "completed"
    assert case.data["notice_given_on"] is None


def test_cabinet_member_decides_not_to_issue(route, save_restore):
    case = walk_to_recommendation(route)
    recommend(route, case)
    assert open_tasks(route, case) == [("decide_warning_notice", "cabinet_member", None)]
    with at(2026, 3, 16, 9, 0):
        complete(route, case, "decide_warning_notice", {"cabinet_member_decision": "do_not_issue",
                                                        "decided_on": "2026-03-16"})
    assert open_tasks(route, case) == [] and case.status == "completed"


NOTICE_EASTER_2026 = {
    "notice_given_on": "2026-03-23", "ground_low_standards": True, "matters_of_concern": "Reading results at key stage 2 have fallen for three years, to 38% in 2025.",
    "required_action": "Commission an external review of governance.", "compliance_period_working_days": 15,
    "minded_action": "Appoint additional governors (s64).",
}

#: s60A is about the pay and conditions order only: its notice names that ground and no other.
NOTICE_S60A_EASTER_2026 = {**NOTICE_EASTER_2026, "ground_low_standards": False, "ground_pay_and_conditions": True,
                           "matters_of_concern": "The governing body has not applied the 2025 pay award to "
                                                 "teachers on the main pay range since September 2025."}


def issue_notice(session, case, notice: dict = NOTICE_EASTER_2026) -> None:
    with at(2026, 3, 23, 9, 0):
        complete(session, case, "decide_warning_notice", {"cabinet_member_decision": "issue", "decided_on": "2026-03-20",
                                                          "discussed_with_school_on": "2026-03-18"})
        assert open_tasks(session, case) == [("issue_warning_notice", "cabinet_member", None)]
        row = task_row(session, case, "issue_warning_notice")
        assert row.properties["letter"] == "warning_notice"
        assert row.properties["legal_source"].startswith("EIA 2006 s60(4)")
        complete(session, case, "issue_warning_notice", notice)


def walk_to_compliance_review(session, notice_type: str = "s60") -> ProcessInstance:
    """Notice given Mon 23 Mar 2026 with 15 working days: the period ends Wed 15 Apr 2026, skipping
    Good Friday (Fri 3 Apr) and Easter Monday (Mon 6 Apr); the powers window ends Mon 15 Jun 2026."""
    case = walk_to_recommendation(session)
    recommend(session, case, notice_type)
    issue_notice(session, case, NOTICE_S60A_EASTER_2026 if notice_type == "s60A" else NOTICE_EASTER_2026)
    # The copies are due the day the notice is given (end of Mon 23 Mar, GMT).
    assert open_tasks(session, case) == [("send_warning_notice_copies", "case_manager", utc(2026, 3, 23, *GMT_DAY_END))]
    # The period ends at the end of Wed 15 Apr in England: midnight BST is 23:00 UTC.
    assert pending_timers(session, case) == [("compliance_period_ended", utc(2026, 4, 15, 23, 0))]
    assert case.data["compliance_period_ends_on"] == "2026-04-15"
    assert case.data["powers_window_ends_on"] == "2026-06-15"
    with at(2026, 3, 23, 15, 0):
        complete(session, case, "send_warning_notice_copies", {
            "copy_to_headteacher_on": "2026-03-23", "copy_to_hmci_on": "2026-03-23",
            "copy_to_secretary_of_state_on": "2026-03-23"})
    assert open_tasks(session, case) == [] and case.status == "waiting"
    with at(2026, 4, 15, 22, 59, 59):
        assert worker_sweep(session) == 0
    with at(2026, 4, 15, 23, 0, 1):
        assert worker_sweep(session) == 1
    # Given after 18 Apr 2016: no representations step, straight to the review.
    assert open_tasks(session, case) == [("review_compliance", "deputy_assistant_director", REVIEW_DUE)]
    return case


def test_governing_body_complies(route, save_restore):
    case = walk_to_compliance_review(route)
    with at(2026, 4, 17, 9, 0):
        complete(route, case, "review_compliance", {"compliance_reviewed_on": "2026-04-17",
                                                     "governing_body_complied": True,
                                                     "compliance_findings": "External review commissioned."})
        assert open_tasks(route, case) == [("record_compliance_outcome", "assistant_director", None)]
        found = deadlines_of(route, case)
        assert found["compliance_period_end"].status == "met"
        assert "powers_window_end" not in found  # no longer relevant once the governing body complied
        complete(route, case, "record_compliance_outcome", {"after_compliance": "no_longer_causing_concern",
                                                            "outcome_confirmed_on": "2026-04-20"})
    assert open_tasks(route, case) == [] and case.status == "completed"


def test_the_copies_branch_keeps_its_dates_after_the_compliance_review(route, save_restore):
    """The copies branch ends at its own end event; the compliance branch's timer and review
    come later and must not drop the dates the copies were sent."""
    case = walk_to_compliance_review(route)
    assert case.data["copy_to_hmci_on"] == "2026-03-23"
    with at(2026, 4, 17, 9, 0):
        complete(route, case, "review_compliance", {"compliance_reviewed_on": "2026-04-17",
                                                     "governing_body_complied": True,
                                                     "compliance_findings": "External review commissioned."})
    assert (case.data["copy_to_headteacher_on"], case.data["copy_to_hmci_on"],
            case.data["copy_to_secretary_of_state_on"]) == ("2026-03-23", "2026-03-23", "2026-03-23")
    assert case.data["compliance_reviewed_on"] == "2026-04-17"


POWERS_WINDOW_DUE = utc(2026, 6, 15, *BST_DAY_END)
#: The review and the notice of intention are due by the last day that still gives 5 working days'
#: notice before the powers window ends on Mon 15 Jun 2026: 9, 10, 11, 12 and 15 Jun are the five,
#: so Mon 8 Jun 2026 (no bank holiday between; the spring one was Mon 25 May).
REVIEW_DUE = utc(2026, 6, 8, *BST_DAY_END)


def not_complied(session, case) -> None:
    with at(2026, 4, 17, 9, 0):
        complete(session, case, "review_compliance", {"compliance_reviewed_on": "2026-04-17",
                                                      "governing_body_complied": False,
                                                      "compliance_findings": "No review commissioned."})
        assert open_tasks(session, case) == [("give_notice_of_intention", "cabinet_member", REVIEW_DUE)]
        assert task_row(session, case, "give_notice_of_intention").properties["letter"] == "notice_of_intention"
    # Reasonable notice: 5 working days following Mon 20 Apr 2026 is Mon 27 Apr (no holidays), so
    # the wait is over at midnight BST, 23:00 UTC on the 27th.
    with at(2026, 4, 20, 9, 0):
        complete(session, case, "give_notice_of_intention", {"notice_of_intention_given_on": "2026-04-20",
                                                             "reasonable_notice_working_days": 5,
                                                             "powers_proposed": "s64"})
        assert open_tasks(session, case) == []
        assert pending_timers(session, case) == [("reasonable_notice_ended", utc(2026, 4, 27, 23, 0))]
    with at(2026, 4, 27, 23, 0, 1):
        assert worker_sweep(session) == 1


def powers(**chosen) -> dict:
    data = {"use_s64_additional_governors": False, "use_s65_interim_executive_board": False,
            "use_s66_suspend_delegated_budget": False, "powers_decided_on": "2026-05-01",
            "powers_reasons": "The governing body has not acted."}
    data.update(chosen)
    return data


# --- cases started at their milestone -----------------------------------------------------------

def test_started_at_the_notice_already_given_waits_for_the_compliance_period(route, save_restore):
    """Domain note §8 example 1: given Thu 18 Dec 2025, 15 working days, skipping Thu 25 Dec, Fri 26
    Dec 2025 and Thu 1 Jan 2026: the period ends Tue 13 Jan 2026 and the window Fri 13 Mar 2026."""
    with at(2026, 1, 5, 9, 0):
        case = start(route, {"notice_type": "s60", "notice_given_on": "2025-12-18",
                             "compliance_period_working_days": 15})
        assert open_tasks(route, case) == []
        assert case.status == "waiting"
        assert pending_timers(route, case) == [("compliance_period_ended", utc(2026, 1, 14, 0, 0))]
        found = deadlines_of(route, case)
        assert sorted(found) == ["compliance_period_end", "powers_window_end"]
        assert found["compliance_period_end"].due_on == date(2026, 1, 13)
        assert found["compliance_period_end"].rule == (
            "15th working day following Thu 18 Dec 2025 (the day the notice was given, day 0); skips Thu 25 Dec "
            "(Christmas Day), Fri 26 Dec 2025 (Boxing Day), Thu 1 Jan 2026 (New Year's Day)")
        assert found["compliance_period_end"].status == "pending"
        assert found["powers_window_end"].due_on == date(2026, 3, 13)
        assert case.owner == "830" and case.data["school_kind"] == "maintained"
    with at(2026, 1, 14, 0, 0, 1):
        assert worker_sweep(route) == 1
    # Window ends Fri 13 Mar 2026; 5 working days' notice (9-13 Mar): review by Fri 6 Mar.
    assert open_tasks(route, case) == [("review_compliance", "deputy_assistant_director", utc(2026, 3, 6, *GMT_DAY_END))]


def test_started_at_the_notice_with_a_stated_end_date(route, save_restore):
    with at(2026, 1, 5, 9, 0):
        case = start(route, {"notice_type": "s60", "notice_given_on": "2025-12-18",
                             "compliance_period_end_stated_on": "2026-01-30"})
        assert pending_timers(route, case) == [("compliance_period_ended", utc(2026, 1, 31, 0, 0))]
        found = deadlines_of(route, case)
        assert found["compliance_period_end"].due_on == date(2026, 1, 30)
        assert found["powers_window_end"].due_on == date(2026, 3, 30)


@pytest.mark.parametrize("data, message", [
    ({"notice_type": "s60A", "notice_given_on": "2009-12-01"}, "s60A was not in force"),
    ({"notice_type": "s61", "notice_given_on": "2025-12-18"}, "notice_type must be one of"),
    ({"notice_given_on": "2025-12-18"}, "notice_type must be one of"),
    ({"notice_type": "s60", "notice_given_on": "18/12/2025"}, "ISO date"),
])
def test_a_milestone_start_with_bad_facts_is_refused(route, data, message):
    with pytest.raises(InvalidInput, match=message):
        start(route, data)


def test_an_academy_is_refused(route):
    create_school(route, "830099", "Academy converter")
    with pytest.raises(InvalidInput, match="applies to maintained schools only"):
        start(route, urn="830099")


# --- the 18 Apr 2016 switch, by the day the notice was given ------------------------------------

def test_notice_given_17_apr_2016_has_an_initial_period_apart_from_its_compliance_period(route, save_restore):
    """WN-2. Given Sun 17 Apr 2016 (day 0 even on a Sunday), as enacted. The initial period, for
    representations, ends on the 15th working day following: Mon 9 May 2016, skipping Mon 2 May (early May
    bank holiday). The compliance period, by the default reading, is the one the notice set: 30 working
    days following is Tue 31 May 2016, skipping Mon 2 May and Mon 30 May (spring bank holiday). The
    powers window then ends Sun 31 Jul 2016, a Sunday, and keeps its date (WN-10)."""
    with at(2016, 4, 20, 9, 0):
        case = start(route, {"notice_type": "s60", "notice_given_on": "2016-04-17",
                             "compliance_period_working_days": 30})
        assert case.data["notice_regime"] == "initial_period_as_enacted"
        assert case.data["legacy_compliance_reading"] == "notice_period"  # the default, recorded on the case
        assert (case.data["initial_period_ends_on"], case.data["compliance_period_ends_on"]) == (
            "2016-05-09", "2016-05-31")
        assert pending_timers(route, case) == [("initial_period_ended", utc(2016, 5, 9, 23, 0))]
        found = deadlines_of(route, case)
        assert found["initial_period_end"].due_on == date(2016, 5, 9)
        assert found["initial_period_end"].source.startswith("EIA 2006 s60(1)(b) as enacted")
        assert found["initial_period_end"].rule == (
            "15th working day following Sun 17 Apr 2016 (the day the notice was given, day 0); "
            "skips Mon 2 May 2016 (Early May bank holiday)")
        assert found["compliance_period_end"].due_on == date(2016, 5, 31)
        assert "s60(10)" in found["compliance_period_end"].source
        assert found["compliance_period_end"].rule.startswith(
            "30th working day following Sun 17 Apr 2016 (the day the notice was given, day 0); skips Mon 2 May "
            "(Early May bank holiday), Mon 30 May 2016 (Spring bank holiday); never before the initial period ends")
        assert found["powers_window_end"].due_on == date(2016, 7, 31)
        assert found["powers_window_end"].rule.endswith(
            "; Sun 31 Jul 2016 is a Sunday, not a working day: a period of calendar days, so the date is kept "
            "(not moved to a working day)")
    with at(2016, 5, 9, 23, 0, 1):
        assert worker_sweep(route) == 1
    assert open_tasks(route, case) == [("record_representations", "deputy_assistant_director", None)]
    with at(2016, 5, 10, 9, 0):
        complete(route, case, "record_representations", {"representations_outcome": "confirmed",
                                                         "representations_decided_on": "2016-05-05"})
        # Confirmed: now the compliance period runs on to the end of Tue 31 May (BST).
        assert open_tasks(route, case) == []
        assert pending_timers(route, case) == [("legacy_compliance_period_ended", utc(2016, 5, 31, 23, 0))]
        assert deadlines_of(route, case)["initial_period_end"].status == "met"
    with at(2016, 5, 31, 22, 59, 59):
        assert worker_sweep(route) == 0
    with at(2016, 5, 31, 23, 0, 1):
        assert worker_sweep(route) == 1
    # Window ends Sun 31 Jul 2016, so by Fri 29 Jul; 5 working days' notice (25-29 Jul): by Fri 22 Jul.
    assert open_tasks(route, case) == [("review_compliance", "deputy_assistant_director", utc(2016, 7, 22, *BST_DAY_END))]


def test_pre_2016_notice_read_as_the_initial_period(route, save_restore):
    """The other reading of s60(10), chosen by the officer: the compliance period is the initial period,
    Mon 9 May 2016, whatever the notice set; the review follows the representations at once."""
    with at(2016, 4, 20, 9, 0):
        case = start(route, {"notice_type": "s60", "notice_given_on": "2016-04-17",
                             "compliance_period_working_days": 30, "legacy_compliance_reading": "initial_period"})
        assert case.data["compliance_period_ends_on"] == "2016-05-09"
        assert "read as the initial period" in deadlines_of(route, case)["compliance_period_end"].name
    with at(2016, 5, 9, 23, 0, 1):
        assert worker_sweep(route) == 1
        complete(route, case, "record_representations", {"representations_outcome": "none_made"})
        assert pending_timers(route, case) == []  # the compliance period ended with the initial period
    # Window ends Sat 9 Jul 2016, so by Fri 8 Jul; 5 working days' notice (4-8 Jul): by Fri 1 Jul.
    assert open_tasks(route, case) == [("review_compliance", "deputy_assistant_director", utc(2016, 7, 1, *BST_DAY_END))]


def test_an_unknown_legacy_reading_is_refused(route):
    with pytest.raises(InvalidInput, match="legacy_compliance_reading must be one of"):
        start(route, {"notice_type": "s60", "notice_given_on": "2016-04-17", "legacy_compliance_reading": "x"})


def test_pre_2016_notice_not_confirmed_has_no_further_effect(route, save_restore):
    with at(2016, 4, 20, 9, 0):
        case = start(route, {"notice_type": "s60A", "notice_given_on": "2016-04-15"})
    with at(2016, 5, 9, 23, 0, 1):  # Fri 15 Apr 2016 + 15 working days = Mon 9 May (skips Mon 2 May)
        assert worker_sweep(route) == 1
    complete(route, case, "record_representations", {"representations_outcome": "not_confirmed"})
    assert open_tasks(route, case) == [] and case.status == "completed"
    assert deadlines_of(route, case) == {}


def test_notice_given_18_apr_2016_uses_the_period_the_notice_sets(route, save_restore):
    """Given Mon 18 Apr 2016 (the commencement day), 20 working days: Tue 17 May 2016, skipping
    Mon 2 May (early May bank holiday); no representations step."""
    with at(2016, 4, 20, 9, 0):
        case = start(route, {"notice_type": "s60", "notice_given_on": "2016-04-18",
                             "compliance_period_working_days": 20})
        assert case.data["notice_regime"] == "compliance_period_as_amended_2016"
        assert pending_timers(route, case) == [("compliance_period_ended", utc(2016, 5, 17, 23, 0))]
        assert "initial_period_end" not in deadlines_of(route, case)  # no initial period from 18 Apr 2016
    with at(2016, 5, 17, 23, 0, 1):
        assert worker_sweep(route) == 1
    # Window ends Sun 17 Jul 2016, so by Fri 15 Jul; 5 working days' notice (11-15 Jul): by Fri 8 Jul.
    assert open_tasks(route, case) == [("review_compliance", "deputy_assistant_director", utc(2016, 7, 8, *BST_DAY_END))]


# --- the model's conventions --------------------------------------------------------------------

def test_every_user_task_has_a_form_a_role_matching_its_lane_and_a_legal_source():
    from tests.workflows.test_deadline_rules_wn_ofsted import check_model_conventions

    check_model_conventions(PROCESS)
