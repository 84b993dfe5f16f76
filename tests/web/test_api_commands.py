"""The API's commands behave as the web's buttons (issue 11 point 6): claiming, completing with the
form's validation (and nothing changed when refused), a letter checked and issued as the check page
issues it, starting a case as /cases/new starts one, validating and deploying a route, importing
schools, and deadlines filtered by their status as of today."""
from __future__ import annotations

import io
import json

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine.models import AuditEvent, Deadline, HumanTask, ProcessDefinition, ProcessInstance
from web.fields import posted_values, to_submission
from workflows.accounts import user_by_email
from workflows.api_tokens import create_token
from workflows.letter_models import Letter
from workflows.school_models import School

from .api_support import ApiClient
from .factories import TRAFFORD, make_user, route_xml
from .test_complete_notice_form import at_issue
from .test_letter_check import READY

CHECKED = {"concern_details": "Falling results", "visit_on": "2026-11-02", "severity": "high"}


def open_task(session, case) -> HumanTask:
    session.expire_all()
    return session.scalars(select(HumanTask).where(HumanTask.instance_id == case.id,
                                                   HumanTask.is_open.is_(True))).one()


def test_claim_and_unclaim_are_recorded_as_in_the_web(api, world, session):
    case, client = world["cases"][TRAFFORD], api[TRAFFORD]
    task = open_task(session, case)
    claimed = client.post(f"/api/v1/tasks/{task.id}/claim")
    assert claimed.status_code == 200 and claimed.get_json()["assignee"] == "cm@trafford.gov.uk"
    assert client.json("/api/v1/tasks?assigned=me")["total"] == 1
    unclaimed = client.post(f"/api/v1/tasks/{task.id}/unclaim")
    assert unclaimed.status_code == 200 and unclaimed.get_json()["assignee"] is None
    assert client.post(f"/api/v1/tasks/{task.id}/unclaim").status_code == 409
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.instance_id == case.id)
                              .order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["task_claimed", "task_unclaimed"]


def test_refused_answers_are_a_422_by_field_and_change_nothing(api, world, session):
    case, client = world["cases"][TRAFFORD], api[TRAFFORD]
    task = open_task(session, case)
    response = client.post(f"/api/v1/tasks/{task.id}/complete",
                           json={"data": {"concern_details": "", "visit_on": "2026-02-30", "severity": "dire"}})
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert {"data.concern_details", "data.visit_on", "data.severity"} <= fields
    after = open_task(session, case)
    assert after.id == task.id and after.assignee is None  # not even claimed on the way


def test_valid_answers_complete_the_task_and_move_the_case_on(api, world, session):
    case, client = world["cases"][TRAFFORD], api[TRAFFORD]
    task = open_task(session, case)
    response = client.post(f"/api/v1/tasks/{task.id}/complete", json={"data": CHECKED})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["completed_by"] == "cm@trafford.gov.uk"
    shown = client.json(f"/api/v1/cases/{case.id}")
    assert [t["bpmn_id"] for t in shown["tasks"]] == ["approve"]
    assert client.post(f"/api/v1/tasks/{task.id}/complete", json={"data": CHECKED}).status_code == 409


def letter_answers(task: HumanTask, **changes: str) -> dict:
    """The answers the web would take from READY, as JSON."""
    data = to_submission(task.form, posted_values(task.form, MultiDict({**READY, **changes})))
    return json.loads(json.dumps(data, default=str))


def cabinet_member(app, session) -> ApiClient:
    """The API client of the officer who issues the warning notice of `at_issue`'s case."""
    client = ApiClient(app.test_client(), create_token(session, user_by_email(session, "member@example.gov.uk"),
                                                        "Notices")[1])
    session.commit()
    return client


def test_a_letter_is_checked_and_issued_as_the_check_page_issues_it(app, session):
    case = at_issue(session)
    client = cabinet_member(app, session)
    task = open_task(session, case)
    body = {"data": letter_answers(task, required_action="TBC")}
    refused = client.post(f"/api/v1/tasks/{task.id}/complete", json=body)
    assert refused.status_code == 422, refused.get_data(as_text=True)
    error = next(e for e in refused.get_json()["errors"] if e["field"] == "data.required_action")
    assert "required_action=TBC" in error["message"]
    assert session.scalars(select(Letter).where(Letter.instance_id == case.id)).all() == []

    issued = client.post(f"/api/v1/tasks/{task.id}/complete", json={**body, "confirm_placeholders": ["required_action=TBC"]})
    assert issued.status_code == 200, issued.get_data(as_text=True)
    session.expire_all()
    assert [x.kind for x in session.scalars(select(Letter).where(Letter.instance_id == case.id))] == ["warning_notice"]


def test_an_incomplete_notice_is_refused_by_its_rules_before_any_letter(app, session):
    case = at_issue(session)
    client = cabinet_member(app, session)
    task = open_task(session, case)
    data = letter_answers(task)
    data.pop("ground_low_standards", None)
    data["compliance_period_working_days"] = None
    refused = client.post(f"/api/v1/tasks/{task.id}/complete", json={"data": data})
    assert refused.status_code == 422 and refused.get_json()["errors"]
    assert open_task(session, case).id == task.id


def test_a_case_starts_as_on_the_web_and_a_duplicate_needs_confirming(api, world, session):
    client = api[TRAFFORD]
    refused = client.post("/api/v1/cases", json={"route": "web_route", "urn": "100001"})
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["field"] == "confirm_duplicate"
    started = client.post("/api/v1/cases", json={"route": "web_route", "urn": "100001", "confirm_duplicate": True})
    assert started.status_code == 201, started.get_data(as_text=True)
    body = started.get_json()
    assert body["owner"] == TRAFFORD and body["started_by"] == "cm@trafford.gov.uk"
    assert started.headers["Location"] == f"/api/v1/cases/{body['id']}"
    # Another authority's school, an unknown school or route: refused, nothing started.
    before = session.scalars(select(ProcessInstance.id)).all()
    for wrong in ({"route": "web_route", "urn": "200001"}, {"route": "web_route", "urn": "999999"},
                  {"route": "no_route", "urn": "100001"},
                  {"route": "web_route", "urn": "100001", "confirm_duplicate": True, "data": {"x": 1}}):
        response = client.post("/api/v1/cases", json=wrong)
        assert response.status_code in (403, 422), (wrong, response.status_code)
    session.expire_all()
    assert session.scalars(select(ProcessInstance.id)).all() == before


def test_an_officer_who_may_not_start_cases_is_refused(app, world, session):
    adviser = make_user(session, "la@trafford.gov.uk", TRAFFORD, ["link_adviser"])
    client = ApiClient(app.test_client(), create_token(session, adviser, "x")[1])
    session.commit()
    assert client.post("/api/v1/cases", json={"route": "web_route", "urn": "100001"}).status_code == 403


def owner_client(app, session) -> ApiClient:
    owner = make_user(session, "po@trafford.gov.uk", TRAFFORD, ["process_owner", "la_admin"])
    client = ApiClient(app.test_client(), create_token(session, owner, "Models")[1])
    session.commit()
    return client


def test_a_model_is_validated_with_each_problem_by_element(app, world, session):
    client = owner_client(app, session)
    good = client.post("/api/v1/processes/validate", json={"bpmn_xml": route_xml()})
    assert good.status_code == 200 and good.get_json()["valid"] is True
    broken = route_xml().replace('camunda:candidateGroups="link_adviser"', 'camunda:candidateGroups="nobody_at_all"')
    bad = client.post("/api/v1/processes/validate", json={"bpmn_xml": broken}).get_json()
    assert bad["valid"] is False
    assert any(p["element_id"] == "check_concern" and p["severity"] == "error" for p in bad["problems"])
    garbage = client.post("/api/v1/processes/validate", json={"bpmn_xml": "<not-bpmn"}).get_json()
    assert garbage["valid"] is False and garbage["problems"]


def test_the_api_takes_a_model_as_large_as_the_modeller_saves_and_no_larger(app, world, session):
    """A 3 MB diagram (the modeller saves up to 5 MB) is checked, not refused for its size."""
    client = owner_client(app, session)
    big = route_xml().replace("</bpmn:definitions>", "<!--" + "x" * (3 * 1024 * 1024) + "--></bpmn:definitions>")
    checked = client.post("/api/v1/processes/validate", json={"bpmn_xml": big})
    assert checked.status_code == 200 and checked.get_json()["valid"] is True, checked.get_data(as_text=True)[:300]
    huge = route_xml() + "<!--" + "x" * (6 * 1024 * 1024) + "-->"
    refused = client.post("/api/v1/processes/validate", json={"bpmn_xml": huge})
    assert refused.status_code in (413, 422) and refused.mimetype == "application/problem+json"


def test_a_process_owner_deploys_their_organisations_own_version(app, world, session):
    client = owner_client(app, session)
    changed = route_xml().replace('name="Web test route"', 'name="Trafford web route"')
    deployed = client.post("/api/v1/processes/deploy", json={"bpmn_xml": changed, "change_note": "Our own"})
    assert deployed.status_code == 201, deployed.get_data(as_text=True)
    definition = deployed.get_json()["definition"]
    assert (definition["owner"], definition["version"], definition["deployed_by"]) == (TRAFFORD, 1, "po@trafford.gov.uk")
    again = client.post("/api/v1/processes/deploy", json={"bpmn_xml": changed})
    assert again.status_code == 200 and again.get_json()["status"] == "unchanged"
    broken = changed.replace('camunda:candidateGroups="link_adviser"', 'camunda:candidateGroups="nobody_at_all"')
    refused = client.post("/api/v1/processes/deploy", json={"bpmn_xml": broken})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert any(p["element_id"] == "check_concern" for p in refused.get_json()["problems"])
    session.expire_all()
    assert session.scalars(select(ProcessDefinition.owner).where(ProcessDefinition.key == "web_route")
                           .order_by(ProcessDefinition.id)).all() == [None, TRAFFORD]


GIAS = ("URN,EstablishmentName,TypeOfEstablishment (name),LA (code),LA (name)\n"
        "300001,Brook Lane Primary School,Community school,358,Trafford\n"
        "not-a-urn,Broken,Community school,358,Trafford\n")


def test_an_administrator_imports_schools_and_others_may_not(app, world, api, session):
    refused = api[TRAFFORD].post("/api/v1/schools/import", data={"file": (io.BytesIO(GIAS.encode()), "gias.csv")},
                                 content_type="multipart/form-data")
    assert refused.status_code == 403
    client = owner_client(app, session)
    report = client.post("/api/v1/schools/import", data={"file": (io.BytesIO(GIAS.encode()), "gias.csv")},
                         content_type="multipart/form-data")
    assert report.status_code == 200, report.get_data(as_text=True)
    assert report.get_json()["loaded"] == 1 and report.get_json()["skipped"][0]["line"] == 3
    session.expire_all()
    assert session.get(School, "300001").name == "Brook Lane Primary School"
    wrong = client.post("/api/v1/schools/import", data={"file": (io.BytesIO(b"a,b\n1,2\n"), "x.csv")},
                        content_type="multipart/form-data")
    assert wrong.status_code == 400 and wrong.mimetype == "application/problem+json"


def test_deadlines_are_filtered_by_their_status_as_of_today(api, world, session):
    case = world["cases"][TRAFFORD]
    session.add_all([
        Deadline(instance_id=case.id, owner=TRAFFORD, deadline_id="lapsed", name="Reply", status="pending",
                 due_on=case.started_at.date().replace(year=2020), rule="r", source="s", overdue_note="Missed"),
        Deadline(instance_id=case.id, owner=TRAFFORD, deadline_id="ahead", name="Visit", status="pending",
                 due_on=case.started_at.date().replace(year=2099), rule="r", source="s", overdue_note="Missed")])
    session.commit()
    client = api[TRAFFORD]
    missed = client.json("/api/v1/deadlines?status=missed")["items"]
    assert [(d["id"], d["status"], d["note"]) for d in missed] == [("lapsed", "missed", "Missed")]
    assert [d["id"] for d in client.json("/api/v1/deadlines?status=pending")["items"]] == ["ahead"]
    assert [d["id"] for d in client.json("/api/v1/deadlines?due_from=2030-01-01")["items"]] == ["ahead"]
    assert client.json("/api/v1/deadlines?case_status=closed")["items"] == []
    shown = client.json(f"/api/v1/cases/{case.id}")["deadlines"]
    assert {(d["id"], d["status"]) for d in shown} == {("lapsed", "missed"), ("ahead", "pending")}


def test_for_my_roles_lists_what_the_inbox_tab_does_and_a_claimed_task_moves_to_mine(api, world, session):
    case, client = world["cases"][TRAFFORD], api[TRAFFORD]
    task = open_task(session, case)

    def ids(assigned: str) -> set[str]:
        return {row["id"] for row in client.json(f"/api/v1/tasks?assigned={assigned}&per_page=100")["items"]}

    assert task.id in ids("my_roles") and task.id not in ids("me")
    client.post(f"/api/v1/tasks/{task.id}/claim")
    assert task.id not in ids("my_roles") and task.id in ids("me")
