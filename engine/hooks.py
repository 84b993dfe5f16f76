"""Where the domain plugs into the engine, without the engine importing it.

The engine calls these at fixed points; the default of each does nothing. `workflows` registers
its own at import time (see workflows/__init__.py).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from .forms import FormErrors


@dataclass(frozen=True)
class DeadlineInfo:
    deadline_id: str
    name: str
    due_on: date | None
    rule: str
    source: str
    status: str  # pending, met, missed, unknown
    met_on: date | None = None
    note: str | None = None


@dataclass
class StartContext:
    """What a start hook may change before a case starts: its owner and its data."""

    process_key: str
    business_key: str | None
    data: dict[str, Any]
    owner: str | None = None


#: Fills a new case's data with the route's defaults and checks it from the data alone, or raises
#: InvalidInput to refuse: no database, so the dry run calls these just as a real start does.
StartDataHook = Callable[[StartContext], None]
#: Called before an instance starts, after the data hooks, with the database: checks against what is
#: recorded (the schools register, a barring notice); may set owner, add data, or raise InvalidInput.
StartHook = Callable[[Session, StartContext], None]
#: Works out a case's deadlines from its data (and today's date for status); None when the hook
#: has no rules for that process, so the engine need not even look for stored deadlines.
DeadlineHook = Callable[[str, dict[str, Any], date], list[DeadlineInfo] | None]

#: Called when an officer completes a task, after the case has moved on, in the same transaction
#: (instance, the human_task row, the validated data): letters are generated here.
TaskCompletedHook = Callable[[Session, Any, Any, dict[str, Any]], None]

#: Called when an officer completes a task, before the case moves on (session, instance, the
#: human_task row, the task's data, which the hook may update): facts recorded outside the case since
#: it started (a school's term dates) reach the steps still to come.
TaskDataHook = Callable[[Session, Any, Any, dict[str, Any]], None]

#: Called before an officer's task completes (instance, the human_task row, the validated data):
#: the problems it finds, by form field id, in sentences fit for an error summary; {} when none.
#: Any problem refuses the completion, so nothing changes (the task stays open, no timer, no letter).
TaskValidationHook = Callable[[Session, Any, Any, dict[str, Any]], dict[str, str]]

#: Called in the save transaction with the task rows the save opened (session, instance, rows):
#: the id of another organisation that from now on also sees the case, or None. Consulted only
#: while the case is not yet shared.
ShareHook = Callable[[Session, Any, list[Any]], str | None]

start_data_hooks: list[StartDataHook] = []
start_hooks: list[StartHook] = []
share_hooks: list[ShareHook] = []
task_data_hooks: list[TaskDataHook] = []
task_completed_hooks: list[TaskCompletedHook] = []
task_validation_hooks: list[TaskValidationHook] = []
deadline_hooks: list[DeadlineHook] = []


def register_start_data_hook(hook: StartDataHook) -> None:
    if hook not in start_data_hooks:
        start_data_hooks.append(hook)


def register_start_hook(hook: StartHook) -> None:
    if hook not in start_hooks:
        start_hooks.append(hook)


def register_share_hook(hook: ShareHook) -> None:
    if hook not in share_hooks:
        share_hooks.append(hook)


def register_deadline_hook(hook: DeadlineHook) -> None:
    if hook not in deadline_hooks:
        deadline_hooks.append(hook)


def register_task_validation_hook(hook: TaskValidationHook) -> None:
    if hook not in task_validation_hooks:
        task_validation_hooks.append(hook)


def refuse_if_invalid(session: Session, instance: Any, task_row: Any, data: dict[str, Any]) -> None:
    """Run the validation hooks; raise FormErrors with every problem they found (first one wins a field)."""
    problems: dict[str, str] = {}
    for hook in task_validation_hooks:
        for field, message in (hook(session, instance, task_row, data) or {}).items():
            problems.setdefault(field, message)
    if problems:
        raise FormErrors(problems)


def register_task_completed_hook(hook: TaskCompletedHook) -> None:
    if hook not in task_completed_hooks:
        task_completed_hooks.append(hook)


def register_task_data_hook(hook: TaskDataHook) -> None:
    if hook not in task_data_hooks:
        task_data_hooks.append(hook)
