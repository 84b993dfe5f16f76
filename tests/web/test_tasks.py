"""The task page: case context, the generated GOV.UK form, validation, drafts, completion, conflicts."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine import runtime
from engine.models import HumanTask, ProcessInstance

from .factories import DERBYSHIRE, TRAFFORD, Browser, make_school, make_user, start_case

GOOD = {"concern_details": "Attendance fell to 82%", "visit_on-day": "13", "visit_on-month": "1",
        "visit_on-year": "2026", "severity": "high", "ground": "standards", "pupils_affected": "120",
        "diocese_told": "yes", "intervene_action": "complete"}


def open_task(session, instance_id: int, bpmn_id: str) -> HumanTask:
    session.expire_all()
    return session.scalar(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                  HumanTask.bpmn_id == bpmn_id, HumanTask.is_open.is_(True)))


@pytest.fixture
def case(session, route, school):
    instance = start_case(session)
    session.commit()
    return instance


@pytest.fixture
def task(session, case) -> HumanTask:
    return open_task(session, case.id, "check_concern")


def test_the_page_shows_the_case_and_a_gov_uk_field_for_each_form_field(signed_in, task):
    page = signed_in.text(f"/tasks/{task.id}")
    assert "<h1 class=\"govuk-heading-l\">Check the concern</h1>" in page
    assert "Ash Grove Primary School" in page and "URN 100001" in page and "Web test route" in page
    assert '<textarea class="govuk-textarea' in page and 'id="concern_details"' in page
    assert 'id="visit_on-day"' in page and 'name="visit_on-month"' in page and 'name="visit_on-year"' in page
    assert page.count('class="govuk-radios__input"') == 3  # severity: 3 options, radios
    assert '<select class="govuk-select" id="ground"' in page  # 6 options: a select
    assert 'inputmode="numeric"' in page and 'id="pupils_affected"' in page
    assert 'class="govuk-checkboxes__input" id="diocese_told"' in page
    assert "EIA 2006 s60(2)" in page and "govuk-details" in page
    assert "Tue 15 January 2030" in page
    assert "This is the first step of the case." in page


def test_errors_are_summarised_and_linked_to_each_field(signed_in, task, session):
    response = signed_in.post(f"/tasks/{task.id}", {"visit_on-day": "31", "visit_on-month": "2",
                                                    "visit_on-year": "2026", "pupils_affected": "many",
                                                    "intervene_action": "complete"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<title>Error: Check the concern" in page
    summary = page[page.index("govuk-error-summary"):page.index("</ul>", page.index("govuk-error-summary"))]
    links = re.findall(r'href="(#[^"]+)">([^<]+)<', summary)
    assert [href for href, _ in links] == ["#concern_details", "#visit_on-day", "#severity", "#pupils_affected"]
    assert "Date of the visit must be a real date" in page
    assert "Select how serious is it" in page
    assert 'govuk-error-message' in page
    assert 'value="31"' in page and 'value="many"' in page  # what was typed comes back
    assert open_task(session, task.instance_id, "check_concern").assignee is None  # nothing kept


def test_completing_claims_the_task_and_offers_the_next_step_when_it_is_mine(signed_in, task, session):
    response = signed_in.post(f"/tasks/{task.id}", GOOD)
    assert response.headers["Location"] == f"/tasks/{task.id}/done"
    page = signed_in.text(f"/tasks/{task.id}/done")
    assert "govuk-panel--confirmation" in page and "Step completed" in page
    following = open_task(session, task.instance_id, "approve")
    assert f'href="/tasks/{following.id}"' in page and "Continue to Approve the response" in page
    session.expire_all()
    done = session.get(HumanTask, task.id)
    assert done.completed_by == "ann.adviser@trafford.gov.uk" and done.assignee == done.completed_by
    data = session.get(ProcessInstance, task.instance_id).data
    assert data["visit_on"] == "2026-01-13" and data["pupils_affected"] == 120 and data["diocese_told"] is True


def test_when_the_next_step_is_for_someone_else_the_page_says_where_the_case_went(signed_in, task, session):
    runtime.complete_task(session, task.id, "ann.adviser@trafford.gov.uk",
                          {"concern_details": "x", "visit_on": "2026-01-13", "severity": "low"})
    approve = open_task(session, task.instance_id, "approve")
    session.commit()
    signed_in.post(f"/tasks/{approve.id}", {"approval_notes": "", "intervene_action": "complete"})
    page = signed_in.text(f"/tasks/{approve.id}/done")
    assert "Continue to" not in page and "Decide on an academy order" in page


def test_a_draft_is_saved_and_restored(signed_in, task, session):
    response = signed_in.post(f"/tasks/{task.id}", {"concern_details": "Half written", "visit_on-day": "2",
                                                    "visit_on-month": "3", "visit_on-year": "2026",
                                                    "severity": "medium", "intervene_action": "draft"})
    assert response.headers["Location"] == f"/tasks/{task.id}"
    page = signed_in.text(f"/tasks/{task.id}")
    assert "Your draft has been saved" in page
    assert "Half written</textarea>" in page
    assert 'id="visit_on-day" name="visit_on-day" type="text" value="2"' in page
    assert re.search(r'value="medium" checked', page)
    assert open_task(session, task.instance_id, "check_concern").is_open


def test_someone_else_finishing_first_is_said_plainly_and_the_typed_values_kept(signed_in, task, session):
    page = signed_in.text(f"/tasks/{task.id}")  # the officer opens the form...
    assert "Record this step" in page
    runtime.complete_task(session, task.id, "colleague@trafford.gov.uk",  # ...a colleague finishes it first
                          {"concern_details": "theirs", "visit_on": "2026-01-12", "severity": "low"})
    session.commit()
    response = signed_in.post(f"/tasks/{task.id}", GOOD)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else completed this step first by colleague@trafford.gov.uk" in page
    assert "Attendance fell to 82%" in page


def test_a_task_claimed_by_someone_else_cannot_be_completed(signed_in, task, session):
    runtime.claim_task(session, task.id, "colleague@trafford.gov.uk")
    session.commit()
    page = signed_in.text(f"/tasks/{task.id}")
    assert "assigned to colleague@trafford.gov.uk" in page and "Record this step" not in page
    assert signed_in.post(f"/tasks/{task.id}", GOOD).status_code == 403


def test_an_officer_without_the_role_sees_the_task_but_no_form(browser, task, session):
    make_user(session, "qa@trafford.gov.uk", TRAFFORD, ["quality_assurance_partner"])
    session.commit()
    browser.sign_in("qa@trafford.gov.uk")
    page = browser.text(f"/tasks/{task.id}")
    assert "You do not hold that role" in page and "Record this step" not in page
    assert browser.post(f"/tasks/{task.id}", GOOD).status_code == 403
    assert browser.post(f"/tasks/{task.id}/claim").status_code == 403


def test_another_authoritys_task_is_not_found(browser, task, session):
    make_user(session, "bob@derbyshire.gov.uk", DERBYSHIRE, ["link_adviser"])
    session.commit()
    browser.sign_in("bob@derbyshire.gov.uk")
    for url in (f"/tasks/{task.id}", f"/tasks/{task.id}/done", f"/tasks/{task.id}/reassign"):
        assert browser.get(url).status_code == 404, url
    for url in (f"/tasks/{task.id}", f"/tasks/{task.id}/claim", f"/tasks/{task.id}/unclaim"):
        assert browser.post(url, GOOD).status_code == 404, url
    assert browser.get("/tasks/no-such-task").status_code == 404


def test_claim_unclaim_and_reassign(signed_in, task, session, app):
    make_user(session, "sam.senior@trafford.gov.uk", TRAFFORD, ["senior_adviser", "link_adviser"], "Sam Senior")
    make_user(session, "qa@trafford.gov.uk", TRAFFORD, ["quality_assurance_partner"])
    make_user(session, "dan@derbyshire.gov.uk", DERBYSHIRE, ["link_adviser"])
    session.commit()
    assert signed_in.post(f"/tasks/{task.id}/claim").headers["Location"] == f"/tasks/{task.id}"
    assert open_task(session, task.instance_id, "check_concern").assignee == "ann.adviser@trafford.gov.uk"
    assert signed_in.post(f"/tasks/{task.id}/unclaim", {"next": "/inbox?tab=roles"}).headers["Location"] \
        == "/inbox?tab=roles"
    assert open_task(session, task.instance_id, "check_concern").assignee is None
    assert signed_in.get(f"/tasks/{task.id}/reassign").status_code == 403  # link advisers may not
    senior = Browser(app.test_client())
    senior.sign_in("sam.senior@trafford.gov.uk")
    page = senior.text(f"/tasks/{task.id}/reassign")
    assert "ann.adviser@trafford.gov.uk" in page and "qa@trafford.gov.uk" not in page
    assert "dan@derbyshire.gov.uk" not in page
    refused = senior.post(f"/tasks/{task.id}/reassign", {"assignee": "qa@trafford.gov.uk"})
    assert refused.status_code == 400 and "Select who to give the task to" in refused.get_data(as_text=True)
    assert senior.post(f"/tasks/{task.id}/reassign", {"assignee": "ann.adviser@trafford.gov.uk"}).status_code == 302
    assert open_task(session, task.instance_id, "check_concern").assignee == "ann.adviser@trafford.gov.uk"
    assert senior.post(f"/tasks/{task.id}/unclaim").status_code == 302  # may override: may_reassign


def test_claiming_a_task_someone_has_claimed_says_who(signed_in, task, session):
    runtime.claim_task(session, task.id, "colleague@trafford.gov.uk")
    session.commit()
    response = signed_in.post(f"/tasks/{task.id}/claim")
    assert response.status_code == 409
    assert "already claimed by colleague@trafford.gov.uk" in response.get_data(as_text=True)


def test_a_completed_task_page_says_it_is_done(signed_in, task, session):
    runtime.complete_task(session, task.id, "ann.adviser@trafford.gov.uk",
                          {"concern_details": "x", "visit_on": "2026-01-13", "severity": "low"})
    session.commit()
    page = signed_in.text(f"/tasks/{task.id}")
    assert "Completed by ann.adviser@trafford.gov.uk" in page and "Record this step" not in page
    assert signed_in.get(f"/tasks/{task.id}/done").status_code == 200


def test_previous_steps_and_open_deadlines_are_shown(signed_in, task, session):
    runtime.complete_task(session, task.id, "ann.adviser@trafford.gov.uk",
                          {"concern_details": "x", "visit_on": "2026-01-13", "severity": "low"})
    approve = open_task(session, task.instance_id, "approve")
    session.commit()
    page = signed_in.text(f"/tasks/{approve.id}")
    assert "Check the concern" in page and "ann.adviser@trafford.gov.uk" in page


def test_a_school_elsewhere_is_not_a_case_of_mine(browser, session, route):
    make_school(session, "200002", "Peak View School", la_code=DERBYSHIRE, la_name="Derbyshire",
                region="dfe-east-midlands")
    instance = start_case(session, "200002")
    make_user(session, "ann@trafford.gov.uk", TRAFFORD, ["link_adviser"])
    session.commit()
    browser.sign_in("ann@trafford.gov.uk")
    assert browser.get(f"/cases/{instance.id}").status_code == 404
