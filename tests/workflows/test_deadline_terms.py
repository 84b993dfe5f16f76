"""The one wording of deadlines every route shares. Dates worked by hand on a printed calendar:
Thu 18 Dec 2025 + 15 working days = Tue 13 Jan 2026, skipping Thu 25 Dec, Fri 26 Dec 2025 and
Thu 1 Jan 2026; Mon 2 Feb 2026 + 10 = Mon 16 Feb 2026 (weekends only)."""
from __future__ import annotations

from datetime import date

import pytest

from workflows.deadline_terms import (
    dated_deadline,
    deadline_status,
    describe_days,
    describe_holidays,
    format_day,
    months_rule,
    optional_date,
    ordinal,
    positive_count,
    working_days_deadline,
    working_days_rule,
)


def test_format_day_shows_the_weekday():
    assert format_day(date(2025, 12, 18)) == "Thu 18 Dec 2025"


def test_describe_days_gives_the_year_once_per_run():
    assert describe_days([date(2026, 1, 1), date(2025, 12, 25), date(2025, 12, 26)]) == (
        "Thu 25 Dec, Fri 26 Dec 2025, Thu 1 Jan 2026")


def test_describe_holidays_names_each_day():
    assert describe_holidays([(date(2026, 4, 6), "Easter Monday"), (date(2026, 4, 3), "Good Friday")]) == (
        "Fri 3 Apr (Good Friday), Mon 6 Apr 2026 (Easter Monday)")


@pytest.mark.parametrize(("n", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                         (13, "13th"), (15, "15th"), (21, "21st"), (22, "22nd"), (111, "111th")])
def test_ordinal(n, text):
    assert ordinal(n) == text


def test_working_days_rule_names_the_start_day_0_and_the_holidays():
    assert working_days_rule(date(2025, 12, 18), 15, date(2026, 1, 13), "the day the notice was given") == (
        "15th working day following Thu 18 Dec 2025 (the day the notice was given, day 0); skips Thu 25 Dec "
        "(Christmas Day), Fri 26 Dec 2025 (Boxing Day), Thu 1 Jan 2026 (New Year's Day)")


def test_working_days_rule_without_holidays_or_what():
    assert working_days_rule(date(2026, 2, 2), 10, date(2026, 2, 16)) == (
        "10th working day following Mon 2 Feb 2026 (day 0); no bank holidays in between")


def test_months_rule_says_when_the_month_has_no_corresponding_day():
    assert months_rule(date(2026, 7, 31), 2, date(2026, 9, 30), "the end of the compliance period") == (
        "2 calendar months following Fri 31 Jul 2026 (the end of the compliance period): Wed 30 Sep 2026, the "
        "last day of the month, as the month has no day 31")
    assert months_rule(date(2026, 1, 13), 1, date(2026, 2, 13), "the review") == (
        "1 calendar month following Tue 13 Jan 2026 (the review): Fri 13 Feb 2026")


@pytest.mark.parametrize(("done_on", "today", "expected"), [
    (None, date(2026, 1, 13), ("pending", None, None)),            # the last day itself
    (None, date(2026, 1, 14), ("missed", None, "not recorded as done")),
    (date(2026, 1, 13), date(2026, 2, 1), ("met", date(2026, 1, 13), None)),
    (date(2026, 1, 14), date(2026, 2, 1), ("missed", None, "done late, on Wed 14 Jan 2026")),
])
def test_deadline_status(done_on, today, expected):
    assert deadline_status(date(2026, 1, 13), done_on, today) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-01-13", date(2026, 1, 13)), (date(2026, 1, 13), date(2026, 1, 13)), (None, None), ("", None),
    ("13/01/2026", None),
])
def test_optional_date(value, expected):
    assert optional_date(value) == expected


@pytest.mark.parametrize(("value", "expected"), [(15, 15), (1, 1), (0, None), (-3, None), (True, None),
                                                 ("15", None), (None, None)])
def test_positive_count(value, expected):
    assert positive_count(value) == expected


def test_working_days_deadline_is_unknown_until_both_facts_are_recorded():
    info = working_days_deadline("x_due", "X", "source", start=None, days=15, done_on=None, today=date(2026, 1, 5),
                                 what="the notice", missing="the notice's date is not recorded")
    assert (info.due_on, info.status, info.rule) == (None, "unknown", "the notice's date is not recorded")
    info = working_days_deadline("x_due", "X", "source", start=date(2025, 12, 18), days=15, done_on=None,
                                 today=date(2026, 1, 5), what="the notice", missing="")
    assert (info.due_on, info.status) == (date(2026, 1, 13), "pending")
    assert info.rule.startswith("15th working day following Thu 18 Dec 2025 (the notice, day 0); skips")


def test_dated_deadline_counts_nothing():
    info = dated_deadline("y_due", "Y", "source", due_value="2026-05-06", done_on=date(2026, 5, 7),
                          today=date(2026, 5, 7), what="the date the LA set")
    assert (info.due_on, info.status, info.note) == (date(2026, 5, 6), "missed", "done late, on Thu 7 May 2026")
    assert info.rule == "the date the LA set (Wed 6 May 2026); a date, so no working days counted"
    unknown = dated_deadline("y_due", "Y", "source", due_value="soon", done_on=None, today=date(2026, 5, 7),
                             what="the date the LA set")
    assert (unknown.due_on, unknown.status, unknown.rule) == (
        None, "unknown", "the date the LA set: not recorded as a valid date")
