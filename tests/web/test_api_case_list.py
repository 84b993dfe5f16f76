"""The API's case list takes the case list's filters and sort (workflows.case_search), so a program
gets exactly the cases a manager's filtered list shows."""
from __future__ import annotations

from .factories import TRAFFORD, make_school, start_case


def ids(client, url: str) -> list[int]:
    return [item["id"] for item in client.json(url)["items"]]


def test_the_case_lists_filters_and_sort_apply(api, world, session):
    make_school(session, "100002", "Birch Lane Primary School")
    early = world["cases"][TRAFFORD]
    overdue = start_case(session, "100002", check_due_on="2020-03-02")
    session.commit()
    client = api[TRAFFORD]
    assert ids(client, "/api/v1/cases") == [overdue.id, early.id]
    assert ids(client, "/api/v1/cases?sort=opened-asc") == [early.id, overdue.id]
    assert ids(client, "/api/v1/cases?school=Birch") == [overdue.id]
    assert ids(client, "/api/v1/cases?step=check_concern&la=358") == [overdue.id, early.id]
    assert ids(client, "/api/v1/cases?status=closed") == []
    listed = client.json("/api/v1/cases?school=100002")["items"][0]
    assert set(listed) >= {"next_deadline", "working_days_left", "is_overdue"}


def test_a_filter_case_search_refuses_is_a_422_problem_naming_it(api, world):
    response = api[TRAFFORD].get("/api/v1/cases?la=trafford&opened_from=2026-05-01&opened_to=2026-04-01")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert {e["field"] for e in response.get_json()["errors"]} == {"la", "opened_to"}
