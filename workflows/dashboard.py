"""What the managers' dashboard counts, as a handful of aggregate queries over projection columns.

Every function takes the request's scoped session (workflows.access.scope_session), so each count
is of the officer's organisation's cases, and for a region of the cases shared with it; none names
the visibility rule itself. They read indexed projection columns only (process_instances.status,
started_at, ended_at; deadlines.due_on, status, met_on; step_visits.entered_at, left_at), never the
serialized workflow state.

The definitions match the case list's filters (/cases), so that a figure's link shows the cases
behind it: a deadline is *outstanding* while it has no met_on and is pending or missed; *overdue*
when outstanding and its day has passed; *due soon* when outstanding and due within N working
days; *met on time* or *missed* by its live status (engine.deadlines.status_on) in the quarter its
due day falls in.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, distinct, extract, func, or_, select
from sqlalchemy.orm import Session

from engine.clock import LOCAL_TZ
from engine.deadlines import MISSED, status_on
from engine.models import Deadline, ProcessInstance, StepVisit

from .calendar import working_days_after, working_days_between

# The case list's own definitions, so a dashboard figure and the /cases list behind it always agree.
from .case_search import CLOSED_STATUSES, outstanding, quarter_days
from .school_models import School

#: "Due soon" on the dashboard: the next fortnight of working days.
DUE_SOON_WORKING_DAYS = 10
#: Rows of the overdue and due-soon tables; the case list shows the rest.
LIST_LIMIT = 25
#: How far back the time spent in each step is measured.
TIME_WINDOW_DAYS = 365


# Periods.

def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def recent_quarters(today: date, count: int = 5) -> list[str]:
    """The last `count` quarters, oldest first, ending with the current one (so far)."""
    found, day = [], today
    for _ in range(count):
        quarter = quarter_of(day)
        found.append(quarter)
        day = quarter_days(quarter)[0] - timedelta(days=1)
    return found[::-1]


def recent_months(today: date, count: int = 12) -> list[date]:
    """First days of the last `count` months, oldest first, ending with the current one."""
    months, day = [], today.replace(day=1)
    for _ in range(count):
        months.append(day)
        day = (day - timedelta(days=1)).replace(day=1)
    return months[::-1]


def month_end(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def day_start(day: date) -> datetime:
    """The moment a day begins in England, in UTC (the columns hold UTC)."""
    return datetime.combine(day, time(0), LOCAL_TZ).astimezone(UTC)


# Open cases.

def _is_open():
    return ProcessInstance.status.not_in(CLOSED_STATUSES)


def open_cases_by_route(session: Session) -> dict[str, int]:
    rows = session.execute(select(ProcessInstance.process_key, func.count()).where(_is_open())
                           .group_by(ProcessInstance.process_key))
    return {key: count for key, count in rows}


@dataclass(frozen=True)
class StepCount:
    process_key: str
    bpmn_id: str
    name: str
    cases: int


def open_cases_by_step(session: Session) -> list[StepCount]:
    """Open cases at each step they are at now (a case at two parallel steps counts at both)."""
    query = (select(StepVisit.process_key, StepVisit.bpmn_id, func.min(StepVisit.name),
                    func.count(distinct(StepVisit.instance_id)))
             .join(ProcessInstance, ProcessInstance.id == StepVisit.instance_id)
             .where(StepVisit.left_at.is_(None), _is_open())
             .group_by(StepVisit.process_key, StepVisit.bpmn_id))
    found = [StepCount(*row) for row in session.execute(query)]
    return sorted(found, key=lambda s: (s.process_key, -s.cases, s.name))


# Deadlines.

def overdue_clause(today: date):
    return and_(outstanding(today), Deadline.due_on < today)


def due_soon_clause(today: date, working_days: int = DUE_SOON_WORKING_DAYS):
    return and_(outstanding(today), Deadline.due_on >= today,
                Deadline.due_on <= working_days_after(today, working_days))


@dataclass(frozen=True)
class DeadlineRow:
    instance_id: int
    process_key: str
    school_name: str | None
    business_key: str | None
    name: str
    due_on: date
    source: str
    #: Working days from today to the due day: negative once it has passed.
    working_days: int


def _deadlines_of_open_cases(clause) -> Select:
    return (select(Deadline.instance_id, ProcessInstance.process_key, School.name, ProcessInstance.business_key,
                   Deadline.name, Deadline.due_on, Deadline.source)
            .join(ProcessInstance, ProcessInstance.id == Deadline.instance_id)
            .outerjoin(School, School.urn == ProcessInstance.business_key)
            .where(clause, _is_open()))


def deadline_list(session: Session, clause, today: date, limit: int = LIST_LIMIT) -> list[DeadlineRow]:
    """The first `limit` deadlines of open cases matching `clause`, earliest due first (for overdue
    ones that is the worst first: the longest overdue)."""
    query = _deadlines_of_open_cases(clause).order_by(Deadline.due_on, Deadline.instance_id, Deadline.id).limit(limit)
    return [DeadlineRow(instance_id, key, school, urn, name, due_on, source, working_days_between(today, due_on))
            for instance_id, key, school, urn, name, due_on, source in session.execute(query)]


def cases_with_deadlines(session: Session, clause) -> dict[str, int]:
    """Open cases with at least one deadline matching `clause`, per route (the case list's count)."""
    rows = session.execute(select(ProcessInstance.process_key, func.count(distinct(Deadline.instance_id)))
                           .join(ProcessInstance, ProcessInstance.id == Deadline.instance_id)
                           .where(clause, _is_open()).group_by(ProcessInstance.process_key))
    return {key: count for key, count in rows}


@dataclass(frozen=True)
class Outcome:
    met: int = 0
    missed: int = 0

    @property
    def counted(self) -> int:
        return self.met + self.missed

    @property
    def share_met(self) -> float | None:
        """Met on time as a share of the deadlines met or missed; None when none fell due."""
        return self.met / self.counted if self.counted else None


def deadline_outcomes(session: Session, today: date, quarters: list[str]) -> dict[str, dict[str, Outcome]]:
    """{route: {quarter: Outcome}}: deadlines met on time and missed, by the quarter they fell due in
    (open and closed cases alike; pending, unknown and ended deadlines are neither)."""
    live = status_on(today)
    columns: list[Any] = [ProcessInstance.process_key]
    for quarter in quarters:
        first, last = quarter_days(quarter)
        in_quarter = and_(Deadline.due_on >= first, Deadline.due_on <= last)
        columns += [func.sum(case((and_(in_quarter, live == outcome), 1), else_=0)) for outcome in ("met", MISSED)]
    start, end = quarter_days(quarters[0])[0], quarter_days(quarters[-1])[1]
    rows = session.execute(select(*columns).join(ProcessInstance, ProcessInstance.id == Deadline.instance_id)
                           .where(Deadline.due_on >= start, Deadline.due_on <= end)
                           .group_by(ProcessInstance.process_key))
    found: dict[str, dict[str, Outcome]] = {}
    for key, *sums in rows:
        found[key] = {q: Outcome(int(sums[2 * i] or 0), int(sums[2 * i + 1] or 0)) for i, q in enumerate(quarters)}
    return found


# Cases over time.

def opened_and_closed(session: Session, months: list[date]) -> list[tuple[date, int, int]]:
    """(first day of month, cases opened, cases closed) for each month, in England's time."""
    bounds = [day_start(m) for m in months] + [day_start(month_end(months[-1]) + timedelta(days=1))]
    columns: list[Any] = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        columns.append(func.sum(case((and_(ProcessInstance.started_at >= start, ProcessInstance.started_at < end), 1),
                                     else_=0)))
        columns.append(func.sum(case((and_(ProcessInstance.ended_at >= start, ProcessInstance.ended_at < end), 1),
                                     else_=0)))
    # select_from names the entity, so the session's visibility rule applies to these bare sums too.
    row = session.execute(select(*columns).select_from(ProcessInstance).where(or_(
        and_(ProcessInstance.started_at >= bounds[0], ProcessInstance.started_at < bounds[-1]),
        and_(ProcessInstance.ended_at >= bounds[0], ProcessInstance.ended_at < bounds[-1])))).one()
    return [(month, int(row[2 * i] or 0), int(row[2 * i + 1] or 0)) for i, month in enumerate(months)]


# Time spent in each step.

@dataclass(frozen=True)
class StepTime:
    process_key: str
    bpmn_id: str
    name: str
    visits: int
    median_seconds: float
    p90_seconds: float


def percentile(ordered: list[float], share: float) -> float:
    """Linear interpolation between the closest ranks: PostgreSQL's percentile_cont."""
    position = share * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def time_in_steps(session: Session, since: datetime) -> list[StepTime]:
    """Median and 90th percentile of the time cases spent at each step, over the visits that ended
    since `since` (the case moved on). PostgreSQL works the percentiles out itself; SQLite (one
    machine, few cases) hands the durations over."""
    where = [StepVisit.left_at.is_not(None), StepVisit.left_at >= since]
    keys = (StepVisit.process_key, StepVisit.bpmn_id)
    if session.get_bind().dialect.name == "postgresql":
        seconds: ColumnElement[Any] = extract("epoch", StepVisit.left_at - StepVisit.entered_at)
        rows = session.execute(select(*keys, func.min(StepVisit.name), func.count(),
                                      func.percentile_cont(0.5).within_group(seconds),
                                      func.percentile_cont(0.9).within_group(seconds))
                               .where(*where).group_by(*keys))
        found = [StepTime(k, b, n, c, float(m), float(p)) for k, b, n, c, m, p in rows]
    else:
        # Worked out in SQL: turning every stored text back into a datetime costs more than the query.
        seconds = (func.julianday(StepVisit.left_at) - func.julianday(StepVisit.entered_at)) * 86400
        durations: dict[tuple[str, str], list[float]] = {}
        names: dict[tuple[str, str], str] = {}
        for key, bpmn_id, name, spent in session.execute(select(*keys, StepVisit.name, seconds).where(*where)):
            durations.setdefault((key, bpmn_id), []).append(spent)
            names[(key, bpmn_id)] = min(name, names.get((key, bpmn_id), name))
        found = [StepTime(k, b, names[(k, b)], len(d), percentile(sorted(d), 0.5), percentile(sorted(d), 0.9))
                 for (k, b), d in durations.items()]
    return sorted(found, key=lambda s: (s.process_key, -s.median_seconds, s.name))


def window_start(today: date) -> datetime:
    """Where the time spent in each step starts being measured: TIME_WINDOW_DAYS before today."""
    return day_start(today - timedelta(days=TIME_WINDOW_DAYS))


# Everything at once.

@dataclass(frozen=True)
class Figures:
    """Every figure of the dashboard, counted for one organisation on one day (the raw counts: the
    web turns them into rows, links and charts). Kept as a snapshot (workflows.dashboard_snapshots)
    so a page shows them without counting again."""

    today: date
    overdue_by_route: dict[str, int]
    due_soon_by_route: dict[str, int]
    quarters: list[str]
    outcomes: dict[str, dict[str, Outcome]]
    open_by_route: dict[str, int]
    months: list[tuple[date, int, int]]
    open_steps: list[StepCount]
    step_times: list[StepTime]
    overdue: list[DeadlineRow]
    due_soon: list[DeadlineRow]


def count_figures(session: Session, today: date) -> Figures:
    overdue, soon = overdue_clause(today), due_soon_clause(today)
    quarters = recent_quarters(today)
    return Figures(
        today=today,
        overdue_by_route=cases_with_deadlines(session, overdue),
        due_soon_by_route=cases_with_deadlines(session, soon),
        quarters=quarters,
        outcomes=deadline_outcomes(session, today, quarters),
        open_by_route=open_cases_by_route(session),
        months=opened_and_closed(session, recent_months(today)),
        open_steps=open_cases_by_step(session),
        step_times=time_in_steps(session, window_start(today)),
        overdue=deadline_list(session, overdue, today, LIST_LIMIT),
        due_soon=deadline_list(session, soon, today, LIST_LIMIT),
    )


def figures_to_json(figures: Figures) -> str:
    def deadline(row: DeadlineRow) -> dict[str, Any]:
        return {**asdict(row), "due_on": row.due_on.isoformat()}

    return json.dumps({
        "today": figures.today.isoformat(),
        "overdue_by_route": figures.overdue_by_route, "due_soon_by_route": figures.due_soon_by_route,
        "quarters": figures.quarters,
        "outcomes": {key: {q: [o.met, o.missed] for q, o in by_quarter.items()}
                     for key, by_quarter in figures.outcomes.items()},
        "open_by_route": figures.open_by_route,
        "months": [[first.isoformat(), opened, closed] for first, opened, closed in figures.months],
        "open_steps": [asdict(s) for s in figures.open_steps],
        "step_times": [asdict(t) for t in figures.step_times],
        "overdue": [deadline(r) for r in figures.overdue], "due_soon": [deadline(r) for r in figures.due_soon],
    })


def figures_from_json(text: str) -> Figures:
    data = json.loads(text)

    def deadline(row: dict[str, Any]) -> DeadlineRow:
        return DeadlineRow(**{**row, "due_on": date.fromisoformat(row["due_on"])})

    return Figures(
        today=date.fromisoformat(data["today"]),
        overdue_by_route=data["overdue_by_route"], due_soon_by_route=data["due_soon_by_route"],
        quarters=data["quarters"],
        outcomes={key: {q: Outcome(met, missed) for q, (met, missed) in by_quarter.items()}
                  for key, by_quarter in data["outcomes"].items()},
        open_by_route=data["open_by_route"],
        months=[(date.fromisoformat(first), opened, closed) for first, opened, closed in data["months"]],
        open_steps=[StepCount(**s) for s in data["open_steps"]],
        step_times=[StepTime(**t) for t in data["step_times"]],
        overdue=[deadline(r) for r in data["overdue"]], due_soon=[deadline(r) for r in data["due_soon"]],
    )
