"""Checks the domain adds to engine validation: roles must be in the catalogue, user tasks need forms,
a statutory step's documentation names its legal source.

The engine already refuses user tasks without any role; here a role must also be one officers can
hold, so a task can never land in an inbox nobody sees.
"""
from __future__ import annotations

import difflib
import re

from SpiffWorkflow.camunda.specs.user_task import UserTask

from engine.definitions import ParsedProcess, candidate_groups, register_check
from engine.errors import Problem
from engine.labels import spec_label
from engine.spec_checks import set_role_examples

from .roles import ROLES, role_for


def check_roles_and_forms(parsed: ParsedProcess) -> list[Problem]:
    problems: list[Problem] = []
    for spec in parsed.all_specs():
        for task_spec in spec.task_specs.values():
            if isinstance(task_spec, UserTask):
                problems.extend(_role_and_form_problems(task_spec))
    return problems


def _role_and_form_problems(task_spec: UserTask) -> list[Problem]:
    label, element = spec_label(task_spec), task_spec.bpmn_id
    problems: list[Problem] = []
    groups = candidate_groups(task_spec)
    for name in groups:
        if role_for(name) is None:
            problems.append(Problem(element, f"{label} goes to unknown role '{name}' (its candidate group): "
                                             f"{_role_hint(name)}"))
    if task_spec.lane and role_for(task_spec.lane) is None:
        where = "its candidate group decides who acts, but the lane misleads whoever reads the diagram" if groups \
            else "no one holds that role, so the task would reach no inbox"
        problems.append(Problem(element, f"{label} is in a lane named for unknown role '{task_spec.lane}' ({where}): "
                                         f"{_role_hint(task_spec.lane)}"))
    elif task_spec.lane and groups and role_for(groups[0]) is not None and role_for(task_spec.lane) != role_for(groups[0]):
        acting = role_for(groups[0])
        problems.append(Problem(element, f"{label} is in lane '{task_spec.lane}' but its candidate group sends it to "
                                         f"the {acting.name if acting else groups[0]}: move it to that lane, or change "
                                         "the group", "warning"))
    form = getattr(task_spec, "form", None)
    if form is None or not form.fields:
        problems.append(Problem(element, f"{label} has no form: the officer can only mark it done, and the case "
                                         "records nothing of what was done or when; add the fields the step needs",
                                "warning"))
    return problems


def _role_hint(name: str) -> str:
    """Name the closest roles, so a typing mistake is one click to fix."""
    spellings = {role.name: role for role in ROLES} | {role.id: role for role in ROLES}
    close = difflib.get_close_matches(name, list(spellings), n=1, cutoff=0.6)
    if close:
        role = spellings[close[0]]
        return f"did you mean '{role.name}' (role id {role.id})?"
    examples = ", ".join(f"'{role.name}' ({role.id})" for role in ROLES[:3])
    return f"use a role's name for a lane or its id for a candidate group, e.g. {examples}"


#: What a citation looks like: an Act or regulations, a section or regulation number, an SI, guidance.
_CITATION = re.compile(r"\b(?:Act|Regulations?|SI \d{4}/\d+|ss?\.? ?\d+[A-Z]*|sections? \d+|reg(?:ulation)?s?\.? ?\d+"
                       r"|Schedule \d+|para(?:graph)?s?\.? ?\d+|guidance|funding agreement|procedures?|EIA|EA|AA|EAA)\b")


def check_legal_sources(parsed: ParsedProcess) -> list[Problem]:
    """A step with a legal_source property is statutory: officers read its documentation to know why
    they must act, so the documentation must name the source too (design rule: cite in both)."""
    problems: list[Problem] = []
    for spec in parsed.all_specs():
        for task_spec in spec.task_specs.values():
            source = (getattr(task_spec, "extensions", None) or {}).get("legal_source")
            if source is None or task_spec.bpmn_id is None:
                continue
            documentation = (getattr(task_spec, "documentation", None) or "").strip()
            label = spec_label(task_spec)
            if not documentation:
                problems.append(Problem(task_spec.bpmn_id, f"{label} is a statutory step (its legal source is "
                                                           f"'{source}') but has no documentation: say what the step "
                                                           "is for and cite its source, as officers read it to know "
                                                           "why they must act"))
            elif not _CITATION.search(documentation) and str(source).strip() not in documentation:
                problems.append(Problem(task_spec.bpmn_id, f"{label} is a statutory step but its documentation names "
                                                           f"no legal source: cite it there too (its legal source is "
                                                           f"'{source}')"))
    return problems


def register_with_engine() -> None:
    set_role_examples(role.name for role in ROLES)
    register_check(check_roles_and_forms)
    register_check(check_legal_sources)
