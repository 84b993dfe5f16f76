"""The regional director's intervention in an academy trust, walked end to end through the engine.

Every gateway outcome is walked with `save_restore` both ways. Dates worked by hand:

- TWN representations, England and Wales working days, the notice's date being day 0:
  Mon 8 Jun 2026 + 15 = Mon 29 Jun 2026 (weekends only); Thu 18 Dec 2025 + 15 = Tue 13 Jan 2026 (skips
  Christmas Day, Boxing Day 2025, New Year's Day 2026); Mon 23 Mar 2026 + 15 = Wed 15 Apr 2026 (skips Good
  Friday 3 Apr, Easter Monday 6 Apr); Mon 8 Sep 2025 + 15 = Mon 29 Sep 2025 (weekends only); Fri 22 May 2026
  + 10 = Mon 8 Jun 2026 (skips the spring bank holiday, 25 May); Fri 28 Aug 2026 + 5 = Mon 7 Sep 2026 (skips
  the summer bank holiday, 31 Aug).
- NtI publication, calendar days: Mon 11 May 2026 + 14 = Mon 25 May 2026, itself the spring bank holiday (not
  skipped); Sun 31 Aug 2025 + 14 = Sun 14 Sep 2025.
- ATH 2025 para 6.17 switch: a NtI on educational performance dated Sun 31 Aug 2025 is allowed; dated Mon
  1 Sep 2025 it is refused.
"""
from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.definitions import validate
from engine.models import ProcessInstance
from engine.runtime import start_instance
from tests.workflows.routes import (
    checked_user_tasks,
    create_school,
    deadline_rows,
    deploy_package,
    do,
    end_events,
    end_of,
    fire_at,
    open_tasks,
    pending_timers,
    utc,
)
from workflows.academy_intervention import PROCESS
from workflows.academy_intervention.rules import (
    academy_nti_ground_allowed,
    academy_nti_refusal,
    academy_termination_refusal,
    academy_twn_legal_basis,
    deadlines,
)
from workflows.registry import install

URN = "990201"
DERBYSHIRE = "830"
REGION = "dfe-east-midlands"
RD, RGO = "regional_director", "regions_group_officer"


FACTS = {"school_name": "Dove Valley Academy", "school_type": "Academy sponsor led", "school_kind": "academy",
         "la_code": DERBYSHIRE, "la_name": "Derbyshire", "diocese_name": None, "trust_name": "Trent Schools Trust",
         "is_voluntary_aided": False, "has_foundation": False}


def begin(session, time_machine, when: datetime, concern_type: str, **trigger) -> ProcessInstance:
    time_machine.move_to(when, tick=False)
    deploy_package(session, PROCESS)
    create_school(session, URN, "Academy sponsor led", la_code=DERBYSHIRE, name="Dove Valley Academy",
                  trust_name="Trent Schools Trust")
    instance = start_instance(session, PROCESS.key, "officer:regions_group_officer", business_key=URN,
                              data=dict(FACTS))
    assert instance.owner == REGION  # extra={"owner": "region"}: the regional director's case
    day = when.date().isoformat()
    do(session, instance, "record_trigger", RGO, {
        "concern_type": concern_type, "concern_identified_on": day,
        "concern_summary": "Evidence gathered by the Regions Group case officer.", **trigger})
    return instance


def decide(session, instance, intervention: str, on: str) -> None:
    do(session, instance, "decide_intervention", RD,
       {"intervention": intervention, "decided_on": on, "decision_reasons": "As the case officer advised."})


def prepare_nti(session, instance, issued_on: str, review_on: str) -> None:
    do(session, instance, "prepare_notice_to_improve", RGO, {
        "nti_issued_on": issued_on, "nti_grounds": "Breaches of Academy Trust Handbook Part 6.",
        "nti_conditions": "Monthly management accounts to trustees; a new finance director.",
        "nti_review_due_on": review_on, "nti_publication_days": 14})


def issue_nti(session, instance) -> None:
    do(session, instance, "issue_notice_to_improve", RD, {"nti_signed_by": "Regional director, East Midlands"})


def prepare_twn(session, instance, issued_on: str, action_due_on: str, days: int = 15) -> None:
    do(session, instance, "prepare_termination_warning_notice", RGO, {
        "twn_issued_on": issued_on, "twn_reasons": "Standards unacceptably low.",
        "twn_action_required": "Join a strong trust's improvement programme.",
        "twn_action_due_on": action_due_on, "representations_working_days": days})
    do(session, instance, "issue_termination_warning_notice", RD, {"twn_signed_by": "Regional director"})


def consider(session, instance, decision: str, **extra) -> None:
    do(session, instance, "consider_representations", RD, {
        "twn_decision": decision, "twn_decided_on": "2026-07-01", "twn_decision_reasons": "Considered.", **extra})


def terminate(session, instance, route: str) -> None:
    do(session, instance, "issue_termination_notice", RD, {
        "termination_notice_on": "2026-07-06", "termination_route": route, "termination_reasons": "No compliance."})


# -- the model -----------------------------------------------------------------------------------


def test_the_model_validates_without_problems():
    install()
    assert validate(PROCESS.read_bpmn()) == []


def test_every_user_task_has_a_form_a_role_of_its_lane_and_a_legal_source():
    assert len(checked_user_tasks(PROCESS)) == 17


# -- every path ----------------------------------------------------------------------------------


def test_category_of_concern_twn_under_s2a_withdrawn_after_representations(session, save_restore, time_machine):
    instance = begin(session, time_machine, utc(2026, 6, 1, 10), "category_of_concern",
                     ofsted_category="special_measures", hmci_notice_on="2026-05-28")
    decide(session, instance, "termination_warning_notice", "2026-06-03")
    time_machine.move_to(utc(2026, 6, 8, 10), tick=False)
    prepare_twn(session, instance, "2026-06-08", "2026-07-17")
    # Mon 8 Jun 2026 + 15 working days = Mon 29 Jun 2026 (weekends only).
    assert instance.data["representations_due_on"] == "2026-06-29"
    assert instance.data["twn_legal_basis"].startswith("Academies Act 2010 s2A")
    assert open_tasks(session, instance) == [("receive_representations", RGO, end_of(date(2026, 6, 29)))]
    assert pending_timers(session, instance) == [("representations_date_passed", utc(2026, 6, 29, 23))]
    time_machine.move_to(utc(2026, 6, 26, 10), tick=False)
    do(session, instance, "receive_representations", RGO, {
        "representations_received_on": "2026-06-26", "representations_summary": "A new CEO and a plan.",
        "is_trust_agreeing": True}, end_of(date(2026, 6, 29)))
    assert pending_timers(session, instance) == []
    consider(session, instance, "withdraw", twn_action_taken_on="2026-07-10")
    do(session, instance, "withdraw_termination_warning_notice", RD,
       {"twn_withdrawn_on": "2026-07-02", "withdrawal_summary": "Representations accepted."})
    assert instance.status == "completed"
    assert end_events(instance) == ["twn_withdrawn"]
    assert deadline_rows(session, instance) == {
        "twn_representations_due": (date(2026, 6, 29), "met", date(2026, 6, 26)),
        "twn_action_due": (date(2026, 7, 17), "met", date(2026, 7, 10)),
    }


def test_coasting_twn_under_s2b_without_representations_ends_in_transfer(session, save_restore, time_machine):
    instance = begin(session, time_machine, utc(2025, 12, 15, 10), "coasting")
    decide(session, instance, "termination_warning_notice", "2025-12-16")
    time_machine.move_to(utc(2025, 12, 18, 10), tick=False)
    prepare_twn(session, instance, "2025-12-18", "2026-02-27")
    # Thu 18 Dec 2025 + 15 = Tue 13 Jan 2026: skips 25 and 26 Dec 2025 and 1 Jan 2026. GMT, so the timer
    # fires at midnight UTC.
    assert instance.data["twn_legal_basis"].startswith("Academies Act 2010 s2B")
    assert open_tasks(session, instance) == [("receive_representations", RGO, end_of(date(2026, 1, 13)))]
    assert pending_timers(session, instance) == [("representations_date_passed", utc(2026, 1, 14, 0))]
    fire_at(session, time_machine, utc(2026, 1, 13, 23, 59, 59), 0)
    fire_at(session, time_machine, utc(2026, 1, 14, 0, 0, 1), 1)
    assert deadline_rows(session, instance)["twn_representations_due"] == (date(2026, 1, 13), "missed", None)
    consider(session, instance, "terminate")
    terminate(session, instance, "transfer_to_new_trust")
    do(session, instance, "transfer_to_new_trust", RGO, {"new_trust_name": "Peak Partnership Trust",
                                                        "transfer_on": "2026-09-01"})
    assert instance.status == "completed"
    assert end_events(instance) == ["academy_transferred"]
    assert deadline_rows(session, instance)["twn_action_due"] == (date(2026, 2, 27), "pending", None)


def test_finance_nti_published_late_and_lifted_at_review(session, save_restore, time_machine):
    instance = begin(session, time_machine, utc(2026, 5, 1, 10), "financial_management")
    decide(session, instance, "notice_to_improve", "2026-05-08")
    time_machine.move_to(utc(2026, 5, 11, 10), tick=False)
    prepare_nti(session, instance, "2026-05-11", "2026-09-01")
    issue_nti(session, instance)
    # 14 calendar days from Mon 11 May 2026 = Mon 25 May 2026, the spring bank holiday: calendar days skip nothing.
    assert open_tasks(session, instance) == []
    assert pending_timers(session, instance) == [("publication_period_ended", utc(2026, 5, 25, 23))]
    assert deadline_rows(session, instance) == {"nti_publication_due": (date(2026, 5, 25), "pending", None),
                                                "nti_review_due": (date(2026, 9, 1), "pending", None)}
    fire_at(session, time_machine, utc(2026, 5, 25, 23, 0, 1), 1)
    # Sacred Heart of Mary Girls' School: dated 11 May 2026, published 5 Jun 2026.
    do(session, instance, "check_nti_publication", RGO, {"is_nti_published": True, "nti_published_on": "2026-06-05"})
    assert deadline_rows(session, instance)["nti_publication_due"] == (date(2026, 5, 25), "missed", None)
    assert pending_timers(session, instance) == [("nti_review_date_reached", utc(2026, 8, 31, 23))]
    fire_at(session, time_machine, utc(2026, 8, 31, 23, 0, 1), 1)
    do(session, instance, "review_nti_conditions", RD, {
        "nti_review_outcome": "conditions_met", "nti_reviewed_on": "2026-09-01", "nti_review_notes": "All met."},
       end_of(date(2026, 9, 1)))
    assert instance.status == "completed"
    assert end_events(instance) == ["nti_lifted"]
    assert deadline_rows(session, instance)["nti_review_due"] == (date(2026, 9, 1), "met", date(2026, 9, 1))


def test_educational_nti_dated_31_aug_2025_allowed_then_monitored_escalated_and_withdrawn_on_conditions(
        session, save_restore, time_machine):
    instance = begin(session, time_machine, utc(2025, 8, 26, 10), "educational_performance")
    decide(session, instance, "notice_to_improve", "2025-08-28")
    prepare_nti(session, instance, "2025-08-31", "2025-12-01")
    issue_nti(session, instance)  # the gateway let it through: dated before 1 Sep 2025
    fire_at(session, time_machine, utc(2025, 9, 14, 23, 0, 1), 1)  # Sun 31 Aug + 14 = Sun 14 Sep 2025
    do(session, instance, "check_nti_publication", RGO, {"is_nti_published": True, "nti_published_on": "2025-09-05"})
    fire_at(session, time_machine, utc(2025, 12, 1, 0, 0, 1), 1)  # start of Mon 1 Dec 2025 (GMT)
    do(session, instance, "review_nti_conditions", RD, {
        "nti_review_outcome": "continue_monitoring", "nti_reviewed_on": "2025-12-01", "nti_review_notes": "Some."},
       end_of(date(2025, 12, 1)))
    do(session, instance, "set_next_nti_review", RGO, {"nti_review_due_on": "2026-03-02"})
    # The 1 Dec 2025 review does not count for the new date.
    assert deadline_rows(session, instance)["nti_review_due"] == (date(2026, 3, 2), "pending", None)
    assert pending_timers(session, instance) == [("nti_review_date_reached", utc(2026, 3, 2, 0))]
    fire_at(session, time_machine, utc(2026, 3, 2, 0, 0, 1), 1)
    do(session, instance, "review_nti_conditions", RD, {
        "nti_review_outcome": "escalate_to_twn", "nti_reviewed_on": "2026-03-02", "nti_review_notes": "No."},
       end_of(date(2026, 3, 2)))
    time_machine.move_to(utc(2026, 3, 23, 10), tick=False)
    prepare_twn(session, instance, "2026-03-23", "2026-05-29")
    # Mon 23 Mar 2026 + 15 = Wed 15 Apr 2026: skips Good Friday (3 Apr) and Easter Monday (6 Apr).
    assert instance.data["twn_legal_basis"].startswith("The funding agreement")
    do(session, instance, "receive_representations", RGO, {
        "representations_received_on": "2026-04-10", "representations_summary": "Agrees a plan.",
        "is_trust_agreeing": True}, end_of(date(2026, 4, 15)))
    consider(session, instance, "set_conditions")
    do(session, instance, "set_twn_conditions", RGO, {"twn_conditions_set_on": "2026-04-20",
                                                      "twn_conditions": "Termly progress reports.",
                                                      "twn_conditions_due_on": "2026-06-30"})
    assert pending_timers(session, instance) == [("conditions_date_passed", utc(2026, 6, 30, 23))]
    fire_at(session, time_machine, utc(2026, 6, 30, 23, 0, 1), 1)
    do(session, instance, "review_twn_conditions", RD, {"is_twn_conditions_met": True,
                                                       "twn_conditions_met_on": "2026-06-26",
                                                       "twn_conditions_review_notes": "Reports received."})
    do(session, instance, "withdraw_termination_warning_notice", RD,
       {"twn_withdrawn_on": "2026-07-03", "withdrawal_summary": "Conditions met."})
    assert instance.status == "completed"
    assert end_events(instance) == ["twn_withdrawn"]
    assert deadline_rows(session, instance) == {
        "nti_publication_due": (date(2025, 9, 14), "met", date(2025, 9, 5)),
        "nti_review_due": (date(2026, 3, 2), "met", date(2026, 3, 2)),
        "twn_representations_due": (date(2026, 4, 15), "met", date(2026, 4, 10)),
        "twn_action_due": (date(2026, 5, 29), "missed", None),
        "twn_conditions_due": (date(2026, 6, 30), "met", date(2026, 6, 26)),
    }


def test_educational_nti_dated_1_sep_2025_refused_then_twn_conditions_unmet_and_closure(
        session, save_restore, time_machine):
    instance = begin(session, time_machine, utc(2025, 8, 27, 10), "educational_performance")
    decide(session, instance, "notice_to_improve", "2025-08-29")
    prepare_nti(session, instance, "2025-09-01", "2025-12-01")
    # ATH 2025 para 6.17: refused, and back to the regional director with the reason.
    assert "from 1 Sep 2025" in instance.data["nti_refusal_reason"]
    assert instance.data["nti_issued_on"] is None
    assert pending_timers(session, instance) == []
    assert deadline_rows(session, instance) == {}
    decide(session, instance, "termination_warning_notice", "2025-09-03")
    time_machine.move_to(utc(2025, 9, 8, 10), tick=False)
    prepare_twn(session, instance, "2025-09-08", "2025-11-28")
    do(session, instance, "receive_representations", RGO, {
        "representations_received_on": "2025-09-26", "representations_summary": "Asks for time.",
        "is_trust_agreeing": False}, end_of(date(2025, 9, 29)))
    consider(session, instance, "set_conditions")
    do(session, instance, "set_twn_conditions", RGO, {"twn_conditions_set_on": "2025-10-06",
                                                      "twn_conditions": "A new chair by December.",
                                                      "twn_conditions_due_on": "2025-12-19"})
    fire_at(session, time_machine, utc(2025, 12, 20, 0, 0, 1), 1)
    do(session, instance, "review_twn_conditions", RD, {"is_twn_conditions_met": False,
                                                       "twn_conditions_review_notes": "No chair appointed."})
    terminate(session, instance, "closure")
    do(session, instance, "arrange_closure", RGO, {"closure_on": "2026-08-31",
                                                   "pupil_placement_plan": "Places at nearby schools."})
    assert instance.status == "completed"
    assert end_events(instance) == ["academy_closed"]
    assert deadline_rows(session, instance)["twn_conditions_due"] == (date(2025, 12, 19), "missed", None)


def test_no_formal_notice_ends_the_case(session, save_restore, time_machine):
    instance = begin(session, time_machine, utc(2026, 6, 1, 10), "governance")
    decide(session, instance, "no_notice", "2026-06-02")
    assert instance.status == "completed"
    assert end_events(instance) == ["no_formal_notice"]
    assert deadline_rows(session, instance) == {}


# -- the date switches ---------------------------------------------------------------------------


@pytest.mark.parametrize("concern", ["financial_management", "governance", "compliance"])
@pytest.mark.parametrize("issued_on", ["2025-08-31", "2025-09-01", "2026-06-01"])
def test_finance_governance_and_compliance_are_nti_grounds_on_both_sides_of_1_sep_2025(concern, issued_on):
    assert academy_nti_ground_allowed(concern, issued_on)


@pytest.mark.parametrize("concern", ["educational_performance", "category_of_concern", "coasting"])
def test_educational_performance_stops_being_an_nti_ground_on_1_sep_2025(concern):
    assert academy_nti_ground_allowed(concern, "2025-08-31")
    assert not academy_nti_ground_allowed(concern, "2025-09-01")
    assert "Academy Trust Handbook 2025 para 6.17" in academy_nti_refusal(concern, "2025-09-01")


def test_an_nti_without_a_valid_date_or_ground_is_refused():
    assert not academy_nti_ground_allowed("financial_management", None)
    assert academy_nti_refusal("financial_management", None) == "the notice to improve has no valid date"
    assert not academy_nti_ground_allowed("something_else", "2025-01-01")


@pytest.mark.parametrize(("concern", "before", "from_18_apr_2016"), [
    ("category_of_concern", "The funding agreement", "Academies Act 2010 s2A"),
    ("coasting", "The funding agreement", "Academies Act 2010 s2B"),
    ("financial_management", "The funding agreement", "The funding agreement"),
])
def test_twn_legal_basis_on_both_sides_of_18_apr_2016(concern, before, from_18_apr_2016):
    assert academy_twn_legal_basis(concern, "2016-04-17").startswith(before)
    assert academy_twn_legal_basis(concern, "2016-04-18").startswith(from_18_apr_2016)


# -- deadlines, worked by hand -------------------------------------------------------------------


TWN_DAY_0 = "(the date of the termination warning notice, day 0)"


@pytest.mark.parametrize(("issued", "days", "due", "rule"), [
    ("2026-06-08", 15, date(2026, 6, 29), f"15th working day following Mon 8 Jun 2026 {TWN_DAY_0}; "
                                          "no bank holidays in between"),
    ("2025-12-18", 15, date(2026, 1, 13), f"15th working day following Thu 18 Dec 2025 {TWN_DAY_0}; skips Thu 25 "
                                          "Dec (Christmas Day), Fri 26 Dec 2025 (Boxing Day), Thu 1 Jan 2026 "
                                          "(New Year's Day)"),
    ("2026-03-23", 15, date(2026, 4, 15), f"15th working day following Mon 23 Mar 2026 {TWN_DAY_0}; skips Fri 3 "
                                          "Apr (Good Friday), Mon 6 Apr 2026 (Easter Monday)"),
    ("2025-09-08", 15, date(2025, 9, 29), f"15th working day following Mon 8 Sep 2025 {TWN_DAY_0}; "
                                          "no bank holidays in between"),
    ("2026-05-22", 10, date(2026, 6, 8), f"10th working day following Fri 22 May 2026 {TWN_DAY_0}; skips Mon 25 "
                                         "May 2026 (Spring bank holiday)"),
    ("2026-08-28", 5, date(2026, 9, 7), f"5th working day following Fri 28 Aug 2026 {TWN_DAY_0}; skips Mon 31 "
                                        "Aug 2026 (Summer bank holiday)"),
])
def test_twn_representations_due(issued, days, due, rule):
    data = {"twn_issued_on": issued, "representations_working_days": days, "twn_action_due_on": "2027-01-01"}
    found = {d.deadline_id: d for d in deadlines(data, date(2025, 1, 1))}
    info = found["twn_representations_due"]
    assert (info.due_on, info.status) == (due, "pending")
    assert info.rule == rule
    assert "NOT verified" in info.source


@pytest.mark.parametrize(("received", "today", "status", "met_on"), [
    (None, date(2026, 1, 13), "pending", None), (None, date(2026, 1, 14), "missed", None),
    ("2026-01-13", date(2026, 2, 1), "met", date(2026, 1, 13)), ("2026-01-14", date(2026, 2, 1), "missed", None),
])
def test_twn_representations_status(received, today, status, met_on):
    data = {"twn_issued_on": "2025-12-18", "representations_working_days": 15, "twn_action_due_on": "2026-02-27",
            "representations_received_on": received}
    info = {d.deadline_id: d for d in deadlines(data, today)}["twn_representations_due"]
    assert (info.due_on, info.status, info.met_on) == (date(2026, 1, 13), status, met_on)


@pytest.mark.parametrize(("issued", "published", "today", "due", "status"), [
    ("2026-05-11", None, date(2026, 5, 25), date(2026, 5, 25), "pending"),
    ("2026-05-11", None, date(2026, 5, 26), date(2026, 5, 25), "missed"),
    ("2026-05-11", "2026-05-25", date(2026, 6, 1), date(2026, 5, 25), "met"),
    ("2026-05-11", "2026-06-05", date(2026, 6, 5), date(2026, 5, 25), "missed"),
    ("2025-08-31", "2025-09-14", date(2025, 9, 20), date(2025, 9, 14), "met"),
])
def test_nti_publication_counts_calendar_days_and_skips_no_holiday(issued, published, today, due, status):
    data = {"nti_issued_on": issued, "nti_publication_days": 14, "nti_published_on": published}
    info = {d.deadline_id: d for d in deadlines(data, today)}["nti_publication_due"]
    assert (info.deadline_id, info.due_on, info.status) == ("nti_publication_due", due, status)
    assert "calendar days" in info.rule and "NOT re-verified" in info.source


def test_nti_publication_period_is_configurable():
    found = {d.deadline_id: d for d in deadlines({"nti_issued_on": "2026-05-11", "nti_publication_days": 28},
                                                 date(2026, 5, 11))}
    assert found["nti_publication_due"].due_on == date(2026, 6, 8)


@pytest.mark.parametrize("data", [
    {"nti_issued_on": "2026-05-11"},
    {"nti_issued_on": "2026-05-11", "nti_publication_days": 0},
    {"nti_issued_on": "not a date", "nti_publication_days": 14},
])
def test_nti_publication_unknown_without_the_facts(data):
    info = {d.deadline_id: d for d in deadlines(data, date(2026, 5, 11))}["nti_publication_due"]
    assert (info.due_on, info.status) == (None, "unknown")


@pytest.mark.parametrize(("reviewed", "today", "status", "met_on"), [
    (None, date(2026, 9, 1), "pending", None),                     # the review date itself
    (None, date(2026, 9, 2), "missed", None),
    ("2026-09-01", date(2026, 9, 2), "met", date(2026, 9, 1)),     # reviewed on the day
    ("2026-09-03", date(2026, 9, 4), "missed", None),              # two days late
    ("2026-06-01", date(2026, 8, 1), "pending", None),             # an earlier review: not this one
])
def test_nti_review_due_is_the_review_date_set(reviewed, today, status, met_on):
    data = {"nti_issued_on": "2026-05-11", "nti_publication_days": 14, "nti_review_due_on": "2026-09-01",
            "nti_reviewed_on": reviewed}
    info = {d.deadline_id: d for d in deadlines(data, today)}["nti_review_due"]
    assert (info.due_on, info.status, info.met_on) == (date(2026, 9, 1), status, met_on)
    assert "no working days counted" in info.rule


def test_twn_deadlines_unknown_without_the_facts():
    found = {d.deadline_id: d for d in deadlines({"twn_issued_on": "2026-06-08"}, date(2026, 6, 8))}
    assert {k: (v.due_on, v.status) for k, v in found.items()} == {
        "twn_representations_due": (None, "unknown"), "twn_action_due": (None, "unknown")}


@pytest.mark.parametrize(("met_on", "today", "status"), [
    (None, date(2026, 6, 30), "pending"), (None, date(2026, 7, 1), "missed"),
    ("2026-06-30", date(2026, 7, 1), "met"), ("2026-07-01", date(2026, 7, 1), "missed"),
])
def test_conditions_due_is_the_date_set(met_on, today, status):
    data = {"twn_conditions_set_on": "2026-04-20", "twn_conditions_due_on": "2026-06-30",
            "twn_conditions_met_on": met_on}
    (info,) = deadlines(data, today)
    assert (info.deadline_id, info.due_on, info.status) == ("twn_conditions_due", date(2026, 6, 30), status)
    assert "no working days counted" in info.rule


def test_no_deadlines_before_any_notice():
    assert deadlines({"concern_type": "governance"}, date(2026, 6, 1)) == []


# -- AI-1: termination only after the date for action (and for s2B, only on failure to comply) ---


def walk_to_the_decision(session, time_machine, concern_type: str = "category_of_concern", **trigger):
    """A TWN dated Mon 8 Jun 2026 requiring action by Fri 17 Jul 2026; representations received."""
    instance = begin(session, time_machine, utc(2026, 6, 1, 10), concern_type, **trigger)
    decide(session, instance, "termination_warning_notice", "2026-06-03")
    time_machine.move_to(utc(2026, 6, 8, 10), tick=False)
    prepare_twn(session, instance, "2026-06-08", "2026-07-17")
    do(session, instance, "receive_representations", RGO, {
        "representations_received_on": "2026-06-26", "representations_summary": "No plan.",
        "is_trust_agreeing": False}, end_of(date(2026, 6, 29)))
    return instance


def test_termination_refused_on_the_action_date_and_open_the_day_after(session, save_restore, time_machine):
    instance = walk_to_the_decision(session, time_machine, ofsted_category="special_measures",
                                    hmci_notice_on="2026-05-28")
    do(session, instance, "consider_representations", RD, {
        "twn_decision": "terminate", "twn_decided_on": "2026-07-17", "twn_decision_reasons": "No compliance."})
    assert "until Fri 17 Jul 2026" in instance.data["termination_refusal_reason"]
    assert open_tasks(session, instance) == [("consider_representations", RD, None)]
    do(session, instance, "consider_representations", RD, {
        "twn_decision": "terminate", "twn_decided_on": "2026-07-20", "twn_decision_reasons": "No compliance."})
    assert open_tasks(session, instance) == [("issue_termination_notice", RD, None)]


@pytest.mark.parametrize(("taken_on", "next_task"), [
    ("2026-07-17", "consider_representations"),  # s2B: complied by the date, so no termination
    ("2026-07-20", "issue_termination_notice"),  # complied late: failure to comply
])
def test_s2b_termination_only_if_the_trust_failed_to_comply(session, save_restore, time_machine, taken_on, next_task):
    instance = walk_to_the_decision(session, time_machine, "coasting")
    do(session, instance, "consider_representations", RD, {
        "twn_decision": "terminate", "twn_decided_on": "2026-07-21", "twn_decision_reasons": "Considered.",
        "twn_action_taken_on": taken_on})
    assert open_tasks(session, instance) == [(next_task, RD, None)]


@pytest.mark.parametrize(("concern", "issued", "decided", "taken", "refused_because"), [
    ("category_of_concern", "2026-06-08", "2026-07-17", None, "until Fri 17 Jul 2026"),
    ("category_of_concern", "2026-06-08", "2026-07-18", None, ""),
    ("category_of_concern", "2026-06-08", "2026-07-18", "2026-07-10", ""),  # s2A: the date alone
    ("coasting", "2026-06-08", "2026-07-18", "2026-07-17", "fails to comply"),
    ("coasting", "2026-06-08", "2026-07-18", None, ""),
    ("coasting", "2016-04-15", "2016-07-18", "2016-07-10", ""),  # before s2B (18 Apr 2016): funding agreement
    ("coasting", "2016-04-18", "2016-07-18", "2016-07-10", "fails to comply"),
    ("category_of_concern", "2026-06-08", None, None, "must both be recorded"),
])
def test_termination_refusal_by_the_dates_of_the_notice_and_the_decision(concern, issued, decided, taken,
                                                                         refused_because):
    due = "2026-07-17" if issued.startswith("2026") else "2016-07-15"
    reason = academy_termination_refusal(concern, issued, due, decided, taken)
    assert (refused_because in reason) if refused_because else reason == ""
    assert bool(reason) is bool(refused_because)


# -- AI-4: a calendar-day deadline on a holiday keeps its date and says so ----------------------


@pytest.mark.parametrize(("issued", "due", "said"), [
    ("2026-12-11", date(2026, 12, 25), "Fri 25 Dec 2026 is Christmas Day, not a working day"),
    ("2026-05-11", date(2026, 5, 25), "Mon 25 May 2026 is Spring bank holiday, not a working day"),
    ("2026-05-16", date(2026, 5, 30), "Sat 30 May 2026 is a Saturday, not a working day"),
    ("2026-05-12", date(2026, 5, 26), None),  # Tue 26 May 2026: a working day, nothing to say
])
def test_nti_publication_on_a_holiday_keeps_its_date_and_says_so(issued, due, said):
    info = {d.deadline_id: d for d in deadlines({"nti_issued_on": issued, "nti_publication_days": 14},
                                                date(2026, 5, 1))}["nti_publication_due"]
    assert info.due_on == due
    if said:
        assert said in info.rule and "the date is kept" in info.rule
    else:
        assert "the date is kept" not in info.rule
