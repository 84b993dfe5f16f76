"""Deploying, validating and versioning process definitions."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine import definitions, runtime
from engine.errors import InvalidDefinition
from engine.models import ProcessDefinition
from tests.engine.conftest import open_tasks, read_fixture


def count_definitions(session) -> int:
    return session.scalar(select(func.count()).select_from(ProcessDefinition))


def test_deploy_stores_version_one_with_sha_and_who(session):
    definition = definitions.deploy(session, read_fixture("ten_tasks"), "owner@la.gov.uk", change_note="first")
    assert (definition.key, definition.version, definition.deployed_by) == ("ten_tasks", 1, "owner@la.gov.uk")
    assert definition.sha256 == definitions.content_sha256(read_fixture("ten_tasks"))
    assert definition.name == "Ten tasks"
    assert definition.deployed_at.tzinfo is not None


def test_redeploying_an_unchanged_file_keeps_the_version(session):
    first = definitions.deploy(session, read_fixture("ten_tasks"), "a")
    again = definitions.deploy(session, read_fixture("ten_tasks"), "b")
    assert again.id == first.id and count_definitions(session) == 1


def test_a_changed_file_becomes_the_next_version_and_running_cases_keep_theirs(session):
    xml = read_fixture("ten_tasks")
    definitions.deploy(session, xml, "a")
    old_case = runtime.start_instance(session, "ten_tasks", "officer", data={"started_on": "2026-01-05"})
    changed = xml.replace('name="Step 1"', 'name="First step"')
    v2 = definitions.deploy(session, changed, "a", change_note="rename step 1")
    new_case = runtime.start_instance(session, "ten_tasks", "officer", data={"started_on": "2026-01-05"})
    assert v2.version == 2
    assert old_case.definition.version == 1 and new_case.definition.version == 2
    assert open_tasks(session, old_case.id)[0].name == "Step 1"
    assert open_tasks(session, new_case.id)[0].name == "First step"
    # The old case still completes on its own version after the redeploy.
    runtime.complete_task(session, open_tasks(session, old_case.id)[0].id, "officer", {"answer_1": "x"})
    assert open_tasks(session, old_case.id)[0].name == "Step 2"


def test_invalid_bpmn_lists_every_problem_and_stores_nothing(session):
    with pytest.raises(InvalidDefinition) as raised:
        definitions.deploy(session, read_fixture("invalid_many"), "a")
    found = {(p.element_id, p.message.split(":")[0]) for p in raised.value.problems}
    assert {element for element, _ in found} == {"no_role", "bad_due", "bad_timer"}
    assert any("unknown function 'no_such_function'" in p.message for p in raised.value.problems)
    assert count_definitions(session) == 0


@pytest.mark.parametrize("text, expected", [
    ("this is not xml <", "not well-formed XML"),
    ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "DOCTYPE"),
    ('<?xml version="1.0"?><root/>', "not a BPMN 2.0 file"),
    ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"/>', "holds no process"),
    ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">'
     '<bpmn:process id="drawn" isExecutable="false"/></bpmn:definitions>',
     'Every process in the file is marked isExecutable="false"'),
])
def test_malformed_or_hostile_files_are_refused_with_a_message(session, text, expected):
    with pytest.raises(InvalidDefinition) as raised:
        definitions.deploy(session, text, "a")
    assert expected in str(raised.value)
    assert count_definitions(session) == 0


def test_a_flow_to_a_missing_element_names_the_element(session):
    broken = read_fixture("ten_tasks").replace('targetRef="step_2"', 'targetRef="step_two"')
    problems = definitions.validate(broken)
    # The element whose outgoing flow is broken, and the missing target the flow names.
    assert [(p.element_id, p.severity) for p in problems] == [("step_1", "error")]
    assert "step_two" in problems[0].message


def test_validate_reports_sandbox_refusals_as_warnings_that_do_not_block(session):
    problems = [p for p in definitions.validate(read_fixture("hostile_import")) if p.element_id == "hostile_script"]
    assert [(p.element_id, p.severity) for p in problems] == [("hostile_script", "warning")]
    assert "__import__" in problems[0].message
    assert definitions.deploy(session, read_fixture("hostile_import"), "a").version == 1


def test_lane_names_the_role_when_no_candidate_group_is_set(session):
    definitions.deploy(session, read_fixture("lanes_gateway"), "a")
    case = runtime.start_instance(session, "lanes_gateway", "officer")
    [decide] = open_tasks(session, case.id)
    assert decide.role == "link_adviser" and decide.candidate_groups == ["link_adviser"]


def test_parsed_specs_are_cached_by_sha(session):
    definition = definitions.deploy(session, read_fixture("ten_tasks"), "a")
    assert definitions.parsed_definition(definition) is definitions.parsed_definition(definition)


def test_domain_check_refuses_a_role_nobody_holds(session):
    xml = read_fixture("ten_tasks").replace('camunda:candidateGroups="link_adviser"',
                                            'camunda:candidateGroups="head_of_everything"', 1)
    problems = definitions.validate(xml)
    assert [(p.element_id, p.severity) for p in problems if p.severity == "error"] == [("step_1", "error")]
    assert "unknown role 'head_of_everything'" in problems[0].message


def test_a_running_case_loads_after_its_role_leaves_the_catalogue_while_deploys_stay_strict(
        session, monkeypatch):
    """A definition was validated when deployed; loading a running case must not re-judge it by
    today's roles (a 500 on every case of an older version), but a new deploy still must."""
    from workflows import roles

    definitions.deploy(session, read_fixture("ten_tasks"), "owner")
    case = runtime.start_instance(session, "ten_tasks", "officer", data={"started_on": "2026-12-18"})
    monkeypatch.setattr(roles, "ROLES_BY_ID", {k: r for k, r in roles.ROLES_BY_ID.items() if k != "link_adviser"})
    monkeypatch.setattr(roles, "_BY_NAME", {k: r for k, r in roles._BY_NAME.items() if r.id != "link_adviser"})
    previous = runtime.set_workflow_cache(False)
    try:
        definitions.clear_cache()
        for n in range(1, 11):
            [task] = open_tasks(session, case.id)
            runtime.complete_task(session, task.id, "officer", {f"answer_{n}": f"a{n}"})
        assert case.status == "completed"
    finally:
        runtime.set_workflow_cache(previous)
    changed = read_fixture("ten_tasks").replace('name="Step 1"', 'name="Step one"')
    with pytest.raises(InvalidDefinition, match="unknown role 'link_adviser'"):
        definitions.deploy(session, changed, "owner")
