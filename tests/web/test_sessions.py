"""Sessions end on the server: sign-out, a password change and age refuse a replayed cookie; the
cookie holds a random session id and nothing of the password hash; officers change their own password."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from engine.db import utcnow
from workflows import accounts
from workflows.account_models import User

from .factories import PASSWORD, TRAFFORD, Browser, make_user

NEW_PASSWORD = "a brand new passphrase for ann"


def _cookie(browser: Browser) -> str:
    found = browser.client.get_cookie("intervene_session")
    assert found is not None, "no session cookie"
    return found.value


def _replay(app, cookie: str):
    """A different client presenting a copied cookie, as an attacker who kept one would."""
    client = app.test_client()
    client.set_cookie("intervene_session", cookie)
    return client.get("/inbox")


def test_a_cookie_replayed_after_sign_out_is_refused(app, signed_in):
    cookie = _cookie(signed_in)
    assert _replay(app, cookie).status_code == 200  # the copy works while the session lasts
    signed_in.post("/sign-out")
    response = _replay(app, cookie)
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_signing_out_ends_only_that_session(app, adviser, session):
    session.commit()
    desk, laptop = Browser(app.test_client()), Browser(app.test_client())
    desk.sign_in(adviser.email)
    laptop.sign_in(adviser.email)
    desk.post("/sign-out")
    assert laptop.get("/inbox").status_code == 200


def test_the_cookie_holds_no_part_of_the_password_hash(app, signed_in, adviser, session):
    payload = app.session_interface.get_signing_serializer(app).loads(_cookie(signed_in))
    session.refresh(adviser)
    secret = adviser.password_hash.rsplit("$", 1)[-1]
    for value in payload.values():
        text = str(value)
        assert not any(text[i:i + 6] in adviser.password_hash for i in range(max(0, len(text) - 5))
                       if len(text) >= 6), (value, "shares a run of characters with the password hash")
        assert secret not in text
    assert set(payload) <= {"session_id", "csrf_token", "_permanent", "_flashes"}, payload


def test_a_session_ends_on_the_server_after_eight_hours(app, signed_in):
    cookie = _cookie(signed_in)
    with time_machine.travel(utcnow() + timedelta(hours=8, minutes=1), tick=False):
        response = _replay(app, cookie)
    assert response.status_code == 302


def test_an_administrator_setting_a_password_ends_every_session_of_that_officer(app, signed_in, adviser,
                                                                                session):
    cookie = _cookie(signed_in)
    accounts.set_password(session, adviser, NEW_PASSWORD)
    session.commit()
    assert _replay(app, cookie).status_code == 302
    assert signed_in.get("/inbox").status_code == 302


# --- Officers change their own password ------------------------------------------------------------

def _change(browser: Browser, current: str, new: str, confirm: str | None = None):
    return browser.post("/account/password", {"current_password": current, "new_password": new,
                                              "confirm_password": new if confirm is None else confirm})


def _hash(session, email: str) -> str:
    session.expire_all()
    return session.scalar(select(User.password_hash).where(User.email == email))


def test_the_account_page_is_linked_for_every_officer(signed_in):
    assert 'href="/account/password"' in signed_in.text("/inbox")
    assert "Current password" in signed_in.text("/account/password")


def test_an_officer_changes_their_password_and_their_other_sessions_end(app, signed_in, adviser, session):
    other = Browser(app.test_client())
    other.sign_in(adviser.email)
    old_cookie = _cookie(signed_in)
    response = _change(signed_in, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert "Your password has been changed" in signed_in.text(response.headers["Location"])
    assert signed_in.get("/inbox").status_code == 200  # still signed in here
    assert other.get("/inbox").status_code == 302  # signed out everywhere else
    assert _replay(app, old_cookie).status_code == 302  # and the cookie before the change is dead
    assert accounts.verify_password(session.get(User, adviser.id), NEW_PASSWORD) or \
        accounts.verify_password(User(password_hash=_hash(session, adviser.email)), NEW_PASSWORD)


@pytest.mark.parametrize(("current", "new", "confirm", "message"), [
    ("not my password", NEW_PASSWORD, None, "Your current password is not right"),
    ("", NEW_PASSWORD, None, "Enter your current password"),
    (PASSWORD, "", None, "Enter a new password"),
    (PASSWORD, "short", None, "at least 12 characters"),
    (PASSWORD, "password1234", None, "too common"),
    (PASSWORD, NEW_PASSWORD, "something else entirely", "The passwords do not match"),
])
def test_a_password_change_that_is_wrong_says_why_and_changes_nothing(signed_in, adviser, session, current, new,
                                                                      confirm, message):
    before = _hash(session, adviser.email)
    response = _change(signed_in, current, new, confirm)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _hash(session, adviser.email) == before
    assert signed_in.get("/inbox").status_code == 200


def test_a_stranger_cannot_reach_the_password_page(browser):
    assert browser.get("/account/password").headers["Location"].startswith("/sign-in")


def test_common_passwords_are_refused_whatever_their_case(session):
    for password in ("password1234", "Password1234", "q1w2e3r4t5y6", "QAZWSXEDCRFV"):
        with pytest.raises(accounts.InvalidInput, match="too common"):
            accounts.check_password(password)
    assert accounts.check_password(PASSWORD) == PASSWORD


def test_the_common_password_list_is_shipped_and_large(session):
    common = accounts.common_passwords()
    assert len(common) >= 10_000
    assert {"123456", "password", "qwerty"} <= common


def test_make_user_still_works_for_another_officer(session):
    assert make_user(session, "zed@trafford.gov.uk", TRAFFORD).email == "zed@trafford.gov.uk"


def test_signing_in_forgets_the_officers_sessions_that_have_run_out(app, adviser, session):
    from workflows.account_models import UserSession

    session.commit()
    with time_machine.travel(utcnow() - timedelta(hours=9), tick=False):
        Browser(app.test_client()).sign_in(adviser.email)
    Browser(app.test_client()).sign_in(adviser.email)
    session.expire_all()
    rows = session.scalars(select(UserSession).where(UserSession.user_id == adviser.id)).all()
    assert len(rows) == 1


def test_guessing_the_current_password_is_throttled_like_signing_in(signed_in, adviser, session):
    for _ in range(accounts.EMAIL_MAX_FAILURES):
        assert _change(signed_in, "a wrong guess at it", NEW_PASSWORD).status_code == 400
    refused = _change(signed_in, PASSWORD, NEW_PASSWORD)
    assert refused.status_code == 400 and "too many times" in refused.get_data(as_text=True)
    assert not accounts.verify_password(User(password_hash=_hash(session, adviser.email)), NEW_PASSWORD)
