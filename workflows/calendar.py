"""Working days in England and Wales, and the deadline helpers BPMN expressions call.

Statutory deadlines in these routes are counted in working days (see the domain note, section 5):
any day that is not a Saturday, a Sunday, Christmas Day, Good Friday or a bank holiday in England
and Wales under the Banking and Financial Dealings Act 1971 (which includes days added by royal
proclamation). Deadlines set by the inspection regulations also skip school holidays longer than a
week. BPMN expressions read dates from task data as ISO text, so every function here accepts ISO
text, `date` or `datetime`.
"""
from __future__ import annotations

import csv
import functools
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import holidays
from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

from engine.clock import LOCAL_TZ, as_date

#: One-off days proclaimed under BFDA 1971 s1(3), added by hand as soon as they are announced, so a
#: new proclamation does not wait for a release of the `holidays` package. A row whose `change` column
#: says "cancel" takes a standard bank holiday away: a proclamation that MOVES a bank holiday (1995,
#: 2002, 2012, 2020, 2022) is one "cancel" row for the old day and one row for the new day (audit C-1).
EXTRA_BANK_HOLIDAYS_CSV = Path(__file__).resolve().parent / "data" / "extra_bank_holidays.csv"

#: Education (School Inspection) (England) Regulations 2005 reg 2(1): a school holiday is skipped
#: when it is "longer than a week". A holiday is first normalised (extended over the weekends and bank
#: holidays next to it, touching rows merged), so how it was recorded does not matter (audit C-2, C-3).
#: Whether a one-week half-term is then "longer than a week" is A LEGAL JUDGEMENT each case records:
#: "school_days" (the default, the earlier deadline): more than SCHOOL_WEEK_DAYS weekdays closed, so a
#: one-week half-term is not skipped; "calendar_days": more than HOLIDAY_LONGER_THAN_DAYS calendar days
#: with its weekends, so a one-week half-term (Sat-Sun, 9 days) is skipped.
HOLIDAY_LONGER_THAN_DAYS = 7
SCHOOL_WEEK_DAYS = 5
HOLIDAY_READINGS = ("school_days", "calendar_days")
#: INSET (training) days: whether they are "part of a holiday taken by the school" is a legal question
#: (audit C-4). "not_holiday" (the default, the earlier deadline) counts them as working days;
#: "part_of_holiday" joins them to the holiday they touch. A holiday row marked "inset" is one.
INSET_READINGS = ("not_holiday", "part_of_holiday")

#: A guard for expressions: no statutory period comes near 40 years of working days.
MAX_WORKING_DAYS = 10_000

_WEEKEND = {5: "Saturday", 6: "Sunday"}


def _as_count(value: Any, what: str = "n") -> int:
    """A non-negative whole number; form fields sometimes deliver numbers as text."""
    if isinstance(value, str) and value.strip().lstrip("+").isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number of working days, not {value!r}")
    if value < 0:
        raise ValueError(f"{what} must be 0 or more, not {value}")
    if value > MAX_WORKING_DAYS:
        raise ValueError(f"{what} must be at most {MAX_WORKING_DAYS} working days, not {value}")
    return value


@functools.cache
def _extra_bank_holidays() -> dict[date, str | None]:
    """The CSV's days: a name for a day added, None for a standard bank holiday cancelled."""
    with EXTRA_BANK_HOLIDAYS_CSV.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    extra: dict[date, str | None] = {}
    for row in rows:
        change = (row.get("change") or "add").strip().lower()
        if change not in ("add", "cancel"):
            raise ValueError(f"{EXTRA_BANK_HOLIDAYS_CSV.name}: change must be 'add' or 'cancel', not {change!r}")
        extra[date.fromisoformat(row["date"])] = row["name"] if change == "add" else None
    return extra


#: GOV.UK's names (gov.uk/bank-holidays), which officers know, for the `holidays` package's ones.
_GOV_UK_NAMES = {"May Day": "Early May bank holiday", "Spring Bank Holiday": "Spring bank holiday",
                 "Late Summer Bank Holiday": "Summer bank holiday", "(observed)": "(substitute day)"}


def _gov_uk_name(name: str) -> str:
    for theirs, ours in _GOV_UK_NAMES.items():
        name = name.replace(theirs, ours)
    return name


@functools.cache
def _bank_holidays_for(year: int) -> dict[date, str]:
    found = holidays.country_holidays("GB", subdiv="ENG", years=year)
    days = {day: _gov_uk_name(name) for day, name in found.items() if day.weekday() < 5}
    # Christmas Day and Good Friday are common-law holidays, not BFDA ones; name them even if a
    # future `holidays` release stopped listing them.
    good_friday = easter(year) - timedelta(days=2)
    for day, name in ((date(year, 12, 25), "Christmas Day"), (good_friday, "Good Friday")):
        if day.weekday() < 5:
            days[day] = name
    for day, extra_name in _extra_bank_holidays().items():
        if day.year != year:
            continue
        if extra_name is None:
            days.pop(day, None)  # a proclamation moved or cancelled this standard bank holiday
        else:
            days[day] = extra_name
    return dict(sorted(days.items()))


def bank_holidays(year: int) -> dict[date, str]:
    """The weekdays lost to holidays in England and Wales in `year`, as GOV.UK lists them.

    Christmas Day and Good Friday are included. Holidays falling at a weekend are left out: the
    weekday that replaces them is listed as a substitute day ("Boxing Day (substitute day)").
    """
    return dict(_bank_holidays_for(year))


def non_working_reason(value: Any) -> str | None:
    """Why a day is not a working day ("Good Friday", "Saturday"...), or None if it is one.

    Deadline explanations name what they skipped, so an officer can check the count by hand.
    """
    day = as_date(value)
    if day.weekday() in _WEEKEND:
        return _WEEKEND[day.weekday()]
    return _bank_holidays_for(day.year).get(day)


def is_working_day(value: Any) -> bool:
    """Not a weekend, Christmas Day, Good Friday or England and Wales bank holiday."""
    return non_working_reason(value) is None


def working_days_after(start: Any, n: Any) -> date:
    """The Nth working day following `start`: the s60 "fifteenth working day following" pattern.

    `start` is day 0 even when it is itself a weekend or holiday; only working days are counted
    after it, and the Nth counted is the deadline (domain note 5.1). n == 0 gives `start` back.
    """
    day = as_date(start, "start")
    remaining = _as_count(n)
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_day_on_or_before(value: Any) -> date:
    """A step that must be done "by" a date that is not a working day is due the working day before."""
    day = as_date(value)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def working_days_before(end: Any, n: Any) -> date:
    """The latest working day that leaves n whole working days after it up to `end` (inclusive):
    notice given on that day is n working days' notice of action taken on `end`.

    So working_days_after(working_days_before(end, n), n) is `end`, or the last working day
    before it when `end` is itself a weekend or holiday.
    """
    day = working_day_on_or_before(end)
    remaining = _as_count(n)
    while remaining:
        day -= timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(a: Any, b: Any) -> int:
    """Working days after `a` up to and including `b`; negative when `b` is before `a`.

    The inbox's "working days left" is working_days_between(today, due); it inverts
    working_days_after, so working_days_between(d, working_days_after(d, n)) == n.
    """
    first, last = as_date(a, "a"), as_date(b, "b")
    sign = 1
    if last < first:
        first, last, sign = last, first, -1
    # Counted, not walked: a deadline years overdue is a thousand days, and a dashboard shows dozens.
    lost = sum(1 for year in range(first.year, last.year + 1) for day in _bank_holidays_for(year)
               if first < day <= last)
    return sign * (_weekdays_before(last + timedelta(days=1)) - _weekdays_before(first + timedelta(days=1)) - lost)


def _weekdays_before(day: date) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday) up to the day before `day`."""
    weeks, rest = divmod(day.toordinal() - 1, 7)
    return weeks * 5 + min(rest, 5)


def add_calendar_months(value: Any, months: int) -> date:
    """The same day number `months` later, or the last day of that month if it has no such day.

    The corresponding-date convention (31 Jul + 2 months = 30 Sep) is INFERRED: no statutory rule
    was found for "the period of two months following the end of the compliance period" (EIA 2006
    s64(2), s66A(3)), and this is the convention courts usually apply to calendar months.
    """
    day = as_date(value)
    if isinstance(months, bool) or not isinstance(months, int):
        raise ValueError(f"months must be a whole number, not {months!r}")
    return day + relativedelta(months=months)  # clamps to the month's last day


def powers_window_end(compliance_period_end: Any) -> date:
    """Last day the LA may use its intervention powers after an unheeded warning notice.

    EIA 2006 s64(2)/s66A(3): "the period of two months following the end of the compliance
    period". Domain note section 8: compliance ends Tue 13 Jan 2026, so the window ends Fri 13 Mar.
    """
    return add_calendar_months(as_date(compliance_period_end, "compliance_period_end"), 2)


def _holiday_rows(school_holidays: Iterable[Any] | None) -> list[tuple[date, date, bool]]:
    """(first, last, is_inset) from (first_day, last_day) or (first_day, last_day, "inset") rows."""
    rows = []
    for pair in school_holidays or ():
        try:
            first_value, last_value, *kind = pair
        except (TypeError, ValueError):
            raise ValueError(f"a school holiday must be a (first_day, last_day) pair, not {pair!r}") from None
        if len(kind) > 1 or (kind and kind[0] not in ("inset", "holiday", None)):
            raise ValueError(f"a school holiday must be a (first_day, last_day) pair, not {pair!r}")
        first, last = as_date(first_value, "first_day"), as_date(last_value, "last_day")
        if last < first:
            raise ValueError(f"a school holiday cannot end ({last}) before it starts ({first})")
        rows.append((first, last, bool(kind) and kind[0] == "inset"))
    return rows


def _check_reading(value: Any, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")
    return str(value)


def normalised_holidays(school_holidays: Iterable[Any] | None,
                        inset_reading: str = "not_holiday") -> list[tuple[date, date]]:
    """The school's holidays as the days it is really away: each row extended over the weekends and
    bank holidays next to it, and rows that then touch or overlap merged into one.

    So Mon 25 - Fri 29 May 2026 and Sat 23 - Sun 31 May 2026 are the same holiday, and a Christmas
    recorded as two rows either side of New Year (or of the bank holidays) is one holiday.
    """
    _check_reading(inset_reading, INSET_READINGS, "inset_reading")
    spans = sorted(_extended(first, last) for first, last, inset in _holiday_rows(school_holidays)
                   if not inset or inset_reading == "part_of_holiday")
    merged: list[tuple[date, date]] = []
    for first, last in spans:
        if merged and first <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _extended(first: date, last: date) -> tuple[date, date]:
    while not is_working_day(first - timedelta(days=1)):
        first -= timedelta(days=1)
    while not is_working_day(last + timedelta(days=1)):
        last += timedelta(days=1)
    return first, last


def is_longer_than_a_week(first: date, last: date, holiday_reading: str = "school_days") -> bool:
    """Reg 2(1)'s "holiday longer than a week", for a normalised holiday, under the case's reading."""
    if _check_reading(holiday_reading, HOLIDAY_READINGS, "holiday_reading") == "calendar_days":
        return (last - first).days + 1 > HOLIDAY_LONGER_THAN_DAYS
    weekdays = sum(1 for offset in range((last - first).days + 1) if (first + timedelta(days=offset)).weekday() < 5)
    return weekdays > SCHOOL_WEEK_DAYS


def long_holidays(school_holidays: Iterable[Any] | None, holiday_reading: str = "school_days",
                  inset_reading: str = "not_holiday") -> list[tuple[date, date]]:
    """The normalised holidays longer than a week: the days inside them are not working days."""
    return [(first, last) for first, last in normalised_holidays(school_holidays, inset_reading)
            if is_longer_than_a_week(first, last, holiday_reading)]


def inspection_working_days_after(start: Any, n: Any, school_holidays: Iterable[Any] | None = (),
                                  holiday_reading: str = "school_days", inset_reading: str = "not_holiday") -> date:
    """The Nth working day after `start` under the School Inspection Regulations 2005, reg 2.

    Reg 2(1) also excludes "part of a holiday longer than a week taken by the school", so days inside
    the school's normalised holidays that are longer than a week (see `long_holidays`, under the
    case's recorded readings) are skipped as well. Reg 2(2): the period begins immediately after
    `start`, so `start` is day 0.
    """
    day = as_date(start, "start")
    remaining = _as_count(n)
    long = long_holidays(school_holidays, holiday_reading or "school_days", inset_reading or "not_holiday")
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day) and not any(first <= day <= last for first, last in long):
            remaining -= 1
    return day


def start_of_day_utc(value: Any) -> str:
    """The instant a day begins in England (midnight, Europe/London) as ISO text in UTC."""
    day = as_date(value)
    return datetime.combine(day, time(0), LOCAL_TZ).astimezone(UTC).isoformat()


def end_of_day_utc(value: Any) -> str:
    """The instant a deadline day ends in England (midnight before the next day) as ISO text in UTC.

    A timer set to it fires once the whole of the last day has passed, e.g. timeDate
    `end_of_day_utc(working_days_after(notice_given_on, 15))` fires when the compliance period is over.
    """
    return start_of_day_utc(as_date(value) + timedelta(days=1))


def skipped_holidays(start: Any, end: Any) -> list[tuple[date, str]]:
    """The weekday holidays after `start` up to and including `end`, to explain a deadline."""
    first, last = as_date(start, "start"), as_date(end, "end")
    found: list[tuple[date, str]] = []
    for year in range(first.year, last.year + 1):
        found.extend((day, name) for day, name in _bank_holidays_for(year).items() if first < day <= last)
    return found


def register_with_engine() -> None:
    """Let timer, due-date and gateway expressions call the deadline functions by name."""
    from engine.scripting import register_function

    for function in (working_days_after, working_days_between, add_calendar_months, powers_window_end,
                     inspection_working_days_after, end_of_day_utc, start_of_day_utc, is_working_day,
                     working_days_before, working_day_on_or_before):
        register_function(function.__name__, function)
