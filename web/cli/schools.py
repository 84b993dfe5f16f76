"""`intervene schools`: the register of schools (GIAS import, search) and term dates."""
from __future__ import annotations

import sys
from typing import Any

import click

from web.cli.common import EXIT_USAGE, command, emit, session_scope
from workflows.schools import (
    KINDS,
    classify,
    find_schools,
    get_school,
    import_gias_csv,
    import_term_dates_csv,
    load_demo_schools,
    regions,
    school_facts,
    school_holiday_rows,
)


@click.group("schools")
def cli() -> None:
    """The register of schools (from GIAS) and their term dates."""


def _report_text(report: dict[str, Any], what: str) -> str:
    lines = [f"{what}: {report['loaded']} loaded, {report['updated']} updated, "
             f"{report['unchanged']} unchanged, {len(report['skipped'])} skipped"]
    lines += [f"line {bad['line']}: {bad['reason']}" for bad in report["skipped"]]
    return "\n".join(lines)


def _exit_if_nothing_loaded(report: dict[str, Any]) -> None:
    if report["skipped"] and not (report["loaded"] or report["updated"] or report["unchanged"]):
        click.echo("error: no row of the file could be loaded", err=True)
        sys.exit(EXIT_USAGE)


@command(cli, "import")
@click.argument("file", type=click.Path(dir_okay=False))
def import_schools(file: str, as_json: bool) -> None:
    """Load or update schools from a GIAS establishment export (FILE.csv, as downloaded).

    Rows are matched on URN, so importing a newer export updates the register. Bad rows are listed
    by line and skipped; a file without the GIAS columns is refused and nothing changes.
    """
    with session_scope() as session:
        report = import_gias_csv(session, file).as_dict()
    emit(report, as_json, lambda r: _report_text(r, "schools"))
    _exit_if_nothing_loaded(report)


@command(cli, "load-demo")
def load_demo(as_json: bool) -> None:
    """Load the fictional Trafford and Derbyshire demo schools and their term dates."""
    with session_scope() as session:
        report = load_demo_schools(session).as_dict()
    emit(report, as_json, lambda r: _report_text(r, "schools"))


def _school_row(school) -> dict[str, Any]:
    return {"urn": school.urn, "name": school.name, "type": school.type_of_establishment,
            "kind": classify(school.type_of_establishment), "la_code": school.la_code,
            "la_name": school.la_name, "status": school.status}


def _list_text(result: dict[str, Any]) -> str:
    if not result["schools"]:
        return "no schools match"
    lines = [f"{s['urn']:>7}  {s['name']}  ({s['type']}, {s['la_name'] or s['la_code']})"
             + ("" if s["status"].startswith("Open") else f"  [{s['status']}]") for s in result["schools"]]
    if result["more"]:
        lines.append(f"... more schools match; narrow the search or raise --limit ({result['limit']})")
    return "\n".join(lines)


@command(cli, "list")
@click.option("--la", "la_code", help="Only this LA (three-digit GIAS code, e.g. 358).")
@click.option("--kind", type=click.Choice(KINDS), help="Only this kind of school.")
@click.option("--search", help="Words of the name (case and accents ignored), or the start of a URN.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=200, show_default=True)
def list_schools(la_code: str | None, kind: str | None, search: str | None, limit: int, as_json: bool) -> None:
    """List schools by name."""
    with session_scope(read_only=True) as session:
        found = find_schools(session, la_code=la_code, kind=kind, search=search, limit=limit + 1)
        result = {"schools": [_school_row(s) for s in found[:limit]], "more": len(found) > limit,
                  "limit": limit}
    emit(result, as_json, _list_text)


def _show_text(result: dict[str, Any]) -> str:
    school = result["school"]
    labels = [("URN", "urn"), ("Name", "school_name"), ("Type", "school_type"), ("Kind", "school_kind"),
              ("Phase", "school_phase"), ("Status", "school_status"), ("LA", "la_name"),
              ("LA code", "la_code"), ("DfE region", "region_name"), ("Trust", "trust_name"),
              ("Diocese", "diocese_name"), ("Religious character", "religious_character")]
    lines = [f"{label + ':':<21}{school[key]}" for label, key in labels if school.get(key) is not None]
    lines.append(f"{'Foundation:':<21}{'yes' if school['has_foundation'] else 'no'}"
                 f"{' (voluntary aided)' if school['is_voluntary_aided'] else ''}")
    if result["holidays"]:
        lines.append("Holidays:")
        lines += [f"  {h['first_day']} to {h['last_day']}  {h['name']}"
                  + ("  (the school's own)" if h["is_school_specific"] else "") for h in result["holidays"]]
    else:
        lines.append("Holidays:            none known; import term dates with `intervene schools term-dates import`")
    return "\n".join(lines)


@command(cli, "show")
@click.argument("urn")
def show(urn: str, as_json: bool) -> None:
    """Show one school: its type, kind, LA, region, trust, diocese and holidays."""
    with session_scope(read_only=True) as session:
        school = get_school(session, urn)
        facts = school_facts(school)
        facts["region_name"] = regions().get(school.region or "")
        holidays = [{"name": h.name, "first_day": h.first_day, "last_day": h.last_day,
                     "is_school_specific": h.urn is not None} for h in school_holiday_rows(session, school.urn)]
    emit({"school": facts, "holidays": holidays}, as_json, _show_text)


@cli.group("term-dates")
def term_dates() -> None:
    """Each LA's school holidays, and schools' own."""


@command(term_dates, "import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--la", "la_code", help="The LA the holidays are for (three digits), unless the file has an la_code column.")
def import_term_dates(file: str, la_code: str | None, as_json: bool) -> None:
    """Load holidays from FILE.csv with columns name, first_day, last_day[, urn].

    A row with a urn is that school's own holiday, replacing the LA's of the same name or dates.
    Re-importing a name updates its dates.
    """
    with session_scope() as session:
        report = import_term_dates_csv(session, file, la_code).as_dict()
    emit(report, as_json, lambda r: _report_text(r, "holidays"))
    _exit_if_nothing_loaded(report)
