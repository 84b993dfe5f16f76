"""/cases/export: exactly the cases the list's filter shows (every page), for a spreadsheet.

UTF-8 with a byte order mark, so Excel reads the school names' accents; dates as GOV.UK writes
them; columns named for people. A cell that begins with = + - @ (or a tab or carriage return)
gets a leading apostrophe, so a spreadsheet shows it as text instead of running it as a formula
(CSV injection: a school or officer name is typed by someone else). Written a chunk of cases at a
time as the response streams, so a region's 100,000 cases never sit in memory at once.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import Response, redirect, request, stream_with_context, url_for

from engine.clock import today_local
from workflows.case_leads import leads_of
from workflows.case_search import CaseFilters, CaseRow, CaseSort, iter_cases

from ..access import requires
from ..case_page import STATUS_TAGS
from ..db import db
from ..formatting import govuk_date
from ..labels import route_title
from .filters import parse_request
from .views import blueprint

BOM = "\ufeff"
COLUMNS = ("Case number", "School", "URN", "Local authority", "Type of school", "Route", "Status", "Now at",
           "Lead officer", "Assigned to", "Opened", "Closed", "Next deadline", "Next deadline date",
           "Working days left", "Overdue")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell's text, with an apostrophe in front when a spreadsheet would read it as a formula.
    A number we wrote ourselves (-2 working days left) is left as a number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _status(row: CaseRow) -> str:
    return STATUS_TAGS.get(row.instance.status, (row.instance.status,))[0]


def csv_line(values: list[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([safe_cell(v) for v in values])
    return buffer.getvalue()


def case_cells(row: CaseRow, lead: str | None) -> list[object]:
    instance, school, deadline = row.instance, row.school, row.next_deadline
    return [instance.id, school.name if school else "", instance.business_key or "",
            school.la_name if school else "", school.type_of_establishment if school else "",
            route_title(instance.process_key), _status(row), instance.current_steps, lead or "",
            "; ".join(row.assignees), govuk_date(instance.started_at, weekday=False),
            govuk_date(instance.ended_at, weekday=False), deadline.name if deadline else "",
            govuk_date(deadline.due_on, weekday=False) if deadline else "",
            "" if row.working_days_left is None else row.working_days_left, "Yes" if row.is_overdue else ""]


def csv_lines(filters: CaseFilters, sort: CaseSort) -> Iterator[str]:
    session, today = db(), today_local()
    yield BOM + csv_line(list(COLUMNS))
    batch: list[CaseRow] = []

    def flush() -> Iterator[str]:
        leads = leads_of(session, {row.instance.id for row in batch})
        for row in batch:
            yield csv_line(case_cells(row, leads.get(row.instance.id)))
        batch.clear()

    for row in iter_cases(session, filters, sort, today=today):
        batch.append(row)
        if len(batch) >= 500:
            yield from flush()
    yield from flush()


@blueprint.get("/export", endpoint="export")
@requires()
def export():
    filters, sort, errors = parse_request(request.args)
    if errors:  # the list names what is wrong; an export must never be quietly wider than asked
        return redirect(url_for("cases.case_list", **request.args))
    filename = f"cases-{today_local().isoformat()}.csv"
    return Response(stream_with_context(csv_lines(filters, sort)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})

