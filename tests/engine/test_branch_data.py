"""Parallel branches share one case record: nothing a branch records is lost when it joins the
others or ends on its own, and a value two open branches both changed is won by the later
completion and written to the audit log. Each walk runs in memory and restored from the database."""
from __future__ import annotations

from uuid import UUID

import pytest
from sqlalchemy import select

from engine import runtime
from engine.models import AuditEvent
from tests.conftest import worker_sweep
from tests.engine.conftest import open_tasks
from tests.workflows.routes import at


def complete(session, case, bpmn_id: str, data: dict) -> None:
    [row] = [t for t in open_tasks(session, case.id) if t.bpmn_id == bpmn_id]
    runtime.complete_task(session, row.id, "officer", data)
    assert case.status in ("running", "waiting", "completed"), case.error_message


def conflicts(session, case) -> list[AuditEvent]:
    session.flush()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id == case.id,
                                                         AuditEvent.action == "data_conflict")))


def test_both_branches_values_are_kept_and_meet_at_the_join(session, deploy, save_restore):
    deploy("parallel_join")
    case = runtime.start_instance(session, "parallel_join", "officer", data={"opened_by": "lead"})
    assert sorted(t.bpmn_id for t in open_tasks(session, case.id)) == ["left", "right"]
    complete(session, case, "left", {"left_on": "2026-03-02"})
    assert case.data["left_on"] == "2026-03-02"
    complete(session, case, "right", {"right_on": "2026-03-03"})
    # The script after the join read both branches' values.
    assert case.data["both"] == ["2026-03-02", "2026-03-03"]
    complete(session, case, "after", {"after_on": "2026-03-04"})
    assert case.status == "completed"
    assert {key: case.data[key] for key in ("opened_by", "left_on", "right_on", "after_on")} == {
        "opened_by": "lead", "left_on": "2026-03-02", "right_on": "2026-03-03", "after_on": "2026-03-04"}
    assert conflicts(session, case) == []


@pytest.mark.parametrize(("first", "second"), [("left", "right"), ("right", "left")])
def test_a_value_both_open_branches_changed_goes_to_the_later_and_is_audited(session, deploy, save_restore,
                                                                             first, second):
    deploy("parallel_join")
    case = runtime.start_instance(session, "parallel_join", "officer")
    complete(session, case, first, {f"{first}_on": "2026-03-02", "shared": f"from {first}"})
    complete(session, case, second, {f"{second}_on": "2026-03-03", "shared": f"from {second}"})
    assert case.data["shared"] == f"from {second}"
    [event] = conflicts(session, case)
    assert event.data == {"key": "shared", "earlier_value": f"from {first}", "earlier_step": first.title(),
                          "later_value": f"from {second}", "later_step": second.title()}
    assert event.detail == (f"'shared' was 'from {first}' from '{first.title()}' and is now "
                            f"'from {second}' from '{second.title()}', completed later")
    # After the join the case goes on with the later value, however the join merged the branches.
    workflow = runtime.load_workflow(case)
    [after] = [t for t in workflow.get_tasks() if t.task_spec.name == "after" and t.data]
    assert after.data["shared"] == f"from {second}"


def test_a_branch_that_ends_on_its_own_keeps_what_it_recorded(session, deploy, save_restore):
    deploy("parallel_ends")
    with at(2026, 3, 2, 9, 0):
        case = runtime.start_instance(session, "parallel_ends", "officer",
                                      data={"with_side": True, "stage": "opened"})
        complete(session, case, "side", {"side_on": "2026-03-02", "stage": "side finished"})
        assert (case.data["side_on"], case.data["stage"]) == ("2026-03-02", "side finished")
    # Mon 2 Mar 2026 09:00 + P7D: the timer is due Mon 9 Mar 09:00 UTC.
    with at(2026, 3, 9, 9, 0, 1):
        assert worker_sweep(session) == 1
        # The timer took its data from the split again when it fired ("opened"); the step after
        # it has the record's value, and nothing counts as a conflict.
        [main] = [t for t in runtime.load_workflow(case).get_tasks() if t.task_spec.name == "main" and t.data]
        assert (main.data["stage"], main.data["side_on"]) == ("side finished", "2026-03-02")
        complete(session, case, "main", {"main_on": "2026-03-09"})
        assert (case.data["side_on"], case.data["main_on"]) == ("2026-03-02", "2026-03-09")
        # The branch still running sees what the ended one recorded.
        workflow = runtime.load_workflow(case)
        [last] = [t for t in workflow.get_tasks() if t.task_spec.name == "last" and t.data]
        assert last.data["side_on"] == "2026-03-02"
        complete(session, case, "last", {})
    assert case.status == "completed" and case.data["side_on"] == "2026-03-02"
    assert case.data["stage"] == "side finished"
    assert conflicts(session, case) == []


def test_multi_instance_items_stay_their_own_beside_another_branch(session, deploy, save_restore):
    deploy("parallel_multi_instance")
    case = runtime.start_instance(session, "parallel_multi_instance", "officer", data={"schools": ["A", "B", "C"]})
    reviews = [t for t in open_tasks(session, case.id) if t.bpmn_id == "review"]
    assert len(reviews) == 3
    complete(session, case, "other", {"other_on": "2026-03-02"})
    workflow = runtime.load_workflow(case)
    item_of = {row.id: workflow.get_task_from_id(UUID(row.id)).data["school"] for row in reviews}
    for row in reviews:
        runtime.complete_task(session, row.id, "officer", {"school": f"reviewed {item_of[row.id]}"})
    assert case.status == "completed", case.error_message
    assert case.data["schools"] == ["reviewed A", "reviewed B", "reviewed C"]
    assert case.data["other_on"] == "2026-03-02" and "school" not in case.data
    assert conflicts(session, case) == []
