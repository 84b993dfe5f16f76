"""The letters a case has issued, kept as the exact PDF that was sent.

A statutory notice is evidence: what the governing body received, on which day, and who got copies
decides whether a compliance period ran and whether intervention powers became available. So the
rendered bytes are stored (with their sha256), not re-rendered from data that may since have changed.

A letter is recorded with the step that issues it (status "pending", with the data it is rendered
from) and its PDF is rendered after that step commits, so the render never holds the case's lock.
A render that fails leaves the letter "failed", to be rendered again from the same stored data.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime, utcnow

LETTER_KINDS = ("warning_notice", "notice_of_intention", "statement_of_action", "letter_of_concern",
                # the notices of the powers used after a warning notice (workflows/maintained_warning_notice/letters.py)
                "s63_requirement", "s64_appointment", "ieb_notice", "s66_suspension")
#: pending: recorded with its step, PDF not rendered yet; issued: PDF stored; failed: see `error`.
LETTER_STATUSES = ("pending", "issued", "failed")


class Letter(Base):
    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    #: The organisation that owns the case (copied from the instance), so lists filter without a join.
    owner: Mapped[str | None] = mapped_column(String(100))
    #: One of LETTER_KINDS; the BPMN user task's camunda:property "letter" names it.
    kind: Mapped[str] = mapped_column(String(40))
    #: Ends with "(incomplete)" when a statutory content was missing and the PDF shows a placeholder.
    title: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100), default="application/pdf")
    #: The document as issued (None until rendered); deferred so that listing a case's letters does
    #: not load every PDF.
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    #: sha256 of content, to show that a copy produced later is the letter that was sent.
    sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="issued", server_default="issued")
    #: What the PDF is rendered from, fixed when the step completed: {"data", "issued_on", "organisation"}.
    render_input: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: Why the last render failed, for the officer who renders it again.
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    #: The human task (SpiffWorkflow task UUID) whose completion produced the letter.
    task_id: Mapped[str | None] = mapped_column(String(36))
    #: Who the letter goes to and who gets copies: [{"name", "role": "addressee"|"copy", "basis"}],
    #: basis being the provision (or practice) that requires the copy.
    recipients: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: 1 for the letter as first issued; a corrected letter is a new row with the next number, the
    #: letters it corrects kept unchanged (what was sent stays evidence).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    #: The letter this one corrects (None for a first version).
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    #: Why the officer issued a corrected version.
    correction_reason: Mapped[str | None] = mapped_column(Text)
