"""Give event sub-processes BPMN's lifetime.

SpiffWorkflow starts an event sub-process whose start event is a timer as a branch of its own,
waiting on that timer beside the main flow. Left alone, a parent whose main flow has ended never
completes while the timer waits, and an interrupting event sub-process interrupts nothing. BPMN
says an event sub-process listens only while its parent runs, and an interrupting one ends the
rest of its parent when it starts: `apply` enforces both after each run of the engine.
"""
from __future__ import annotations

from weakref import WeakKeyDictionary

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.control import _EndJoin
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import EventSubprocess
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState


def apply(workflow: BpmnWorkflow) -> bool:
    """Cancel what BPMN would have ended; True if anything changed (run the engine again)."""
    changed = False
    for owner in [workflow, *workflow.subprocesses.values()]:
        if not _has_event_subprocesses(owner.spec):  # most processes: skip walking their tasks
            continue
        unfinished = owner.get_tasks(state=TaskState.NOT_FINISHED_MASK, skip_subprocesses=True)
        listeners = [t for t in unfinished if isinstance(t.task_spec, EventSubprocess)]
        if not listeners:
            continue
        waiting = [t for t in listeners if not _triggered(workflow, t)]
        others = [t for t in unfinished if t.task_spec.bpmn_id is not None and t not in listeners]
        if any(getattr(t.task_spec, "interrupting", False) for t in listeners if t not in waiting):
            doomed = others + waiting  # an interrupting one started: the rest of the parent ends
        else:
            doomed = [] if others else waiting  # the parent's own flow is over: stop listening
        for task in doomed:
            if not task.has_state(TaskState.FINISHED_MASK):
                task.cancel()
                changed = True
        if changed:
            for join in owner.get_tasks(state=TaskState.WAITING, skip_subprocesses=True):
                if isinstance(join.task_spec, _EndJoin):
                    join.task_spec._update(join)
    return changed


_HAS_EVENT_SUBPROCESSES: WeakKeyDictionary[BpmnProcessSpec, bool] = WeakKeyDictionary()


def _has_event_subprocesses(spec: BpmnProcessSpec) -> bool:
    found = _HAS_EVENT_SUBPROCESSES.get(spec)
    if found is None:
        found = any(isinstance(t, EventSubprocess) for t in spec.task_specs.values())
        _HAS_EVENT_SUBPROCESSES[spec] = found
    return found


def _triggered(workflow: BpmnWorkflow, listener) -> bool:
    subprocess = workflow.subprocesses.get(listener.id)
    if subprocess is None:
        return False
    starts = subprocess.spec.bpmn_start_events
    return not any(t.task_spec in starts for t in subprocess.get_tasks(state=TaskState.WAITING))
