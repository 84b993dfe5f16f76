"""The processes page's reads: which routes an organisation uses and their versions.

An organisation sees the national versions and its own; never another authority's own versions
or drafts. Case counts go through the scoped session, so they count the viewer's cases only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.definitions import latest_definition, usable_by
from engine.errors import NotFound
from engine.models import ProcessDefinition, ProcessInstance
from engine.runtime import CLOSED_STATUSES
from workflows import process_drafts
from workflows.process_draft_models import ProcessDraft
from workflows.registry import processes

from ..labels import route_title


@dataclass
class ProcessRow:
    key: str
    title: str
    versions: list[ProcessDefinition] = field(default_factory=list)
    #: The version a new case of the organisation starts on.
    current: ProcessDefinition | None = None
    running: dict[int, int] = field(default_factory=dict)
    drafts: list[ProcessDraft] = field(default_factory=list)


def _runs_for(key: str, is_region: bool) -> bool:
    """A route package says whose it is (extra["owner"] == "region"); other processes show to all."""
    package = processes().get(key)
    return package is None or (package.extra.get("owner") == "region") == is_region


def process_rows(session: Session, organisation: str, is_region: bool) -> list[ProcessRow]:
    definitions = session.scalars(select(ProcessDefinition).where(usable_by(organisation)).order_by(
        ProcessDefinition.key, ProcessDefinition.deployed_at, ProcessDefinition.id)).all()
    rows: dict[str, ProcessRow] = {}
    for definition in definitions:
        if definition.owner is None and not _runs_for(definition.key, is_region):
            continue
        rows.setdefault(definition.key, ProcessRow(definition.key, route_title(definition.key))).versions.append(definition)
    for draft in process_drafts.drafts_of(session, organisation):
        rows.setdefault(draft.key, ProcessRow(draft.key, route_title(draft.key))).drafts.append(draft)
    running = running_cases(session, [d.id for row in rows.values() for d in row.versions])
    for row in rows.values():
        row.running = {d.id: running.get(d.id, 0) for d in row.versions}
        row.current = latest_definition(session, row.key, required=False, owner=organisation) if row.versions else None
        row.versions.reverse()  # newest first
    return sorted(rows.values(), key=lambda r: r.title.lower())


def running_cases(session: Session, definition_ids: list[int]) -> dict[int, int]:
    """Open cases (not completed or terminated) on each version, of the viewer's organisation only."""
    if not definition_ids:
        return {}
    found = session.execute(select(ProcessInstance.definition_id, func.count(ProcessInstance.id)).where(
        ProcessInstance.definition_id.in_(definition_ids), ProcessInstance.status.not_in(CLOSED_STATUSES),
    ).group_by(ProcessInstance.definition_id)).all()
    return {definition_id: count for definition_id, count in found}


def visible_definition(session: Session, organisation: str, key: str, definition_id: int) -> ProcessDefinition:
    definition = session.scalar(select(ProcessDefinition).where(
        ProcessDefinition.id == definition_id, ProcessDefinition.key == key, usable_by(organisation)))
    if definition is None:
        raise NotFound(f"no version {definition_id} of process '{key}'")
    return definition


def version_label(definition: ProcessDefinition) -> str:
    return f"{'National' if definition.owner is None else 'Own'} version {definition.version}"
