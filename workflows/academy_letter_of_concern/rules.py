"""Deadlines and gateway helpers of the academy Letter of Concern route.

The route is local practice (Derbyshire's protocol), not statute: no period for the academy's
reply was found in the protocol or in law (domain note 3.1, "Deadlines: none given"). The LA sets
it as a number of working days in its written confirmation; 15 is only the default the form offers.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from engine.hooks import DeadlineInfo
from workflows.calendar import working_days_after
from workflows.deadline_terms import dated_deadline, optional_date, positive_count, working_days_deadline

PROTOCOL = "Local procedure (Derbyshire Letter of Concern protocol)"


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
    return working_days_deadline(
        "response_due", "Academy's response to the written confirmation of concerns",
        f"{PROTOCOL}; the period is set by the LA (no statutory or protocol period found)",
        start=optional_date(data.get("concerns_confirmed_on")), days=positive_count(data.get("response_working_days")),
        done_on=optional_date(data.get("response_received_on")), today=today,
        what="the LA's written confirmation of the concerns",
        missing="the written confirmation's date and the number of working days allowed are not both recorded")


def _trust_reply_deadline(data: dict[str, Any], today: date) -> DeadlineInfo:
    return dated_deadline(
        "trust_reply_due", "Trust board's reply to the LA's representations",
        f"{PROTOCOL}: representations to the board of the academy trust; the date is the LA's own",
        due_value=data.get("trust_reply_due_on"), done_on=optional_date(data.get("trust_reply_received_on")),
        today=today, what="the date the LA set in its representations")
