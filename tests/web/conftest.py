"""Web test fixtures: the app on the rolled-back test connection, signed-in browsers, a test route."""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import sessionmaker

from engine.db import transaction
from web.app import create_app
from workflows import accounts, registry

from .api_support import api, world  # noqa: F401 - the JSON API tests' fixtures
from .factories import ROUTE, TRAFFORD, Browser, deploy_route, make_school, make_user, start_case

#: The officer of `real_app`.
EMAIL = "ann.adviser@trafford.gov.uk"


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch):
    """argon2id still, with the cheapest parameters: hashing is not what these tests test."""
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


class _PerTestSessions:
    """The app's session factory: each test points it at its own rolled-back connection, so one app
    (and its compiled templates) serves every test."""

    factory = None

    def __call__(self):
        assert self.factory is not None, "use the `app` fixture"
        return self.factory()


@pytest.fixture(scope="session")
def shared_app():
    sessions = _PerTestSessions()
    app = create_app({"SESSION_FACTORY": sessions, "SECRET_KEY": "test-secret", "TESTING": True})
    return app, sessions


@pytest.fixture
def app(session, shared_app):
    app, sessions = shared_app
    sessions.factory = sessionmaker(bind=session.connection(), join_transaction_mode="create_savepoint",
                                    expire_on_commit=False)
    yield app
    sessions.factory = None


@pytest.fixture
def fresh_app(session):
    factory = sessionmaker(bind=session.connection(), join_transaction_mode="create_savepoint",
                           expire_on_commit=False)
    return create_app({"SESSION_FACTORY": factory, "SECRET_KEY": "test-secret", "TESTING": True})


@pytest.fixture
def browser(app) -> Browser:
    return Browser(app.test_client())


@pytest.fixture
def other_browser(app) -> Browser:
    return Browser(app.test_client())


@pytest.fixture
def route(session, monkeypatch):
    monkeypatch.setitem(registry._PROCESSES, ROUTE.key, ROUTE)
    deploy_route(session)
    return ROUTE


@pytest.fixture
def school(session):
    return make_school(session)


@pytest.fixture
def adviser(session):
    return make_user(session, "ann.adviser@trafford.gov.uk", TRAFFORD, ["link_adviser"], "Ann Adviser")


@pytest.fixture
def signed_in(browser, adviser, session) -> Browser:
    session.commit()
    browser.sign_in(adviser.email)
    return browser


@pytest.fixture
def real_app(committed, monkeypatch):
    """The app on real commits (for tests with threads), with the test route, a school, an officer
    and a case; the case's id is in app.config["case_id"]."""
    monkeypatch.setitem(registry._PROCESSES, ROUTE.key, ROUTE)
    with transaction(committed) as session:
        deploy_route(session)
        make_school(session)
        make_user(session, EMAIL)
        case_id = start_case(session).id
    app = create_app({"SESSION_FACTORY": committed, "SECRET_KEY": "test-secret", "TESTING": True})
    app.config["case_id"] = case_id
    return app
