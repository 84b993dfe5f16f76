"""The dashboard on real commits: keeping the figures a page counted must not wait on the request's
own transaction (on SQLite a POST's session holds the write lock from its first statement)."""
from __future__ import annotations

from sqlalchemy import select

from engine.db import transaction
from workflows.dashboard_models import DashboardSnapshot

from .factories import TRAFFORD, Browser, make_user


def test_counting_again_keeps_the_figures_and_answers_at_once(real_app, committed):
    with transaction(committed) as session:
        make_user(session, "cm@trafford.gov.uk", TRAFFORD, ["case_manager"])
    browser = Browser(real_app.test_client())
    browser.sign_in("cm@trafford.gov.uk")
    assert "counted just now" in browser.text("/dashboard")  # a GET keeps them in a transaction of its own
    response = browser.post("/dashboard/count")
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    with transaction(committed, read_only=True) as session:
        assert session.scalar(select(DashboardSnapshot.organisation_id)) == TRAFFORD
