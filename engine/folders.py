"""Deploy every model in a folder: how a real authority (and `make run`) sets up its routes.

Each BPMN file goes with the DMN files in the folder whose decisions it calls. A file whose content
is already the owner's current version is skipped; one with errors is refused and the others still
deploy. A process calling another deployed from the same folder waits for it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from .definitions import content_sha256, current_version, deploy, parse_process
from .errors import InvalidDefinition, Problem
from .parser import CAMUNDA_NS, HostileXML, parse_xml

DMN_NS = ("https://www.omg.org/spec/DMN/20191111/MODEL/", "http://www.omg.org/spec/DMN/20180521/MODEL/",
          "http://www.omg.org/spec/DMN/20151101/dmn.xsd")


@dataclass
class FileOutcome:
    file: str
    #: "deployed", "skipped" (already the current version) or "refused".
    status: str
    key: str | None = None
    version: int | None = None
    dmn_files: list[str] = field(default_factory=list)
    #: The errors that refused it, or the warnings it deployed (or was skipped) with.
    problems: list[Problem] = field(default_factory=list)


def deploy_folder(session: Session, folder: Path, deployed_by: str, owner: str | None = None,
                  change_note: str = "") -> list[FileOutcome]:
    """Deploy every .bpmn file in `folder` for `owner` (None: the national default), by file name."""
    decisions = _decision_files(folder)
    pending = sorted(folder.glob("*.bpmn"))
    outcomes: dict[Path, FileOutcome] = {}
    while pending:
        waiting = []
        for path in pending:
            outcome = _deploy_file(session, path, decisions, deployed_by, owner, change_note)
            if outcome.status == "refused" and _only_missing_calls(outcome):
                waiting.append(path)  # another file in the folder may deploy the called process
            outcomes[path] = outcome
        if len(waiting) == len(pending):
            break
        pending = waiting
    return [outcomes[path] for path in sorted(outcomes)]


def _only_missing_calls(outcome: FileOutcome) -> bool:
    return bool(outcome.problems) and all("deploy it first" in p.message for p in outcome.problems)


def _decision_files(folder: Path) -> dict[str, Path]:
    """{decision id: the DMN file defining it} for the folder's DMN files."""
    found: dict[str, Path] = {}
    for path in sorted(folder.glob("*.dmn")):
        try:
            root = parse_xml(path.read_text(encoding="utf-8"))
        except (HostileXML, UnicodeDecodeError, OSError):
            continue  # the BPMN file calling it is refused for the missing decision
        for namespace in DMN_NS:
            for decision in root.iter(f"{{{namespace}}}decision"):
                found.setdefault(decision.get("id", ""), path)
    return found


def _deploy_file(session: Session, path: Path, decisions: dict[str, Path], deployed_by: str,
                 owner: str | None, change_note: str) -> FileOutcome:
    outcome = FileOutcome(path.name, "refused")
    try:
        xml = path.read_text(encoding="utf-8")
        dmn_paths = _dmn_for(xml, decisions)
        dmn = [p.read_text(encoding="utf-8") for p in dmn_paths]
    except (UnicodeDecodeError, OSError) as error:
        outcome.problems = [Problem("(file)", f"cannot read {path.name}: {error}")]
        return outcome
    except HostileXML as error:
        outcome.problems = [Problem("(file)", str(error))]
        return outcome
    outcome.dmn_files = [p.name for p in dmn_paths]
    try:
        parsed = parse_process(xml, dmn)
        outcome.key, outcome.problems = parsed.key, parsed.problems
        current = current_version(session, parsed.key, owner)
        if current is not None and current.sha256 == content_sha256(xml, dmn):
            outcome.status, outcome.version = "skipped", current.version
            return outcome
        definition = deploy(session, xml, deployed_by, dmn, change_note=change_note, owner=owner)
    except InvalidDefinition as error:
        outcome.problems = error.problems
        return outcome
    outcome.status, outcome.version = "deployed", definition.version
    return outcome


def _dmn_for(bpmn_xml: str, decisions: dict[str, Path]) -> list[Path]:
    """The folder's DMN files holding the decisions the model's business rule tasks call."""
    root = parse_xml(bpmn_xml)
    called = {e.get(f"{{{CAMUNDA_NS}}}decisionRef") for e in root.iter() if e.get(f"{{{CAMUNDA_NS}}}decisionRef")}
    return sorted({decisions[ref] for ref in called if ref in decisions})
