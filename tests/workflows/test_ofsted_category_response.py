"""The route for a maintained school in an Ofsted category, walked end to end through the real
engine with its decision table: every gateway outcome and every row of the category table, both
sides of each date switch (inspection date 2 Sep 2024 and 10 Nov 2025; HMCI's notice 29 Jun 2026),
timers fired with time moved by time-machine, each walk in memory and restored from the database."""
from __future__ import annotations

from datetime import date

import pytest

from engine import definitions
from engine.errors import InvalidInput
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
from tests.workflows.test_deadline_rules_wn_ofsted import check_model_conventions
from workflows.ofsted_category_response import PROCESS
from workflows.registry import install
from workflows.school_models import SchoolHoliday

URN, VA_URN = "830001", "830002"


def start(session, data: dict | None = None, urn: str = URN):
    from engine import runtime

    return runtime.start_instance(session, PROCESS.key, "officer@example.test", business_key=urn, data=data)


@pytest.fixture
def route(session):
    deploy_package(session, PROCESS)
    create_school(session, URN)
    create_school(session, VA_URN, "Voluntary aided school", diocese_name="Diocese of Derby",
                  religious_character="Church of England")
    return session


def christmas_holiday(session) -> None:
    """Derbyshire's Christmas holiday 2025: Mon 22 Dec 2025 - Fri 2 Jan 2026 (longer than a week)."""
    session.add(SchoolHoliday(la_code="830", name="Christmas holiday 2025", first_day=date(2025, 12, 22),
                              last_day=date(2026, 1, 2)))
    session.flush()


def test_the_model_and_its_decision_table_deploy_without_problems():
    install()
    assert definitions.validate(PROCESS.read_bpmn(), PROCESS.read_dmn()) == []


def test_conventions():
    check_model_conventions(PROCESS)


# --- the category, by the framework in force on the inspection date ------------------------------

GOOD_2024 = {"quality_of_education": "good", "behaviour_and_attitudes": "good", "personal_development": "good",
             "leadership_and_management": "good", "early_years_provision": "not_applicable",
             "sixth_form_provision": "not_applicable", "safeguarding_effective": True}
EXPECTED_2025 = {"inclusion": "expected_standard", "curriculum_and_teaching": "expected_standard",
                 "achievement": "expected_standard", "attendance_and_behaviour": "expected_standard",
                 "personal_development_and_wellbeing": "expected_standard", "leadership_and_governance": "expected_standard",
                 "early_years": "not_applicable", "sixth_form": "not_applicable", "safeguarding_met": True}
URGENT = "urgent_improvement"

CATEGORY_CASES = [
    # inspection date, grading task, grades, category, Ofsted's term
    ("2024-09-01", "record_overall_effectiveness", {"overall_effectiveness": "inadequate", "leaders_have_capacity": False},
     "special_measures", "special measures"),
    ("2024-09-01", "record_overall_effectiveness", {"overall_effectiveness": "inadequate", "leaders_have_capacity": True},
     "requires_significant_improvement", "serious weaknesses"),
    ("2024-09-01", "record_overall_effectiveness", {"overall_effectiveness": "requires_improvement",
                                                    "leaders_have_capacity": True}, "none", ""),
    ("2024-09-02", "record_key_judgements", {**GOOD_2024, "leadership_and_management": "inadequate"},
     "special_measures", "special measures"),
    ("2024-09-02", "record_key_judgements", {**GOOD_2024, "quality_of_education": "inadequate"},
     "requires_significant_improvement", "serious weaknesses"),
    ("2025-11-09", "record_key_judgements", {**GOOD_2024, "sixth_form_provision": "inadequate"},
     "requires_significant_improvement", "serious weaknesses"),
    ("2025-11-09", "record_key_judgements", {**GOOD_2024, "safeguarding_effective": False},
     "requires_significant_improvement", "serious weaknesses"),
    ("2025-11-09", "record_key_judgements", {**GOOD_2024, "behaviour_and_attitudes": "requires_improvement"}, "none", ""),
    ("2025-11-10", "record_report_card", {**EXPECTED_2025, "leadership_and_governance": URGENT, "achievement": URGENT},
     "special_measures", "special measures"),
    ("2025-11-10", "record_report_card", {**EXPECTED_2025, "leadership_and_governance": URGENT, "safeguarding_met": False},
     "special_measures", "special measures"),
    ("2025-11-10", "record_report_card", {**EXPECTED_2025, "leadership_and_governance": URGENT},
     "requires_significant_improvement", "requires significant improvement"),
    ("2026-01-12", "record_report_card", {**EXPECTED_2025, "early_years": URGENT, "inclusion": "needs_attention"},
     "requires_significant_improvement", "requires significant improvement"),
    ("2026-01-12", "record_report_card", {**EXPECTED_2025, "safeguarding_met": False},
     "requires_significant_improvement", "requires significant improvement"),
    ("2026-01-12", "record_report_card", {**EXPECTED_2025, "leadership_and_governance": "needs_attention",
                                          "achievement": "needs_attention"}, "none", ""),
]


@pytest.mark.parametrize("inspected_on, grading_task, grades, category, term", CATEGORY_CASES)
def test_category_from_the_grades(route, save_restore, inspected_on, grading_task, grades, category, term):
    with at(2026, 1, 12, 9, 0):
        case = start(route)
        assert open_tasks(route, case) == [("record_inspection", "link_adviser", None)]
        complete(route, case, "record_inspection", {"inspection_date": inspected_on})
        assert open_tasks(route, case) == [(grading_task, "link_adviser", None)]
        complete(route, case, grading_task, {**grades, "category": category})  # HMCI stated the same
    assert (case.data["category"], case.data["category_term"]) == (category, term)
    assert case.data["graded_category"] == category and case.data["category_reason"]
    assert case.data["legal_warnings"] == []
    if category == "none":
        assert open_tasks(route, case) == [] and case.status == "completed"
        assert deadlines_of(route, case) == {}
    else:
        assert open_tasks(route, case) == [("record_draft_report", "link_adviser", None)]


@pytest.mark.parametrize("inspected_on, grading_task, grades, graded, stated, term", [
    # 2 Sep 2024 - 9 Nov 2025: the table's "leadership inadequate -> special measures" has no source, and
    # HMCI may find the leaders have the capacity to improve: HMCI's serious weaknesses stands.
    ("2024-09-02", "record_key_judgements", {**GOOD_2024, "leadership_and_management": "inadequate"},
     "special_measures", "requires_significant_improvement", "serious weaknesses"),
    ("2025-11-10", "record_report_card", {**EXPECTED_2025, "leadership_and_governance": URGENT},
     "requires_significant_improvement", "special_measures", "special measures"),
    ("2024-09-01", "record_overall_effectiveness", {"overall_effectiveness": "requires_improvement",
                                                    "leaders_have_capacity": True},
     "none", "requires_significant_improvement", "serious weaknesses"),
])
def test_hmcis_category_stands_and_the_grades_warn_when_they_disagree(route, save_restore, inspected_on, grading_task,
                                                                      grades, graded, stated, term):
    """Audit OC-2: the category is HMCI's opinion (EA 2005 s13(3)); the grades are a cross-check."""
    with at(2026, 1, 12, 9, 0):
        case = start(route)
        complete(route, case, "record_inspection", {"inspection_date": inspected_on})
        complete(route, case, grading_task, {**grades, "category": stated})
    assert (case.data["category"], case.data["graded_category"], case.data["category_term"]) == (stated, graded, term)
    [warning] = case.data["legal_warnings"]
    assert "HMCI's category stands" in warning
    assert open_tasks(route, case) == [("record_draft_report", "link_adviser", None)]


def test_the_category_hmci_stated_is_required(route):
    from engine.forms import FormErrors

    with at(2026, 1, 12, 9, 0):
        case = start(route)
        complete(route, case, "record_inspection", {"inspection_date": "2026-01-12"})
        with pytest.raises(FormErrors, match="category"):
            complete(route, case, "record_report_card", EXPECTED_2025)
    assert open_tasks(route, case) == [("record_report_card", "link_adviser", None)]


# --- the whole route from the inspection, for a community school ---------------------------------

def test_from_the_inspection_to_conversion_under_the_duty(route, save_restore):
    christmas_holiday(route)
    with at(2025, 11, 12, 9, 0):
        case = start(route)
        assert case.data["school_holidays"] == [["2025-12-22", "2026-01-02"]]
        complete(route, case, "record_inspection", {"inspection_date": "2025-11-11"})
        complete(route, case, "record_report_card", {**EXPECTED_2025, "leadership_and_governance": URGENT,
                                                     "achievement": URGENT, "category": "special_measures"})
        assert case.data["category"] == "special_measures"
    with at(2025, 12, 1, 9, 0):
        complete(route, case, "record_draft_report", {"draft_report_received_on": "2025-12-01",
                                                      "draft_comments_working_days": 5})
        # Mon 1 Dec 2025 + 5 working days = Mon 8 Dec (no holidays in between), end of day GMT.
        assert open_tasks(route, case) == [("send_draft_report_comments", "link_adviser", utc(2025, 12, 8, *GMT_DAY_END))]
        assert deadlines_of(route, case)["draft_comments_due"].due_on == date(2025, 12, 8)
        complete(route, case, "send_draft_report_comments", {"draft_comments_sent_on": "2025-12-05"})
        assert open_tasks(route, case) == [("record_final_report", "link_adviser", None)]
    with at(2025, 12, 12, 9, 0):
        complete(route, case, "record_final_report", {"final_report_received_on": "2025-12-12"})
        # Parents: Fri 12 Dec + 5 inspection working days = Fri 19 Dec (before the school holiday).
        # Statement of action: §8 example 3, Tue 30 Dec 2025 (skips 25 and 26 Dec).
        assert open_tasks(route, case) == [
            ("confirm_parents_copies", "link_adviser", utc(2025, 12, 19, *GMT_DAY_END)),
            ("record_hmci_notice", "regions_group_officer", None),
            ("send_statement_of_action", "director_childrens_services", utc(2025, 12, 30, *GMT_DAY_END)),
        ]
        found = deadlines_of(route, case)
        assert (found["draft_comments_due"].status, found["draft_comments_due"].met_on) == ("met", date(2025, 12, 5))
        assert (found["parents_copies_due"].due_on, found["parents_copies_due"].status) == (date(2025, 12, 19), "pending")
        assert found["statement_of_action_due"].due_on == date(2025, 12, 30)
        complete(route, case, "confirm_parents_copies", {"parents_copies_sent_on": "2025-12-16"})
        # Recorded with hindsight: the order was made under the duty on Tue 20 Jan 2026, before 29 Jun 2026.
        complete(route, case, "record_hmci_notice", {"hmci_notice_given_on": "2025-12-10",
                                                     "academy_order_made_on": "2026-01-20"})
        assert open_tasks(route, case)[0] == ("make_academy_order", "regional_director", utc(2025, 12, 30, *GMT_DAY_END))
        complete(route, case, "make_academy_order", {"academy_order_made_on": "2026-01-20"})
    with at(2025, 12, 29, 9, 0):
        row = task_row(route, case, "send_statement_of_action")
        assert (row.properties["letter"], row.properties["legal_source"]) == ("statement_of_action", "EA 2005 s15(2)-(3)")
        complete(route, case, "send_statement_of_action", STATEMENT)
        # Not voluntary aided: straight to monitoring; first review within 4 months of the statement.
        assert open_tasks(route, case) == [("hold_progress_review", "senior_adviser", utc(2026, 4, 29, *BST_DAY_END))]
        assert deadlines_of(route, case)["statement_of_action_due"].status == "met"
    with at(2026, 2, 10, 9, 0):
        review(route, case, "continue", "2026-02-10")
        assert open_tasks(route, case) == [("hold_progress_review", "senior_adviser", utc(2026, 6, 10, *BST_DAY_END))]
        assert deadlines_of(route, case)["progress_review_due"].due_on == date(2026, 6, 10)
    with at(2026, 5, 5, 9, 0):
        review(route, case, "converted_to_academy", "2026-05-05", academy_opened_on="2026-05-01")
    assert open_tasks(route, case) == [] and case.status == "completed"


def test_the_parents_date_survives_the_statement_of_action(route, save_restore):
    """The parents' branch ends at its own end event while the statement of action goes on: what
    it recorded stays in the case data, and its deadline stays met. Final report Fri 12 Dec 2025;
    parents' copies due Fri 19 Dec (5 inspection working days, before the Christmas holiday)."""
    christmas_holiday(route)
    with at(2025, 12, 12, 9, 0):
        case = start(route, {"category": "special_measures", "final_report_received_on": "2025-12-12"})
        complete(route, case, "confirm_parents_copies", {"parents_copies_sent_on": "2025-12-16"})
        met = ("parents_copies_due", date(2025, 12, 19), "met", date(2025, 12, 16))
        parents = deadlines_of(route, case)["parents_copies_due"]
        assert (parents.deadline_id, parents.due_on, parents.status, parents.met_on) == met
    with at(2025, 12, 29, 9, 0):
        complete(route, case, "send_statement_of_action", STATEMENT)
        assert case.data["parents_copies_sent_on"] == "2025-12-16"
        parents = deadlines_of(route, case)["parents_copies_due"]
        assert (parents.deadline_id, parents.due_on, parents.status, parents.met_on) == met
        complete(route, case, "record_hmci_notice", {"hmci_notice_given_on": "2025-12-10"})
        assert case.data["parents_copies_sent_on"] == "2025-12-16"
        assert case.data["statement_of_action_sent_on"] == "2025-12-29"


STATEMENT = {"proposed_action": "Additional governors; weekly support from the link adviser.",
             "action_timescale": "Within 18 months", "parental_arrangements": "Meeting for parents on 14 Jan.",
             "specified_person_appointed": False, "powers_to_use": "s64 if progress stalls",
             "statement_of_action_sent_on": "2025-12-29"}


def review(session, case, outcome: str, held_on: str, **extra) -> None:
    complete(session, case, "hold_progress_review", {"review_held_on": held_on, "progress_summary": "...",
                                                     "review_outcome": outcome, **extra})


# --- a case started at its milestone -------------------------------------------------------------

def test_started_at_the_final_report(route, save_restore):
    """§8 example 3: final report received Fri 12 Dec 2025, statement due Tue 30 Dec 2025, skipping
    Thu 25 and Fri 26 Dec. No term dates are recorded, so the parents' deadline is unknown."""
    with at(2025, 12, 15, 9, 0):
        case = start(route, {"category": "special_measures", "final_report_received_on": "2025-12-12"})
        assert case.data["school_holidays"] is None
        assert open_tasks(route, case) == [
            ("confirm_parents_copies", "link_adviser", utc(2025, 12, 19, *GMT_DAY_END)),
            ("record_hmci_notice", "regions_group_officer", None),
            ("send_statement_of_action", "director_childrens_services", utc(2025, 12, 30, *GMT_DAY_END)),
        ]
        found = deadlines_of(route, case)
        assert found["statement_of_action_due"].due_on == date(2025, 12, 30)
        assert found["statement_of_action_due"].rule == (
            "10th working day following Fri 12 Dec 2025 (receipt of the final report, day 0); skips Thu 25 Dec "
            "(Christmas Day), Fri 26 Dec 2025 (Boxing Day)")
        assert (found["parents_copies_due"].status, found["parents_copies_due"].due_on) == ("unknown", None)
        assert "intervene schools term-dates import" in found["parents_copies_due"].note


def test_started_at_the_category_goes_to_the_draft_report(route, save_restore):
    with at(2025, 12, 1, 9, 0):
        case = start(route, {"category": "requires_significant_improvement"})
    assert open_tasks(route, case) == [("record_draft_report", "link_adviser", None)]


@pytest.mark.parametrize("data, message", [({"category": "serious"}, "category must be one of"),
                                           ({"category": "none"}, "category must be one of"),
                                           ({"category": "special_measures", "final_report_received_on": "12/12/2025"},
                                            "ISO date")])
def test_a_milestone_start_with_bad_facts_is_refused(route, data, message):
    with pytest.raises(InvalidInput, match=message):
        start(route, data)


def test_a_shorter_period_directed_for_special_measures(route, save_restore):
    """Received Fri 12 Dec 2025; the Secretary of State directs 5 working days: Fri 19 Dec 2025."""
    with at(2025, 12, 1, 9, 0):
        case = start(route, {"category": "special_measures"})
        complete(route, case, "record_draft_report", {"draft_report_received_on": "2025-12-01",
                                                      "draft_comments_working_days": 5})
        complete(route, case, "send_draft_report_comments", {})
        complete(route, case, "record_final_report", {"final_report_received_on": "2025-12-12",
                                                      "sos_directed_period_working_days": 5})
        assert task_row(route, case, "send_statement_of_action").due_at == utc(2025, 12, 19, *GMT_DAY_END)
        assert deadlines_of(route, case)["statement_of_action_due"].due_on == date(2025, 12, 19)


# --- voluntary aided school; academy order as a power; powers; exit and follow-up ----------------

def walk_to_monitoring(session, hmci_notice_on: str, urn: str = VA_URN, order_made_on: str | None = None):
    """Final report received Mon 22 Jun 2026: statement due Mon 6 Jul 2026 (no holidays)."""
    with at(2026, 6, 22, 9, 0):
        case = start(session, {"category": "requires_significant_improvement",
                               "final_report_received_on": "2026-06-22"}, urn=urn)
        complete(session, case, "confirm_parents_copies", {"parents_copies_sent_on": "2026-06-24"})
        notice = {"hmci_notice_given_on": hmci_notice_on}
        if order_made_on:
            notice["academy_order_made_on"] = order_made_on
        complete(session, case, "record_hmci_notice", notice)
    return case


def test_voluntary_aided_school_and_the_academy_order_power(route, save_restore):
    case = walk_to_monitoring(route, "2026-06-29")
    assert case.data["is_voluntary_aided"] is True
    due = utc(2026, 7, 6, *BST_DAY_END)
    assert open_tasks(route, case) == [("decide_academy_order", "regional_director", due),
                                       ("send_statement_of_action", "director_childrens_services", due)]
    with at(2026, 7, 1, 9, 0):
        complete(route, case, "decide_academy_order", {"academy_order_decision": "targeted_intervention",
                                                       "academy_order_decided_on": "2026-07-01"})
        complete(route, case, "send_statement_of_action", {**STATEMENT, "statement_of_action_sent_on": "2026-07-01"})
        # Voluntary aided: a copy to the person who appoints the foundation governors (s15(2)(e)).
        assert open_tasks(route, case) == [("send_statement_to_foundation_appointer", "case_manager", due)]
        complete(route, case, "send_statement_to_foundation_appointer",
                 {"statement_to_foundation_appointer_on": "2026-07-01"})
        assert open_tasks(route, case) == [("hold_progress_review", "senior_adviser", utc(2026, 11, 1, *GMT_DAY_END))]


def test_academy_order_duty_where_hmcis_notice_and_the_order_came_on_28_jun_2026(route, save_restore):
    case = walk_to_monitoring(route, "2026-06-28", order_made_on="2026-06-28")
    assert [t[0] for t in open_tasks(route, case)] == ["make_academy_order", "send_statement_of_action"]
    fields = [f["id"] for f in task_row(route, case, "make_academy_order").form["fields"]]
    assert "academy_order_decision" not in fields  # a duty: no choice to record


@pytest.mark.parametrize("notice_on, order_made_on", [("2026-06-26", None), ("2026-06-26", "2026-06-29"),
                                                      ("2026-06-29", None)])
def test_no_order_by_28_jun_2026_leaves_the_power_with_its_options(route, save_restore, notice_on, order_made_on):
    """Audit OC-1: HMCI's notice Fri 26 Jun 2026 and no s4(A1) order made by Sun 28 Jun: the repeal
    (CWSA 2026 s58, from Mon 29 Jun) leaves a power, so the regional director may decide on no order."""
    case = walk_to_monitoring(route, notice_on, order_made_on=order_made_on)
    assert [t[0] for t in open_tasks(route, case)] == ["decide_academy_order", "send_statement_of_action"]
    options = next(f for f in task_row(route, case, "decide_academy_order").form["fields"]
                   if f["id"] == "academy_order_decision")["options"]
    assert [o["id"] for o in options] == ["make_order", "targeted_intervention", "no_order"]
    with at(2026, 7, 2, 9, 0):
        complete(route, case, "decide_academy_order", {"academy_order_decision": "no_order",
                                                       "academy_order_decided_on": "2026-07-02"})
    assert [t[0] for t in open_tasks(route, case)] == ["send_statement_of_action"]


def start_monitoring(session, case, sent_on: str = "2026-07-01") -> None:
    with at(2026, 7, 1, 9, 0):
        complete(session, case, "decide_academy_order", {"academy_order_decision": "make_order",
                                                         "academy_order_decided_on": "2026-07-01",
                                                         "academy_order_made_on": "2026-07-01"})
        complete(session, case, "send_statement_of_action", {**STATEMENT, "statement_of_action_sent_on": sent_on})


def powers(**chosen) -> dict:
    data = {"use_s63_arrangements": False, "use_s64_additional_governors": False,
            "use_s65_interim_executive_board": False, "use_s66_suspend_delegated_budget": False,
            "powers_decided_on": "2026-09-10", "powers_reasons": "Too little progress."}
    data.update(chosen)
    return data


def test_powers_at_any_time_then_exit_and_twelve_months_follow_up(route, save_restore):
    case = walk_to_monitoring(route, "2026-06-28", urn=URN)
    start_monitoring(route, case)
    with at(2026, 9, 10, 9, 0):
        # IEB chosen, consent refused: back to monitoring.
        review(route, case, "use_powers", "2026-09-10")
        assert open_tasks(route, case) == [("use_intervention_powers", "director_childrens_services", None)]
        complete(route, case, "use_intervention_powers", powers(use_s65_interim_executive_board=True))
        assert open_tasks(route, case) == [("seek_ieb_consent", "regional_director", None)]
        complete(route, case, "seek_ieb_consent", {"sos_consent_given": False, "sos_consent_decided_on": "2026-09-20"})
        assert open_tasks(route, case) == [("hold_progress_review", "senior_adviser", utc(2027, 1, 10, *GMT_DAY_END))]
    with at(2026, 11, 2, 9, 0):
        # No power chosen after all: back to monitoring.
        review(route, case, "use_powers", "2026-11-02")
        complete(route, case, "use_intervention_powers", powers())
        assert [t[0] for t in open_tasks(route, case)] == ["hold_progress_review"]
        # Additional governors (more than two months after the final report: no limit on this route).
        review(route, case, "use_powers", "2026-11-03")
        complete(route, case, "use_intervention_powers", powers(use_s64_additional_governors=True))
        assert open_tasks(route, case) == [("notify_dfe_of_powers", "case_manager", None)]
        complete(route, case, "notify_dfe_of_powers", {"powers_used_on": "2026-11-20", "dfe_notified_on": "2026-11-20",
                                                       "powers_used_summary": "Two additional governors."})
        # An IEB with consent.
        review(route, case, "use_powers", "2026-11-04")
        complete(route, case, "use_intervention_powers", powers(use_s65_interim_executive_board=True))
        complete(route, case, "seek_ieb_consent", {"sos_consent_given": True, "sos_consent_decided_on": "2026-11-25"})
        complete(route, case, "notify_dfe_of_powers", {"powers_used_on": "2026-12-01", "dfe_notified_on": "2026-12-01",
                                                       "powers_used_summary": "Interim executive board."})
        assert open_tasks(route, case) == [("hold_progress_review", "senior_adviser", utc(2027, 3, 4, *GMT_DAY_END))]
    with at(2027, 7, 31, 9, 0):
        review(route, case, "category_removed", "2027-07-31")
        assert open_tasks(route, case) == [("record_category_removed", "deputy_assistant_director", None)]
        complete(route, case, "record_category_removed", {"category_removed_on": "2027-07-31",
                                                          "coasting_risk_noted": False})
        # 12 calendar months from Sat 31 Jul 2027: Mon 31 Jul 2028; over at midnight BST (23:00 UTC).
        assert open_tasks(route, case) == []
        assert pending_timers(route, case) == [("follow_up_ended", utc(2028, 7, 31, 23, 0))]
        found = deadlines_of(route, case)
        assert (found["follow_up_end"].due_on, found["follow_up_end"].status) == (date(2028, 7, 31), "pending")
        assert "progress_review_due" not in found
    with at(2028, 7, 31, 22, 59, 59):
        assert worker_sweep(route) == 0
    with at(2028, 7, 31, 23, 0, 1):
        assert worker_sweep(route) == 1
        assert open_tasks(route, case) == [("close_follow_up", "assistant_director", None)]
        complete(route, case, "close_follow_up", {"follow_up_closed_on": "2028-08-01", "follow_up_summary": "..."})
    assert case.status == "completed"
    assert deadlines_of(route, case)["follow_up_end"].status == "met"


def test_term_dates_recorded_after_the_start_reach_the_deadlines_still_to_come(route, save_restore):
    """Audit OC-10 and C-3. The case starts with no term dates; Christmas 2026 is then recorded as two
    rows split at the year end (Mon 21 - Thu 31 Dec 2026, Fri 1 - Mon 4 Jan 2027), normalised to one
    holiday Sat 19 Dec 2026 - Mon 4 Jan 2027. Final report received Wed 16 Dec 2026. Parents: Thu 17, Fri
    18 Dec (2), the holiday skipped, Tue 5, Wed 6, Thu 7 Jan 2027 (5). Statement of action (bank-holiday
    working days, the default reading): Thu 17 ... Thu 24 Dec (6), Christmas Day and the Boxing Day
    substitute Mon 28 Dec skipped, Tue 29 ... Thu 31 Dec (9), New Year's Day skipped, Mon 4 Jan 2027 (10)."""
    with at(2026, 12, 1, 9, 0):
        case = start(route, {"category": "special_measures"})
        assert case.data["school_holidays"] is None
        complete(route, case, "record_draft_report", {"draft_report_received_on": "2026-12-01",
                                                      "draft_comments_working_days": 5})
        complete(route, case, "send_draft_report_comments", {"draft_comments_sent_on": "2026-12-04"})
    route.add_all([SchoolHoliday(la_code="830", name="Christmas holiday 2026", first_day=date(2026, 12, 21),
                                 last_day=date(2026, 12, 31)),
                   SchoolHoliday(la_code="830", name="Christmas holiday 2026 (January)", first_day=date(2027, 1, 1),
                                 last_day=date(2027, 1, 4))])
    route.flush()
    with at(2026, 12, 16, 9, 0):
        complete(route, case, "record_final_report", {"final_report_received_on": "2026-12-16"})
        assert case.data["school_holidays"] == [["2026-12-21", "2026-12-31"], ["2027-01-01", "2027-01-04"]]
        assert open_tasks(route, case) == [
            ("confirm_parents_copies", "link_adviser", utc(2027, 1, 7, *GMT_DAY_END)),
            ("record_hmci_notice", "regions_group_officer", None),
            ("send_statement_of_action", "director_childrens_services", utc(2027, 1, 4, *GMT_DAY_END)),
        ]
        found = deadlines_of(route, case)
        assert found["parents_copies_due"].due_on == date(2027, 1, 7)
        assert "skips the school holiday Sat 19 Dec 2026 - Mon 4 Jan 2027" in found["parents_copies_due"].rule
        assert found["statement_of_action_due"].due_on == date(2027, 1, 4)


@pytest.mark.parametrize("extra, warnings", [
    ({}, ["must be consulted before an academy order", "Academies Act 2010 s4(4)"]),
    ({"order_consultation_on": "2026-07-10", "order_copies_sent_on": "2026-07-16"},
     ["is recorded after the academy order"]),
    ({"order_consultation_on": "2026-07-01", "order_copies_sent_on": "2026-07-16"}, []),
])
def test_an_order_for_a_school_with_a_foundation_warns_without_consultation_and_copies(route, save_restore, extra,
                                                                                      warnings):
    """Audit OC-6: Academies Act 2010 s4(1A) consultation (voluntary aided: a foundation) and s4(4) copies."""
    case = walk_to_monitoring(route, "2026-06-29")
    assert case.data["has_foundation"] is True
    with at(2026, 7, 15, 9, 0):
        complete(route, case, "decide_academy_order", {"academy_order_decision": "make_order",
                                                       "academy_order_decided_on": "2026-07-15",
                                                       "academy_order_made_on": "2026-07-06", **extra})
    found = case.data["legal_warnings"]
    assert len(found) == len(warnings) and all(w in text for w, text in zip(warnings, found, strict=True))


@pytest.mark.parametrize("inset_reading, due", [("not_holiday", date(2026, 5, 28)),
                                                  ("part_of_holiday", date(2026, 6, 4))])
def test_an_inset_row_is_marked_for_the_cases_inset_reading(route, save_restore, inset_reading, due):
    """A term-dates row named "INSET day" reaches the case marked as one (audit C-4). May half-term 2026
    (Mon 25 - Fri 29 May) and an INSET day Mon 1 Jun; final report received Wed 20 May 2026, parents'
    copies 5 working days. INSET not part of the holiday (default): the one-week half-term counts, so Thu
    21, Fri 22, (Mon 25 May, Spring bank holiday, skipped) Tue 26, Wed 27, Thu 28 May. INSET part of it:
    Sat 23 May - Mon 1 Jun has 6 weekdays closed, longer than a week, so Thu 21, Fri 22 May, Tue 2, Wed 3,
    Thu 4 Jun."""
    route.add_all([SchoolHoliday(la_code="830", name="May half-term 2026", first_day=date(2026, 5, 25),
                                 last_day=date(2026, 5, 29)),
                   SchoolHoliday(la_code="830", name="INSET day June 2026", first_day=date(2026, 6, 1),
                                 last_day=date(2026, 6, 1))])
    route.flush()
    with at(2026, 5, 20, 9, 0):
        case = start(route, {"category": "special_measures", "final_report_received_on": "2026-05-20",
                             "inset_reading": inset_reading})
    assert case.data["school_holidays"] == [["2026-05-25", "2026-05-29"], ["2026-06-01", "2026-06-01", "inset"]]
    assert deadlines_of(route, case)["parents_copies_due"].due_on == due
    assert task_row(route, case, "confirm_parents_copies").due_at.date() == due


@pytest.mark.parametrize("notice_on, order_made_on, step", [("2026-06-28", "2026-06-28", "make_academy_order"),
                                                            ("2026-06-26", None, "decide_academy_order"),
                                                            ("2026-06-29", None, "decide_academy_order")])
def test_the_academy_order_step_is_due_with_the_statement_of_action(route, save_restore, notice_on, order_made_on,
                                                                    step):
    """Issue 9 point 5: the academy-order decision decides a statutory outcome, so it has a due date: the
    day the authority's statement of action is due (Mon 6 Jul 2026 here), which says whether the school
    is to become an academy. Duty or power is chosen by the dates of HMCI's notice and of the order."""
    case = walk_to_monitoring(route, notice_on, order_made_on=order_made_on)
    assert task_row(route, case, step).due_at == utc(2026, 7, 6, *BST_DAY_END)


def test_a_case_started_at_the_final_report_lists_no_deadline_for_the_draft_stage_it_began_after(route):
    """Seen on the walk-through: a case taken on at the final report listed "Governing body's comments
    on the draft report: not known yet" at every step, a deadline of a stage already over that no
    step of the case can ever record. A case walked through the draft report keeps it."""
    with at(2025, 12, 15, 9, 0):
        later = start(route, {"category": "special_measures", "final_report_received_on": "2025-12-12"})
        assert "draft_comments_due" not in deadlines_of(route, later)
        earlier = start(route, {"category": "special_measures"}, urn=VA_URN)
        assert deadlines_of(route, earlier)["draft_comments_due"].status == "unknown"
        complete(route, earlier, "record_draft_report", {"draft_report_received_on": "2025-12-01"})
        complete(route, earlier, "send_draft_report_comments", {})
        complete(route, earlier, "record_final_report", {"final_report_received_on": "2025-12-12"})
        assert "draft_comments_due" in deadlines_of(route, earlier)
