"""What an administrator may create: addresses in the organisation's own email domains, passwords
that are not common, names and addresses that fit their database columns (on both databases)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from workflows import accounts
from workflows.account_models import User
from workflows.demo import ORGANISATIONS, ensure_users

from .factories import TRAFFORD, make_user

GOOD_PASSWORD = "a long enough password"


@pytest.fixture
def admin(browser, session):
    make_user(session, "admin@trafford.gov.uk", TRAFFORD, ["la_admin"], "Alex Admin")
    accounts.set_email_domains(session, TRAFFORD, ["trafford.gov.uk"])
    session.commit()
    browser.sign_in("admin@trafford.gov.uk")
    return browser


def _add(admin, email: str, name: str = "Cat Senior", password: str = GOOD_PASSWORD):
    return admin.post("/admin/users/new", {"display_name": name, "email": email, "password": password,
                                           "roles": ["senior_adviser"]})


def _exists(session, email: str) -> bool:
    session.expire_all()
    return session.scalar(select(User.id).where(User.email == email.lower())) is not None


@pytest.mark.parametrize("email", ["cat@gmail.com", "cat@derbyshire.gov.uk", "cat@evil-trafford.gov.uk",
                                   "cat@trafford.gov.uk.evil.example", "cat@sub.trafford.gov.uk"])
def test_an_address_outside_the_organisations_domains_is_refused(admin, session, email):
    response = _add(admin, email)
    assert response.status_code == 400
    assert "Enter an email address ending @trafford.gov.uk" in response.get_data(as_text=True)
    assert not _exists(session, email)


def test_an_address_in_the_domain_is_accepted_whatever_its_case(admin, session):
    assert _add(admin, "Cat@TRAFFORD.gov.uk").status_code == 302
    assert _exists(session, "cat@trafford.gov.uk")


def test_an_organisation_without_domains_cannot_add_users_from_the_web(browser, session):
    make_user(session, "admin@derbyshire.gov.uk", "830", ["la_admin"], "Dee Admin")
    session.commit()
    browser.sign_in("admin@derbyshire.gov.uk")
    response = _add(browser, "cat@derbyshire.gov.uk")
    assert response.status_code == 400
    assert "no email domains are set" in response.get_data(as_text=True)
    assert not _exists(session, "cat@derbyshire.gov.uk")


def test_the_page_says_which_domains_are_allowed(admin):
    assert "@trafford.gov.uk" in admin.text("/admin/users/new")


def test_the_rule_holds_below_the_web_too(session):
    accounts.set_email_domains(session, TRAFFORD, ["trafford.gov.uk"])
    with pytest.raises(accounts.InvalidInput, match="ending @trafford.gov.uk"):
        make_user(session, "cat@example.com", TRAFFORD)


def test_demo_organisations_have_their_domains(session):
    ensure_users(session)
    for organisation_id, domain, _roles in ORGANISATIONS:
        assert accounts.email_domains(session, organisation_id) == [f"{domain}.example.org"]


def test_domains_are_checked_and_normalised(session):
    assert accounts.set_email_domains(session, TRAFFORD, [" Trafford.GOV.uk ", "@trafford.gov.uk"]) == \
        ["trafford.gov.uk"]
    for bad in ("not a domain", "trafford", "a@b.uk"):
        with pytest.raises(accounts.InvalidInput):
            accounts.set_email_domains(session, TRAFFORD, [bad])


@pytest.mark.parametrize("password", ["password1234", "Qwertyuiop123", "1qaz2wsx3edc"])
def test_a_common_password_is_refused(admin, session, password):
    response = _add(admin, "cat@trafford.gov.uk", password=password)
    assert response.status_code == 400
    assert "too common" in response.get_data(as_text=True)
    assert not _exists(session, "cat@trafford.gov.uk")


# --- Lengths: the columns are email String(320) and display_name String(200) ---------------------

def _email_of_length(length: int) -> str:
    domain = "@trafford.gov.uk"
    return "c" * (length - len(domain)) + domain


def test_an_email_at_the_column_limit_is_accepted(admin, session):
    email = _email_of_length(320)
    assert _add(admin, email).status_code == 302
    assert _exists(session, email)


def test_an_email_one_over_the_limit_is_refused_with_a_clear_message(admin, session):
    email = _email_of_length(321)
    response = _add(admin, email)
    assert response.status_code == 400
    assert "The email address must be 320 characters or fewer" in response.get_data(as_text=True)
    assert not _exists(session, email)


def test_a_name_at_the_column_limit_is_accepted(admin, session):
    assert _add(admin, "cat@trafford.gov.uk", name="N" * 200).status_code == 302
    assert _exists(session, "cat@trafford.gov.uk")


def test_a_name_one_over_the_limit_is_refused_with_a_clear_message(admin, session):
    response = _add(admin, "cat@trafford.gov.uk", name="N" * 201)
    assert response.status_code == 400
    assert "The name must be 200 characters or fewer" in response.get_data(as_text=True)
    assert not _exists(session, "cat@trafford.gov.uk")


def test_lengths_are_checked_below_the_web_too(session):
    with pytest.raises(accounts.InvalidInput, match="200 characters or fewer"):
        make_user(session, "cat@trafford.gov.uk", TRAFFORD, name="N" * 201)
    with pytest.raises(accounts.InvalidInput, match="320 characters or fewer"):
        make_user(session, _email_of_length(321), TRAFFORD)
