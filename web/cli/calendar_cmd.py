"""`intervene calendar`: check a working-day deadline by hand, with the holidays it skipped."""
from __future__ import annotations

import click

from web.cli.common import command, emit, fail
from workflows.calendar import MAX_WORKING_DAYS, as_date, skipped_holidays, working_days_after


@click.group("calendar")
def cli() -> None:
    """England and Wales working days, as the statutory deadlines count them."""


def _parse_count(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        fail(f"N must be a whole number of working days, not {text!r}")
    if value < 0:
        fail(f"N must be 0 or more, not {value}")
    if value > MAX_WORKING_DAYS:
        fail(f"N must be at most {MAX_WORKING_DAYS} working days, not {value}")
    return value


# ignore_unknown_options lets a negative N reach the check below instead of reading as an option.
@command(cli, "working-day", context_settings={"ignore_unknown_options": True})
@click.argument("start", metavar="DATE")
@click.argument("n", metavar="N")
def working_day(start: str, n: str, as_json: bool) -> None:
    """Print the Nth working day following DATE (DATE is day 0), e.g. `working-day 2025-12-18 15`."""
    count = _parse_count(n)
    try:
        start_on = as_date(start, "DATE")
        due_on = working_days_after(start_on, count)
    except ValueError as error:
        fail(str(error))
    result = {
        "start": start_on,
        "working_days": count,
        "date": due_on,
        "skipped": [{"date": day, "reason": reason} for day, reason in skipped_holidays(start_on, due_on)],
    }
    emit(result, as_json, lambda r: r["date"].isoformat())
