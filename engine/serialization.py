"""Workflow state to and from JSON, without the spec.

SpiffWorkflow's serializer writes the whole process spec into every saved state; for a 10-step
model that is most of the bytes and most of the time. The definition row already holds the BPMN,
and parsed specs are cached by sha256, so the state keeps only tasks and data and the spec is
supplied back on load. Versions and upgrades of stored states: state_versions.py.
"""
from __future__ import annotations

from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    TaskConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.task import Task

from .branch_data import CaseWorkflow
from .definitions import ParsedProcess
from .state_versions import current_version, upgrade


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        dct = dict(dct)
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(_parents_first(dct["tasks"], dct["root"]), UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dict(dct["subprocesses"]), workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class StableTaskConverter(TaskConverter):
    """SpiffWorkflow's task converter, with the keys a task dropped from its parent's data sorted:
    their order follows the parent's dict, which a restore rebuilds in another order, so the same
    workflow would otherwise serialize differently after a save and restore."""

    def to_dict(self, task: Task) -> dict[str, Any]:
        dct = super().to_dict(task)
        if dct["delta"]:
            dct["delta"]["deletions"] = sorted(dct["delta"]["deletions"])
        return dct


def _parents_first(tasks: dict[str, Any], root: str) -> dict[str, Any]:
    """The tasks in tree order. SpiffWorkflow stores a task's data as changes to its parent's and
    rebuilds it from the parent already restored, so a child met before its parent would come back
    with no data at all: JSON object order is not something a database (jsonb) or a tool that
    sorts keys keeps."""
    ordered: dict[str, Any] = {}
    pending = [root]
    while pending:
        task_id = pending.pop()
        if task_id in tasks and task_id not in ordered:
            ordered[task_id] = tasks[task_id]
            pending.extend(reversed(tasks[task_id]["children"]))
    ordered.update((key, value) for key, value in tasks.items() if key not in ordered)
    return ordered


def _make_serializer() -> tuple[BpmnWorkflowSerializer, SpeclessWorkflowConverter]:
    config = dict(CAMUNDA_CONFIG)
    config.pop(BpmnWorkflow)
    config[Task] = StableTaskConverter
    registry = BpmnWorkflowSerializer.configure(config)
    # Stored states keep SpiffWorkflow's typename: a CaseWorkflow is a BpmnWorkflow with a record.
    converter = SpeclessWorkflowConverter(CaseWorkflow, registry, typename="BpmnWorkflow")
    return BpmnWorkflowSerializer(registry), converter


_SERIALIZER, _CONVERTER = _make_serializer()


def spec_registry():
    """The serializer's registry, which SpiffWorkflow's spec diff (migrations) compares specs with."""
    return _SERIALIZER.registry


def dump_state(workflow: BpmnWorkflow) -> dict[str, Any]:
    return _SERIALIZER.to_dict(workflow)


def load_state(state: dict[str, Any], parsed: ParsedProcess, version: str | None = None) -> BpmnWorkflow:
    """Restore a state saved at `version` (upgraded first if older); None means the current one."""
    state = upgrade(state, version or current_version(), lambda: _serialized_specs(parsed))
    return _CONVERTER.from_dict(state, spec=parsed.spec, subprocess_specs=parsed.subprocess_specs)


def _serialized_specs(parsed: ParsedProcess) -> dict[str, Any]:
    return {"spec": _SERIALIZER.to_dict(parsed.spec),
            "subprocess_specs": {name: _SERIALIZER.to_dict(spec) for name, spec in parsed.subprocess_specs.items()}}
