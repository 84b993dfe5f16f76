"""Gateway helpers, DMN helpers and deadlines of the route for a maintained school that Ofsted
judges to need special measures or significant improvement (EA 2005 s44, s13, s15).

Two rules changed on a date, and each is chosen by the date of the event it governs, never by
today: which inspection framework graded the school (by the inspection date: overall effectiveness
until 1 Sep 2024, key judgements from 2 Sep 2024, report cards from 10 Nov 2025), and whether the
Secretary of State must or may make an academy order (by the date of HMCI's notice and of the order:
Academies Act 2010 s4(A1) duty only where the notice came before 29 Jun 2026 and the order was made on
or before 28 Jun 2026, the CWSA 2026 transitional rule; otherwise the s4(1)(b) power, CWSA 2026 s58).
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from engine.errors import InvalidInput
from engine.hooks import DeadlineInfo, StartContext
from workflows.calendar import (
    add_calendar_months,
    as_date,
    inspection_working_days_after,
    long_holidays,
    skipped_holidays,
    working_days_after,
)
from workflows.deadline_terms import (
    deadline_status,
    describe_holidays,
    format_day,
    kept_date_note,
    months_rule,
    optional_date,
    ordinal,
    working_days_from,
    working_days_rule,
)

PROCESS_KEY = "ofsted_category_response"

#: Ofsted stopped grading overall effectiveness for inspections from this day (Sept 2024 handbook).
KEY_JUDGEMENTS_FROM = date(2024, 9, 2)
#: Report cards: inspections from this day are graded on the five-point scale per evaluation area.
REPORT_CARDS_FROM = date(2025, 11, 10)
FRAMEWORK_OVERALL_EFFECTIVENESS = "overall_effectiveness"
FRAMEWORK_KEY_JUDGEMENTS = "key_judgements_2024"
FRAMEWORK_REPORT_CARDS = "report_cards_2025"

CATEGORIES = ("special_measures", "requires_significant_improvement", "none")

#: CWSA 2026 s58 repeals Academies Act 2010 s4(A1) from this day (s78(2)).
ACADEMY_ORDER_DUTY_REPEALED_ON = date(2026, 6, 29)
#: The repeal is ignored for an order under s4(A1) in force immediately before 29 Jun 2026: made by this day.
LAST_DAY_FOR_A_DUTY_ORDER = ACADEMY_ORDER_DUTY_REPEALED_ON - timedelta(days=1)
ACADEMY_ORDER_DUTY = "duty_s4_A1"
ACADEMY_ORDER_POWER = "power_s4_1_b"

#: EA 2005 s15: "the prescribed period", generally given as 10 working days (regulation not found).
STATEMENT_OF_ACTION_WORKING_DAYS = 10
#: Derbyshire Annex 4 (2014): 5 working days to comment on the draft; current period not found.
DEFAULT_DRAFT_COMMENTS_WORKING_DAYS = 5
#: Derbyshire Annex 4: parents receive the report within 5 working days of the school's receipt.
PARENTS_COPIES_WORKING_DAYS = 5
#: Derbyshire: School Progress Reviews "at least three times per year", so no more than 4 months apart.
PROGRESS_REVIEW_INTERVAL_MONTHS = 4
#: Derbyshire Annex 4 (2014): HMI's first monitoring inspection comes 4-6 weeks after publication, and the
#: authority's evaluation of progress is shared with HMI before each visit: due by the earliest (4 weeks).
FIRST_MONITORING_EARLIEST_DAYS = 28
#: Derbyshire: the school stays in the Priority schools programme for at least 12 months after exit.
FOLLOW_UP_MONTHS = 12

NO_TERM_DATES_NOTE = ("no term dates recorded for this school's authority: import them with "
                      "`intervene schools term-dates import`")

START_DEFAULTS: dict[str, Any] = {
    "category": None,
    "final_report_received_on": None,
    "statement_of_action_counted_from_on": None,
    "sos_directed_period_working_days": None,
    "review_held_on": None,
    # Set on "Record HMCI's notice" only where an s4(A1) order was made by 28 Jun 2026.
    "academy_order_made_on": None,
    # The case's legal readings of "a holiday longer than a week" (calendar.py), safer defaults first.
    "holiday_reading": "school_days",
    "inset_reading": "not_holiday",
    # Audit OC-3: which working days the statement of action is counted in; the earlier by default.
    "statement_days_reading": "bank_holidays",
    # Warnings a later step should see (HMCI's category and the grades disagreeing).
    "legal_warnings": [],
    "order_consultation_on": None,
    "order_copies_sent_on": None,
    # Audit OC-4: the school's own receipt drives the parents' copies (blank: the authority's day).
    "school_received_final_report_on": None,
}
STATEMENT_DAYS_READINGS = ("bank_holidays", "inspection_regulations")

#: A holiday row named like this is an INSET (training) day: the case's inset_reading decides whether
#: it is part of the holiday it touches. Name such rows "INSET day ..." when importing term dates.
INSET_NAME = re.compile(r"\binset\b|training day", re.IGNORECASE)

SOURCE_DRAFT = ("EA 2005 s13(2) (comments on the draft report within the prescribed period); 5 working days per "
                "Derbyshire Annex 4 (2014): the current prescribed period was not found, so it is set per case; "
                "counted under the Education (School Inspection) (England) Regulations 2005 reg 2")
SOURCE_PARENTS = ("Derbyshire Annex 4 (2014): the school secures that parents receive the report within 5 working "
                  "days of receiving the final report (underlying regulation not re-verified); counted under the "
                  "Education (School Inspection) (England) Regulations 2005 reg 2")
SOURCE_STATEMENT = ("EA 2005 s15(2)-(3): the statement of action within the prescribed period, generally 10 working "
                    "days (regulation not found); the Secretary of State may direct a shorter period for special "
                    "measures (s15(3)(b)). Start point disputed: receipt of the final report (Derbyshire; Ofsted "
                    "2012 guidance) or its publication (EA 2005 Explanatory Notes)")
SOURCE_REVIEWS = "Derbyshire procedures: School Progress Reviews at least three times a year (local)"
SOURCE_MONITORING = ("Derbyshire Annex 4 (2014, local): HMI's first monitoring inspection within 4-6 weeks of the "
                     "report's publication; the authority's evaluation of progress is shared with HMI before each "
                     "monitoring inspection. Intervals under the 2025 framework not found")
SOURCE_FOLLOW_UP = ("EA 2005 s13(4)/(5) (HMCI states the category is no longer needed); Derbyshire keeps the school "
                    "in its Priority schools programme for at least 12 months (local)")


def inspection_framework(inspection_date: Any) -> str:
    """Which grading scheme the inspection used, by the date of the inspection."""
    day = as_date(inspection_date, "inspection_date")
    if day < KEY_JUDGEMENTS_FROM:
        return FRAMEWORK_OVERALL_EFFECTIVENESS
    if day < REPORT_CARDS_FROM:
        return FRAMEWORK_KEY_JUDGEMENTS
    return FRAMEWORK_REPORT_CARDS


def count_graded(grade: str, *judgements: Any) -> int:
    """How many of the judgements have this grade; for the DMN table's inputs."""
    return sum(1 for judgement in judgements if judgement == grade)


def academy_order_regime(hmci_notice_given_on: Any, academy_order_made_on: Any = None) -> str:
    """Duty or power, by the dates of HMCI's s13(3) notice and of any order made (never today).

    CWSA 2026 s58 repeals s4(A1) from 29 Jun 2026; the repeal is ignored only where an order made
    under s4(A1) was in force immediately before that day (domain note 0.2, section 8 scenario 10).
    So a notice of Fri 26 Jun 2026 with no order by Sun 28 Jun leaves the regional director a power.
    """
    notice_on = as_date(hmci_notice_given_on, "hmci_notice_given_on")
    made_on = optional_date(academy_order_made_on)
    if notice_on < ACADEMY_ORDER_DUTY_REPEALED_ON and made_on is not None \
            and notice_on <= made_on <= LAST_DAY_FOR_A_DUTY_ORDER:
        return ACADEMY_ORDER_DUTY
    return ACADEMY_ORDER_POWER


def statement_period_working_days(category: Any, sos_directed_period_working_days: Any) -> int:
    """10, or the shorter period the Secretary of State directed (special measures only, s15(3)(b))."""
    directed = sos_directed_period_working_days
    if category == "special_measures" and isinstance(directed, int) and not isinstance(directed, bool) \
            and 0 < directed < STATEMENT_OF_ACTION_WORKING_DAYS:
        return directed
    return STATEMENT_OF_ACTION_WORKING_DAYS


def statement_of_action_due_on(category: Any, final_report_received_on: Any, statement_of_action_counted_from_on: Any,
                               sos_directed_period_working_days: Any, statement_days_reading: Any = "bank_holidays",
                               school_holidays: Any = None, holiday_reading: Any = "school_days",
                               inset_reading: Any = "not_holiday") -> date:
    """The Nth working day following the counting-from date (the authority's receipt of the final report).

    Which working days is a legal reading the case records (audit OC-3): bank-holiday working days
    (the default, domain note §8 example 3: never the later date), or the inspection regulations'
    (school holidays longer than a week skipped too), used only where the school's term dates are known.
    """
    start = as_date(statement_of_action_counted_from_on or final_report_received_on, "final_report_received_on")
    days = statement_period_working_days(category, sos_directed_period_working_days)
    if statement_days_reading == "inspection_regulations" and school_holidays:
        return inspection_working_days_after(start, days, school_holidays, holiday_reading or "school_days",
                                             inset_reading or "not_holiday")
    return working_days_after(start, days)


def progress_review_due_on(review_held_on: Any, statement_of_action_sent_on: Any) -> date:
    """At most four calendar months after the last review (or after the statement of action)."""
    return add_calendar_months(as_date(review_held_on or statement_of_action_sent_on, "review_held_on"),
                               PROGRESS_REVIEW_INTERVAL_MONTHS)


def apply_start_defaults(context: StartContext) -> None:
    """Start data hook: check a milestone start's facts and fill the data gateways read."""
    if context.process_key != PROCESS_KEY:
        return
    data = context.data
    for key, value in START_DEFAULTS.items():
        if data.get(key) is None:  # left out, or left blank on the start form
            data[key] = value
    in_category = [c for c in CATEGORIES if c != "none"]
    if data["category"] not in (None, *in_category):
        raise InvalidInput(f"category must be one of {', '.join(in_category)} (or left out to work it out from the "
                           f"grades), not {data['category']!r}")
    for key in ("final_report_received_on", "statement_of_action_counted_from_on"):
        if data[key] not in (None, "") and optional_date(data[key]) is None:
            raise InvalidInput(f"{key} must be an ISO date like 2025-12-12, not {data[key]!r}")
    data.setdefault("school_holidays", None)  # the deadlines read it; copy_recorded_holidays may fill it


def copy_recorded_holidays(session: Any, context: StartContext) -> None:
    """Start hook: copy the school's recorded holidays onto the case (inspection-regulation periods
    skip those longer than a week), unless the start gives them."""
    if context.process_key == PROCESS_KEY and context.data.get("school_holidays") is None:
        context.data["school_holidays"] = _recorded_holidays(session, context.business_key)


def _recorded_holidays(session: Any, urn: str | None) -> list[list[str]] | None:
    if not urn:
        return None
    from workflows.term_dates import school_holiday_rows

    found = [[row.first_day.isoformat(), row.last_day.isoformat(), *(["inset"] if INSET_NAME.search(row.name) else [])]
             for row in school_holiday_rows(session, urn)]
    return found or None


def refresh_holidays(session: Any, instance: Any, task: Any, data: dict[str, Any]) -> None:
    """Task-data hook: term dates recorded after the case started are used by the deadlines still
    to come (audit OC-10). A deadline already met keeps its judgement: added holidays only move a due
    date later. Term dates removed since are not taken away from the case (nothing is lost silently)."""
    if getattr(instance, "process_key", None) != PROCESS_KEY or not instance.business_key:
        return
    found = _recorded_holidays(session, instance.business_key)
    if found and found != data.get("school_holidays"):
        data["school_holidays"] = found


# --- Deadlines ------------------------------------------------------------------------------


def deadlines(data: dict[str, Any], today: date) -> list[DeadlineInfo]:
    if data.get("category") == "none":
        return []
    found = [_parents_copies(data, today), _statement_of_action(data, today)]
    # A case taken on at the final report began after the draft stage: no step of it can record the
    # draft, so its deadline would read "not known yet" for good. A case walked through it keeps it.
    if optional_date(data.get("draft_report_received_on")) is not None \
            or optional_date(data.get("final_report_received_on")) is None:
        found.insert(0, _draft_comments(data, today))
    published_on = optional_date(data.get("report_published_on"))
    if published_on is not None:
        found.append(_first_monitoring_evaluation(published_on, data, today))
    removed_on = optional_date(data.get("category_removed_on"))
    if removed_on is None and optional_date(data.get("statement_of_action_sent_on")) is not None:
        found.append(_progress_review(data, today))
    if removed_on is not None:
        found.append(_follow_up(data, removed_on))
    return found


def _inspection_deadline(deadline_id: str, name: str, source: str, data: dict[str, Any], start_key: str,
                         days: Any, done_key: str, today: date, what: str) -> DeadlineInfo:
    start = optional_date(data.get(start_key))
    if start is None:
        return DeadlineInfo(deadline_id, name, None, f"{ordinal(int(days))} working day following {what}", source,
                            "unknown", note=f"the date of {what} is not recorded")
    holidays = data.get("school_holidays") or []
    rule = f"{working_days_from(start, days, what)}, school holidays longer than a week not counted"
    if not holidays:
        return DeadlineInfo(deadline_id, name, None, rule, source, "unknown", note=NO_TERM_DATES_NOTE)
    readings = (data.get("holiday_reading") or "school_days", data.get("inset_reading") or "not_holiday")
    due = inspection_working_days_after(start, days, holidays, *readings)
    rule = f"{rule}; {inspection_skips(start, due, holidays, *readings)}"
    status, met_on, note = deadline_status(due, optional_date(data.get(done_key)), today)
    return DeadlineInfo(deadline_id, name, due, rule, source, status, met_on, note)


def inspection_skips(start: date, end: date, holidays: list[Any], holiday_reading: str = "school_days",
                     inset_reading: str = "not_holiday") -> str:
    """What an inspection-regulations count skipped besides weekends, in words."""
    long = [(first, last) for first, last in long_holidays(holidays, holiday_reading, inset_reading)
            if first <= end and last > start]
    in_holiday = [day for first, last in long for day in _days(first, last)]
    bank = [(day, name) for day, name in skipped_holidays(start, end) if day not in in_holiday]
    parts = [f"skips {describe_holidays(bank)}"] if bank else []
    parts += [f"skips the school holiday {format_day(first)} - {format_day(last)}" for first, last in long]
    return "; ".join(parts) if parts else "no holidays in between"


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def _draft_comments(data: dict[str, Any], today: date) -> DeadlineInfo:
    days = data.get("draft_comments_working_days") or DEFAULT_DRAFT_COMMENTS_WORKING_DAYS
    return _inspection_deadline("draft_comments_due", "Governing body's comments on the draft report", SOURCE_DRAFT,
                                data, "draft_report_received_on", days, "draft_comments_sent_on", today,
                                "receipt of the draft report")


def _parents_copies(data: dict[str, Any], today: date) -> DeadlineInfo:
    # Audit OC-4: counted from the school's own receipt; where it is not recorded, from the authority's.
    own = optional_date(data.get("school_received_final_report_on")) is not None
    return _inspection_deadline("parents_copies_due", "Parents receive the inspection report", SOURCE_PARENTS,
                                data, "school_received_final_report_on" if own else "final_report_received_on",
                                PARENTS_COPIES_WORKING_DAYS, "parents_copies_sent_on", today,
                                "the school's receipt of the final report" if own else
                                "the authority's receipt of the final report; the school's not recorded")


def _statement_of_action(data: dict[str, Any], today: date) -> DeadlineInfo:
    name = "LA statement of action sent to HMCI"
    received = optional_date(data.get("final_report_received_on"))
    counted_from = optional_date(data.get("statement_of_action_counted_from_on")) or received
    if counted_from is None:
        return DeadlineInfo("statement_of_action_due", name, None, "10th working day following receipt of the "
                            "final report", SOURCE_STATEMENT, "unknown", note="the final report's receipt is not "
                            "recorded")
    days = statement_period_working_days(data.get("category"), data.get("sos_directed_period_working_days"))
    what = "receipt of the final report" if counted_from == received else "the date the period is counted from"
    bank_due = working_days_after(counted_from, days)
    rule = working_days_rule(counted_from, days, bank_due, what)
    if days != STATEMENT_OF_ACTION_WORKING_DAYS:
        rule += "; shorter period directed by the Secretary of State (special measures)"
    due, rule = _statement_readings(data, counted_from, days, bank_due, rule)
    status, met_on, note = deadline_status(due, optional_date(data.get("statement_of_action_sent_on")), today)
    return DeadlineInfo("statement_of_action_due", name, due, rule, SOURCE_STATEMENT, status, met_on, note)


def _statement_readings(data: dict[str, Any], counted_from: date, days: int, bank_due: date,
                        rule: str) -> tuple[date, str]:
    """Both readings of "working day" where they differ (audit OC-3), and the one the case chose."""
    chosen = data.get("statement_days_reading") or "bank_holidays"
    holidays = data.get("school_holidays") or []
    if not holidays:
        if chosen == "inspection_regulations":
            rule += f"; reading chosen: the inspection regulations, but {NO_TERM_DATES_NOTE}, so bank holidays only"
        return bank_due, rule
    readings = (data.get("holiday_reading") or "school_days", data.get("inset_reading") or "not_holiday")
    regs_due = inspection_working_days_after(counted_from, days, holidays, *readings)
    if regs_due == bank_due:
        return bank_due, rule + "; the same day under the inspection regulations"
    if chosen == "inspection_regulations":
        return regs_due, (f"{working_days_from(counted_from, days)}, school holidays longer than a week not counted "
                          f"(the reading the authority chose); {inspection_skips(counted_from, regs_due, holidays, *readings)}"
                          f"; in bank-holiday working days it would be {format_day(bank_due)}")
    return bank_due, (f"{rule} (the reading the authority chose); under the inspection regulations (school holidays "
                      f"longer than a week not counted) it would be {format_day(regs_due)}")


def _progress_review(data: dict[str, Any], today: date) -> DeadlineInfo:
    last = optional_date(data.get("review_held_on"))
    start = last or optional_date(data.get("statement_of_action_sent_on"))
    assert start is not None  # deadlines() asks only once the statement of action is sent
    due = add_calendar_months(start, PROGRESS_REVIEW_INTERVAL_MONTHS)
    what = "the last School Progress Review" if last else "the statement of action"
    rule = months_rule(start, PROGRESS_REVIEW_INTERVAL_MONTHS, due, what) + kept_date_note(due)
    status, met_on, note = deadline_status(due, None, today)
    if status == "missed":
        note = "no School Progress Review recorded since"
    return DeadlineInfo("progress_review_due", "Next School Progress Review", due, rule, SOURCE_REVIEWS, status,
                        met_on, note)


def _first_monitoring_evaluation(published_on: date, data: dict[str, Any], today: date) -> DeadlineInfo:
    due = published_on + timedelta(days=FIRST_MONITORING_EARLIEST_DAYS)
    rule = (f"4 weeks after {format_day(published_on)} (the report's publication), the earliest HMI's first "
            f"monitoring inspection can come: {format_day(due)}{kept_date_note(due)}")
    shared_on = optional_date(data.get("evaluation_shared_with_hmi_on"))
    status, met_on, note = deadline_status(due, shared_on, today)
    return DeadlineInfo("first_monitoring_evaluation_due", "Progress evaluation shared with HMI before the first "
                        "monitoring inspection", due, rule, SOURCE_MONITORING, status, met_on, note)


def _follow_up(data: dict[str, Any], removed_on: date) -> DeadlineInfo:
    due = add_calendar_months(removed_on, FOLLOW_UP_MONTHS)
    rule = months_rule(removed_on, FOLLOW_UP_MONTHS, due, "HMCI removed the category") + kept_date_note(due)
    closed_on = optional_date(data.get("follow_up_closed_on"))
    if closed_on is not None:
        return DeadlineInfo("follow_up_end", "End of the 12 months' follow-up", due, rule, SOURCE_FOLLOW_UP,
                            "met", closed_on, "follow-up closed")
    return DeadlineInfo("follow_up_end", "End of the 12 months' follow-up", due, rule, SOURCE_FOLLOW_UP, "pending")
