"""Counting failed sign-ins, atomically, per email address and per client address.

Several wrong passwords can arrive at once (a script, or an office behind one address). Reading a
count and writing it back loses increments on PostgreSQL and makes two first failures insert the
same key (an IntegrityError, a 500). So a failure is one statement on either database:
INSERT ... ON CONFLICT DO UPDATE SET failures = failures + 1 (or 1 when the window has passed),
locking the key in the same statement once the count reaches its limit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, and_, case, delete, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.db import UTCDateTime

from .account_models import LoginThrottle

_TABLE = cast(Table, LoginThrottle.__table__)


@dataclass(frozen=True)
class Count:
    failures: int
    locked_until: datetime | None


def locked_keys(session: Session, keys: list[str], now: datetime) -> bool:
    """True while any of `keys` is locked out."""
    return session.scalar(select(LoginThrottle.key).where(
        LoginThrottle.key.in_(keys), LoginThrottle.locked_until > now).limit(1)) is not None


def count_failure(session: Session, key: str, now: datetime, limit: int, window: timedelta) -> Count:
    """Add one failure to `key` (starting a new window if the last has passed); lock it for
    `window` once it reaches `limit` failures. Returns the count after this failure."""
    insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(_TABLE)
    at_now = literal(now, UTCDateTime())
    lock_until = literal(now + window, UTCDateTime())
    # The stored window and lock are over: this failure starts a new window.
    expired = and_(_TABLE.c.window_started_at <= literal(now - window, UTCDateTime()),
                   or_(_TABLE.c.locked_until.is_(None), _TABLE.c.locked_until <= at_now))
    failures = case((expired, 1), else_=_TABLE.c.failures + 1)
    statement = insert.values(key=key, failures=1, window_started_at=now,
                              locked_until=now + window if limit <= 1 else None)
    upsert = statement.on_conflict_do_update(index_elements=[_TABLE.c.key], set_={
        "failures": failures,
        "window_started_at": case((expired, at_now), else_=_TABLE.c.window_started_at),
        "locked_until": case((failures >= limit, lock_until), (expired, None), else_=_TABLE.c.locked_until),
    }).returning(_TABLE.c.failures, _TABLE.c.locked_until)
    row = session.execute(upsert).one()
    return Count(row.failures, row.locked_until)


def forget(session: Session, key: str) -> None:
    """A successful sign-in clears its email address's failures."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
