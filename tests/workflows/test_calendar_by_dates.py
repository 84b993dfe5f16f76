"""Due dates "by" a day: moved back to the working day before; notice that leaves n working days."""
from __future__ import annotations

from datetime import date

from workflows.calendar import working_day_on_or_before, working_days_after, working_days_before


def test_a_by_date_on_a_weekend_or_bank_holiday_moves_to_the_working_day_before():
    assert working_day_on_or_before("2026-04-03") == date(2026, 4, 2)  # Good Friday -> Thu 2 Apr
    assert working_day_on_or_before("2026-04-06") == date(2026, 4, 2)  # Easter Monday, weekend, Good Friday
    assert working_day_on_or_before("2016-07-09") == date(2016, 7, 8)  # Sat -> Fri
    assert working_day_on_or_before("2026-04-07") == date(2026, 4, 7)  # a working day stays


def test_notice_leaving_five_working_days_before_a_date():
    # Powers window ends Mon 15 Jun 2026: 9-12 and 15 Jun are the five, so notice by Mon 8 Jun.
    assert working_days_before("2026-06-15", 5) == date(2026, 6, 8)
    assert working_days_after(date(2026, 6, 8), 5) == date(2026, 6, 15)
    # Ends Tue 7 Apr 2026: back over Easter Mon 6 Apr and Good Friday 3 Apr: 7, 2, 1, 31 Mar, 30 Mar
    # are the five, so notice by Fri 27 Mar 2026.
    assert working_days_before("2026-04-07", 5) == date(2026, 3, 27)
    assert working_days_before("2026-04-08", 5) == date(2026, 3, 30)  # one day later: Mon 30 Mar
