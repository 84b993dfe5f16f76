"""Rewrite an instance's projections from its workflow, in the saving transaction.

`human_tasks`, `timer_jobs`, `step_visits` and `deadlines` are what the inbox, the scheduler and
the dashboard read; they are derived here and nowhere else, so they cannot drift from the workflow state.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, inspect, select, update
from sqlalchemy.orm import Session

from . import hooks
from .clock import LOCAL_TZ, parse_iso
from .db import utcnow
from .definitions import candidate_groups, user_task_role
from .models import AuditEvent, Deadline, HumanTask, ProcessInstance, StepVisit, TimerJob
from .parser import form_to_dict


def to_due_at(value: Any) -> datetime | None:
    """A due-date expression's result (date, datetime or ISO text) as an aware UTC datetime.

    A date alone means "by the end of that day" in the organisation's time zone.
    """
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = parse_iso(value)
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)).astimezone(UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(23, 59, 59), LOCAL_TZ).astimezone(UTC)
    raise ValueError(f"a due date must be a date or datetime, not {type(value).__name__}")


def ready_user_tasks(workflow: BpmnWorkflow) -> list:
    return workflow.get_tasks(state=TaskState.READY, manual=True)


def timer_due_at(value: Any) -> datetime | None:
    """When a timer falls due, from the event value SpiffWorkflow keeps on its task: a date-time, or
    a cycle's next occurrence. None for a duration not yet started, a cycle that has run out, or no
    value; ValueError for text that is not a date-time (the one reading of it: the projections, the
    dry run and the migration plan all call this)."""
    if isinstance(value, dict):  # cycle timers keep their next occurrence
        value = value.get("next") if value.get("cycles", 0) != 0 else None
    if not isinstance(value, str) or value.upper().startswith("P"):
        return None
    return TimerEventDefinition.get_datetime(value)


def waiting_timers(workflow: BpmnWorkflow) -> list[tuple[Any, datetime]]:
    """(task, due_at) for every timer event the workflow is waiting on."""
    found = []
    for task in workflow.event_manager.tasks.values():
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, TimerEventDefinition):
            continue
        due = timer_due_at(task._get_internal_data("event_value"))
        if due is not None:
            found.append((task, due))
    return found


def _evaluate_due(workflow: BpmnWorkflow, task, key: str) -> datetime | None:
    expression = task.task_spec.extensions.get(key)
    if not expression:
        return None
    return to_due_at(workflow.script_engine.evaluate(task, expression))


def plan_human_tasks(workflow: BpmnWorkflow) -> list[tuple[Any, dict[str, Any]]]:
    """The ready user tasks with their evaluated due dates and assignee.

    Done before anything is written, so a failing due-date expression leaves the session clean.
    """
    return [(task, {"due_at": _evaluate_due(workflow, task, "due_date"),
                    "follow_up_at": _evaluate_due(workflow, task, "follow_up_date"),
                    "assignee": _static_assignee(workflow, task)})
            for task in ready_user_tasks(workflow)]


# Built once: a statement object memoizes its cache key, so each save skips that work.
_OPEN_TASKS = select(HumanTask).where(HumanTask.instance_id == bindparam("instance_id"), HumanTask.is_open.is_(True))
_PENDING_JOBS = select(TimerJob).where(TimerJob.instance_id == bindparam("instance_id"), TimerJob.fired_at.is_(None),
                                       TimerJob.is_cancelled.is_(False))
_DEADLINES = select(Deadline).where(Deadline.instance_id == bindparam("instance_id"))
_OPEN_VISITS = select(StepVisit).where(StepVisit.instance_id == bindparam("instance_id"), StepVisit.left_at.is_(None))


def sync_human_tasks(session: Session, instance: ProcessInstance, planned: list[tuple[Any, dict[str, Any]]]
                     ) -> list[str]:
    existing = {t.id: t for t in session.scalars(_OPEN_TASKS, {"instance_id": instance.id})}
    names = []
    opened: list[HumanTask] = []
    now = utcnow()
    for task, evaluated in planned:
        task_id = str(task.id)
        spec = task.task_spec
        names.append(spec.bpmn_name or spec.bpmn_id)
        if existing.pop(task_id, None) is not None:
            continue
        opened.append(HumanTask(
            id=task_id, instance_id=instance.id, owner=instance.owner, shared_with=instance.shared_with,
            process_key=instance.process_key, business_key=instance.business_key, is_open=True, created_at=now,
            **_from_spec(task), **evaluated,
        ))
    session.add_all(opened)
    for row in existing.values():  # no longer ready: withdrawn by a boundary event or cancellation
        row.is_open = False
    _share(session, instance, opened)
    return names


def _from_spec(task) -> dict[str, Any]:
    """What a task row takes from the step's definition (as opposed to the case's data)."""
    spec = task.task_spec
    groups = candidate_groups(spec)
    return {"bpmn_id": spec.bpmn_id, "name": _task_name(task), "role": user_task_role(spec),
            "candidate_groups": groups or ([spec.lane] if spec.lane else []),
            "form": form_to_dict(getattr(spec, "form", None)), "documentation": spec.documentation,
            "properties": {k: v for k, v in spec.extensions.items() if isinstance(v, str)}}


def refresh_open_tasks(session: Session, instance: ProcessInstance, planned: list[tuple[Any, dict[str, Any]]]
                       ) -> None:
    """Rewrite the open task rows from a new version of their steps (a migration): name, role, form,
    due dates. Who claimed a task and their draft are kept; sync_human_tasks then opens and closes rows."""
    existing = {t.id: t for t in session.scalars(_OPEN_TASKS, {"instance_id": instance.id})}
    for task, evaluated in planned:
        row = existing.get(str(task.id))
        if row is None:
            continue
        for name, value in {**_from_spec(task), "due_at": evaluated["due_at"],
                            "follow_up_at": evaluated["follow_up_at"]}.items():
            setattr(row, name, value)
        row.assignee = row.assignee or evaluated["assignee"]


def _share(session: Session, instance: ProcessInstance, opened: list[HumanTask]) -> None:
    """Record who else sees the case, so visibility is a column test rather than a task-row scan.

    The case's task rows carry a copy (as they carry `owner`), so the region's rule on tasks reads
    one table: the rows opened now get it here, the rows written before by one UPDATE.
    """
    if instance.shared_with is not None or not opened:
        return
    with session.no_autoflush:  # the save flushes once, at its end
        for hook in hooks.share_hooks:
            shared_with = hook(session, instance, opened)
            if shared_with:
                instance.shared_with = shared_with
                for task in opened:
                    task.shared_with = shared_with
                session.execute(update(HumanTask).where(HumanTask.instance_id == instance.id)
                                .values(shared_with=shared_with).execution_options(synchronize_session=False))
                return


def _task_name(task) -> str:
    """The step's name; an instance of a multi-instance task also names its item ("...: Dr Chen")."""
    name = task.task_spec.bpmn_name or task.task_spec.bpmn_id
    item_ref = getattr(task.parent.task_spec, "input_item", None) if task.parent is not None else None
    item = task.data.get(item_ref.bpmn_id) if item_ref is not None else None
    if isinstance(item, (str, int)) and not isinstance(item, bool):
        return f"{name}: {item}"[:300]
    return name


def _static_assignee(workflow: BpmnWorkflow, task) -> str | None:
    expression = task.task_spec.extensions.get("assignee")
    if not expression:
        return None
    if expression.strip().startswith("${"):
        value = workflow.script_engine.evaluate(task, expression)
        return str(value) if value else None
    return expression.strip()


def sync_timer_jobs(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow, actor: str) -> list[str]:
    pending = {(j.task_id, j.due_at): j for j in session.scalars(_PENDING_JOBS, {"instance_id": instance.id})}
    names = []
    for task, due_at in waiting_timers(workflow):
        spec = task.task_spec
        names.append(f"waiting: {spec.bpmn_name or spec.bpmn_id}")
        if pending.pop((str(task.id), due_at), None) is None:
            session.add(TimerJob(instance_id=instance.id, task_id=str(task.id), bpmn_id=spec.bpmn_id,
                                 name=spec.bpmn_name or spec.bpmn_id, due_at=due_at))
    now = utcnow()
    for job in pending.values():  # no longer waiting at its due time: it fired, or it was withdrawn
        if _has_fired(workflow, job):
            job.fired_at = now
            session.add(AuditEvent(instance_id=instance.id, at=now, actor=actor, action="timer_fired",
                                   task_id=job.task_id, bpmn_id=job.bpmn_id, detail=job.name,
                                   data={"due_at": job.due_at.isoformat()}))
        else:
            job.is_cancelled = True
    return names


def _has_fired(workflow: BpmnWorkflow, job: TimerJob) -> bool:
    """Whether a job's timer event happened: its task ran (or is ready to), or, for a cycle, the
    next occurrence has moved past this one. Otherwise it was withdrawn: a boundary event's task
    completed first, another branch of an event gateway won, or the case was cancelled."""
    try:
        task = workflow.get_task_from_id(UUID(job.task_id))
    except Exception:  # SpiffWorkflow raises its own TaskNotFoundException; gone means withdrawn
        return False
    value = task._get_internal_data("event_value")
    if isinstance(value, dict) and value.get("next"):
        return TimerEventDefinition.get_datetime(value["next"]) > job.due_at
    return task.has_state(TaskState.READY | TaskState.STARTED | TaskState.COMPLETED)


def current_steps(workflow: BpmnWorkflow, planned: list[tuple[Any, dict[str, Any]]]) -> list[tuple[str, str, str]]:
    """(task id, bpmn id, name) of every step the case is at: its ready user tasks and the timers
    it waits on (a case waiting out a period is at that step too). A timer on a task's boundary is
    that task's time limit, not a step of its own: the case is at the task."""
    steps = [(str(task.id), task.task_spec.bpmn_id, _task_name(task)) for task, _ in planned]
    steps += [(str(task.id), task.task_spec.bpmn_id, task.task_spec.bpmn_name or task.task_spec.bpmn_id)
              for task, _ in waiting_timers(workflow) if not isinstance(task.task_spec, BoundaryEvent)]
    return steps


def sync_step_visits(session: Session, instance: ProcessInstance, steps: list[tuple[str, str, str]]) -> None:
    """Open a visit for each step the case has just reached; close those of the steps it has left."""
    if inspect(instance).attrs.shared_with.history.added:  # shared by this save: its past visits too
        session.execute(update(StepVisit).where(StepVisit.instance_id == instance.id)
                        .values(shared_with=instance.shared_with).execution_options(synchronize_session=False))
    still_open = {v.task_id: v for v in session.scalars(_OPEN_VISITS, {"instance_id": instance.id})}
    now = utcnow()
    for task_id, bpmn_id, name in steps:
        if still_open.pop(task_id, None) is None:
            session.add(StepVisit(instance_id=instance.id, owner=instance.owner, shared_with=instance.shared_with,
                                  process_key=instance.process_key, task_id=task_id, bpmn_id=bpmn_id,
                                  name=name[:300], entered_at=now))
    for visit in still_open.values():
        visit.left_at = now


def close_step_visits(session: Session, instance: ProcessInstance) -> None:
    """The case ended outside its steps (terminated): it is at none of them any more."""
    sync_step_visits(session, instance, [])


#: The day the domain's rules are asked about to learn what each pending deadline says once its day
#: has passed: the rules judge "missed" only by comparing today with the due day, so any day after
#: every due day gives that answer without the engine knowing the rules.
AFTER_EVERY_DEADLINE = date(9999, 12, 31)


def _deadline_infos(instance: ProcessInstance, today: date) -> dict[str, hooks.DeadlineInfo] | None:
    computed: dict[str, hooks.DeadlineInfo] = {}
    has_rules = False
    for hook in hooks.deadline_hooks:
        found = hook(instance.process_key, instance.data or {}, today)
        if found is None:  # the domain has no deadline rules for this process
            continue
        has_rules = True
        computed.update((info.deadline_id, info) for info in found)
    return computed if has_rules else None


def sync_deadlines(session: Session, instance: ProcessInstance, today: date) -> None:
    computed = _deadline_infos(instance, today)
    if computed is None:
        return
    once_passed = _deadline_infos(instance, AFTER_EVERY_DEADLINE) or {}
    rows = {d.deadline_id: d for d in session.scalars(_DEADLINES, {"instance_id": instance.id})}
    for deadline_id, info in computed.items():
        row = rows.pop(deadline_id, None) or Deadline(instance_id=instance.id, deadline_id=deadline_id)
        row.owner, row.shared_with = instance.owner, instance.shared_with
        row.name, row.due_on, row.rule, row.source = info.name, info.due_on, info.rule, info.source
        row.status, row.met_on, row.note = info.status, info.met_on, info.note
        later = once_passed.get(deadline_id)
        lapses = info.status == "pending" and later is not None and later.status == "missed"
        row.overdue_note = (later.note or "the day passed without it being met") if lapses and later else None
        if row.status != "missed" and not (row.overdue_note and row.due_on and row.due_on < today):
            row.missed_at = None  # the facts were corrected: no longer a miss, so not counted as one
        session.add(row)
    for stale in rows.values():
        session.delete(stale)
