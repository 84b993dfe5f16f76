"""`intervene tasks list|complete|claim|unclaim|reassign`."""
from __future__ import annotations

from collections.abc import Callable

import click
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine import runtime
from engine.models import HumanTask

from ..inbox.queries import in_candidate_groups
from .common import command, emit, parse_json_object, session_scope


@click.group("tasks")
def cli() -> None:
    """Officers' tasks."""


def _row(task: HumanTask) -> dict:
    return {"id": task.id, "case_id": task.instance_id, "process_key": task.process_key,
            "business_key": task.business_key, "bpmn_id": task.bpmn_id, "name": task.name, "role": task.role,
            "assignee": task.assignee, "due_at": task.due_at, "is_open": task.is_open}


@command(cli, "list")
@click.option("--role", help="Only tasks for this role (lane or candidate group).")
@click.option("--case", "case_id", type=int, help="Only tasks of this case.")
@click.option("--assignee")
@click.option("--all", "include_closed", is_flag=True, help="Include completed tasks.")
def list_command(role: str | None, case_id: int | None, assignee: str | None, include_closed: bool,
                 as_json: bool) -> None:
    """Open tasks, soonest due first."""
    with session_scope(read_only=True) as session:
        query = select(HumanTask).order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at)
        if not include_closed:
            query = query.where(HumanTask.is_open.is_(True))
        if role:
            query = query.where(or_(HumanTask.role == role, in_candidate_groups(role)))
        if case_id is not None:
            query = query.where(HumanTask.instance_id == case_id)
        if assignee:
            query = query.where(HumanTask.assignee == assignee)
        rows = [_row(t) for t in session.scalars(query.limit(1000))]
    emit(rows, as_json, lambda r: "\n".join(
        f"{t['id']}  case {t['case_id']:<5} {t['name'][:40]:40} role={t['role']}  "
        f"due {t['due_at']:%Y-%m-%d}" if t["due_at"] else
        f"{t['id']}  case {t['case_id']:<5} {t['name'][:40]:40} role={t['role']}" for t in r) or "no tasks")


@command(cli, "complete")
@click.argument("task_id")
@click.option("--as", "actor", required=True, help="Who is completing the task.")
@click.option("--data", "data_json", help="The form's answers as a JSON object.")
def complete_command(task_id: str, actor: str, data_json: str | None, as_json: bool) -> None:
    """Complete a task with the form's answers."""
    data = parse_json_object(data_json)
    with session_scope() as session:
        instance = runtime.complete_task(session, task_id, actor, data)
        result = {"task_id": task_id, "case_id": instance.id, "status": instance.status,
                  "current_steps": instance.current_steps, "error": instance.error_message}
    emit(result, as_json, lambda r: f"completed; case {r['case_id']} is {r['status']}"
         + (f" at: {r['current_steps']}" if r["current_steps"] else "")
         + (f" ({r['error']})" if r["error"] else ""))


def _change_task(change: Callable[[Session], HumanTask], as_json: bool, describe: Callable[[dict], str]) -> None:
    """One change to a task in its own transaction; prints the task as the change left it."""
    with session_scope() as session:
        row = _row(change(session))
    emit(row, as_json, describe)


@command(cli, "claim")
@click.argument("task_id")
@click.option("--as", "actor", required=True)
def claim_command(task_id: str, actor: str, as_json: bool) -> None:
    """Take a task: it moves to your 'Assigned to me' list."""
    _change_task(lambda session: runtime.claim_task(session, task_id, actor), as_json,
                 lambda r: f"claimed {r['name']} for {r['assignee']}")


@command(cli, "unclaim")
@click.argument("task_id")
@click.option("--as", "actor", required=True)
def unclaim_command(task_id: str, actor: str, as_json: bool) -> None:
    """Give a task back to its role's shared list."""
    _change_task(lambda session: runtime.unclaim_task(session, task_id, actor), as_json,
                 lambda r: f"unclaimed {r['name']}")


@command(cli, "reassign")
@click.argument("task_id")
@click.argument("assignee")
@click.option("--as", "actor", required=True)
def reassign_command(task_id: str, assignee: str, actor: str, as_json: bool) -> None:
    """Give a task to another officer."""
    _change_task(lambda session: runtime.reassign_task(session, task_id, actor, assignee), as_json,
                 lambda r: f"{r['name']} is now assigned to {r['assignee']}")
