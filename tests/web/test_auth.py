"""Sign-in, sign-out, throttling, CSRF and the session cookie."""
from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from engine.db import utcnow
from engine.models import HumanTask
from workflows import accounts

from .factories import DERBYSHIRE, PASSWORD, TRAFFORD, Browser, make_school, make_user, start_case


def test_signing_in_lands_in_the_inbox_and_signing_out_ends_the_session(browser, adviser, session):
    session.commit()
    response = browser.sign_in("  Ann.Adviser@Trafford.gov.uk ")
    assert response.headers["Location"] == "/inbox"
    assert "Signed in as Ann Adviser, Trafford" in browser.text("/inbox")
    assert browser.post("/sign-out").headers["Location"] == "/signed-out"
    assert browser.get("/inbox").headers["Location"].startswith("/sign-in")


def test_sign_out_is_post_only(signed_in):
    assert signed_in.get("/sign-out").status_code == 404
    assert signed_in.get("/inbox").status_code == 200


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(browser, adviser, session):
    session.commit()
    wrong = browser.post("/sign-in", {"email": adviser.email, "password": "not the password"})
    unknown = browser.post("/sign-in", {"email": "nobody@trafford.gov.uk", "password": "not the password"})
    for response in (wrong, unknown):
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "There is a problem" in page and accounts.WRONG_DETAILS in page
        assert 'href="#email"' in page
        assert "<title>Error: Sign in" in page


def test_empty_fields_are_named(browser):
    page = browser.post("/sign-in", {"email": "", "password": ""}).get_data(as_text=True)
    assert "Enter your email address" in page and "Enter your password" in page


def test_five_failures_lock_the_email_for_15_minutes_even_with_the_right_password(browser, adviser, session):
    session.commit()
    for _ in range(accounts.EMAIL_MAX_FAILURES):
        browser.post("/sign-in", {"email": adviser.email, "password": "wrong wrong wrong"})
    locked = browser.post("/sign-in", {"email": adviser.email, "password": PASSWORD})
    assert locked.status_code == 400 and "too many times" in locked.get_data(as_text=True)
    session.expire_all()
    assert adviser.failed_logins == 5 and adviser.locked_until is not None
    with time_machine.travel(utcnow() + timedelta(minutes=16)):
        assert browser.post("/sign-in", {"email": adviser.email, "password": PASSWORD}).status_code == 302
    session.expire_all()
    assert adviser.failed_logins == 0 and adviser.locked_until is None


def test_an_unknown_email_is_locked_out_just_like_a_known_one(browser):
    for _ in range(accounts.EMAIL_MAX_FAILURES):
        browser.post("/sign-in", {"email": "ghost@trafford.gov.uk", "password": "wrong wrong wrong"})
    page = browser.post("/sign-in", {"email": "ghost@trafford.gov.uk", "password": "x"}).get_data(as_text=True)
    assert "too many times" in page


def test_one_address_trying_many_emails_is_locked_out(browser, adviser, session):
    session.commit()
    for n in range(accounts.IP_MAX_FAILURES):
        browser.post("/sign-in", {"email": f"guess{n}@trafford.gov.uk", "password": "wrong wrong wrong"})
    page = browser.post("/sign-in", {"email": adviser.email, "password": PASSWORD}).get_data(as_text=True)
    assert "too many times" in page
    other_address = browser.client.post("/sign-in", data={"email": adviser.email, "password": PASSWORD,
                                                          "csrf_token": browser.token()},
                                        environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other_address.status_code == 302


def test_an_inactive_user_cannot_sign_in(browser, adviser, session):
    adviser.is_active = False
    session.commit()
    assert browser.post("/sign-in", {"email": adviser.email, "password": PASSWORD}).status_code == 400


def test_changing_the_password_ends_open_sessions(signed_in, adviser, session):
    assert signed_in.get("/inbox").status_code == 200
    accounts.set_password(session, adviser, "a brand new passphrase")
    session.commit()
    assert signed_in.get("/inbox").headers["Location"].startswith("/sign-in")


def test_deactivating_an_officer_ends_their_open_sessions(signed_in, adviser, session):
    assert signed_in.get("/inbox").status_code == 200
    adviser.is_active = False
    session.commit()
    assert signed_in.get("/inbox").headers["Location"].startswith("/sign-in")


def test_after_sign_in_the_officer_goes_back_where_they_were_going(browser, adviser, session):
    session.commit()
    first = browser.get("/cases?status=all")
    assert first.headers["Location"] == "/sign-in?next=/cases?status%3Dall"
    response = browser.post("/sign-in", {"email": adviser.email, "password": PASSWORD, "next": "/cases?status=all"})
    assert response.headers["Location"] == "/cases?status=all"


def test_next_never_leads_off_the_site(browser, adviser, session):
    session.commit()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        browser.client.get("/sign-out")
        response = browser.post("/sign-in", {"email": adviser.email, "password": PASSWORD, "next": target})
        assert response.headers["Location"] == "/inbox", target
        browser.post("/sign-out")


def test_a_form_without_its_csrf_token_is_refused(app, adviser, session):
    session.commit()
    client = app.test_client()
    response = client.post("/sign-in", data={"email": adviser.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Your form could not be sent" in response.get_data(as_text=True)
    Browser(client).sign_in(adviser.email)
    assert client.post("/sign-out").status_code == 400
    assert client.get("/inbox").status_code == 200


def test_the_session_cookie_is_httponly_lax_and_secure_off_this_machine(app, adviser, session):
    session.commit()
    local = Browser(app.test_client())
    cookie = local.sign_in(adviser.email).headers.getlist("Set-Cookie")[-1]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    for base_url in ("https://intervene.trafford.gov.uk", "http://intervene.example"):
        cookies = app.test_client().get("/sign-in", base_url=base_url).headers.getlist("Set-Cookie")
        assert cookies and all("Secure" in c and "HttpOnly" in c for c in cookies), base_url


def test_signed_in_officers_are_sent_from_the_sign_in_page_to_the_inbox(signed_in):
    assert signed_in.get("/sign-in").headers["Location"] == "/inbox"
    assert signed_in.get("/").headers["Location"] == "/inbox"


def test_a_stranger_is_sent_from_the_start_page_to_sign_in(browser):
    assert browser.get("/").headers["Location"] == "/sign-in"


def test_users_of_two_authorities_may_share_nothing_but_the_service(app, session, route):
    make_school(session, "200002", "Peak View School", la_code=DERBYSHIRE, la_name="Derbyshire",
                region="dfe-east-midlands")
    make_school(session)
    officers = {"bob@derbyshire.gov.uk": (DERBYSHIRE, "Peak View School", start_case(session, "200002")),
                "cat@trafford.gov.uk": (TRAFFORD, "Ash Grove Primary School", start_case(session, "100001"))}
    for email, (organisation, _, _) in officers.items():
        make_user(session, email, organisation, ["link_adviser"])
    session.commit()
    for email, (_, school, case) in officers.items():
        officer = Browser(app.test_client())
        officer.sign_in(email)
        (_, other_school, other_case), = [v for k, v in officers.items() if k != email]
        inbox, cases = officer.text("/inbox?tab=roles"), officer.text("/cases")
        assert school in inbox and school in cases and school in officer.text(f"/cases/{case.id}")
        assert other_school not in inbox and other_school not in cases
        other_task = session.scalar(select(HumanTask.id).where(HumanTask.instance_id == other_case.id))
        for url in (f"/cases/{other_case.id}", f"/tasks/{other_task}"):
            assert officer.get(url).status_code == 404, (email, url)
        assert officer.post(f"/tasks/{other_task}/claim").status_code == 404
        assert session.scalar(select(HumanTask.assignee).where(HumanTask.id == other_task)) is None
