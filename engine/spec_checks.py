"""Rules read from the parsed specs: every user task reaches a role, every expression the engine
will evaluate (due dates, follow-up dates, timers, gateway conditions) compiles and calls only
functions that exist, and scripts compile. Messages name the element as the diagram shows it.
"""
from __future__ import annotations

from collections.abc import Iterable

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.camunda.specs.user_task import UserTask
from SpiffWorkflow.specs.MultiChoice import MultiChoice

from .errors import Problem
from .labels import spec_label
from .scripting import check_expression, check_script

#: Names of roles to suggest when a task has none, as lanes would name them; the domain sets them.
_ROLE_EXAMPLES: list[str] = []


def set_role_examples(names: Iterable[str]) -> None:
    """The domain's role names, to suggest in the message for a user task with no role."""
    _ROLE_EXAMPLES[:] = list(names)


def candidate_groups(task_spec) -> list[str]:
    """The user task's camunda:candidateGroups, a comma-separated list in the BPMN."""
    return [g.strip() for g in task_spec.extensions.get("candidate_groups", "").split(",") if g.strip()]


def user_task_role(task_spec) -> str | None:
    """The role whose inbox the task lands in: its first candidate group, else its lane."""
    return next(iter(candidate_groups(task_spec)), None) or task_spec.lane


def spec_problems(specs: Iterable) -> list[Problem]:
    problems: list[Problem] = []
    for spec in specs:
        for task_spec in spec.task_specs.values():
            element = getattr(task_spec, "bpmn_id", None)
            if element is None:
                continue
            problems.extend(Problem(element, message) for message in _task_problems(task_spec))
            script = getattr(task_spec, "script", None)
            message = check_script(script) if isinstance(script, str) else None
            if message:
                problems.append(Problem(element, f"{spec_label(task_spec)}: the {message}; a case that reaches it "
                                                 "stops in error", "warning"))
    return problems


def _task_problems(task_spec) -> list[str]:
    label = spec_label(task_spec)
    messages: list[str | None] = []
    if isinstance(task_spec, UserTask):
        if not user_task_role(task_spec):
            messages.append(_no_role(label))
        for key, what in (("due_date", "due date"), ("follow_up_date", "follow-up date")):
            if key in task_spec.extensions:
                messages.append(_expression_problem(label, what, task_spec.extensions[key]))
    definition = getattr(task_spec, "event_definition", None)
    if isinstance(definition, TimerEventDefinition):
        messages.append(_expression_problem(label, "timer's time", definition.expression))
    if isinstance(task_spec, MultiChoice):
        for condition, target in task_spec.cond_task_specs:
            expression = getattr(condition, "args", (condition,))[0] if condition is not None else None
            if isinstance(expression, str):
                messages.append(_expression_problem(label, f"condition on the flow to '{target}'", expression))
    return [m for m in messages if m]


def _no_role(label: str) -> str:
    examples = " or ".join(f"'{name}'" for name in _ROLE_EXAMPLES[:2])
    lane = f"a lane whose name is a role, e.g. {examples}" if examples else "a lane whose name is a role"
    return f"{label} has no role: put it in {lane}, or give it candidate groups, so that it reaches someone's inbox"


def _expression_problem(label: str, what: str, expression: str) -> str | None:
    reason = check_expression(expression)
    return f"{label}: the {what} cannot be worked out, because its {reason}" if reason else None
