"""What the route's forms called each case-data value, for pages that show raw case data to a manager
(correcting a case in error): the label an officer saw, not the BPMN field id."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import HumanTask


def field_labels(session: Session, instance_id: int) -> dict[str, str]:
    """Case-data names -> the labels the case's forms gave them (the first form that asked wins)."""
    labels: dict[str, str] = {}
    for form in session.scalars(select(HumanTask.form).where(HumanTask.instance_id == instance_id)
                                .order_by(HumanTask.created_at)):
        for field in (form or {}).get("fields", []):
            labels.setdefault(field["id"], field.get("label") or field["id"])
    return labels
