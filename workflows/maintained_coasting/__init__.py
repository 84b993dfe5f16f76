"""Maintained school that is coasting (EIA 2006 s60B): the authority's response once the Secretary of
State has notified the school, as far as the domain notes source it (see rules.py for what was not found)."""
from __future__ import annotations

from workflows.registry import ProcessPackage

from . import rules

PROCESS = ProcessPackage(
    key=rules.PROCESS_KEY,
    title="Maintained school: coasting (EIA 2006 s60B)",
    summary=(
        "A maintained school that is coasting is eligible for intervention under section 60B of the Education "
        "and Inspections Act 2006, added by the Education and Adoption Act 2016. Coasting is defined by the "
        "Coasting Schools (England) Regulations 2022 (SI 2022/720), and from 17 November 2025 by report-card "
        "grades (SI 2025/1120): a school just out of a category that still has areas graded 'needs attention' "
        "can count as coasting. The authority records the Secretary of State's notification, the definition "
        "in force on that day, and its response: support and monitoring, or its own powers, which it may "
        "choose only once it has recorded its legal reading that they are available (the notes do not source "
        "it). No statutory deadline was found."
    ),
    applies_to=("maintained",),
)


def register_with_engine() -> None:
    from engine.hooks import register_start_data_hook, register_task_validation_hook
    from engine.scripting import register_function

    register_function("coasting_definition_in_force", rules.coasting_definition_in_force)
    register_start_data_hook(rules.check_start)
    register_task_validation_hook(rules.check_submission)
