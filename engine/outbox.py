"""Send the outbox's messages exactly once, across any number of workers.

`enqueue` writes a row per message keyed by what makes it unique (INSERT ... ON CONFLICT DO
NOTHING), so two workers working out the same reminder write one row. `send_due` then claims unsent
rows like timer jobs (a lease; `FOR UPDATE SKIP LOCKED` on PostgreSQL), and for each: counts the
attempt in its own committed transaction, sends, and stamps `sent_at` with an audit event on the case.

A worker killed between the send and the stamp leaves a row with attempts > 0 and no `sent_at`; once
its lease runs out another worker claims it and tells the sender `maybe_sent=True`, so a sender
whose provider can be asked (GOV.UK Notify, by the message key given as its `reference`) records the
earlier send instead of sending again. A provider that cannot be asked (SMTP) may deliver twice then.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from .db import transaction, utcnow
from .models import AuditEvent
from .outbox_models import OutboxMessage

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
#: A message that keeps failing is left alone after this many attempts (its last_error says why).
MAX_ATTEMPTS = 10


@dataclass(frozen=True)
class Message:
    key: str
    kind: str
    recipient: str
    subject: str
    body: str
    instance_id: int | None = None
    data: dict[str, Any] | None = None


class Sender(Protocol):
    def __call__(self, message: OutboxMessage, maybe_sent: bool) -> str:
        """Send `message`; the provider's id for it. When `maybe_sent`, an earlier attempt may have
        reached the provider: a sender that can find that send returns its id instead of resending."""


def enqueue(session: Session, message: Message) -> bool:
    """Add `message` unless a message with its key exists; True if this call added it."""
    values = {"key": message.key, "kind": message.kind, "recipient": message.recipient,
              "subject": message.subject, "body": message.body, "instance_id": message.instance_id,
              "data": message.data or {}, "created_at": utcnow(), "attempts": 0}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(OutboxMessage).values(**values).on_conflict_do_nothing(index_elements=["key"])
    # RETURNING rather than rowcount, which an ORM session's insert does not report on every driver.
    return session.execute(statement.returning(OutboxMessage.id)).first() is not None


def claim_unsent(factory: sessionmaker[Session], worker_id: str, now: datetime | None = None,
                 limit: int = 50) -> list[int]:
    now = now or utcnow()
    with transaction(factory) as session:
        query = (select(OutboxMessage.id)
                 .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS,
                        or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now))
                 .order_by(OutboxMessage.created_at, OutboxMessage.id).limit(limit))
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list(session.scalars(query))
        if ids:
            session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                            .values(lease_until=now + LEASE, leased_by=worker_id))
    return ids


def _begin_attempt(factory: sessionmaker[Session], message_id: int, worker_id: str) -> tuple[OutboxMessage, bool] | None:
    # Committed before the send, so a later worker knows this attempt may have reached the provider.
    with transaction(factory) as session:
        query = select(OutboxMessage).where(OutboxMessage.id == message_id)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        row = session.scalars(query).one_or_none()
        if row is None or row.sent_at is not None or row.leased_by != worker_id:
            return None
        maybe_sent = row.attempts > 0
        row.attempts += 1
        session.flush()
        session.expunge(row)
        return row, maybe_sent


def _record_sent(factory: sessionmaker[Session], message_id: int, provider_id: str, actor: str) -> None:
    with transaction(factory) as session:
        row = session.get(OutboxMessage, message_id)
        if row is None or row.sent_at is not None:
            return
        row.sent_at, row.provider_id, row.lease_until, row.last_error = utcnow(), provider_id, None, None
        if row.instance_id is not None:
            session.add(AuditEvent(instance_id=row.instance_id, at=row.sent_at, actor=actor, action="email_sent",
                                   detail=f"To {row.recipient}: {row.subject}", data={"kind": row.kind, "to": row.recipient,
                                                             "key": row.key, "provider_id": provider_id}))


def _record_failure(factory: sessionmaker[Session], message_id: int, error: str) -> None:
    # The lease stays: the message is retried once it runs out, not in a tight loop.
    with transaction(factory) as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(last_error=error[:2000]))


def send_claimed(factory: sessionmaker[Session], message_id: int, worker_id: str, sender: Sender) -> bool:
    """Send one message this worker claimed; True if it was sent (or found already sent) now."""
    started = _begin_attempt(factory, message_id, worker_id)
    if started is None:
        return False
    row, maybe_sent = started
    try:
        provider_id = sender(row, maybe_sent)
    except Exception as error:  # one bad address must not stop the others
        log.exception("outbox message %s (%s) failed; retried when its lease runs out", message_id, row.key)
        _record_failure(factory, message_id, f"{type(error).__name__}: {error}")
        return False
    _record_sent(factory, message_id, provider_id, f"outbox:{worker_id}")
    return True


def send_due(factory: sessionmaker[Session], worker_id: str, sender: Sender,
             now: datetime | None = None, should_stop: Callable[[], bool] = lambda: False) -> int:
    """Claim and send unsent messages until none is left; how many were sent."""
    sent = 0
    for _round in range(100):
        ids = claim_unsent(factory, worker_id, now)
        for message_id in ids:
            if should_stop():
                return sent
            sent += send_claimed(factory, message_id, worker_id, sender)
        if not ids:
            break
    return sent
