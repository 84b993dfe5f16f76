"""Managing cases from the web: a second open case of a route asks first, withdrawing or closing
a case with a reason, and the case's lead officer (issue 9, point 4)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.models import ProcessInstance

from .factories import Browser, make_user, start_case


def cases_of(session, urn: str = "100001") -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(ProcessInstance)
                          .where(ProcessInstance.business_key == urn))


@pytest.fixture
def manager(browser, session, route, school) -> Browser:
    make_user(session, "cm@trafford.gov.uk", roles=["case_manager"], name="Cath Manager")
    session.commit()
    browser.sign_in("cm@trafford.gov.uk")
    return browser


def test_a_second_open_case_of_the_route_for_the_school_asks_first_and_links_the_open_one(manager, session):
    first = start_case(session)
    session.commit()
    page = manager.text("/cases/new?urn=100001&route=web_route")
    assert "already has an open Web test route case" in page and f'href="/cases/{first.id}"' in page
    refused = manager.post("/cases/new", {"urn": "100001", "route": "web_route"})
    assert refused.status_code == 400 and cases_of(session) == 1
    body = refused.get_data(as_text=True)
    assert 'href="#confirm_duplicate"' in body and "Confirm that you want to start a second" in body
    confirmed = manager.post("/cases/new", {"urn": "100001", "route": "web_route", "confirm_duplicate": "yes"})
    assert confirmed.status_code == 302 and cases_of(session) == 2


def test_a_closed_case_does_not_ask(manager, session):
    first = start_case(session)
    first.status = "completed"
    session.commit()
    assert "already has an open" not in manager.text("/cases/new?urn=100001&route=web_route")
    assert manager.post("/cases/new", {"urn": "100001", "route": "web_route"}).status_code == 302
