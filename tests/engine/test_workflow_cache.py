"""The in-process workflow cache holds only what a committed transaction saved."""
from __future__ import annotations

import pytest
from SpiffWorkflow.util.task import TaskState

from engine import runtime
from engine.definitions import parsed_definition
from engine.models import ProcessInstance
from engine.serialization import dump_state, load_state
from tests.engine.conftest import deploy_fixture, open_tasks


@pytest.fixture
def cache_on():
    previous = runtime.set_workflow_cache(True)
    yield
    runtime.set_workflow_cache(previous)


def complete_elsewhere(session, instance_id: int, data: dict) -> None:
    """What another process (a worker, a second web process) does: its own workflow from the
    stored state, saved with the next lock_version, never touching this process's cache."""
    instance = session.get(ProcessInstance, instance_id)
    workflow = load_state(instance.state, parsed_definition(instance.definition))
    workflow.script_engine = runtime.SCRIPT_ENGINE
    [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
    task.data.update(data)
    task.run()
    workflow.do_engine_steps()
    instance.state = dump_state(workflow)
    session.commit()


def step_1_answer(instance) -> str:
    workflow = runtime.load_workflow(instance)
    [step] = [t for t in workflow.get_tasks() if t.task_spec.name == "step_1"]
    return step.data["answer_1"]


def test_a_completion_that_rolls_back_leaves_nothing_in_the_cache(committed, cache_on):
    with committed() as session:
        deploy_fixture(session, "ten_tasks")
        case = runtime.start_instance(session, "ten_tasks", "officer", data={"started_on": "2026-12-18"})
        session.commit()
        case_id, started_at = case.id, case.lock_version
    with committed() as session:
        [task] = open_tasks(session, case_id)
        runtime.complete_task(session, task.id, "officer", {"answer_1": "rolled back"})
        session.rollback()
    with committed() as session:
        complete_elsewhere(session, case_id, {"answer_1": "committed elsewhere"})
    with committed() as session:
        instance = session.get(ProcessInstance, case_id)
        assert instance.lock_version == started_at + 1  # the version the rolled-back save had reached
        assert step_1_answer(instance) == "committed elsewhere"


def test_a_committed_save_is_reused_by_the_next_transaction(committed, cache_on):
    with committed() as session:
        deploy_fixture(session, "ten_tasks")
        case = runtime.start_instance(session, "ten_tasks", "officer", data={"started_on": "2026-12-18"})
        [task] = open_tasks(session, case.id)
        runtime.complete_task(session, task.id, "officer", {"answer_1": "kept"})
        saved = runtime.load_workflow(case)  # the same transaction sees the workflow it saved
        runtime.workflow_cache.remember(session, case, saved)
        session.commit()
        case_id = case.id
    with committed() as session:
        instance = session.get(ProcessInstance, case_id)
        assert runtime.load_workflow(instance) is saved
