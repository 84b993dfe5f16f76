"""An officer turns their own reminder emails off and on from their account."""
from __future__ import annotations

from workflows.account_models import User


def test_an_officer_turns_reminders_off_and_on(signed_in, adviser, session):
    page = signed_in.text("/account/reminders")
    assert "Reminder emails" in page and "cannot turn that off" in page
    assert 'value="on" checked' in page
    response = signed_in.post("/account/reminders", {"reminders": "off"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(User, adviser.id).reminders_off is True
    assert 'value="off" checked' in signed_in.text("/account/reminders")
    signed_in.post("/account/reminders", {"reminders": "on"})
    session.expire_all()
    assert session.get(User, adviser.id).reminders_off is False


def test_no_choice_gets_a_clear_message_and_changes_nothing(signed_in, adviser, session):
    response = signed_in.post("/account/reminders", {"reminders": "sometimes"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Select whether to get reminder emails" in page
    session.expire_all()
    assert session.get(User, adviser.id).reminders_off is False


def test_the_page_is_linked_from_the_header(signed_in):
    assert 'href="/account/reminders"' in signed_in.text("/inbox")
