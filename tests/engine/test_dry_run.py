"""The engine's dry run: a model walked in memory with sample answers, timers fired on a simulated
clock, stopping at the end, at a loop or at a failing step; each test a small model of its own."""
from __future__ import annotations

from datetime import UTC, date, datetime

from engine import definitions
from engine.dry_run import MAX_VISITS, dry_run, sample_answers
from tests.engine.test_validation import flow, model, task

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DATE_FORM = ('<bpmn:extensionElements><camunda:formData><camunda:formField id="done_on" label="Done on" type="date">'
             '<camunda:validation><camunda:constraint name="required"/></camunda:validation></camunda:formField>'
             '</camunda:formData></bpmn:extensionElements>')


def walk(xml: str, data: dict | None = None, **kwargs):
    return dry_run(definitions.parse_process(xml, checks=False), START, data, **kwargs)


def test_a_straight_route_ends_with_each_task_its_role_and_its_due_date():
    xml = model(task(attributes=' camunda:dueDate="${date(2026, 12, 24)}"'), flow("start", "act") + flow("act", "end"))
    result = walk(xml)
    assert result.ended and result.problems == []
    [step] = result.steps
    assert (step.bpmn_id, step.kind, step.role, step.due_on, step.due_rule) == (
        "act", "user_task", "link_adviser", date(2026, 12, 24), "${date(2026, 12, 24)}")


def test_gateways_choose_by_the_data_the_owner_gives():
    elements = ('<bpmn:exclusiveGateway id="gw" default="gw_to_b"/>' + task("a") + task("b"))
    flows = (flow("start", "gw") + flow("gw", "a", "answer == 'a'", "gw_to_a") + flow("gw", "b", None, "gw_to_b")
             + flow("a", "end") + flow("b", "end"))
    assert [s.bpmn_id for s in walk(model(elements, flows), {"answer": "b"}).steps] == ["b"]
    assert [s.bpmn_id for s in walk(model(elements, flows), {"answer": "a"}).steps] == ["a"]
    assert [p.element_id for p in walk(model(elements, flows)).problems] == ["gw"]  # as a real case would fail


def test_a_timer_fires_on_the_simulated_clock_and_later_dates_are_that_day():
    timer = ('<bpmn:intermediateCatchEvent id="wait" name="Wait"><bpmn:timerEventDefinition><bpmn:timeDate>'
             '"2030-01-07T09:00:00+00:00"</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')
    xml = model(timer + task(body=DATE_FORM), flow("start", "wait") + flow("wait", "act") + flow("act", "end"))
    result = walk(xml)
    assert [(s.bpmn_id, s.kind, s.due_on) for s in result.steps] == [("wait", "timer", date(2030, 1, 7)),
                                                                      ("act", "user_task", None)]
    assert result.steps[1].answers == {"done_on": "2030-01-07"} and result.ended


def test_a_duration_timer_starts_on_the_simulated_clock_not_the_real_one():
    timer = ('<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>"P10D"'
             '</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')
    result = walk(model(timer, flow("start", "wait") + flow("wait", "end")))
    assert [(s.bpmn_id, s.due_on) for s in result.steps] == [("wait", date(2026, 12, 11))] and result.ended


def test_a_loop_stops_the_walk():
    elements = ('<bpmn:exclusiveGateway id="gw" default="gw_to_act"/>' + task())
    flows = (flow("start", "gw") + flow("gw", "act", None, "gw_to_act") + flow("act", "gw")
             + flow("gw", "end", "answer == 'stop'", "gw_to_end"))
    result = walk(model(elements, flows), {"answer": "again"})
    assert not result.ended and "loops" in result.stopped_because and len(result.steps) == MAX_VISITS
    assert walk(model(elements, flows), {"answer": "stop"}).ended


def test_a_failing_expression_is_a_problem_on_its_element_not_an_exception():
    xml = model(task(attributes=' camunda:dueDate="${no_such_fact}"'), flow("start", "act") + flow("act", "end"))
    result = walk(xml)
    assert not result.ended and [p.element_id for p in result.problems] == ["act"]
    assert "sample data" in result.problems[0].message


def test_the_walk_stops_after_the_steps_it_is_allowed():
    xml = model(task() + task("second"), flow("start", "act") + flow("act", "second") + flow("second", "end"))
    result = walk(xml, max_steps=1)
    assert [s.bpmn_id for s in result.steps] == ["act"] and not result.ended
    assert result.stopped_because == "it stopped after 1 steps"


def test_sample_answers_take_the_owners_data_then_the_default_then_the_case_then_a_plausible_value():
    form = {"fields": [
        {"id": "given", "type": "string", "default": "x", "validation": {}},
        {"id": "defaulted", "type": "long", "default": "15", "validation": {}},
        {"id": "from_case", "type": "long", "default": None, "validation": {"min": "1"}},
        {"id": "required_date", "type": "date", "default": None, "validation": {"required": None}},
        {"id": "optional_date", "type": "date", "default": None, "validation": {}},
        {"id": "choice", "type": "enum", "default": None, "validation": {"required": None},
         "options": [{"id": "first", "name": "First"}, {"id": "second", "name": "Second"}]},
        {"id": "agreed", "type": "boolean", "default": None, "validation": {}},
    ]}
    answers = sample_answers(form, date(2026, 12, 1), {"given": "mine"}, {"from_case": 20})
    assert answers == {"given": "mine", "defaulted": "15", "from_case": 20, "required_date": "2026-12-01",
                       "choice": "first", "agreed": False}
