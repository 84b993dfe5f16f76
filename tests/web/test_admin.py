"""/admin/users: administrators manage their own organisation's officers, and only those."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from workflows import accounts
from workflows.account_models import User

from .factories import DERBYSHIRE, TRAFFORD, Browser, make_user


@pytest.fixture
def admin(browser, session):
    make_user(session, "admin@trafford.gov.uk", TRAFFORD, ["la_admin"], "Alex Admin")
    make_user(session, "ann@trafford.gov.uk", TRAFFORD, ["link_adviser"], "Ann Adviser")
    make_user(session, "bob@derbyshire.gov.uk", DERBYSHIRE, ["link_adviser"], "Bob Derby")
    accounts.set_email_domains(session, TRAFFORD, ["trafford.gov.uk"])  # an administrator adds only these
    session.commit()
    browser.sign_in("admin@trafford.gov.uk")
    return browser


def user(session, email) -> User:
    session.expire_all()
    return session.scalar(select(User).where(User.email == email))


def test_the_list_shows_only_my_organisations_users(admin):
    page = admin.text("/admin/users")
    assert "Ann Adviser" in page and "Alex Admin" in page and "Bob Derby" not in page
    assert 'href="/admin/users"' in page  # the Admin item of the navigation


def test_adding_a_user(admin, session):
    response = admin.post("/admin/users/new", {"display_name": "Cat Senior", "email": "Cat@Trafford.gov.uk",
                                               "password": "a long enough password", "roles": ["senior_adviser"]})
    assert response.headers["Location"] == "/admin/users"
    created = user(session, "cat@trafford.gov.uk")
    assert created.organisation_id == TRAFFORD and created.roles == ["senior_adviser"]


def test_adding_a_user_checks_every_field(admin, session):
    response = admin.post("/admin/users/new", {"display_name": "", "email": "not-an-email", "password": "short"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("Enter the person", "Enter an email address in the correct format", "at least 12 characters",
                    "Select at least one role"):
        assert message in page, message
    refused = admin.post("/admin/users/new", {"display_name": "Ann", "email": "ann@trafford.gov.uk",
                                              "password": "a long enough password", "roles": ["link_adviser"]})
    assert "already a user" in refused.get_data(as_text=True)
    region_role = admin.post("/admin/users/new", {"display_name": "Reg", "email": "reg@trafford.gov.uk",
                                                  "password": "a long enough password",
                                                  "roles": ["regional_director"]})
    assert region_role.status_code == 400 and user(session, "reg@trafford.gov.uk") is None


def test_setting_roles_and_stopping_sign_in(admin, session):
    ann = user(session, "ann@trafford.gov.uk")
    assert "Ann Adviser" in admin.text(f"/admin/users/{ann.id}")
    response = admin.post(f"/admin/users/{ann.id}", {"roles": ["link_adviser", "senior_adviser"], "is_active": ""})
    assert response.status_code == 302
    ann = user(session, "ann@trafford.gov.uk")
    assert ann.roles == ["link_adviser", "senior_adviser"] and not ann.is_active


def test_an_administrator_cannot_lock_themselves_out(admin, session):
    me = user(session, "admin@trafford.gov.uk")
    page = admin.post(f"/admin/users/{me.id}", {"roles": ["link_adviser"], "is_active": "yes"}).get_data(as_text=True)
    assert "cannot remove your own administrator role" in page
    assert user(session, "admin@trafford.gov.uk").roles == ["la_admin"]


def test_another_organisations_user_is_not_found(admin, session):
    bob = user(session, "bob@derbyshire.gov.uk")
    assert admin.get(f"/admin/users/{bob.id}").status_code == 404
    assert admin.post(f"/admin/users/{bob.id}", {"roles": ["la_admin"]}).status_code == 404
    assert user(session, "bob@derbyshire.gov.uk").roles == ["link_adviser"]


def test_officers_who_are_not_administrators_are_refused(browser, session):
    make_user(session, "ann@trafford.gov.uk", TRAFFORD, ["link_adviser", "senior_adviser"])
    session.commit()
    browser.sign_in("ann@trafford.gov.uk")
    for url in ("/admin/users", "/admin/users/new", "/admin/users/1"):
        response = browser.get(url)
        assert response.status_code == 403 and "You cannot do this" in response.get_data(as_text=True)
    assert "/admin/users" not in browser.text("/inbox")


def test_unlocking_a_locked_out_officer(admin, session, app):
    other = Browser(app.test_client())
    for _ in range(5):
        other.post("/sign-in", {"email": "ann@trafford.gov.uk", "password": "wrong wrong wrong"})
    ann = user(session, "ann@trafford.gov.uk")
    assert ann.locked_until is not None and "Locked out" in admin.text("/admin/users")
    admin.post(f"/admin/users/{ann.id}", {"intervene_action": "unlock"})
    assert user(session, "ann@trafford.gov.uk").locked_until is None
    other.sign_in("ann@trafford.gov.uk")


def test_setting_a_new_password_for_someone_who_forgot_theirs(admin, session, app):
    ann = user(session, "ann@trafford.gov.uk")
    other = Browser(app.test_client())
    other.sign_in("ann@trafford.gov.uk")
    short = admin.post(f"/admin/users/{ann.id}", {"roles": ["link_adviser"], "is_active": "yes", "password": "short"})
    assert short.status_code == 400 and "at least 12 characters" in short.get_data(as_text=True)
    done = admin.post(f"/admin/users/{ann.id}", {"roles": ["link_adviser"], "is_active": "yes",
                                                 "password": "a brand new passphrase"})
    assert done.status_code == 302
    assert other.get("/inbox").status_code == 302  # her old session has ended
    other.sign_in("ann@trafford.gov.uk", "a brand new passphrase")
    me = user(session, "admin@trafford.gov.uk")
    admin.post(f"/admin/users/{me.id}", {"roles": ["la_admin"], "is_active": "yes", "password": "my own new passphrase"})
    assert admin.get("/admin/users").status_code == 200  # still signed in after changing my own

