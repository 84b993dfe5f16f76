"""How every route words a deadline and judges whether it was met.

Each route's rules.py works its dates out by its own law, but officers read the results side by
side on the case page and the dashboard: two wordings of the same count ("that day being day 0" in
one route, "the period begins the day after" in another) read as two different rules. So the
wording and the met/missed judgement live here once, and the routes only say what the start is.

One wording for a count of working days, for example:
"15th working day following Thu 18 Dec 2025 (the day the notice was given, day 0); skips Thu 25 Dec
(Christmas Day), Fri 26 Dec 2025 (Boxing Day), Thu 1 Jan 2026 (New Year's Day)", or "...; no bank
holidays in between". The start is named as day 0 once, because whether the start day counts is the
question officers ask; holidays are named, because "skips Fri 3 Apr" does not say why.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from engine.clock import optional_date
from engine.hooks import DeadlineInfo
from workflows.calendar import non_working_reason, skipped_holidays, working_days_after


def positive_count(value: Any) -> int | None:
    """A count of days from case data (an int of 1 or more), or None: a bool is not a count."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


def deadline_status(due: date, done_on: date | None, today: date) -> tuple[str, date | None, str | None]:
    """(status, met_on, note): met on or before the day; missed if late, or not done and past it.

    The last day itself is still "pending": a deadline runs to the end of its day.
    """
    if done_on is not None:
        if done_on <= due:
            return "met", done_on, None
        return "missed", None, f"done late, on {format_day(done_on)}"
    if today > due:
        return "missed", None, "not recorded as done"
    return "pending", None, None


def format_day(day: date) -> str:
    """'Thu 18 Dec 2025': the weekday shown, because working-day counts turn on it."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def _day_labels(days: Iterable[date]) -> list[str]:
    ordered = sorted(days)
    labels = []
    for index, day in enumerate(ordered):
        last_of_year = index == len(ordered) - 1 or ordered[index + 1].year != day.year
        labels.append(format_day(day) if last_of_year else f"{day:%a} {day.day} {day:%b}")
    return labels


def describe_days(days: Iterable[date]) -> str:
    """'Thu 25 Dec, Fri 26 Dec 2025, Thu 1 Jan 2026': the year once per run of days in it, so a
    list of holidays stays short enough to read in a table cell."""
    return ", ".join(_day_labels(days))


def describe_holidays(skipped: Sequence[tuple[date, str]]) -> str:
    """'Thu 25 Dec (Christmas Day), Fri 26 Dec 2025 (Boxing Day)': as describe_days, each named."""
    names = dict(skipped)
    ordered = sorted(names)
    return ", ".join(f"{label} ({names[day]})" for day, label in zip(ordered, _day_labels(ordered), strict=True))


def ordinal(n: int) -> str:
    """'1st', '2nd', '11th', '15th': statutes say "the fifteenth working day following"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def working_days_from(start: date, n: int, what: str | None = None) -> str:
    """'15th working day following Thu 18 Dec 2025 (the day the notice was given, day 0)'.

    The head of every working-day rule, also for counts that skip more than bank holidays (the
    inspection regulations), so the start and the day-0 convention read the same everywhere.
    """
    counted_from = f"{what}, day 0" if what else "day 0"
    return f"{ordinal(int(n))} working day following {format_day(start)} ({counted_from})"


def working_days_rule(start: date, n: int, end: date, what: str | None = None) -> str:
    """How a count of working days (England and Wales) reached `end`, in one officer-readable line:
    the start, what the start is, and each bank holiday skipped by name (weekends go without saying)."""
    skipped = skipped_holidays(start, end)
    skips = f"skips {describe_holidays(skipped)}" if skipped else "no bank holidays in between"
    return f"{working_days_from(start, n, what)}; {skips}"


def kept_date_note(due: date) -> str:
    """'; Fri 25 Dec 2026 is Christmas Day, not a working day: the date is kept' for a period of calendar
    days or months ending on a weekend or holiday, else "". No rule found moves such a date, so it is
    kept, and said, so nobody assumes it rolls to the next working day (domain note, scenario 12)."""
    reason = non_working_reason(due)
    if reason is None:
        return ""
    return (f"; {format_day(due)} is {'a ' if reason in ('Saturday', 'Sunday') else ''}{reason}, not a working day: "
            "a period of calendar days, so the date is kept (not moved to a working day)")


def months_rule(start: date, months: int, due: date, what: str) -> str:
    """'2 calendar months following Tue 13 Jan 2026 (the end of the compliance period): Fri 13 Mar 2026'.

    The corresponding-date convention is said when it bites (no 31st in September), since that is
    the one case where the due day differs from the start day.
    """
    unit = "calendar month" if months == 1 else "calendar months"
    text = f"{months} {unit} following {format_day(start)} ({what}): {format_day(due)}"
    if due.day != start.day:
        text += f", the last day of the month, as the month has no day {start.day}"
    return text


def working_days_deadline(deadline_id: str, name: str, source: str, *, start: date | None, days: int | None,
                          done_on: date | None, today: date, what: str, missing: str) -> DeadlineInfo:
    """A deadline of `days` working days following `start`; "unknown" (saying `missing`) until both
    are recorded, so a case started with facts left out still lists the deadline it will have."""
    if start is None or days is None:
        return DeadlineInfo(deadline_id, name, None, missing, source, "unknown")
    due = working_days_after(start, days)
    status, met_on, note = deadline_status(due, done_on, today)
    rule = working_days_rule(start, days, due, what)
    return DeadlineInfo(deadline_id, name, due, rule, source, status, met_on, note)


def dated_deadline(deadline_id: str, name: str, source: str, *, due_value: Any, done_on: date | None, today: date,
                   what: str) -> DeadlineInfo:
    """A deadline that is a date someone set (a notice, a direction, the LA), not a count.

    The rule says no working days were counted, so nobody looks for a holiday the date skipped.
    """
    due = optional_date(due_value)
    if due is None:
        return DeadlineInfo(deadline_id, name, None, f"{what}: not recorded as a valid date", source, "unknown")
    status, met_on, note = deadline_status(due, done_on, today)
    rule = f"{what} ({format_day(due)}); a date, so no working days counted"
    return DeadlineInfo(deadline_id, name, due, rule, source, status, met_on, note)
