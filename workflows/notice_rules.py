"""A notice cannot be issued incomplete: the checks run before a letter's task completes.

The engine calls `check_task` (a task validation hook) before it completes any officer's task.
Which rules apply is chosen by the task's camunda:properties, so a BPMN author opts a task in:
- `letter` (warning_notice, notice_of_intention, statement_of_action, letter_of_concern): every
  statutory content the letter needs must be there (`letter_rules.problems`) and nothing may
  contradict the notice type (`conflicts` below);
- `copies_of` (warning_notice): a date for each copy the school and the notice date require
  (`notice_copies`);
- `checks` (a name in CHECKS): a step-specific rule, such as a decision that must choose something.

A problem is reported against the form field the officer must change, as a sentence for the GOV.UK
error summary; any problem refuses the step, so the case does not move, no timer starts and no
letter is issued. The web form, the API and the command line all complete tasks through the engine,
so the same rules hold at every door.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from engine.definitions import ParsedProcess, register_check
from engine.errors import Problem
from engine.hooks import register_task_validation_hook

from . import calendar
from .letter_checks import placeholder_problems
from .letter_rules import (
    ALIASES,
    GROUND_FLAGS,
    chosen_powers,
    count,
    day,
    grounds_categories,
    notice_type,
    problems,
)
from .notice_copies import COPIES, missing_copies

LETTER_NAMES = {"warning_notice": "The warning notice", "notice_of_intention": "The notice of intention",
                "statement_of_action": "The statement of action", "letter_of_concern": "The Letter of Concern"}

#: Form fields that carry a content item, beyond the item's ALIASES, most specific first.
FIELDS_FOR: dict[str, tuple[str, ...]] = {
    "grounds_category": tuple(name for names in GROUND_FLAGS.values() for name in names) + ("grounds_category",),
    "compliance_period": ALIASES["compliance_days"] + ALIASES["compliance_end_on"],
    "compliance_end_on": ALIASES["compliance_end_on"],
    "powers_from_on": ("powers_from_on", "reasonable_notice_working_days"),
    "specified_person": ("specified_person_appointed", "is_specified_person_appointed", "specified_person_name"),
    "signatory": ("signatory_name", "strategic_director_name"),
    "report_received_on": ("statement_of_action_sent_on", "statement_sent_on"),
}

_LEGAL_GROUNDS = {"standards", "governance", "safety"}


def _warning_notice_conflicts(data: dict[str, Any]) -> dict[str, str]:
    found = {}
    named = set(grounds_categories(data))
    if notice_type(data) == "s60A" and named & _LEGAL_GROUNDS:
        found["grounds_category"] = (
            "A section 60A notice can only be given on the pay and conditions ground (failure to comply with "
            "the School Teachers' Pay and Conditions Document): untick the standards, governance and safety "
            "grounds, or give a section 60 notice instead")
    elif notice_type(data) == "s60" and "pay_and_conditions" in named:
        found["grounds_category"] = (
            "The pay and conditions ground belongs to a section 60A notice, not a section 60 notice: untick it, "
            "or give a section 60A notice instead")
    found.update(_compliance_conflicts(data))
    return found


def _compliance_conflicts(data: dict[str, Any]) -> dict[str, str]:
    """A stated end date and a working-day count must describe the same compliance period."""
    given, end, days = day(data, "notice_given_on"), day(data, "compliance_end_on"), count(data, "compliance_days")
    if given is None or end is None:
        return {}
    if end <= given:
        return {"compliance_end_on": f"The compliance period must end after the day the notice is given "
                                     f"({given:%-d %B %Y})"}
    if days is None:
        return {}
    counted = calendar.working_days_after(given, days)
    if counted == end:
        return {}
    matching = calendar.working_days_between(given, end)
    return {"compliance_period": (
        f"The compliance period's end date ({end:%-d %B %Y}) and its length ({days} working days, which ends on "
        f"{counted:%-d %B %Y}) disagree: the stated end date is {matching} working days after the notice is "
        f"given, so enter {matching} working days or change the end date")}


def _notice_of_intention_conflicts(data: dict[str, Any]) -> dict[str, str]:
    codes, prose = chosen_powers(data, "powers_proposed")
    if not codes and prose:
        return {"powers_proposed": "Tick the powers the authority proposes to use (sections 63 to 66; 64 to 66 "
                                   "after a section 60A notice): the words here are quoted as written, not read "
                                   "for sections"}
    return {}


def _statement_conflicts(data: dict[str, Any]) -> dict[str, str]:
    received, sent = day(data, "report_received_on"), day(data, "statement_sent_on")
    if received is not None and sent is not None and sent < received:
        return {"report_received_on": f"The statement of action cannot be sent before the final report was "
                                      f"received ({received:%-d %B %Y})"}
    return {}


#: Contradictions within a notice (beyond a missing content), by letter kind.
CONFLICTS: dict[str, Callable[[dict[str, Any]], dict[str, str]]] = {
    "warning_notice": _warning_notice_conflicts,
    "notice_of_intention": _notice_of_intention_conflicts,
    "statement_of_action": _statement_conflicts,
}


def letter_problems(kind: str, data: dict[str, Any]) -> dict[str, str]:
    """Every reason the letter cannot be issued, by content item, as sentences for officers."""
    found = CONFLICTS.get(kind, lambda _: {})(data)  # a contradiction says more than "missing"
    for item, phrase in problems(kind, data).items():
        found.setdefault(item, f"{LETTER_NAMES[kind]} must state {phrase}")
    return found


def field_for(item: str, field_ids: list[str], taken: dict[str, str]) -> str:
    """The form field an officer changes to fix an item: the first of its keys the form has.

    An item no field of this form carries (it came from an earlier step) is linked to the form's
    first field if that has no message yet, else kept under its own name: never dropped.
    """
    for key in FIELDS_FOR.get(item, ()) + ALIASES.get(item, ()) + (item,):
        if key in field_ids:
            return key
    return field_ids[0] if field_ids and field_ids[0] not in taken else item


def _escalation_choice(data: dict[str, Any]) -> dict[str, str]:
    """LC-1: escalate to one or more bodies, issue a Letter of Concern, or both, but choose something."""
    chosen = [key for key in ESCALATION_FLAGS + ("is_letter_of_concern_to_issue",) if data.get(key) is True]
    if chosen:
        return {}
    return {ESCALATION_FLAGS[0]: "Choose at least one: where to escalate the concern (the regional director, "
                                 "Ofsted or the Secretary of State), or to issue a Letter of Concern, or both"}


#: The Letter of Concern route's escalation choices (bpmn/academy_letter_of_concern.bpmn).
ESCALATION_FLAGS = ("escalate_to_regional_director", "escalate_to_ofsted", "escalate_to_secretary_of_state")

#: Step-specific rules a task names with the camunda:property `checks`.
CHECKS: dict[str, Callable[[dict[str, Any]], dict[str, str]]] = {"escalation_choice": _escalation_choice}


def task_problems(properties: dict[str, Any], field_ids: list[str], data: dict[str, Any]) -> dict[str, str]:
    """The problems the task's properties call for, by form field id."""
    by_item: dict[str, str] = {}
    kind = str(properties.get("letter") or "").strip()
    if kind in LETTER_NAMES:
        by_item.update(letter_problems(kind, data))
    copies_of = str(properties.get("copies_of") or "").strip()
    if copies_of:
        by_item.update(missing_copies(copies_of, data))
    for name in str(properties.get("checks") or "").split():
        by_item.update(CHECKS.get(name, lambda _: {})(data))
    found: dict[str, str] = {}
    for item, sentence in by_item.items():
        key = field_for(item, field_ids, found)
        found[key] = f"{found[key]}. {sentence}" if key in found else sentence
    in_form_order = sorted(found, key=lambda key: field_ids.index(key) if key in field_ids else len(field_ids))
    return {key: found[key] for key in in_form_order}


def check_task(session: Session, instance: Any, task_row: Any, submitted: dict[str, Any]) -> dict[str, str]:
    """The engine's task validation hook: the case data as it would be once the step completes."""
    properties = getattr(task_row, "properties", None) or {}
    if not any(properties.get(key) for key in ("letter", "copies_of", "checks")):
        return {}
    form = getattr(task_row, "form", None) or {}
    field_ids = [field["id"] for field in form.get("fields", [])]
    found = task_problems(properties, field_ids, {**(instance.data or {}), **submitted})
    if str(properties.get("letter") or "").strip():
        # Only what this step typed: an earlier step's answer is not this officer's to confirm.
        for field_id, sentence in placeholder_problems(form, submitted, getattr(task_row, "draft", None)).items():
            found.setdefault(field_id, sentence)
    return found


def check_rule_names(parsed: ParsedProcess) -> list[Problem]:
    """Deploy check: a task may only name copies rules and checks that exist (else nothing would run)."""
    problems = []
    for spec in parsed.all_specs():
        for task_spec in spec.task_specs.values():
            extensions = getattr(task_spec, "extensions", None) or {}
            copies_of = str(extensions.get("copies_of") or "").strip()
            if copies_of and copies_of not in COPIES:
                problems.append(Problem(task_spec.bpmn_id, f"copies_of names no copies rule: '{copies_of}' is not "
                                                           f"one of {', '.join(COPIES)}"))
            for name in str(extensions.get("checks") or "").split():
                if name not in CHECKS:
                    problems.append(Problem(task_spec.bpmn_id, f"checks names an unknown check '{name}': one of "
                                                               f"{', '.join(CHECKS)}"))
    return problems


def register_with_engine() -> None:
    register_task_validation_hook(check_task)
    register_check(check_rule_names)
