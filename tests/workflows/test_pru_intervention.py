"""Intervention in a pupil referral unit, walked end to end through the engine.

Every gateway outcome is walked with `save_restore` both ways, and each date switch on both sides:
coasting from 1 Sep 2022 (SI 2022/720 reg 5); academy orders from 31 May 2012 (SI 2012/1201), a duty
from 27 Jun 2016 (SI 2016/608); the CWSA 2026 s58 repeal from 29 Jun 2026 (open question for units,
decided by the reading the case records); interim executive members from 1 Sep 2012 (SI 2012/1825).
No period specific to PRUs was found, so the deadlines are the dates the Secretary of State or the LA
set: nothing is counted in working days and no holiday is skipped. QA timers fire at the start of the
day set, in England: midnight BST is 23:00 UTC the day before (summer), midnight GMT is 00:00 UTC.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time

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
from workflows.pru_intervention import PROCESS
from workflows.pru_intervention.rules import (
    deadlines,
    pru_academy_order_status,
    pru_date_after,
    pru_eligible_for_intervention,
    pru_route_allowed,
    pru_route_refusal,
)
from workflows.registry import install

URN = "990301"
TRAFFORD = "358"
RD, RGO, DAD, CM, SA, LA, AD = ("regional_director", "regions_group_officer", "deputy_assistant_director",
                                "case_manager", "senior_adviser", "link_adviser", "assistant_director")


FACTS = {"school_name": "Stretford Learning Centre", "school_type": "Pupil referral unit", "school_kind": "pru",
         "la_code": TRAFFORD, "la_name": "Trafford", "diocese_name": None, "trust_name": None,
         "is_voluntary_aided": False, "has_foundation": False}


def begin(session, time_machine, judgement: str, judgement_on: str) -> ProcessInstance:
    time_machine.move_to(datetime.combine(date.fromisoformat(judgement_on), time(10), UTC), tick=False)
    deploy_package(session, PROCESS)
    create_school(session, URN, "Pupil referral unit", la_code=TRAFFORD, name="Stretford Learning Centre")
    instance = start_instance(session, PROCESS.key, "officer:case_manager", business_key=URN, data=dict(FACTS))
    assert instance.owner == TRAFFORD  # the LA's case, though the regional director decides in it
    do(session, instance, "record_ofsted_judgement", SA, {
        "judgement": judgement, "judgement_on": judgement_on, "report_summary": "Leadership urgent improvement."})
    return instance


def advise(session, instance, reading: str = "duty_continues", order_made_on: str | None = None,
           coasting_reading: str | None = None) -> None:
    data = {"advice_summary": "Options set out.", "academy_order_duty_reading": reading}
    if order_made_on:
        data["academy_order_made_on"] = order_made_on
    if coasting_reading:
        data["coasting_academy_order_reading"] = coasting_reading
    do(session, instance, "prepare_intervention_advice", RGO, data)


def decide(session, instance, intervention: str) -> None:
    do(session, instance, "decide_pru_intervention", RD,
       # decided the day the clock stands at (a date years ahead of "today" is refused as a typing slip)
       {"intervention": intervention, "decided_on": date.today().isoformat(), "decision_reasons": "On the advice."})


def make_order(session, instance) -> None:
    do(session, instance, "make_academy_order", RD,
       {"academy_order_made_on": "2026-07-08", "proposed_trust": "Mersey AP Trust"})


def appoint_iem(session, instance) -> None:
    do(session, instance, "notify_interim_executive_members", RD, {
        "iem_notice_on": "2026-07-08", "interim_executive_members": "Three experienced AP leaders.",
        "iem_from_on": "2026-07-20"})
    do(session, instance, "constitute_iem_committee", CM,
       {"iem_in_place_on": "2026-07-20", "la_iem_actions": "Committee dissolved; IEMs briefed."},
       end_of(date(2026, 7, 20)))


def facilitate(session, instance) -> None:
    do(session, instance, "facilitate_conversion", DAD, {
        "la_facilitation_steps": "Land transfer and staff consultation.",
        "management_committee_steps": "Due diligence with the trust.", "expected_conversion_on": "2027-01-01"})


def plan_qa(session, instance, next_on: date, fires_at: datetime) -> None:
    do(session, instance, "plan_quality_assurance", SA,
       {"qa_arrangements": "QA document termly; monthly progress meetings.", "next_qa_due_on": next_on.isoformat()})
    assert pending_timers(session, instance) == [("qa_date_reached", fires_at)]


def qa_visit(session, instance, time_machine, due: date, fires_at: datetime, outcome: str,
             next_on: str | None = None) -> None:
    fire_at(session, time_machine, fires_at.replace(second=1), 1)
    data = {"qa_held_on": due.isoformat(), "qa_activity": "qa_visit", "qa_findings": "Behaviour improving.",
            "qa_outcome": outcome}
    if next_on:
        data["next_qa_due_on"] = next_on
    do(session, instance, "hold_qa_visit", LA, data, end_of(due))


def confirm_exit(session, instance, exit_on: str) -> None:
    do(session, instance, "confirm_exit", AD, {"exit_on": exit_on, "exit_letter_summary": "Intervention ended."})
    assert instance.status == "completed"
    assert end_events(instance) == ["intervention_ended"]


# -- the model -----------------------------------------------------------------------------------


def test_the_model_validates_without_problems():
    install()
    assert validate(PROCESS.read_bpmn()) == []


def test_every_user_task_has_a_form_a_role_of_its_lane_and_a_legal_source():
    assert len(checked_user_tasks(PROCESS)) == 12


# -- every path ----------------------------------------------------------------------------------


def test_special_measures_in_the_duty_years_order_and_conversion(session, save_restore, time_machine):
    instance = begin(session, time_machine, "special_measures", "2026-06-01")
    advise(session, instance, "power_only", order_made_on="2026-06-15")  # an order in force before 29 Jun 2026
    assert instance.data["academy_order_status"] == "duty"
    decide(session, instance, "academy_order")
    make_order(session, instance)
    facilitate(session, instance)
    # Mon 6 Jul 2026 (BST): the timer fires at the start of the day, 23:00 UTC on Sun 5 Jul.
    plan_qa(session, instance, date(2026, 7, 6), utc(2026, 7, 5, 23))
    assert deadline_rows(session, instance) == {
        "next_quality_assurance": (date(2026, 7, 6), "pending", None),
        "conversion_target": (date(2027, 1, 1), "pending", None)}
    fire_at(session, time_machine, utc(2026, 7, 5, 22, 59, 59), 0)
    qa_visit(session, instance, time_machine, date(2026, 7, 6), utc(2026, 7, 5, 23), "continue", "2026-10-05")
    assert pending_timers(session, instance) == [("qa_date_reached", utc(2026, 10, 4, 23))]
    qa_visit(session, instance, time_machine, date(2026, 10, 5), utc(2026, 10, 4, 23), "continue", "2027-01-11")
    # Mon 11 Jan 2027 (GMT): midnight is 00:00 UTC.
    assert pending_timers(session, instance) == [("qa_date_reached", utc(2027, 1, 11, 0))]
    qa_visit(session, instance, time_machine, date(2027, 1, 11), utc(2027, 1, 11, 0), "converted_to_academy")
    confirm_exit(session, instance, "2027-01-01")
    assert deadline_rows(session, instance) == {"conversion_target": (date(2027, 1, 1), "met", date(2027, 1, 1))}


def test_significant_improvement_after_repeal_read_as_a_power_closure_refused_then_iem(
        session, save_restore, time_machine):
    instance = begin(session, time_machine, "significant_improvement", "2026-06-29")
    advise(session, instance, "power_only")
    assert instance.data["academy_order_status"] == "power"
    decide(session, instance, "closure_direction")
    assert "special measures only" in instance.data["route_refusal_reason"]
    decide(session, instance, "interim_executive_members")
    appoint_iem(session, instance)  # no academy order too: straight to quality assurance
    plan_qa(session, instance, date(2026, 9, 7), utc(2026, 9, 6, 23))
    qa_visit(session, instance, time_machine, date(2026, 9, 7), utc(2026, 9, 6, 23), "continue")  # no next date
    # Continuing without a later date sends the schedule back to be agreed again.
    plan_qa(session, instance, date(2026, 11, 2), utc(2026, 11, 2, 0))  # GMT from 25 Oct 2026
    qa_visit(session, instance, time_machine, date(2026, 11, 2), utc(2026, 11, 2, 0), "removed_from_category")
    confirm_exit(session, instance, "2026-11-02")
    assert deadline_rows(session, instance) == {"iem_in_place": (date(2026, 7, 20), "met", date(2026, 7, 20))}


def test_special_measures_after_repeal_read_as_a_power_closure_directed_and_closed(
        session, save_restore, time_machine):
    instance = begin(session, time_machine, "special_measures", "2026-06-29")
    advise(session, instance, "power_only")
    decide(session, instance, "closure_direction")
    do(session, instance, "direct_closure", RD, {"closure_direction_on": "2026-07-10", "closure_by_on": "2026-12-18",
                                                 "closure_reasons": "No capacity to improve."})
    do(session, instance, "plan_closure", DAD, {"closure_plan": "Places at two other units.",
                                                "planned_closure_on": "2026-12-18"}, end_of(date(2026, 12, 18)))
    plan_qa(session, instance, date(2026, 9, 14), utc(2026, 9, 13, 23))
    assert deadline_rows(session, instance)["closure_by"] == (date(2026, 12, 18), "pending", None)
    qa_visit(session, instance, time_machine, date(2026, 9, 14), utc(2026, 9, 13, 23), "continue", "2026-12-21")
    qa_visit(session, instance, time_machine, date(2026, 12, 21), utc(2026, 12, 21, 0), "closed")
    assert deadline_rows(session, instance)["closure_by"] == (date(2026, 12, 18), "missed", None)  # not yet recorded
    confirm_exit(session, instance, "2026-12-18")
    assert deadline_rows(session, instance) == {"closure_by": (date(2026, 12, 18), "met", date(2026, 12, 18))}


def test_special_measures_after_repeal_read_as_a_duty_order_with_iem_then_conversion(
        session, save_restore, time_machine):
    instance = begin(session, time_machine, "special_measures", "2026-06-29")
    advise(session, instance, "duty_continues")
    assert instance.data["academy_order_status"] == "duty"
    decide(session, instance, "academy_order_with_iem")
    make_order(session, instance)
    appoint_iem(session, instance)
    facilitate(session, instance)  # the order was made too: conversion after the IEMs
    plan_qa(session, instance, date(2026, 9, 14), utc(2026, 9, 13, 23))
    qa_visit(session, instance, time_machine, date(2026, 9, 14), utc(2026, 9, 13, 23), "converted_to_academy")
    confirm_exit(session, instance, "2027-01-04")
    assert deadline_rows(session, instance) == {"conversion_target": (date(2027, 1, 1), "missed", None),
                                                "iem_in_place": (date(2026, 7, 20), "met", date(2026, 7, 20))}


def test_coasting_before_1_sep_2022_is_not_eligible(session, save_restore, time_machine):
    instance = begin(session, time_machine, "coasting", "2022-08-31")
    assert instance.status == "completed"
    assert end_events(instance) == ["not_eligible"]


def test_coasting_unit_gets_no_academy_order_under_the_default_reading(session, save_restore, time_machine):
    """Audit PRU-2: SI 2022/720 reg 5 made coasting units eligible for interim executive members only."""
    instance = begin(session, time_machine, "coasting", "2022-09-01")
    advise(session, instance)
    assert instance.data["coasting_academy_order_reading"] == "iem_only"
    assert instance.data["academy_order_status"] == "unavailable"
    decide(session, instance, "academy_order")
    assert "coasting unit" in instance.data["route_refusal_reason"]
    decide(session, instance, "interim_executive_members")
    assert open_tasks(session, instance) == [("notify_interim_executive_members", RD, None)]


def test_coasting_from_1_sep_2022_read_as_an_order_power(session, save_restore, time_machine):
    instance = begin(session, time_machine, "coasting", "2022-09-01")
    advise(session, instance, coasting_reading="order_power_inferred")
    assert instance.data["academy_order_status"] == "power"
    decide(session, instance, "academy_order")
    make_order(session, instance)
    facilitate(session, instance)
    plan_qa(session, instance, date(2022, 10, 3), utc(2022, 10, 2, 23))
    qa_visit(session, instance, time_machine, date(2022, 10, 3), utc(2022, 10, 2, 23), "converted_to_academy")
    confirm_exit(session, instance, "2022-12-01")


@pytest.mark.parametrize(("judgement", "judgement_on", "reading", "order_made_on", "intervention", "status",
                          "next_task"), [
    ("significant_improvement", "2016-06-26", "duty_continues", None, "interim_executive_members", "power",
     ("notify_interim_executive_members", RD)),                      # before SI 2016/608: a power
    # From 27 Jun 2016 the order is a duty, but IEMs alone stay open to the Secretary of State (PRU-1).
    ("significant_improvement", "2016-06-27", "duty_continues", None, "interim_executive_members", "duty",
     ("notify_interim_executive_members", RD)),
    ("special_measures", "2026-06-26", "power_only", "2026-06-28", "closure_direction", "duty", ("direct_closure", RD)),
    ("special_measures", "2026-06-26", "power_only", "2026-06-29", "closure_direction", "power",
     ("direct_closure", RD)),
    ("special_measures", "2026-06-26", "power_only", None, "academy_order", "power", ("make_academy_order", RD)),
    ("special_measures", "2026-06-28", "power_only", "2026-06-28", "interim_executive_members", "duty",
     ("notify_interim_executive_members", RD)),
    ("special_measures", "2026-06-29", "power_only", None, "closure_direction", "power", ("direct_closure", RD)),
    ("special_measures", "2026-06-29", "duty_continues", None, "closure_direction", "duty", ("direct_closure", RD)),
    ("significant_improvement", "2026-06-29", "duty_continues", None, "closure_direction", "duty",
     ("decide_pru_intervention", RD)),                               # closure is for special measures only
    ("coasting", "2026-06-29", "duty_continues", None, "interim_executive_members", "unavailable",
     ("notify_interim_executive_members", RD)),
    ("coasting", "2026-06-29", "duty_continues", None, "academy_order", "unavailable", ("decide_pru_intervention", RD)),
])
def test_the_decision_gateway_on_both_sides_of_each_date(session, save_restore, time_machine, judgement,
                                                         judgement_on, reading, order_made_on, intervention, status,
                                                         next_task):
    instance = begin(session, time_machine, judgement, judgement_on)
    advise(session, instance, reading, order_made_on)
    assert instance.data["academy_order_status"] == status
    decide(session, instance, intervention)
    assert open_tasks(session, instance) == [(*next_task, None)]
    refused = next_task[0] == "decide_pru_intervention"
    assert bool(instance.data.get("route_refusal_reason")) is refused


# -- the rules -----------------------------------------------------------------------------------


def test_eligibility_switch_for_coasting_on_1_sep_2022():
    assert not pru_eligible_for_intervention("coasting", "2022-08-31")
    assert pru_eligible_for_intervention("coasting", "2022-09-01")
    assert pru_eligible_for_intervention("special_measures", "2010-01-04")
    assert pru_eligible_for_intervention("significant_improvement", "2026-06-29")
    assert not pru_eligible_for_intervention("special_measures", None)


@pytest.mark.parametrize(("judgement", "judgement_on", "reading", "made_on", "coasting", "status"), [
    ("special_measures", "2012-05-30", "duty_continues", None, "iem_only", "unavailable"),
    ("special_measures", "2012-05-31", "duty_continues", None, "iem_only", "power"),
    ("special_measures", "2016-06-26", "duty_continues", None, "iem_only", "power"),
    ("special_measures", "2016-06-27", "duty_continues", None, "iem_only", "duty"),
    ("special_measures", "2016-06-27", "power_only", "2016-07-04", "iem_only", "duty"),  # order made in 2016
    ("significant_improvement", "2026-06-26", "power_only", "2026-06-28", "iem_only", "duty"),
    ("significant_improvement", "2026-06-26", "power_only", "2026-06-29", "iem_only", "power"),
    ("significant_improvement", "2026-06-26", "power_only", None, "iem_only", "power"),  # audit PRU-1
    ("significant_improvement", "2026-06-28", "power_only", "2026-06-28", "iem_only", "duty"),
    ("significant_improvement", "2026-06-29", "power_only", "2026-06-29", "iem_only", "power"),
    ("significant_improvement", "2026-06-29", "duty_continues", None, "iem_only", "duty"),
    ("special_measures", "2026-06-29", None, None, "iem_only", "power"),
    ("coasting", "2022-09-01", "duty_continues", None, "iem_only", "unavailable"),       # audit PRU-2
    ("coasting", "2022-09-01", "duty_continues", None, "order_power_inferred", "power"),
    ("coasting", "2026-06-28", "duty_continues", "2026-06-28", "order_power_inferred", "power"),
])
def test_academy_order_status_by_the_date_of_the_judgement_and_the_order(judgement, judgement_on, reading, made_on,
                                                                         coasting, status):
    assert pru_academy_order_status(judgement, judgement_on, reading, made_on, coasting) == status


def test_interim_executive_members_from_1_sep_2012():
    assert not pru_route_allowed("interim_executive_members", "special_measures", "2012-08-31", "power")
    assert "1 Sep 2012" in pru_route_refusal("interim_executive_members", "special_measures", "2012-08-31", "power")
    assert pru_route_allowed("interim_executive_members", "special_measures", "2012-09-01", "power")


def test_academy_orders_not_before_31_may_2012_and_closure_only_for_special_measures():
    assert not pru_route_allowed("academy_order", "special_measures", "2012-05-30", "unavailable")
    assert pru_route_allowed("closure_direction", "special_measures", "2012-05-30", "unavailable")
    assert not pru_route_allowed("closure_direction", "significant_improvement", "2016-01-04", "power")
    assert not pru_route_allowed("closure_direction", "coasting", "2023-01-09", "power")
    assert pru_route_allowed("academy_order_with_iem", "special_measures", "2020-01-06", "duty")
    assert not pru_route_allowed("something_else", "special_measures", "2020-01-06", "duty")


def test_next_qa_date_must_be_after_the_visit():
    assert pru_date_after("2026-07-07", "2026-07-06")
    assert not pru_date_after("2026-07-06", "2026-07-06")
    assert not pru_date_after(None, "2026-07-06")


# -- deadlines (dates as set: nothing counted, no holiday skipped) -------------------------------


@pytest.mark.parametrize(("today", "status"), [(date(2026, 7, 6), "pending"), (date(2026, 7, 7), "missed")])
def test_next_quality_assurance(today, status):
    (info,) = deadlines({"next_qa_due_on": "2026-07-06", "qa_outcome": "continue"}, today)
    assert (info.deadline_id, info.due_on, info.status) == ("next_quality_assurance", date(2026, 7, 6), status)
    assert "Trafford" in info.source and "no working days counted" in info.rule


@pytest.mark.parametrize("outcome", ["removed_from_category", "converted_to_academy", "closed"])
def test_no_qa_deadline_once_the_unit_has_exited(outcome):
    assert deadlines({"next_qa_due_on": "2026-07-06", "qa_outcome": outcome}, date(2026, 8, 1)) == []


@pytest.mark.parametrize(("outcome", "exit_on", "today", "status", "met_on"), [
    (None, None, date(2026, 12, 18), "pending", None),
    (None, None, date(2026, 12, 19), "missed", None),
    ("closed", "2026-12-18", date(2027, 1, 4), "met", date(2026, 12, 18)),
    ("closed", "2026-12-21", date(2027, 1, 4), "missed", None),
    ("removed_from_category", "2026-12-01", date(2026, 12, 19), "missed", None),  # not a closure
])
def test_closure_by_the_date_directed(outcome, exit_on, today, status, met_on):
    data = {"closure_direction_on": "2026-07-10", "closure_by_on": "2026-12-18", "qa_outcome": outcome,
            "exit_on": exit_on}
    info = {d.deadline_id: d for d in deadlines(data, today)}["closure_by"]
    assert (info.due_on, info.status, info.met_on) == (date(2026, 12, 18), status, met_on)
    assert "s68" in info.source


def test_closure_by_unknown_without_a_valid_date():
    (info,) = deadlines({"closure_direction_on": "2026-07-10", "closure_by_on": "soon"}, date(2026, 8, 1))
    assert (info.deadline_id, info.due_on, info.status) == ("closure_by", None, "unknown")


@pytest.mark.parametrize(("outcome", "exit_on", "status"), [
    ("converted_to_academy", "2027-01-01", "met"), ("converted_to_academy", "2027-01-04", "missed"),
    (None, None, "pending"),
])
def test_conversion_target(outcome, exit_on, status):
    data = {"expected_conversion_on": "2027-01-01", "qa_outcome": outcome, "exit_on": exit_on}
    (info,) = deadlines(data, date(2026, 12, 1))
    assert (info.deadline_id, info.due_on, info.status) == ("conversion_target", date(2027, 1, 1), status)
    assert "no statutory deadline found" in info.source


@pytest.mark.parametrize(("in_place", "today", "status"), [
    (None, date(2026, 7, 20), "pending"), (None, date(2026, 7, 21), "missed"),
    ("2026-07-20", date(2026, 7, 21), "met"), ("2026-07-22", date(2026, 7, 22), "missed"),
])
def test_iem_in_place_by_the_date_in_the_notice(in_place, today, status):
    data = {"iem_notice_on": "2026-07-08", "iem_from_on": "2026-07-20", "iem_in_place_on": in_place}
    (info,) = deadlines(data, today)
    assert (info.deadline_id, info.due_on, info.status) == ("iem_in_place", date(2026, 7, 20), status)
    assert "reg 24" in info.source


def test_no_deadlines_at_the_start():
    assert deadlines({"judgement": "special_measures", "judgement_on": "2026-06-01"}, date(2026, 6, 1)) == []
