"""Input that cannot break a case: every id in every URL, `next=` and the HSTS header.

A hostile or mistyped id answers 404 like any missing page, on SQLite and on PostgreSQL (whose
`integer` columns refuse a parameter beyond 2^31-1 instead of finding nothing).
"""
from __future__ import annotations

import re

import pytest

from workflows.api_tokens import create_token

from .factories import PASSWORD, TRAFFORD, Browser, make_user

#: Each class of bad id: past PostgreSQL's integer, SQLite's and PostgreSQL's bigint, negative,
#: not a number, a number written oddly, and very long.
HOSTILE_IDS = {
    "2^31": str(2**31),
    "2^63-1": str(2**63 - 1),
    "2^63": str(2**63),
    "2^64": str(2**64),
    "40 digits": "9" * 40,
    "5000 digits": "9" * 5000,
    "negative": "-1",
    "non-numeric": "abc",
    "decimal": "1.5",
    "exponent": "1e3",
    "huge string": "x" * 3000,
    "spaces": "1%20OR%201=1",
    "percent-encoded NUL": "1%00",
}
_PARAM = re.compile(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([a-z_]+)>")


def _id_routes(app) -> list[tuple[str, str, str]]:
    """(rule, method, endpoint) for every route with a parameter in its path."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or not rule.arguments:
            continue
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            found.append((rule.rule, method, rule.endpoint))
    return found


@pytest.fixture
def manager(browser, session) -> Browser:
    """An officer holding every LA role, so that no route stops at the role check before the id."""
    officer = make_user(session, "mo@trafford.gov.uk", TRAFFORD, ["la_admin", "case_manager", "senior_adviser",
                                                                  "link_adviser"], "Mo Manager")
    browser.api_headers = {"Authorization": "Bearer " + create_token(session, officer, "hostile ids")[1]}
    session.commit()
    browser.sign_in("mo@trafford.gov.uk")
    return browser


def test_the_walk_finds_every_kind_of_id_route(app):
    endpoints = {endpoint for _, _, endpoint in _id_routes(app)}
    assert {"cases.case_page", "cases.letter", "tasks.task_page", "admin.edit_user"} <= endpoints


@pytest.mark.parametrize("label", sorted(HOSTILE_IDS))
def test_every_id_in_every_url_answers_404_never_500(app, manager, label):
    value = HOSTILE_IDS[label]
    failures = []
    for rule, method, _endpoint in _id_routes(app):
        url = _PARAM.sub(value, rule)
        try:
            if method == "GET":
                response = manager.get(url, headers=manager.api_headers)  # the JSON API takes the token
            else:
                response = manager.post(url, {"reason": "test", "assignee": "x@trafford.gov.uk"},
                                        headers=manager.api_headers)
        except Exception as error:  # the app under TESTING re-raises what would be a 500
            failures.append(f"{method} {rule}: {type(error).__name__}: {str(error)[:120]}")
            continue
        if response.status_code != 404:
            failures.append(f"{method} {rule}: {response.status_code}")
    assert not failures, f"{label}:\n" + "\n".join(failures)


def test_a_page_number_of_any_size_is_a_page(manager):
    for value in (str(2**63), "9" * 5000, "-5", "abc"):
        assert manager.get(f"/cases?page={value}").status_code == 200, value
        assert manager.get(f"/inbox?page={value}").status_code == 200, value


# --- next= ---------------------------------------------------------------------------------------

@pytest.fixture
def ann(session):
    account = make_user(session, "ann.adviser@trafford.gov.uk", TRAFFORD, ["link_adviser"], "Ann Adviser")
    session.commit()
    return account


def _lands_after_sign_in(app, target: str) -> str:
    client = Browser(app.test_client())
    response = client.post("/sign-in", {"email": "ann.adviser@trafford.gov.uk", "password": PASSWORD,
                                        "next": target})
    assert response.status_code == 302, (target, response.status_code)
    return response.headers["Location"]


@pytest.mark.parametrize("target", [
    "/inbox\r\nSet-Cookie: evil=1",
    "/inbox\nLocation: https://evil.example/",
    "/\n/evil.example/",
    "/\t/evil.example/",
    "/%0d%0aSet-Cookie:evil=1",
])
def test_next_with_a_line_break_or_control_character_is_ignored(app, ann, target):
    assert _lands_after_sign_in(app, target) == "/inbox"


@pytest.mark.parametrize("target", ["/\\evil.example", "\\\\evil.example", "/\\/evil.example", "/%5Cevil.example",
                                    "/%5c%5cevil.example"])
def test_next_with_a_backslash_trick_is_ignored(app, ann, target):
    assert _lands_after_sign_in(app, target) == "/inbox"


@pytest.mark.parametrize("target", ["javascript:alert(1)", "data:text/html,hi", "https:/evil.example",
                                    "http://localhost/inbox", " /inbox"])
def test_next_with_a_scheme_is_ignored(app, ann, target):
    assert _lands_after_sign_in(app, target) == "/inbox"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "///evil.example/",
                                    "/%2F%2Fevil.example", "/%2fevil.example"])
def test_next_to_another_host_is_ignored(app, ann, target):
    assert _lands_after_sign_in(app, target) == "/inbox"


def test_a_plain_local_next_is_still_followed(app, ann):
    assert _lands_after_sign_in(app, "/cases?status=all") == "/cases?status=all"


# --- HSTS -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("base_url", ["https://intervene.trafford.gov.uk", "http://intervene.example:8080"])
def test_hsts_is_sent_to_a_real_host(app, base_url):
    header = app.test_client().get("/sign-in", base_url=base_url).headers.get("Strict-Transport-Security", "")
    assert re.fullmatch(r"max-age=\d+; includeSubDomains", header), header
    assert int(header.split("=")[1].split(";")[0]) >= 31536000


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:5000", "http://localhost:5000", "http://localhost",
                                      "http://[::1]:5000"])
def test_hsts_is_not_sent_to_this_machine(app, base_url):
    response = app.test_client().get("/sign-in", base_url=base_url)
    assert "Strict-Transport-Security" not in response.headers


# --- NUL and other control characters in query strings and forms ---------------------------------

@pytest.mark.parametrize("url", ["/cases/new?urn=%00", "/cases/new?q=a%00b", "/cases?school=%00",
                                 "/inbox?school=%00&route=%00", "/cases?route=x%00", "/sign-in?next=/%00"])
def test_a_nul_in_a_query_string_is_a_bad_request_not_a_500(manager, url):
    assert manager.get(url).status_code in (200, 400), url


def test_a_nul_in_a_form_is_a_bad_request_not_a_500(manager, session):
    response = manager.post("/cases/new", {"urn": "100001\x00", "route": "web_route"})
    assert response.status_code in (400, 404)
    response = manager.post("/sign-in", {"email": "mo@trafford.gov.uk\x00", "password": "x"})
    assert response.status_code == 400
