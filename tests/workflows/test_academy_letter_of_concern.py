"""The academy Letter of Concern route (local, Derbyshire protocol), walked end to end through the engine.

Every path through the model is walked with `save_restore` both ways. Dates are England and Wales
working days counted by hand on a printed calendar, the written confirmation's date being day 0:

- Mon 23 Mar 2026 + 15 = Wed 15 Apr 2026: skips Good Friday (Fri 3 Apr) and Easter Monday (Mon 6 Apr).
- Thu 18 Dec 2025 + 15 = Tue 13 Jan 2026: skips Christmas Day, Boxing Day 2025 and New Year's Day 2026.
- Thu 30 Apr 2026 + 10 = Fri 15 May 2026: skips the early May bank holiday (Mon 4 May).
- Mon 21 Dec 2026 + 5 = Wed 30 Dec 2026: skips Christmas Day (Fri 25 Dec) and Mon 28 Dec (Boxing Day
  substitute).
- Thu 23 Dec 2027 + 3 = Thu 30 Dec 2027: skips Mon 27 Dec (Christmas substitute) and Tue 28 Dec (Boxing Day
  substitute).
"""
from __future__ import annotations

from datetime import date

import pytest

from engine import runtime
from engine.definitions import validate
from engine.forms import FormErrors
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
    task_row,
    utc,
)
from workflows.academy_letter_of_concern import PROCESS
from workflows.academy_letter_of_concern.rules import deadlines
from workflows.registry import install

URN = "990101"
DERBYSHIRE = "830"


FACTS = {"school_name": "Peak View Academy", "school_type": "Academy converter", "school_kind": "academy",
         "la_code": DERBYSHIRE, "la_name": "Derbyshire", "diocese_name": None,
         "trust_name": "Dales Learning Trust", "is_voluntary_aided": False, "has_foundation": False}


def begin(session, time_machine) -> ProcessInstance:
    """Start on Mon 16 Mar 2026; discuss; confirm in writing on Mon 23 Mar with 15 working days."""
    time_machine.move_to(utc(2026, 3, 16, 10), tick=False)
    deploy_package(session, PROCESS)
    create_school(session, URN, "Academy converter", la_code=DERBYSHIRE, name="Peak View Academy",
                  trust_name="Dales Learning Trust")
    instance = start_instance(session, PROCESS.key, "officer:case_manager", business_key=URN, data=dict(FACTS))
    assert instance.owner == DERBYSHIRE
    do(session, instance, "discuss_with_academy", "link_adviser", {
        "discussion_held_on": "2026-03-16", "discussion_attendees": "headteacher_and_governors",
        "headteacher_name": "A. Head", "grounds_category": "standards_governance",
        "concerns_discussed": "Key stage 2 outcomes fell sharply; the local governing body has not met since "
                              "September.", "agreed_next_steps": "The LA confirms the concerns in writing."})
    time_machine.move_to(utc(2026, 3, 23, 10), tick=False)
    do(session, instance, "confirm_concerns_in_writing", "deputy_assistant_director", {
        "concerns_confirmed_on": "2026-03-23", "agreed_concerns": "Standards and governance, as discussed.",
        "response_requested": "The action the academy will take on each concern.", "response_working_days": 15})
    # Mon 23 Mar 2026 + 15 working days = Wed 15 Apr (skips Good Friday 3 Apr and Easter Monday 6 Apr).
    assert instance.data["academy_response_due_on"] == "2026-04-15"
    assert open_tasks(session, instance) == [("record_academy_response", "link_adviser", end_of(date(2026, 4, 15)))]
    # The timer fires when the whole of 15 Apr has passed in England: midnight BST = 23:00 UTC.
    assert pending_timers(session, instance) == [("response_date_passed", utc(2026, 4, 15, 23))]
    return instance


def respond_on_time(session, instance, time_machine) -> None:
    time_machine.move_to(utc(2026, 4, 14, 10), tick=False)
    do(session, instance, "record_academy_response", "link_adviser",
       {"response_received_on": "2026-04-14", "academy_response": "A new chair and an improvement plan."},
       end_of(date(2026, 4, 15)))
    assert pending_timers(session, instance) == []


def review(session, instance, outcome: str) -> None:
    do(session, instance, "review_academy_response", "senior_adviser",
       {"response_review_outcome": outcome, "response_review_notes": "Considered at the senior advisers' meeting."})


def confirm_resolved(session, instance) -> None:
    do(session, instance, "confirm_concerns_resolved", "assistant_director",
       {"resolved_confirmed_on": "2026-05-08", "resolution_summary": "Governance restored; plan in place."})
    assert instance.status == "completed"
    assert end_events(instance) == ["concerns_resolved"]


def representations(session, instance, time_machine, resolved: bool, reply_on: str | None) -> None:
    time_machine.move_to(utc(2026, 4, 22, 10), tick=False)
    do(session, instance, "make_representations_to_trust_board", "deputy_assistant_director", {
        "representations_made_on": "2026-04-22", "representations_to_trust": "The LA asks the board to act.",
        "trust_reply_due_on": "2026-05-06"})
    time_machine.move_to(utc(2026, 5, 7, 10), tick=False)
    data = {"is_resolved_locally": resolved}
    if reply_on:
        data |= {"trust_reply_received_on": reply_on, "trust_board_reply": "The board has appointed a new chair."}
    do(session, instance, "record_trust_board_reply", "senior_adviser", data, end_of(date(2026, 5, 6)))


def escalation(*bodies: str, letter: bool) -> dict:
    return {**{f"escalate_to_{body}": True for body in bodies},
            "escalation_reasons": "Persistent: no improvement after representations.",
            "is_letter_of_concern_to_issue": letter}


def escalate(session, instance, route: str, letter: bool, *also: str) -> None:
    do(session, instance, "decide_escalation", "director_childrens_services", escalation(route, *also, letter=letter))
    do(session, instance, "send_escalation", "deputy_assistant_director",
       {"escalated_on": "2026-05-11", "escalation_summary": f"Concern referred to {route}."})


def issue_letter(session, instance) -> None:
    row = task_row(session, instance, "issue_letter_of_concern")
    assert row.properties["letter"] == "letter_of_concern"
    assert row.properties["legal_source"] == "Local procedure (Derbyshire Letter of Concern protocol)"
    do(session, instance, "issue_letter_of_concern", "director_childrens_services", {
        "grounds_category": "standards_governance",
        "grounds": "Key stage 2 reading, writing and mathematics fell from 61% to 38% at the expected standard "
                   "in 2025, and the local governing body has not met since September 2025.",
        "action_requested": "Appoint a chair and adopt a costed improvement plan by 1 June 2026.",
        "response_due_on": "2026-06-01", "signatory_name": "Jane Smith", "copy_to_dfe": True,
        "copy_to_ofsted": False})
    assert instance.status == "completed"
    assert end_events(instance) == ["letter_issued"]


# -- the model -----------------------------------------------------------------------------------


def test_the_model_validates_without_problems():
    install()  # registers the calendar and rule functions the expressions call
    assert validate(PROCESS.read_bpmn()) == []


def test_every_user_task_has_a_form_a_role_of_its_lane_and_a_legal_source():
    users = checked_user_tasks(PROCESS)
    assert len(users) == 11
    for spec in users:  # local practice, not statute
        assert spec.extensions["legal_source"].startswith("Local procedure"), spec.bpmn_id


# -- every path ----------------------------------------------------------------------------------


def test_response_on_time_resolves_the_concerns(session, save_restore, time_machine):
    instance = begin(session, time_machine)
    respond_on_time(session, instance, time_machine)
    review(session, instance, "resolved")
    confirm_resolved(session, instance)
    assert deadline_rows(session, instance) == {"response_due": (date(2026, 4, 15), "met", date(2026, 4, 14))}


def test_no_response_by_the_date_fires_the_timer_then_representations_resolve_it(session, save_restore,
                                                                                  time_machine):
    instance = begin(session, time_machine)
    fire_at(session, time_machine, utc(2026, 4, 15, 22, 59, 59), 0)
    assert open_tasks(session, instance) == [("record_academy_response", "link_adviser", end_of(date(2026, 4, 15)))]
    assert deadline_rows(session, instance)["response_due"] == (date(2026, 4, 15), "pending", None)
    fire_at(session, time_machine, utc(2026, 4, 15, 23, 0, 1), 1)
    assert deadline_rows(session, instance)["response_due"] == (date(2026, 4, 15), "missed", None)
    do(session, instance, "chase_academy_response", "link_adviser", {
        "chased_on": "2026-04-16", "response_received_on": "2026-04-20",
        "academy_response": "The trust will review governance."})
    review(session, instance, "representations_to_trust_board")
    representations(session, instance, time_machine, resolved=True, reply_on="2026-05-05")
    confirm_resolved(session, instance)
    assert deadline_rows(session, instance) == {
        "response_due": (date(2026, 4, 15), "missed", None),  # the reply came late, on 20 Apr
        "trust_reply_due": (date(2026, 5, 6), "met", date(2026, 5, 5)),
    }


def test_representations_fail_so_the_concern_goes_to_ofsted_with_a_letter(session, save_restore, time_machine):
    instance = begin(session, time_machine)
    respond_on_time(session, instance, time_machine)
    review(session, instance, "representations_to_trust_board")
    representations(session, instance, time_machine, resolved=False, reply_on=None)
    escalate(session, instance, "ofsted", True)
    issue_letter(session, instance)
    assert instance.data["escalate_to_ofsted"] is True
    assert deadline_rows(session, instance)["trust_reply_due"] == (date(2026, 5, 6), "missed", None)


@pytest.mark.parametrize(("route", "letter"), [("regional_director", False), ("secretary_of_state", True)])
def test_too_serious_to_resolve_locally_escalates_at_once(session, save_restore, time_machine, route, letter):
    instance = begin(session, time_machine)
    respond_on_time(session, instance, time_machine)
    review(session, instance, "escalate")
    escalate(session, instance, route, letter)
    if letter:
        issue_letter(session, instance)
    else:
        assert instance.status == "completed"
        assert end_events(instance) == ["concern_escalated"]
    assert instance.data[f"escalate_to_{route}"] is True
    assert "trust_reply_due" not in deadline_rows(session, instance)


# -- deadlines, worked by hand -------------------------------------------------------------------


def confirmation(on: str, days: int, **extra) -> dict:
    return {"concerns_confirmed_on": on, "response_working_days": days, **extra}


@pytest.mark.parametrize(("start", "days", "due", "skips"), [
    ("2026-03-23", 15, date(2026, 4, 15), "skips Fri 3 Apr (Good Friday), Mon 6 Apr 2026 (Easter Monday)"),
    ("2025-12-18", 15, date(2026, 1, 13), "skips Thu 25 Dec (Christmas Day), Fri 26 Dec 2025 (Boxing Day), "
                                          "Thu 1 Jan 2026 (New Year's Day)"),
    ("2026-04-30", 10, date(2026, 5, 15), "skips Mon 4 May 2026 (Early May bank holiday)"),
    ("2026-12-21", 5, date(2026, 12, 30), "skips Fri 25 Dec (Christmas Day), "
                                          "Mon 28 Dec 2026 (Boxing Day (substitute day))"),
    ("2027-12-23", 3, date(2027, 12, 30), "skips Mon 27 Dec (Christmas Day (substitute day)), "
                                          "Tue 28 Dec 2027 (Boxing Day (substitute day))"),
])
def test_response_due_counts_working_days_and_names_the_holidays_skipped(start, days, due, skips):
    (info,) = deadlines(confirmation(start, days), date(2025, 1, 1))
    assert (info.deadline_id, info.due_on, info.status) == ("response_due", due, "pending")
    assert info.rule.endswith(f"(the LA's written confirmation of the concerns, day 0); {skips}")
    assert "Derbyshire Letter of Concern protocol" in info.source


def test_response_due_rule_in_words():
    (info,) = deadlines(confirmation("2026-03-23", 15), date(2026, 3, 23))
    assert info.rule == ("15th working day following Mon 23 Mar 2026 (the LA's written confirmation of the concerns, "
                         "day 0); skips Fri 3 Apr (Good Friday), Mon 6 Apr 2026 (Easter Monday)")


def test_response_due_with_no_holiday_says_so():
    # Mon 1 Jun 2026 + 5 = Mon 8 Jun 2026: no bank holiday in between.
    (info,) = deadlines(confirmation("2026-06-01", 5), date(2026, 6, 1))
    assert info.due_on == date(2026, 6, 8)
    assert info.rule == ("5th working day following Mon 1 Jun 2026 (the LA's written confirmation of the concerns, "
                         "day 0); no bank holidays in between")


@pytest.mark.parametrize(("received", "today", "status", "met_on"), [
    (None, date(2026, 4, 15), "pending", None),           # the last day itself: still pending
    (None, date(2026, 4, 16), "missed", None),            # the day after, nothing recorded
    ("2026-04-15", date(2026, 5, 1), "met", date(2026, 4, 15)),  # on the last day
    ("2026-04-16", date(2026, 5, 1), "missed", None),     # a day late
])
def test_response_due_status(received, today, status, met_on):
    data = confirmation("2026-03-23", 15, response_received_on=received)
    (info,) = deadlines(data, today)
    assert (info.due_on, info.status, info.met_on) == (date(2026, 4, 15), status, met_on)
    if received == "2026-04-16":
        assert info.note == "done late, on Thu 16 Apr 2026"


@pytest.mark.parametrize("data", [confirmation("2026-03-23", None), confirmation(None, 15),
                                  confirmation("not a date", 15), confirmation("2026-03-23", 0)])
def test_response_due_is_unknown_without_the_facts_to_count_it(data):
    (info,) = deadlines(data, date(2026, 4, 1))
    assert (info.deadline_id, info.due_on, info.status) == ("response_due", None, "unknown")


def test_no_deadline_before_the_written_confirmation():
    assert deadlines({"discussion_held_on": "2026-03-16"}, date(2026, 3, 16)) == []


@pytest.mark.parametrize(("received", "today", "status"), [
    (None, date(2026, 5, 6), "pending"), (None, date(2026, 5, 7), "missed"),
    ("2026-05-06", date(2026, 5, 7), "met"), ("2026-05-07", date(2026, 5, 7), "missed"),
])
def test_trust_reply_due_is_the_date_the_la_set(received, today, status):
    data = confirmation("2026-03-23", 15, response_received_on="2026-04-01", trust_reply_due_on="2026-05-06",
                        trust_reply_received_on=received)
    reply = {d.deadline_id: d for d in deadlines(data, today)}["trust_reply_due"]
    assert (reply.due_on, reply.status) == (date(2026, 5, 6), status)
    assert "no working days counted" in reply.rule


# -- LC-1: a Letter of Concern instead of escalating, or escalation to more than one body ----------


def test_a_letter_of_concern_can_be_issued_without_escalating(session, save_restore, time_machine):
    instance = begin(session, time_machine)
    respond_on_time(session, instance, time_machine)
    review(session, instance, "escalate")
    do(session, instance, "decide_escalation", "director_childrens_services", escalation(letter=True))
    assert [t[0] for t in open_tasks(session, instance)] == ["issue_letter_of_concern"]
    issue_letter(session, instance)


def test_escalation_to_two_bodies_at_once(session, save_restore, time_machine):
    instance = begin(session, time_machine)
    respond_on_time(session, instance, time_machine)
    review(session, instance, "escalate")
    escalate(session, instance, "regional_director", False, "ofsted")
    assert instance.data["escalate_to_regional_director"] and instance.data["escalate_to_ofsted"]
    assert end_events(instance) == ["concern_escalated"]


def test_neither_escalation_nor_letter_is_refused_and_changes_nothing(session, time_machine):
    instance = begin(session, time_machine)
    respond_on_time(session, instance, time_machine)
    review(session, instance, "escalate")
    row = task_row(session, instance, "decide_escalation")
    runtime.claim_task(session, row.id, "dcs@example.test")
    with pytest.raises(FormErrors) as refused:
        runtime.complete_task(session, row.id, "dcs@example.test", escalation(letter=False))
    assert list(refused.value.errors) == ["escalate_to_regional_director"]
    assert refused.value.errors["escalate_to_regional_director"].startswith("Choose at least one")
    session.refresh(row)
    assert row.is_open and [t[0] for t in open_tasks(session, instance)] == ["decide_escalation"]


def test_a_letter_of_concern_without_the_facts_in_detail_is_refused_and_changes_nothing(session, time_machine):
    instance = begin(session, time_machine)
    respond_on_time(session, instance, time_machine)
    review(session, instance, "escalate")
    do(session, instance, "decide_escalation", "director_childrens_services", escalation(letter=True))
    row = task_row(session, instance, "issue_letter_of_concern")
    with pytest.raises(FormErrors) as refused:
        runtime.complete_task(session, row.id, "officer:director_childrens_services", {
            "grounds_category": "standards", "grounds": "Low standards.", "action_requested": "Improve.",
            "signatory_name": "Jane Smith"})
    assert list(refused.value.errors) == ["grounds"]
    assert refused.value.errors["grounds"].startswith("The Letter of Concern must state more detail")
    assert task_row(session, instance, "issue_letter_of_concern").id == row.id and instance.status == "running"
    from workflows import letters

    assert letters.letters_for_case(session, instance.id) == []
