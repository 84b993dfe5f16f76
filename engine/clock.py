"""Days in local time: a deadline is a day in England, whatever time zone the server runs in.

Task data and BPMN expressions hold days and instants as ISO text; they are read here, in one way,
by the engine (due dates), the deadline rules and the pages alike.
"""
from __future__ import annotations

import os
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from .db import utcnow

#: The organisation's time zone: "today", date-only due dates and deadline days are counted in it.
LOCAL_TZ = ZoneInfo(os.environ.get("INTERVENE_TIMEZONE", "Europe/London"))


def today_local() -> date:
    return utcnow().astimezone(LOCAL_TZ).date()


def parse_iso(text: str) -> date | datetime:
    """ISO text as a `date` ('2025-12-18') or, with a time, a `datetime`; ValueError for anything else."""
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        return datetime.fromisoformat(text)


def as_date(value: Any, what: str = "date") -> date:
    """A `date` from a date, a datetime or ISO text, because task data holds dates as ISO text.

    An aware datetime is first converted to local time: 23:30 UTC on a summer evening is already
    the next day in London, and that is the day the law counts.
    """
    if isinstance(value, str):
        try:
            value = parse_iso(value)
        except ValueError:
            raise ValueError(f"{what} must be an ISO date like '2025-12-18', not {value!r}") from None
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TZ).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    raise ValueError(
        f"{what} must be a date, a datetime or ISO date text like '2025-12-18', not {type(value).__name__}")


def optional_date(value: Any) -> date | None:
    """A date from case data, or None when it is absent or not a date.

    Deadlines and letters are produced for old and hand-edited cases too, so a bad value makes one
    deadline "unknown" or one letter item missing, rather than the whole page fail.
    """
    if value in (None, ""):
        return None
    try:
        return as_date(value)
    except ValueError:
        return None
