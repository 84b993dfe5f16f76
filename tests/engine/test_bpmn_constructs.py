"""BPMN constructs the statutory routes do not use yet, each walked end to end through the engine
(start, complete, timers fired as the worker fires them), reusing and reloading the workflow."""
from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy import select

from engine import definitions, runtime
from engine.models import AuditEvent, TimerJob
from tests.conftest import worker_sweep
from tests.engine.conftest import open_tasks, read_fixture


def at(*args) -> time_machine.travel:
    return time_machine.travel(datetime(*args, tzinfo=UTC), tick=False)


def pending_timers(session, instance_id: int) -> list[TimerJob]:
    session.flush()
    return list(session.scalars(select(TimerJob).where(TimerJob.instance_id == instance_id,
                                                       TimerJob.fired_at.is_(None),
                                                       TimerJob.is_cancelled.is_(False))))


def open_steps(session, instance_id: int) -> list[tuple[str, str]]:
    return sorted((t.bpmn_id, t.role) for t in open_tasks(session, instance_id))


def complete(session, instance_id: int, bpmn_id: str, data: dict) -> None:
    task = next(t for t in open_tasks(session, instance_id) if t.bpmn_id == bpmn_id)
    runtime.complete_task(session, task.id, "officer", data)


def test_event_subprocess_started_by_a_timer_runs_beside_the_main_flow(session, deploy, save_restore):
    deploy("event_subprocess")
    # Requested Thu 2 Apr 2026: the 5th working day following skips Good Friday 3 Apr, the weekend
    # and Easter Monday 6 Apr (Tue 7 is day 1), so Mon 13 Apr 2026; the period ends at midnight
    # BST, 23:00 UTC on the 13th.
    with at(2026, 4, 2, 9, 0):
        case = runtime.start_instance(session, "event_subprocess", "officer", data={"requested_on": "2026-04-02"})
        assert open_steps(session, case.id) == [("collect_evidence", "link_adviser")]
        [timer] = pending_timers(session, case.id)
        assert (timer.bpmn_id, timer.due_at) == ("chase_due", datetime(2026, 4, 13, 23, 0, tzinfo=UTC))
    with at(2026, 4, 13, 22, 59, 59):
        assert worker_sweep(session) == 0
    with at(2026, 4, 13, 23, 0, 1):
        assert worker_sweep(session) == 1
        # Non-interrupting: the evidence task stays open beside the chase.
        assert open_steps(session, case.id) == [("chase_school", "senior_adviser"),
                                                ("collect_evidence", "link_adviser")]
        complete(session, case.id, "chase_school", {"chased_on": "2026-04-14"})
        assert open_steps(session, case.id) == [("collect_evidence", "link_adviser")]
        complete(session, case.id, "collect_evidence", {"evidence": "minutes"})
    assert case.status == "completed" and case.data["evidence"] == "minutes"


def test_event_subprocess_timer_is_withdrawn_when_the_main_flow_ends_first(session, deploy, save_restore):
    deploy("event_subprocess")
    with at(2026, 4, 2, 9, 0):
        case = runtime.start_instance(session, "event_subprocess", "officer", data={"requested_on": "2026-04-02"})
        complete(session, case.id, "collect_evidence", {"evidence": "minutes"})
    assert case.status == "completed" and pending_timers(session, case.id) == []
    with at(2026, 4, 20, 0, 0):
        assert worker_sweep(session) == 0


def test_interrupting_event_subprocess_ends_the_rest_of_its_parent(session, save_restore):
    interrupting = read_fixture("event_subprocess").replace('isInterrupting="false"', 'isInterrupting="true"')
    definitions.deploy(session, interrupting, "owner")
    with at(2026, 4, 2, 9, 0):  # due at the end of Mon 13 Apr 2026, as above
        case = runtime.start_instance(session, "event_subprocess", "officer", data={"requested_on": "2026-04-02"})
    with at(2026, 4, 13, 23, 0, 1):
        assert worker_sweep(session) == 1
        assert open_steps(session, case.id) == [("chase_school", "senior_adviser")]
        complete(session, case.id, "chase_school", {"chased_on": "2026-04-14"})
    assert case.status == "completed" and "evidence" not in case.data


def test_multi_instance_user_task_gives_one_human_task_per_item(session, deploy, save_restore):
    deploy("multi_instance")
    governors = ["Ms Adeyemi", "Mr Brooks", "Dr Chen"]
    case = runtime.start_instance(session, "multi_instance", "officer",
                                  data={"governors": governors, "asked_on": "2026-05-01"})
    tasks = open_tasks(session, case.id)
    # Fri 1 May 2026 + 3 working days skips the early May bank holiday (Mon 4 May): Thu 7 May,
    # BST, so 22:59:59 UTC.
    assert [(t.bpmn_id, t.role, t.due_at) for t in tasks] == [
        ("ask_governor", "link_adviser", datetime(2026, 5, 7, 22, 59, 59, tzinfo=UTC))] * 3
    by_name = {t.name: t.id for t in tasks}
    assert sorted(by_name) == [f"Record a governor's view: {g}" for g in sorted(governors)]
    for governor, view in [("Dr Chen", "abstain"), ("Ms Adeyemi", "support"), ("Mr Brooks", "oppose")]:
        assert open_steps(session, case.id)[0][0] == "ask_governor"
        runtime.complete_task(session, by_name[f"Record a governor's view: {governor}"], "officer", {"view": view})
    [summary] = open_tasks(session, case.id)
    assert (summary.bpmn_id, summary.role) == ("summarise", "senior_adviser")
    # The output collection gathers the views in the order they were recorded (SpiffWorkflow
    # appends to a list output that is not the input list itself).
    assert case.data["views"] == ["abstain", "support", "oppose"]
    runtime.complete_task(session, summary.id, "senior", {"summary": "split"})
    assert case.status == "completed"


def test_camunda_collection_multi_instance_also_gives_a_task_per_item(session, save_restore):
    camunda_style = read_fixture("multi_instance").replace(
        "<bpmn:multiInstanceLoopCharacteristics>",
        '<bpmn:multiInstanceLoopCharacteristics camunda:collection="governors" camunda:elementVariable="governor">'
    ).split("<bpmn:loopDataInputRef>")[0] + "</bpmn:multiInstanceLoopCharacteristics>" + read_fixture(
        "multi_instance").split("</bpmn:multiInstanceLoopCharacteristics>")[1]
    definitions.deploy(session, camunda_style, "owner")
    case = runtime.start_instance(session, "multi_instance", "officer",
                                  data={"governors": ["Ms Adeyemi", "Mr Brooks"], "asked_on": "2026-05-01"})
    tasks = open_tasks(session, case.id)
    assert sorted(t.name for t in tasks) == ["Record a governor's view: Mr Brooks",
                                             "Record a governor's view: Ms Adeyemi"]
    for task in tasks:
        runtime.complete_task(session, task.id, "officer", {"view": "support"})
    assert [t.bpmn_id for t in open_tasks(session, case.id)] == ["summarise"]


def test_inclusive_gateway_takes_every_true_branch_and_joins_them(session, deploy, save_restore):
    deploy("inclusive_gateway")
    both = runtime.start_instance(session, "inclusive_gateway", "officer")
    complete(session, both.id, "choose_support", {"finance": True, "leadership": True})
    assert open_steps(session, both.id) == [("arrange_finance", "senior_adviser"),
                                           ("arrange_leadership", "deputy_assistant_director")]
    complete(session, both.id, "arrange_leadership", {"leadership_plan": "mentor"})
    assert open_steps(session, both.id) == [("arrange_finance", "senior_adviser")]  # the join waits
    complete(session, both.id, "arrange_finance", {"finance_plan": "budget"})
    assert open_steps(session, both.id) == [("confirm_package", "link_adviser")]
    complete(session, both.id, "confirm_package", {"confirmed": True})
    assert both.status == "completed"
    assert (both.data["finance_plan"], both.data["leadership_plan"]) == ("budget", "mentor")

    one = runtime.start_instance(session, "inclusive_gateway", "officer")
    complete(session, one.id, "choose_support", {"finance": True, "leadership": False})
    assert open_steps(session, one.id) == [("arrange_finance", "senior_adviser")]
    complete(session, one.id, "arrange_finance", {"finance_plan": "budget"})
    assert open_steps(session, one.id) == [("confirm_package", "link_adviser")]  # no wait for the other

    neither = runtime.start_instance(session, "inclusive_gateway", "officer")
    complete(session, neither.id, "choose_support", {"finance": False, "leadership": False})
    assert open_steps(session, neither.id) == [("record_no_support", "link_adviser")]  # the default flow


def test_non_interrupting_boundary_timer_adds_a_task_and_leaves_the_first_open(session, deploy, save_restore):
    deploy("non_interrupting_timer")
    # Started Wed 23 Dec 2026: 3 working days later skips Christmas Day, the Boxing Day substitute
    # (Mon 28 Dec) and the weekend, so Wed 30 Dec 2026; GMT, so midnight UTC on the 31st.
    with at(2026, 12, 23, 9, 0):
        case = runtime.start_instance(session, "non_interrupting_timer", "officer",
                                      data={"started_on": "2026-12-23"})
        [timer] = pending_timers(session, case.id)
        assert (timer.bpmn_id, timer.due_at) == ("plan_reminder", datetime(2026, 12, 31, 0, 0, tzinfo=UTC))
    with at(2026, 12, 30, 23, 59, 59):
        assert worker_sweep(session) == 0
    with at(2026, 12, 31, 0, 0, 1):
        assert worker_sweep(session) == 1
        assert worker_sweep(session) == 0  # fired once, not again
        assert open_steps(session, case.id) == [("remind_adviser", "senior_adviser"), ("write_plan", "link_adviser")]
        complete(session, case.id, "remind_adviser", {"reminded": True})
        complete(session, case.id, "write_plan", {"plan": "the plan"})
    assert case.status == "completed" and pending_timers(session, case.id) == []
    assert session.scalar(select(AuditEvent.bpmn_id).where(AuditEvent.instance_id == case.id,
                                                           AuditEvent.action == "timer_fired")) == "plan_reminder"


def test_messages_pass_between_pools_of_one_case(session, deploy, save_restore):
    definition = deploy("messages_between_pools")
    assert (definition.key, definition.name) == ("notice_and_reply", "Notice and reply")
    case = runtime.start_instance(session, "notice_and_reply", "officer", business_key="100003")
    assert open_steps(session, case.id) == [("draft_notice", "link_adviser")]
    # The notice thrown in the authority's pool starts the governors' pool, whose lane is its own.
    complete(session, case.id, "draft_notice", {"notice_text": "warning"})
    assert open_steps(session, case.id) == [("record_reply", "quality_assurance_partner")]
    assert case.status == "running" and "waiting" not in case.current_steps
    # Their reply, thrown by the governors' end event, is caught in the authority's pool with
    # its payload.
    complete(session, case.id, "record_reply", {"representations": "we object"})
    assert open_steps(session, case.id) == [("consider_reply", "link_adviser")]
    assert case.data["representations"] == "we object"
    complete(session, case.id, "consider_reply", {"decision": "proceed"})
    assert case.status == "completed"
