"""Skipping the failed step of a case in error: mark it completed without running it, then run on.

When a script step fails on something nobody can correct (a service that is gone, a calculation
made by hand instead), a process owner or manager may skip it, with a reason. Only a script step
is ever skipped: it has no officer behind it, and the route after it sees exactly the data it saw
before (the script's own results are simply never made). A user task, a gateway (which path?), an
event, a call activity or a step of a multi-instance loop is refused, because completing it
unrun would invent a decision or a message the route relies on.
"""
from __future__ import annotations

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.util.task import TaskState

from .corrections import MAX_REASON_LENGTH
from .errors import Conflict, InvalidInput, NotAllowed
from .models import ProcessInstance
from .runtime import _advance, audit, load_workflow, lock_instance


def may_skip(task) -> bool:
    """A plain script step, not one instance of a loop: safe to complete unrun."""
    if not isinstance(task.task_spec, ScriptTask) or isinstance(task.task_spec, LoopTask):
        return False
    return task.parent is None or not isinstance(task.parent.task_spec, LoopTask)


def skippable_steps(instance: ProcessInstance) -> list[str]:
    """BPMN ids of the failed steps of a case in error that `skip_failed_step` would accept."""
    if instance.status != "error":
        return []
    workflow = load_workflow(instance)
    return [t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.ERROR) if may_skip(t)]


def _checked_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("give the reason for skipping the step")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(f"the reason must be {MAX_REASON_LENGTH} characters or fewer")
    return reason


def skip_failed_step(session, instance_id: int, actor: str, bpmn_id: str, reason: str) -> ProcessInstance:
    """Complete the failed step `bpmn_id` without running it, audit who and why, and run the case on.

    Any other failed step of the case is retried, as `runtime.retry_instance` would.
    """
    reason = _checked_reason(reason)
    instance = lock_instance(session, instance_id)
    if instance.status != "error":
        raise Conflict(f"case {instance.id} is {instance.status}, not in error")
    workflow = load_workflow(instance)
    failed = list(workflow.get_tasks(state=TaskState.ERROR))
    target = next((t for t in failed if t.task_spec.bpmn_id == bpmn_id), None)
    if target is None:
        raise InvalidInput(f"'{bpmn_id}' is not a step that failed in case {instance.id}")
    if not may_skip(target):
        raise NotAllowed(f"'{target.task_spec.bpmn_name or bpmn_id}' is not a script step; "
                         "only a failed script step may be skipped")
    name = target.task_spec.bpmn_name or bpmn_id
    for task in failed:
        if task is not target:
            task._set_state(TaskState.READY)
    target.complete()  # completes the step and readies what follows, without running its script
    instance.status = "running"
    audit(session, instance, actor, "step_skipped", task_id=str(target.id), bpmn_id=bpmn_id,
          detail=f"{name} (reason: {reason})",
          data={"step": bpmn_id, "name": name, "error": instance.error_message, "reason": reason})
    _advance(session, instance, workflow, actor, refresh_timers=True)
    return instance
