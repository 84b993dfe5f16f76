"""`intervene processes deploy|validate|list`."""
from __future__ import annotations

from pathlib import Path

import click

from engine import definitions

from .common import command, emit, fail, session_scope

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
    """Check FILE without deploying it: every problem, with its element id."""
    problems = definitions.validate(_read(file), [_read(d) for d in dmn_files], process_id)
    errors = [p for p in problems if p.severity == "error"]
    result = {"file": file, "valid": not errors,
              "problems": [{"element_id": p.element_id, "message": p.message, "severity": p.severity}
                           for p in problems]}
    emit(result, as_json, lambda r: "\n".join(
        [f"{p['severity']}: {p['element_id']}: {p['message']}" for p in r["problems"]]
        + [f"{file}: {'valid' if r['valid'] else 'invalid'}"]))
    if errors:
        raise SystemExit(2)


@command(cli, "deploy")
@click.argument("file")
@click.option("--dmn", "dmn_files", multiple=True, help="DMN decision tables the process calls.")
@click.option("--as", "actor", default="cli", show_default=True, help="Who is deploying.")
@click.option("--note", default="", help="What changed, for the version history.")
@click.option("--process", "process_id", default=None, help=PROCESS_HELP)
def deploy_command(file: str, dmn_files: tuple[str, ...], actor: str, note: str, process_id: str | None,
                   as_json: bool) -> None:
    """Validate FILE and store it as the process's next version."""
    xml, dmn = _read(file), [_read(d) for d in dmn_files]
    with session_scope() as session:
        definition = definitions.deploy(session, xml, actor, dmn, change_note=note, process_id=process_id)
        result = {"key": definition.key, "version": definition.version, "sha256": definition.sha256,
                  "deployed_at": definition.deployed_at, "deployed_by": definition.deployed_by}
    emit(result, as_json, lambda r: f"deployed {r['key']} version {r['version']}")


@command(cli, "list")
def list_command(as_json: bool) -> None:
    """Every deployed version of every process."""
    with session_scope(read_only=True) as session:
        rows = [{"key": d.key, "version": d.version, "name": d.name, "sha256": d.sha256,
                 "deployed_at": d.deployed_at, "deployed_by": d.deployed_by}
                for d in definitions.list_definitions(session)]
    emit(rows, as_json, lambda r: "\n".join(
        f"{d['key']:32} v{d['version']:<3} {d['deployed_at']:%Y-%m-%d %H:%M} {d['deployed_by']}" for d in r)
        or "no processes deployed")
