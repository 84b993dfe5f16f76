"""`intervene cases start|show|list|suspend|resume|terminate|retry`."""
from __future__ import annotations

from typing import Any

import click
from sqlalchemy import select

from engine import runtime
from engine.models import ProcessInstance
from workflows.case_view import describe_case

from .common import command, emit, parse_json_object, session_scope


@click.group("cases")
def cli() -> None:
    """Cases: running process instances."""


def _when(value: Any) -> str:
    return value.strftime("%a %d %b %Y %H:%M UTC") if value else "-"


def _human(case: dict[str, Any]) -> str:
    lines = [f"case {case['id']}: {case['process_key']} v{case['version']}  status: {case['status']}",
             f"business key: {case['business_key'] or '-'}  owner: {case['owner'] or '-'}"]
    if case["calls"]:
        lines.append("calls: " + ", ".join(f"{c['key']} v{c['version']}" for c in case["calls"]))
    if case["error"]:
        lines.append(f"error: {case['error']}")
    lines.append("open tasks:" if case["tasks"] else "open tasks: none")
    lines += [f"  {t['id']}  {t['bpmn_id']} ({t['name']})  role={t['role']}  assignee={t['assignee'] or '-'}"
              f"  due {_when(t['due_at'])}" for t in case["tasks"]]
    lines.append("pending timers:" if case["timers"] else "pending timers: none")
    lines += [f"  {j['bpmn_id']} ({j['name']})  due {_when(j['due_at'])}" for j in case["timers"]]
    lines.append("deadlines:" if case["deadlines"] else "deadlines: none")
    lines += [f"  {d['id']}: {d['due_on'] or 'unknown'}  [{d['status']}]  {d['name']}  ({d['source']})"
              for d in case["deadlines"]]
    if case["letters"]:
        lines.append("letters:")
        lines += [f"  {x['id']}: {x['title']} ({x['filename']})" for x in case["letters"]]
    return "\n".join(lines)


@command(cli, "start")
@click.argument("key")
@click.option("--business-key", help="What the case is about: the school's URN.")
@click.option("--data", "data_json", help="Start data as a JSON object.")
@click.option("--as", "actor", default="cli", show_default=True)
def start_command(key: str, business_key: str | None, data_json: str | None, actor: str, as_json: bool) -> None:
    """Start a case of process KEY (its latest version)."""
    data = parse_json_object(data_json)
    with session_scope() as session:
        instance = runtime.start_instance(session, key, actor, business_key=business_key, data=data)
        case = describe_case(session, instance)
    emit(case, as_json, _human)


@command(cli, "show")
@click.argument("case_id")
def show_command(case_id: str, as_json: bool) -> None:
    """Status, version, data, open tasks, pending timers, deadlines and letters of a case."""
    with session_scope(read_only=True) as session:
        case = describe_case(session, runtime.get_instance(session, case_id))
    emit(case, as_json, _human)


@command(cli, "list")
@click.option("--status")
@click.option("--process", "process_key")
@click.option("--owner")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10000))
def list_command(status: str | None, process_key: str | None, owner: str | None, limit: int,
                 as_json: bool) -> None:
    """Cases, newest first."""
    with session_scope(read_only=True) as session:
        query = select(ProcessInstance).order_by(ProcessInstance.id.desc()).limit(limit)
        for column, value in ((ProcessInstance.status, status), (ProcessInstance.process_key, process_key),
                              (ProcessInstance.owner, owner)):
            if value:
                query = query.where(column == value)
        rows = [{"id": i.id, "process_key": i.process_key, "business_key": i.business_key, "owner": i.owner,
                 "status": i.status, "current_steps": i.current_steps, "updated_at": i.updated_at}
                for i in session.scalars(query)]
    emit(rows, as_json, lambda r: "\n".join(
        f"{c['id']:>6}  {c['process_key']:30} {c['business_key'] or '-':>8}  {c['status']:10} {c['current_steps']}"
        for c in r) or "no cases")


def _lifecycle(name: str, function, help_text: str, with_reason: bool = False):
    @command(cli, name, help=help_text)
    @click.argument("case_id")
    @click.option("--as", "actor", default="cli", show_default=True)
    @click.option("--reason", default="", hidden=not with_reason)
    def lifecycle_command(case_id: str, actor: str, reason: str, as_json: bool) -> None:
        with session_scope() as session:
            instance = runtime.get_instance(session, case_id)
            kwargs = {"reason": reason} if with_reason else {}
            function(session, instance.id, actor, **kwargs)
            case = describe_case(session, instance)
        emit(case, as_json, _human)

    return lifecycle_command


_lifecycle("suspend", runtime.suspend_instance, "Pause a case: its tasks cannot be done, its timers wait.", True)
_lifecycle("resume", runtime.resume_instance, "Resume a suspended case; timers that fell due fire now.")
_lifecycle("terminate", runtime.terminate_instance, "End a case for good, cancelling its tasks and timers.", True)
_lifecycle("retry", runtime.retry_instance, "Run a case in error again from the step that failed.")
