"""An officer creates an API token in the browser, sees it once in its panel (whole on a phone,
axe-clean), uses it from another program, and revokes it."""
from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.web.factories import TRAFFORD, deploy_route, make_school, make_user, start_case

from .test_journey import check, sign_in
from .test_small_screens import NARROW, OVERFLOW

pytestmark = pytest.mark.browser


def api_status(server: str, token: str) -> int:
    request = urllib.request.Request(f"{server}/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_a_token_is_created_shown_once_used_and_revoked(new_page, committed, server):
    with committed() as session:
        deploy_route(session)
        make_school(session)
        make_user(session, "ann.adviser@trafford.gov.uk", TRAFFORD, ["link_adviser"], "Ann Adviser")
        start_case(session)
        session.commit()
    page = new_page()
    page.set_viewport_size({"width": NARROW, "height": 844})
    page.goto("/sign-in")
    sign_in(page, "ann.adviser@trafford.gov.uk")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name the new token").fill("Monthly report for the director of education standards")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("heading", name="Your new API token")).to_be_visible()
    token = page.locator("#new-token").inner_text().strip()
    assert token.startswith("intervene_")
    assert page.evaluate(OVERFLOW, NARROW) == []
    check(page, "390-api-token-created")
    assert api_status(server, token) == 200

    page.goto("/account/tokens")
    assert token not in page.content()
    page.get_by_role("button", name="Revoke Monthly report").click()
    expect(page.get_by_text("has been revoked")).to_be_visible()
    assert page.evaluate(OVERFLOW, NARROW) == []
    check(page, "390-api-token-revoked")
    assert api_status(server, token) == 401
    assert page.console_errors == []
