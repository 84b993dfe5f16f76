"""Fields that apply only to one answer are asked only then (issue 9 point 3), found on the two
walk-throughs: the statement of action asked for the specified person's name when none is
appointed, the academy-order decision asked for the order's date, consultation and copies when no
order is made, and the powers decision asked why the authority proceeds after the two months
whether or not it does. Each field now has a show_if rule, which the page reveals and the server
enforces (engine.forms.validate_submission drops a value the rule does not allow)."""
from __future__ import annotations

import pytest

from engine.conditions import applies
from engine.forms import validate_submission
from engine.parser import parse_xml
from workflows.registry import BPMN_DIR

CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"


def form_of(route: str, task: str) -> dict:
    root = parse_xml((BPMN_DIR / f"{route}.bpmn").read_bytes())
    element = next(e for e in root.iter() if e.get("id") == task)
    fields = []
    for field in element.iter(f"{CAMUNDA}formField"):
        properties = {p.get("id"): p.get("value") for p in field.iter(f"{CAMUNDA}property")}
        fields.append({"id": field.get("id"), "type": field.get("type"), "properties": properties,
                       "validation": {}})
    return {"fields": fields}


def field(route: str, task: str, name: str) -> dict:
    return next(f for f in form_of(route, task)["fields"] if f["id"] == name)


@pytest.mark.parametrize("route, task, name, shown, hidden", [
    ("ofsted_category_response", "send_statement_of_action", "specified_person_name",
     {"specified_person_appointed": True}, {"specified_person_appointed": False}),
    ("ofsted_category_response", "decide_academy_order", "academy_order_made_on",
     {"academy_order_decision": "make_order"}, {"academy_order_decision": "targeted_intervention"}),
    ("ofsted_category_response", "decide_academy_order", "order_consultation_on",
     {"academy_order_decision": "make_order"}, {"academy_order_decision": "no_order"}),
    ("ofsted_category_response", "decide_academy_order", "order_copies_sent_on",
     {"academy_order_decision": "make_order"}, {}),
    ("maintained_warning_notice", "choose_powers_s60", "proceed_after_window_reasons",
     {"proceed_after_window": True}, {"proceed_after_window": False}),
    ("maintained_warning_notice", "choose_powers_s60a", "proceed_after_window_reasons",
     {"proceed_after_window": True}, {}),
])
def test_a_field_is_asked_only_when_its_answer_applies(route, task, name, shown, hidden):
    spec = field(route, task, name)
    assert applies(spec, shown) and not applies(spec, hidden)


def test_the_server_drops_a_name_for_a_specified_person_not_appointed():
    form = {"fields": [{"id": "specified_person_appointed", "type": "boolean", "properties": {}, "validation": {}},
                       field("ofsted_category_response", "send_statement_of_action", "specified_person_name")]}
    assert validate_submission(form, {"specified_person_appointed": False, "specified_person_name": "x"}) == {
        "specified_person_appointed": False}


def test_a_ticked_box_reveals_the_field_that_applies_to_it_on_the_page():
    """A single checkbox (the authority proceeds after the window) reveals its reasons under it, as a
    Yes reveals under a radio, instead of showing them always and letting the server drop them."""
    from web.fields import field_views

    form = {"fields": [
        {"id": "proceed_after_window", "type": "boolean", "label": "Proceeds", "properties": {}, "validation": {}},
        field("maintained_warning_notice", "choose_powers_s60", "proceed_after_window_reasons")]}
    views = field_views(form, {}, {})
    assert [v["field_id"] for v in views] == ["proceed_after_window"]
    assert [v["field_id"] for v in views[0]["reveals"]["yes"]] == ["proceed_after_window_reasons"]
