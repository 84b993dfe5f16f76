"""Every endpoint of the JSON API is scoped as the web is (issue 11 points 6 and 8): an authority
never sees another's case, task or deadline, by list or by id, and cannot act on them; a region
sees an authority's case only once it is shared with the region."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import definitions, runtime
from engine.models import Deadline, HumanTask

from .factories import DERBYSHIRE, NORTH_WEST, TRAFFORD, route_xml

LISTS = ("/api/v1/cases", "/api/v1/tasks?state=all", "/api/v1/deadlines")


def add_deadline(session, case):
    """A deadline as the engine writes one: with its case's scoping columns (owner, and the sharing
    too where deadlines keep a copy of it) as they are now."""
    sharing = {"shared_with": case.shared_with} if hasattr(Deadline, "shared_with") else {}
    session.add(Deadline(instance_id=case.id, owner=case.owner, deadline_id="reply", name="Reply to the notice",
                         due_on=case.started_at.date(), rule="15th working day", source="EIA 2006 s60(5)",
                         status="pending", **sharing))
    session.commit()


def case_ids(client, url: str) -> set[int]:
    return {item.get("case_id", item.get("id")) for item in client.json(url)["items"]}


def open_task(session, case) -> HumanTask:
    session.expire_all()
    return session.scalars(select(HumanTask).where(HumanTask.instance_id == case.id,
                                                   HumanTask.is_open.is_(True))).one()


@pytest.mark.parametrize("viewer, other", [(TRAFFORD, DERBYSHIRE), (DERBYSHIRE, TRAFFORD)])
def test_an_authority_lists_only_its_own_cases_tasks_and_deadlines(api, world, session, viewer, other):
    for case in world["cases"].values():
        add_deadline(session, case)
    own, theirs = world["cases"][viewer].id, world["cases"][other].id
    for url in LISTS:
        assert case_ids(api[viewer], url) == {own}, url
    assert case_ids(api[viewer], f"/api/v1/tasks?case_id={theirs}") == set()
    assert case_ids(api[viewer], f"/api/v1/deadlines?case_id={theirs}") == set()
    assert case_ids(api[viewer], "/api/v1/cases?school=200001" if viewer == TRAFFORD
                    else "/api/v1/cases?school=100001") == set()


@pytest.mark.parametrize("viewer, other", [(TRAFFORD, DERBYSHIRE), (DERBYSHIRE, TRAFFORD)])
def test_another_authoritys_case_and_task_are_not_found_and_cannot_be_acted_on(api, world, session, viewer, other):
    theirs = world["cases"][other]
    task = open_task(session, theirs)
    client = api[viewer]
    for url in (f"/api/v1/cases/{theirs.id}", f"/api/v1/cases/{theirs.id}/timeline", f"/api/v1/tasks/{task.id}"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert str(theirs.business_key) not in response.get_data(as_text=True)
    for action, body in (("claim", None), ("unclaim", None), ("complete", {"data": {}})):
        assert client.post(f"/api/v1/tasks/{task.id}/{action}", json=body).status_code == 404, action
    assert open_task(session, theirs).assignee is None


def test_the_same_requests_do_show_the_own_case(api, world, session):
    """The tests above would pass on an API that showed nothing."""
    case = world["cases"][TRAFFORD]
    task = open_task(session, case)
    client = api[TRAFFORD]
    shown = client.json(f"/api/v1/cases/{case.id}")
    assert shown["urn"] == "100001" and [t["id"] for t in shown["tasks"]] == [task.id]
    assert client.json(f"/api/v1/cases/{case.id}/timeline")[0]["action"] == "started"
    assert client.json(f"/api/v1/tasks/{task.id}")["may_act"] is True
    assert client.post(f"/api/v1/tasks/{task.id}/claim").status_code == 200


def share_with_the_region(session, case) -> None:
    """Complete the two authority steps: the regional director's decision opens, sharing the case."""
    runtime.complete_task(session, open_task(session, case).id, "cm@trafford.gov.uk",
                          {"concern_details": "Falling results", "visit_on": "2026-11-02", "severity": "high"})
    runtime.complete_task(session, open_task(session, case).id, "cm@trafford.gov.uk", {})
    session.commit()
    assert open_task(session, case).role == "regional_director" and case.shared_with == NORTH_WEST


def test_a_region_sees_an_authoritys_case_only_once_it_is_shared(api, world, session):
    case = world["cases"][TRAFFORD]
    add_deadline(session, case)
    region = api[NORTH_WEST]
    for url in LISTS:
        assert case_ids(region, url) == set(), url
    assert region.get(f"/api/v1/cases/{case.id}").status_code == 404

    share_with_the_region(session, case)
    session.delete(session.scalars(select(Deadline).where(Deadline.instance_id == case.id)).one())
    session.flush()
    add_deadline(session, case)  # written again at the next save, now with the sharing
    for url in LISTS:
        assert case_ids(region, url) == {case.id}, url
    decision = open_task(session, case)
    assert region.json(f"/api/v1/cases/{case.id}")["tasks"][0]["id"] == decision.id
    assert region.json(f"/api/v1/tasks/{decision.id}")["may_act"] is True
    # Derbyshire's case is in another region's school: never shared with the North West.
    assert region.get(f"/api/v1/cases/{world['cases'][DERBYSHIRE].id}").status_code == 404


def test_a_region_officer_completes_the_shared_step_through_the_api(api, world, session):
    case = world["cases"][TRAFFORD]
    share_with_the_region(session, case)
    decision = open_task(session, case)
    # The authority sees its case's step but holds no region role: it may not complete it.
    refused = api[TRAFFORD].post(f"/api/v1/tasks/{decision.id}/complete", json={"data": {"order_made": True}})
    assert refused.status_code == 403 and open_task(session, case).id == decision.id
    done = api[NORTH_WEST].post(f"/api/v1/tasks/{decision.id}/complete", json={"data": {"order_made": True}})
    assert done.status_code == 200, done.get_data(as_text=True)
    assert done.get_json()["is_open"] is False and done.get_json()["completed_by"] == "rd@education.gov.uk"
    assert api[TRAFFORD].json(f"/api/v1/cases/{case.id}")["status"] == "completed"


def test_an_organisations_own_process_version_is_invisible_to_others(api, world, session):
    definitions.deploy(session, route_xml().replace('name="Web test route"', 'name="Trafford route"'),
                       "po@trafford.gov.uk", owner=TRAFFORD, change_note="Ours")
    session.commit()
    mine = api[TRAFFORD].json("/api/v1/processes/web_route/versions")
    theirs = api[DERBYSHIRE].json("/api/v1/processes/web_route/versions")
    assert [(v["owner"], v["version"]) for v in mine] == [(None, 1), (TRAFFORD, 1)]
    assert [(v["owner"], v["version"]) for v in theirs] == [(None, 1)]
    assert api[TRAFFORD].json("/api/v1/processes")[0]["current"]["owner"] == TRAFFORD
    assert api[DERBYSHIRE].json("/api/v1/processes")[0]["current"]["owner"] is None
