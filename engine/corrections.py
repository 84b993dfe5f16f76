"""Correcting a case in error: set case data values, audited, before `runtime.retry_instance`.

A step fails on what an officer typed (a compliance period of -5); nobody can complete a task of
a case in error, so the value is corrected here instead, by whoever the layer above allows, with
a reason. Generic: any case-data name, any JSON value; the old and new values, the reason and who
are kept in the audit trail.
"""
from __future__ import annotations

import re
from typing import Any

from SpiffWorkflow.util.task import TaskState

from . import branch_data, workflow_cache
from .errors import Conflict, InvalidInput
from .models import ProcessInstance
from .runtime import _FRONTIER, _flush, _jsonable, audit, case_data, load_workflow, lock_instance
from .serialization import dump_state

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
MAX_REASON_LENGTH = 2000


def failed_steps(instance: ProcessInstance) -> list[tuple[str, str]]:
    """(bpmn id, name) of each step that failed, for a case in error; empty otherwise."""
    if instance.status != "error":
        return []
    workflow = load_workflow(instance)
    return [(t.task_spec.bpmn_id, t.task_spec.bpmn_name or t.task_spec.bpmn_id)
            for t in workflow.get_tasks(state=TaskState.ERROR)]


def set_case_data(session, instance_id: int, actor: str, values: dict[str, Any], reason: str) -> ProcessInstance:
    """Set case data values on a case in error, in every branch it stands on, and audit the change."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("give the reason for the correction")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(f"the reason must be {MAX_REASON_LENGTH} characters or fewer")
    if not values:
        raise InvalidInput("give at least one value to correct")
    for name in values:
        if not _NAME.match(str(name)):
            raise InvalidInput(f"'{name}' is not a name of case data")
    instance = lock_instance(session, instance_id)
    if instance.status != "error":
        raise Conflict(f"case {instance.id} is {instance.status}, not in error")
    workflow = load_workflow(instance)
    before = case_data(workflow)
    new_values = _jsonable(values)
    tasks = list(workflow.get_tasks(state=_FRONTIER))
    if workflow.last_task is not None:
        tasks.append(workflow.last_task)
    for task in tasks:
        task.data.update(new_values)
    if branch_data.record_values(workflow) is not None:  # the case record the pages read
        branch_data.ensure_record(workflow)["values"].update(new_values)
    changes = [{"field": name, "old": before.get(name), "new": value} for name, value in new_values.items()]
    instance.state = dump_state(workflow)
    instance.data = _jsonable(case_data(workflow))
    detail = "; ".join(f"{c['field']}: {c['old']!r} → {c['new']!r}" for c in changes) + f" (reason: {reason})"
    audit(session, instance, actor, "data_corrected", detail=detail, data={"changes": changes, "reason": reason})
    _flush(session, instance)
    workflow_cache.remember(session, instance, workflow)
    return instance
