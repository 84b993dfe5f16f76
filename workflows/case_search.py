"""The case list's filters, sort and query, shared by the web list, its CSV export and the JSON API.

`CaseFilters.parse` reads the query parameters (a mapping, such as Flask's request.args) and checks
each value; a bad value comes back as an error message for that parameter and leaves that filter
out, so a page can show an error summary above the list unfiltered by it. `search_cases` runs the
filter on the caller's session, which is scoped to the officer (workflows.access.scope_session):
nothing here names the visibility rule, and every table read (cases, tasks, deadlines, audit events)
gets its rule from the session.

Everything is read from projection columns (process_instances, human_tasks, timer_jobs, deadlines,
schools), never from a case's serialized state.

"Next deadline" is the earliest statutory or local deadline of an open case still to be met: pending
with its day to come, or missed (its day passed and nothing met it). A deadline whose day passing
is no miss (the end of a period the school is given) stops counting once its day has passed.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, lazyload

from engine.clock import LOCAL_TZ, today_local
from engine.deadlines import lapsed_on, status_on
from engine.models import AuditEvent, Deadline, HumanTask, ProcessInstance, TimerJob
from engine.runtime import CLOSED_STATUSES

from .calendar import working_days_after, working_days_between
from .school_models import School
from .schools import search_name, types_of

#: status=… values: what each keeps ("all" keeps every case).
STATUSES = ("open", "closed", "withdrawn", "error", "suspended", "all")
SCHOOL_KINDS = ("maintained", "academy", "pru", "other")
OUTCOMES = ("met", "missed")
#: Sort keys and the direction each takes when none is given.
SORTS = {"next_deadline": "asc", "opened": "desc", "closed": "desc", "school": "asc", "route": "asc"}
DEFAULT_SORT = "opened"
#: A year of working days: a longer window is a typing slip, not a question.
MAX_DUE_WITHIN = 260
#: A process key or BPMN element id (XML names): letters, digits, _ . -
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,199}$")
_LA_CODE = re.compile(r"^\d{3}$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
#: A case withdrawn (rather than closed) from the case page: web/cases/manage.py writes this reason.
WITHDRAWN_PREFIX = "Withdrawn:"
TRUE_WORDS, FALSE_WORDS = ("1", "yes", "true", "on"), ("", "0", "no", "false", "off")
#: Labels of the parameters, for error messages and the selected-filter tags.
LABELS = {"route": "Route", "status": "Status", "step": "Step", "school": "School", "school_type": "School type",
          "la": "Local authority", "assignee": "Assigned to", "overdue": "Overdue",
          "due_within": "Due within", "opened_from": "Opened from", "opened_to": "Opened to",
          "closed_from": "Closed from", "closed_to": "Closed to", "deadline_outcome": "Deadline outcome",
          "deadline_quarter": "Quarter", "sort": "Sort"}
DATE_EXAMPLE = "like 2026-12-03"


@dataclass(frozen=True)
class CaseFilters:
    """What the list keeps. Each field is a query parameter of the same name; empty means no filter."""

    route: str = ""
    status: str = "open"
    step: str = ""
    school: str = ""
    school_type: str = ""
    la: str = ""
    assignee: str = ""
    overdue: bool = False
    due_within: int | None = None
    opened_from: date | None = None
    opened_to: date | None = None
    closed_from: date | None = None
    closed_to: date | None = None
    deadline_outcome: str = ""
    deadline_quarter: str = ""

    @classmethod
    def parse(cls, args: Mapping[str, Any]) -> tuple[CaseFilters, dict[str, str]]:
        """(the filters of every valid parameter, {parameter: what is wrong with its value}).

        Unknown parameters (page, sort, tracking) are ignored; a missing status means open cases.
        """
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name in (f.name for f in fields(cls)):
            raw = args.get(name)
            if raw is None:
                continue
            text = str(raw).strip()
            if any(ord(c) < 32 or ord(c) == 127 for c in text):  # PostgreSQL refuses a NUL in text
                errors[name] = f"{LABELS[name]} must not contain control characters"
                continue
            try:
                parsed = _PARSERS[name](text)
            except ValueError as error:
                errors[name] = str(error)
                continue
            if parsed not in (None, ""):
                values[name] = parsed
        filters = cls(**values)
        return filters._check_pairs(errors)

    def _check_pairs(self, errors: dict[str, str]) -> tuple[CaseFilters, dict[str, str]]:
        """Values fine alone but wrong together: a range ending before it starts, half an outcome."""
        filters = self
        for start, end in (("opened_from", "opened_to"), ("closed_from", "closed_to")):
            first, last = getattr(filters, start), getattr(filters, end)
            if first and last and last < first:
                errors[end] = f"{LABELS[end]} must be the same as or after {LABELS[start].lower()}"
                cleared: dict[str, Any] = {end: None}
                filters = replace(filters, **cleared)
        if filters.deadline_outcome and not filters.deadline_quarter and "deadline_quarter" not in errors:
            errors["deadline_quarter"] = "Enter the quarter the deadlines fell due in, like 2026-Q4"
            filters = replace(filters, deadline_outcome="")
        if filters.deadline_quarter and not filters.deadline_outcome and "deadline_outcome" not in errors:
            errors["deadline_outcome"] = "Select whether the deadlines were met on time or missed"
            filters = replace(filters, deadline_quarter="")
        if "deadline_quarter" in errors or "deadline_outcome" in errors:
            filters = replace(filters, deadline_outcome="", deadline_quarter="")
        return filters, errors

    def as_args(self) -> dict[str, str]:
        """The query parameters that give these filters (the defaults left out)."""
        default = CaseFilters()
        args: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value == getattr(default, f.name):
                continue
            if isinstance(value, bool):
                args[f.name] = "1"
            elif value is None:
                args[f.name] = ""
            else:
                args[f.name] = value.isoformat() if isinstance(value, date) else str(value)
        return args

    @property
    def quarter_range(self) -> tuple[date, date] | None:
        return quarter_days(self.deadline_quarter) if self.deadline_quarter else None


@dataclass(frozen=True)
class CaseSort:
    key: str = DEFAULT_SORT
    descending: bool = SORTS[DEFAULT_SORT] == "desc"

    @classmethod
    def parse(cls, text: str | None) -> tuple[CaseSort, str | None]:
        """`next_deadline`, `next_deadline-desc`, `opened-asc`... (key, then an optional direction)."""
        text = (text or "").strip().lower()
        if not text:
            return cls(), None
        key, _, direction = text.partition("-")
        if key not in SORTS or direction not in ("", "asc", "desc"):
            choices = ", ".join(SORTS)
            return cls(), f"Sort must be one of {choices}, optionally followed by -asc or -desc"
        return cls(key, (direction or SORTS[key]) == "desc"), None

    @property
    def value(self) -> str:
        return f"{self.key}-{'desc' if self.descending else 'asc'}"

    def toggled(self, key: str) -> str:
        """The sort parameter a column header links to: the other direction if sorted by it already."""
        if key == self.key:
            return f"{key}-{'asc' if self.descending else 'desc'}"
        return f"{key}-{SORTS[key]}"


@dataclass
class CaseRow:
    instance: ProcessInstance
    school: School | None
    #: The earliest deadline still to be met (see the module's docstring), or None.
    next_deadline: Deadline | None = None
    working_days_left: int | None = None
    is_overdue: bool = False
    #: Who holds the case's open tasks (emails), for the export.
    assignees: list[str] = field(default_factory=list)


@dataclass
class CaseResults:
    rows: list[CaseRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# Parsers of one parameter's text: the value, or ValueError with the message to show.

def _key(label: str, example: str):
    def parse(text: str) -> str:
        if text and not _KEY.match(text):
            raise ValueError(f"{label} must be an id of letters, digits and underscores, like {example}")
        return text
    return parse


def _status(text: str) -> str:
    if text == "":
        return "open"
    if text.lower() not in STATUSES:
        raise ValueError("Status must be open, closed, withdrawn, error, suspended or all")
    return text.lower()


def _school(text: str) -> str:
    if len(text) > 200:
        raise ValueError("School must be 200 characters or fewer")
    return text


def _school_type(text: str) -> str:
    if not text:
        return ""
    if text.lower() in SCHOOL_KINDS:
        return text.lower()
    known = {t.lower(): t for kind in SCHOOL_KINDS for t in types_of(kind)}
    if text.lower() not in known:
        raise ValueError("School type must be maintained, academy, pru, other or a type of establishment "
                         "as Get Information about Schools names it, like Community school")
    return known[text.lower()]


def _la(text: str) -> str:
    if text and not _LA_CODE.match(text):
        raise ValueError("Local authority must be a 3-digit LA code, like 358")
    return text


def _assignee(text: str) -> str:
    if not text:
        return ""
    if text.lower() == "none":
        return "none"
    if len(text) > 200 or not _EMAIL.match(text):
        raise ValueError("Assigned to must be an email address, like name@example.gov.uk, or none")
    return text.lower()


def _flag(text: str) -> bool:
    if text.lower() in TRUE_WORDS:
        return True
    if text.lower() in FALSE_WORDS:
        return False
    raise ValueError("Overdue must be 1 (only overdue cases) or left out")


def _due_within(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_DUE_WITHIN:
        raise ValueError(f"Due within must be a whole number of working days from 1 to {MAX_DUE_WITHIN}")
    return int(text)


def _date(label: str):
    def parse(text: str) -> date | None:
        if not text:
            return None
        found = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", text) or re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text)
        try:
            if found is None:
                raise ValueError
            parts = [int(p) for p in found.groups()]
            return date(*parts) if len(found.group(1)) == 4 else date(parts[2], parts[1], parts[0])
        except ValueError:
            raise ValueError(f"{label} must be a real date, {DATE_EXAMPLE} or 3/12/2026") from None
    return parse


def _outcome(text: str) -> str:
    if text and text.lower() not in OUTCOMES:
        raise ValueError("Deadline outcome must be met or missed")
    return text.lower()


def _quarter(text: str) -> str:
    if text and not _QUARTER.match(text):
        raise ValueError("Quarter must be a year and quarter, like 2026-Q4")
    return text.upper()


_PARSERS = {
    "route": _key("Route", "maintained_warning_notice"), "status": _status,
    "step": _key("Step", "issue_notice"), "school": _school, "school_type": _school_type, "la": _la,
    "assignee": _assignee, "overdue": _flag, "due_within": _due_within,
    "opened_from": _date("Opened from"), "opened_to": _date("Opened to"),
    "closed_from": _date("Closed from"), "closed_to": _date("Closed to"),
    "deadline_outcome": _outcome, "deadline_quarter": _quarter,
}


def quarter_days(quarter: str) -> tuple[date, date]:
    """First and last day of a calendar quarter ("2026-Q4": 1 October to 31 December 2026)."""
    found = _QUARTER.match(quarter)
    if found is None:
        raise ValueError(f"not a quarter: {quarter!r}")
    year, number = int(found.group(1)), int(found.group(2))
    first = date(year, 3 * number - 2, 1)
    last = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


# The query.

def outstanding(today: date) -> ColumnElement[bool]:
    """A deadline still to be met as of `today`: pending with its day to come, or missed."""
    pending_to_come = and_(Deadline.status == "pending", Deadline.due_on >= today)
    return and_(Deadline.met_on.is_(None), Deadline.due_on.is_not(None),
                or_(pending_to_come, lapsed_on(today), Deadline.status == "missed"))


def _case_deadline(*clauses: ColumnElement[bool]) -> ColumnElement[bool]:
    # select(Model...).exists(), not exists().where(...): the session's scoping rule (with_loader_criteria)
    # only reaches a subquery that selects an ORM entity's columns.
    return select(Deadline.id).where(Deadline.instance_id == ProcessInstance.id, *clauses).exists()


def _still_due(today: date) -> list[ColumnElement[bool]]:
    """A deadline of an open case still to be met: a closed case has nothing left to do."""
    return [ProcessInstance.status.not_in(CLOSED_STATUSES), outstanding(today)]


def _open_task(*clauses: ColumnElement[bool]) -> ColumnElement[bool]:
    return select(HumanTask.id).where(HumanTask.instance_id == ProcessInstance.id, HumanTask.is_open.is_(True),
                                      *clauses).exists()


def _withdrawn() -> ColumnElement[bool]:
    return select(AuditEvent.id).where(AuditEvent.instance_id == ProcessInstance.id, AuditEvent.action == "terminated",
                                       AuditEvent.detail.like(f"{WITHDRAWN_PREFIX}%")).exists()


def _status_clause(status: str) -> ColumnElement[bool] | None:
    if status == "open":
        return ProcessInstance.status.not_in(CLOSED_STATUSES)
    if status == "closed":  # ended, by its last step or closed early, and not withdrawn
        return and_(ProcessInstance.status.in_(CLOSED_STATUSES),
                    or_(ProcessInstance.status == "completed", ~_withdrawn()))
    if status == "withdrawn":
        return and_(ProcessInstance.status == "terminated", _withdrawn())
    if status in ("error", "suspended"):
        return ProcessInstance.status == status
    return None


def _school_clause(text: str) -> ColumnElement[bool]:
    """A school by URN (exact) or any part of its name (as web.labels.school_matches)."""
    folded = search_name(text)
    clauses = [School.search_name.contains(folded, autoescape=True)] if folded else []
    if text.isdigit():
        clauses.append(ProcessInstance.business_key == text)
    return or_(*clauses) if clauses else ProcessInstance.business_key == text


def _day_start(day: date) -> datetime:
    """The moment a day begins in England, in UTC (the columns hold UTC)."""
    return datetime.combine(day, time(0), LOCAL_TZ).astimezone(UTC)


def filter_clauses(filters: CaseFilters, today: date) -> list[ColumnElement[bool]]:
    """The WHERE clauses of `filters` (the school's columns need School joined on the URN)."""
    start = _day_start
    clauses: list[ColumnElement[bool] | None] = [_status_clause(filters.status)]
    if filters.route:
        clauses.append(ProcessInstance.process_key == filters.route)
    if filters.step:
        timer_waiting = select(TimerJob.id).where(
            TimerJob.instance_id == ProcessInstance.id, TimerJob.bpmn_id == filters.step,
            TimerJob.fired_at.is_(None), TimerJob.is_cancelled.is_(False)).exists()
        clauses.append(or_(_open_task(HumanTask.bpmn_id == filters.step), timer_waiting))
    if filters.school:
        clauses.append(_school_clause(filters.school))
    # The types as GIAS spells them (the register keeps its spelling), compared as they are: the
    # planner's statistics know how many schools hold each, not how many hold lower() of one.
    if filters.school_type in SCHOOL_KINDS[:3]:
        clauses.append(School.type_of_establishment.in_(types_of(filters.school_type)))
    elif filters.school_type == "other":
        clauses.append(or_(School.urn.is_(None), School.type_of_establishment.not_in(
            [t for kind in SCHOOL_KINDS[:3] for t in types_of(kind)])))
    elif filters.school_type:
        clauses.append(School.type_of_establishment == filters.school_type)
    if filters.la:
        clauses.append(School.la_code == filters.la)
    if filters.assignee == "none":
        clauses.append(_open_task(HumanTask.assignee.is_(None)))
    elif filters.assignee:
        clauses.append(_open_task(func.lower(HumanTask.assignee) == filters.assignee))
    if filters.overdue:
        clauses.append(_case_deadline(*_still_due(today), Deadline.due_on < today))
    if filters.due_within:
        last = working_days_after(today, filters.due_within)
        clauses.append(_case_deadline(*_still_due(today), Deadline.due_on >= today, Deadline.due_on <= last))
    if filters.opened_from:
        clauses.append(ProcessInstance.started_at >= start(filters.opened_from))
    if filters.opened_to:
        clauses.append(ProcessInstance.started_at < start(date.fromordinal(filters.opened_to.toordinal() + 1)))
    if filters.closed_from or filters.closed_to:
        clauses.append(ProcessInstance.ended_at.is_not(None))
    if filters.closed_from:
        clauses.append(ProcessInstance.ended_at >= start(filters.closed_from))
    if filters.closed_to:
        clauses.append(ProcessInstance.ended_at < start(date.fromordinal(filters.closed_to.toordinal() + 1)))
    if filters.deadline_outcome and filters.quarter_range:
        first, last = filters.quarter_range
        clauses.append(_case_deadline(Deadline.due_on >= first, Deadline.due_on <= last,
                                      status_on(today) == filters.deadline_outcome))
    return [c for c in clauses if c is not None]


def next_due_on(today: date):
    """The case's next deadline day (correlated: one index lookup per case)."""
    return (select(func.min(Deadline.due_on)).where(Deadline.instance_id == ProcessInstance.id, *_still_due(today))
            .correlate(ProcessInstance).scalar_subquery())


def _needs_school(filters: CaseFilters) -> bool:
    """Whether a filter reads the school's columns (the count joins schools only then)."""
    return bool(filters.school or filters.school_type or filters.la)


def _in_order(query: Select, filters: CaseFilters, sort: CaseSort, today: date) -> Select:
    """`query` (which has the schools joined if the filter or the sort reads them) filtered and in the
    sort's order; ties broken by case number, so pages never overlap."""
    query = query.where(*filter_clauses(filters, today))
    column: Any = {"opened": ProcessInstance.started_at, "closed": ProcessInstance.ended_at,
                   "school": School.name, "route": ProcessInstance.process_key,
                   "next_deadline": next_due_on(today)}[sort.key]
    ordered = column.desc() if sort.descending else column.asc()
    if sort.key in ("next_deadline", "closed", "school"):
        ordered = ordered.nulls_last()
    tie = ProcessInstance.id.desc() if sort.descending else ProcessInstance.id.asc()
    if sort.key == "route":
        return query.order_by(ordered, ProcessInstance.started_at.desc(), tie)
    return query.order_by(ordered, tie)


def _with_schools(query: Select) -> Select:
    return query.outerjoin(School, School.urn == ProcessInstance.business_key)


def search_select(filters: CaseFilters, sort: CaseSort, today: date) -> Select:
    """(case, school) rows of the filter in the sort's order (the export reads them all)."""
    # A list row never shows the case's definition: joining it (the relationship's default) would
    # carry every matching case's definition row through the sort, bpmn_xml and all.
    query = _with_schools(select(ProcessInstance, School)).options(lazyload(ProcessInstance.definition))
    return _in_order(query, filters, sort, today)


def _page_ids(session: Session, filters: CaseFilters, sort: CaseSort, today: date, page: int,
              per_page: int) -> tuple[list[int], int | None]:
    """(the ids of one page of cases, in order; how many the filter keeps, None past the last page).

    The ids and the total in one statement: sorting only the sort key and id of every matching case,
    then reading 25 whole rows, is a third of the work of sorting whole rows joined to their schools
    and counting them again (a region's first page: 18 ms of SQL instead of 58 at 100,000 cases)."""
    query = select(ProcessInstance.id, func.count().over())
    if _needs_school(filters) or sort.key == "school":
        query = _with_schools(query)
    rows = session.execute(_in_order(query.select_from(ProcessInstance), filters, sort, today)
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return [case_id for case_id, _ in rows], (rows[0][1] if rows else None)


def count_cases(session: Session, filters: CaseFilters, today: date) -> int:
    query = select(func.count(ProcessInstance.id)).select_from(ProcessInstance)
    if _needs_school(filters):
        query = query.outerjoin(School, School.urn == ProcessInstance.business_key)
    return session.scalar(query.where(*filter_clauses(filters, today))) or 0


def _complete(session: Session, found: list[tuple[ProcessInstance, School | None]], today: date,
              with_assignees: bool) -> list[CaseRow]:
    """Rows with each case's next deadline (one query for the lot) and, for the export, assignees."""
    ids = [instance.id for instance, _ in found if instance.status not in CLOSED_STATUSES]
    nexts: dict[int, Deadline] = {}
    if ids:
        for row in session.scalars(select(Deadline).where(Deadline.instance_id.in_(ids), outstanding(today))
                                   .order_by(Deadline.instance_id, Deadline.due_on, Deadline.id)):
            nexts.setdefault(row.instance_id, row)
    assignees: dict[int, list[str]] = {}
    ids = [instance.id for instance, _ in found]
    if ids and with_assignees:
        for instance_id, email in session.execute(
                select(HumanTask.instance_id, HumanTask.assignee).distinct()
                .where(HumanTask.instance_id.in_(ids), HumanTask.is_open.is_(True), HumanTask.assignee.is_not(None))
                .order_by(HumanTask.instance_id, HumanTask.assignee)):
            assignees.setdefault(instance_id, []).append(email)
    rows = []
    for instance, school in found:
        deadline = nexts.get(instance.id)
        left = working_days_between(today, deadline.due_on) if deadline and deadline.due_on else None
        overdue = bool(deadline and deadline.due_on and deadline.due_on < today)
        rows.append(CaseRow(instance, school, deadline, left, overdue, assignees.get(instance.id, [])))
    return rows


#: The largest row offset a page may ask for (a 32-bit integer: PostgreSQL's and SQLite's alike).
MAX_OFFSET = 2**31 - 1


def search_cases(session: Session, filters: CaseFilters, sort: CaseSort | None = None, page: int = 1,
                 per_page: int = 25, today: date | None = None) -> CaseResults:
    """One page of the cases the filter keeps (a page past the last gives the last), with their total."""
    today = today or today_local()
    sort = sort or CaseSort()
    # A page past any list there could be asks for the last one; kept small enough that its offset
    # stays a number both databases take (a page of 2**63 would overflow SQLite's integer).
    page = min(max(1, page), MAX_OFFSET // per_page)
    ids, total = _page_ids(session, filters, sort, today, page, per_page)
    if total is None:  # no case on this page: there are none, or it is past the last page
        total = count_cases(session, filters, today) if page > 1 else 0
        page = max(1, -(-total // per_page))
        ids, _ = _page_ids(session, filters, sort, today, page, per_page) if total else ([], None)
    rows = {instance.id: (instance, school) for instance, school in session.execute(
        _with_schools(select(ProcessInstance, School)).options(lazyload(ProcessInstance.definition))
        .where(ProcessInstance.id.in_(ids)))} if ids else {}
    found = [rows[case_id] for case_id in ids if case_id in rows]
    return CaseResults(_complete(session, found, today, with_assignees=False), total, page, per_page)


def iter_cases(session: Session, filters: CaseFilters, sort: CaseSort | None = None, chunk: int = 500,
               today: date | None = None) -> Iterator[CaseRow]:
    """Every case the filter keeps, in order, a chunk at a time (the export streams these)."""
    today = today or today_local()
    query = search_select(filters, sort or CaseSort(), today).execution_options(yield_per=chunk)
    # One query, read a chunk at a time (a server-side cursor on PostgreSQL), not one OFFSET query a
    # chunk: those re-sort every case before the chunk, so a big export cost grew with its square.
    for rows in session.execute(query).partitions():
        yield from _complete(session, [(row[0], row[1]) for row in rows], today, with_assignees=True)
        session.expunge_all()  # a big export must not keep every case it wrote in the session
