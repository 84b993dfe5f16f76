"""Definitions belong to an organisation: an authority's own version of a route is used by that
authority's new cases only; every other authority's cases start on the national default."""
from __future__ import annotations

from engine import definitions, runtime
from tests.engine.conftest import open_tasks, read_fixture

NATIONAL = read_fixture("ten_tasks")
LOCAL = NATIONAL.replace('name="Step 1"', 'name="Step 1 (Trafford)"', 1)


def first_step_name(session, case) -> str:
    return open_tasks(session, case.id)[0].name


def start(session, owner: str):
    return runtime.start_instance(session, "ten_tasks", "officer", owner=owner, data={"started_on": "2026-12-18"})


def test_each_authoritys_new_cases_start_on_its_own_version_else_the_national_one(session):
    national = definitions.deploy(session, NATIONAL, "national owner")
    local = definitions.deploy(session, LOCAL, "trafford owner", owner="358")
    assert (national.owner, national.version) == (None, 1) and (local.owner, local.version) == ("358", 1)
    trafford, derbyshire = start(session, "358"), start(session, "830")
    assert trafford.definition_id == local.id and first_step_name(session, trafford) == "Step 1 (Trafford)"
    assert derbyshire.definition_id == national.id and first_step_name(session, derbyshire) == "Step 1"
    assert definitions.latest_definition(session, "ten_tasks").id == national.id


def test_versions_are_numbered_per_owner_and_running_cases_keep_theirs(session):
    definitions.deploy(session, NATIONAL, "national owner")
    first_local = definitions.deploy(session, LOCAL, "trafford owner", owner="358")
    running = start(session, "358")
    second_local = definitions.deploy(session, LOCAL.replace("(Trafford)", "(Trafford, 2026)"), "trafford owner",
                                      owner="358")
    national_two = definitions.deploy(session, NATIONAL.replace('name="Step 2"', 'name="Step two"', 1), "national")
    assert (second_local.version, national_two.version) == (2, 2)
    assert start(session, "358").definition_id == second_local.id
    assert start(session, "830").definition_id == national_two.id
    assert running.definition_id == first_local.id
    [task] = open_tasks(session, running.id)
    runtime.complete_task(session, task.id, "officer", {"answer_1": "a"})
    assert first_step_name(session, running) == "Step 2" and running.definition_id == first_local.id


def test_an_unchanged_file_is_not_redeployed_for_the_same_owner_but_is_for_another(session):
    national = definitions.deploy(session, NATIONAL, "national owner")
    assert definitions.deploy(session, NATIONAL, "national owner").id == national.id
    own_copy = definitions.deploy(session, NATIONAL, "trafford owner", owner="358")
    assert own_copy.id != national.id and own_copy.version == 1
    assert definitions.current_version(session, "ten_tasks", "830") is None
