"""A corrected letter is a new version: the letter it corrects is kept, unchanged, as what was sent.

The officer corrects the answers of the step that issued the letter (the same form, the same
completeness and placeholder rules as at the step); the case's data and the step itself are not
changed, since the statutory clock ran from the letter as given. The new version is rendered from
the old one's stored data with the corrected answers, after the request commits, and audited.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db import utcnow
from engine.models import HumanTask, ProcessInstance

from .letter_checks import placeholder_problems
from .letter_models import Letter
from .letter_template_values import build_context
from .letters import render_after_commit
from .notice_rules import task_problems


def correction_problems(task: HumanTask, original: Letter, answers: dict[str, Any],
                        confirmed: dict[str, Any] | None) -> dict[str, str]:
    """Why the corrected answers cannot be issued, by field (the step's own rules)."""
    field_ids = [field["id"] for field in task.form.get("fields", [])]
    data = {**(original.render_input or {}).get("data", {}), **answers}
    found = task_problems(task.properties or {}, field_ids, data)
    for field_id, sentence in placeholder_problems(task.form, answers, confirmed).items():
        found.setdefault(field_id, sentence)
    return found


def issue_corrected_version(session: Session, instance: ProcessInstance, original: Letter, answers: dict[str, Any],
                            actor: str, reason: str) -> Letter:
    """Record the next version of `original`'s letter, rendered once the caller's transaction commits."""
    from engine.runtime import audit  # the runtime imports the hooks; import it when first used

    given = dict(original.render_input or {})
    data = {**given.get("data", {}), **answers}
    newest = session.scalar(select(func.max(Letter.version)).where(Letter.instance_id == instance.id,
                                                                    Letter.task_id == original.task_id,
                                                                    Letter.kind == original.kind)) or 1
    context = build_context(original.kind, dict(data), _day(given["issued_on"]), given["organisation"])
    letter = Letter(instance_id=instance.id, owner=instance.owner, kind=original.kind,
                    title=f"{context['title']} (version {newest + 1})"[:300], filename=_versioned(context["filename"],
                                                                                           newest + 1),
                    media_type=original.media_type, status="pending", created_at=utcnow(), created_by=actor,
                    task_id=original.task_id, recipients=context["recipients"], version=newest + 1,
                    replaces_id=original.id, correction_reason=reason,
                    render_input={**given, "data": data})
    session.add(letter)
    session.flush()
    audit(session, instance, actor, "letter_corrected", task_id=original.task_id, detail=reason,
          data={"letter_id": letter.id, "replaces_id": original.id, "version": letter.version,
                "changed": sorted(key for key, value in answers.items() if given.get("data", {}).get(key) != value)})
    render_after_commit(session, letter.id)
    return letter


def _day(iso: str):
    from datetime import date

    return date.fromisoformat(iso)


def _versioned(filename: str, version: int) -> str:
    stem, dot, extension = filename.rpartition(".")
    return f"{stem}-v{version}.{extension}" if dot else f"{filename}-v{version}"
