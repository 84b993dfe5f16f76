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


def test_the_engines_parse_errors_are_reported_on_their_element():
    xml = model('<bpmn:callActivity id="call" name="Ask the region"/>', flow("start", "call") + flow("call", "end"))
    assert found(xml) == [("call", "error", "Call activity 'Ask the region' cannot be read by the engine: No "
                                            "\"calledElement\" attribute for Call Activity")]


def test_a_flow_to_an_element_not_in_the_process_is_an_error_on_the_element_it_leaves():
    xml = model(task(), flow("start", "act") + flow("act", "nowhere"))
    assert found(xml) == [("act", "error", "Task 'Act' has a flow ('act_to_nowhere') to 'nowhere', which is not an "
                                           "element of its process: connect the flow to an element")]


def test_a_gateway_whose_default_is_not_one_of_its_flows_is_an_error():
    xml = gateway(["answer == 'a'", "answer == 'b'"]).replace('<bpmn:exclusiveGateway id="gw"',
                                                              '<bpmn:exclusiveGateway id="gw" default="gone"')
    assert ids(xml, "error") == ["gw"] and "names flow 'gone' as its default" in found(xml)[0][2]


def test_a_timer_with_no_time_is_an_error():
    timer = '<bpmn:intermediateCatchEvent id="wait" name="Wait"><bpmn:timerEventDefinition/></bpmn:intermediateCatchEvent>'
    xml = model(task() + timer, flow("start", "wait") + flow("wait", "act") + flow("act", "end"))
    assert found(xml) == [("wait", "error", "Event 'Wait' is a timer with no time: give it a date, a duration or a "
                                            "cycle")]


def test_a_user_task_without_a_role_is_an_error():
    xml = model(task(group=""), flow("start", "act") + flow("act", "end"))
    assert found(xml) == [("act", "error", "Task 'Act' has no role: put it in a lane whose name is a role, e.g. "
                                           "'Link adviser' or 'Senior adviser', or give it candidate groups, so that "
                                           "it reaches someone's inbox")]


def in_lane(lane: str, group: str = "") -> str:
    lanes = (f'<bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="{lane}"><bpmn:flowNodeRef>act</bpmn:flowNodeRef>'
             '</bpmn:lane></bpmn:laneSet>')
    return model(lanes + task(group=group), flow("start", "act") + flow("act", "end"))


def test_a_lane_named_for_a_role_gives_the_task_its_role():
    assert found(in_lane("Link adviser")) == [] and found(in_lane("senior_adviser")) == []


def test_a_lane_named_for_no_role_is_an_error_that_suggests_the_nearest():
    problems = found(in_lane("Link advisor"))
    assert [(e, level) for e, level, _m in problems] == [("act", "error")]
    assert problems[0][2] == ("Task 'Act' is in a lane named for unknown role 'Link advisor' (no one holds that role, "
                              "so the task would reach no inbox): did you mean 'Link adviser' (role id link_adviser)?")


def test_a_candidate_group_that_sends_the_task_to_another_lanes_role_is_a_warning():
    problems = found(in_lane("Senior adviser", group="link_adviser"))
    assert problems == [("act", "warning", "Task 'Act' is in lane 'Senior adviser' but its candidate group sends it "
                                           "to the Link adviser: move it to that lane, or change the group")]


def test_a_user_task_without_a_form_is_a_warning():
    xml = model(task(body=""), flow("start", "act") + flow("act", "end"))
    assert ids(xml, "warning") == ["act"] and ids(xml, "error") == []
    assert found(xml)[0][2].startswith("Task 'Act' has no form: the officer can only mark it done")


def test_an_unknown_candidate_group_is_an_error():
    xml = model(task(group="wizard"), flow("start", "act") + flow("act", "end"))
    assert ids(xml, "error") == ["act"]
    assert found(xml)[0][2].startswith("Task 'Act' goes to unknown role 'wizard' (its candidate group): use a role's")


@pytest.mark.parametrize("attribute, due, message", [
    ("dueDate", "${add_working_days(", "Task 'Act': the due date cannot be worked out, because its expression "
                                       "'${add_working_days(' cannot run: it is refused by the script sandbox"),
    ("dueDate", "${summon_deadline(started_on)}", "Task 'Act': the due date cannot be worked out, because its "
                                                  "expression 'summon_deadline(started_on)' calls unknown function "
                                                  "'summon_deadline': it is not one of the"),
    ("followUpDate", "${working_days_aftr(started_on, 5)}", "Task 'Act': the follow-up date cannot be worked out, "
                                                            "because its expression 'working_days_aftr(started_on, 5)' "
                                                            "calls unknown function 'working_days_aftr': did you mean "
                                                            "'working_days_after'"),
])
def test_a_due_date_that_does_not_compile_or_calls_no_such_function_is_an_error(attribute, due, message):
    xml = model(task(attributes=f' camunda:{attribute}="{due}"'), flow("start", "act") + flow("act", "end"))
    assert ids(xml, "error") == ["act"] and found(xml)[0][2].startswith(message)


@pytest.mark.parametrize("time", ["summon_deadline(started_on)", "end_of_day_utc(", "import os"])
def test_a_timer_expression_that_does_not_compile_or_calls_no_such_function_is_an_error(time):
    timer = ('<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDate>'
             f'{time}</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')
    xml = model(task() + timer, flow("start", "wait") + flow("wait", "act") + flow("act", "end"))
    assert ids(xml, "error") == ["wait"] and found(xml)[0][2].startswith("Event 'wait': the timer's time cannot be")


def test_a_boundary_timer_calling_no_such_function_is_an_error():
    boundary = ('<bpmn:boundaryEvent id="late" name="Late" attachedToRef="act"><bpmn:timerEventDefinition>'
                '<bpmn:timeDuration>chase_after(5)</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>')
    xml = model(task() + boundary + task("chase"), flow("start", "act") + flow("act", "end") + flow("late", "chase")
                + flow("chase", "end"))
    assert ids(xml, "error") == ["late"] and "Boundary event 'Late': the timer's time" in found(xml)[0][2]


def gateway(conditions: list[str | None], default: bool = False) -> str:
    targets = [f"act_{n}" for n in range(len(conditions))]
    default_attribute = f' default="gw_to_{targets[-1]}"' if default else ""
    elements = (f'<bpmn:exclusiveGateway id="gw"{default_attribute}/>'
                + "".join(task(target) for target in targets))
    flows = (flow("start", "gw") + "".join(flow("gw", t, c, f"gw_to_{t}") for t, c in zip(targets, conditions, strict=True))
             + "".join(flow(t, "end") for t in targets))
    return model(elements, flows)


@pytest.mark.parametrize("condition", ["answer ==", "is_yes(answer)"])
def test_a_condition_that_does_not_compile_or_calls_no_such_function_is_an_error(condition):
    xml = gateway([condition, "answer == 'b'"], default=True)
    assert ids(xml, "error") == ["gw"]
    assert found(xml)[0][2].startswith("Gateway 'gw': the condition on the flow to 'act_0' cannot be worked out")


def test_a_gateway_without_a_default_where_no_condition_is_sure_to_hold_is_a_warning():
    assert found(gateway(["answer == 'a'", "answer == 'b'"])) == [
        ("gw", "warning", "Gateway 'gw' has no default flow and no condition that is sure to hold: a case whose data "
                          "matches none of its conditions stops in error; mark one flow as the default")]


@pytest.mark.parametrize("conditions, default", [
    (["answer == 'a'", "answer == 'b'"], True),
    (["answer == 'a'", "answer != 'a'"], False),
    (["${agreed}", "${not agreed}"], False),
])
def test_a_gateway_with_a_default_or_a_condition_sure_to_hold_is_fine(conditions, default):
    assert found(gateway(conditions, default)) == []


def test_an_element_no_flow_reaches_is_an_error():
    xml = model(task() + task("orphan"), flow("start", "act") + flow("act", "end") + flow("orphan", "end"))
    assert found(xml) == [("orphan", "error", "Task 'Act' cannot be reached from a start event: connect a flow into it")]


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


@pytest.mark.parametrize("documentation, message", [
    ("", "Task 'Act' is a statutory step (its legal source is 'EIA 2006 s60') but has no documentation"),
    ("Give the school the notice.", "Task 'Act' is a statutory step but its documentation names no legal source: "
                                    "cite it there too (its legal source is 'EIA 2006 s60')"),
])
def test_a_statutory_step_whose_documentation_names_no_source_is_an_error(documentation, message):
    assert ids(legal(documentation), "error") == ["act"] and found(legal(documentation))[0][2].startswith(message)


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
