"""Forms that fit: required yes/no decisions, show_if rules, number and date ranges, text length."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.conditions import parse_show_if
from engine.errors import InvalidInput
from engine.forms import FormErrors, validate_submission

DECISION = {"id": "standards_met", "type": "boolean", "label": "Safeguarding standards met",
            "validation": {"required": None}, "properties": {}}
RECOMMEND = {"id": "notice_recommended", "type": "boolean", "label": "Recommend a warning notice",
             "validation": {"required": None},
             "properties": {"required_message": "Select yes if you recommend a warning notice"}}
KIND = {"id": "notice_type", "type": "enum", "label": "Kind of notice", "validation": {"required": None},
        "options": [{"id": "s60", "name": "s60"}, {"id": "s60A", "name": "s60A"}],
        "properties": {"show_if": "notice_recommended == true"}}
DIOCESE = {"id": "diocese_informed_on", "type": "date", "label": "Date the diocese was told",
           "validation": {"required": None}, "properties": {"show_if": "diocese_name"}}
PERIOD = {"id": "period", "type": "long", "label": "Compliance period", "validation": {"min": "1", "max": "60"},
          "properties": {"error_noun": "a compliance period", "unit": "working days"}}
SEEN_ON = {"id": "seen_on", "type": "date", "label": "Date of the visit", "validation": {}, "properties": {}}
NOTES = {"id": "notes", "type": "string", "label": "Notes", "validation": {}, "properties": {}}


def form(*fields):
    return {"fields": list(fields)}


def refusal(form_, data, context=None) -> dict[str, str]:
    with pytest.raises(FormErrors) as refused:
        validate_submission(form_, data, context)
    return refused.value.errors


def test_an_unanswered_decision_is_refused_not_taken_as_no():
    assert refusal(form(DECISION), {}) == {"standards_met": "Select yes or no for ‘Safeguarding standards met’"}
    assert refusal(form(DECISION), {"standards_met": None}) == {
        "standards_met": "Select yes or no for ‘Safeguarding standards met’"}
    assert validate_submission(form(DECISION), {"standards_met": False}) == {"standards_met": False}


def test_a_field_shown_only_when_a_notice_is_recommended():
    both = form(RECOMMEND, KIND)
    assert refusal(both, {"notice_recommended": True}) == {"notice_type": "Select kind of notice"}
    # Not recommended: the kind is not asked, and a value sent anyway is dropped.
    assert validate_submission(both, {"notice_recommended": False, "notice_type": "s60"}) == {
        "notice_recommended": False}
    assert refusal(both, {}) == {"notice_recommended": "Select yes if you recommend a warning notice"}


def test_diocese_fields_only_for_a_church_school():
    church = {"diocese_name": "Diocese of Manchester"}
    assert refusal(form(DIOCESE), {}, church) == {"diocese_informed_on": "Enter date the diocese was told"}
    assert validate_submission(form(DIOCESE), {}, {"diocese_name": None}) == {}
    assert validate_submission(form(DIOCESE), {"diocese_informed_on": "2026-01-05"}, {}) == {}


@pytest.mark.parametrize(("value", "accepted"), [("0", False), ("1", True), ("60", True), ("61", False),
                                                 ("-5", False)])
def test_a_number_outside_its_range_is_refused_in_a_sentence(value, accepted):
    if accepted:
        assert validate_submission(form(PERIOD), {"period": value}) == {"period": int(value)}
    else:
        assert refusal(form(PERIOD), {"period": value}) == {
            "period": "Enter a compliance period between 1 and 60 working days"}


@pytest.mark.parametrize(("day", "accepted"), [("1989-12-31", False), ("1990-01-01", True),
                                               ("2031-11-30", True), ("2031-12-01", False)])
def test_dates_before_1990_or_over_five_years_ahead_are_refused(time_machine, day, accepted):
    time_machine.move_to(datetime(2026, 11, 30, 12, tzinfo=UTC), tick=False)  # five years on: 30 Nov 2031
    if accepted:
        assert validate_submission(form(SEEN_ON), {"seen_on": day}) == {"seen_on": day}
    else:
        message = refusal(form(SEEN_ON), {"seen_on": day})["seen_on"]
        assert message in ("Date of the visit must be on or after 1 January 1990",
                           "Date of the visit must be no more than 5 years from today")


def test_text_has_a_default_maximum_and_a_constraint_overrides_it():
    assert refusal(form(NOTES), {"notes": "x" * 10_001}) == {"notes": "Notes must be 10,000 characters or fewer"}
    assert validate_submission(form(NOTES), {"notes": "x" * 10_000}) == {"notes": "x" * 10_000}
    short = {**NOTES, "validation": {"maxlength": "5"}}
    assert refusal(form(short), {"notes": "abcdef"}) == {"notes": "Notes must be 5 characters or fewer"}


@pytest.mark.parametrize("rule", ["__import__('os').system('x')", "a == 1 or b", "not a == 1", "a ==", ""])
def test_a_show_if_rule_is_parsed_never_run(rule):
    with pytest.raises(InvalidInput):
        parse_show_if(rule)


def test_show_if_compares_text_and_booleans():
    assert parse_show_if("kind == 's60A'").holds({"kind": "s60A"})
    assert parse_show_if("kind != s60A").holds({"kind": "s60"})
    assert parse_show_if("flag == true").holds({"flag": "true"}) and not parse_show_if("flag").holds({"flag": False})
    assert parse_show_if("not flag").holds({})


def test_show_if_terms_joined_by_and_must_all_hold():
    none_ticked = parse_show_if("not power_a and not power_b")
    assert none_ticked.holds({}) and none_ticked.holds({"power_a": False, "power_b": "false"})
    assert not none_ticked.holds({"power_b": True}) and not none_ticked.holds({"power_a": "true"})
    with pytest.raises(InvalidInput):
        parse_show_if("not power_a and")


def test_and_inside_a_quoted_value_is_part_of_the_value_not_a_second_term():
    rule = parse_show_if("grounds == 'safety and welfare' and notice_recommended == true")
    assert rule.holds({"grounds": "safety and welfare", "notice_recommended": "true"})
    assert not rule.holds({"grounds": "safety", "notice_recommended": "true"})
    assert parse_show_if('kind == "governance and leadership"').holds({"kind": "governance and leadership"})


def test_a_task_without_form_fields_takes_no_data_so_no_door_writes_case_data_past_a_form():
    """A step with no fields (a confirmation) completes with nothing; answers sent to it through the
    CLI or the API (say, a compliance period) are refused, not written into the case record."""
    assert validate_submission({"fields": []}, {}) == {}
    with pytest.raises(FormErrors) as refused:
        validate_submission({"fields": []}, {"compliance_period_working_days": -5})
    assert refused.value.errors == {"compliance_period_working_days": "is not a field of this form"}
