"""Stored workflow state: restored the same whatever order JSON gives its keys back in."""
from __future__ import annotations

from engine import runtime
from engine.definitions import parsed_definition
from engine.serialization import load_state
from tests.engine.conftest import open_tasks


def test_a_state_restores_whatever_order_its_tasks_come_in(session, deploy):
    """SpiffWorkflow rebuilds a task's data from its parent's; jsonb, or any tool that sorts keys,
    hands the tasks back in another order than they were written."""
    deploy("ten_tasks")
    case = runtime.start_instance(session, "ten_tasks", "officer", data={"started_on": "2026-12-18"})
    for n in (1, 2):
        runtime.complete_task(session, open_tasks(session, case.id)[0].id, "officer", {f"answer_{n}": f"a{n}"})
    state = dict(case.state)
    state["tasks"] = dict(reversed(list(state["tasks"].items())))
    restored = load_state(state, parsed_definition(case.definition))
    original = runtime.load_workflow(case)
    by_id = {str(task.id): task.data for task in original.get_tasks()}
    assert {str(task.id): task.data for task in restored.get_tasks()} == by_id
    [ready] = [task for task in restored.get_tasks() if task.task_spec.name == "step_3"]
    assert (ready.data["started_on"], ready.data["answer_2"]) == ("2026-12-18", "a2")
