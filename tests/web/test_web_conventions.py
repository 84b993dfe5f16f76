"""Every route is kebab-case and declares who may call it; nothing is open by accident."""
from __future__ import annotations

import re

from web.access import ACCESS_ATTR, TOKEN

SEGMENT = re.compile(r"^(<[^>]+>|[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+)?)$")
PUBLIC = {"static", "pages.home", "pages.accessibility", "pages.cookies", "auth.sign_in", "auth.signed_out",
          "api.health", "api.docs", "api-docs.openapi_json"}


def test_every_url_is_kebab_case(app):
    for rule in app.url_map.iter_rules():
        segments = [s for s in rule.rule.split("/") if s]
        for segment in segments:
            assert SEGMENT.match(segment), f"{rule.rule}: '{segment}' is not kebab-case"


def test_every_route_declares_who_may_call_it(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        access = getattr(view, ACCESS_ATTR, None)
        assert access is not None, f"{rule.endpoint} ({rule.rule}) has neither @public nor @requires"
        if access == "public":
            assert rule.endpoint in PUBLIC, f"{rule.endpoint} is public: add it to PUBLIC if that is meant"


def example_url(rule) -> str:
    return re.sub(r"<(int:)?[^>]+>", lambda m: "1" if m.group(1) else "x", rule.rule)


def is_token_only(app, rule) -> bool:
    """A JSON API route: a bearer token, not the cookie, opens it (tests/web/test_api_tokens.py)."""
    return getattr(app.view_functions[rule.endpoint], ACCESS_ATTR, None) == TOKEN


def guarded_calls(app):
    """(rule, method) for every method of every page that is not public."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in PUBLIC and not is_token_only(app, rule):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def test_every_guarded_route_sends_a_stranger_to_sign_in_whatever_the_method(app, monkeypatch):
    # With CSRF on, a stranger's POST is refused (400) before the access guard runs, which would
    # hide a guard that let POSTs through; with it off, every method meets the guard itself.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    client = app.test_client()
    methods = set()
    for rule, method in guarded_calls(app):
        response = client.open(example_url(rule), method=method)
        assert response.status_code == 302, (method, rule.rule, response.status_code)
        assert response.headers["Location"].startswith("/sign-in"), (method, rule.rule)
        methods.add(method)
    assert methods == {"GET", "POST"}


def test_every_role_restricted_route_refuses_an_officer_without_the_role(app, signed_in, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    restricted = [(rule, method) for rule, method in guarded_calls(app)
                  if getattr(app.view_functions[rule.endpoint], ACCESS_ATTR)]
    assert {method for _, method in restricted} == {"GET", "POST"}
    for rule, method in restricted:
        response = signed_in.client.open(example_url(rule), method=method)
        assert response.status_code == 403, (method, rule.rule, response.status_code)


def test_a_route_without_a_declaration_is_refused(fresh_app):
    fresh_app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    response = fresh_app.test_client().get("/forgotten")
    assert response.status_code == 403
    assert "secret" not in response.get_data(as_text=True)
