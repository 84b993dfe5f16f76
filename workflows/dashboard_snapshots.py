"""The dashboard counted ahead: each organisation's figures kept as one row, so a manager's page
reads that row instead of counting every deadline and step visit of the organisation again.

Why: the figures are aggregates over everything an organisation can see. At 100,000 cases a
regional director's take about 230 ms of SQL on PostgreSQL (bench/inbox.py), over the 150 ms a
page may take, and counting them at every view would cost that on every view. Like Camunda
Optimize's reports, the page shows figures counted a few minutes ago and says when; the case list
behind each figure is always live.

How fresh:
- The worker (`intervene worker`, or `intervene serve` with timers in-process) counts again every
  REFRESH_MINUTES the dashboards someone read in the last WATCHED_FOR, so while managers look at
  them the figures are at most about one and a half rounds old.
- A page whose snapshot is from another day, or older than STALE_AFTER (the worker missed a round
  or is not running), or that has none yet (nobody of the organisation has looked since it was
  watched), counts on the spot, shows that, and stores it.
- "Count again now" on the page counts on the spot.

Confidentiality: a snapshot is counted on a session scoped to its organisation (workflows.access),
exactly as the page would count, and is read by the officer's own organisation id only.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import Table, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from engine.clock import LOCAL_TZ
from engine.db import transaction, utcnow

from .access import scope_session
from .account_models import Organisation
from .dashboard import Figures, count_figures, figures_from_json, figures_to_json
from .dashboard_models import DashboardSnapshot

#: How often the worker counts the dashboards being read.
REFRESH_MINUTES = 5.0
#: A snapshot older than this is counted again when read: the worker has missed a round.
STALE_AFTER = timedelta(minutes=2 * REFRESH_MINUTES)
#: How long after its last reading a dashboard is still counted by the worker.
WATCHED_FOR = timedelta(days=1)

_TABLE = cast(Table, DashboardSnapshot.__table__)


@dataclass
class OrganisationViewer:
    """Who the worker counts as: the organisation itself (fits workflows.access.Viewer)."""

    organisation_id: str
    organisation_kind: str
    email: str = ""
    roles: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Counted:
    figures: Figures
    counted_at: datetime
    #: True when this page view counted them (no fresh snapshot, or asked to).
    just_counted: bool


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


def is_fresh(snapshot: DashboardSnapshot, today: date, now: datetime) -> bool:
    return snapshot.counted_for == today and snapshot.counted_at > now - STALE_AFTER


def store(session: Session, organisation_id: str, figures: Figures, now: datetime, read: bool) -> None:
    """Insert or replace the organisation's snapshot in one statement (two workers or a worker and a
    page may store at once; the last one wins, each complete). `read`: a manager is looking now."""
    insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(_TABLE)
    values = {"counted_for": figures.today, "counted_at": now, "figures": figures_to_json(figures)}
    statement = insert.values(organisation_id=organisation_id, read_at=now if read else None, **values)
    if read:
        values["read_at"] = now
    session.execute(statement.on_conflict_do_update(index_elements=[_TABLE.c.organisation_id], set_=values))


def count_and_store(session: Session, organisation_id: str, today: date, now: datetime,
                    write: sessionmaker[Session] | None = None) -> Counted:
    """Count on `session` (scoped to the organisation) and keep the result: on `session` itself when
    it may write (a POST, committed with the request), else in a transaction of `write`'s own (a
    page's GET session only reads). Never both: on SQLite a writing request session holds the write
    lock, and a second transaction would wait on it until it timed out."""
    figures = count_figures(session, today)
    if write is None:
        store(session, organisation_id, figures, now, read=True)
    else:
        with transaction(write) as writing:
            store(writing, organisation_id, figures, now, read=True)
    return Counted(figures, now, just_counted=True)


def dashboard_for(session: Session, write: sessionmaker[Session], organisation_id: str, today: date,
                  now: datetime) -> Counted:
    """What a manager's page shows: the organisation's snapshot while fresh, else counted now on
    `session` (the request's, scoped to the officer) and stored through `write`."""
    snapshot = session.get(DashboardSnapshot, organisation_id)
    if snapshot is None or not is_fresh(snapshot, today, now):
        return count_and_store(session, organisation_id, today, now, write)
    if snapshot.read_at is None or snapshot.read_at < snapshot.counted_at:  # once per count, not per view
        with transaction(write) as writing:
            writing.execute(update(DashboardSnapshot).where(DashboardSnapshot.organisation_id == organisation_id)
                            .values(read_at=now))
    return Counted(figures_from_json(snapshot.figures), snapshot.counted_at, just_counted=False)


def refresh_read_dashboards(factory: sessionmaker[Session], now: datetime | None = None) -> int:
    """Count again each dashboard read within WATCHED_FOR whose figures are from another day or half
    a round old (so none is older than about 1.5 rounds when read). Returns how many were counted."""
    now = now or utcnow()
    today = local_day(now)
    with transaction(factory, read_only=True) as session:
        due = session.execute(
            select(DashboardSnapshot.organisation_id, Organisation.kind)
            .join(Organisation, Organisation.id == DashboardSnapshot.organisation_id)
            .where(DashboardSnapshot.read_at >= now - WATCHED_FOR,
                   or_(DashboardSnapshot.counted_for != today,
                       DashboardSnapshot.counted_at <= now - timedelta(minutes=REFRESH_MINUTES / 2)))
            .order_by(DashboardSnapshot.organisation_id)).all()
    for organisation_id, kind in due:
        with transaction(factory, read_only=True) as counting:
            scope_session(counting, _always(OrganisationViewer(organisation_id, kind)))
            figures = count_figures(counting, today)
        with transaction(factory) as writing:
            store(writing, organisation_id, figures, utcnow(), read=False)
    return len(due)


def _always(viewer: OrganisationViewer) -> Callable[[], OrganisationViewer]:
    return lambda: viewer


def refresh_job(factory: sessionmaker[Session]) -> Callable[[], int]:
    """The worker's periodic job (engine.timers.TimerService extra_jobs)."""
    return functools.partial(refresh_read_dashboards, factory)
