"""Starting cases, completing tasks, claiming, and the case lifecycle, through the database."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine import runtime
from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound
from engine.forms import FormErrors, validate_submission
from engine.models import AuditEvent, HumanTask, ProcessInstance
from tests.engine.conftest import open_tasks


def actions(session, instance_id: int) -> list[str]:
    session.flush()
    return [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                              .order_by(AuditEvent.id))]


def test_ten_steps_to_completion_with_due_dates_in_working_days(session, deploy, save_restore):
    deploy("ten_tasks")
    # Fri 18 Dec 2026: step n is due n working days later, skipping Fri 25 Dec (Christmas Day),
    # Mon 28 Dec 2026 (Boxing Day substitute) and Fri 1 Jan 2027 (New Year's Day).
    case = runtime.start_instance(session, "ten_tasks", "officer", business_key="100001",
                                  data={"started_on": "2026-12-18"})
    expected_due = ["2026-12-21", "2026-12-22", "2026-12-23", "2026-12-24", "2026-12-29", "2026-12-30",
                    "2026-12-31", "2027-01-04", "2027-01-05", "2027-01-06"]
    for n in range(1, 11):
        [task] = open_tasks(session, case.id)
        assert (task.bpmn_id, task.role, task.business_key) == (f"step_{n}", "link_adviser", "100001")
        assert task.due_at.date().isoformat() == expected_due[n - 1]
        runtime.complete_task(session, task.id, "officer", {f"answer_{n}": f"a{n}", f"count_{n}": str(n)})
    assert case.status == "completed" and case.ended_at is not None
    assert case.data["answer_10"] == "a10" and case.data["count_7"] == 7
    assert actions(session, case.id) == ["started"] + ["task_completed"] * 10


def test_form_errors_name_each_field_and_change_nothing(session, deploy):
    deploy("lanes_gateway")
    case = runtime.start_instance(session, "lanes_gateway", "officer")
    [task] = open_tasks(session, case.id)
    with pytest.raises(FormErrors) as raised:
        runtime.complete_task(session, task.id, "officer", {"route": "sideways", "decided_on": "2026-02-30"})
    assert list(raised.value.errors) == ["route", "decided_on"]
    assert "Select one of the options" in raised.value.errors["route"]
    with pytest.raises(FormErrors) as missing:
        runtime.complete_task(session, task.id, "officer", {})
    assert missing.value.errors == {"route": "Select route"}
    with pytest.raises(FormErrors):
        runtime.complete_task(session, task.id, "officer", {"route": "approve", "surprise": 1})
    assert open_tasks(session, case.id)[0].id == task.id and actions(session, case.id) == ["started"]


def test_gateway_routes_by_form_data_and_lane_gives_the_next_role(session, deploy, save_restore):
    deploy("lanes_gateway")
    approved = runtime.start_instance(session, "lanes_gateway", "officer")
    runtime.complete_task(session, open_tasks(session, approved.id)[0].id, "officer",
                          {"route": "approve", "decided_on": "2026-03-02"})
    [approve] = open_tasks(session, approved.id)
    assert (approve.bpmn_id, approve.role) == ("approve", "director_childrens_services")
    assert approved.data["decided_on"] == "2026-03-02"
    declined = runtime.start_instance(session, "lanes_gateway", "officer")
    runtime.complete_task(session, open_tasks(session, declined.id)[0].id, "officer", {"route": "decline"})
    assert declined.status == "completed" and open_tasks(session, declined.id) == []


def test_a_failing_gateway_expression_parks_the_case_in_error_keeping_the_completion(session, deploy):
    deploy("lanes_gateway")
    case = runtime.start_instance(session, "lanes_gateway", "officer")
    task = open_tasks(session, case.id)[0]
    runtime.complete_task(session, task.id, "officer", {"route": "divide"})
    assert case.status == "error" and "ZeroDivisionError" in case.error_message
    assert case.data["route"] == "divide"  # what the officer entered is kept
    assert actions(session, case.id) == ["started", "task_completed", "error"]
    with pytest.raises(Conflict, match="already been completed"):
        runtime.complete_task(session, task.id, "officer", {"route": "approve"})


def test_unknown_ids_are_not_found(session):
    with pytest.raises(NotFound):
        runtime.get_instance(session, 999999)
    with pytest.raises(NotFound):
        runtime.get_instance(session, "abc")
    with pytest.raises(NotFound):
        runtime.complete_task(session, "00000000-0000-0000-0000-000000000000", "x", {})
    with pytest.raises(NotFound, match="no process 'nope'"):
        runtime.start_instance(session, "nope", "x")


def test_start_data_must_be_an_object(session, deploy):
    deploy("ten_tasks")
    with pytest.raises(InvalidInput):
        runtime.start_instance(session, "ten_tasks", "x", data=["not", "a", "dict"])


def test_claim_unclaim_reassign(session, deploy):
    deploy("ten_tasks")
    case = runtime.start_instance(session, "ten_tasks", "officer", data={"started_on": "2026-01-05"})
    [task] = open_tasks(session, case.id)
    assert runtime.claim_task(session, task.id, "ann").assignee == "ann"
    with pytest.raises(Conflict, match="already claimed by ann"):
        runtime.claim_task(session, task.id, "bob")
    with pytest.raises(NotAllowed, match="assigned to ann"):
        runtime.complete_task(session, task.id, "bob", {})
    with pytest.raises(NotAllowed):
        runtime.unclaim_task(session, task.id, "bob")
    assert runtime.unclaim_task(session, task.id, "ann").assignee is None
    assert runtime.reassign_task(session, task.id, "manager", "carol").assignee == "carol"
    runtime.complete_task(session, task.id, "carol", {})
    with pytest.raises(Conflict, match="already been completed by carol"):
        runtime.complete_task(session, task.id, "carol", {})
    assert actions(session, case.id) == ["started", "task_claimed", "task_unclaimed", "task_reassigned",
                                         "task_completed"]


def test_suspend_resume_terminate(session, deploy):
    deploy("ten_tasks")
    case = runtime.start_instance(session, "ten_tasks", "officer", data={"started_on": "2026-01-05"})
    [task] = open_tasks(session, case.id)
    runtime.suspend_instance(session, case.id, "manager", reason="school closing")
    with pytest.raises(Conflict, match="suspended"):
        runtime.complete_task(session, task.id, "officer", {})
    with pytest.raises(Conflict):
        runtime.suspend_instance(session, case.id, "manager")
    runtime.resume_instance(session, case.id, "manager")
    assert case.status == "running"
    runtime.complete_task(session, task.id, "officer", {})
    runtime.terminate_instance(session, case.id, "manager", reason="opened in error")
    assert case.status == "terminated" and open_tasks(session, case.id) == []
    with pytest.raises(Conflict):
        runtime.resume_instance(session, case.id, "manager")
    assert actions(session, case.id) == ["started", "suspended", "resumed", "task_completed", "terminated"]


def test_draft_is_kept_until_completion(session, deploy):
    deploy("ten_tasks")
    case = runtime.start_instance(session, "ten_tasks", "officer", data={"started_on": "2026-01-05"})
    [task] = open_tasks(session, case.id)
    runtime.save_draft(session, task.id, {"answer_1": "half"})
    assert session.get(HumanTask, task.id).draft == {"answer_1": "half"}
    runtime.complete_task(session, task.id, "officer", {"answer_1": "whole"})
    assert session.get(HumanTask, task.id).draft is None


def test_instance_row_holds_projection_columns_not_needing_the_workflow(session, deploy):
    deploy("ten_tasks")
    case = runtime.start_instance(session, "ten_tasks", "officer", data={"started_on": "2026-01-05"})
    session.expire_all()
    row = session.scalars(select(ProcessInstance).where(ProcessInstance.id == case.id)).one()
    assert (row.status, row.current_steps) == ("running", "Step 1")
    assert row.started_at <= datetime.now(UTC)
    assert row.serializer_version == "spiff-1.5+nospec-1" and "spec" not in row.state


def test_form_default_values_fill_fields_left_out():
    form = {"fields": [{"id": "period", "type": "long", "label": "Period", "default": "15", "validation": {}}]}
    assert validate_submission(form, {}) == {"period": 15}
    assert validate_submission(form, {"period": "20"}) == {"period": 20}


def test_a_claim_made_while_waiting_for_the_case_lock_stops_the_completion(session, deploy, monkeypatch):
    """Review §2 risk 4: the assignee was checked before the lock only. Another officer's claim,
    committed between that check and the lock (as the CLI or an API can race the web), must win."""
    from sqlalchemy import update

    deploy("lanes_gateway")
    case = runtime.start_instance(session, "lanes_gateway", "officer")
    [task] = open_tasks(session, case.id)
    locking = runtime.lock_instance

    def claimed_by_someone_else_first(db, instance_id):
        db.execute(update(HumanTask).where(HumanTask.id == task.id).values(assignee="colleague")
                   .execution_options(synchronize_session=False))
        return locking(db, instance_id)

    monkeypatch.setattr(runtime, "lock_instance", claimed_by_someone_else_first)
    with pytest.raises(NotAllowed, match="has just been claimed by colleague"):
        runtime.complete_task(session, task.id, "officer", {"route": "decline", "decided_on": "2026-03-02"})
    assert [t.id for t in open_tasks(session, case.id)] == [task.id] and case.status == "running"
    assert actions(session, case.id) == ["started"]


def test_a_task_data_hook_adds_facts_the_next_step_sees(session, deploy, monkeypatch):
    """Facts recorded outside a case after it started (a school's term dates) reach later steps: the
    hook runs on the completed task's data before the case moves on."""
    from engine import hooks

    def add_fact(_session, instance, row, data):
        data["seen_by_hook"] = f"{instance.process_key}:{row.bpmn_id}"

    monkeypatch.setattr(hooks, "task_data_hooks", [])
    hooks.register_task_data_hook(add_fact)
    hooks.register_task_data_hook(add_fact)  # registering twice runs it once
    assert hooks.task_data_hooks == [add_fact]
    deploy("ten_tasks")
    case = runtime.start_instance(session, "ten_tasks", "officer", data={"started_on": "2026-12-18"})
    runtime.complete_task(session, open_tasks(session, case.id)[0].id, "officer", {"answer_1": "a1", "count_1": "1"})
    assert case.data["seen_by_hook"] == "ten_tasks:step_1"
