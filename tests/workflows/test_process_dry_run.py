"""The process owner's dry run of a real route: the steps in order, who acts, and each due day
counted with the real calendar, the bank holidays it skips named (worked out by hand below)."""
from __future__ import annotations

from datetime import date

from workflows.maintained_warning_notice import PROCESS
from workflows.ofsted_category_response import PROCESS as OFSTED
from workflows.process_dry_run import authority_term_dates, dry_run, due_rule, start_data
from workflows.school_models import SchoolHoliday

#: Through the informal stage to the notice: the answers that take each gateway towards it.
TO_THE_NOTICE = {"progress_review_outcome": "escalate", "notice_recommended": True}


def walk(start_on: date, **answers):
    return dry_run(PROCESS.read_bpmn(), start_on, {**TO_THE_NOTICE, **answers}, PROCESS.read_dmn())


def step(result, bpmn_id: str):
    return next(s for s in result.steps if s.bpmn_id == bpmn_id)


def test_a_warning_notice_given_on_21_december_2026_ends_its_compliance_period_on_14_january_2027():
    """Given Mon 21 Dec 2026; 15 working days following: 22, 23, 24 Dec (3); Fri 25 Dec Christmas Day, the
    weekend, Mon 28 Dec Boxing Day (substitute day, 26 Dec being a Saturday) skipped; 29, 30, 31 Dec (6);
    Fri 1 Jan 2027 New Year's Day skipped; 4-8 Jan (11); 11, 12, 13, 14 Jan (15): the period ends Thu 14 Jan."""
    result = walk(date(2026, 12, 21))
    ended = step(result, "compliance_period_ended")
    assert (ended.kind, ended.due_on) == ("timer", date(2027, 1, 14))
    assert ended.due_rule == ("end_of_day_utc(compliance_period_ends_on); bank holidays in between: Christmas Day "
                              "(25 December 2026), Boxing Day (substitute day) (28 December 2026), New Year's Day "
                              "(1 January 2027)")
    copies = step(result, "send_warning_notice_copies")
    assert (copies.role, copies.due_on, copies.due_rule) == ("Case manager", date(2026, 12, 21), "notice_given_on")
    assert "s60(6)" in copies.legal_source
    assert result.ended and result.problems == []


def test_the_steps_come_in_the_order_a_case_takes_them_with_who_acts():
    result = walk(date(2026, 12, 21))
    order = [s.bpmn_id for s in result.steps]
    assert order[:7] == ["discuss_concerns", "confirm_concerns_in_writing", "review_school_progress",
                         "recommend_warning_notice", "decide_warning_notice", "issue_warning_notice",
                         "send_warning_notice_copies"]
    assert order.index("compliance_period_ended") < order.index("review_compliance")
    assert step(result, "decide_warning_notice").role == "Cabinet Member for Children and Young People"


def test_the_owners_answers_override_the_form_defaults():
    """20 working days from Mon 21 Dec 2026: the 15th is Thu 14 Jan 2027 (above); then 15, 18, 19, 20, 21 Jan."""
    result = walk(date(2026, 12, 21), compliance_period_working_days=20)
    assert step(result, "compliance_period_ended").due_on == date(2027, 1, 21)


def test_a_notice_given_in_summer_skips_no_bank_holiday():
    """Given Mon 1 Jun 2026: 15 working days following with no bank holiday (the late May one was 25 May,
    before it, and the summer one is 31 Aug): 2-5 Jun (4), 8-12 (9), 15-19 (14), Mon 22 Jun (15)."""
    ended = step(walk(date(2026, 6, 1)), "compliance_period_ended")
    assert ended.due_on == date(2026, 6, 22) and ended.due_rule == "end_of_day_utc(compliance_period_ends_on)"


def test_a_file_that_does_not_parse_gives_problems_and_no_steps():
    result = dry_run("<bpmn:definitions", date(2026, 12, 1))
    assert result.steps == [] and result.problems and not result.ended


def test_the_routes_start_defaults_are_applied_without_a_database():
    data = start_data(PROCESS.key, {})
    assert data["compliance_period_working_days"] == 15 and data["notice_given_on"] is None


def test_a_rule_with_no_holiday_in_between_is_shown_as_written():
    assert due_rule("${working_days_after(notice_given_on, 2)}", date(2026, 12, 1), date(2026, 12, 3)) == \
        "working_days_after(notice_given_on, 2)"
    assert due_rule(None, date(2026, 12, 1), None) is None


# --- term dates: the Ofsted route's inspection-regulation deadlines skip long school holidays ----

OFSTED_FACTS = {"is_voluntary_aided": False, "has_foundation": False, "is_church_school": False}
CHRISTMAS_HOLIDAY = [["2026-12-21", "2027-01-01"]]


def ofsted(start_on: date, **kwargs):
    return dry_run(OFSTED.read_bpmn(), start_on, OFSTED_FACTS, OFSTED.read_dmn(), **kwargs)


def test_the_authoritys_term_dates_move_an_inspection_deadline_past_the_christmas_holiday():
    """Draft report received Mon 14 Dec 2026, comments due in 5 working days (reg 2(1)). Without term dates:
    15, 16, 17, 18, 21 Dec. With the Christmas holiday Mon 21 Dec-Fri 1 Jan (taken with its weekends,
    Sat 19 Dec-Sun 3 Jan: longer than a week, so none of its days count): 15-18 Dec (4), Mon 4 Jan 2027 (5)."""
    without = step(ofsted(date(2026, 12, 14)), "send_draft_report_comments")
    assert without.due_on == date(2026, 12, 21)
    counted = step(ofsted(date(2026, 12, 14), term_dates=CHRISTMAS_HOLIDAY), "send_draft_report_comments")
    assert counted.due_on == date(2027, 1, 4)
    assert counted.due_rule.endswith("school holidays in between: 19 December 2026 to 3 January 2027")


def test_holidays_in_the_owners_data_win_over_the_authoritys_term_dates():
    result = ofsted(date(2026, 12, 14), term_dates=CHRISTMAS_HOLIDAY)
    given = dry_run(OFSTED.read_bpmn(), date(2026, 12, 14), {**OFSTED_FACTS, "school_holidays": []},
                    OFSTED.read_dmn(), term_dates=CHRISTMAS_HOLIDAY)
    assert step(result, "send_draft_report_comments").due_on == date(2027, 1, 4)
    assert step(given, "send_draft_report_comments").due_on == date(2026, 12, 21)


def test_an_authoritys_term_dates_are_its_own_rows_only(session):
    session.add_all([
        SchoolHoliday(la_code="358", urn=None, name="Christmas", first_day=date(2026, 12, 21), last_day=date(2027, 1, 1)),
        SchoolHoliday(la_code="358", urn=None, name="INSET day", first_day=date(2027, 1, 4), last_day=date(2027, 1, 4)),
        SchoolHoliday(la_code="358", urn="100001", name="Own Christmas", first_day=date(2026, 12, 18),
                      last_day=date(2027, 1, 1)),
        SchoolHoliday(la_code="830", urn=None, name="Christmas", first_day=date(2026, 12, 18), last_day=date(2027, 1, 4)),
    ])
    session.flush()
    assert authority_term_dates(session, "358") == [["2026-12-21", "2027-01-01"], ["2027-01-04", "2027-01-04", "inset"]]
    assert authority_term_dates(session, "999") is None


def test_the_dry_run_fills_the_routes_start_defaults_and_runs_no_check_that_needs_the_database():
    import inspect

    from engine import hooks
    from workflows.maintained_warning_notice.rules import START_DEFAULTS
    from workflows.process_dry_run import start_data

    filled = start_data("maintained_warning_notice", {})
    assert {k: filled[k] for k in START_DEFAULTS} == START_DEFAULTS
    assert start_data("ofsted_category_response", {})["school_holidays"] is None  # a real start copies the school's
    assert hooks.start_data_hooks and all(len(inspect.signature(h).parameters) == 1 for h in hooks.start_data_hooks)
