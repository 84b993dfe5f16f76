"""What the case list's filter panel, its selected-filter tags and its sortable headers need.

The filtering itself is workflows.case_search (shared with the export and the API); this module
only turns it into links and labels.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import url_for
from sqlalchemy.orm import Session

from engine.definitions import parsed_definition, step_specs, usable_versions
from engine.errors import InvalidDefinition
from workflows.case_search import LABELS, CaseFilters, CaseSort

from ..formatting import govuk_date
from ..labels import route_title

STATUS_WORDS = {"open": "Open", "closed": "Closed", "withdrawn": "Withdrawn", "error": "In error",
                "suspended": "Suspended", "all": "All"}
SCHOOL_KIND_WORDS = {"maintained": "Maintained school", "academy": "Academy or free school",
                     "pru": "Pupil referral unit", "other": "Other"}
#: Table columns: (heading, sort key or None when the column does not sort).
COLUMNS = (("School", "school"), ("Route", "route"), ("Now at", None), ("Status", None),
           ("Next deadline", "next_deadline"), ("Lead officer", None), ("Opened", "opened"))


def parse_request(args: Mapping[str, Any]) -> tuple[CaseFilters, CaseSort, dict[str, str]]:
    filters, errors = CaseFilters.parse(args)
    sort, sort_error = CaseSort.parse(args.get("sort"))
    if sort_error:
        errors["sort"] = sort_error
    return filters, sort, errors


def list_args(filters: CaseFilters, sort: CaseSort) -> dict[str, str]:
    """The query parameters of this view of the list (valid values only; the default sort left out)."""
    args = filters.as_args()
    if sort != CaseSort():
        args["sort"] = sort.value
    return args


def _without(args: dict[str, str], *names: str, **extra: str) -> str:
    kept = {k: v for k, v in args.items() if k not in names}
    return url_for("cases.case_list", **kept, **extra)


def _value_text(name: str, value: Any) -> str:
    if name == "route":
        return route_title(value)
    if name == "school_type":
        return SCHOOL_KIND_WORDS.get(value, value)
    if name in ("opened_from", "opened_to", "closed_from", "closed_to"):
        return govuk_date(value, weekday=False)
    if name == "due_within":
        return f"{value} working day{'s' if value != 1 else ''}"
    if name == "assignee" and value == "none":
        return "nobody"
    return str(value)


def selected_tags(filters: CaseFilters, args: dict[str, str]) -> list[dict[str, str]]:
    """Each filter in force, with the link that removes it (the GOV.UK "filter a list" tags)."""
    tags = []
    if filters.status != "all":
        tags.append({"text": f"Status: {STATUS_WORDS[filters.status]}", "href": _without(args, "status", status="all")})
    for name in ("route", "step", "school", "school_type", "la", "assignee", "due_within",
                 "opened_from", "opened_to", "closed_from", "closed_to"):
        value = getattr(filters, name)
        if value not in (None, ""):
            tags.append({"text": f"{LABELS[name]}: {_value_text(name, value)}", "href": _without(args, name)})
    if filters.overdue:
        tags.append({"text": "Overdue", "href": _without(args, "overdue")})
    if filters.deadline_outcome:
        words = "met on time" if filters.deadline_outcome == "met" else "missed"
        tags.append({"text": f"A deadline due in {filters.deadline_quarter} {words}",
                     "href": _without(args, "deadline_outcome", "deadline_quarter")})
    return tags


def sort_headers(sort: CaseSort, args: dict[str, str]) -> list[dict[str, Any]]:
    """Column headings; a sortable one links to the list sorted by it (the other way if it already is)."""
    headers = []
    for text, key in COLUMNS:
        if key is None:
            headers.append({"text": text})
            continue
        current = "descending" if sort.descending else "ascending"
        headers.append({"text": text, "aria_sort": current if sort.key == key else "none",
                        "href": url_for("cases.case_list", **{**args, "sort": sort.toggled(key)})})
    return headers


def step_choices(session: Session, route: str, organisation: str) -> list[tuple[str, str]]:
    """(bpmn id, name) of the steps of `route` in every version the organisation's cases may run on,
    in the diagram's order: read from the parsed definitions (cached), where grouping the open tasks
    of the officer's cases cost a scan of them on every page of the list."""
    if not route:
        return []
    steps: dict[str, str] = {}
    for definition in usable_versions(session, route, organisation):
        try:
            parsed = parsed_definition(definition)
        except InvalidDefinition:  # a stored version no longer parses: its cases show as they are, the list still works
            continue
        for bpmn_id, name in step_specs(parsed).items():
            steps.setdefault(bpmn_id, name)
    return list(steps.items())
