"""The register of schools (from GIAS) and the term dates that working-day rules need.

Statutory routes key a case on the school's URN; which route applies, who owns the case and who
gets copies of a notice all follow from the establishment type, LA, diocese and trust held here.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime, utcnow


class School(Base):
    __tablename__ = "schools"
    __table_args__ = (
        Index("ix_schools_la_code_search_name", "la_code", "search_name"),
    )

    #: GIAS Unique Reference Number; text so that it joins with process_instances.business_key.
    urn: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    #: The name lower-cased with accents and punctuation folded, for case-insensitive search.
    search_name: Mapped[str] = mapped_column(String(300), index=True)
    #: GIAS "TypeOfEstablishment (name)", e.g. "Voluntary aided school"; see workflows.schools.classify.
    type_of_establishment: Mapped[str] = mapped_column(String(100))
    #: GIAS "EstablishmentTypeGroup (name)", e.g. "Local authority maintained schools".
    establishment_group: Mapped[str | None] = mapped_column(String(100))
    #: GIAS "PhaseOfEducation (name)": Nursery, Primary, Secondary, All-through, Not applicable...
    phase: Mapped[str | None] = mapped_column(String(50))
    #: GIAS "LA (code)": three digits (Trafford 358); the owner of the school's LA-led cases.
    la_code: Mapped[str] = mapped_column(String(3))
    la_name: Mapped[str | None] = mapped_column(String(100))
    #: Academy trust (or a foundation school's supporting trust); None when GIAS says none.
    trust_name: Mapped[str | None] = mapped_column(String(300))
    #: The diocese of a church school; None when GIAS says "Not applicable".
    diocese_name: Mapped[str | None] = mapped_column(String(200))
    religious_character: Mapped[str | None] = mapped_column(String(100))
    #: GIAS "EstablishmentStatus (name)": Open, Closed, "Open, but proposed to close", "Proposed to open".
    status: Mapped[str] = mapped_column(String(50), default="Open")
    #: DfE Regions Group region id ("dfe-north-west"), from the LA code; owner of regional cases.
    region: Mapped[str | None] = mapped_column(String(50), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SchoolHoliday(Base):
    """A holiday from an LA's published term dates, or one school's own (its urn set).

    Inspection regulations do not count days in a school holiday longer than a week as working
    days, so deadlines for a school need that school's holidays.
    """

    __tablename__ = "school_holidays"
    __table_args__ = (
        Index("ix_school_holidays_la_code_urn", "la_code", "urn"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    la_code: Mapped[str] = mapped_column(String(3))
    #: Set for a school whose holidays differ from its LA's (academies, VA and foundation schools
    #: set their own); its rows override the LA's rows of the same name or overlapping dates.
    urn: Mapped[str | None] = mapped_column(String(12), index=True)
    #: e.g. "Christmas holiday 2025"; re-importing a name for the same LA (and school) updates it.
    name: Mapped[str] = mapped_column(String(200))
    #: First and last weekday the school is closed, as the LA publishes them (inclusive).
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
