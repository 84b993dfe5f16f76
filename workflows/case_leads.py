"""Naming a case's lead officer, and reading who leads which cases (audited as `lead_officer_set`)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db import utcnow
from engine.errors import InvalidInput
from engine.models import ProcessInstance
from engine.runtime import audit

from .account_models import User
from .case_models import CaseLead


def lead_candidates(session: Session, instance: ProcessInstance) -> list[User]:
    """Active officers of the organisation that owns the case."""
    return list(session.scalars(select(User).where(User.organisation_id == instance.owner,
                                                   User.is_active.is_(True))
                                .order_by(User.display_name, User.email)))


def lead_of(session: Session, instance_id: int) -> CaseLead | None:
    return session.get(CaseLead, instance_id)


def leads_of(session: Session, instance_ids: set[int]) -> dict[int, str]:
    """{case id: the lead officer's name (or email when the account is gone)} for a page of cases."""
    if not instance_ids:
        return {}
    rows = session.execute(select(CaseLead.instance_id, CaseLead.officer_email, User.display_name)
                           .outerjoin(User, User.email == CaseLead.officer_email)
                           .where(CaseLead.instance_id.in_(instance_ids)))
    return {instance_id: name or email for instance_id, email, name in rows}


def set_lead(session: Session, instance: ProcessInstance, officer_email: str, actor: str) -> CaseLead:
    """Name the lead officer; only an active officer of the case's organisation can lead it."""
    email = (officer_email or "").strip().lower()
    officer = next((u for u in lead_candidates(session, instance) if u.email == email), None)
    if officer is None:
        raise InvalidInput("the lead officer must be an active officer of the organisation that owns the case")
    lead = lead_of(session, instance.id)
    before = lead.officer_email if lead else None
    if lead is None:
        lead = CaseLead(instance_id=instance.id, officer_email=email, set_at=utcnow(), set_by=actor)
        session.add(lead)
    else:
        lead.officer_email, lead.set_at, lead.set_by = email, utcnow(), actor
    audit(session, instance, actor, "lead_officer_set",
          detail=f"{officer.display_name} ({email})" + (f", was {before}" if before and before != email else ""),
          data={"officer": email, "previous": before})
    session.flush()
    return lead
