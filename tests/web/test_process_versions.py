"""/processes/<key>/compare and /processes/<key>/migrate: who sees them, which versions and cases an
organisation sees, bad addresses, and a migration through the page."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from engine import definitions, runtime
from engine.models import AuditEvent, HumanTask, ProcessInstance
from tests.engine.conftest import read_fixture

from .factories import DERBYSHIRE, TRAFFORD, make_school, make_user
from .test_scoping_everywhere import unscoped  # noqa: F401, F811 (a fixture)

START = {"review_from": "2026-03-02"}


def start(session, urn: str, owner: str, through: tuple[tuple[str, dict], ...] = ()) -> ProcessInstance:
    instance = runtime.start_instance(session, "casework", "starter@test", urn, dict(START), owner=owner)
    for bpmn_id, data in through:
        [task] = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                         HumanTask.is_open.is_(True))).all()
        assert task.bpmn_id == bpmn_id
        runtime.complete_task(session, task.id, "officer@test", data)
    return instance


TO_REVIEW = (("informal_chat", {}), ("gather", {"summary": "weak"}))


@pytest.fixture
def cases(session):
    """Two Trafford cases (one at a step version 2 drops, one that can move) and one Derbyshire case
    that can move, all on national version 1; version 2 deployed after."""
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False):
        definitions.deploy(session, read_fixture("migration_v1"), "owner@test")
        make_school(session, "100001", "Ash Grove Primary School")
        make_school(session, "100002", "Birch Lane Primary School")
        make_school(session, "200001", "Peak Primary School", la_code=DERBYSHIRE, la_name="Derbyshire",
                    region="dfe-east-midlands")
        staying = start(session, "100001", TRAFFORD)
        moving = start(session, "100002", TRAFFORD, TO_REVIEW)
        theirs = start(session, "200001", DERBYSHIRE, TO_REVIEW)
        definitions.deploy(session, read_fixture("migration_v2"), "owner@test", change_note="March guidance")
        definitions.deploy(session, read_fixture("migration_v1"), "derbyshire@test", owner=DERBYSHIRE)
    return staying, moving, theirs


def signed_in_as(browser, session, email: str, roles: tuple[str, ...], organisation: str = TRAFFORD):
    make_user(session, email, organisation, roles)
    session.commit()
    browser.sign_in(email)
    return browser


@pytest.fixture
def owner(browser, session, cases):
    return signed_in_as(browser, session, "po@trafford.gov.uk", ("process_owner",))


def test_compare_lists_the_changes_in_words_and_marks_them_for_the_diagram(owner):
    page = owner.text("/processes/casework/compare?from=1&to=2")
    assert "Compare version 1 and version 2" in page
    assert "Task &#39;Tell the school&#39;: added." in page
    assert "Task &#39;Talk informally&#39;: removed." in page
    assert "Timer &#39;Wait for the reply&#39;: timer changed from P5D to P10D." in page
    assert "March guidance" in page
    assert '"added": ["notify_school"' in page or '"notify_school"' in page
    assert 'src="/static/dist/compare.js"' in page


def test_the_dry_run_lists_each_own_case_with_why_and_deadlines(owner, cases):
    staying, moving, theirs = cases
    page = owner.text("/processes/casework/migrate?from=1&to=2")
    assert f'id="case-{staying.id}" data-can-move="no"' in page
    assert "Its current step &#39;Talk informally&#39; is not in version 2." in page
    assert f'id="case-{moving.id}" data-can-move="yes"' in page
    assert "Birch Lane Primary School" in page
    assert "Thu 12 March 2026 → Sun 22 March 2026" in page
    assert f'id="case-{theirs.id}"' not in page and "Peak Primary School" not in page
    assert "Move 1 case" in page


def test_a_manager_sees_the_dry_run_but_cannot_move(browser, session, cases):
    manager = signed_in_as(browser, session, "cm@trafford.gov.uk", ("case_manager",))
    page = manager.text("/processes/casework/migrate?from=1&to=2")
    assert "Only a process owner can move cases" in page and 'id="move-cases"' not in page
    assert manager.text("/processes/casework/compare?from=1&to=2")
    response = manager.post("/processes/casework/migrate?from=1&to=2", {"reason": "x", "confirmed": "yes"})
    assert response.status_code == 403
    assert {i.definition_id for i in session.scalars(select(ProcessInstance))} == {cases[0].definition_id}


def test_other_officers_may_not_see_either_page(browser, session, cases):
    adviser = signed_in_as(browser, session, "la@trafford.gov.uk", ("link_adviser",))
    assert adviser.get("/processes/casework/compare?from=1&to=2").status_code == 403
    assert adviser.get("/processes/casework/migrate?from=1&to=2").status_code == 403


def test_moving_needs_a_reason_and_a_confirmation_and_changes_nothing_without(owner, session, cases):
    staying, moving, _ = cases
    response = owner.post("/processes/casework/migrate?from=1&to=2", {"reason": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter why the cases are being moved" in page and "Confirm that the cases" in page
    session.expire_all()
    assert session.get(ProcessInstance, moving.id).definition.version == 1


def test_moving_moves_only_the_movable_own_cases_and_reports_it(owner, session, cases):
    staying, moving, theirs = cases
    response = owner.post("/processes/casework/migrate?from=1&to=2",
                          {"reason": "March guidance", "confirmed": "yes"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "1 case moved to version 2." in page and "1 case could not move" in page
    session.expire_all()
    assert [session.get(ProcessInstance, i.id).definition.version for i in (staying, moving, theirs)] == [1, 2, 1]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "migrated")).one()
    assert (event.instance_id, event.actor) == (moving.id, "po@trafford.gov.uk")
    assert event.detail == "migrated from version 1 to 2: March guidance"


def test_derbyshire_moves_its_own_case_only(browser, session, cases):
    staying, moving, theirs = cases
    derbyshire = signed_in_as(browser, session, "po@derbyshire.gov.uk", ("process_owner",), DERBYSHIRE)
    page = derbyshire.text("/processes/casework/migrate?from=1&to=2")
    assert f'id="case-{theirs.id}"' in page and f'id="case-{moving.id}"' not in page
    derbyshire.post("/processes/casework/migrate?from=1&to=2", {"reason": "ours", "confirmed": "yes"})
    session.expire_all()
    assert [session.get(ProcessInstance, i.id).definition.version for i in (staying, moving, theirs)] == [1, 1, 2]
    # Its own line of versions is open to it, and national 2 to its own 1 is a comparison it may make.
    assert derbyshire.get(f"/processes/casework/compare?from=2&to={DERBYSHIRE}:1").status_code == 200


def test_another_authoritys_versions_are_not_there(owner):
    assert owner.get(f"/processes/casework/compare?from=1&to={DERBYSHIRE}:1").status_code == 404
    assert owner.get(f"/processes/casework/migrate?from={DERBYSHIRE}:1&to=2").status_code == 404


@pytest.mark.parametrize(("query", "status", "message"), [
    ("from=1&to=1", 400, "The two versions are the same: choose two different versions."),
    ("from=1", 400, "needs ?from="),
    ("from=one&to=2", 400, "&#39;one&#39; is not a version: give a version number such as 2, or national:2."),
    ("from=1&to=99", 404, "Page not found"),
    ("from=-1&to=2", 400, "is not a version"),
])
def test_bad_addresses_say_what_is_wrong(owner, query, status, message):
    for page in ("compare", "migrate"):
        response = owner.get(f"/processes/casework/{page}?{query}")
        assert response.status_code == status
        assert message in response.get_data(as_text=True)


def test_an_unknown_process_is_not_found(owner):
    assert owner.get("/processes/nothing_here/compare?from=1&to=2").status_code == 404
    assert owner.get("/processes/nothing_here/migrate?from=1&to=2").status_code == 404


def test_both_pages_read_case_data_only_through_the_organisation_rule(owner, unscoped):  # noqa: F811
    for url in ("/processes/casework/compare?from=1&to=2", "/processes/casework/migrate?from=1&to=2"):
        with unscoped.during(url):
            assert owner.get(url).status_code == 200
    assert unscoped.found == []


def test_a_move_without_the_forms_token_is_refused_and_changes_nothing(owner, session, cases):
    response = owner.client.post("/processes/casework/migrate?from=1&to=2",
                                 data={"reason": "March guidance", "confirmed": "yes"})
    assert response.status_code == 400
    session.expire_all()
    assert {i.definition.version for i in session.scalars(select(ProcessInstance))} == {1}
