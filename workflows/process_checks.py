"""Checks the domain adds to engine validation: roles must be in the catalogue, user tasks need forms,
a statutory step's documentation names its legal source.

The engine already refuses user tasks without any role; here a role must also be one officers can
hold, so a task can never land in an inbox nobody sees.
"""
from __future__ import annotations

import re

from SpiffWorkflow.camunda.specs.user_task import UserTask

from engine.definitions import ParsedProcess, candidate_groups, register_check
from engine.errors import Problem

from .roles import role_for


def check_roles_and_forms(parsed: ParsedProcess) -> list[Problem]:
    problems: list[Problem] = []
    for spec in parsed.all_specs():
        for task_spec in spec.task_specs.values():
            if not isinstance(task_spec, UserTask):
                continue
            groups = candidate_groups(task_spec)
            for name in groups + ([task_spec.lane] if task_spec.lane else []):
                if role_for(name) is None:
                    problems.append(Problem(task_spec.bpmn_id, f"unknown role '{name}': use a role id from "
                                                               "workflows/roles.py"))
            if task_spec.lane and groups and role_for(task_spec.lane) != role_for(groups[0]):
                problems.append(Problem(task_spec.bpmn_id, f"candidate group '{groups[0]}' does not match its "
                                                           f"lane '{task_spec.lane}'", "warning"))
            form = getattr(task_spec, "form", None)
            if form is None or not form.fields:
                problems.append(Problem(task_spec.bpmn_id, "user task has no form fields", "warning"))
    return problems


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
            if not documentation:
                problems.append(Problem(task_spec.bpmn_id, "statutory step (it has a legal_source) has no "
                                                           "documentation: say what the step is and name its source"))
            elif not _CITATION.search(documentation) and str(source).strip() not in documentation:
                problems.append(Problem(task_spec.bpmn_id, "statutory step's documentation names no legal source: "
                                                           f"cite it (legal_source says '{source}')"))
    return problems


def register_with_engine() -> None:
    register_check(check_roles_and_forms)
    register_check(check_legal_sources)
