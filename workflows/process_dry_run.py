"""Try a route before deploying it: the steps a case would take from a start date, who acts at each,
and the day each falls due, counted with the real calendar (England's bank holidays and the
configured term dates) exactly as a real case would count them.

The walk itself is the engine's (engine.dry_run): it sets due dates with the code that sets them on
real tasks. Here the domain adds what a real case gets at its start (the routes' start defaults),
role names, legal sources, and the holidays each deadline skips, in words.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import dry_run as engine_dry_run
from engine import hooks
from engine.clock import LOCAL_TZ
from engine.definitions import parse_process
from engine.errors import InvalidDefinition, InvalidInput, Problem
from engine.scripting import strip_expression

from .calendar import long_holidays, skipped_holidays
from .ofsted_category_response.rules import INSET_NAME
from .registry import install
from .roles import role_for
from .school_models import SchoolHoliday

#: A dry-run case starts at this time of its start day, as an officer would start one.
START_TIME = time(9, 0)
#: Stands in for the school's URN: start checks that need the schools register are skipped.
DRY_RUN_KEY = "dry-run"


@dataclass(frozen=True)
class Step:
    bpmn_id: str
    name: str
    kind: str  # "user_task" or "timer"
    #: Who acts: the role's name (or the lane or group as the model spells it, if not a known role).
    role: str | None
    due_on: date | None
    #: How the due day is worked out, in words: the model's expression and the holidays it skips.
    due_rule: str | None
    legal_source: str | None


@dataclass(frozen=True)
class DryRunResult:
    steps: list[Step]
    problems: list[Problem]
    ended: bool
    stopped_because: str


def start_data(process_key: str, data: dict[str, Any]) -> dict[str, Any]:
    """The data a real case of this route starts with: the given data with the route's start
    defaults filled in by the domain's start data hooks. The checks against recorded facts (the
    schools register) need a database and are not run: the school facts a route reads come from
    the owner's data instead."""
    install()  # the calendar functions and start hooks a real case has (a bare script may not have them yet)
    context = hooks.StartContext(process_key, DRY_RUN_KEY, dict(data))
    for hook in hooks.start_data_hooks:
        hook(context)
    return context.data


def authority_term_dates(session: Session, la_code: str) -> list[list[str]] | None:
    """The authority's published school holidays, as a case copies a school's at its start (rows of
    first day, last day and "inset" for a training day); None when it has recorded none."""
    rows = session.scalars(select(SchoolHoliday).where(SchoolHoliday.la_code == la_code, SchoolHoliday.urn.is_(None))
                           .order_by(SchoolHoliday.first_day, SchoolHoliday.last_day)).all()
    return [[row.first_day.isoformat(), row.last_day.isoformat(), *(["inset"] if INSET_NAME.search(row.name) else [])]
            for row in rows] or None


def dry_run(bpmn_xml: str, start_on: date, data: dict[str, Any] | None = None, dmn_xml: Iterable[str] = (),
            process_id: str | None = None, max_steps: int = 200,
            term_dates: list[list[str]] | None = None) -> DryRunResult:
    """Walk the route from `start_on` with sample answers (form defaults, overridden by `data`).

    `term_dates` (authority_term_dates) stand in for the school's holidays a real case copies at its
    start, unless the data gives `school_holidays` itself."""
    if data is not None and not isinstance(data, dict):
        raise InvalidInput("sample data must be a JSON object of answers by field id")
    if term_dates and (data or {}).get("school_holidays") is None:
        data = {**(data or {}), "school_holidays": term_dates}
    try:
        parsed = parse_process(bpmn_xml, list(dmn_xml), process_id, checks=False)
    except InvalidDefinition as error:
        return DryRunResult([], error.problems, False, "the file cannot be read as a process")
    try:
        first = start_data(parsed.key, data or {})
    except InvalidInput as refused:
        return DryRunResult([], [Problem("(start)", f"A case could not start with this data: {refused}")], False,
                            "the case could not start")
    start_at = datetime.combine(start_on, START_TIME, LOCAL_TZ)
    walked = engine_dry_run.dry_run(parsed, start_at, first, data or {}, max_steps=max_steps)
    holidays = _long_holidays(walked.data or first)
    steps = [_step(step, holidays) for step in walked.steps]
    return DryRunResult(steps, walked.problems, walked.ended, walked.stopped_because)


def _long_holidays(data: dict[str, Any]) -> list[tuple[date, date]]:
    """The school holidays longer than a week the case counts with (inspection-regulation deadlines skip them)."""
    try:
        return long_holidays(data.get("school_holidays"), data.get("holiday_reading") or "school_days",
                             data.get("inset_reading") or "not_holiday")
    except (TypeError, ValueError):  # holidays typed wrongly: the step using them reports it
        return []


def _step(step: engine_dry_run.DryRunStep, holidays: list[tuple[date, date]]) -> Step:
    role = role_for(step.role)
    due_on = step.due_on
    if step.kind == "timer" and step.due_at is not None and "end_of_day_utc" in (step.due_rule or ""):
        # end_of_day_utc(day) fires at the midnight that ends `day`: the period runs to that day.
        due_on = (step.due_at.astimezone(LOCAL_TZ) - timedelta(microseconds=1)).date()
    return Step(step.bpmn_id, step.name, step.kind, role.name if role else step.role, due_on,
                due_rule(step.due_rule, step.opened_on, due_on, holidays), step.properties.get("legal_source"))


def due_rule(expression: str | None, opened_on: date | None, due_on: date | None,
             school_holidays: Iterable[tuple[date, date]] = ()) -> str | None:
    """The model's rule as written and the holidays between the step opening and its due day, which
    a count of working days skips: "working_days_after(notice_given_on, 15); bank holidays in
    between: Christmas Day (25 December 2026), ..."; for a rule reading the school's holidays, also
    those longer than a week (the inspection regulations skip them)."""
    if not expression:
        return None
    text = strip_expression(expression)
    if opened_on is None or due_on is None or due_on <= opened_on:
        return text
    parts = [text]
    skipped = skipped_holidays(opened_on, due_on)
    if skipped:
        parts.append("bank holidays in between: " + ", ".join(f"{name} ({_long_date(day)})" for day, name in skipped))
    school = [(first, last) for first, last in school_holidays if first <= due_on and last > opened_on]
    if school and "school_holidays" in text:
        parts.append("school holidays in between: " + ", ".join(
            f"{_long_date(first)} to {_long_date(last)}" for first, last in school))
    return "; ".join(parts)


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
