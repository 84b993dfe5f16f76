"""`intervene processes deploy|validate|dry-run|list`."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path

import click

from engine import definitions, migration
from engine.errors import InvalidDefinition
from engine.folders import deploy_folder
from workflows import process_dry_run
from workflows.account_models import Organisation

from .common import EXIT_USAGE, command, emit, fail, parse_json_object, session_scope

PROCESS_HELP = ("The process (or collaboration) id to deploy when FILE holds several executable processes "
                "that no other calls.")


@click.group("processes")
def cli() -> None:
    """BPMN process definitions."""


def _read(path: str) -> str:
    file = Path(path)
    if not file.is_file():
        fail(f"no such file: {path}")
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        fail(f"{path} is not UTF-8 text; a BPMN file is XML")
    return ""


@command(cli, "validate")
@click.argument("file")
@click.option("--dmn", "dmn_files", multiple=True, help="DMN decision tables the process calls.")
@click.option("--process", "process_id", default=None, help=PROCESS_HELP)
def validate_command(file: str, dmn_files: tuple[str, ...], process_id: str | None, as_json: bool) -> None:
    """Check FILE without deploying it: errors (which stop a deploy) and warnings apart, each with its
    element id. Exits 2 only when there is an error."""
    problems = definitions.validate(_read(file), [_read(d) for d in dmn_files], process_id)
    rows = _problem_rows(problems)
    errors = [p for p in rows if p["severity"] == "error"]
    warnings = [p for p in rows if p["severity"] != "error"]
    result = {"file": file, "valid": not errors, "problems": rows, "errors": errors, "warnings": warnings}
    emit(result, as_json, _validation_text)
    if errors:
        raise SystemExit(EXIT_USAGE)


def _validation_text(result: dict) -> str:
    lines = []
    for heading, rows in (("Errors (the file cannot be deployed until they are fixed)", result["errors"]),
                          ("Warnings (the file can be deployed; check each)", result["warnings"])):
        if rows:
            lines.append(f"{heading}:")
            lines.extend(f"  {p['element_id']}: {p['message']}" for p in rows)
    errors, warnings = len(result["errors"]), len(result["warnings"])
    verdict = "valid" if result["valid"] else "invalid"
    lines.append(f"{result['file']}: {verdict}, {errors} error{'s' * (errors != 1)}, "
                 f"{warnings} warning{'s' * (warnings != 1)}")
    return "\n".join(lines)


@command(cli, "dry-run")
@click.argument("file")
@click.option("--start", "start", required=True, help="The day the case would start, YYYY-MM-DD.")
@click.option("--data", "data_json", default=None, help="Sample answers and start data, a JSON object by field id.")
@click.option("--dmn", "dmn_files", multiple=True, help="DMN decision tables the process calls.")
@click.option("--process", "process_id", default=None, help=PROCESS_HELP)
@click.option("--la", "la_code", default=None, help="Count with this authority's term dates (from `intervene schools "
                                                    "term-dates import`), as a case of one of its schools would.")
def dry_run_command(file: str, start: str, data_json: str | None, dmn_files: tuple[str, ...],
                    process_id: str | None, la_code: str | None, as_json: bool) -> None:
    """Walk FILE from a start date with sample answers (form defaults, overridden by --data): the
    steps in order, who acts and the day each is due, counted with the real calendar. Stores nothing."""
    try:
        start_on = date.fromisoformat(start)
    except ValueError:
        fail(f"--start must be a date written YYYY-MM-DD, like 2026-12-01, not {start!r}")
    data = parse_json_object(data_json)
    term_dates = None
    if la_code:
        with session_scope(read_only=True) as session:
            term_dates = process_dry_run.authority_term_dates(session, la_code)
    result = process_dry_run.dry_run(_read(file), start_on, data, [_read(d) for d in dmn_files], process_id,
                                     term_dates=term_dates)
    emit({"file": file, "start_on": start_on, "ended": result.ended, "stopped_because": result.stopped_because,
          "steps": [asdict(s) for s in result.steps], "problems": _problem_rows(result.problems)},
         as_json, _dry_run_text)
    if result.problems:
        raise SystemExit(EXIT_USAGE)


def _dry_run_text(result: dict) -> str:
    lines = []
    for number, step in enumerate(result["steps"], start=1):
        who = step["role"] or ("the case waits" if step["kind"] == "timer" else "no role")
        due = f", due {step['due_on']:%a %d %b %Y}" if step["due_on"] else ""
        lines.append(f"{number:>3}. {step['name']} ({who}{due})")
        if step["due_rule"]:
            lines.append(f"       rule: {step['due_rule']}")
        if step["legal_source"]:
            lines.append(f"       source: {step['legal_source']}")
    lines.extend(f"{p['severity']}: {p['element_id']}: {p['message']}" for p in result["problems"])
    lines.append("The case reaches the end." if result["ended"] else f"Stopped: {result['stopped_because']}.")
    return "\n".join(lines)


def _problem_rows(problems) -> list[dict]:
    return [{"element_id": p.element_id, "message": p.message, "severity": p.severity} for p in problems]


def _check_owner(session, owner: str | None) -> None:
    if owner is not None and session.get(Organisation, owner) is None:
        fail(f"unknown organisation '{owner}': give the id of an authority or region that has users "
             "(intervene users add creates it)")


@command(cli, "deploy")
@click.argument("file")
@click.option("--dmn", "dmn_files", multiple=True, help="DMN decision tables the process calls (a folder pairs "
                                                        "its own).")
@click.option("--as", "actor", default="cli", show_default=True, help="Who is deploying.")
@click.option("--note", default="", help="What changed, for the version history.")
@click.option("--process", "process_id", default=None, help=PROCESS_HELP)
@click.option("--owner", default=None, help="The authority or region whose own version this is (LA code or region "
                                            "id); without it, the national default every other organisation uses.")
def deploy_command(file: str, dmn_files: tuple[str, ...], actor: str, note: str, process_id: str | None,
                   owner: str | None, as_json: bool) -> None:
    """Validate FILE and store it as the process's next version; FILE may be a folder, whose every
    .bpmn file is deployed with the DMN files it calls (unchanged ones are skipped)."""
    if Path(file).is_dir():
        _deploy_folder(Path(file), actor, note, owner, as_json)
        return
    xml, dmn = _read(file), [_read(d) for d in dmn_files]
    problems = definitions.validate(xml, dmn, process_id)
    if any(p.severity == "error" for p in problems):
        raise InvalidDefinition(problems)
    with session_scope() as session:
        _check_owner(session, owner)
        key = definitions.parse_process(xml, dmn, process_id, checks=False).key
        before = definitions.current_version(session, key, owner)
        definition = definitions.deploy(session, xml, actor, dmn, change_note=note, process_id=process_id,
                                        owner=owner)
        result = {"key": definition.key, "owner": definition.owner, "version": definition.version,
                  "status": "skipped" if before is not None and before.id == definition.id else "deployed",
                  "sha256": definition.sha256, "deployed_at": definition.deployed_at,
                  "deployed_by": definition.deployed_by, "problems": _problem_rows(problems)}
    emit(result, as_json, lambda r: "\n".join(
        [f"{p['severity']}: {p['element_id']}: {p['message']}" for p in r["problems"]]
        + [f"{r['status']} {r['key']} version {r['version']}"]))


def _deploy_folder(folder: Path, actor: str, note: str, owner: str | None, as_json: bool) -> None:
    with session_scope() as session:
        _check_owner(session, owner)
        outcomes = deploy_folder(session, folder, actor, owner=owner, change_note=note)
    rows = [{"file": o.file, "status": o.status, "key": o.key, "version": o.version, "dmn_files": o.dmn_files,
             "problems": _problem_rows(o.problems)} for o in outcomes]
    emit({"folder": str(folder), "owner": owner, "files": rows}, as_json, _folder_text)
    if not rows:
        fail(f"no .bpmn files in {folder}")
    if any(row["status"] == "refused" for row in rows):
        raise SystemExit(EXIT_USAGE)


def _folder_text(result: dict) -> str:
    lines = []
    for row in result["files"]:
        version = f" {row['key']} v{row['version']}" if row["version"] else ""
        lines.append(f"{row['status']}: {row['file']}{version}")
        lines.extend(f"  {p['severity']}: {p['element_id']}: {p['message']}" for p in row["problems"])
    return "\n".join(lines)


@command(cli, "list")
def list_command(as_json: bool) -> None:
    """Every deployed version of every process."""
    with session_scope(read_only=True) as session:
        rows = [{"key": d.key, "owner": d.owner, "version": d.version, "name": d.name, "sha256": d.sha256,
                 "deployed_at": d.deployed_at, "deployed_by": d.deployed_by}
                for d in definitions.list_definitions(session)]
    emit(rows, as_json, lambda r: "\n".join(
        f"{d['key']:32} {d['owner'] or 'national':18} v{d['version']:<3} {d['deployed_at']:%Y-%m-%d %H:%M} "
        f"{d['deployed_by']}" for d in r)
        or "no processes deployed")


@command(cli, "migrate")
@click.argument("key")
@click.option("--from", "source", required=True, help="The version the cases run on: 2, or national:2 / ORG:2.")
@click.option("--to", "target", required=True, help="The version to move them to: 3, or national:3 / ORG:1.")
@click.option("--owner", default=None, help="Whose line of versions plain numbers mean (an authority or region "
                                            "id); without it, the national versions.")
@click.option("--dry-run", is_flag=True, help="Say what would happen to each case; change nothing.")
@click.option("--as", "actor", default="cli", show_default=True, help="Who is moving the cases (audit log).")
@click.option("--reason", default="", help="Why the cases are moved (audit log); required unless --dry-run.")
def migrate_command(key: str, source: str, target: str, owner: str | None, dry_run: bool, actor: str,
                    reason: str, as_json: bool) -> None:
    """Move the running cases of KEY from one version to another where safe: each case either moves
    (with its deadline changes) or stays, with the reason; never a case whose current step is gone."""
    if not dry_run and not reason.strip():
        fail("say why with --reason (it goes in each case's audit log), or use --dry-run")
    with session_scope(read_only=dry_run) as session:
        _check_owner(session, owner)
        versions = [migration.find_version(session, key, number, line)
                    for line, number in (migration.parse_version(source, owner),
                                         migration.parse_version(target, owner))]
        if dry_run:
            plan = migration.plan_migration(session, *versions)
        else:
            plan = migration.migrate_cases(session, *versions, actor, reason)
        result = {**migration.plan_as_dict(plan), "dry_run": dry_run,
                  "moved" if not dry_run else "movable": len(plan.movable), "refused": len(plan.refused)}
    emit(result, as_json, _migration_text)


def _migration_text(result: dict) -> str:
    lines = [f"{result['key']}: version {result['from']} to {result['to']}"
             + (" (dry run: nothing changed)" if result["dry_run"] else "")]
    for case in result["cases"]:
        who = f"case {case['case']}" + (f" ({case['business_key']})" if case["business_key"] else "")
        if case["can_move"]:
            lines.append(f"{who}: {'can move' if result['dry_run'] else 'moved'}")
        else:
            lines.append(f"{who}: cannot move because {'; '.join(case['reasons'])}")
        for deadline in case["deadlines"]:
            if deadline["changed"]:
                lines.append(f"  {deadline['step']}: due {_when(deadline['before'])} -> {_when(deadline['after'])}")
    verb = "can move" if result["dry_run"] else "moved"
    count = result.get("movable", result.get("moved"))
    lines.append(f"{count} {verb}, {result['refused']} cannot move" if result["cases"] else "no running cases on "
                 f"version {result['from']}")
    return "\n".join(lines)


def _when(value) -> str:
    return f"{value:%d %b %Y %H:%M} UTC" if value else "no due date"
