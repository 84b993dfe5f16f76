"""Scripts run in RestrictedPython: a hostile script errs its own case and nothing else."""
from __future__ import annotations

import pytest

from engine import definitions, runtime, scripting
from engine.errors import Conflict
from engine.scripting import RestrictedEnvironment, ScriptRejected, check_expression
from tests.engine.conftest import open_tasks, read_fixture


@pytest.mark.parametrize("fixture, forbidden", [("hostile_import", "__import__"),
                                                ("hostile_subclasses", "__subclasses__")])
def test_hostile_script_puts_only_its_case_in_error(session, deploy, fixture, forbidden):
    deploy(fixture)
    deploy("ten_tasks")
    hostile = runtime.start_instance(session, fixture, "officer")
    bystander = runtime.start_instance(session, "ten_tasks", "officer", data={"started_on": "2026-01-05"})
    runtime.complete_task(session, open_tasks(session, hostile.id)[0].id, "officer", {})
    assert hostile.status == "error"
    assert "hostile_script" in hostile.error_message and forbidden in hostile.error_message
    assert "sandbox" in hostile.error_message
    # Other cases carry on.
    runtime.complete_task(session, open_tasks(session, bystander.id)[0].id, "officer", {"answer_1": "fine"})
    assert bystander.status == "running" and open_tasks(session, bystander.id)[0].bpmn_id == "step_2"


def test_retry_after_error_runs_the_failed_step_again(session, deploy):
    deploy("hostile_import")
    case = runtime.start_instance(session, "hostile_import", "officer")
    runtime.complete_task(session, open_tasks(session, case.id)[0].id, "officer", {})
    assert case.status == "error"
    runtime.retry_instance(session, case.id, "manager")
    # Still hostile: still in error, with the failure recorded again, and nothing lost.
    assert case.status == "error" and open_tasks(session, case.id) == []


def test_retry_succeeds_once_the_cause_is_fixed(session):
    broken = {"yes": True}

    def directory_lookup() -> bool:
        if broken["yes"]:
            raise ConnectionError("directory unavailable")
        return True

    scripting.register_function("directory_lookup", directory_lookup)
    xml = read_fixture("lanes_gateway").replace('route == "divide" and 1 / 0',
                                                'route == "divide" and directory_lookup()')
    definitions.deploy(session, xml, "owner")
    case = runtime.start_instance(session, "lanes_gateway", "officer")
    runtime.complete_task(session, open_tasks(session, case.id)[0].id, "officer", {"route": "divide"})
    assert case.status == "error" and "directory unavailable" in case.error_message
    broken["yes"] = False
    runtime.retry_instance(session, case.id, "manager")
    assert case.status == "completed" and case.error_message is None
    with pytest.raises(Conflict, match="not in error"):
        runtime.retry_instance(session, case.id, "manager")


def evaluate(expression: str, **data):
    return RestrictedEnvironment().evaluate(expression, dict(data))


def test_expressions_see_task_data_and_registered_functions():
    scripting.register_function("double", lambda x: 2 * x)
    assert evaluate("${double(n) + 1}", n=20) == 41
    assert evaluate("PT5S") == "PT5S"
    assert evaluate("2026-01-13T00:00:00+00:00") == "2026-01-13T00:00:00+00:00"


@pytest.mark.parametrize("expression", [
    "__import__('os')", "().__class__.__subclasses__()", "open('/etc/passwd').read()",
    "getattr(x, 'y')", "eval('1')",
])
def test_dangerous_expressions_are_refused(expression):
    with pytest.raises((ScriptRejected, NameError)):
        evaluate(expression, x=1)


def test_check_expression_names_unknown_functions_and_bad_syntax():
    assert "unknown function 'launch'" in check_expression("launch(1)")
    assert "sandbox" in check_expression("a ==")
    assert check_expression("len(items) > 2") is None


def test_task_data_shadows_a_registered_function_of_the_same_name():
    scripting.register_function("double", lambda x: 2 * x)
    data = {"double": 3}
    RestrictedEnvironment().execute("y = double + 1", data)
    assert data == {"double": 3, "y": 4}
    assert evaluate("double(2)", n=1) == 4


def test_script_writes_back_task_data():
    data = {"a": 1}
    RestrictedEnvironment().execute("b = a + 1\nc = [i for i in range(3)]", data)
    assert data == {"a": 1, "b": 2, "c": [0, 1, 2]}
