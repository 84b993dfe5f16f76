"""Deadlines and gateway helpers of the academy Letter of Concern route.

The route is local practice (Derbyshire's protocol), not statute: no period for the academy's
reply was found in the protocol or in law (domain note 3.1, "Deadlines: none given"). The LA sets
it as a number of working days in its written confirmation; 15 is only the default the form offers.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from engine.hooks import DeadlineInfo
from workflows.calendar import as_date, skipped_holidays, working_days_after

PROTOCOL = "Local procedure (Derbyshire Letter of Concern protocol)"
#: A local default, not law: the protocol gives no period (not found). Officers change it per case.
DEFAULT_RESPONSE_WORKING_DAYS = 15


def loc_response_due_on(concerns_confirmed_on: Any, response_working_days: Any) -> str:
    """The date the academy is asked to reply by, as ISO text for the case data."""
    return working_days_after(concerns_confirmed_on, response_working_days).isoformat()


def deadlines(data: dict[str, Any], today: date) -> list[DeadlineInfo]:
    found = []
    if data.get("concerns_confirmed_on") or data.get("response_working_days") is not None:
        found.append(_response_deadline(data, today))
    if data.get("trust_reply_due_on"):
        found.append(_trust_reply_deadline(data, today))
    return found


def _response_deadline(data: dict[str, Any], today: date) -> DeadlineInfo:
    name = "Academy's response to the written confirmation of concerns"
    source = f"{PROTOCOL}; the period is set by the LA (no statutory or protocol period found)"
    start, days = optional_date(data.get("concerns_confirmed_on")), data.get("response_working_days")
    if start is None or not isinstance(days, int) or isinstance(days, bool) or days < 1:
        return DeadlineInfo("response_due", name, None, "the written confirmation's date and the number of "
                            "working days allowed are not both recorded", source, "unknown")
    due = working_days_after(start, days)
    status, met_on, note = deadline_status(due, optional_date(data.get("response_received_on")), today)
    rule = working_days_rule(start, days, due, "the LA confirmed the concerns in writing")
    return DeadlineInfo("response_due", name, due, rule, source, status, met_on, note)


def _trust_reply_deadline(data: dict[str, Any], today: date) -> DeadlineInfo:
    due = optional_date(data.get("trust_reply_due_on"))
    name = "Trust board's reply to the LA's representations"
    source = f"{PROTOCOL}: representations to the board of the academy trust; the date is the LA's own"
    if due is None:
        return DeadlineInfo("trust_reply_due", name, None, "no valid reply date recorded", source, "unknown")
    status, met_on, note = deadline_status(due, optional_date(data.get("trust_reply_received_on")), today)
    rule = f"the date the LA set in its representations ({long_date(due)}); no working days counted"
    return DeadlineInfo("trust_reply_due", name, due, rule, source, status, met_on, note)


# --- Shared wording and status (the academy_intervention rules use the same conventions) ---------


def optional_date(value: Any) -> date | None:
    """A date from case data, or None when it is absent or not a date (old or hand-edited data)."""
    if value in (None, ""):
        return None
    try:
        return as_date(value)
    except ValueError:
        return None


def deadline_status(due: date, done_on: date | None, today: date) -> tuple[str, date | None, str | None]:
    """(status, met_on, note): met on or before the day; missed if late, or not done and past it."""
    if done_on is not None:
        if done_on <= due:
            return "met", done_on, None
        return "missed", None, f"done late, on {long_date(done_on)}"
    if today > due:
        return "missed", None, "not recorded as done"
    return "pending", None, None


def long_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def working_days_rule(start: date, days: int, due: date, what: str) -> str:
    """"15th working day following Mon 23 Mar 2026 (...); skips Good Friday ... and weekends"."""
    skipped = skipped_holidays(start, due)
    holidays = ", ".join(f"{long_date(day)} ({name})" for day, name in skipped)
    skips = f"skips {holidays} and weekends" if skipped else "skips weekends only (no bank holiday in the period)"
    return (f"{ordinal(days)} working day following {long_date(start)} ({what}), that day being day 0; "
            f"England and Wales working days; {skips}")
