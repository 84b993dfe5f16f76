"""A manager of the case's organisation corrects a case in error from the web and runs it again."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import definitions, runtime
from engine.models import AuditEvent, HumanTask, ProcessInstance

from .factories import DERBYSHIRE, FIXTURES, TRAFFORD, Browser, make_user


@pytest.fixture
def errored(session) -> ProcessInstance:
    definitions.deploy(session, (FIXTURES / "error_route.bpmn").read_text(encoding="utf-8"), "owner")
    case = runtime.start_instance(session, "error_route", "ann@trafford.gov.uk", business_key="100001",
                                  owner=TRAFFORD)
    task = session.scalar(select(HumanTask).where(HumanTask.instance_id == case.id, HumanTask.is_open.is_(True)))
    runtime.complete_task(session, task.id, "ann@trafford.gov.uk", {"compliance_days": -5, "notes": "x"})
    assert case.status == "error"
    session.commit()
    return case


@pytest.fixture
def manager(browser, session) -> Browser:
    make_user(session, "cm@trafford.gov.uk", TRAFFORD, ["case_manager"], "Cass Manager")
    session.commit()
    browser.sign_in("cm@trafford.gov.uk")
    return browser


def _fix(browser: Browser, case, value="15", reason="The notice says 15 working days; -5 was a typing slip"):
    return browser.post(f"/cases/{case.id}/error/data/compliance_days", {"value": value, "reason": reason})


def _case(session, case_id) -> ProcessInstance:
    session.expire_all()
    return session.get(ProcessInstance, case_id)


def test_the_error_page_shows_the_error_and_the_failing_step(manager, errored):
    page = manager.text(f"/cases/{errored.id}/error")
    assert "ZeroDivisionError" in page or "division" in page
    assert "Work out the compliance period" in page
    assert "compliance_days" in page and "-5" in page
    assert f'href="/cases/{errored.id}/error/data/compliance_days"' in page


def test_the_case_page_links_a_manager_to_the_correction(manager, errored):
    assert f'href="/cases/{errored.id}/error"' in manager.text(f"/cases/{errored.id}")


def test_a_manager_corrects_the_value_with_a_reason_and_retries(manager, errored, session):
    assert "Compliance period in working days" in manager.text(f"/cases/{errored.id}/error/data/compliance_days")
    response = _fix(manager, errored)
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{errored.id}/error"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "data_corrected"))
    assert event.actor == "cm@trafford.gov.uk"
    assert event.data["changes"] == [{"field": "compliance_days", "old": -5, "new": 15}]
    assert event.data["reason"].startswith("The notice says 15")
    retried = manager.post(f"/cases/{errored.id}/retry")
    assert retried.status_code == 302 and retried.headers["Location"] == f"/cases/{errored.id}"
    case = _case(session, errored.id)
    assert case.status == "running" and case.data["period_ends_after"] == 15
    page = manager.text(f"/cases/{errored.id}")
    assert "The case has run on from the step that failed" in page


def test_a_retry_that_fails_again_says_so(manager, errored, session):
    response = manager.post(f"/cases/{errored.id}/retry")
    assert response.headers["Location"] == f"/cases/{errored.id}/error"
    assert "failed again" in manager.text(f"/cases/{errored.id}/error")
    assert _case(session, errored.id).status == "error"


@pytest.mark.parametrize(("value", "reason", "message"), [
    ("fifteen", "a reason", "Enter a whole number"),
    ("1.5", "a reason", "Enter a whole number"),
    ("9" * 30, "a reason", "Enter a whole number"),
    ("15", "", "Enter the reason for the correction"),
    ("15", "r" * 2001, "2000 characters or fewer"),
])
def test_a_bad_correction_says_why_and_changes_nothing(manager, errored, session, value, reason, message):
    response = _fix(manager, errored, value, reason)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert _case(session, errored.id).data["compliance_days"] == -5
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "data_corrected")) is None


def test_an_officer_who_is_not_a_manager_is_refused(browser, errored, session):
    make_user(session, "ann@trafford.gov.uk", TRAFFORD, ["link_adviser"], "Ann Adviser")
    session.commit()
    browser.sign_in("ann@trafford.gov.uk")
    assert browser.get(f"/cases/{errored.id}/error").status_code == 403
    assert _fix(browser, errored).status_code == 403
    assert browser.post(f"/cases/{errored.id}/retry").status_code == 403
    assert f'href="/cases/{errored.id}/error"' not in browser.text(f"/cases/{errored.id}")
    assert _case(session, errored.id).data["compliance_days"] == -5


def test_a_manager_of_another_organisation_finds_nothing(browser, errored, session):
    make_user(session, "cm@derbyshire.gov.uk", DERBYSHIRE, ["case_manager"], "Dee Manager")
    session.commit()
    browser.sign_in("cm@derbyshire.gov.uk")
    assert browser.get(f"/cases/{errored.id}/error").status_code == 404
    assert _fix(browser, errored).status_code == 404
    assert browser.post(f"/cases/{errored.id}/retry").status_code == 404


def test_a_case_not_in_error_has_no_correction_page(manager, errored, session):
    _fix(manager, errored)
    manager.post(f"/cases/{errored.id}/retry")
    assert manager.get(f"/cases/{errored.id}/error").status_code == 409
    assert _fix(manager, errored, "20").status_code == 409


@pytest.mark.parametrize("name", ["no_such_value", "a b", "__class__", "x" * 300])
def test_a_value_the_case_does_not_hold_is_not_found(manager, errored, name):
    assert manager.get(f"/cases/{errored.id}/error/data/{name}").status_code == 404
    response = manager.post(f"/cases/{errored.id}/error/data/{name}", {"value": "1", "reason": "r"})
    assert response.status_code == 404
