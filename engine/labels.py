"""How a problem names the element it is about, in words a process owner reads on the diagram:
"Task 'Review compliance'", "Gateway 'Complied?'", "Flow 'to_review'" (its id when it has no name)."""
from __future__ import annotations

from typing import Any

from .parser import BPMN_NS

#: BPMN element kinds (the XML's local names) in the words the modeller's palette uses.
KIND_WORDS = {
    "task": "Task", "userTask": "Task", "manualTask": "Manual task", "serviceTask": "Service task",
    "scriptTask": "Script task", "businessRuleTask": "Decision task", "sendTask": "Send task",
    "receiveTask": "Receive task", "callActivity": "Call activity", "subProcess": "Sub-process",
    "transaction": "Transaction", "adHocSubProcess": "Ad hoc sub-process",
    "exclusiveGateway": "Gateway", "inclusiveGateway": "Inclusive gateway", "parallelGateway": "Parallel gateway",
    "eventBasedGateway": "Event gateway", "complexGateway": "Complex gateway",
    "startEvent": "Start event", "endEvent": "End event", "intermediateCatchEvent": "Event",
    "intermediateThrowEvent": "Event", "boundaryEvent": "Boundary event", "sequenceFlow": "Flow",
    "process": "Process", "lane": "Lane", "participant": "Pool",
    # SpiffWorkflow's spec classes where their names differ from the XML's
    "noneTask": "Task", "subWorkflowTask": "Sub-process", "transactionSubprocess": "Transaction",
    "adHocSubprocess": "Ad hoc sub-process", "eventSubprocess": "Event sub-process", "standardLoopTask": "Task",
    "parallelMultiInstanceTask": "Task", "sequentialMultiInstanceTask": "Task",
}


def element_label(kind: str | None, name: str | None, element_id: str | None) -> str:
    word = KIND_WORDS.get(kind or "", "Element")
    shown = (name or "").strip() or element_id or "?"
    return f"{word} '{shown}'"


def node_label(node: Any) -> str:
    """The label of an lxml element of the BPMN file."""
    tag = node.tag if isinstance(node.tag, str) else ""
    kind = tag.split("}", 1)[1] if tag.startswith(f"{{{BPMN_NS}}}") else None
    return element_label(kind, node.get("name"), node.get("id"))


def label_in(root: Any, element_id: str) -> str:
    """The label of the element with this id anywhere in the file (its id alone if none has it)."""
    for node in root.iter():
        if node.get("id") == element_id:
            return node_label(node)
    return f"Element '{element_id}'"


def spec_label(task_spec: Any) -> str:
    """The label of a parsed SpiffWorkflow task spec (UserTask, BoundaryEvent, ExclusiveGateway...)."""
    class_name = type(task_spec).__name__
    kind = class_name[:1].lower() + class_name[1:]
    return element_label(kind, getattr(task_spec, "bpmn_name", None), getattr(task_spec, "bpmn_id", None))
