"""Stored workflow state: restored the same whatever order JSON gives its keys back in, and
upgraded from an older version before it is restored."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from engine import definitions, runtime, state_versions
from engine.definitions import parsed_definition
from engine.models import ProcessInstance
from engine.serialization import load_state
from tests.engine.conftest import ENGINE_FIXTURES, open_tasks, read_fixture


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


# --- versions of stored state ---------------------------------------------------------------------

SAVED_TODAY = ENGINE_FIXTURES / "states" / "ten_tasks_after_step_2.json"


def restore_saved_case(session, version: str | None = None) -> ProcessInstance:
    """The committed state, as a case suspended before an upgrade and resumed after it."""
    saved = json.loads(SAVED_TODAY.read_text(encoding="utf-8"))
    definition = definitions.deploy(session, read_fixture(saved["process_key"]), "owner")
    now = datetime(2026, 12, 21, 9, 0, tzinfo=UTC)
    instance = ProcessInstance(
        definition=definition, definition_id=definition.id, process_key=saved["process_key"],
        business_key="100001", status="suspended", state=saved["state"],
        serializer_version=version or saved["serializer_version"], data=saved["data"], started_at=now,
        started_by="officer", updated_at=now)
    session.add(instance)
    session.flush()
    return runtime.resume_instance(session, instance.id, "manager")


def complete_next(session, case, expected: str, data: dict) -> None:
    [task] = open_tasks(session, case.id)
    assert task.bpmn_id == expected
    runtime.complete_task(session, task.id, "officer", data)


@pytest.fixture
def no_cache():
    previous = runtime.set_workflow_cache(False)
    yield
    runtime.set_workflow_cache(previous)


def add_root_marker(calls: list):
    def step(state: dict) -> None:
        calls.append(("product", "spec" in state))
        state["tasks"][state["root"]]["data"]["state_format"] = 2
    return step


def test_a_state_saved_today_loads_as_it_is(session, no_cache):
    assert json.loads(SAVED_TODAY.read_text())["serializer_version"] == state_versions.current_version()
    case = restore_saved_case(session)
    complete_next(session, case, "step_3", {"answer_3": "a3"})
    assert [case.data[f"answer_{n}"] for n in (1, 2, 3)] == ["a1", "a2", "a3"]
    assert case.data["started_on"] == "2026-12-18"


def test_a_state_saved_today_is_upgraded_by_a_step_once_the_format_is_bumped(session, no_cache, monkeypatch):
    calls: list = []
    monkeypatch.setattr(state_versions, "PRODUCT_FORMAT", 2)
    monkeypatch.setitem(state_versions._PRODUCT_STEPS, 1, add_root_marker(calls))
    case = restore_saved_case(session)
    assert calls == [("product", False)]
    assert case.serializer_version == "spiff-1.5+nospec-2"  # saved back at the new version
    complete_next(session, case, "step_3", {"answer_3": "a3"})
    assert calls == [("product", False)]  # the saved state is not upgraded twice
    assert (case.data["state_format"], case.data["answer_2"], case.data["answer_3"]) == (2, "a2", "a3")
    [step_4] = [t for t in runtime.load_workflow(case).get_tasks() if t.task_spec.name == "step_4"]
    assert step_4.data["state_format"] == 2


def test_spiffworkflows_own_migrations_run_first_with_the_spec_lent_to_them(session, no_cache, monkeypatch):
    calls: list = []
    monkeypatch.setattr(state_versions, "PRODUCT_FORMAT", 2)
    monkeypatch.setitem(state_versions._PRODUCT_STEPS, 1, add_root_marker(calls))
    real = state_versions.SPIFF_MIGRATIONS["1.4"]

    def from_1_4(state: dict) -> None:
        calls.append(("spiff", "task_specs" in state["spec"]))
        real(state)

    monkeypatch.setitem(state_versions.SPIFF_MIGRATIONS, "1.4", from_1_4)
    case = restore_saved_case(session, version="spiff-1.4+nospec-1")
    assert calls == [("spiff", True), ("product", False)]
    assert "spec" not in case.state and case.serializer_version == "spiff-1.5+nospec-2"
    complete_next(session, case, "step_3", {"answer_3": "a3"})
    assert case.data["answer_1"] == "a1"


@pytest.mark.parametrize(("version", "message"), [
    ("bench", "unknown version 'bench'"),
    ("spiff-1.9+nospec-1", "newer than this code's"),
    ("spiff-1.5+nospec-7", "newer than this code's"),
    ("spiff-0.9+nospec-1", "cannot migrate a state of its version 0.9"),
])
def test_a_state_this_code_cannot_read_is_refused_by_name(session, no_cache, version, message):
    with pytest.raises(state_versions.StateVersionError, match=message):
        restore_saved_case(session, version=version)


def test_a_format_without_its_step_is_refused(session, no_cache, monkeypatch):
    monkeypatch.setattr(state_versions, "PRODUCT_FORMAT", 2)
    with pytest.raises(state_versions.StateVersionError, match="no step upgrades stored state from format 1 to 2"):
        restore_saved_case(session)
