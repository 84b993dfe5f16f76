"""A deadline's status as of today, and the worker's once-only record of each miss.

A case can wait for weeks without anyone saving it, so the status stored at the last save goes out
of date the day a pending deadline passes. Every reader (case page, `intervene cases show`, lists,
reports) therefore asks `live_status` (or filters on `status_on`, its SQL twin) instead of reading
`Deadline.status`; the stored status is only what the domain judged at the save. `record_missed`
stamps `missed_at` on each deadline the first time it is found missed, with a `deadline_missed`
audit event, so reports count misses per quarter from an indexed column.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, case, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from .clock import today_local
from .db import transaction, utcnow
from .models import AuditEvent, Deadline

PENDING, MISSED, ENDED = "pending", "missed", "ended"


def _has_lapsed(status: str, due_on: date | None, overdue_note: str | None, today: date) -> bool:
    # overdue_note is None for a deadline whose passing is no miss (the end of a period the school
    # has, say), so only a deadline the domain said would be missed once its day passes flips.
    return status == PENDING and overdue_note is not None and due_on is not None and due_on < today


def live_status(row: Deadline, today: date | None = None) -> str:
    """pending, met, missed or unknown, as of `today` (Europe/London) rather than the last save.

    A deadline runs to the end of its day, so it is missed from the day after `due_on`.
    """
    today = today or today_local()
    return MISSED if _has_lapsed(row.status, row.due_on, row.overdue_note, today) else row.status


def live_note(row: Deadline, today: date | None = None) -> str | None:
    """What to say beside the status: the domain's words for a miss once the day has passed."""
    today = today or today_local()
    return row.overdue_note if _has_lapsed(row.status, row.due_on, row.overdue_note, today) else row.note


def lapsed_on(today: date) -> ColumnElement[bool]:
    """SQL: the stored status is pending but the day has passed, so the deadline is missed now."""
    return and_(Deadline.status == PENDING, Deadline.overdue_note.is_not(None), Deadline.due_on < today)


def status_on(today: date) -> ColumnElement[str]:
    """`live_status` as a SQL expression, for lists and reports that filter or count on it."""
    return case((lapsed_on(today), MISSED), else_=Deadline.status)


def record_missed(session: Session, today: date | None = None, actor: str = "deadlines") -> int:
    """Stamp `missed_at` on every deadline missed by `today` and not yet recorded; audit each once.

    One UPDATE ... WHERE missed_at IS NULL: a second worker running at the same time waits on the
    rows (PostgreSQL) or the write lock (SQLite), then finds them already stamped and changes none,
    so only the rows this call changed get an audit event. Returns how many it recorded.
    """
    today = today or today_local()
    now = utcnow()
    changed = session.execute(
        update(Deadline).where(Deadline.missed_at.is_(None), status_on(today) == MISSED)
        .values(missed_at=now)
        .returning(Deadline.id, Deadline.instance_id, Deadline.deadline_id, Deadline.name, Deadline.due_on)
        .execution_options(synchronize_session=False)).all()
    for row in changed:
        session.add(AuditEvent(instance_id=row.instance_id, at=now, actor=actor, action="deadline_missed",
                               detail=row.name, data=_miss_data(row)))
    session.flush()
    return len(changed)


def end_with_case(session: Session, instance_id: int, today: date | None = None) -> None:
    """A case closed early takes its deadlines still to come with it: they read `ended` and are never
    counted as missed. One already past when the case closed keeps its miss."""
    today = today or today_local()
    session.execute(
        update(Deadline).where(Deadline.instance_id == instance_id, Deadline.status.in_((PENDING, "unknown")),
                               Deadline.met_on.is_(None), ~lapsed_on(today))
        .values(status=ENDED, overdue_note=None, note="the case was closed before this deadline fell due")
        .execution_options(synchronize_session="fetch"))


def record_missed_deadlines(factory: sessionmaker[Session]) -> int:
    """The worker's scheduled job: `record_missed` in a transaction of its own."""
    with transaction(factory) as session:
        return record_missed(session)


def _miss_data(row: Any) -> dict[str, Any]:
    return {"deadline_id": row.deadline_id, "due_on": row.due_on.isoformat() if row.due_on else None}
