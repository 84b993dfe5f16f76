"""working_days_between counts weekdays and subtracts bank holidays instead of walking each day:
the same answer as walking, for spans across weekends, bank holidays and years, both ways."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from workflows.calendar import is_working_day, working_days_between


def walked(a: date, b: date) -> int:
    first, last, sign = (a, b, 1) if a <= b else (b, a, -1)
    return sign * sum(1 for n in range(1, (last - first).days + 1) if is_working_day(first + timedelta(days=n)))


@pytest.mark.parametrize("start", [date(2025, 12, 19), date(2026, 4, 2), date(2026, 5, 2), date(2026, 8, 29),
                                   date(2027, 1, 1)])
def test_counting_agrees_with_walking_day_by_day(start):
    for length in list(range(0, 40)) + [100, 365, 800, 1500]:
        end = start + timedelta(days=length)
        assert working_days_between(start, end) == walked(start, end), (start, end)
        assert working_days_between(end, start) == walked(end, start), (end, start)


def test_a_hand_count_across_christmas():
    # Fri 19 Dec 2025 to Fri 2 Jan 2026: 22, 23, 24, 29, 30, 31 Dec and 2 Jan (not 25, 26 Dec, 1 Jan).
    assert working_days_between(date(2025, 12, 19), date(2026, 1, 2)) == 7
