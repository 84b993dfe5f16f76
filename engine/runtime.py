"""Commands on process instances. One call is one transaction's worth of work on a passed-in session.

Every command loads the instance, changes the workflow, and saves state and projections together;
the instance row's lock_version makes a concurrent change fail with Conflict instead of being lost.
"""
from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from . import branch_data, deadlines, event_subprocesses, hooks, workflow_cache
from .branch_data import CaseWorkflow
from .clock import today_local
from .db import utcnow
from .definitions import latest_definition, parsed_definition, resolve_calls, with_calls
from .errors import Conflict, InvalidInput, NotAllowed, NotFound
from .forms import validate_submission
from .models import AuditEvent, CalledDefinition, HumanTask, ProcessInstance, TimerJob
from .projections import (
    close_step_visits,
    current_steps,
    plan_human_tasks,
    sync_deadlines,
    sync_human_tasks,
    sync_step_visits,
    sync_timer_jobs,
)
from .scripting import make_script_engine
from .serialization import dump_state, load_state
from .state_versions import current_version

SCRIPT_ENGINE = make_script_engine()
CLOSED_STATUSES = ("completed", "terminated")


def set_workflow_cache(enabled: bool) -> bool:
    """Turn the in-process workflow cache on or off; returns the previous setting."""
    return workflow_cache.set_enabled(enabled)


def get_instance(session: Session, instance_id: int | str) -> ProcessInstance:
    try:
        key = int(instance_id)
    except (TypeError, ValueError):
        raise NotFound(f"no case with id '{instance_id}'") from None
    instance = session.get(ProcessInstance, key)
    if instance is None:
        raise NotFound(f"no case with id {key}")
    return instance


def get_task(session: Session, task_id: str) -> HumanTask:
    task = session.get(HumanTask, str(task_id))
    if task is None:
        raise NotFound(f"no task with id '{task_id}'")
    return task


def load_workflow(instance: ProcessInstance) -> BpmnWorkflow:
    cached = workflow_cache.take(instance)
    if cached is not None:
        return cached
    workflow = load_state(instance.state, _instance_process(instance), instance.serializer_version)
    workflow.script_engine = SCRIPT_ENGINE
    if branch_data.record_values(workflow) is None:
        # A state saved before case records: its record starts from what its branches hold now.
        branch_data.ensure_record(workflow, seed=_branch_data_merged(workflow))
    return workflow


def audit(session: Session, instance: ProcessInstance | None, actor: str, action: str, *,
          task_id: str | None = None, bpmn_id: str | None = None, detail: str | None = None,
          data: dict[str, Any] | None = None) -> None:
    session.add(AuditEvent(instance_id=instance.id if instance else None, at=utcnow(), actor=actor,
                           action=action, task_id=task_id, bpmn_id=bpmn_id, detail=detail,
                           data=_jsonable(data) if data is not None else None))


def start_instance(session: Session, process_key: str, actor: str, business_key: str | None = None,
                   data: dict[str, Any] | None = None, owner: str | None = None) -> ProcessInstance:
    if data is not None and not isinstance(data, dict):
        raise InvalidInput("case data must be a JSON object")
    latest_definition(session, process_key)  # NotFound before any hook runs
    context = hooks.StartContext(process_key, business_key, dict(data or {}), owner)
    for data_hook in hooks.start_data_hooks:
        data_hook(context)
    for hook in hooks.start_hooks:
        hook(session, context)
    # The owner's own version of the route if it deployed one, else the national default.
    definition = latest_definition(session, process_key, owner=context.owner)
    assert definition is not None  # required=True raises NotFound instead
    calls = resolve_calls(session, definition, context.owner)
    parsed = with_calls(definition, calls)
    workflow = CaseWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=SCRIPT_ENGINE)
    branch_data.ensure_record(workflow)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(context.data)
    now = utcnow()
    instance = ProcessInstance(
        definition=definition, definition_id=definition.id, process_key=process_key,
        business_key=business_key, owner=context.owner, status="running", state={},
        serializer_version=current_version(), data=_jsonable(context.data), started_at=now, started_by=actor,
        updated_at=now)
    session.add(instance)
    session.flush()
    session.add_all(CalledDefinition(instance_id=instance.id, process_key=key, definition_id=called.id)
                    for key, called in calls.items())
    audit(session, instance, actor, "started", data=context.data)
    _advance(session, instance, workflow, actor)
    return instance


def _instance_process(instance: ProcessInstance):
    """The specs a case runs on: its definition's, and the called versions recorded at its start."""
    if not parsed_definition(instance.definition).external_calls:
        return parsed_definition(instance.definition)
    return with_calls(instance.definition, {c.process_key: c.definition for c in instance.called_definitions})


def complete_task(session: Session, task_id: str, actor: str,
                  data: dict[str, Any] | None = None) -> ProcessInstance:
    row = get_task(session, task_id)
    if not row.is_open:
        by = f" by {row.completed_by}" if row.completed_by else ""
        raise Conflict(f"task '{row.name}' has already been completed{by}")
    if row.assignee and row.assignee != actor:
        raise NotAllowed(f"task '{row.name}' is assigned to {row.assignee}")
    instance = _open_instance(session, row.instance_id)
    # show_if rules may read the case's data (e.g. a diocese only for a church school).
    submitted = validate_submission(row.form, data or {}, instance.data)
    # Re-read under the case lock: someone may have claimed or completed the task since it was
    # read above (on PostgreSQL, while we waited for the lock). One code path for both databases.
    session.refresh(row)
    if not row.is_open:
        raise Conflict(f"task '{row.name}' has just been completed by {row.completed_by or 'someone else'}")
    if row.assignee and row.assignee != actor:
        raise NotAllowed(f"task '{row.name}' has just been claimed by {row.assignee}")
    hooks.refuse_if_invalid(session, instance, row, submitted)  # before anything changes
    workflow = load_workflow(instance)
    task = _find_task(workflow, row.id)
    if task is None or task.state != TaskState.READY:
        raise Conflict(f"task '{row.name}' is no longer waiting to be done")
    task.data.update(submitted)
    for data_hook in hooks.task_data_hooks:
        data_hook(session, instance, row, task.data)
    task.run()
    row.is_open, row.completed_at, row.completed_by, row.draft = False, utcnow(), actor, None
    audit(session, instance, actor, "task_completed", task_id=row.id, bpmn_id=row.bpmn_id, detail=row.name,
          data=submitted)
    _advance(session, instance, workflow, actor)
    for hook in hooks.task_completed_hooks:
        hook(session, instance, row, submitted)
    return instance


def _find_task(workflow: BpmnWorkflow, task_id: str):
    try:
        return workflow.get_task_from_id(UUID(task_id))
    except Exception:  # SpiffWorkflow raises its own TaskNotFoundException; any miss means "gone"
        return None


def lock_instance(session: Session, instance_id: int | str) -> ProcessInstance:
    """Load a case for a write, holding its row lock until commit.

    On PostgreSQL a second writer waits here and then sees the first one's result, instead of
    racing it to the projections; SQLite's BEGIN IMMEDIATE already serialises writers. The
    lock_version check at save stays as the safety net.
    """
    if session.get_bind().dialect.name != "postgresql":
        return get_instance(session, instance_id)
    try:
        key = int(instance_id)
    except (TypeError, ValueError):
        raise NotFound(f"no case with id '{instance_id}'") from None
    instance = session.scalars(select(ProcessInstance).where(ProcessInstance.id == key)
                               .with_for_update(of=ProcessInstance)
                               .execution_options(populate_existing=True)).one_or_none()
    if instance is None:
        raise NotFound(f"no case with id {key}")
    return instance


def _open_instance(session: Session, instance_id: int) -> ProcessInstance:
    instance = lock_instance(session, instance_id)
    if instance.status == "suspended":
        raise Conflict(f"case {instance.id} is suspended; resume it first")
    if instance.status in CLOSED_STATUSES:
        raise Conflict(f"case {instance.id} is {instance.status}")
    if instance.status == "error":
        raise Conflict(f"case {instance.id} is in error ({instance.error_message}); retry it first")
    return instance


def _advance(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow, actor: str,
             refresh_timers: bool = False) -> None:
    """Run the engine as far as it goes, then save state and projections.

    A failing script or expression parks the case in `error` with the message; the state up to the
    failure (including the task the officer just completed) is kept, and `retry` resumes from it.
    """
    error = None
    planned: list = []
    try:
        if refresh_timers:
            workflow.refresh_timers()
        workflow.do_engine_steps()
        while event_subprocesses.apply(workflow):
            workflow.do_engine_steps()
        # Messages no pool of this case catches (sent to a pool drawn as description only) go on
        # the timeline rather than piling up in the state.
        for event in workflow.get_events():
            audit(session, instance, actor, "message_sent", detail=event.event_definition.name)
        planned = plan_human_tasks(workflow)
    except Exception as exc:  # a model's script or expression failed
        error = _describe(exc)
    with session.no_autoflush:
        _save(session, instance, workflow, planned, error, actor)
    for conflict in branch_data.take_conflicts(workflow):
        audit(session, instance, actor, "data_conflict", detail=_describe_conflict(conflict),
              data=vars(conflict))
    if error is not None:
        audit(session, instance, actor, "error", detail=error)
    _flush(session, instance)
    workflow_cache.remember(session, instance, workflow)


def _describe(exc: Exception) -> str:
    """One line for officers and process owners: where it failed, and why."""
    message = str(exc).split("\n")[0].strip() or type(exc).__name__
    cause = exc.__cause__ or exc.__context__
    if cause is not None and str(cause) and str(cause) not in message:
        message = f"{message} ({type(cause).__name__}: {cause})"
    task_spec = getattr(exc, "task_spec", None) or getattr(getattr(exc, "task", None), "task_spec", None)
    where = getattr(task_spec, "bpmn_id", None)
    return f"{where}: {message}" if where else message


def sync_step_projections(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow, planned: list,
                          actor: str) -> None:
    """Where the case now stands, in its projections: open tasks, timer jobs, current steps and step
    visits. Every save of a workflow goes through here (a step done, a case migrated), so none of
    them can drift from the others."""
    steps = sync_human_tasks(session, instance, planned) + sync_timer_jobs(session, instance, workflow, actor)
    instance.current_steps = ", ".join(steps)[:1000]
    sync_step_visits(session, instance, current_steps(workflow, planned))


def _save(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow, planned: list,
          error: str | None, actor: str) -> None:
    instance.state = dump_state(workflow)
    instance.serializer_version = current_version()
    instance.data = _jsonable(case_data(workflow))
    instance.error_message = error
    instance.updated_at = utcnow()
    if error is not None:
        # Projections stay as they were until a retry gets past the failing step.
        instance.status = "error"
        return
    sync_step_projections(session, instance, workflow, planned, actor)
    if workflow.is_completed():
        instance.status, instance.ended_at = "completed", utcnow()
    elif instance.status != "suspended":
        instance.status = "running" if planned else "waiting"
    sync_deadlines(session, instance, today_local())


def _flush(session: Session, instance: ProcessInstance) -> None:
    try:
        session.flush()
    except StaleDataError as error:
        raise Conflict(f"case {instance.id} was changed by someone else at the same time; "
                       "reload it and try again") from error


_FRONTIER = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


def _describe_conflict(conflict: branch_data.DataConflict) -> str:
    return (f"'{conflict.key}' was {conflict.earlier_value!r} from '{conflict.earlier_step}' and is now "
            f"{conflict.later_value!r} from '{conflict.later_step}', completed later")


def case_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """What the case knows now: every value any of its steps recorded, on any branch."""
    values = branch_data.record_values(workflow)
    return dict(values) if values is not None else _branch_data_merged(workflow)


def _branch_data_merged(workflow: BpmnWorkflow) -> dict[str, Any]:
    """For a state saved before case records: the data of every branch it stands on, oldest first."""
    tasks = [t for t in workflow.get_tasks(state=_FRONTIER)]
    if workflow.last_task is not None:
        tasks.append(workflow.last_task)
    merged: dict[str, Any] = {}
    for task in sorted(tasks, key=lambda t: t.last_state_change or 0):
        merged.update(task.data)
    return merged if tasks else dict(workflow.task_tree.data)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def claim_task(session: Session, task_id: str, actor: str) -> HumanTask:
    row = _open_task(session, task_id)
    result = session.execute(update(HumanTask).where(HumanTask.id == row.id, HumanTask.assignee.is_(None))
                             .values(assignee=actor))
    if getattr(result, "rowcount", 0) != 1:
        session.refresh(row)
        if row.assignee != actor:
            raise Conflict(f"task '{row.name}' was already claimed by {row.assignee}")
    session.refresh(row)
    audit(session, session.get(ProcessInstance, row.instance_id), actor, "task_claimed", task_id=row.id,
          bpmn_id=row.bpmn_id, detail=row.name)
    return row


def unclaim_task(session: Session, task_id: str, actor: str, *, may_override: bool = False) -> HumanTask:
    row = _open_task(session, task_id)
    if row.assignee is None:
        raise Conflict(f"task '{row.name}' is not claimed")
    if row.assignee != actor and not may_override:
        raise NotAllowed(f"task '{row.name}' is claimed by {row.assignee}, not you")
    row.assignee = None
    audit(session, session.get(ProcessInstance, row.instance_id), actor, "task_unclaimed", task_id=row.id,
          bpmn_id=row.bpmn_id, detail=row.name)
    session.flush()
    return row


def reassign_task(session: Session, task_id: str, actor: str, assignee: str) -> HumanTask:
    row = _open_task(session, task_id)
    if not assignee or not assignee.strip():
        raise InvalidInput("say who the task is to be reassigned to")
    previous, row.assignee = row.assignee, assignee.strip()
    audit(session, session.get(ProcessInstance, row.instance_id), actor, "task_reassigned", task_id=row.id,
          bpmn_id=row.bpmn_id, detail=f"{row.name}: {previous or 'unassigned'} → {row.assignee}")
    session.flush()
    return row


def save_draft(session: Session, task_id: str, data: dict[str, Any]) -> HumanTask:
    row = _open_task(session, task_id)
    row.draft = _jsonable(data)
    session.flush()
    return row


def _open_task(session: Session, task_id: str) -> HumanTask:
    row = get_task(session, task_id)
    if not row.is_open:
        raise Conflict(f"task '{row.name}' is no longer open")
    return row


def suspend_instance(session: Session, instance_id: int, actor: str, reason: str = "") -> ProcessInstance:
    instance = lock_instance(session, instance_id)
    if instance.status in CLOSED_STATUSES or instance.status == "suspended":
        raise Conflict(f"case {instance.id} is {instance.status} and cannot be suspended")
    instance.status, instance.updated_at = "suspended", utcnow()
    audit(session, instance, actor, "suspended", detail=reason or None)
    _flush(session, instance)
    return instance


def resume_instance(session: Session, instance_id: int, actor: str, reason: str = "") -> ProcessInstance:
    instance = lock_instance(session, instance_id)
    if instance.status != "suspended":
        raise Conflict(f"case {instance.id} is {instance.status}, not suspended")
    instance.status = "running"
    workflow = load_workflow(instance)
    audit(session, instance, actor, "resumed", detail=reason or None)
    # Timers that fell due while suspended fire now.
    _advance(session, instance, workflow, actor, refresh_timers=True)
    return instance


def terminate_instance(session: Session, instance_id: int, actor: str, reason: str = "") -> ProcessInstance:
    instance = lock_instance(session, instance_id)
    if instance.status in CLOSED_STATUSES:
        raise Conflict(f"case {instance.id} is already {instance.status}")
    workflow = load_workflow(instance)
    workflow.cancel()
    instance.state, instance.serializer_version = dump_state(workflow), current_version()
    instance.status, instance.ended_at, instance.updated_at = "terminated", utcnow(), utcnow()
    instance.current_steps = ""
    for row in session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                       HumanTask.is_open.is_(True))):
        row.is_open = False
    session.execute(update(TimerJob).where(TimerJob.instance_id == instance.id, TimerJob.fired_at.is_(None))
                    .values(is_cancelled=True))
    close_step_visits(session, instance)
    deadlines.end_with_case(session, instance.id)
    audit(session, instance, actor, "terminated", detail=reason or None)
    _flush(session, instance)
    return instance


def retry_instance(session: Session, instance_id: int, actor: str) -> ProcessInstance:
    instance = lock_instance(session, instance_id)
    if instance.status != "error":
        raise Conflict(f"case {instance.id} is {instance.status}, not in error")
    workflow = load_workflow(instance)
    for task in workflow.get_tasks(state=TaskState.ERROR):
        task._set_state(TaskState.READY)
    instance.status = "running"
    audit(session, instance, actor, "retried")
    _advance(session, instance, workflow, actor, refresh_timers=True)
    return instance
