"""Every error of the JSON API is application/problem+json (RFC 9457), flask-smorest's own included,
and lists come in pages with links (issue 11 point 6)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import HumanTask

from .api_support import PROBLEM
from .factories import TRAFFORD, start_case


def problem_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["type"] == "about:blank" and body["title"]
    return body


@pytest.mark.parametrize("url", ["/api/v1/no-such-thing", "/api/v1/cases/999999", f"/api/v1/cases/{2**31}",
                                 f"/api/v1/cases/{2**63}", f"/api/v1/cases/{2**64 + 1}/timeline",
                                 "/api/v1/tasks/no-such-task", "/api/v1/schools/999999",
                                 "/api/v1/processes/no_such_route/versions", "/api/nothing"])
def test_what_does_not_exist_is_a_404_problem(api, url):
    problem_of(api[TRAFFORD].get(url), 404)


def test_a_method_the_route_does_not_take_is_a_405_problem_naming_the_allowed_ones(api):
    response = api[TRAFFORD].client.delete("/api/v1/cases", headers={"Authorization": f"Bearer {api[TRAFFORD].token}"})
    problem_of(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_invalid_query_arguments_are_a_422_problem_naming_each_field(api):
    body = problem_of(api[TRAFFORD].get("/api/v1/cases?page=0&per_page=1000&status=sideways"), 422)
    assert {(e["location"], e["field"]) for e in body["errors"]} == {("query", "page"), ("query", "per_page"),
                                                                    ("query", "status")}
    assert all(e["message"] for e in body["errors"])


def test_an_invalid_body_is_a_422_problem_naming_each_field(api):
    body = problem_of(api[TRAFFORD].post("/api/v1/cases", json={"route": 5}), 422)
    assert {(e["location"], e["field"]) for e in body["errors"]} == {("json", "route"), ("json", "urn")}
    response = api[TRAFFORD].post("/api/v1/cases", data="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 422) and response.mimetype == PROBLEM


def test_a_nul_in_a_query_is_a_400_problem(api):
    problem_of(api[TRAFFORD].get("/api/v1/cases?school=a%00b"), 400)


def test_a_conflict_is_a_409_problem_and_a_forbidden_action_a_403(api, world, session):
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == world["cases"][TRAFFORD].id)).one()
    task.assignee = "someone.else@trafford.gov.uk"
    session.commit()
    body = problem_of(api[TRAFFORD].post(f"/api/v1/tasks/{task.id}/claim"), 409)
    assert "someone.else@trafford.gov.uk" in body["detail"]
    problem_of(api[TRAFFORD].post(f"/api/v1/tasks/{task.id}/complete", json={"data": {}}), 403)
    body = problem_of(api[TRAFFORD].post("/api/v1/processes/deploy", json={"bpmn_xml": "<x/>"}), 403)
    assert "process owner" in body["detail"]


def test_the_openapi_document_describes_errors_as_problems(app):
    spec = app.test_client().get("/api/openapi.json").get_json()
    default = spec["components"]["responses"]["DEFAULT_ERROR"]
    assert list(default["content"]) == [PROBLEM]
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                assert operation["responses"]["default"] == {"$ref": "#/components/responses/DEFAULT_ERROR"}, path


def test_lists_come_in_pages_with_links_in_the_body_and_the_link_header(api, world, session):
    for _ in range(4):
        start_case(session, "100001")
    session.commit()
    client = api[TRAFFORD]
    first = client.get("/api/v1/cases?per_page=2&status=open")
    body = first.get_json()
    assert body["total"] == 5 and body["page"] == 1 and len(body["items"]) == 2
    assert body["links"]["next"] == "/api/v1/cases?status=open&page=2&per_page=2"
    assert body["links"]["last"] == "/api/v1/cases?status=open&page=3&per_page=2"
    assert body["links"]["prev"] is None
    assert '</api/v1/cases?status=open&page=2&per_page=2>; rel="next"' in first.headers["Link"]
    assert 'rel="prev"' not in first.headers["Link"]

    last = client.get(body["links"]["last"]).get_json()
    assert len(last["items"]) == 1 and last["links"]["next"] is None
    assert last["links"]["prev"] == "/api/v1/cases?status=open&page=2&per_page=2"
    seen = [item["id"] for url in ("/api/v1/cases?per_page=2&page=1", "/api/v1/cases?per_page=2&page=2",
                                   "/api/v1/cases?per_page=2&page=3") for item in client.json(url)["items"]]
    assert len(seen) == len(set(seen)) == 5, "pages neither overlap nor leave a case out"

    beyond = client.json("/api/v1/cases?per_page=2&page=9")
    assert beyond["items"] == [] and beyond["links"]["prev"] == "/api/v1/cases?page=3&per_page=2"


def test_a_body_over_the_limit_is_a_413_problem_not_a_page(api):
    response = api[TRAFFORD].post("/api/v1/cases", json={"process_key": "x", "data": {"note": "x" * (3 * 1024 * 1024)}})
    body = problem_of(response, 413)
    assert "2 MB" in body["detail"]
