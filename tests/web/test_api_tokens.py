"""Personal API tokens (issue 11 point 6): created and revoked by the officer at /account/tokens,
shown once, stored only as a hash; the API takes a bearer token and never the session cookie."""
from __future__ import annotations

import hashlib
import re

from sqlalchemy import select, text

from engine.db import utcnow
from workflows.api_token_models import ApiToken
from workflows.api_tokens import create_token

from .api_support import PROBLEM, ApiClient
from .factories import DERBYSHIRE, make_user
from .test_web_conventions import example_url

TOKEN_IN_PAGE = re.compile(r'<code class="app-token" id="new-token">(intervene_[A-Za-z0-9_-]+)</code>')


def create_in_the_web(browser, name="Monthly report") -> str:
    response = browser.post("/account/tokens", {"name": name})
    assert response.status_code == 200
    found = TOKEN_IN_PAGE.search(response.get_data(as_text=True))
    assert found, "the new token is shown in its panel"
    return found.group(1)


def test_a_token_is_shown_once_and_stored_only_as_its_hash(app, signed_in, session, adviser):
    secret = create_in_the_web(signed_in)
    row = session.scalars(select(ApiToken).where(ApiToken.user_id == adviser.id)).one()
    assert row.name == "Monthly report" and row.revoked_at is None and row.last_used_at is None
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = session.execute(text("select * from api_tokens")).one()
    assert all(secret not in str(value) for value in stored), "the secret itself is stored nowhere"
    assert len(secret) > 40 and secret.startswith("intervene_")

    listed = signed_in.text("/account/tokens")
    assert "Monthly report" in listed and secret not in listed and "Active" in listed


def test_the_token_opens_the_api_as_its_officer_and_records_its_use(app, signed_in, session, adviser):
    secret = create_in_the_web(signed_in)
    client = ApiClient(app.test_client(), secret)
    assert client.get("/api/v1/cases").status_code == 200
    session.expire_all()
    row = session.scalars(select(ApiToken)).one()
    assert row.last_used_at is not None and (utcnow() - row.last_used_at).total_seconds() < 60
    assert "Never" not in signed_in.text("/account/tokens")


def test_a_revoked_token_is_refused(app, signed_in, session):
    secret = create_in_the_web(signed_in)
    client = ApiClient(app.test_client(), secret)
    assert client.get("/api/v1/tasks").status_code == 200
    token_id = session.scalars(select(ApiToken.id)).one()
    response = signed_in.post(f"/account/tokens/{token_id}/revoke")
    assert response.status_code == 302
    assert "Revoked" in signed_in.text("/account/tokens")
    refused = client.get("/api/v1/tasks")
    assert refused.status_code == 401 and refused.mimetype == PROBLEM


def test_an_officer_cannot_revoke_someone_elses_token(app, signed_in, session):
    other = make_user(session, "cm@derbyshire.gov.uk", DERBYSHIRE, ["case_manager"])
    row, secret = create_token(session, other, "Theirs")
    session.commit()
    assert signed_in.post(f"/account/tokens/{row.id}/revoke").status_code == 404
    session.expire_all()
    assert session.get(ApiToken, row.id).revoked_at is None
    assert ApiClient(app.test_client(), secret).get("/api/v1/cases").status_code == 200


def test_a_token_needs_a_name(signed_in, session):
    response = signed_in.post("/account/tokens", {"name": "   "})
    assert response.status_code == 400
    assert "Enter a name for the token" in response.get_data(as_text=True)
    assert session.scalars(select(ApiToken)).all() == []


def test_the_token_of_an_officer_who_can_no_longer_sign_in_is_refused(app, session, adviser):
    secret = create_token(session, adviser, "Reports")[1]
    adviser.is_active = False
    session.commit()
    assert ApiClient(app.test_client(), secret).get("/api/v1/cases").status_code == 401


def test_a_signed_in_browser_without_a_token_gets_401_not_its_session(app, signed_in):
    """The API is CSRF-exempt, so it must never act on the cookie a browser sends by itself."""
    for url in ("/api/v1/cases", "/api/v1/tasks"):
        response = signed_in.get(url)
        assert response.status_code == 401, url
        assert response.mimetype == PROBLEM and response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["status"] == 401
    assert signed_in.client.post("/api/v1/cases", json={"route": "web_route", "urn": "100001"}).status_code == 401


def test_a_wrong_or_malformed_token_is_refused(app, session, adviser):
    create_token(session, adviser, "Reports")
    session.commit()
    client = app.test_client()
    for header in ("Bearer intervene_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "intervene_x",
                   "Bearer " + "x" * 5000):
        response = client.get("/api/v1/cases", headers={"Authorization": header})
        assert response.status_code == 401 and response.mimetype == PROBLEM, header


def test_every_api_route_refuses_a_request_without_a_token_whatever_the_method(app):
    from web.access import ACCESS_ATTR, TOKEN

    client, seen = app.test_client(), set()
    for rule in app.url_map.iter_rules():
        if getattr(app.view_functions[rule.endpoint], ACCESS_ATTR, None) != TOKEN:
            continue
        assert rule.rule.startswith("/api/v1/"), rule.rule
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(example_url(rule), method=method)
            assert response.status_code == 401 and response.mimetype == PROBLEM, (method, rule.rule)
            seen.add(method)
    assert seen == {"GET", "POST"}
