"""The generic task validation hook: a domain rule run before a task completes refuses it with
problems by field (a FormErrors, an InvalidInput for the API and CLI), and nothing changes."""
from __future__ import annotations

from sqlalchemy import select

from engine import hooks, runtime
from engine.errors import InvalidInput
from engine.forms import FormErrors
from engine.models import AuditEvent
from tests.engine.conftest import open_tasks


def test_a_validation_hook_refuses_the_step_and_nothing_changes(session, deploy, monkeypatch):
    monkeypatch.setattr(hooks, "task_validation_hooks", [])
    completed: list[str] = []
    monkeypatch.setattr(hooks, "task_completed_hooks", [lambda s, i, row, data: completed.append(row.bpmn_id)])
    seen = []

    def no_tuesdays(session, instance, row, data):
        seen.append((instance.id, row.bpmn_id, dict(data)))
        return {"answer_1": "Choose a day that is not a Tuesday"} if data.get("answer_1") == "tuesday" else {}

    hooks.register_task_validation_hook(no_tuesdays)
    hooks.register_task_validation_hook(no_tuesdays)  # registering twice runs it once
    deploy("ten_tasks")
    case = runtime.start_instance(session, "ten_tasks", "officer", business_key="100001",
                                  data={"started_on": "2026-12-18"})
    [task] = open_tasks(session, case.id)
    version = case.lock_version
    try:
        runtime.complete_task(session, task.id, "officer", {"answer_1": "tuesday"})
    except FormErrors as refused:
        assert refused.errors == {"answer_1": "Choose a day that is not a Tuesday"}
        assert isinstance(refused, InvalidInput) and "not a Tuesday" in str(refused)
    else:
        raise AssertionError("the hook's problem did not refuse the step")
    assert [t.id for t in open_tasks(session, case.id)] == [task.id] and task.is_open
    assert case.lock_version == version and completed == []
    assert session.scalars(select(AuditEvent).where(AuditEvent.task_id == task.id)).all() == []
    assert len(seen) == 1 and seen[0][:2] == (case.id, task.bpmn_id)

    runtime.complete_task(session, task.id, "officer", {"answer_1": "friday"})
    assert not task.is_open and completed == [task.bpmn_id]
