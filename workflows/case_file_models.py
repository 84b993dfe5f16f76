"""Notes and documents officers add to a case, beside its steps.

A document is evidence in the same way a letter is (what the authority had when it decided), so its
bytes are kept in the database with their sha256, like `letters.content`: one backup holds the case
whole, the row, its audit event and its bytes commit or roll back together, and several web
processes on different machines need no shared folder. Documents are size-limited (10 MB by
default), which both SQLite and PostgreSQL (bytea) hold without trouble.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime, utcnow


class CaseNote(Base):
    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    #: The step the officer was on when adding it (a human task's SpiffWorkflow UUID), if any.
    task_id: Mapped[str | None] = mapped_column(String(36))
    #: That step's name, kept so the note still says where it was made after the task is gone.
    step_name: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))


class CaseDocument(Base):
    __tablename__ = "case_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    step_name: Mapped[str | None] = mapped_column(String(300))
    #: The name it was uploaded with, cleaned of paths and control characters.
    filename: Mapped[str] = mapped_column(String(200))
    #: Decided from the bytes (see workflows.case_files.detect_kind), never the browser's claim.
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    #: Deferred so that listing a case's documents does not load their bytes.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    #: What the officer says the document is, optional.
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
