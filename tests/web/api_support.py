"""Fixtures and helpers for the JSON API tests: officers of two authorities and a region, each with
a personal API token, and a client that sends one."""
from __future__ import annotations

import pytest

from workflows.api_tokens import create_token

from .factories import DERBYSHIRE, NORTH_WEST, TRAFFORD, make_school, make_user, start_case

PROBLEM = "application/problem+json"


class ApiClient:
    """A Flask test client that sends a bearer token (and no cookie unless asked)."""

    def __init__(self, client, token: str | None):
        self.client, self.token = client, token

    def _headers(self, headers: dict | None) -> dict:
        sent = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**sent, **(headers or {})}

    def get(self, url: str, headers: dict | None = None, **kwargs):
        return self.client.get(url, headers=self._headers(headers), **kwargs)

    def post(self, url: str, json=None, headers: dict | None = None, **kwargs):
        return self.client.post(url, json=json, headers=self._headers(headers), **kwargs)

    def json(self, url: str, status: int = 200):
        response = self.get(url)
        assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True))
        return response.get_json()


def token_for(session, user, name: str = "Reports") -> str:
    return create_token(session, user, name)[1]


@pytest.fixture
def world(session, route, school):
    """Trafford's and Derbyshire's case managers with a case each, and the North West's regional
    director (Trafford's school is in the North West; nothing is shared with the region yet)."""
    make_school(session, "200001", "Dale View Academy", la_code=DERBYSHIRE, la_name="Derbyshire",
                region="dfe-east-midlands")
    users = {TRAFFORD: make_user(session, "cm@trafford.gov.uk", TRAFFORD, ["case_manager", "link_adviser"]),
             DERBYSHIRE: make_user(session, "cm@derbyshire.gov.uk", DERBYSHIRE, ["case_manager", "link_adviser"]),
             NORTH_WEST: make_user(session, "rd@education.gov.uk", NORTH_WEST, ["regional_director"])}
    cases = {TRAFFORD: start_case(session, "100001"), DERBYSHIRE: start_case(session, "200001")}
    tokens = {org: token_for(session, user) for org, user in users.items()}
    session.commit()
    return {"users": users, "cases": cases, "tokens": tokens}


@pytest.fixture
def api(app, world):
    """{organisation: ApiClient with that organisation's officer's token}."""
    return {org: ApiClient(app.test_client(), token) for org, token in world["tokens"].items()}
