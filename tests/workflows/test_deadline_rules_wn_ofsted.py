"""The deadline rules of the warning notice and Ofsted category routes, with every date worked out
by hand (the holidays each count skips are named), both sides of every date switch, and the
modelling conventions both BPMN files must keep."""
from __future__ import annotations

import builtins
import keyword
import re
from datetime import date

import pytest
from lxml import etree

from engine.scripting import registered_functions
from workflows.maintained_warning_notice import rules as wn
from workflows.ofsted_category_response import rules as ofsted
from workflows.registry import install
from workflows.roles import ROLES_BY_ID

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
FLOW_NODES = ("startEvent", "endEvent", "intermediateCatchEvent", "boundaryEvent", "userTask", "scriptTask",
              "businessRuleTask", "exclusiveGateway", "parallelGateway")

CHRISTMAS_HOLIDAY_2025 = ["2025-12-22", "2026-01-02"]
EASTER_HOLIDAY_2026 = ["2026-03-30", "2026-04-10"]


def by_id(found) -> dict:
    return {info.deadline_id: info for info in found}


# --- Warning notice: the compliance period and the powers window --------------------------------

def test_example_1_christmas_2025():
    """§8 example 1: Thu 18 Dec 2025 + 15 working days, skipping Thu 25 Dec, Fri 26 Dec 2025 and
    Thu 1 Jan 2026 (and weekends) = Tue 13 Jan 2026; the window ends Fri 13 Mar 2026."""
    found = by_id(wn.deadlines({"notice_type": "s60", "notice_given_on": "2025-12-18",
                                "compliance_period_working_days": 15}, date(2026, 1, 5)))
    end, window = found["compliance_period_end"], found["powers_window_end"]
    assert (end.due_on, end.status) == (date(2026, 1, 13), "pending")
    assert end.rule == ("15th working day following Thu 18 Dec 2025 (the day the notice was given, day 0); skips Thu "
                        "25 Dec (Christmas Day), Fri 26 Dec 2025 (Boxing Day), Thu 1 Jan 2026 (New Year's Day)")
    assert end.source.startswith("EIA 2006 s60(1)(b) and s60(4)(c) as amended by EAA 2016 s2")
    assert (window.due_on, window.status) == (date(2026, 3, 13), "pending")
    assert window.rule == ("2 calendar months following Tue 13 Jan 2026 (the end of the compliance period): "
                           "Fri 13 Mar 2026")
    assert window.source.startswith("EIA 2006 s64(2) and s66A(3)")


def test_example_2_easter_2026():
    """§8 example 2: Mon 23 Mar 2026 + 15 working days, skipping Good Friday (Fri 3 Apr) and Easter
    Monday (Mon 6 Apr) = Wed 15 Apr 2026; the window ends Mon 15 Jun 2026."""
    found = by_id(wn.deadlines({"notice_type": "s60", "notice_given_on": "2026-03-23",
                                "compliance_period_working_days": 15}, date(2026, 3, 23)))
    assert found["compliance_period_end"].due_on == date(2026, 4, 15)
    assert found["compliance_period_end"].rule == ("15th working day following Mon 23 Mar 2026 (the day the notice was "
                                                   "given, day 0); skips Fri 3 Apr (Good Friday), Mon 6 Apr 2026 "
                                                   "(Easter Monday)")
    assert found["powers_window_end"].due_on == date(2026, 6, 15)


def test_example_2_month_end_rule():
    """§8 example 2, last part: a compliance period ending Fri 31 Jul 2026 gives a window ending Wed
    30 Sep 2026 (September has no 31st: the last day of the month)."""
    found = by_id(wn.deadlines({"notice_type": "s60", "notice_given_on": "2026-07-01",
                                "compliance_period_end_stated_on": "2026-07-31"}, date(2026, 7, 1)))
    assert found["compliance_period_end"].due_on == date(2026, 7, 31)
    assert found["compliance_period_end"].rule == "the end date stated in the notice given on Wed 1 Jul 2026"
    assert found["powers_window_end"].due_on == date(2026, 9, 30)
    assert found["powers_window_end"].rule.endswith("Wed 30 Sep 2026, the last day of the month, as the month has no day 31")


def test_a_period_with_no_holidays_says_so():
    """Mon 2 Feb 2026 + 10 working days = Mon 16 Feb 2026 (weekends only)."""
    found = by_id(wn.deadlines({"notice_type": "s60", "notice_given_on": "2026-02-02",
                                "compliance_period_working_days": 10}, date(2026, 2, 2)))
    assert found["compliance_period_end"].due_on == date(2026, 2, 16)
    assert found["compliance_period_end"].rule == ("10th working day following Mon 2 Feb 2026 (the day the notice was "
                                                   "given, day 0); no bank holidays in between")


@pytest.mark.parametrize("given, regime", [("2007-04-01", wn.REGIME_AS_ENACTED), ("2016-04-17", wn.REGIME_AS_ENACTED),
                                           ("2016-04-18", wn.REGIME_AS_AMENDED), ("2026-01-05", wn.REGIME_AS_AMENDED)])
def test_the_regime_is_chosen_by_the_day_the_notice_was_given(given, regime):
    assert wn.warning_notice_regime("s60", given) == regime


def test_before_18_apr_2016_the_initial_period_is_fixed_at_15_working_days():
    """Sun 17 Apr 2016 (day 0 although a Sunday) + 15 working days, skipping Mon 2 May 2016 (early
    May bank holiday) = Mon 9 May 2016, whatever period was recorded (WN-2: this is the initial period)."""
    assert wn.warning_notice_initial_end("s60", "2016-04-17") == date(2016, 5, 9)
    assert wn.warning_notice_initial_end("s60", "2016-04-18") is None  # no initial period from 18 Apr 2016
    found = by_id(wn.deadlines({"notice_type": "s60A", "notice_given_on": "2016-04-17",
                                "compliance_period_working_days": 30}, date(2016, 4, 20)))
    initial = found["initial_period_end"]
    assert initial.due_on == date(2016, 5, 9) and initial.name.startswith("End of the initial period")
    assert initial.source.startswith("EIA 2006 s60A(1)(b) as inserted by ASCLA 2009")


@pytest.mark.parametrize("reading, stated, expected", [
    # Default reading: the period the notice set. 30 working days after Sun 17 Apr 2016 skip Mon 2 May
    # (early May) and Mon 30 May 2016 (spring bank holiday): Tue 31 May 2016.
    (None, None, date(2016, 5, 31)),
    ("notice_period", None, date(2016, 5, 31)),
    # A stated end before the initial period's end is held to the initial period (Mon 9 May 2016).
    ("notice_period", "2016-05-03", date(2016, 5, 9)),
    ("notice_period", "2016-12-31", date(2016, 12, 31)),
    # The other reading: the compliance period is the initial period, whatever the notice set.
    ("initial_period", None, date(2016, 5, 9)),
    ("initial_period", "2016-12-31", date(2016, 5, 9)),
])
def test_before_18_apr_2016_the_compliance_period_follows_the_recorded_reading(reading, stated, expected):
    assert wn.warning_notice_compliance_end("s60", "2016-04-17", 30, stated, reading) == expected


def test_the_legacy_reading_does_not_touch_a_notice_from_18_apr_2016():
    """Mon 18 Apr 2016 + 20 working days, skipping Mon 2 May 2016 = Tue 17 May 2016, under either reading."""
    for reading in wn.LEGACY_READINGS:
        assert wn.warning_notice_compliance_end("s60", "2016-04-18", 20, None, reading) == date(2016, 5, 17)


def test_from_18_apr_2016_the_notice_sets_the_period():
    """Mon 18 Apr 2016 + 20 working days, skipping Mon 2 May 2016 = Tue 17 May 2016."""
    assert wn.warning_notice_compliance_end("s60", "2016-04-18", 20) == date(2016, 5, 17)
    assert wn.warning_notice_compliance_end("s60", "2016-04-18", None) == date(2016, 5, 10)  # default 15


@pytest.mark.parametrize("notice_type, given, message", [
    ("s60", "2007-03-31", "s60 was not in force"), ("s60A", "2010-01-11", "s60A was not in force"),
    ("s60B", "2020-01-01", "notice_type must be one of")])
def test_notices_the_act_did_not_allow_are_refused(notice_type, given, message):
    with pytest.raises(ValueError, match=message):
        wn.warning_notice_regime(notice_type, given)
    assert wn.warning_notice_regime("s60A", "2010-01-12") == wn.REGIME_AS_ENACTED


def test_a_stated_end_before_the_notice_is_unknown():
    [info] = wn.deadlines({"notice_type": "s60", "notice_given_on": "2026-02-02",
                           "compliance_period_end_stated_on": "2026-01-30"}, date(2026, 2, 2))
    assert (info.status, info.due_on) == ("unknown", None) and "cannot end" in info.rule


def test_before_the_notice_both_deadlines_are_unknown():
    found = wn.deadlines({"notice_type": None, "notice_given_on": None}, date(2026, 2, 2))
    assert [(d.deadline_id, d.status, d.due_on) for d in found] == [
        ("compliance_period_end", "unknown", None), ("powers_window_end", "unknown", None)]
    assert found[0].note == "the warning notice has not been given yet"


NOTICE = {"notice_type": "s60", "notice_given_on": "2025-12-18", "compliance_period_working_days": 15}


def test_compliance_statuses():
    pending_after = by_id(wn.deadlines(NOTICE, date(2026, 1, 14)))["compliance_period_end"]
    assert (pending_after.status, pending_after.note) == ("pending", "the period has ended; compliance is still to be reviewed")
    complied = by_id(wn.deadlines({**NOTICE, "governing_body_complied": True, "compliance_reviewed_on": "2026-01-15"},
                                  date(2026, 1, 20)))
    assert (complied["compliance_period_end"].status, complied["compliance_period_end"].met_on) == ("met", date(2026, 1, 15))
    assert "powers_window_end" not in complied
    failed = by_id(wn.deadlines({**NOTICE, "governing_body_complied": False}, date(2026, 1, 20)))
    assert failed["compliance_period_end"].status == "missed"
    assert failed["powers_window_end"].status == "pending"


@pytest.mark.parametrize("decided_on, today, status, met_on", [
    ("2026-03-13", date(2026, 3, 20), "met", date(2026, 3, 13)),   # on the last day of the window
    ("2026-03-16", date(2026, 3, 20), "missed", None),             # after it: too late
    (None, date(2026, 3, 13), "pending", None),                    # the last day itself
    (None, date(2026, 3, 14), "missed", None),                     # the window closed
])
def test_powers_window_statuses(decided_on, today, status, met_on):
    data = {**NOTICE, "governing_body_complied": False, "powers_decided_on": decided_on}
    info = by_id(wn.deadlines(data, today))["powers_window_end"]
    assert (info.status, info.met_on) == (status, met_on)


def test_a_notice_not_confirmed_has_no_deadlines():
    assert wn.deadlines({"notice_type": "s60", "notice_given_on": "2016-01-04",
                         "representations_outcome": "not_confirmed"}, date(2016, 2, 1)) == []


# --- Ofsted category: frameworks, academy orders and the deadlines -------------------------------

@pytest.mark.parametrize("inspected_on, framework", [
    ("2024-09-01", ofsted.FRAMEWORK_OVERALL_EFFECTIVENESS), ("2024-09-02", ofsted.FRAMEWORK_KEY_JUDGEMENTS),
    ("2025-11-09", ofsted.FRAMEWORK_KEY_JUDGEMENTS), ("2025-11-10", ofsted.FRAMEWORK_REPORT_CARDS)])
def test_the_framework_is_chosen_by_the_inspection_date(inspected_on, framework):
    assert ofsted.inspection_framework(inspected_on) == framework


@pytest.mark.parametrize("notice_on, order_made_on, regime", [
    ("2016-04-18", "2016-05-03", ofsted.ACADEMY_ORDER_DUTY),
    # Both sides of both dates: HMCI's notice before/on 29 Jun 2026, the order by/after 28 Jun 2026.
    ("2026-06-26", "2026-06-28", ofsted.ACADEMY_ORDER_DUTY),    # Fri notice, order made Sun 28 Jun: in force
    ("2026-06-26", "2026-06-29", ofsted.ACADEMY_ORDER_POWER),   # order made on the day of the repeal: power
    ("2026-06-26", None, ofsted.ACADEMY_ORDER_POWER),           # audit OC-1: no order by 28 Jun, so a power
    ("2026-06-28", "2026-06-28", ofsted.ACADEMY_ORDER_DUTY),
    ("2026-06-29", "2026-06-29", ofsted.ACADEMY_ORDER_POWER),   # notice on the day of the repeal
    ("2026-06-29", None, ofsted.ACADEMY_ORDER_POWER),
    ("2026-06-20", "2026-06-19", ofsted.ACADEMY_ORDER_POWER),   # an "order" before the notice is not one under s4(A1)
])
def test_academy_order_duty_only_where_an_order_was_made_by_28_jun_2026(notice_on, order_made_on, regime):
    assert ofsted.academy_order_regime(notice_on, order_made_on) == regime


def test_count_graded():
    assert ofsted.count_graded("inadequate", "good", "inadequate", "not_applicable", "inadequate") == 2


def test_example_3_statement_of_action_december_2025():
    """§8 example 3: final report received Fri 12 Dec 2025; 10 working days from the day after,
    skipping Thu 25 and Fri 26 Dec 2025 = Tue 30 Dec 2025."""
    data = {"category": "special_measures", "final_report_received_on": "2025-12-12"}
    info = by_id(ofsted.deadlines(data, date(2025, 12, 15)))["statement_of_action_due"]
    assert (info.due_on, info.status) == (date(2025, 12, 30), "pending")
    assert info.rule == ("10th working day following Fri 12 Dec 2025 (receipt of the final report, day 0); skips "
                         "Thu 25 Dec (Christmas Day), Fri 26 Dec 2025 (Boxing Day)")
    assert info.source.startswith("EA 2005 s15(2)-(3)") and "disputed" in info.source
    met = by_id(ofsted.deadlines({**data, "statement_of_action_sent_on": "2025-12-30"}, date(2026, 1, 5)))
    assert (met["statement_of_action_due"].status, met["statement_of_action_due"].met_on) == ("met", date(2025, 12, 30))
    late = by_id(ofsted.deadlines({**data, "statement_of_action_sent_on": "2025-12-31"}, date(2026, 1, 5)))
    assert late["statement_of_action_due"].status == "missed"
    assert by_id(ofsted.deadlines(data, date(2025, 12, 31)))["statement_of_action_due"].status == "missed"


def test_statement_counted_from_publication():
    """Counted from publication on Wed 17 Dec 2025: 10 working days, skipping Thu 25 Dec, Fri 26 Dec
    2025 and Thu 1 Jan 2026 = Mon 5 Jan 2026."""
    data = {"category": "requires_significant_improvement", "final_report_received_on": "2025-12-12",
            "statement_of_action_counted_from_on": "2025-12-17"}
    info = by_id(ofsted.deadlines(data, date(2025, 12, 17)))["statement_of_action_due"]
    assert info.due_on == date(2026, 1, 5)
    assert info.rule == ("10th working day following Wed 17 Dec 2025 (the date the period is counted from, day 0); "
                         "skips Thu 25 Dec (Christmas Day), Fri 26 Dec 2025 (Boxing Day), Thu 1 Jan 2026 (New "
                         "Year's Day)")


@pytest.mark.parametrize("category, due", [
    ("special_measures", date(2025, 12, 19)),               # 5 days directed: Mon 15 - Fri 19 Dec
    ("requires_significant_improvement", date(2025, 12, 30)),  # s15(3)(b) is for special measures only
])
def test_a_shorter_period_directed_by_the_secretary_of_state(category, due):
    data = {"category": category, "final_report_received_on": "2025-12-12", "sos_directed_period_working_days": 5}
    assert by_id(ofsted.deadlines(data, date(2025, 12, 15)))["statement_of_action_due"].due_on == due


def test_inspection_periods_without_term_dates_are_unknown_not_guessed():
    info = by_id(ofsted.deadlines({"category": "special_measures", "final_report_received_on": "2025-12-12"},
                                  date(2025, 12, 15)))["parents_copies_due"]
    assert (info.status, info.due_on) == ("unknown", None)
    assert info.note == ("no term dates recorded for this school's authority: import them with "
                         "`intervene schools term-dates import`")


def test_parents_copies_skip_the_christmas_school_holiday():
    """Received Wed 17 Dec 2025; the school's Christmas holiday Mon 22 Dec 2025 - Fri 2 Jan 2026 (12
    days, longer than a week; it contains 25 and 26 Dec and 1 Jan) is not counted: Thu 18 (1),
    Fri 19 (2), Mon 5 Jan (3), Tue 6 (4), Wed 7 Jan 2026 (5)."""
    data = {"category": "special_measures", "final_report_received_on": "2025-12-17",
            "school_holidays": [CHRISTMAS_HOLIDAY_2025]}
    info = by_id(ofsted.deadlines(data, date(2025, 12, 17)))["parents_copies_due"]
    assert (info.due_on, info.status) == (date(2026, 1, 7), "pending")
    assert info.rule == ("5th working day following Wed 17 Dec 2025 (the authority's receipt of the final report; "
                         "the school's not recorded, day 0), school holidays longer than a week not counted; skips the "
                         "school holiday Sat 20 Dec 2025 - Sun 4 Jan 2026")
    met = by_id(ofsted.deadlines({**data, "parents_copies_sent_on": "2026-01-06"}, date(2026, 1, 8)))
    assert met["parents_copies_due"].status == "met"


def test_two_receipts_two_deadlines():
    """Audit OC-4. The authority received the report Fri 12 Dec 2025, the school Mon 15 Dec. Statement of
    action: 10 working days from the authority's day, skipping Thu 25, Fri 26 Dec: Tue 30 Dec 2025.
    Parents: 5 working days from the school's day, Tue 16 ... Fri 19 Dec (4), then the Christmas holiday
    Sat 20 Dec 2025 - Sun 4 Jan 2026 skipped: Mon 5 Jan 2026 (5)."""
    data = {"category": "special_measures", "final_report_received_on": "2025-12-12",
            "school_received_final_report_on": "2025-12-15", "school_holidays": [CHRISTMAS_HOLIDAY_2025]}
    found = by_id(ofsted.deadlines(data, date(2025, 12, 15)))
    assert found["statement_of_action_due"].due_on == date(2025, 12, 30)
    assert found["parents_copies_due"].due_on == date(2026, 1, 5)
    assert "the school's receipt of the final report, day 0" in found["parents_copies_due"].rule


def test_parents_copies_skip_the_easter_school_holiday():
    """Received Tue 31 Mar 2026; Easter holiday Mon 30 Mar - Fri 10 Apr 2026 (containing Good Friday
    3 Apr and Easter Monday 6 Apr): Mon 13 (1) ... Fri 17 Apr 2026 (5)."""
    data = {"category": "special_measures", "final_report_received_on": "2026-03-31",
            "school_holidays": [EASTER_HOLIDAY_2026]}
    assert by_id(ofsted.deadlines(data, date(2026, 3, 31)))["parents_copies_due"].due_on == date(2026, 4, 17)


@pytest.mark.parametrize("half_term", [["2026-02-16", "2026-02-20"], ["2026-02-14", "2026-02-22"]])
@pytest.mark.parametrize("reading, due", [("school_days", date(2026, 2, 19)), ("calendar_days", date(2026, 2, 26))])
def test_a_half_term_gives_the_same_answer_however_recorded(half_term, reading, due):
    """Audit C-2. Received Thu 12 Feb 2026, 5 working days. Mon-Fri or Sat-Sun, the half-term is Sat 14 -
    Sun 22 Feb once normalised. Read as not longer than a week (the default): Fri 13, Mon 16 ... Thu 19
    Feb. Read as longer (9 days with its weekends): Fri 13, then Mon 23 ... Thu 26 Feb."""
    data = {"category": "special_measures", "final_report_received_on": "2026-02-12", "school_holidays": [half_term],
            "holiday_reading": reading}
    assert by_id(ofsted.deadlines(data, date(2026, 2, 12)))["parents_copies_due"].due_on == due


EASTER_HOLIDAY_2027 = [["2027-03-22", "2027-04-02"]]  # Mon 22 Mar - Fri 2 Apr 2027, as demo_term_dates.csv


@pytest.mark.parametrize("chosen, due, other", [
    ("bank_holidays", date(2027, 4, 8), "under the inspection regulations (school holidays longer than a week not "
                                        "counted) it would be Fri 16 Apr 2027"),
    ("inspection_regulations", date(2027, 4, 16), "in bank-holiday working days it would be Thu 8 Apr 2027"),
])
def test_the_statement_of_action_shows_both_readings_and_the_one_chosen(chosen, due, other):
    """Audit OC-3 (Easter 2027). Received Tue 23 Mar 2027, 10 working days. Bank holidays: Wed 24, Thu 25
    Mar (2), Good Friday 26 Mar and Easter Monday 29 Mar skipped, Tue 30 Mar ... Thu 8 Apr (10). Inspection
    regulations: the Easter holiday, normalised Sat 20 Mar - Sun 4 Apr 2027, is skipped: Mon 5 ... Fri 9
    Apr (5), Mon 12 ... Fri 16 Apr 2027 (10)."""
    data = {"category": "special_measures", "final_report_received_on": "2027-03-23",
            "school_holidays": EASTER_HOLIDAY_2027, "statement_days_reading": chosen}
    info = by_id(ofsted.deadlines(data, date(2027, 3, 23)))["statement_of_action_due"]
    assert info.due_on == due
    assert other in info.rule and "the reading the authority chose" in info.rule



def test_draft_comments_deadline():
    """Draft received Mon 1 Dec 2025, 5 working days = Mon 8 Dec 2025 (no holidays in between)."""
    data = {"category": "special_measures", "draft_report_received_on": "2025-12-01", "draft_comments_working_days": 5,
            "school_holidays": [CHRISTMAS_HOLIDAY_2025], "draft_comments_sent_on": "2025-12-09"}
    info = by_id(ofsted.deadlines(data, date(2025, 12, 10)))["draft_comments_due"]
    assert (info.due_on, info.status) == (date(2025, 12, 8), "missed")
    assert info.rule.endswith("; no holidays in between") and "not found" in info.source


def test_draft_comments_unknown_before_the_draft():
    info = by_id(ofsted.deadlines({"category": "special_measures"}, date(2025, 12, 10)))["draft_comments_due"]
    assert (info.status, info.note) == ("unknown", "the date of receipt of the draft report is not recorded")


def test_progress_reviews_at_most_four_months_apart():
    """Statement sent Tue 30 Dec 2025: the first review is due by Thu 30 Apr 2026. After a review
    held Fri 31 Oct 2025 the next is due by Sat 28 Feb 2026 (February has no 31st)."""
    data = {"category": "special_measures", "final_report_received_on": "2025-12-12",
            "statement_of_action_sent_on": "2025-12-30"}
    info = by_id(ofsted.deadlines(data, date(2026, 1, 5)))["progress_review_due"]
    assert (info.due_on, info.status) == (date(2026, 4, 30), "pending")
    late = by_id(ofsted.deadlines(data, date(2026, 5, 1)))["progress_review_due"]
    assert (late.status, late.note) == ("missed", "no School Progress Review recorded since")
    assert ofsted.progress_review_due_on("2025-10-31", "2025-06-01") == date(2026, 2, 28)


def test_follow_up_runs_twelve_calendar_months_after_the_category_is_removed():
    """Category removed Fri 31 Jul 2026: follow-up until Sat 31 Jul 2027; no review deadline then."""
    data = {"category": "special_measures", "statement_of_action_sent_on": "2025-12-30",
            "category_removed_on": "2026-07-31"}
    found = by_id(ofsted.deadlines(data, date(2026, 8, 1)))
    assert (found["follow_up_end"].due_on, found["follow_up_end"].status) == (date(2027, 7, 31), "pending")
    assert "progress_review_due" not in found
    closed = by_id(ofsted.deadlines({**data, "follow_up_closed_on": "2027-08-02"}, date(2027, 8, 2)))
    assert (closed["follow_up_end"].status, closed["follow_up_end"].met_on) == ("met", date(2027, 8, 2))


def test_no_category_no_deadlines():
    assert ofsted.deadlines({"category": "none", "final_report_received_on": "2025-12-12"}, date(2026, 1, 1)) == []


# --- the conventions both models keep ---------------------------------------------------------

def check_model_conventions(package) -> None:
    install()
    root = etree.fromstring(package.read_bpmn().encode("utf-8"))
    [process] = root.findall(f"{BPMN}process")
    assert process.get("id") == package.key and package.bpmn_path.name == f"{package.key}.bpmn"
    assert process.get("isExecutable") == "true"
    [participant] = root.findall(f"{BPMN}collaboration/{BPMN}participant")
    assert participant.get("processRef") == package.key
    lane_of = {}
    for lane in process.findall(f"{BPMN}laneSet/{BPMN}lane"):
        role = lane.get("id").removeprefix("lane_")
        assert lane.get("name") == ROLES_BY_ID[role].name
        for ref in lane.findall(f"{BPMN}flowNodeRef"):
            lane_of[ref.text] = role
    reserved = set(registered_functions()) | set(dir(builtins)) | {"date", "datetime", "timedelta"}
    nodes = [node for tag in FLOW_NODES for node in process.findall(f"{BPMN}{tag}")]
    flows = process.findall(f"{BPMN}sequenceFlow")
    for element in [*nodes, *flows]:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", element.get("id")), element.get("id")
    assert set(lane_of) == {node.get("id") for node in nodes}
    for task in process.findall(f"{BPMN}userTask"):
        task_id = task.get("id")
        assert task.get(f"{CAMUNDA}candidateGroups") == lane_of[task_id], task_id
        fields = task.findall(f"{BPMN}extensionElements/{CAMUNDA}formData/{CAMUNDA}formField")
        assert fields, f"{task_id} has no form"
        for form_field in fields:
            name = form_field.get("id")
            assert name.isidentifier() and not keyword.iskeyword(name) and name not in reserved, name
            assert form_field.get("type") in ("string", "long", "boolean", "date", "enum"), name
        properties = {p.get("name"): p.get("value") for p in
                      task.findall(f"{BPMN}extensionElements/{CAMUNDA}properties/{CAMUNDA}property")}
        assert properties.get("legal_source"), f"{task_id} names no legal source"
        assert task.findtext(f"{BPMN}documentation"), f"{task_id} has no documentation"
    for element in nodes:  # the diagram itself answers "why is this here"
        for prop in element.findall(f"{BPMN}extensionElements/{CAMUNDA}properties/{CAMUNDA}property"):
            if prop.get("name") == "legal_source":
                assert prop.get("value") in (element.findtext(f"{BPMN}documentation") or ""), element.get("id")
    for gateway in process.findall(f"{BPMN}exclusiveGateway"):
        outgoing = [f for f in flows if f.get("sourceRef") == gateway.get("id")]
        if len(outgoing) > 1:
            unconditioned = [f.get("id") for f in outgoing if f.find(f"{BPMN}conditionExpression") is None]
            assert unconditioned in ([], [gateway.get("default")]), gateway.get("id")
    for script in process.findall(f"{BPMN}scriptTask"):
        text = script.findtext(f"{BPMN}script")
        assert "import" not in text and not re.search(r"(^|\W)_", text)
    for timer in process.iter(f"{BPMN}timeDate"):
        assert timer.text.startswith("${end_of_day_utc(")
    drawn = {shape.get("bpmnElement") for shape in root.iter(f"{BPMNDI}BPMNShape", f"{BPMNDI}BPMNEdge")}
    assert drawn >= {element.get("id") for element in [*nodes, *flows]} | {"participant"} | {
        f"lane_{role}" for role in set(lane_of.values())}
    for shape in root.iter(f"{BPMNDI}BPMNShape"):
        if shape.get("bpmnElement") == "participant" or shape.get("bpmnElement").startswith("lane_"):
            assert shape.get("isHorizontal") == "true"


def test_package_metadata():
    from workflows.maintained_warning_notice import PROCESS as WN
    from workflows.ofsted_category_response import PROCESS as OFSTED

    assert (WN.key, WN.applies_to, WN.deadlines) == ("maintained_warning_notice", ("maintained",), wn.deadlines)
    assert (OFSTED.key, OFSTED.applies_to, OFSTED.dmn_files) == (
        "ofsted_category_response", ("maintained",), ("ofsted_category.dmn",))
    install()
    for name in ("warning_notice_regime", "warning_notice_compliance_end", "inspection_framework", "count_graded",
                 "academy_order_regime", "statement_of_action_due_on", "progress_review_due_on"):
        assert name in registered_functions()


@pytest.mark.parametrize("stated_end, window_end, note", [
    # Audit WN-10: a compliance period ending Thu 31 Dec 2026 gives a window ending Sun 28 Feb 2027.
    ("2026-12-31", date(2027, 2, 28), "Sun 28 Feb 2027 is a Sunday"),
    # Ending Sun 25 Oct 2026: the window ends Fri 25 Dec 2026, Christmas Day.
    ("2026-10-25", date(2026, 12, 25), "Fri 25 Dec 2026 is Christmas Day"),
    # Ending Fri 13 Nov 2026: Wed 13 Jan 2027 is a working day, and nothing is said.
    ("2026-11-13", date(2027, 1, 13), None),
])
def test_a_window_ending_on_a_weekend_or_bank_holiday_keeps_its_date_and_says_so(stated_end, window_end, note):
    found = by_id(wn.deadlines({"notice_type": "s60", "notice_given_on": "2026-10-01",
                                "compliance_period_end_stated_on": stated_end}, date(2026, 10, 2)))
    window = found["powers_window_end"]
    assert window.due_on == window_end
    if note is None:
        assert "keeps its date" not in window.rule
    else:
        assert window.rule.endswith(f"; {note}, not a working day: a period of calendar days, so the date is kept "
                                    "(not moved to a working day)")


def test_a_follow_up_ending_on_a_weekend_keeps_its_date_and_says_so():
    """Audit AI-4, the same rule on this route. Category removed Sat 30 Jan 2027 (the date HMCI's letter
    bears) + 12 calendar months = Sun 30 Jan 2028: kept and said. Removed Tue 26 Jan 2027 + 12 months =
    Wed 26 Jan 2028, a working day: nothing said."""
    info = by_id(ofsted.deadlines({"category": "special_measures", "category_removed_on": "2027-01-30"},
                                  date(2027, 2, 1)))["follow_up_end"]
    assert info.due_on == date(2028, 1, 30)
    assert "Sun 30 Jan 2028 is a Sunday, not a working day" in info.rule and "the date is kept" in info.rule
    plain = by_id(ofsted.deadlines({"category": "special_measures", "category_removed_on": "2027-01-26"},
                                   date(2027, 2, 1)))["follow_up_end"]
    assert plain.due_on == date(2028, 1, 26) and "the date is kept" not in plain.rule



@pytest.mark.parametrize("shared_on, today, status", [
    (None, date(2027, 2, 9), "pending"),             # the last day itself is still pending
    (None, date(2027, 2, 10), "missed"),
    ("2027-02-09", date(2027, 2, 10), "met"),
    ("2027-02-10", date(2027, 2, 10), "missed"),     # shared after the earliest visit date
])
def test_the_evaluation_for_hmis_first_monitoring_inspection(shared_on, today, status):
    """Audit OC-5. Report published Tue 12 Jan 2027; HMI may visit from 4 weeks later (Derbyshire Annex 4:
    4-6 weeks), so the authority's evaluation is due Tue 9 Feb 2027, a working day (nothing to say)."""
    data = {"category": "special_measures", "final_report_received_on": "2027-01-05",
            "report_published_on": "2027-01-12", "evaluation_shared_with_hmi_on": shared_on}
    info = by_id(ofsted.deadlines(data, today))["first_monitoring_evaluation_due"]
    assert (info.due_on, info.status) == (date(2027, 2, 9), status)
    assert "the date is kept" not in info.rule and "Derbyshire Annex 4" in info.source


def test_no_monitoring_evaluation_deadline_until_the_report_is_published():
    data = {"category": "special_measures", "final_report_received_on": "2027-01-05"}
    assert "first_monitoring_evaluation_due" not in by_id(ofsted.deadlines(data, date(2027, 1, 6)))
