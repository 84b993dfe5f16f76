"""What changed between two versions of a process: as data (for the compare page's list and the
migration planner) and in words a process owner reads ("Task 'Review compliance': due date changed
from ... to ...").

Elements are matched by their BPMN id, which the modeller keeps when an element is edited, so an
element whose id is the same but whose name differs is *renamed*, not removed and added. Steps are
read from the parsed specs (so forms, lanes and timers are compared as the engine runs them);
sequence flows and their conditions, which SpiffWorkflow folds into its gateways, from the XML.
Generic: nothing here knows what the process is about.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.camunda.specs.user_task import UserTask

from .definitions import ParsedProcess, candidate_groups
from .parser import BPMN_NS, form_to_dict, parse_xml
from .scripting import strip_expression

ADDED, REMOVED, RENAMED, CHANGED = "added", "removed", "renamed", "changed"


@dataclass(frozen=True)
class Change:
    #: The BPMN id of the element (a step, event, gateway or sequence flow).
    element_id: str
    #: added, removed, renamed or changed.
    kind: str
    #: What changed: element, name, role, candidate_groups, form_field, due_date, follow_up_date,
    #: documentation, property, timer, type, flow, condition.
    aspect: str
    #: The element's kind and name as a person reads them ("Task 'Review compliance'").
    subject: str
    before: str | None = None
    after: str | None = None
    #: The form field or property concerned, for aspects that have one.
    detail: str | None = None
    #: What of the form field changed: type, label, required, choices, default.
    attribute: str | None = None

    @property
    def text(self) -> str:
        return describe(self)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "text": self.text}


def _quote(value: str | None) -> str:
    return "nothing" if value in (None, "") else str(value)


def describe(change: Change) -> str:
    """One sentence for the change."""
    if change.aspect == "element":
        return f"{change.subject}: {change.kind}."
    if change.kind == RENAMED:
        return f"{change.subject}: renamed from '{change.before}' to '{change.after}'."
    what = {"role": "role (lane)", "candidate_groups": "candidate groups", "due_date": "due date",
            "follow_up_date": "follow-up date", "timer": "timer", "type": "kind of element",
            "documentation": "documentation", "flow": "path", "condition": "condition"}.get(change.aspect, change.aspect)
    if change.aspect == "form_field":
        what = f"form field '{change.detail}'"
        if change.kind in (ADDED, REMOVED):
            return f"{change.subject}: {what} {change.kind}."
        what = f"{what}: {change.attribute}"
    elif change.aspect == "property":
        what = f"property '{change.detail}'"
    if change.aspect == "documentation":
        return f"{change.subject}: documentation changed."
    if change.aspect == "flow":
        return f"{change.subject}: now runs {change.after} (it ran {change.before})."
    return f"{change.subject}: {what} changed from {_quote(change.before)} to {_quote(change.after)}."


def _kind(task_spec) -> str:
    if isinstance(task_spec, UserTask):
        return "Task"
    if isinstance(getattr(task_spec, "event_definition", None), TimerEventDefinition):
        return "Timer"
    name = type(task_spec).__name__
    for word, label in (("Gateway", "Gateway"), ("Event", "Event"), ("Script", "Script step"),
                        ("CallActivity", "Sub-process"), ("SubWorkflow", "Sub-process")):
        if word in name:
            return label
    return "Step"


def subject(task_spec) -> str:
    return f"{_kind(task_spec)} '{task_spec.bpmn_name or task_spec.bpmn_id}'"


def elements(parsed: ParsedProcess) -> dict[str, Any]:
    """The process's BPMN elements by id (SpiffWorkflow's own helper specs, which have no BPMN id, left out)."""
    found: dict[str, Any] = {}
    for spec in parsed.all_specs():
        for task_spec in spec.task_specs.values():
            if getattr(task_spec, "bpmn_id", None):
                found.setdefault(task_spec.bpmn_id, task_spec)
    return found


def timer_expression(task_spec) -> str | None:
    definition = getattr(task_spec, "event_definition", None)
    return definition.expression if isinstance(definition, TimerEventDefinition) else None


def diff_definitions(old: ParsedProcess, new: ParsedProcess, old_xml: str | None = None,
                     new_xml: str | None = None) -> list[Change]:
    """Every change from `old` to `new`; flows are compared only when both XML texts are given."""
    before, after = elements(old), elements(new)
    changes: list[Change] = []
    for element_id, spec in after.items():
        if element_id not in before:
            changes.append(Change(element_id, ADDED, "element", subject(spec)))
    for element_id, spec in before.items():
        if element_id not in after:
            changes.append(Change(element_id, REMOVED, "element", subject(spec)))
        else:
            changes.extend(diff_element(spec, after[element_id]))
    if old_xml is not None and new_xml is not None:
        changes.extend(_flow_changes(old_xml, new_xml, before, after))
    return changes


def diff_element(old, new) -> list[Change]:
    """What changed on one element kept (same id) from one version to the next."""
    element_id, label = new.bpmn_id, subject(new)
    changes: list[Change] = []

    def changed(aspect: str, was: Any, now: Any, detail: str | None = None, kind: str = CHANGED) -> None:
        if was != now:
            changes.append(Change(element_id, kind, aspect, label, _text(was), _text(now), detail))

    changed("name", old.bpmn_name, new.bpmn_name, kind=RENAMED)
    changed("type", _kind(old), _kind(new))
    if isinstance(old, UserTask) and isinstance(new, UserTask):
        changed("role", old.lane, new.lane)
        changed("candidate_groups", ", ".join(candidate_groups(old)), ", ".join(candidate_groups(new)))
        for key in ("due_date", "follow_up_date", "assignee"):
            changed(key, _expression(old.extensions.get(key)), _expression(new.extensions.get(key)))
        changes.extend(_form_changes(element_id, label, old, new))
    changed("timer", _expression(timer_expression(old)), _expression(timer_expression(new)))
    changed("documentation", (old.documentation or "").strip(), (new.documentation or "").strip())
    old_properties, new_properties = _properties(old), _properties(new)
    for key in sorted(set(old_properties) | set(new_properties)):
        changed("property", old_properties.get(key), new_properties.get(key), detail=key)
    return changes


def _expression(value: str | None) -> str | None:
    """As a person reads it: without the ${...} the modeller wraps expressions in."""
    return strip_expression(value) if value else value


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _properties(task_spec) -> dict[str, str]:
    """camunda:properties (legal_source, letter...), without the attributes compared on their own."""
    skip = {"candidate_groups", "candidate_users", "assignee", "due_date", "follow_up_date"}
    return {k: v for k, v in getattr(task_spec, "extensions", {}).items() if isinstance(v, str) and k not in skip}


def form_fields(task_spec) -> dict[str, dict[str, Any]]:
    return {f["id"]: f for f in form_to_dict(getattr(task_spec, "form", None))["fields"]}


def _form_changes(element_id: str, label: str, old, new) -> list[Change]:
    was, now = form_fields(old), form_fields(new)
    changes = [Change(element_id, ADDED, "form_field", label, detail=_field_label(f))
               for key, f in now.items() if key not in was]
    changes.extend(Change(element_id, REMOVED, "form_field", label, detail=_field_label(f))
                   for key, f in was.items() if key not in now)
    for key in was.keys() & now.keys():
        for aspect, before, after in _field_aspects(was[key], now[key]):
            if before != after:
                changes.append(Change(element_id, CHANGED, "form_field", label, before or None, after or None,
                                      _field_label(now[key]), aspect))
    return sorted(changes, key=lambda c: (c.kind, c.detail or ""))


def _field_label(field: dict[str, Any]) -> str:
    return field["label"] if field["label"] == field["id"] else f"{field['label']} ({field['id']})"


def _field_aspects(was: dict[str, Any], now: dict[str, Any]) -> Iterable[tuple[str, str, str]]:
    yield "type", was["type"], now["type"]
    yield "label", was["label"], now["label"]
    yield "required", _required(was), _required(now)
    yield "choices", _choices(was), _choices(now)
    yield "default", str(was.get("default") or ""), str(now.get("default") or "")


def _required(field: dict[str, Any]) -> str:
    return "yes" if "required" in field.get("validation", {}) else "no"


def _choices(field: dict[str, Any]) -> str:
    return ", ".join(o["name"] for o in field.get("options", []))


def _flows(xml: str) -> dict[str, dict[str, str | None]]:
    flows = {}
    for flow in parse_xml(xml).iter(f"{{{BPMN_NS}}}sequenceFlow"):
        condition = flow.find(f"{{{BPMN_NS}}}conditionExpression")
        flows[flow.get("id", "")] = {"source": flow.get("sourceRef"), "target": flow.get("targetRef"),
                                     "name": flow.get("name"),
                                     "condition": (condition.text or "").strip() if condition is not None else None}
    return flows


def _flow_changes(old_xml: str, new_xml: str, before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    was, now = _flows(old_xml), _flows(new_xml)

    def name_of(element_id: str | None, specs: dict[str, Any]) -> str:
        spec = specs.get(element_id or "")
        return f"'{spec.bpmn_name or spec.bpmn_id}'" if spec is not None else f"'{element_id}'"

    def path(flow: dict[str, str | None], specs: dict[str, Any]) -> str:
        return f"{name_of(flow['source'], specs)} to {name_of(flow['target'], specs)}"

    def label(flow_id: str, flow: dict[str, str | None], specs: dict[str, Any]) -> str:
        return f"Path '{flow['name'] or flow_id}' from {path(flow, specs)}"

    changes = [Change(i, ADDED, "element", label(i, f, after)) for i, f in now.items() if i not in was]
    changes.extend(Change(i, REMOVED, "element", label(i, f, before)) for i, f in was.items() if i not in now)
    for flow_id in was.keys() & now.keys():
        old, new = was[flow_id], now[flow_id]
        heading = label(flow_id, new, after)
        if (old["source"], old["target"]) != (new["source"], new["target"]):
            changes.append(Change(flow_id, CHANGED, "flow", f"Path '{new['name'] or flow_id}'",
                                  f"from {path(old, before)}", f"from {path(new, after)}"))
        if old["condition"] != new["condition"]:
            changes.append(Change(flow_id, CHANGED, "condition", heading, old["condition"], new["condition"]))
    return sorted(changes, key=lambda c: c.element_id)


def changed_element_ids(changes: Iterable[Change]) -> dict[str, list[str]]:
    """Element ids by kind of change, for marking a diagram."""
    marks: dict[str, list[str]] = {ADDED: [], REMOVED: [], CHANGED: []}
    for change in changes:
        kind = CHANGED if change.kind == RENAMED or change.aspect != "element" else change.kind
        if change.element_id not in marks[kind]:
            marks[kind].append(change.element_id)
    return marks
