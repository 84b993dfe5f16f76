"""The outbox: one row per message the application means to send, so each is sent once.

The row is written (idempotently, by its unique `key`) before anything is sent; a worker then claims
it like a timer, sends it and stamps `sent_at`. `attempts` counts the sends begun, so a worker that
finds a row with attempts > 0 and no `sent_at` knows a previous send may have reached the provider.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base, UTCDateTime, utcnow


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_sent_at_created_at", "sent_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What makes the message unique (for a reminder: deadline row id + kind + date); also the
    #: provider reference, so a retried send can ask the provider whether it already went.
    key: Mapped[str] = mapped_column(String(300), unique=True)
    #: The case the message is about (its timeline shows it once sent); NULL for a digest.
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), index=True)
    kind: Mapped[str] = mapped_column(String(50))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    #: Extra values for a provider template (GOV.UK Notify personalisation).
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    leased_by: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The provider's id for the message (Notify's notification id, the file written, ...).
    provider_id: Mapped[str | None] = mapped_column(String(500))
    last_error: Mapped[str | None] = mapped_column(Text)
