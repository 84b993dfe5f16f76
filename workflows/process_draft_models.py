"""A process owner's unfinished edit of a route: one draft per officer, per process, per organisation.

The modeller page saves the diagram here as the owner works (autosave), so a draft outlives a
reload, a sign-out and a closed laptop; deploying it makes it a version (engine.definitions).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime, utcnow


class ProcessDraft(Base):
    __tablename__ = "process_drafts"
    __table_args__ = (UniqueConstraint("key", "organisation_id", "user_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The BPMN process id the draft edits (a new process: the id in the uploaded file).
    key: Mapped[str] = mapped_column(String(200), index=True)
    #: The organisation whose own version the draft would become: drafts are never shown across them.
    organisation_id: Mapped[str] = mapped_column(String(100), index=True)
    user_email: Mapped[str] = mapped_column(String(320))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    #: The version the owner started from (national or the organisation's own); None for an upload
    #: of a process not deployed yet.
    based_on_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("process_definitions.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
