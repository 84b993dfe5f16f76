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


#: Called before an instance starts; may set owner, add data, or raise InvalidInput to refuse.
StartHook = Callable[[Session, StartContext], None]
#: Works out a case's deadlines from its data (and today's date for status); None when the hook
#: has no rules for that process, so the engine need not even look for stored deadlines.
DeadlineHook = Callable[[str, dict[str, Any], date], list[DeadlineInfo] | None]

#: Called when an officer completes a task, after the case has moved on, in the same transaction
#: (instance, the human_task row, the validated data): letters are generated here.
TaskCompletedHook = Callable[[Session, Any, Any, dict[str, Any]], None]

#: Called when an officer submits a task, before anything changes (instance, the human_task row, the
#: validated data): may raise InvalidInput (FormErrors for messages by field) to refuse the submission.
TaskCheckHook = Callable[[Session, Any, Any, dict[str, Any]], None]

start_hooks: list[StartHook] = []
task_check_hooks: list[TaskCheckHook] = []
task_completed_hooks: list[TaskCompletedHook] = []
deadline_hooks: list[DeadlineHook] = []


def register_start_hook(hook: StartHook) -> None:
    if hook not in start_hooks:
        start_hooks.append(hook)


def register_deadline_hook(hook: DeadlineHook) -> None:
    if hook not in deadline_hooks:
        deadline_hooks.append(hook)



def register_task_completed_hook(hook: TaskCompletedHook) -> None:
    if hook not in task_completed_hooks:
        task_completed_hooks.append(hook)


def register_task_check_hook(hook: TaskCheckHook) -> None:
    if hook not in task_check_hooks:
        task_check_hooks.append(hook)
