"""The dashboard's figures as the templates and charts show them: each count with the case-list
link (/cases with its filters) that shows the cases behind it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for

from workflows import dashboard as queries
from workflows.dashboard import DUE_SOON_WORKING_DAYS, Figures, Outcome

from ..labels import route_title


def cases_url(**filters: Any) -> str:
    """The case list filtered to the cases behind a figure (the case list's own parameter names)."""
    return url_for("cases.case_list", **{k: v for k, v in filters.items() if v not in (None, "")})


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "No visits yet"
    if seconds < 3600:
        return "Under an hour"
    if seconds < 86400:
        hours = round(seconds / 3600)
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = round(seconds / 86400, 1)
    text = f"{days:g}"
    return f"{text} day{'s' if text != '1' else ''}"


def share_text(outcome: Outcome) -> str:
    return "None fell due" if outcome.share_met is None else f"{round(outcome.share_met * 100)}%"


@dataclass(frozen=True)
class Headline:
    """What the first screen answers: what is overdue, what is due next, last quarter's record."""

    overdue: int
    due_soon: int
    last_quarter: str
    #: All routes' cell of the outcome table for the last whole quarter (counts, share and links).
    last_outcome: dict


def route_rows(counts: dict[str, int], **filters: Any) -> list[dict]:
    return [{"key": key, "title": route_title(key), "count": count, "href": cases_url(route=key, **filters)}
            for key, count in sorted(counts.items(), key=lambda kv: route_title(kv[0]))]


def outcome_table(outcomes: dict[str, dict[str, Outcome]], quarters: list[str]) -> list[dict]:
    """One row per route and one for all routes; each cell its met and missed counts with links."""
    totals = {q: Outcome(sum(o[q].met for o in outcomes.values()), sum(o[q].missed for o in outcomes.values()))
              for q in quarters}
    rows = [(key, route_title(key), by_quarter) for key, by_quarter in
            sorted(outcomes.items(), key=lambda kv: route_title(kv[0]))]
    rows.append(("", "All routes", totals))
    return [{"key": key, "title": title, "cells": [_outcome_cell(key, q, by_quarter[q]) for q in quarters]}
            for key, title, by_quarter in rows]


def _outcome_cell(route: str, quarter: str, outcome: Outcome) -> dict:
    links = {kind: cases_url(route=route, status="all", deadline_outcome=kind, deadline_quarter=quarter)
             for kind in ("met", "missed")}
    return {"quarter": quarter, "met": outcome.met, "missed": outcome.missed, "share": share_text(outcome),
            "met_href": links["met"], "missed_href": links["missed"]}


def month_rows(months: list[tuple[date, int, int]]) -> list[dict]:
    rows = []
    for first, opened, closed in months:
        last = queries.month_end(first)
        rows.append({"label": f"{first:%B %Y}", "short": f"{first:%b %Y}", "opened": opened, "closed": closed,
                     "opened_href": cases_url(status="all", opened_from=first.isoformat(), opened_to=last.isoformat()),
                     "closed_href": cases_url(status="all", closed_from=first.isoformat(), closed_to=last.isoformat())})
    return rows


def step_rows(steps: list[queries.StepCount]) -> list[dict]:
    return [{"route": route_title(s.process_key), "key": s.process_key, "bpmn_id": s.bpmn_id, "name": s.name,
             "count": s.cases, "href": cases_url(route=s.process_key, status="open", step=s.bpmn_id)} for s in steps]


def time_rows(times: list[queries.StepTime]) -> list[dict]:
    return [{"route": route_title(t.process_key), "key": t.process_key, "bpmn_id": t.bpmn_id, "name": t.name,
             "visits": t.visits, "median": duration_text(t.median_seconds), "p90": duration_text(t.p90_seconds)}
            for t in times]


def dashboard_figures(counted: Figures) -> dict[str, Any]:
    """The page's rows and links from the counted figures (workflows.dashboard.count_figures)."""
    today, quarters = counted.today, counted.quarters
    outcome_rows = outcome_table(counted.outcomes, quarters)
    return {
        "today": today, "due_soon_days": DUE_SOON_WORKING_DAYS, "list_limit": queries.LIST_LIMIT,
        "soon_until": queries.working_days_after(today, DUE_SOON_WORKING_DAYS),
        "headline": Headline(sum(counted.overdue_by_route.values()), sum(counted.due_soon_by_route.values()),
                             quarters[-2], outcome_rows[-1]["cells"][-2]),
        "overdue": counted.overdue,
        "overdue_routes": route_rows(counted.overdue_by_route, status="open", overdue=1),
        "due_soon": counted.due_soon,
        "due_soon_routes": route_rows(counted.due_soon_by_route, status="open", due_within=DUE_SOON_WORKING_DAYS),
        "quarters": quarters, "outcome_rows": outcome_rows,
        "open_routes": route_rows(counted.open_by_route, status="open"),
        "open_total": sum(counted.open_by_route.values()),
        "open_steps": step_rows(counted.open_steps),
        "months": month_rows(counted.months),
        "step_times": time_rows(counted.step_times),
        "links": {"overdue": cases_url(status="open", overdue=1),
                  "due_soon": cases_url(status="open", due_within=DUE_SOON_WORKING_DAYS),
                  "open": cases_url(status="open")},
    }


def chart_data(figures: dict[str, Any]) -> dict[str, Any]:
    """What dashboard.js draws; the same figures are in the page's tables."""
    outcome_rows = figures["outcome_rows"]
    return {
        "outcomes": {"labels": figures["quarters"],
                     "series": [{"label": row["title"],
                                 "data": [None if c["met"] + c["missed"] == 0 else
                                          round(100 * c["met"] / (c["met"] + c["missed"]), 1) for c in row["cells"]]}
                                for row in outcome_rows if row["key"] or len(outcome_rows) == 1]},
        "open_routes": {"labels": [r["title"] for r in figures["open_routes"]],
                        "data": [r["count"] for r in figures["open_routes"]]},
        "months": {"labels": [m["short"] for m in figures["months"]],
                   "opened": [m["opened"] for m in figures["months"]],
                   "closed": [m["closed"] for m in figures["months"]]},
    }


def heatmap_figures(counted: Figures, process_key: str) -> list[dict]:
    """Each step of the route with cases at it now or visits that ended in the time window."""
    counts = {s.bpmn_id: s for s in counted.open_steps if s.process_key == process_key}
    times = {t.bpmn_id: t for t in counted.step_times if t.process_key == process_key}
    rows = []
    for bpmn_id in sorted(set(counts) | set(times), key=lambda b: (-(counts[b].cases if b in counts else 0), b)):
        count, spent = counts.get(bpmn_id), times.get(bpmn_id)
        rows.append({"bpmn_id": bpmn_id, "name": (count or spent).name,  # type: ignore[union-attr]
                     "cases": count.cases if count else 0,
                     "href": cases_url(route=process_key, status="open", step=bpmn_id),
                     "visits": spent.visits if spent else 0,
                     "median": duration_text(spent.median_seconds if spent else None),
                     "p90": duration_text(spent.p90_seconds if spent else None)})
    return rows
