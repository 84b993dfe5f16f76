"""Generic BPMN rules the engine's parser does not enforce, read from the file's XML.

A model can parse and still be wrong: an element no token can reach, a loop with no way out, a
gateway where a case may find no condition true and stop with an error. These rules know nothing
of schools; workflows/ registers the domain's rules (roles, forms, legal sources) beside them.
"""
from __future__ import annotations

import ast

from .errors import Problem
from .labels import node_label
from .parser import BPMN_NS, CAMUNDA_NS
from .scripting import strip_expression

_TAG = f"{{{BPMN_NS}}}"
ACTIVITIES = {"task", "userTask", "serviceTask", "scriptTask", "businessRuleTask", "sendTask", "receiveTask",
              "manualTask", "callActivity", "subProcess", "transaction", "adHocSubProcess"}
GATEWAYS = {"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway"}
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
FLOW_NODES = ACTIVITIES | GATEWAYS | EVENTS
_TRUE = {"true", "1", "=true", "${true}"}


def _local(element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag[len(_TAG):] if tag.startswith(_TAG) else ""


def structural_problems(root) -> list[Problem]:
    """Problems in every process and sub-process of the file (bpmn:definitions root)."""
    problems: list[Problem] = []
    for process in root.findall(f"{_TAG}process"):
        if process.get("isExecutable", "true").lower() == "true":
            problems.extend(_scope_problems(process))
    return problems


def _scope_problems(scope, enums: dict[str, set[str]] | None = None) -> list[Problem]:
    enums = _required_enums(scope) if enums is None else enums
    nodes = {e.get("id"): e for e in scope if _local(e) in FLOW_NODES and e.get("id")}
    flows = [e for e in scope if _local(e) == "sequenceFlow"]
    problems = _reachability(scope, nodes, flows)
    problems.extend(_gateway_problems(nodes, flows, enums))
    for node in nodes.values():
        if _local(node) in ("subProcess", "transaction", "adHocSubProcess"):
            problems.extend(_scope_problems(node, enums))
    return problems


def _required_enums(process) -> dict[str, set[str]]:
    """{field id: its values} for the required enum fields of the process's forms: a gateway whose
    conditions test every value of one is sure to take a flow."""
    enums: dict[str, set[str]] = {}
    for form_field in process.iter(f"{{{CAMUNDA_NS}}}formField"):
        required = any(c.get("name") == "required" for c in form_field.iter(f"{{{CAMUNDA_NS}}}constraint"))
        if form_field.get("type") == "enum" and required:
            values = {v.get("id") for v in form_field.iter(f"{{{CAMUNDA_NS}}}value")}
            enums[form_field.get("id", "")] = enums.get(form_field.get("id", ""), values) & values
    return enums


def _edges(scope, nodes: dict, flows: list) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {node_id: set() for node_id in nodes}
    for flow in flows:
        if flow.get("sourceRef") in edges and flow.get("targetRef") in nodes:
            edges[flow.get("sourceRef")].add(flow.get("targetRef"))
    for node_id, node in nodes.items():
        attached = node.get("attachedToRef")
        if _local(node) == "boundaryEvent" and attached in edges:
            edges[attached].add(node_id)  # a boundary event fires while its activity runs
    catches = {_link_name(n): i for i, n in nodes.items() if _local(n) == "intermediateCatchEvent" and _link_name(n)}
    for node_id, node in nodes.items():
        name = _link_name(node)
        if _local(node) == "intermediateThrowEvent" and name in catches:
            edges[node_id].add(catches[name])
    return edges


def _link_name(node) -> str | None:
    link = node.find(f"{_TAG}linkEventDefinition")
    return None if link is None else (link.get("name") or node.get("name"))


def _starts(nodes: dict) -> set[str]:
    """Start events, and what something other than a sequence flow triggers: event sub-processes,
    compensation handlers, link catch events. An element no flow enters is not a start: the engine
    never runs it."""
    starts = set()
    for node_id, node in nodes.items():
        kind = _local(node)
        if (kind == "startEvent" or node.get("triggeredByEvent") == "true" or node.get("isForCompensation") == "true"
                or (kind == "intermediateCatchEvent" and _link_name(node))):
            starts.add(node_id)
    return starts


def _reachable(starts: set[str], edges: dict[str, set[str]]) -> set[str]:
    seen, pending = set(starts), list(starts)
    while pending:
        for target in edges.get(pending.pop(), ()):
            if target not in seen:
                seen.add(target)
                pending.append(target)
    return seen


def _reachability(scope, nodes: dict, flows: list) -> list[Problem]:
    edges = _edges(scope, nodes, flows)
    reached = _reachable(_starts(nodes), edges)
    backwards: dict[str, set[str]] = {node_id: set() for node_id in nodes}
    for source, targets in edges.items():
        for target in targets:
            backwards[target].add(source)
    # A path ends at an end event or where no flow leaves (BPMN's implicit end).
    ends = {i for i, n in nodes.items() if _local(n) == "endEvent" or not edges[i]}
    finishing = _reachable(ends, backwards)
    problems = []
    for node_id, node in nodes.items():
        label = _label(node)
        if node_id not in reached:
            problems.append(Problem(node_id, f"{label} cannot be reached from a start event: connect a flow into it"))
        elif node_id not in finishing:
            problems.append(Problem(node_id, f"{label} cannot reach an end: every path from it loops back; add a "
                                             "flow out of the loop"))
    return problems


def _label(node) -> str:
    return node_label(node)


def reference_problems(root) -> list[Problem]:
    """Flows from or to an element that is not in their process, a boundary event attached to
    nothing, a gateway whose default is not one of its flows, a timer with no time: checked before
    SpiffWorkflow parses the file, whose own messages for these name the wrong thing or none."""
    problems: list[Problem] = []
    for scope in [p for p in root.iter(f"{_TAG}process")] + [s for s in root.iter() if _local(s) in (
            "subProcess", "transaction", "adHocSubProcess")]:
        nodes = {e.get("id"): e for e in scope if _local(e) in FLOW_NODES and e.get("id")}
        flows = [e for e in scope if _local(e) == "sequenceFlow"]
        for flow in flows:
            source, target = nodes.get(flow.get("sourceRef")), nodes.get(flow.get("targetRef"))
            if source is None or target is None:
                problems.append(_dangling(flow, source, target))
        for node_id, node in nodes.items():
            timer = node.find(f"{_TAG}timerEventDefinition")
            if timer is not None and not any((timer.findtext(f"{_TAG}{kind}") or "").strip()
                                             for kind in ("timeDate", "timeDuration", "timeCycle")):
                problems.append(Problem(node_id, f"{_label(node)} is a timer with no time: give it a date, a "
                                                 "duration or a cycle"))
            attached = node.get("attachedToRef")
            if _local(node) == "boundaryEvent" and attached not in nodes:
                problems.append(Problem(node_id, f"{_label(node)} is attached to '{attached or ''}', which is not an "
                                                 "activity of its process: attach it to a task"))
            default = node.get("default")
            if default and default not in {f.get("id") for f in flows if f.get("sourceRef") == node_id}:
                problems.append(Problem(node_id, f"{_label(node)} names flow '{default}' as its default, but no such "
                                                 "flow leaves it: mark one of its own flows as the default"))
    return problems


def _dangling(flow, source, target) -> Problem:
    """Said of the element the flow does leave or reach, which the diagram shows; the flow cannot be drawn."""
    flow_id = flow.get("id") or "?"
    if source is not None:
        return Problem(source.get("id"), f"{_label(source)} has a flow ('{flow_id}') to '{flow.get('targetRef') or ''}', "
                                         "which is not an element of its process: connect the flow to an element")
    if target is not None:
        return Problem(target.get("id"), f"{_label(target)} has a flow ('{flow_id}') from "
                                         f"'{flow.get('sourceRef') or ''}', which is not an element of its process: "
                                         "connect the flow from an element")
    return Problem(flow_id, f"{_label(flow)} connects no elements of its process: delete it or connect both ends")


def _gateway_problems(nodes: dict, flows: list, enums: dict[str, set[str]]) -> list[Problem]:
    problems = []
    for node_id, node in nodes.items():
        if _local(node) not in ("exclusiveGateway", "inclusiveGateway"):
            continue
        outgoing = [f for f in flows if f.get("sourceRef") == node_id]
        if len(outgoing) < 2 or node.get("default"):
            continue
        conditions = [_condition(f) for f in outgoing]
        if not _one_sure_to_hold(conditions) and not _covers_an_enum(conditions, enums):
            problems.append(Problem(node_id, f"{_label(node)} has no default flow and no condition that is sure to "
                                             "hold: a case whose data matches none of its conditions stops in "
                                             "error; mark one flow as the default", "warning"))
    return problems


def _condition(flow) -> str | None:
    expression = flow.find(f"{_TAG}conditionExpression")
    return None if expression is None else (expression.text or "").strip()


def _one_sure_to_hold(conditions: list[str | None]) -> bool:
    """A flow with no condition or a literal true, or two conditions each the negation of the other
    (`x` and `not x`, `a == b` and `a != b`)."""
    if any(c is None or c.lower() in _TRUE for c in conditions):
        return True
    trees = [t for t in (_tree(c) for c in conditions if c) if t is not None]
    negations = {ast.dump(t) for t in (_negation(t) for t in trees) if t is not None}
    return any(ast.dump(t) in negations for t in trees)


def _covers_an_enum(conditions: list[str | None], enums: dict[str, set[str]]) -> bool:
    """Every condition is `field == "value"` (or `in (...)`) for one required enum field, and they test all its values."""
    tested: dict[str, set[str]] = {}
    for condition in conditions:
        tree = _tree(condition) if condition else None
        if not (isinstance(tree, ast.Compare) and isinstance(tree.left, ast.Name) and len(tree.ops) == 1):
            return False
        right = tree.comparators[0]
        if isinstance(tree.ops[0], ast.Eq) and isinstance(right, ast.Constant):
            values = [right.value]
        elif isinstance(tree.ops[0], ast.In) and isinstance(right, ast.Tuple | ast.List | ast.Set) \
                and all(isinstance(e, ast.Constant) for e in right.elts):
            values = [e.value for e in right.elts if isinstance(e, ast.Constant)]
        else:
            return False
        tested.setdefault(tree.left.id, set()).update(str(v) for v in values)
    return len(tested) == 1 and all(name in enums and enums[name] <= values for name, values in tested.items())


def _negation(tree: ast.expr) -> ast.expr | None:
    if isinstance(tree, ast.UnaryOp) and isinstance(tree.op, ast.Not):
        return tree.operand
    opposite = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot,
                ast.IsNot: ast.Is}
    if isinstance(tree, ast.Compare) and len(tree.ops) == 1 and type(tree.ops[0]) in opposite:
        return ast.Compare(tree.left, [opposite[type(tree.ops[0])]()], tree.comparators)
    return ast.UnaryOp(ast.Not(), tree)


def _tree(condition: str) -> ast.expr | None:
    try:
        return ast.parse(strip_expression(condition), mode="eval").body
    except SyntaxError:
        return None
