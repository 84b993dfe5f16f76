"""Term dates: each LA's school holidays, and the schools (academies, VA...) that set their own.

The Education (School Inspection) (England) Regulations 2005 reg 2(1) do not count "part of a
holiday longer than a week taken by the school in question" as a working day, so deadlines under
those regulations need the holidays of one school: its own rows where it has them, else its LA's.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput

from .gias import BadRow, ImportReport, Source, cell, column_index, csv_rows, read_text
from .school_models import School, SchoolHoliday

COLUMNS = {"name": "name", "first_day": "first_day", "last_day": "last_day", "urn": "urn", "la_code": "la_code"}
#: Longer than this is almost certainly a typo in a year (a summer holiday is about 6 weeks).
MAX_HOLIDAY_DAYS = 92
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def _parse_day(text: str, column: str) -> date | str:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return f"{column} '{text}' is not a date (write 2025-12-22 or 22/12/2025)"


def _parse_holiday(record: list[str], index: dict[str, int], la_code: str | None,
                   schools: dict[str, School]) -> dict[str, Any] | str:
    name = cell(record, index["name"])
    if not name:
        return "no name"
    if len(name) > 200:
        return "name is longer than 200 characters"
    row_la = cell(record, index.get("la_code")) or la_code
    if not row_la:
        return f"{name}: no la_code (give --la or an la_code column)"
    if la_code and row_la != la_code:
        return f"{name}: la_code {row_la} is not the LA being imported ({la_code})"
    if not re.fullmatch(r"[0-9]{3}", row_la):
        return f"{name}: la_code '{row_la}' is not a three-digit LA code"
    first = _parse_day(cell(record, index["first_day"]), "first_day")
    if isinstance(first, str):
        return f"{name}: {first}"
    last = _parse_day(cell(record, index["last_day"]), "last_day")
    if isinstance(last, str):
        return f"{name}: {last}"
    if last < first:
        return f"{name}: last_day {last} is before first_day {first}"
    if (last - first).days + 1 > MAX_HOLIDAY_DAYS:
        return f"{name}: {first} to {last} is longer than {MAX_HOLIDAY_DAYS} days; check the years"
    urn = cell(record, index.get("urn")) or None
    if urn is not None:
        if not re.fullmatch(r"[0-9]{1,10}", urn):
            return f"{name}: urn '{urn}' is not a number"
        urn = str(int(urn))
        school = schools.get(urn)
        if school is not None and school.la_code != row_la:
            return f"{name}: school {urn} is in LA {school.la_code}, not {row_la}"
    return {"la_code": row_la, "urn": urn, "name": name, "first_day": first, "last_day": last}


def import_term_dates_csv(session: Session, source: Source, la_code: str | None = None) -> ImportReport:
    """Add or update holidays from a CSV of name, first_day, last_day[, urn][, la_code].

    A row is keyed by (LA, school or none, name): re-importing a corrected file updates, never
    duplicates. `la_code` applies to rows without an la_code column; rows of another LA are refused.
    """
    if la_code is not None and not re.fullmatch(r"[0-9]{3}", la_code.strip()):
        raise InvalidInput(f"LA code '{la_code}' is not three digits (Trafford is 358)")
    la_code = la_code.strip() if la_code else None
    text, name = read_text(source)
    header, records = csv_rows(text, name)
    required = {"name", "first_day", "last_day"} | (set() if la_code else {"la_code"})
    index = column_index(header, COLUMNS, required, name, "a term dates file")
    if not records:
        raise InvalidInput(f"{name} has a header but no holidays; nothing was imported")
    urns = {str(int(u)) for _, r in records if re.fullmatch(r"[0-9]{1,10}", u := cell(r, index.get("urn")))}
    schools = {s.urn: s for s in session.scalars(select(School).where(School.urn.in_(urns)))} if urns else {}
    report = ImportReport()
    seen: dict[tuple[str, str | None, str], int] = {}
    parsed_rows = []
    for line, record in records:
        parsed = _parse_holiday(record, index, la_code, schools)
        key = parsed if isinstance(parsed, str) else (parsed["la_code"], parsed["urn"], parsed["name"])
        if isinstance(key, str):
            report.skipped.append(BadRow(line, key))
        elif key in seen:
            report.skipped.append(BadRow(line, f"{key[2]} already given on line {seen[key]}"))
        else:
            seen[key] = line
            parsed_rows.append(parsed)
    for values in parsed_rows:
        assert isinstance(values, dict)  # rows that failed to parse were reported above
        _save_holiday(session, values, report)
    session.flush()
    return report


def _save_holiday(session: Session, values: dict[str, Any], report: ImportReport) -> None:
    urn_clause = SchoolHoliday.urn.is_(None) if values["urn"] is None else SchoolHoliday.urn == values["urn"]
    row = session.scalars(select(SchoolHoliday).where(
        SchoolHoliday.la_code == values["la_code"], urn_clause, SchoolHoliday.name == values["name"])).first()
    if row is None:
        session.add(SchoolHoliday(**values))
        report.loaded += 1
    elif (row.first_day, row.last_day) != (values["first_day"], values["last_day"]):
        row.first_day, row.last_day = values["first_day"], values["last_day"]
        report.updated += 1
    else:
        report.unchanged += 1


def school_holiday_rows(session: Session, urn: str) -> list[SchoolHoliday]:
    """The holidays a school takes, by first day: its own rows, then its LA's that they do not replace.

    An LA row is replaced by a school row of the same name or whose dates overlap it (a school that
    moved its October half-term by a week); LA holidays the school says nothing about still apply.
    """
    school = session.get(School, str(urn).strip())
    if school is None:
        return []
    rows = session.scalars(select(SchoolHoliday).where(
        SchoolHoliday.la_code == school.la_code,
        or_(SchoolHoliday.urn.is_(None), SchoolHoliday.urn == school.urn))).all()
    own = [row for row in rows if row.urn is not None]
    names = {row.name for row in own}

    def replaced(la_row: SchoolHoliday) -> bool:
        return la_row.name in names or any(
            o.first_day <= la_row.last_day and la_row.first_day <= o.last_day for o in own)

    kept = own + [row for row in rows if row.urn is None and not replaced(row)]
    return sorted(kept, key=lambda row: (row.first_day, row.last_day))


def school_holidays(session: Session, urn: str) -> list[tuple[date, date]]:
    """(first_day, last_day) of each holiday the school takes, inclusive; [] for an unknown URN."""
    return [(row.first_day, row.last_day) for row in school_holiday_rows(session, urn)]


def has_term_dates(session: Session, urn: str) -> bool:
    """Whether any holiday is known for the school (its own or its LA's)."""
    school = session.get(School, str(urn).strip())
    if school is None:
        return False
    found = session.scalars(select(SchoolHoliday.id).where(
        SchoolHoliday.la_code == school.la_code,
        or_(SchoolHoliday.urn.is_(None), SchoolHoliday.urn == school.urn)).limit(1)).first()
    return found is not None
