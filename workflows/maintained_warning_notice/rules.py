"""Gateway helpers and deadlines of the maintained-school warning notice route (EIA 2006 s60/s60A).

The rule that decides a notice's periods changed on 18 Apr 2016 (Education and Adoption Act 2016
s2, commenced by SI 2016/466 reg 2), so it is chosen by the date the notice was given, never by
today: before that date the notice had a fixed "initial period" ending with the 15th working day
following the day it was given, during which the governing body could make representations (to
HMCI for s60, to the LA for s60A); from that date the issuer sets the compliance period in the
notice and there are no representations. Every function here is pure, so the BPMN (through the
registered script functions) and the deadline list count the same way.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from engine.errors import InvalidInput
from engine.hooks import DeadlineInfo, StartContext
from workflows.calendar import add_calendar_months, as_date, working_days_after
from workflows.deadline_terms import (
    deadline_status,
    format_day,
    kept_date_note,
    months_rule,
    optional_date,
    working_days_rule,
)

PROCESS_KEY = "maintained_warning_notice"

#: EIA 2006 Part 4 commenced (s60 as enacted).
S60_IN_FORCE_ON = date(2007, 4, 1)
#: s60A inserted by the Apprenticeships, Skills, Children and Learning Act 2009 Sch 13 para 4.
S60A_IN_FORCE_ON = date(2010, 1, 12)
#: EAA 2016 s2-3 (SI 2016/466 reg 2): the issuer sets the compliance period; representations end.
EAA_2016_IN_FORCE_ON = date(2016, 4, 18)

REGIME_AS_ENACTED = "initial_period_as_enacted"
REGIME_AS_AMENDED = "compliance_period_as_amended_2016"

#: s60(1)(b) as enacted: "the fifteenth working day following" the day the notice was given.
INITIAL_PERIOD_WORKING_DAYS = 15
#: Since 2016 no statute fixes the period; 15 working days is only the default the form offers.
DEFAULT_COMPLIANCE_WORKING_DAYS = 15
#: "Reasonable notice" of intention to use powers (s60(1)(d)): no length was found in law or
#: guidance; this is only the default the form offers, set per case.
DEFAULT_REASONABLE_NOTICE_WORKING_DAYS = 5
#: s64(2), s66A(3): "the period of two months following the end of the compliance period".
POWERS_WINDOW_MONTHS = 2

NOTICE_TYPES = ("s60", "s60A")

#: WN-2, a recorded legal reading: s60(1)(d) as enacted speaks of "the compliance period (as defined
#: by subsection (10))", apart from the 15-working-day initial period of s60(1)(b); s60(10) as enacted
#: was not retrieved. The default, and the safer reading, takes the period the notice itself set
#: (s60(4)(c)), never ending before the initial period: the authority reviews no earlier than
#: either reading allows. The other reading makes the compliance period the initial period.
LEGACY_READING_NOTICE_PERIOD = "notice_period"
LEGACY_READING_INITIAL_PERIOD = "initial_period"
LEGACY_READINGS = (LEGACY_READING_NOTICE_PERIOD, LEGACY_READING_INITIAL_PERIOD)
DEFAULT_LEGACY_READING = LEGACY_READING_NOTICE_PERIOD
#: What day 0 of the notice's periods is, in the deadline rules officers read.
GIVEN = "the day the notice was given"

#: Data the gateways and timers read before any form has set it. A case started at a milestone
#: (an existing notice) brings its own values; any left out get these.
START_DEFAULTS: dict[str, Any] = {
    "notice_type": None,
    "notice_given_on": None,
    "compliance_period_working_days": DEFAULT_COMPLIANCE_WORKING_DAYS,
    "compliance_period_end_stated_on": None,
    "reasonable_notice_working_days": DEFAULT_REASONABLE_NOTICE_WORKING_DAYS,
    "legacy_compliance_reading": DEFAULT_LEGACY_READING,
    #: WN-4, a recorded legal reading: does the two-month window bind s63, s65 and s66 as it binds s64?
    #: Default: it does (the safer reading); see checks.py.
    "powers_window_reading": "limit_binds_all",
    #: The last School Progress Review (local stage, WN-7): the next is due 4 calendar months after it.
    "progress_review_held_on": None,
}

SOURCE_COMPLIANCE_AMENDED = ("EIA 2006 s60(1)(b) and s60(4)(c) as amended by EAA 2016 s2 (from 18 Apr 2016): "
                             "the compliance period is the one the notice specifies")
SOURCE_COMPLIANCE_ENACTED = ("EIA 2006 s60(1)(b) as enacted (1 Apr 2007 - 17 Apr 2016): the initial period "
                             "ends with the fifteenth working day following the day the notice is given")
SOURCE_COMPLIANCE_ENACTED_S60A = ("EIA 2006 s60A(1)(b) as inserted by ASCLA 2009 Sch 13 para 4 (12 Jan 2010 - "
                                  "17 Apr 2016): the initial period ends with the fifteenth working day following "
                                  "the day the notice is given")
SOURCE_LEGACY_COMPLIANCE = ("EIA 2006 s60(1)(d), s60(4)(c) and s60(10) as enacted (1 Apr 2007 - 17 Apr 2016): "
                            "the compliance period 'as defined by subsection (10)'; s60(10) not verified, so the "
                            "reading is recorded on the case")
SOURCE_POWERS_WINDOW = ("EIA 2006 s64(2) and s66A(3): the period of two months following the end of the "
                        "compliance period (believed, not verified, to bind s63, s65 and s66 too; the "
                        "corresponding-date convention for calendar months is inferred)")


def warning_notice_regime(notice_type: Any, notice_given_on: Any) -> str:
    """Which text of s60/s60A governs a notice, by the day it was given (not by today)."""
    given = as_date(notice_given_on, "notice_given_on")
    if notice_type not in NOTICE_TYPES:
        raise ValueError(f"notice_type must be one of {', '.join(NOTICE_TYPES)}, not {notice_type!r}")
    if given < S60_IN_FORCE_ON:
        raise ValueError(f"EIA 2006 s60 was not in force on {given.isoformat()} (commenced 1 Apr 2007)")
    if notice_type == "s60A" and given < S60A_IN_FORCE_ON:
        raise ValueError(f"EIA 2006 s60A was not in force on {given.isoformat()} (inserted from 12 Jan 2010)")
    return REGIME_AS_ENACTED if given < EAA_2016_IN_FORCE_ON else REGIME_AS_AMENDED


def warning_notice_initial_end(notice_type: Any, notice_given_on: Any) -> date | None:
    """Last day of the initial period (representations) of a notice given before 18 Apr 2016; None after.

    s60(1)(b) as enacted: "the fifteenth working day following" the day the notice was given (day 0).
    """
    given = as_date(notice_given_on, "notice_given_on")
    if warning_notice_regime(notice_type, given) != REGIME_AS_ENACTED:
        return None
    return working_days_after(given, INITIAL_PERIOD_WORKING_DAYS)


def _period_the_notice_set(given: date, compliance_period_working_days: Any, compliance_period_end_stated_on: Any) -> date:
    """The end date the notice states, if it states one; else the Nth working day following day 0."""
    if compliance_period_end_stated_on not in (None, ""):
        end = as_date(compliance_period_end_stated_on, "compliance_period_end_stated_on")
        if end < given:
            raise ValueError(f"the compliance period cannot end ({end.isoformat()}) before the notice was "
                             f"given ({given.isoformat()})")
        return end
    days = DEFAULT_COMPLIANCE_WORKING_DAYS if compliance_period_working_days in (None, "") \
        else compliance_period_working_days
    return working_days_after(given, days)


def warning_notice_compliance_end(notice_type: Any, notice_given_on: Any, compliance_period_working_days: Any = None,
                                  compliance_period_end_stated_on: Any = None, legacy_compliance_reading: Any = None) -> date:
    """Last day of the compliance period.

    As amended (from 18 Apr 2016): the period the notice set. As enacted, by the case's recorded
    reading of s60(10) (WN-2): the period the notice set but never before the initial period ends
    (the default), or the initial period itself.
    """
    given = as_date(notice_given_on, "notice_given_on")
    initial_end = warning_notice_initial_end(notice_type, given)
    if initial_end is None:
        return _period_the_notice_set(given, compliance_period_working_days, compliance_period_end_stated_on)
    reading = legacy_compliance_reading or DEFAULT_LEGACY_READING
    if reading not in LEGACY_READINGS:
        raise ValueError(f"legacy_compliance_reading must be one of {', '.join(LEGACY_READINGS)}, not {reading!r}")
    if reading == LEGACY_READING_INITIAL_PERIOD:
        return initial_end
    return max(initial_end, _period_the_notice_set(given, compliance_period_working_days,
                                                   compliance_period_end_stated_on))


def apply_start_defaults(context: StartContext) -> None:
    """Start hook: check a milestone start's facts and fill the data gateways read."""
    if context.process_key != PROCESS_KEY:
        return
    data = context.data
    for key, value in START_DEFAULTS.items():
        if data.get(key) is None:  # left out, or left blank on the start form
            data[key] = value
    if data["notice_given_on"] in (None, ""):
        data["notice_given_on"] = None
        return
    try:
        warning_notice_compliance_end(data["notice_type"], data["notice_given_on"],
                                      data["compliance_period_working_days"], data["compliance_period_end_stated_on"],
                                      data["legacy_compliance_reading"])
    except ValueError as error:
        raise InvalidInput(f"cannot start at the notice already given: {error}") from None


# --- Deadlines ------------------------------------------------------------------------------


def deadlines(data: dict[str, Any], today: date) -> list[DeadlineInfo]:
    """The compliance period and the window for using powers, worked out from the case data."""
    given = optional_date(data.get("notice_given_on"))
    if given is None:
        note = "the warning notice has not been given yet"
        return [
            DeadlineInfo("compliance_period_end", "End of the compliance period", None,
                         "counted from the day the notice is given", SOURCE_COMPLIANCE_AMENDED, "unknown", note=note),
            DeadlineInfo("powers_window_end", "Last day to use intervention powers", None,
                         "two calendar months following the end of the compliance period", SOURCE_POWERS_WINDOW,
                         "unknown", note=note),
        ]
    try:
        end = warning_notice_compliance_end(data.get("notice_type"), given, data.get("compliance_period_working_days"),
                                            data.get("compliance_period_end_stated_on"),
                                            data.get("legacy_compliance_reading"))
    except ValueError as error:
        return [DeadlineInfo("compliance_period_end", "End of the compliance period", None, str(error),
                             SOURCE_COMPLIANCE_AMENDED, "unknown", note="the notice's facts cannot be counted")]
    if data.get("representations_outcome") == "not_confirmed":
        return []  # HMCI (or the LA for s60A) did not confirm the notice: it has no further effect
    initial_end = warning_notice_initial_end(data.get("notice_type"), given)
    found = [] if initial_end is None else [_initial_period_deadline(data, given, initial_end, today)]
    found.append(_compliance_deadline(data, given, end, today))
    if data.get("governing_body_complied") is not True:
        found.append(_powers_window_deadline(data, end, today))
    return found


def _compliance_deadline(data: dict[str, Any], given: date, end: date, today: date) -> DeadlineInfo:
    regime = warning_notice_regime(data.get("notice_type"), given)
    if regime == REGIME_AS_ENACTED:
        name, source, rule = _legacy_compliance_terms(data, given, end)
    elif data.get("compliance_period_end_stated_on"):
        name, source = "End of the compliance period", SOURCE_COMPLIANCE_AMENDED
        rule = f"the end date stated in the notice given on {format_day(given)}"
    else:
        name, source = "End of the compliance period", SOURCE_COMPLIANCE_AMENDED
        days = data.get("compliance_period_working_days") or DEFAULT_COMPLIANCE_WORKING_DAYS
        rule = working_days_rule(given, days, end, GIVEN)
    complied = data.get("governing_body_complied")
    reviewed_on = optional_date(data.get("compliance_reviewed_on"))
    if complied is True:
        return DeadlineInfo("compliance_period_end", name, end, rule, source, "met", reviewed_on,
                            "the authority judged that the governing body complied")
    if complied is False:
        return DeadlineInfo("compliance_period_end", name, end, rule, source, "missed", None,
                            "the authority judged that the governing body did not comply")
    note = "the period has ended; compliance is still to be reviewed" if today > end else None
    return DeadlineInfo("compliance_period_end", name, end, rule, source, "pending", None, note)


def _initial_period_deadline(data: dict[str, Any], given: date, end: date, today: date) -> DeadlineInfo:
    """s60(1)(b) as enacted: representations could be made until the end of the initial period."""
    source = SOURCE_COMPLIANCE_ENACTED_S60A if data.get("notice_type") == "s60A" else SOURCE_COMPLIANCE_ENACTED
    rule = working_days_rule(given, INITIAL_PERIOD_WORKING_DAYS, end, GIVEN)
    outcome = data.get("representations_outcome")
    if outcome:
        return DeadlineInfo("initial_period_end", "End of the initial period (representations, as enacted)", end,
                            rule, source, "met", optional_date(data.get("representations_decided_on")) or end,
                            f"representations recorded: {outcome.replace('_', ' ')}")
    status = "pending" if today <= end else "missed"
    note = "the representations are still to be recorded" if status == "missed" else None
    return DeadlineInfo("initial_period_end", "End of the initial period (representations, as enacted)", end,
                        rule, source, status, None, note)


def _legacy_compliance_terms(data: dict[str, Any], given: date, end: date) -> tuple[str, str, str]:
    reading = data.get("legacy_compliance_reading") or DEFAULT_LEGACY_READING
    if reading == LEGACY_READING_INITIAL_PERIOD:
        rule = working_days_rule(given, INITIAL_PERIOD_WORKING_DAYS, end, GIVEN)
        return ("End of the compliance period (read as the initial period)", SOURCE_LEGACY_COMPLIANCE,
                f"{rule}; legal reading recorded on the case: the compliance period is the initial period")
    if data.get("compliance_period_end_stated_on"):
        rule = f"the end date stated in the notice given on {format_day(given)}"
    else:
        days = data.get("compliance_period_working_days") or DEFAULT_COMPLIANCE_WORKING_DAYS
        rule = working_days_rule(given, days, working_days_after(given, days), GIVEN)
    return ("End of the compliance period (the period the notice set)", SOURCE_LEGACY_COMPLIANCE,
            f"{rule}; never before the initial period ends; legal reading recorded on the case: the "
            "compliance period is the one the notice set (the default, safer reading)")


def _powers_window_deadline(data: dict[str, Any], compliance_end: date, today: date) -> DeadlineInfo:
    due = add_calendar_months(compliance_end, POWERS_WINDOW_MONTHS)
    rule = months_rule(compliance_end, POWERS_WINDOW_MONTHS, due, "the end of the compliance period")
    status, met_on, note = deadline_status(due, optional_date(data.get("powers_decided_on")), today)
    if status == "missed" and note == "not recorded as done":
        note = "the window closed without a decision to use powers"
    rule += kept_date_note(due)  # WN-10: a window on a weekend or bank holiday keeps its date, and says so
    return DeadlineInfo("powers_window_end", "Last day to use intervention powers", due, rule,
                        SOURCE_POWERS_WINDOW, status, met_on, note)

