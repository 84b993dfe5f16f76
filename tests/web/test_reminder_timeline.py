"""A reminder sent about a case shows on the case's timeline."""
from __future__ import annotations

from engine.db import transaction
from engine.outbox import Message, enqueue, send_due
from tests.conftest import joined_factory
from workflows.mail import FolderSender

from .factories import start_case


def test_a_sent_reminder_is_on_the_case_timeline(signed_in, route, school, session, tmp_path):
    case = start_case(session)
    session.commit()
    factory = joined_factory(session)
    with transaction(factory) as inner:
        enqueue(inner, Message(key="deadline:1:deadline_in_1_working_day:2027-01-04:ann", kind="reminder",
                               recipient="ann.adviser@trafford.gov.uk", subject="Governing body replies is due tomorrow",
                               body="...", instance_id=case.id))
    page = signed_in.text(f"/cases/{case.id}")
    assert "Reminder emailed" not in page  # queued is not sent
    assert send_due(factory, "w", FolderSender(tmp_path)) == 1
    session.expire_all()
    page = signed_in.text(f"/cases/{case.id}")
    assert "Reminder emailed" in page and "To ann.adviser@trafford.gov.uk: Governing body replies is due tomorrow" in page
