"""Managing cases from the web: a second open case of a route asks first, withdrawing or closing
a case with a reason, and the case's lead officer (issue 9, point 4)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from engine import runtime
from engine.models import AuditEvent, HumanTask, ProcessInstance

from .factories import DERBYSHIRE, NORTH_WEST, Browser, make_user, start_case


def open_task(session, instance_id: int, bpmn_id: str) -> HumanTask:
    session.expire_all()
    return session.scalar(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                  HumanTask.bpmn_id == bpmn_id, HumanTask.is_open.is_(True)))


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


def audit_of(session, instance_id: int, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                                         AuditEvent.action == action)))


def test_a_manager_withdraws_a_case_with_a_reason_that_is_audited_and_shown(manager, session):
    case = start_case(session)
    session.commit()
    assert f'href="/cases/{case.id}/close"' in manager.text(f"/cases/{case.id}")
    refused = manager.post(f"/cases/{case.id}/close", {"ending": "withdrawn", "reason": "  "})
    assert refused.status_code == 400 and 'href="#reason"' in refused.get_data(as_text=True)
    too_long = manager.post(f"/cases/{case.id}/close", {"ending": "withdrawn", "reason": "x" * 1001})
    assert too_long.status_code == 400 and "1000 characters or fewer" in too_long.get_data(as_text=True)
    unchosen = manager.post(f"/cases/{case.id}/close", {"reason": "Started for the wrong school"})
    assert unchosen.status_code == 400 and 'href="#ending"' in unchosen.get_data(as_text=True)
    session.expire_all()
    assert session.get(ProcessInstance, case.id).status == "running" and not audit_of(session, case.id, "terminated")
    done = manager.post(f"/cases/{case.id}/close", {"ending": "withdrawn", "reason": "Started for the wrong school"})
    assert done.status_code == 302
    session.expire_all()
    instance = session.get(ProcessInstance, case.id)
    assert instance.status == "terminated"
    assert session.scalar(select(func.count()).select_from(HumanTask).where(
        HumanTask.instance_id == case.id, HumanTask.is_open.is_(True))) == 0
    [event] = audit_of(session, case.id, "terminated")
    assert event.actor == "cm@trafford.gov.uk" and event.detail == "Withdrawn: Started for the wrong school"
    page = manager.text(f"/cases/{case.id}")
    assert "Withdrawn: Started for the wrong school" in page and f'href="/cases/{case.id}/close"' not in page


def test_only_managers_of_the_cases_organisation_may_end_it(app, signed_in, session, route, school):
    case = start_case(session)
    make_user(session, "cm@derbyshire.gov.uk", DERBYSHIRE, ["case_manager"])
    make_user(session, "rd@education.gov.uk", NORTH_WEST, ["regional_director"])
    runtime.complete_task(session, open_task(session, case.id, "check_concern").id, "ann.adviser@trafford.gov.uk",
                          {"concern_details": "x", "visit_on": "2026-01-13", "severity": "low"})
    runtime.complete_task(session, open_task(session, case.id, "approve").id, "ann.adviser@trafford.gov.uk", {})
    session.commit()
    assert signed_in.post(f"/cases/{case.id}/close", {"ending": "closed", "reason": "x"}).status_code == 403
    assert "Withdraw or close this case" not in signed_in.text(f"/cases/{case.id}")  # a link adviser
    elsewhere = Browser(app.test_client())
    elsewhere.sign_in("cm@derbyshire.gov.uk")
    assert elsewhere.post(f"/cases/{case.id}/close", {"ending": "closed", "reason": "x"}).status_code == 404
    region = Browser(app.test_client())
    region.sign_in("rd@education.gov.uk")
    assert region.get(f"/cases/{case.id}").status_code == 200  # shared with the region, not managed by it
    assert region.post(f"/cases/{case.id}/close", {"ending": "closed", "reason": "x"}).status_code == 403
    assert region.get(f"/cases/{case.id}/lead-officer").status_code == 403
    session.expire_all()
    assert session.get(ProcessInstance, case.id).status == "running"


def test_whoever_starts_a_case_leads_it_and_a_manager_can_change_the_lead(manager, session):
    make_user(session, "ann.adviser@trafford.gov.uk", roles=["link_adviser"], name="Ann Adviser")
    make_user(session, "elsewhere@derbyshire.gov.uk", DERBYSHIRE, ["link_adviser"])
    session.commit()
    manager.post("/cases/new", {"urn": "100001", "route": "web_route"})
    case = session.scalar(select(ProcessInstance).order_by(ProcessInstance.id.desc()))
    assert re.search(r"Lead officer\s*</dt>\s*<dd[^>]*>\s*Cath Manager", manager.text(f"/cases/{case.id}"))
    refused = manager.post(f"/cases/{case.id}/lead-officer", {"officer": "elsewhere@derbyshire.gov.uk"})
    assert refused.status_code == 400 and "Select the officer who leads this case" in refused.get_data(as_text=True)
    assert manager.post(f"/cases/{case.id}/lead-officer", {"officer": "ann.adviser@trafford.gov.uk"}).status_code == 302
    assert 'app-lead-officer">Ann Adviser<' in manager.text("/cases")
    page = manager.text(f"/cases/{case.id}")
    assert "Lead officer named" in page and "Ann Adviser (ann.adviser@trafford.gov.uk), was cm@trafford.gov.uk" in page
    changes = audit_of(session, case.id, "lead_officer_set")
    assert [e.data["officer"] for e in changes] == ["cm@trafford.gov.uk", "ann.adviser@trafford.gov.uk"]
