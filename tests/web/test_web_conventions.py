"""Every route is kebab-case and declares who may call it; nothing is open by accident."""
from __future__ import annotations

import re

from web.access import ACCESS_ATTR

SEGMENT = re.compile(r"^(<[^>]+>|[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+)?)$")
PUBLIC = {"static", "pages.home", "pages.accessibility", "pages.cookies", "auth.sign_in", "auth.signed_out",
          "api.health"}


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


def test_every_guarded_page_sends_a_stranger_to_sign_in(app):
    client = app.test_client()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        url = re.sub(r"<(int:)?[^>]+>", lambda m: "1" if m.group(1) else "x", rule.rule)
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        # A POST without a session fails CSRF first (400); either way nothing is done or shown.
        assert response.status_code in (302, 400), (rule.rule, response.status_code)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/sign-in"), rule.rule


def test_a_route_without_a_declaration_is_refused(fresh_app):
    fresh_app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    response = fresh_app.test_client().get("/forgotten")
    assert response.status_code == 403
    assert "secret" not in response.get_data(as_text=True)
