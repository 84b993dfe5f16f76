"""/incidents: a manager or process owner of the owning organisation sees its cases in error and
retries, skips the failing step, terminates, suspends or resumes one, each audited with who and why."""
from __future__ import annotations

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import definitions, runtime, workflow_cache
from engine.models import AuditEvent, HumanTask, ProcessInstance
from engine.serialization import dump_state
from workflows.roles import ROLES_BY_ID, Role

from .factories import DERBYSHIRE, FIXTURES, TRAFFORD, Browser, make_school, make_user

REASON = "The period was worked out by hand from the notice"


def _start(session, owner: str, urn: str = "100001") -> ProcessInstance:
    return runtime.start_instance(session, "error_route", "ann@test", business_key=urn, owner=owner)


def _fail(session, case: ProcessInstance) -> ProcessInstance:
    task = session.scalar(select(HumanTask).where(HumanTask.instance_id == case.id, HumanTask.is_open.is_(True)))
    runtime.complete_task(session, task.id, "ann@test", {"compliance_days": -5, "notes": "x"})
    assert case.status == "error"
    return case


@pytest.fixture
def deployed(session):
    definitions.deploy(session, (FIXTURES / "error_route.bpmn").read_text(encoding="utf-8"), "owner")
    make_school(session)


@pytest.fixture
def errored(session, deployed) -> ProcessInstance:
    case = _fail(session, _start(session, TRAFFORD))
    session.commit()
    return case


@pytest.fixture
def running(session, deployed) -> ProcessInstance:
    case = _start(session, TRAFFORD)
    session.commit()
    return case


def _sign_in(browser: Browser, session, email: str, organisation: str, roles) -> Browser:
    officer = make_user(session, email, organisation, ["link_adviser"], email.split("@")[0])
    officer.roles = list(roles)  # set directly: the process owner role may not be one accounts accept yet
    session.commit()
    browser.sign_in(email)
    return browser


@pytest.fixture
def manager(browser, session) -> Browser:
    return _sign_in(browser, session, "cm@trafford.gov.uk", TRAFFORD, ["case_manager"])


def _case(session, case_id) -> ProcessInstance:
    session.expire_all()
    return session.get(ProcessInstance, case_id)


def _events(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_list_shows_each_case_in_error_with_its_step_route_school_and_since(manager, errored):
    page = manager.text("/incidents")
    assert f'id="incident-{errored.id}"' in page
    assert "Work out the compliance period" in page and "Error route" in page
    assert "Ash Grove Primary School" in page and "ZeroDivisionError" in page
    assert "In error since" in page
    for link in (f"/cases/{errored.id}/error", f"/incidents/{errored.id}/skip", f"/incidents/{errored.id}/terminate"):
        assert f'href="{link}"' in page
    assert f'action="/incidents/{errored.id}/retry"' in page


def test_the_navigation_counts_the_incidents(manager, errored, session):
    assert "Incidents (1)" in manager.text("/incidents")
    _fail(session, _start(session, TRAFFORD))
    session.commit()
    assert "Incidents (2)" in manager.text("/cases")


def test_an_officer_who_is_not_a_manager_gets_403_and_no_link(browser, session, errored):
    officer = _sign_in(browser, session, "la@trafford.gov.uk", TRAFFORD, ["link_adviser"])
    assert "Incidents (" not in officer.text("/cases")
    officer.text("/incidents", status=403)
    assert officer.post(f"/incidents/{errored.id}/retry").status_code == 403
    assert officer.post(f"/incidents/{errored.id}/terminate", {"reason": "x", "confirmed": "yes"}).status_code == 403
    assert _case(session, errored.id).status == "error"


def test_a_process_owner_handles_incidents_when_the_role_exists(browser, session, errored, monkeypatch):
    monkeypatch.setitem(ROLES_BY_ID, "process_owner",
                        Role("process_owner", "Process owner", "la", "Owns the routes of the authority."))
    owner = _sign_in(browser, session, "po@trafford.gov.uk", TRAFFORD, ["process_owner"])
    assert f'id="incident-{errored.id}"' in owner.text("/incidents")
    assert owner.post(f"/incidents/{errored.id}/retry").status_code == 302


def test_without_the_process_owner_role_the_name_alone_gives_nothing(browser, session, errored, monkeypatch):
    monkeypatch.delitem(ROLES_BY_ID, "process_owner", raising=False)
    owner = _sign_in(browser, session, "po@trafford.gov.uk", TRAFFORD, ["process_owner"])
    owner.text("/incidents", status=403)


def test_another_organisations_cases_are_never_listed_and_404_on_actions(browser, other_browser, session, errored):
    theirs = _fail(session, _start(session, DERBYSHIRE, urn="100001"))
    session.commit()
    trafford = _sign_in(browser, session, "cm@trafford.gov.uk", TRAFFORD, ["case_manager"])
    derbyshire = _sign_in(other_browser, session, "cm@derbyshire.gov.uk", DERBYSHIRE, ["case_manager"])
    mine = trafford.text("/incidents")
    assert f'id="incident-{errored.id}"' in mine and f'id="incident-{theirs.id}"' not in mine
    assert "Incidents (1)" in mine
    other = derbyshire.text("/incidents")
    assert f'id="incident-{theirs.id}"' in other and f'id="incident-{errored.id}"' not in other
    assert trafford.post(f"/incidents/{theirs.id}/retry").status_code == 404
    for action in ("skip", "terminate", "suspend", "resume"):
        assert trafford.get(f"/incidents/{theirs.id}/{action}").status_code == 404
        assert trafford.post(f"/incidents/{theirs.id}/{action}", {"reason": "x", "step": "work_out_period",
                                                                   "confirmed": "yes"}).status_code == 404
    assert _case(session, theirs.id).status == "error" and _events(session, "terminated") == []


def test_retry_runs_the_case_again_and_says_when_it_fails_again(manager, errored, session):
    response = manager.post(f"/incidents/{errored.id}/retry")
    assert response.status_code == 302 and response.headers["Location"] == "/incidents"
    assert "failed again" in manager.text("/incidents")
    [event] = _events(session, "retried")
    assert event.actor == "cm@trafford.gov.uk"


def test_a_post_without_the_csrf_token_is_refused(manager, errored, session):
    response = manager.client.post(f"/incidents/{errored.id}/retry", data={})
    assert response.status_code == 400
    assert _events(session, "retried") == []


def test_skip_asks_for_confirmation_then_skips_with_the_reason(manager, errored, session):
    form = manager.text(f"/incidents/{errored.id}/skip")
    assert "Why are you skipping this step?" in form
    confirm = manager.post(f"/incidents/{errored.id}/skip", {"step": "work_out_period", "reason": REASON})
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Are you sure you want to skip the step that failed?" in page
    assert REASON in page and 'name="confirmed" value="yes"' in page
    assert _case(session, errored.id).status == "error"  # nothing done before the confirmation
    done = manager.post(f"/incidents/{errored.id}/skip", {"step": "work_out_period", "reason": REASON,
                                                           "confirmed": "yes"})
    assert done.status_code == 302 and done.headers["Location"] == "/incidents"
    case = _case(session, errored.id)
    assert case.status == "running" and "period_ends_after" not in case.data
    [event] = _events(session, "step_skipped")
    assert event.actor == "cm@trafford.gov.uk" and event.data["reason"] == REASON


@pytest.mark.parametrize(("form", "message"), [
    ({"step": "work_out_period", "reason": "  "}, "Enter the reason"),
    ({"step": "work_out_period", "reason": "x" * 2001}, "2000 characters or fewer"),
    ({"step": "review", "reason": REASON}, "Select the step to skip"),
])
def test_a_skip_without_reason_or_step_shows_the_error_summary_and_changes_nothing(manager, errored, session,
                                                                                     form, message):
    response = manager.post(f"/incidents/{errored.id}/skip", {**form, "confirmed": "yes"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in page and message in page
    assert _case(session, errored.id).status == "error" and _events(session, "step_skipped") == []


def test_a_failed_user_task_cannot_be_skipped_from_the_web(manager, running, session):
    workflow = runtime.load_workflow(running)
    [task] = [t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == "give_notice"]
    task._set_state(TaskState.ERROR)
    running.state, running.status, running.error_message = dump_state(workflow), "error", "give_notice: hook"
    session.flush()
    workflow_cache.remember(session, running, workflow)
    session.commit()
    assert f'href="/incidents/{running.id}/skip"' not in manager.text("/incidents")
    response = manager.post(f"/incidents/{running.id}/skip", {"step": "give_notice", "reason": REASON,
                                                               "confirmed": "yes"})
    assert response.status_code == 409 and "cannot be skipped" in response.get_data(as_text=True)
    assert _case(session, running.id).status == "error" and _events(session, "step_skipped") == []


def test_terminate_asks_for_confirmation_then_ends_the_case_with_the_reason(manager, errored, session):
    confirm = manager.post(f"/incidents/{errored.id}/terminate", {"reason": "The school has closed"})
    assert "Are you sure you want to terminate the case?" in confirm.get_data(as_text=True)
    assert _case(session, errored.id).status == "error"
    done = manager.post(f"/incidents/{errored.id}/terminate", {"reason": "The school has closed", "confirmed": "yes"})
    assert done.status_code == 302
    assert _case(session, errored.id).status == "terminated"
    [event] = _events(session, "terminated")
    assert event.actor == "cm@trafford.gov.uk" and "The school has closed" in event.detail
    assert f'id="incident-{errored.id}"' not in manager.text("/incidents")


def test_terminate_without_a_reason_is_refused(manager, errored, session):
    response = manager.post(f"/incidents/{errored.id}/terminate", {"reason": "", "confirmed": "yes"})
    assert response.status_code == 400 and "Enter the reason" in response.get_data(as_text=True)
    assert _case(session, errored.id).status == "error"


def test_suspend_and_resume_from_the_case_page_each_with_who_and_why(manager, running, session):
    page = manager.text(f"/cases/{running.id}")
    assert f'href="/incidents/{running.id}/suspend?from=case"' in page
    response = manager.post(f"/incidents/{running.id}/suspend?from=case", {"reason": "Awaiting legal advice"})
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{running.id}"
    assert _case(session, running.id).status == "suspended"
    page = manager.text(f"/cases/{running.id}")
    assert f'href="/incidents/{running.id}/resume?from=case"' in page
    assert f'href="/incidents/{running.id}/resume"' in manager.text("/incidents")
    manager.post(f"/incidents/{running.id}/resume?from=case", {"reason": "Advice received"})
    assert _case(session, running.id).status == "running"
    [suspended], [resumed] = _events(session, "suspended"), _events(session, "resumed")
    assert (suspended.actor, suspended.detail) == ("cm@trafford.gov.uk", "Awaiting legal advice")
    assert (resumed.actor, resumed.detail) == ("cm@trafford.gov.uk", "Advice received")


def test_suspend_without_a_reason_or_of_a_case_in_error_changes_nothing(manager, running, errored, session):
    response = manager.post(f"/incidents/{running.id}/suspend", {"reason": ""})
    assert response.status_code == 400 and "Enter the reason" in response.get_data(as_text=True)
    assert manager.post(f"/incidents/{running.id}/resume", {"reason": "x"}).status_code == 302
    assert manager.post(f"/incidents/{errored.id}/suspend", {"reason": "x"}).status_code == 302
    assert _case(session, running.id).status == "running" and _case(session, errored.id).status == "error"
    assert _events(session, "suspended") == [] and _events(session, "resumed") == []


def test_an_officer_sees_no_suspend_link_on_the_case_page(browser, session, running):
    officer = _sign_in(browser, session, "la@trafford.gov.uk", TRAFFORD, ["link_adviser"])
    assert "/suspend" not in officer.text(f"/cases/{running.id}")
