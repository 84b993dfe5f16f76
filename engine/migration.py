"""Move running cases from one version of a process to another, where that is safe.

`plan_migration` is the dry run: for each case, whether it can move and, if not, why (its current
step is not in the new version; a form field it already filled is gone; a timer it waits on
changed, and how), and how its open deadlines (task due dates, timers) would change, worked out by
migrating a copy of the case in memory exactly as `migrate_cases` then does for real.

The migration itself is SpiffWorkflow's (SpiffWorkflow.bpmn.util.diff): its SpecDiff aligns the
old version's task specs with the new one's (by BPMN id), migrate_workflow points every task of the
case at its new spec and re-plans the branches from the open steps onwards. What it re-plans it
also resets, so the open steps' data and internal data (a timer's due time, a branch's record) are
put back afterwards: a case waiting on an unchanged "P14D" timer keeps its day, it does not start
the fortnight again.

A case whose current step is gone is never moved. Finished steps the new version no longer has
are taken out of the case's task tree (SpiffWorkflow could not load a state naming them); what
they recorded stays in the case's data, and who did them stays in the audit log.
"""
from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.specs.user_task import UserTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import runtime, workflow_cache
from .clock import today_local
from .db import utcnow
from .definition_diff import form_fields, timer_expression
from .definitions import ParsedProcess, parsed_definition
from .errors import InvalidInput, NotFound
from .models import HumanTask, ProcessDefinition, ProcessInstance, TimerJob
from .projections import (
    plan_human_tasks,
    refresh_open_tasks,
    sync_deadlines,
    timer_due_at,
    waiting_timers,
)
from .scripting import strip_expression
from .serialization import dump_state, load_state, spec_registry
from .state_versions import current_version

#: Cases that can move: not ended. A case in error is refused (retry it first).
MOVABLE_STATUSES = ("running", "waiting", "suspended", "error")
_OPEN = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
_DONE = TaskState.COMPLETED


@dataclass
class DeadlineChange:
    #: The open task or timer, by name.
    step: str
    kind: str  # "task" or "timer"
    before: datetime | None
    after: datetime | None

    @property
    def is_changed(self) -> bool:
        return self.before != self.after


@dataclass
class CasePlan:
    instance_id: int
    business_key: str | None
    owner: str | None
    status: str
    current_steps: list[str]
    #: Why the case cannot move; empty when it can.
    reasons: list[str] = field(default_factory=list)
    deadlines: list[DeadlineChange] = field(default_factory=list)

    @property
    def can_move(self) -> bool:
        return not self.reasons


@dataclass
class MigrationPlan:
    source: ProcessDefinition
    target: ProcessDefinition
    cases: list[CasePlan]

    @property
    def movable(self) -> list[CasePlan]:
        return [c for c in self.cases if c.can_move]

    @property
    def refused(self) -> list[CasePlan]:
        return [c for c in self.cases if not c.can_move]


def find_version(session: Session, key: str, version: int, owner: str | None = None) -> ProcessDefinition:
    """Version `version` of `key` in the owner's line of versions (None: the national one)."""
    mine = ProcessDefinition.owner.is_(None) if owner is None else ProcessDefinition.owner == owner
    found = session.scalars(select(ProcessDefinition).where(ProcessDefinition.key == key, mine,
                                                            ProcessDefinition.version == version)).first()
    if found is None:
        line = f"{owner}'s" if owner else "the national"
        raise NotFound(f"{line} process '{key}' has no version {version}")
    return found


def check_versions(source: ProcessDefinition, target: ProcessDefinition) -> None:
    if source.key != target.key:
        raise InvalidInput(f"cases of '{source.key}' can only move to another version of '{source.key}'")
    if source.id == target.id:
        raise InvalidInput("the two versions are the same: choose two different versions")


def cases_on(session: Session, source: ProcessDefinition, owner: str | None = None) -> list[ProcessInstance]:
    """The cases still running on `source`, optionally of one organisation, oldest first."""
    query = select(ProcessInstance).where(ProcessInstance.definition_id == source.id,
                                          ProcessInstance.status.in_(MOVABLE_STATUSES))
    if owner is not None:
        query = query.where(ProcessInstance.owner == owner)
    return list(session.scalars(query.order_by(ProcessInstance.id)))


def plan_migration(session: Session, source: ProcessDefinition, target: ProcessDefinition,
                   instances: list[ProcessInstance] | None = None) -> MigrationPlan:
    """The dry run; nothing is written."""
    check_versions(source, target)
    instances = cases_on(session, source) if instances is None else instances
    plans = [_attempt(session, instance, target)[0] for instance in instances]
    return MigrationPlan(source, target, plans)


def migrate_cases(session: Session, source: ProcessDefinition, target: ProcessDefinition, actor: str,
                  reason: str, instances: list[ProcessInstance] | None = None) -> MigrationPlan:
    """Move every case that can move, each with an audit event; the others are left exactly as they were.

    Each case is planned again under its row lock, so one that changed since the dry run is judged as
    it is now. Returns the plan as carried out."""
    check_versions(source, target)
    if not reason or not reason.strip():
        raise InvalidInput("say why the cases are being moved")
    instances = cases_on(session, source) if instances is None else instances
    plans = []
    for candidate in instances:
        instance = runtime.lock_instance(session, candidate.id)
        if instance.definition_id != source.id or instance.status not in MOVABLE_STATUSES:
            continue  # moved or ended since it was listed
        plan, workflow, planned = _attempt(session, instance, target)
        plans.append(plan)
        if plan.can_move and workflow is not None:
            _apply(session, instance, target, workflow, planned, plan, actor, reason.strip())
    return MigrationPlan(source, target, plans)


def _attempt(session: Session, instance: ProcessInstance, target: ProcessDefinition
             ) -> tuple[CasePlan, BpmnWorkflow | None, list]:
    """Migrate a copy of the case in memory: its plan, and the migrated workflow if it can move."""
    steps = [s for s in (instance.current_steps or "").split(", ") if s]
    plan = CasePlan(instance.id, instance.business_key, instance.owner, instance.status, steps)
    if instance.status == "error":
        plan.reasons.append(f"the case is in error ({instance.error_message}): retry or correct it first")
        return plan, None, []
    if target.owner is not None and instance.owner != target.owner:
        # An organisation's own version is for its own cases only (as at start: engine.definitions).
        plan.reasons.append(f"version {target.version} is {target.owner}'s own, and the case is not {target.owner}'s")
        return plan, None, []
    old, new = parsed_definition(instance.definition), parsed_definition(target)
    if old.external_calls or new.external_calls:
        plan.reasons.append("the route calls separately deployed processes, which cannot be moved yet")
        return plan, None, []
    workflow = load_state(deepcopy(instance.state), old, instance.serializer_version)
    workflow.script_engine = runtime.SCRIPT_ENGINE
    top, subs = diff_workflow(spec_registry(), workflow, new.spec, new.subprocess_specs)
    plan.reasons.extend(_step_reasons(workflow, top, subs, target.version))
    plan.reasons.extend(_form_reasons(workflow, top, target.version))
    plan.reasons.extend(_timer_reasons(workflow, top))
    if plan.reasons:
        return plan, None, []
    try:
        _migrate(workflow, new, top, subs)
        _check_loads(workflow, new)
        planned = plan_human_tasks(workflow)
    except Exception as error:  # a due date the new version cannot work out for this case, say
        plan.reasons.append(f"it cannot be set up on version {target.version}: {runtime._describe(error)}")
        return plan, None, []
    plan.deadlines = _deadline_changes(session, instance, workflow, planned)
    return plan, workflow, planned


def _name(task) -> str:
    spec = task.task_spec
    return spec.bpmn_name or spec.bpmn_id


def _step_reasons(workflow: BpmnWorkflow, top, subs: dict, version: int) -> list[str]:
    reasons = []
    for diff in [top, *subs.values()]:
        if diff is None:
            reasons.append(f"it is inside a sub-process that version {version} no longer has")
            continue
        for task in diff.removed + [t for t in diff.alignment if _replaced(t, diff.alignment[t])]:
            if not getattr(task.task_spec, "bpmn_id", None):
                continue  # SpiffWorkflow's own helper steps follow the steps they belong to
            if task.has_state(_OPEN):
                reasons.append(f"its current step '{_name(task)}' is not in version {version}")
    return list(dict.fromkeys(reasons))


def _replaced(task, new_spec) -> bool:
    """SpiffWorkflow aligned the step with one of another id (in the same place): for a current step
    that is not the same step, so the case stays."""
    old_id = getattr(task.task_spec, "bpmn_id", None)
    return new_spec is not None and old_id is not None and getattr(new_spec, "bpmn_id", None) != old_id


def _form_reasons(workflow: BpmnWorkflow, top, version: int) -> list[str]:
    reasons = []
    for task in workflow.get_tasks(state=_DONE, skip_subprocesses=True):
        new_spec = top.alignment.get(task)
        if not isinstance(task.task_spec, UserTask) or new_spec is None:
            continue
        kept = form_fields(new_spec)
        for field_id, form_field in form_fields(task.task_spec).items():
            if field_id not in kept and field_id in task.data:
                reasons.append(f"the field '{form_field['label']}' it filled in at '{_name(task)}' is not in "
                               f"version {version}'s form")
    return list(dict.fromkeys(reasons))


def _timer_reasons(workflow: BpmnWorkflow, top) -> list[str]:
    reasons = []
    for task in workflow.get_tasks(state=TaskState.WAITING | TaskState.READY, skip_subprocesses=True):
        was = timer_expression(task.task_spec)
        new_spec = top.alignment.get(task)
        if was is None or new_spec is None:
            continue
        now = timer_expression(new_spec)
        if now != was:
            was, now = strip_expression(was), strip_expression(now) if now else "no timer"
            due = task._get_internal_data("event_value")
            reasons.append(f"it waits on the timer '{_name(task)}', which changes from {was} "
                           f"(due {_when(due)}) to {now} (due {_when(_evaluate(workflow, task, timer_expression(new_spec)))})")
    return reasons


def _evaluate(workflow: BpmnWorkflow, task, expression: str | None) -> Any:
    if not expression:
        return None
    try:
        return workflow.script_engine.evaluate(task, expression)
    except Exception as error:  # the new expression cannot be worked out for this case
        return f"not workable out: {runtime._describe(error)}"


def _when(value: Any) -> str:
    """A timer's due time for the migration plan: its stored event value, or the new expression's."""
    if isinstance(value, str) and value.upper().startswith("P"):
        return f"{value} from when it started"
    try:
        due = timer_due_at(value)
    except ValueError:  # not a date: say what it is
        return str(value)
    if due is not None:
        return due.strftime("%d %b %Y %H:%M UTC")
    return str(value) if value and not isinstance(value, dict) else "unknown"


def _migrate(workflow: BpmnWorkflow, new: ParsedProcess, top, subs: dict) -> None:
    kept = {task.id: (deepcopy(task.data), deepcopy(task.internal_data))
            for task in workflow.get_tasks(state=_OPEN)}
    workflow.subprocess_specs = new.subprocess_specs
    for sub_id, diff in subs.items():
        sub = workflow.subprocesses[sub_id]
        _prune_removed(sub, diff)
        migrate_workflow(diff, sub, new.subprocess_specs[sub.spec.name])
    _prune_removed(workflow, top)
    migrate_workflow(top, workflow, new.spec)
    for task_id, (data, internal) in kept.items():
        task = workflow.tasks.get(task_id) or _find_in_subprocesses(workflow, task_id)
        if task is not None:
            task.data, task.internal_data = data, internal


def _prune_removed(workflow, diff) -> None:
    """Take the finished steps the new version no longer has out of the case's task tree, their
    children going to their parent: SpiffWorkflow could not load a state naming a spec that is gone.
    What they recorded stays in the steps after them and in the case record; who did them and when
    stays in the audit log."""
    for task in [t for t in diff.removed if t.has_state(TaskState.FINISHED_MASK)]:
        parent = task.parent
        if parent is None:
            continue
        at = parent._children.index(task.id)
        parent._children[at:at + 1] = task._children
        for child in task.children:
            child.parent = parent
        del workflow.tasks[task.id]
        if workflow.last_task is task:
            workflow.last_task = parent
    diff.removed = [t for t in diff.removed if t.id in workflow.tasks]


def _find_in_subprocesses(workflow: BpmnWorkflow, task_id):
    for sub in workflow.subprocesses.values():
        if task_id in sub.tasks:
            return sub.tasks[task_id]
    return None


def _check_loads(workflow: BpmnWorkflow, new: ParsedProcess) -> None:
    """The migrated state saves and loads on the new version (every task names a spec it has)."""
    load_state(dump_state(workflow), new)


def _deadline_changes(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow,
                      planned: list) -> list[DeadlineChange]:
    tasks = {row.id: row for row in session.scalars(select(HumanTask).where(
        HumanTask.instance_id == instance.id, HumanTask.is_open.is_(True)))}
    changes = [DeadlineChange(_name(task), "task", tasks[str(task.id)].due_at if str(task.id) in tasks else None,
                              evaluated["due_at"]) for task, evaluated in planned]
    jobs = {job.task_id: job for job in session.scalars(select(TimerJob).where(
        TimerJob.instance_id == instance.id, TimerJob.fired_at.is_(None), TimerJob.is_cancelled.is_(False)))}
    for task, due_at in waiting_timers(workflow):
        job = jobs.get(str(task.id))
        changes.append(DeadlineChange(_name(task), "timer", job.due_at if job else None, due_at))
    return changes


def _apply(session: Session, instance: ProcessInstance, target: ProcessDefinition, workflow: BpmnWorkflow,
           planned: list, plan: CasePlan, actor: str, reason: str) -> None:
    """Save the migrated case and rewrite its projections, in the caller's transaction."""
    source_version, source_id = instance.definition.version, instance.definition_id
    instance.definition, instance.definition_id = target, target.id
    instance.state, instance.serializer_version = dump_state(workflow), current_version()
    instance.updated_at = utcnow()
    with session.no_autoflush:
        refresh_open_tasks(session, instance, planned)
        runtime.sync_step_projections(session, instance, workflow, planned, actor)
        sync_deadlines(session, instance, today_local())
    owner = f" ({target.owner}'s own)" if target.owner else ""
    runtime.audit(session, instance, actor, "migrated",
                  detail=f"migrated from version {source_version} to {target.version}{owner}: {reason}",
                  data={"from_version": source_version, "to_version": target.version,
                        "from_definition_id": source_id,
                        "to_definition_id": target.id, "to_owner": target.owner, "reason": reason,
                        "deadlines": [{"step": d.step, "kind": d.kind, "before": d.before, "after": d.after}
                                      for d in plan.deadlines if d.is_changed]})
    runtime._flush(session, instance)
    workflow_cache.remember(session, instance, workflow)


def parse_version(text: str | int | None, owner: str | None = None) -> tuple[str | None, int]:
    """A version as people give it: "3" (version 3 of `owner`'s line, None: the national one), or
    "national:3" / "<organisation>:3" to name the line, for moving cases onto an organisation's own
    version from a national one."""
    value = str(text or "").strip()
    line, _, number = value.rpartition(":")
    if not number.isdigit() or int(number) < 1 or len(number) > 9:
        raise InvalidInput(f"'{value}' is not a version: give a version number such as 2, or national:2")
    if line:
        owner = None if line.lower() == "national" else line
    return owner, int(number)


def version_label(definition: ProcessDefinition) -> str:
    return f"{definition.owner}:{definition.version}" if definition.owner else str(definition.version)


def plan_as_dict(plan: MigrationPlan) -> dict[str, Any]:
    return {"key": plan.source.key, "from": version_label(plan.source), "to": version_label(plan.target),
            "cases": [{"case": c.instance_id, "business_key": c.business_key, "owner": c.owner,
                       "status": c.status, "current_steps": c.current_steps, "can_move": c.can_move,
                       "reasons": c.reasons,
                       "deadlines": [{"step": d.step, "kind": d.kind, "before": d.before, "after": d.after,
                                      "changed": d.is_changed} for d in c.deadlines]}
                      for c in plan.cases]}
