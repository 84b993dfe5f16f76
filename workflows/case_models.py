"""The officer who leads a case: named, changeable, one per case.

Kept beside the engine's process_instances rather than in it: the engine knows nothing of officers'
responsibilities, and the case list joins this table on the case id.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime, utcnow


class CaseLead(Base):
    __tablename__ = "case_leads"

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), primary_key=True)
    #: The lead officer's email (users.email); kept if the account is later deactivated.
    officer_email: Mapped[str] = mapped_column(String(320))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    set_by: Mapped[str] = mapped_column(String(200))
