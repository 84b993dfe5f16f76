"""The England and Wales working-day calendar. Every expected date was worked out by hand on a
printed calendar, and each test names the holidays it skips."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from engine.scripting import RestrictedEnvironment, registered_functions
from workflows import calendar as cal
from workflows.calendar import (
    add_calendar_months,
    bank_holidays,
    end_of_day_utc,
    inspection_working_days_after,
    is_working_day,
    non_working_reason,
    powers_window_end,
    skipped_holidays,
    start_of_day_utc,
    working_days_after,
    working_days_between,
)

# --- Domain note section 8: the three worked examples, exactly ---------------------------------


def test_s60_notice_over_christmas_2025_skips_25_26_dec_and_1_jan():
    # Thu 18 Dec 2025 is day 0; skipped: Thu 25 Dec, Fri 26 Dec 2025, Thu 1 Jan 2026 and weekends.
    assert working_days_after(date(2025, 12, 18), 15) == date(2026, 1, 13)
    assert powers_window_end(date(2026, 1, 13)) == date(2026, 3, 13)


def test_s60_notice_across_easter_2026_skips_good_friday_3_apr_and_easter_monday_6_apr():
    assert working_days_after(date(2026, 3, 23), 15) == date(2026, 4, 15)
    assert powers_window_end(date(2026, 4, 15)) == date(2026, 6, 15)


def test_powers_window_month_end_rule_31_jul_2026_ends_wed_30_sep():
    assert powers_window_end(date(2026, 7, 31)) == date(2026, 9, 30)


def test_statement_of_action_december_2025_skips_christmas_and_boxing_day():
    # Final report received Fri 12 Dec 2025; skipped: Thu 25, Fri 26 Dec and weekends.
    assert working_days_after(date(2025, 12, 12), 10) == date(2025, 12, 30)


# --- Domain note section 5.3: the bank holiday lists ------------------------------------------


def test_2025_bank_holidays():
    assert list(bank_holidays(2025)) == [
        date(2025, 1, 1), date(2025, 4, 18), date(2025, 4, 21), date(2025, 5, 5), date(2025, 5, 26),
        date(2025, 8, 25), date(2025, 12, 25), date(2025, 12, 26)]


def test_2026_bank_holidays_include_boxing_day_substitute_mon_28_dec():
    holidays = bank_holidays(2026)
    assert list(holidays) == [
        date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4), date(2026, 5, 25),
        date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28)]
    assert holidays[date(2026, 4, 3)] == "Good Friday"
    assert holidays[date(2026, 12, 28)] == "Boxing Day (substitute day)"


def test_2027_bank_holidays_include_christmas_substitute_27_dec_and_boxing_day_substitute_28_dec():
    holidays = bank_holidays(2027)
    assert list(holidays) == [
        date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 3), date(2027, 5, 31),
        date(2027, 8, 30), date(2027, 12, 27), date(2027, 12, 28)]
    assert holidays[date(2027, 12, 27)] == "Christmas Day (substitute day)"
    assert holidays[date(2027, 12, 28)] == "Boxing Day (substitute day)"


def test_holiday_names_follow_gov_uk():
    holidays = bank_holidays(2026)
    assert holidays[date(2026, 5, 4)] == "Early May bank holiday"
    assert holidays[date(2026, 5, 25)] == "Spring bank holiday"
    assert holidays[date(2026, 8, 31)] == "Summer bank holiday"


@pytest.mark.parametrize(("year", "easter_sunday"), [
    (2008, date(2008, 3, 23)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)),
    (2027, date(2027, 3, 28)), (2038, date(2038, 4, 25)),
])
def test_good_friday_is_a_holiday_even_if_the_holidays_package_stopped_listing_it(year, easter_sunday,
                                                                                 monkeypatch):
    monkeypatch.setattr(cal.holidays, "country_holidays", lambda *args, **kwargs: {})
    cal._bank_holidays_for.cache_clear()
    try:
        found = bank_holidays(year)
    finally:
        cal._bank_holidays_for.cache_clear()
    assert found[easter_sunday - timedelta(days=2)] == "Good Friday"


def test_counting_over_christmas_2026_skips_fri_25_dec_weekend_and_mon_28_dec_substitute():
    assert working_days_after(date(2026, 12, 24), 1) == date(2026, 12, 29)


def test_counting_over_christmas_2027_skips_weekend_and_mon_27_tue_28_dec_substitutes():
    assert working_days_after(date(2027, 12, 24), 1) == date(2027, 12, 29)


def test_scottish_and_northern_irish_holidays_are_working_days():
    assert is_working_day(date(2026, 1, 2))  # Fri 2 Jan 2026, Scotland only
    assert is_working_day(date(2026, 11, 30))  # Mon 30 Nov 2026, St Andrew's Day, Scotland only
    assert is_working_day(date(2027, 7, 12))  # Mon 12 Jul 2027, Battle of the Boyne, Northern Ireland
    assert is_working_day(date(2027, 3, 17))  # Wed 17 Mar 2027, St Patrick's Day, Northern Ireland


def test_non_working_reason_names_the_day():
    assert non_working_reason(date(2026, 4, 3)) == "Good Friday"
    assert non_working_reason(date(2025, 12, 25)) == "Christmas Day"
    assert non_working_reason(date(2025, 12, 26)) == "Boxing Day"
    assert non_working_reason("2026-12-28") == "Boxing Day (substitute day)"
    assert non_working_reason(date(2026, 12, 26)) == "Saturday"  # Boxing Day 2026 falls on a Saturday
    assert non_working_reason(date(2025, 12, 28)) == "Sunday"
    assert non_working_reason(date(2025, 12, 22)) is None  # Mon 22 Dec 2025, an ordinary Monday
    assert not is_working_day(date(2026, 4, 6)) and is_working_day(date(2026, 4, 7))


def test_skipped_holidays_lists_weekday_holidays_after_start_up_to_the_deadline():
    # Thu 18 Dec 2025 to Tue 13 Jan 2026 skips Christmas Day, Boxing Day and New Year's Day.
    assert skipped_holidays(date(2025, 12, 18), date(2026, 1, 13)) == [
        (date(2025, 12, 25), "Christmas Day"), (date(2025, 12, 26), "Boxing Day"),
        (date(2026, 1, 1), "New Year's Day")]


# --- The day-0 rule, n == 0 and proclaimed days --------------------------------------------------


def test_start_on_a_saturday_is_day_0():
    # Sat 20 Dec 2025 is day 0; Sun 21 Dec skipped; Mon 22 Dec is day 1.
    assert working_days_after(date(2025, 12, 20), 1) == date(2025, 12, 22)


def test_start_on_christmas_day_is_day_0_then_skips_boxing_day_and_weekend():
    # Thu 25 Dec 2025 is day 0; skipped: Fri 26 Dec (Boxing Day), Sat 27, Sun 28 Dec.
    assert working_days_after(date(2025, 12, 25), 1) == date(2025, 12, 29)


def test_start_on_good_friday_2026_is_day_0_then_skips_easter_monday():
    assert working_days_after(date(2026, 4, 3), 1) == date(2026, 4, 7)


def test_n_zero_returns_the_start_even_at_a_weekend():
    assert working_days_after(date(2025, 12, 20), 0) == date(2025, 12, 20)  # Sat 20 Dec 2025
    assert working_days_after("2025-12-18", 0) == date(2025, 12, 18)


def test_state_funeral_mon_19_sep_2022_is_skipped():
    assert working_days_after(date(2022, 9, 16), 1) == date(2022, 9, 20)


def test_coronation_mon_8_may_2023_is_skipped():
    assert working_days_after(date(2023, 5, 5), 1) == date(2023, 5, 9)


@pytest.fixture
def proclaimed_wed_17_jun_2026(tmp_path):
    """A fictional proclamation, to prove extra_bank_holidays.csv is read on its own."""
    csv_file = tmp_path / "extra.csv"
    csv_file.write_text("date,name,source\n2026-06-17,Test proclamation,made up for the test\n")
    original = cal.EXTRA_BANK_HOLIDAYS_CSV
    cal._extra_bank_holidays.cache_clear()
    cal._bank_holidays_for.cache_clear()
    cal.EXTRA_BANK_HOLIDAYS_CSV = csv_file
    try:
        yield
    finally:
        cal.EXTRA_BANK_HOLIDAYS_CSV = original
        cal._extra_bank_holidays.cache_clear()
        cal._bank_holidays_for.cache_clear()


def test_days_in_extra_bank_holidays_csv_are_skipped(proclaimed_wed_17_jun_2026):
    # Tue 16 Jun 2026 is day 0; Wed 17 Jun is the (fictional) proclaimed day.
    assert non_working_reason(date(2026, 6, 17)) == "Test proclamation"
    assert working_days_after(date(2026, 6, 16), 1) == date(2026, 6, 18)


@pytest.fixture
def spring_bank_holiday_2026_moved_to_fri_29_may(tmp_path):
    """A fictional proclamation moving Mon 25 May 2026 to Fri 29 May, as 2012, 2020 and 2022 did."""
    csv_file = tmp_path / "extra.csv"
    csv_file.write_text("date,name,source,change\n2026-05-25,Spring bank holiday,moved,cancel\n"
                        "2026-05-29,Spring bank holiday (moved),made up for the test,add\n")
    original = cal.EXTRA_BANK_HOLIDAYS_CSV
    cal._extra_bank_holidays.cache_clear()
    cal._bank_holidays_for.cache_clear()
    cal.EXTRA_BANK_HOLIDAYS_CSV = csv_file
    try:
        yield
    finally:
        cal.EXTRA_BANK_HOLIDAYS_CSV = original
        cal._extra_bank_holidays.cache_clear()
        cal._bank_holidays_for.cache_clear()


def test_a_cancel_row_moves_a_standard_bank_holiday(spring_bank_holiday_2026_moved_to_fri_29_may):
    # Audit C-1. Fri 22 May is day 0; Mon 25 May is now a working day, day 1.
    assert is_working_day(date(2026, 5, 25))
    assert working_days_after(date(2026, 5, 22), 1) == date(2026, 5, 25)
    # Thu 28 May is day 0; Fri 29 May (the moved holiday) and the weekend are skipped: Mon 1 Jun.
    assert non_working_reason(date(2026, 5, 29)) == "Spring bank holiday (moved)"
    assert working_days_after(date(2026, 5, 28), 1) == date(2026, 6, 1)


def test_without_the_proclamation_mon_25_may_2026_is_the_spring_bank_holiday():
    assert working_days_after(date(2026, 5, 22), 1) == date(2026, 5, 26)
    assert working_days_after(date(2026, 5, 28), 1) == date(2026, 5, 29)


def test_the_shipped_csv_lists_the_state_funeral_and_the_coronation():
    extra = cal._extra_bank_holidays()
    assert date(2022, 9, 19) in extra and date(2023, 5, 8) in extra


# --- Working days between ---------------------------------------------------------------------


def test_working_days_between_inverts_working_days_after_over_christmas_2025():
    # Skips 25, 26 Dec 2025 and 1 Jan 2026.
    assert working_days_between(date(2025, 12, 18), date(2026, 1, 13)) == 15
    assert working_days_between(date(2026, 1, 13), date(2025, 12, 18)) == -15


def test_working_days_between_small_cases():
    assert working_days_between(date(2025, 12, 18), date(2025, 12, 18)) == 0
    assert working_days_between(date(2025, 12, 19), date(2025, 12, 22)) == 1  # Fri to Mon
    # Wed 24 Dec 2025 to Sun 28 Dec: 25 and 26 Dec are holidays, 27 and 28 the weekend.
    assert working_days_between("2025-12-24", "2025-12-28") == 0
    # Overdue: due Tue 13 Jan 2026, today Thu 15 Jan: Wed 14 and Thu 15 have passed.
    assert working_days_between("2026-01-15", "2026-01-13") == -2


# --- Calendar months --------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2026, 7, 31), 2, date(2026, 9, 30)),  # September has 30 days
    (date(2025, 12, 31), 2, date(2026, 2, 28)),  # 2026 is not a leap year
    (date(2027, 12, 30), 2, date(2028, 2, 29)),  # 2028 is a leap year
    (date(2026, 11, 30), 2, date(2027, 1, 30)),  # over the year end
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
    (date(2026, 1, 13), 0, date(2026, 1, 13)),
])
def test_add_calendar_months_corresponding_date_or_month_end(start, months, expected):
    assert add_calendar_months(start, months) == expected


# --- Inspection-regulation working days (SI 2005/2038 reg 2) ----------------------------------

CHRISTMAS_HOLIDAY_2025 = (date(2025, 12, 22), date(2026, 1, 2))  # Mon to Fri, 12 days
HALF_TERM_MON_FRI_2026 = (date(2026, 2, 16), date(2026, 2, 20))  # 5 days


def test_inspection_days_skip_a_two_week_christmas_holiday():
    # Thu 18 Dec 2025 is day 0; Fri 19 Dec is day 1; 22 Dec 2025 to 2 Jan 2026 is the school's
    # holiday (it also holds 25, 26 Dec and 1 Jan); Mon 5 to Thu 8 Jan are days 2 to 5.
    assert inspection_working_days_after(date(2025, 12, 18), 5, [CHRISTMAS_HOLIDAY_2025]) == date(2026, 1, 8)
    # Without the school holiday: 19, 22, 23, 24 Dec, then (skipping 25, 26 Dec) Mon 29 Dec.
    assert inspection_working_days_after(date(2025, 12, 18), 5, []) == date(2025, 12, 29)


def test_inspection_days_do_not_skip_a_five_day_half_term():
    # Fri 13 Feb 2026 is day 0; Mon 16 to Fri 20 Feb (half-term, not longer than a week) count.
    assert inspection_working_days_after(date(2026, 2, 13), 5, [HALF_TERM_MON_FRI_2026]) == date(2026, 2, 20)


# Audit C-2: the May 2026 half-term (Spring bank holiday Mon 25 May) recorded four ways. Each is
# normalised to Sat 23 - Sun 31 May 2026 before it is measured, so each gives the same answer.
MAY_HALF_TERM_2026 = [
    [("2026-05-25", "2026-05-29")],                              # Mon-Fri, as LAs publish it
    [("2026-05-23", "2026-05-31")],                              # Sat-Sun
    [("2026-05-26", "2026-05-29")],                              # Tue-Fri, leaving out the bank holiday
    [("2026-05-25", "2026-05-27"), ("2026-05-28", "2026-05-29")],  # two rows that touch
]


@pytest.mark.parametrize("recorded", MAY_HALF_TERM_2026)
def test_the_same_half_term_however_recorded_normalises_to_sat_23_to_sun_31_may_2026(recorded):
    assert cal.normalised_holidays(recorded) == [(date(2026, 5, 23), date(2026, 5, 31))]


@pytest.mark.parametrize("recorded", MAY_HALF_TERM_2026)
def test_final_report_wed_20_may_2026_ten_working_days_under_each_reading(recorded):
    # Default reading ("school_days"): a one-week half-term (5 weekdays) is not longer than a week.
    # Thu 21, Fri 22 May are days 1-2; Mon 25 May (Spring bank holiday) skipped; Tue 26 - Fri 29 are
    # days 3-6; Mon 1 - Thu 4 Jun are days 7-10: Thu 4 Jun 2026.
    assert inspection_working_days_after("2026-05-20", 10, recorded) == date(2026, 6, 4)
    # "calendar_days": Sat 23 - Sun 31 May is 9 days, longer than a week, all skipped; Mon 1 - Wed 10 Jun
    # are days 3-10: Wed 10 Jun 2026.
    assert inspection_working_days_after("2026-05-20", 10, recorded, "calendar_days") == date(2026, 6, 10)


def test_an_inset_day_joins_the_holiday_only_when_the_case_reads_it_so():
    # INSET day Mon 1 Jun 2026 after the May half-term, recorded as its own row.
    recorded = [("2026-05-25", "2026-05-29"), ("2026-06-01", "2026-06-01", "inset")]
    assert cal.normalised_holidays(recorded) == [(date(2026, 5, 23), date(2026, 5, 31))]
    assert cal.normalised_holidays(recorded, "part_of_holiday") == [(date(2026, 5, 23), date(2026, 6, 1))]
    # Not part of the holiday (default): Thu 4 Jun as above. Part of it: 6 weekdays closed, longer than a
    # week under either reading: Thu 21, Fri 22 May, then Tue 2 - Thu 11 Jun are days 3-10.
    assert inspection_working_days_after("2026-05-20", 10, recorded) == date(2026, 6, 4)
    assert inspection_working_days_after("2026-05-20", 10, recorded, "school_days", "part_of_holiday") \
        == date(2026, 6, 11)


@pytest.mark.parametrize("recorded", [
    [("2026-12-21", "2027-01-04")],                                # one row
    [("2026-12-21", "2026-12-31"), ("2027-01-01", "2027-01-04")],  # split at the year end (audit C-3)
    [("2026-12-19", "2026-12-31"), ("2027-01-02", "2027-01-04")],  # Sat-Sun, New Year's Day left out
])
def test_christmas_2026_recorded_as_one_or_two_rows_skips_to_thu_7_jan_2027(recorded):
    # Parents' copies: report received Wed 16 Dec 2026, 5 working days. Thu 17, Fri 18 Dec are days 1-2;
    # the holiday Sat 19 Dec 2026 - Mon 4 Jan 2027 (with Christmas Day, Boxing Day substitute Mon 28 Dec
    # and New Year's Day inside it) is skipped; Tue 5, Wed 6, Thu 7 Jan are days 3-5.
    assert cal.normalised_holidays(recorded) == [(date(2026, 12, 19), date(2027, 1, 4))]
    assert inspection_working_days_after("2026-12-16", 5, recorded) == date(2027, 1, 7)


def test_christmas_2026_split_around_the_bank_holidays_is_one_holiday():
    # [Mon 21 - Thu 24 Dec] and [Tue 29 Dec - Fri 1 Jan] are bridged by Christmas Day, the weekend and
    # the Boxing Day substitute Mon 28 Dec: one holiday Sat 19 Dec 2026 - Sun 3 Jan 2027 (10 weekdays).
    recorded = [("2026-12-21", "2026-12-24"), ("2026-12-29", "2027-01-01")]
    assert cal.normalised_holidays(recorded) == [(date(2026, 12, 19), date(2027, 1, 3))]
    # Wed 16 Dec + 5: Thu 17, Fri 18 Dec, then Mon 4, Tue 5, Wed 6 Jan 2027 (not Wed 23 Dec, mid-holiday).
    assert inspection_working_days_after("2026-12-16", 5, recorded) == date(2027, 1, 6)


def test_the_calendar_days_reading_threshold_seven_days_does_not_count_eight_does(monkeypatch):
    # Fri 13 Feb 2026 is day 0. A lone Mon-Wed closure (with its weekend before: Sat 14 - Wed 18 Feb, 5 days)
    # is not longer than a week; Sat 14 - Fri 20 plus Sat 21, Sun 22 (9 days) is.
    assert inspection_working_days_after("2026-02-13", 1, [("2026-02-16", "2026-02-18")], "calendar_days") \
        == date(2026, 2, 16)
    assert inspection_working_days_after("2026-02-13", 1, [HALF_TERM_MON_FRI_2026], "calendar_days") \
        == date(2026, 2, 23)
    monkeypatch.setattr(cal, "HOLIDAY_LONGER_THAN_DAYS", 9)
    assert inspection_working_days_after("2026-02-13", 1, [HALF_TERM_MON_FRI_2026], "calendar_days") \
        == date(2026, 2, 16)


def test_an_unknown_reading_is_refused():
    with pytest.raises(ValueError, match="holiday_reading must be one of"):
        inspection_working_days_after("2026-02-13", 1, [HALF_TERM_MON_FRI_2026], "weeks")
    with pytest.raises(ValueError, match="inset_reading must be one of"):
        inspection_working_days_after("2026-02-13", 1, [HALF_TERM_MON_FRI_2026], "school_days", "maybe")


def test_inspection_days_over_easter_2026_holiday_skip_good_friday_and_easter_monday_inside_it():
    # Fri 27 Mar 2026 is day 0; school holiday Mon 30 Mar to Fri 10 Apr (12 days); 13 Apr is day 1.
    holiday = (date(2026, 3, 30), date(2026, 4, 10))
    assert inspection_working_days_after(date(2026, 3, 27), 3, [holiday]) == date(2026, 4, 15)


@pytest.mark.parametrize("holidays", [
    [(date(2026, 2, 20), date(2026, 2, 16))],  # ends before it starts
    [date(2026, 2, 16)],  # not a pair
    [("2026-02-16", "half-term")],  # not a date
])
def test_inspection_bad_holidays_raise(holidays):
    with pytest.raises(ValueError):
        inspection_working_days_after(date(2026, 2, 13), 5, holidays)


# --- Instants for timers ----------------------------------------------------------------------


def test_end_of_day_utc_in_winter_and_summer():
    assert end_of_day_utc(date(2026, 1, 13)) == "2026-01-14T00:00:00+00:00"  # GMT
    assert end_of_day_utc("2026-04-15") == "2026-04-15T23:00:00+00:00"  # BST
    assert start_of_day_utc(date(2026, 4, 15)) == "2026-04-14T23:00:00+00:00"  # BST
    assert start_of_day_utc(date(2026, 1, 13)) == "2026-01-13T00:00:00+00:00"


def test_instants_around_the_clock_changes_of_2026():
    # Clocks go forward at 01:00 GMT on Sun 29 Mar 2026 and back at 01:00 GMT on Sun 25 Oct 2026.
    assert start_of_day_utc(date(2026, 3, 29)) == "2026-03-29T00:00:00+00:00"
    assert end_of_day_utc(date(2026, 3, 29)) == "2026-03-29T23:00:00+00:00"
    assert end_of_day_utc(date(2026, 10, 24)) == "2026-10-24T23:00:00+00:00"
    assert end_of_day_utc(date(2026, 10, 25)) == "2026-10-26T00:00:00+00:00"


# --- Input types and bad input ----------------------------------------------------------------


def test_dates_may_be_iso_text_date_or_datetime_and_results_are_dates():
    result = working_days_after(datetime(2025, 12, 18, 15, 30), 15)
    assert result == date(2026, 1, 13) and type(result) is date
    assert working_days_after("2025-12-18", "15") == date(2026, 1, 13)
    assert working_days_after("2025-12-18T09:00:00", 15) == date(2026, 1, 13)
    assert type(add_calendar_months(datetime(2026, 7, 31, 9), 2)) is date
    assert powers_window_end("2026-07-31") == date(2026, 9, 30)


def test_an_aware_datetime_counts_from_its_day_in_england():
    # 23:30 UTC on Wed 1 Jul 2026 is 00:30 BST on Thu 2 Jul; Fri 3 Jul is day 1.
    assert working_days_after(datetime(2026, 7, 1, 23, 30, tzinfo=UTC), 1) == date(2026, 7, 3)
    assert working_days_after("2026-07-01T23:30:00+00:00", 1) == date(2026, 7, 3)


@pytest.mark.parametrize("start", ["18/12/2025", "not a date", "", None, 20251218, 1.5])
def test_bad_start_raises_value_error(start):
    with pytest.raises(ValueError, match="start"):
        working_days_after(start, 15)


@pytest.mark.parametrize("n", [-1, "-1", 1.5, "fifteen", None, True, 10**9])
def test_bad_count_raises_value_error(n):
    with pytest.raises(ValueError, match="n must"):
        working_days_after(date(2025, 12, 18), n)


def test_bad_months_and_other_dates_raise_value_error():
    with pytest.raises(ValueError, match="months"):
        add_calendar_months(date(2026, 7, 31), 2.5)
    with pytest.raises(ValueError, match="compliance_period_end"):
        powers_window_end("31 July 2026")
    with pytest.raises(ValueError):
        is_working_day("tomorrow")
    with pytest.raises(ValueError):
        end_of_day_utc(None)


# --- Registration with the engine ------------------------------------------------------------


def test_register_with_engine_lets_expressions_call_the_functions():
    cal.register_with_engine()
    names = {"working_days_after", "working_days_between", "add_calendar_months", "powers_window_end",
             "inspection_working_days_after", "end_of_day_utc", "start_of_day_utc", "is_working_day"}
    functions = registered_functions()
    assert names <= set(functions)
    assert functions["working_days_after"] is working_days_after
    # A timer's timeDate as a model would write it, over task data holding ISO text:
    # Thu 18 Dec 2025 + 15 working days (skipping 25, 26 Dec, 1 Jan) = Tue 13 Jan 2026, ending at
    # midnight GMT.
    environment = RestrictedEnvironment()
    expression = "${end_of_day_utc(working_days_after(notice_given_on, 15))}"
    assert environment.evaluate(expression, {"notice_given_on": "2025-12-18"}) == "2026-01-14T00:00:00+00:00"
