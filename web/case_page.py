"""What a task page and a case page both show about a case, read from projections and the audit log."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import AuditEvent, ProcessInstance
from workflows.case_view import case_deadlines, describe_deadline, display_names, step_records
from workflows.letters import letters_for_case
from workflows.school_models import School

from .formatting import answer_text
from .labels import route_title

#: Audit actions a timeline shows, in words.
ACTION_WORDS = {
    "started": "Case started",
    "task_completed": "Completed",
    "task_claimed": "Claimed",
    "task_unclaimed": "Unclaimed",
    "task_reassigned": "Reassigned",
    "timer_fired": "Time limit reached",
    "suspended": "Case suspended",
    "resumed": "Case resumed",
    "terminated": "Case closed early",
    "retried": "Case retried",
    "step_skipped": "Failed step skipped",
    "error": "Stopped with an error",
    "data_conflict": "Two steps recorded different values",
    "migrated": "Moved to a new version of the route",
    "letter_issued": "Letter issued",
    "lead_officer_set": "Lead officer named",
    "letter_failed": "Letter could not be produced",
    "deadline_missed": "Deadline missed",
    "email_sent": "Reminder emailed",
}
STATUS_TAGS = {
    "running": ("In progress", "govuk-tag--blue"),
    "waiting": ("Waiting", "govuk-tag--grey"),
    "suspended": ("Suspended", "govuk-tag--yellow"),
    "error": ("Error", "govuk-tag--red"),
    "completed": ("Completed", "govuk-tag--green"),
    "terminated": ("Closed early", "govuk-tag--grey"),
}
DEADLINE_TAGS = {
    "pending": ("Pending", "govuk-tag--blue"),
    "met": ("Met", "govuk-tag--green"),
    "missed": ("Missed", "govuk-tag--red"),
    "unknown": ("Not yet known", "govuk-tag--grey"),
    "ended": ("Ended with the case", "govuk-tag--grey"),
}


@dataclass(frozen=True)
class CaseContext:
    instance: ProcessInstance
    school: School | None
    route: str

    @property
    def school_name(self) -> str:
        return self.school.name if self.school else (self.instance.business_key or "No school")

    @property
    def status_tag(self) -> dict[str, str]:
        text, classes = STATUS_TAGS.get(self.instance.status, (self.instance.status, "govuk-tag--grey"))
        return {"text": text, "classes": classes}


def case_context(session: Session, instance: ProcessInstance) -> CaseContext:
    school = session.get(School, instance.business_key) if instance.business_key else None
    return CaseContext(instance, school, route_title(instance.process_key))


def timeline(session: Session, instance_id: int) -> list[dict[str, Any]]:
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                  .order_by(AuditEvent.at, AuditEvent.id)))
    # Officers read names: an actor with an account is shown by its name, any other as recorded.
    names = display_names(session, {e.actor for e in events})
    return [{"at": e.at, "what": ACTION_WORDS.get(e.action, e.action.replace("_", " ").capitalize()),
             "detail": e.detail, "actor": names.get(e.actor, e.actor), "action": e.action} for e in events]


def deadlines(session: Session, instance_id: int, open_only: bool = False) -> list[dict[str, Any]]:
    """The case's deadlines, each with the tag its status shows as."""
    result = []
    for row in case_deadlines(session, instance_id, open_only):
        described = describe_deadline(row)
        text, classes = DEADLINE_TAGS.get(described["status"], (described["status"], "govuk-tag--grey"))
        result.append({"row": row, "tag": {"text": text, "classes": classes}, "note": described["note"]})
    return result


def evidence(session: Session, instance_id: int) -> list[dict[str, Any]]:
    """The completed steps, newest first, ready for a summary list each (see workflows.case_view)."""
    return [{"record": record,
             "rows": [{"key": {"text": a.label}, "value": {"text": answer_text(a.value)}} for a in record.answers]}
            for record in step_records(session, instance_id)]


def letters_so_far(session: Session, instance_id: int) -> list[Any]:
    return letters_for_case(session, instance_id)
