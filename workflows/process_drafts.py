"""Process owners' drafts: save as they edit, load on return, discard, and who else is editing.

Every function takes the organisation, and reads only that organisation's drafts: one authority's
draft of a route is never seen by, nor counted against, another's.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.db import utcnow

from .process_draft_models import ProcessDraft

#: How recently another owner must have saved for the page to say they are editing too.
EDITING_WINDOW = timedelta(minutes=10)


def load(session: Session, key: str, organisation: str, user_email: str) -> ProcessDraft | None:
    return session.scalar(select(ProcessDraft).where(
        ProcessDraft.key == key, ProcessDraft.organisation_id == organisation, ProcessDraft.user_email == user_email))


def save(session: Session, key: str, organisation: str, user_email: str, bpmn_xml: str,
         based_on_id: int | None = None, now: datetime | None = None) -> ProcessDraft:
    """Create or overwrite the officer's draft; an existing draft keeps the version it started from."""
    draft = load(session, key, organisation, user_email)
    if draft is None:
        draft = ProcessDraft(key=key, organisation_id=organisation, user_email=user_email, based_on_id=based_on_id)
        session.add(draft)
    draft.bpmn_xml = bpmn_xml
    draft.updated_at = now or utcnow()
    session.flush()
    return draft


def discard(session: Session, key: str, organisation: str, user_email: str) -> bool:
    """Delete the officer's draft; True when there was one."""
    result = session.execute(delete(ProcessDraft).where(
        ProcessDraft.key == key, ProcessDraft.organisation_id == organisation, ProcessDraft.user_email == user_email))
    return bool(getattr(result, "rowcount", 0))


def other_editors(session: Session, key: str, organisation: str, except_user: str,
                  within: timedelta = EDITING_WINDOW, now: datetime | None = None) -> list[ProcessDraft]:
    """The organisation's other drafts of this process saved within `within`, newest first."""
    since = (now or utcnow()) - within
    return list(session.scalars(select(ProcessDraft).where(
        ProcessDraft.key == key, ProcessDraft.organisation_id == organisation,
        ProcessDraft.user_email != except_user, ProcessDraft.updated_at >= since,
    ).order_by(ProcessDraft.updated_at.desc())))


def drafts_of(session: Session, organisation: str) -> list[ProcessDraft]:
    """Every draft of the organisation (for the processes page: which routes are being changed)."""
    return list(session.scalars(select(ProcessDraft).where(ProcessDraft.organisation_id == organisation)
                                .order_by(ProcessDraft.key, ProcessDraft.updated_at.desc())))
