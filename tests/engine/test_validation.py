"""One validation function, every rule: each test has a small model of its own that breaks one rule,
and a model that keeps it, so each rule's test fails without the rule."""
from __future__ import annotations

import pytest

from engine import definitions
from engine.errors import InvalidDefinition
from workflows.registry import processes

FORM = ('<bpmn:extensionElements><camunda:formData><camunda:formField id="answer" label="Answer" type="string"/>'
        '</camunda:formData></bpmn:extensionElements>')


def task(task_id: str = "act", group: str = "link_adviser", extra: str = "", body: str = FORM,
         attributes: str = "") -> str:
    groups = f' camunda:candidateGroups="{group}"' if group else ""
    return f'<bpmn:userTask id="{task_id}" name="Act"{groups}{attributes}>{extra}{body}</bpmn:userTask>'


def model(elements: str, flows: str = "") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://intervene.test/bpmn">
  <bpmn:process id="rule" name="Rule" isExecutable="true">
    <bpmn:startEvent id="start"/>
    {elements}
    <bpmn:endEvent id="end"/>
    {flows}
  </bpmn:process>
</bpmn:definitions>"""


def flow(source: str, target: str, condition: str | None = None, flow_id: str | None = None) -> str:
    body = f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression>" if condition else ""
    return (f'<bpmn:sequenceFlow id="{flow_id or f"{source}_to_{target}"}" sourceRef="{source}" '
            f'targetRef="{target}">{body}</bpmn:sequenceFlow>')


def straight(elements: str = "") -> str:
    return model(task() + elements, flow("start", "act") + flow("act", "end"))


def found(xml: str) -> list[tuple[str, str, str]]:
    return [(p.element_id, p.severity, p.message) for p in definitions.validate(xml)]


def ids(xml: str, severity: str) -> list[str]:
    return [element for element, level, _message in found(xml) if level == severity]


def test_a_straight_model_has_no_problem():
    assert found(straight()) == []


def test_the_engines_parse_errors_are_reported():
    xml = model(task(), flow("start", "act") + flow("act", "nowhere"))
    assert ids(xml, "error") and all(level == "error" for _e, level, _m in found(xml))


def test_a_user_task_without_a_role_is_an_error():
    assert ids(model(task(group=""), flow("start", "act") + flow("act", "end")), "error") == ["act"]


def test_a_user_task_without_a_form_is_a_warning():
    xml = model(task(body=""), flow("start", "act") + flow("act", "end"))
    assert ids(xml, "warning") == ["act"] and ids(xml, "error") == []


def test_an_unknown_candidate_group_is_an_error():
    xml = model(task(group="wizard"), flow("start", "act") + flow("act", "end"))
    assert ids(xml, "error") == ["act"] and "unknown role 'wizard'" in found(xml)[0][2]


@pytest.mark.parametrize("due, message", [
    ("${add_working_days(", "expression"),
    ("${summon_deadline(started_on)}", "unknown function 'summon_deadline'"),
])
def test_a_due_date_that_does_not_compile_or_calls_no_such_function_is_an_error(due, message):
    xml = model(task(attributes=f' camunda:dueDate="{due}"'), flow("start", "act") + flow("act", "end"))
    assert ids(xml, "error") == ["act"] and message in found(xml)[0][2]


def test_a_timer_expression_calling_no_such_function_is_an_error():
    timer = ('<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDate>'
             'summon_deadline(started_on)</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')
    xml = model(task() + timer, flow("start", "wait") + flow("wait", "act") + flow("act", "end"))
    assert ids(xml, "error") == ["wait"]


def gateway(conditions: list[str | None], default: bool = False) -> str:
    targets = [f"act_{n}" for n in range(len(conditions))]
    default_attribute = f' default="gw_to_{targets[-1]}"' if default else ""
    elements = (f'<bpmn:exclusiveGateway id="gw"{default_attribute}/>'
                + "".join(task(target) for target in targets))
    flows = (flow("start", "gw") + "".join(flow("gw", t, c, f"gw_to_{t}") for t, c in zip(targets, conditions, strict=True))
             + "".join(flow(t, "end") for t in targets))
    return model(elements, flows)


def test_a_condition_that_does_not_compile_is_an_error():
    assert "gw" in ids(gateway(["answer ==", "answer == 'b'"], default=True), "error")


def test_a_gateway_without_a_default_where_no_condition_is_sure_to_hold_is_a_warning():
    assert ids(gateway(["answer == 'a'", "answer == 'b'"]), "warning") == ["gw"]


@pytest.mark.parametrize("conditions, default", [
    (["answer == 'a'", "answer == 'b'"], True),
    (["answer == 'a'", "answer != 'a'"], False),
    (["${agreed}", "${not agreed}"], False),
])
def test_a_gateway_with_a_default_or_a_condition_sure_to_hold_is_fine(conditions, default):
    assert found(gateway(conditions, default)) == []


def test_an_element_no_flow_reaches_is_an_error():
    xml = model(task() + task("orphan"), flow("start", "act") + flow("act", "end") + flow("orphan", "end"))
    assert ids(xml, "error") == ["orphan"] and "cannot be reached" in found(xml)[0][2]


def test_an_element_that_cannot_reach_an_end_is_an_error():
    # act -> again -> act forever: no path leaves the loop for the end event.
    xml = model(task() + task("again"), flow("start", "act") + flow("act", "again") + flow("again", "act"))
    problems = {element: message for element, _level, message in found(xml)}
    assert sorted(element for element, message in problems.items() if "cannot reach an end" in message) == [
        "act", "again", "start"]
    assert "cannot be reached" in problems.pop("end") and len(problems) == 3


def test_a_boundary_event_path_counts_as_reachable():
    boundary = ('<bpmn:boundaryEvent id="late" attachedToRef="act"><bpmn:timerEventDefinition><bpmn:timeDuration>'
                '"P10D"</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
                + task("chase"))
    xml = model(task() + boundary, flow("start", "act") + flow("act", "end") + flow("late", "chase")
                + flow("chase", "end"))
    assert ids(xml, "error") == []


def legal(documentation: str) -> str:
    extra = (f"<bpmn:documentation>{documentation}</bpmn:documentation>" if documentation else "")
    body = FORM.replace("</bpmn:extensionElements>", '<camunda:properties><camunda:property name="legal_source" '
                        'value="EIA 2006 s60"/></camunda:properties></bpmn:extensionElements>')
    return model(task(extra=extra, body=body), flow("start", "act") + flow("act", "end"))


@pytest.mark.parametrize("documentation", ["", "Give the school the notice."])
def test_a_statutory_step_whose_documentation_names_no_source_is_an_error(documentation):
    assert ids(legal(documentation), "error") == ["act"]


def test_a_statutory_step_citing_its_source_is_fine():
    assert found(legal("Give the school the notice (EIA 2006 s60).")) == []


def test_deploy_refuses_errors_only_and_keeps_the_warnings(session):
    with pytest.raises(InvalidDefinition):
        definitions.deploy(session, model(task(group=""), flow("start", "act") + flow("act", "end")), "owner")
    xml = gateway(["answer == 'a'", "answer == 'b'"])
    assert definitions.deploy(session, xml, "owner").version == 1
    assert [p.element_id for p in definitions.parse_process(xml).problems] == ["gw"]


@pytest.mark.parametrize("key", sorted(processes()))
def test_every_shipped_route_validates_with_no_error(key):
    package = processes()[key]
    errors = [p for p in definitions.validate(package.read_bpmn(), package.read_dmn()) if p.severity == "error"]
    assert errors == []


def enum_gateway(required: bool, values: tuple[str, ...] = ("a", "b")) -> str:
    constraint = '<camunda:validation><camunda:constraint name="required"/></camunda:validation>' if required else ""
    form = ('<bpmn:extensionElements><camunda:formData><camunda:formField id="answer" label="Answer" type="enum">'
            f'{constraint}<camunda:value id="a" name="A"/><camunda:value id="b" name="B"/></camunda:formField>'
            '</camunda:formData></bpmn:extensionElements>')
    conditions = [f"answer == '{v}'" for v in values]
    return gateway(conditions).replace(FORM, form, 1)


def test_a_gateway_testing_every_value_of_a_required_enum_is_sure_to_take_a_flow():
    assert found(enum_gateway(required=True)) == []
    assert ids(enum_gateway(required=False), "warning") == ["gw"]  # the field may be left empty
    assert ids(enum_gateway(required=True, values=("a", "c")), "warning") == ["gw"]
