"""The managers' dashboard as last counted for each organisation (workflows.dashboard_snapshots)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime


class DashboardSnapshot(Base):
    """One organisation's dashboard figures, counted over its own cases (and for a region the cases
    shared with it). Keyed by the organisation: a page only ever reads its officer's own row."""

    __tablename__ = "dashboard_snapshots"

    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    #: The day in England the figures were counted for (overdue, due soon and quarters depend on it).
    counted_for: Mapped[date] = mapped_column(Date)
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: workflows.dashboard.figures_to_json: counts and short lists, a few kilobytes.
    figures: Mapped[str] = mapped_column(Text)
    #: When a manager last looked (written at most once per count): the worker keeps counting only
    #: the dashboards someone reads.
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
