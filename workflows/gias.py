"""Import of the DfE "Get Information About Schools" (GIAS) establishment export, as it comes.

The export is a ~250-column CSV in Windows-1252 (newer downloads are sometimes UTF-8 with a BOM).
A file without the columns the register needs is refused whole; within a good file each bad row
is reported by line and skipped, so one typo does not hold back 20,000 schools.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db import utcnow
from engine.errors import InvalidInput

from .school_models import School

DATA_DIR = Path(__file__).resolve().parent / "data"
LA_REGIONS_CSV = DATA_DIR / "la_regions.csv"

#: Register field -> GIAS column. A file missing any of these is refused.
REQUIRED_COLUMNS = {
    "urn": "URN",
    "name": "EstablishmentName",
    "type_of_establishment": "TypeOfEstablishment (name)",
    "la_code": "LA (code)",
}
OPTIONAL_COLUMNS = {
    "la_name": "LA (name)",
    "establishment_group": "EstablishmentTypeGroup (name)",
    "phase": "PhaseOfEducation (name)",
    "trust_name": "Trusts (name)",
    "diocese_name": "Diocese (name)",
    "religious_character": "ReligiousCharacter (name)",
    "status": "EstablishmentStatus (name)",
    "gor": "GOR (name)",
}
#: What GIAS writes where there is no value (no diocese, no trust, no religious character).
NONE_VALUES = frozenset({"", "not applicable", "does not apply", "none", "n/a", "null"})
_LIMITS = {"name": 300, "type_of_establishment": 100, "establishment_group": 100, "phase": 50,
           "la_name": 100, "trust_name": 300, "diocese_name": 200, "religious_character": 100,
           "status": 50}
_FETCH_CHUNK = 500
Source = str | Path | IO[bytes] | IO[str]


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ImportReport:
    """What an import of a CSV file (schools, term dates) did, row by row."""

    #: New rows added (schools to the register, holidays to the term dates).
    loaded: int = 0
    #: Rows already there whose details changed.
    updated: int = 0
    unchanged: int = 0
    skipped: list[BadRow] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        result = asdict(self)
        result["skipped"] = [asdict(bad) for bad in self.skipped]
        return result


# -- reading ----------------------------------------------------------------------------------

def read_text(source: Source) -> tuple[str, str]:
    """The text of a CSV file or stream, and a name for messages.

    UTF-8 (with or without BOM) is tried first; GIAS's own Windows-1252 is the fallback, and
    latin-1 the last resort since it decodes any byte.
    """
    if isinstance(source, (str, Path)):
        name = Path(source).name
        data: bytes | str = Path(source).read_bytes()
    else:
        name = getattr(source, "name", "the file")
        data = source.read()
    if isinstance(data, str):
        return data.lstrip("\ufeff"), str(name)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), str(name)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), str(name)


def _header_key(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).lower()


def csv_rows(text: str, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and each record with the line it starts on; comment lines (#) before the header skip."""
    lines = text.splitlines(keepends=True)
    offset = 0
    while offset < len(lines) and (lines[offset].startswith("#") or not lines[offset].strip()):
        offset += 1
    reader = csv.reader(io.StringIO("".join(lines[offset:]), newline=""))
    records: list[tuple[int, list[str]]] = []
    try:
        header = next(reader, [])
        previous_end = reader.line_num
        for record in reader:
            if any(cell.strip() for cell in record):
                records.append((previous_end + 1 + offset, record))
            previous_end = reader.line_num
    except csv.Error as error:
        raise InvalidInput(f"{name} is not a readable CSV file (line {reader.line_num + offset}: "
                           f"{error}); nothing was imported") from None
    return [cell.strip() for cell in header], records


def column_index(header: list[str], wanted: dict[str, str], required: set[str], name: str,
                 what: str) -> dict[str, int]:
    """Field -> position for the `wanted` columns found (matched ignoring case and spacing)."""
    positions = {_header_key(cell): index for index, cell in reversed(list(enumerate(header)))}
    found = {key: positions[_header_key(col)] for key, col in wanted.items() if _header_key(col) in positions}
    missing = [wanted[key] for key in wanted if key in required and key not in found]
    if missing:
        listed = ", ".join(f"'{col}'" for col in missing)
        raise InvalidInput(f"{name} is not {what}: it has no {listed} column"
                           f"{'s' if len(missing) > 1 else ''}; nothing was imported")
    return found


def cell(record: list[str], index: int | None) -> str:
    if index is None or index >= len(record):
        return ""
    return record[index].strip()


def none_if_blank(value: str) -> str | None:
    return None if value.strip().lower() in NONE_VALUES else value.strip()


# -- LA -> DfE region -------------------------------------------------------------------------

@dataclass(frozen=True)
class LocalAuthority:
    la_code: str
    la_name: str
    region_id: str
    region_name: str


@cache
def local_authorities() -> dict[str, LocalAuthority]:
    """Every LA in workflows/data/la_regions.csv (an inferred, editable mapping), by LA code."""
    header, records = csv_rows(LA_REGIONS_CSV.read_text(encoding="utf-8"), LA_REGIONS_CSV.name)
    keys = ("la_code", "la_name", "region_id", "region_name")
    index = column_index(header, {k: k for k in keys}, set(keys), LA_REGIONS_CSV.name, "an LA-region list")
    return {cell(r, index["la_code"]): LocalAuthority(*(cell(r, index[k]) for k in keys)) for _, r in records}


def regions() -> dict[str, str]:
    """DfE region id -> name."""
    return {la.region_id: la.region_name for la in local_authorities().values()}


def region_for(la_code: str | None, gor_name: str | None = None) -> str | None:
    """The DfE region of an LA; failing that, the region named like the GIAS GOR."""
    la = local_authorities().get((la_code or "").strip())
    if la is not None:
        return la.region_id
    wanted = _header_key(gor_name or "")
    return next((rid for rid, rname in regions().items() if wanted and _header_key(rname) == wanted), None)


# -- import -----------------------------------------------------------------------------------

def search_key(text: str) -> str:
    """Lower-case, accents folded, apostrophes dropped, other punctuation as spaces."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    folded = re.sub(r"['\u2019\u2018`]", "", folded)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())


def _parse_school(record: list[str], index: dict[str, int]) -> dict[str, Any] | str:
    """The register fields of one GIAS row, or the reason it cannot be loaded."""
    values = {key: cell(record, index.get(key)) for key in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)}
    urn = values["urn"]
    if not urn:
        return "no URN"
    if not re.fullmatch(r"[0-9]{1,10}", urn):
        return f"URN '{urn}' is not a number"
    if not values["name"]:
        return f"URN {urn}: no EstablishmentName"
    if not values["type_of_establishment"]:
        return f"URN {urn}: no TypeOfEstablishment (name)"
    if not re.fullmatch(r"[0-9]{3}", values["la_code"]):
        return f"URN {urn}: LA (code) '{values['la_code']}' is not a three-digit LA code"
    for key, limit in _LIMITS.items():
        if len(values[key]) > limit:
            return f"URN {urn}: {key.replace('_', ' ')} is longer than {limit} characters"
    la = local_authorities().get(values["la_code"])
    return {
        "urn": str(int(urn)),
        "name": values["name"],
        "search_name": search_key(values["name"]),
        "type_of_establishment": values["type_of_establishment"],
        "establishment_group": none_if_blank(values["establishment_group"]),
        "phase": none_if_blank(values["phase"]),
        "la_code": values["la_code"],
        "la_name": none_if_blank(values["la_name"]) or (la.la_name if la else None),
        "trust_name": none_if_blank(values["trust_name"]),
        "diocese_name": none_if_blank(values["diocese_name"]),
        "religious_character": none_if_blank(values["religious_character"]),
        "status": values["status"] or "Open",
        "region": region_for(values["la_code"], values["gor"]),
    }


def parse_gias(source: Source) -> tuple[dict[str, dict[str, Any]], list[BadRow]]:
    """Rows by URN and bad rows; raises InvalidInput (nothing read) for a file that is not GIAS."""
    text, name = read_text(source)
    header, records = csv_rows(text, name)
    index = column_index(header, {**REQUIRED_COLUMNS, **OPTIONAL_COLUMNS}, set(REQUIRED_COLUMNS), name,
                         "a GIAS establishment export")
    if not records:
        raise InvalidInput(f"{name} has a header but no schools; nothing was imported")
    rows: dict[str, dict[str, Any]] = {}
    lines: dict[str, int] = {}
    bad: list[BadRow] = []
    for line, record in records:
        parsed = _parse_school(record, index)
        if isinstance(parsed, str):
            bad.append(BadRow(line, parsed))
        elif parsed["urn"] in rows:
            bad.append(BadRow(line, f"URN {parsed['urn']} already given on line {lines[parsed['urn']]}"))
        else:
            rows[parsed["urn"]], lines[parsed["urn"]] = parsed, line
    return rows, bad


def import_gias_csv(session: Session, source: Source) -> ImportReport:
    """Add or update (by URN) every good row of a GIAS export; report and skip the bad ones."""
    rows, bad = parse_gias(source)
    report = ImportReport(skipped=bad)
    urns = list(rows)
    existing: dict[str, School] = {}
    for start in range(0, len(urns), _FETCH_CHUNK):
        chunk = urns[start:start + _FETCH_CHUNK]
        existing.update((s.urn, s) for s in session.scalars(select(School).where(School.urn.in_(chunk))))
    now = utcnow()
    for urn, values in rows.items():
        school = existing.get(urn)
        if school is None:
            session.add(School(**values, updated_at=now))
            report.loaded += 1
        elif any(getattr(school, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(school, key, value)
            school.updated_at = now
            report.updated += 1
        else:
            report.unchanged += 1
    session.flush()
    return report
