"""engine.skips.skip_failed_step: a failed script step is completed unrun, audited with the reason,
and the case runs on; a user task (or any step that is not a plain script) is refused."""
from __future__ import annotations

from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import definitions, runtime, skips, workflow_cache
from engine.errors import Conflict, InvalidInput, NotAllowed
from engine.models import AuditEvent
from engine.serialization import dump_state

from .conftest import open_tasks

ROUTE = Path(__file__).resolve().parent.parent / "fixtures" / "web" / "error_route.bpmn"


@pytest.fixture
def errored(session):
    definitions.deploy(session, ROUTE.read_text(encoding="utf-8"), "owner")
    case = runtime.start_instance(session, "error_route", "officer")
    runtime.complete_task(session, open_tasks(session, case.id)[0].id, "officer",
                          {"compliance_days": -5, "notes": "given by hand"})
    assert case.status == "error" and "work_out_period" in case.error_message
    return case


def _skip_events(session) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "step_skipped")))


def test_a_failed_script_step_is_skipped_unrun_and_the_case_runs_on(session, errored):
    assert skips.skippable_steps(errored) == ["work_out_period"]
    skips.skip_failed_step(session, errored.id, "manager@test", "work_out_period", "worked out by hand: 15 days")
    assert errored.status == "running" and errored.error_message is None
    assert [t.bpmn_id for t in open_tasks(session, errored.id)] == ["review"]
    # The script never ran: what it would have set is not there.
    assert "period_ends_after" not in errored.data and errored.data["compliance_days"] == -5


def test_the_skip_is_audited_with_who_the_step_the_error_and_the_reason(session, errored):
    message = errored.error_message
    skips.skip_failed_step(session, errored.id, "manager@test", "work_out_period", "  worked out by hand  ")
    [event] = _skip_events(session)
    assert event.actor == "manager@test" and event.bpmn_id == "work_out_period"
    assert event.data == {"step": "work_out_period", "name": "Work out the compliance period",
                          "error": message, "reason": "worked out by hand"}
    assert "worked out by hand" in event.detail


@pytest.mark.parametrize(("step", "reason", "error", "message"), [
    ("work_out_period", "  ", InvalidInput, "reason"),
    ("work_out_period", "x" * 2001, InvalidInput, "2000 characters"),
    ("review", "a reason", InvalidInput, "not a step that failed"),
    ("no_such_step", "a reason", InvalidInput, "not a step that failed"),
])
def test_a_skip_without_reason_or_of_a_step_that_did_not_fail_changes_nothing(session, errored, step, reason,
                                                                            error, message):
    with pytest.raises(error, match=message):
        skips.skip_failed_step(session, errored.id, "manager@test", step, reason)
    assert errored.status == "error" and _skip_events(session) == []
    assert skips.skippable_steps(errored) == ["work_out_period"]


def test_only_a_case_in_error_has_a_step_skipped(session, errored):
    runtime.terminate_instance(session, errored.id, "manager@test", "ended")
    with pytest.raises(Conflict, match="not in error"):
        skips.skip_failed_step(session, errored.id, "manager@test", "work_out_period", "a reason")
    assert skips.skippable_steps(errored) == []


def _put_user_task_in_error(session, case):
    """A user task in error (a form's validation hook that raised): forced here, as no fixture fails one."""
    workflow = runtime.load_workflow(case)
    [task] = [t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == "give_notice"]
    task._set_state(TaskState.ERROR)
    case.state, case.status, case.error_message = dump_state(workflow), "error", "give_notice: hook failed"
    session.flush()
    workflow_cache.remember(session, case, workflow)


def test_a_failed_user_task_is_never_skipped(session):
    definitions.deploy(session, ROUTE.read_text(encoding="utf-8"), "owner")
    case = runtime.start_instance(session, "error_route", "officer")
    _put_user_task_in_error(session, case)
    assert skips.skippable_steps(case) == []
    with pytest.raises(NotAllowed, match="only a failed script step"):
        skips.skip_failed_step(session, case.id, "manager@test", "give_notice", "nobody will fill it in")
    assert case.status == "error" and _skip_events(session) == []


def test_a_failed_gateway_is_never_skipped(session, deploy):
    """Completing a gateway unrun would leave the route with no path chosen."""
    deploy("failing_gateway")
    case = runtime.start_instance(session, "failing_gateway", "officer", data={"zero": 0})
    assert case.status == "error" and "which_way" in case.error_message
    assert skips.skippable_steps(case) == []
    with pytest.raises(NotAllowed, match="only a failed script step"):
        skips.skip_failed_step(session, case.id, "manager@test", "which_way", "take the default path")
    assert case.status == "error" and _skip_events(session) == []
