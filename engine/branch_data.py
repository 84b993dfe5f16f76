"""One case record shared by every branch of a workflow.

SpiffWorkflow gives each parallel branch its own copy of the data at the split, and merges the
copies only when the branches meet at a join. A branch that ends at its own end event (the Ofsted
route's "parents have the report") never meets the others, so what it recorded vanished from the
case; and at a join the copies are merged in the order the branches arrived, not the order their
steps were completed.

Here every completed step's changes go into a record kept in the workflow's own data (so it is
saved and restored with the state), and from there into every branch still running: the case's
data is one record, as process variables are in Camunda, whose form fields the models use. A key a
step changes after another branch changed it while that step was open is a conflict: the later
completion wins, and the conflict is kept for the audit log.
"""
from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.util.task import TaskState

#: Where the record lives in `workflow.data`; task data never holds this key.
RECORD_KEY = "intervene_case_record"
#: Keys another branch wrote into a task while it was open, in the task's internal data.
_OVERWRITTEN = "intervene_overwritten_keys"
_OPEN = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.FUTURE
_MISSING = object()


@dataclass
class DataConflict:
    key: str
    earlier_value: Any
    earlier_step: str
    later_value: Any
    later_step: str


class CaseWorkflow(BpmnWorkflow):
    """A BpmnWorkflow whose branches share one case record (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.data_conflicts: list[DataConflict] = []

    def _task_completed_notify(self, task) -> None:
        record_completion(self, task)
        super()._task_completed_notify(task)


def ensure_record(workflow: BpmnWorkflow, seed: dict[str, Any] | None = None) -> dict[str, Any]:
    """The workflow's record, created (from `seed`, for a state saved before records) if missing."""
    record = workflow.data.get(RECORD_KEY)
    if record is None:
        record = {"values": deepcopy(seed or {}), "writers": {}}
        workflow.data[RECORD_KEY] = record
    return record


def record_values(workflow: BpmnWorkflow) -> dict[str, Any] | None:
    record = workflow.data.get(RECORD_KEY)
    return None if record is None else record["values"]


def take_conflicts(workflow: BpmnWorkflow) -> list[DataConflict]:
    found = list(getattr(workflow, "data_conflicts", []))
    if found:
        workflow.data_conflicts = []
    return found


def _is_loop_child(task) -> bool:
    """A multi-instance or loop child: its data is its own item, merged back by the loop task."""
    return task.parent is not None and isinstance(task.parent.task_spec, LoopTask)


def _changes(task, values: dict[str, Any]) -> dict[str, Any]:
    """What this step itself set: a value unlike both what it inherited and the record's.

    A value equal to its parent's is inherited (SpiffWorkflow re-copies a parent's data into a
    waiting event, which may predate the record); one equal to the record's was shared into it.
    A join's data is only other branches' data merged, so a join changes nothing.
    """
    if isinstance(task.task_spec, Join) or _is_loop_child(task):
        return {}
    inherited = task.parent.data if task.parent is not None else {}
    return {key: value for key, value in task.data.items()
            if values.get(key, _MISSING) != value and inherited.get(key, _MISSING) != value}


def _step_name(task) -> str:
    spec = task.task_spec
    return getattr(spec, "bpmn_name", None) or getattr(spec, "bpmn_id", None) or spec.name


def record_completion(workflow: CaseWorkflow, task) -> None:
    record = ensure_record(workflow)
    values, writers = record["values"], record["writers"]
    changes = _changes(task, values)
    overwritten = task.internal_data.get(_OVERWRITTEN, [])
    for key, value in changes.items():
        writer = writers.get(key)
        if writer is not None and key in overwritten and writer["task"] != str(task.id):
            workflow.data_conflicts.append(DataConflict(key, deepcopy(values[key]), writer["step"],
                                                        deepcopy(value), _step_name(task)))
        values[key] = deepcopy(value)
        writers[key] = {"task": str(task.id), "step": _step_name(task)}
    _share(workflow, task, values, changes)


def _share(workflow: BpmnWorkflow, done, values: dict[str, Any], changes: dict[str, Any]) -> None:
    """Write the keys just changed into every open task of the other branches, marking them, and
    bring the completed task's new children up to the record (what they inherited from it may be
    stale: SpiffWorkflow re-copies a waiting event's data from its parent, which can predate the
    record). Other values of open tasks are theirs: a multi-instance task gathers its items."""
    for task in workflow.tasks.values():
        if task is done or not task.has_state(_OPEN) or _is_loop_child(task):
            continue
        if task.parent is done:
            for key, value in task.data.items():
                if key in values and values[key] != value:
                    task.data[key] = deepcopy(values[key])
            continue
        if task.is_descendant_of(done):
            continue
        written = [key for key, value in changes.items() if task.data.get(key, _MISSING) != value]
        for key in written:
            task.data[key] = deepcopy(values[key])
        if written:
            previous = task.internal_data.get(_OVERWRITTEN, [])
            task.internal_data[_OVERWRITTEN] = sorted(set(previous) | set(written))
