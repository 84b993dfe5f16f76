"""Dates as GOV.UK writes them, and how close a due date is, in England's time and working days."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from engine.clock import LOCAL_TZ
from engine.db import utcnow
from workflows.calendar import non_working_reason, working_days_between

#: A task due within this many working days gets the "due soon" tag.
DUE_SOON_WORKING_DAYS = 5


def local_date(value: datetime | date | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(LOCAL_TZ).date()
    return value


def govuk_date(value: datetime | date | None, weekday: bool = True) -> str:
    """'Tue 13 January 2026' (or '13 January 2026'); '' for nothing."""
    day = local_date(value)
    if day is None:
        return ""
    text = f"{day.day} {day:%B %Y}"
    return f"{day:%a} {text}" if weekday else text


def govuk_datetime(value: datetime | None) -> str:
    """'13 January 2026 at 2:05pm' in England's time."""
    if value is None:
        return ""
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(LOCAL_TZ)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    clock = f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"
    if local.hour == 12 and local.minute == 0:
        clock = "midday"
    return f"{local.day} {local:%B %Y} at {clock}"


@dataclass(frozen=True)
class Urgency:
    due_on: date | None
    working_days_left: int | None
    is_overdue: bool
    is_due_soon: bool
    #: Why the due day is not a working day ("Saturday", "Good Friday"), None when it is one. A
    #: statutory end date stays where the law puts it, and the page says so.
    non_working_day: str | None = None

    @property
    def non_working_text(self) -> str:
        return f"{self.non_working_day}: not a working day" if self.non_working_day else ""

    @property
    def tag(self) -> dict[str, str] | None:
        if self.is_overdue:
            return {"text": "Overdue", "classes": "govuk-tag--red"}
        if self.is_due_soon:
            return {"text": "Due soon", "classes": "govuk-tag--yellow"}
        return None

    @property
    def days_text(self) -> str:
        if self.working_days_left is None:
            return ""
        days = self.working_days_left
        if self.is_overdue:
            late = abs(days)
            return "due today" if late == 0 else f"{late} working day{'s' if late != 1 else ''} late"
        return f"{days} working day{'s' if days != 1 else ''}"


def urgency(due_at: datetime | None, now: datetime | None = None) -> Urgency:
    if due_at is None:
        return Urgency(None, None, False, False)
    now = now or utcnow()
    due_on, today = local_date(due_at), local_date(now)
    left = working_days_between(today, due_on)
    overdue = due_at < now
    soon = not overdue and left <= DUE_SOON_WORKING_DAYS
    return Urgency(due_on, left, overdue, soon, non_working_reason(due_on))


def answer_text(value: object) -> str:
    """A recorded answer as an officer reads it: dates as GOV.UK writes them, Yes/No, 'Not given'."""
    if value is None or value == "":
        return "Not given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime | date):
        return govuk_date(value, weekday=False)
    if isinstance(value, list):
        return ", ".join(answer_text(v) for v in value) or "Not given"
    return str(value)


#: A sentence ends at ". " followed by a capital; "s60(2)." or "e.g. the" do not end one.
_SENTENCE_END = re.compile(r"(?<=[a-z)\]])\.\s+(?=[A-Z])")
#: Longest summary shown above a form; the full statutory text stays behind a details element.
SUMMARY_CHARACTERS = 300


def step_summary(documentation: str | None, own: str | None = None) -> str:
    """The short summary above a task's form: the step's `summary` property, else the first
    sentence of its documentation, cut at a word if it is still long."""
    text = (own or "").strip() or _SENTENCE_END.split((documentation or "").strip(), maxsplit=1)[0].strip()
    if len(text) <= SUMMARY_CHARACTERS:
        return text if not text or text.endswith((".", "?", ":")) else text + "."
    return text[:SUMMARY_CHARACTERS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
