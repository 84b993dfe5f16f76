"""Moving running cases from version 1 to version 2 of a small route (tests/fixtures/engine/
migration_v1.bpmn and migration_v2.bpmn). Version 2 drops 'Talk informally', drops the 'Source'
field of 'Gather evidence', gives 'Review compliance' 20 days instead of 10, adds 'Tell the school',
makes the wait for the reply 10 days instead of 5 and renames 'Decide'."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from engine import definitions, migration, runtime
from engine.errors import InvalidInput, NotFound
from engine.models import AuditEvent, HumanTask, ProcessInstance, TimerJob
from tests.engine.conftest import open_tasks, read_fixture

START = {"review_from": "2026-03-02"}


@pytest.fixture
def first(session):
    return definitions.deploy(session, read_fixture("migration_v1"), "owner@test")


def deploy_second(session):
    """Version 2, deployed once the cases have started on version 1."""
    return definitions.deploy(session, read_fixture("migration_v2"), "owner@test", change_note="v2")


def start(session, business_key: str) -> ProcessInstance:
    return runtime.start_instance(session, "casework", "officer@test", business_key, dict(START), owner="LA1")


def complete(session, instance: ProcessInstance, bpmn_id: str, data: dict | None = None) -> None:
    task = next(t for t in open_tasks(session, instance.id) if t.bpmn_id == bpmn_id)
    runtime.complete_task(session, task.id, "officer@test", data or {})


def at_chat(session):
    return start(session, "A-chat")


def at_review(session):
    instance = start(session, "B-review")
    complete(session, instance, "informal_chat")
    complete(session, instance, "gather", {"summary": "weak results"})
    return instance


def at_gather(session):
    instance = start(session, "C-gather")
    complete(session, instance, "informal_chat", {"notes": "friendly"})
    return instance


def waiting_reply(session):
    instance = at_review(session)
    instance.business_key = "D-waiting"
    complete(session, instance, "review", {"complied": False})
    return instance


def source_filled(session):
    instance = start(session, "E-source")
    complete(session, instance, "informal_chat")
    complete(session, instance, "gather", {"summary": "weak results", "source": "visit"})
    return instance


def snapshot(session, instance: ProcessInstance) -> dict:
    session.flush()
    session.refresh(instance)
    tasks = sorted((t.id, t.bpmn_id, t.name, t.due_at, t.is_open) for t in session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance.id)))
    jobs = sorted((j.task_id, j.due_at, j.is_cancelled, j.fired_at) for j in session.scalars(
        select(TimerJob).where(TimerJob.instance_id == instance.id)))
    events = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id))]
    return {"definition": instance.definition_id, "state": instance.state, "steps": instance.current_steps,
            "lock": instance.lock_version, "tasks": tasks, "jobs": jobs, "events": events}


def by_key(plan: migration.MigrationPlan) -> dict[str, migration.CasePlan]:
    return {case.business_key: case for case in plan.cases}


@time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False)
def test_dry_run_says_which_cases_can_move_and_why_not(session, first):
    for make in (at_chat, at_review, at_gather, waiting_reply, source_filled):
        make(session)
    second = deploy_second(session)
    plan = by_key(migration.plan_migration(session, first, second))

    assert plan["A-chat"].reasons == ["its current step 'Talk informally' is not in version 2"]
    assert plan["B-review"].can_move
    review = next(d for d in plan["B-review"].deadlines if d.step == "Review compliance")
    assert (review.before.date(), review.after.date()) == (datetime(2026, 3, 12).date(), datetime(2026, 3, 22).date())
    assert plan["C-gather"].can_move
    assert plan["D-waiting"].reasons == [
        "it waits on the timer 'Wait for the reply', which changes from P5D (due 07 Mar 2026 09:00 UTC) "
        "to P10D (due P10D from when it started)"]
    assert plan["E-source"].reasons == ["the field 'Source' it filled in at 'Gather evidence' is not in version 2's form"]


@time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False)
def test_dry_run_changes_nothing(session, first):
    instances = [make(session) for make in (at_chat, at_review)]
    second = deploy_second(session)
    before = [snapshot(session, i) for i in instances]
    migration.plan_migration(session, first, second)
    assert [snapshot(session, i) for i in instances] == before


@time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False)
def test_migrate_moves_the_movable_and_leaves_the_refused_untouched(session, first):
    movable, refused = at_review(session), at_chat(session)
    second = deploy_second(session)
    refused_before = snapshot(session, refused)
    task_id = open_tasks(session, movable.id)[0].id

    result = migration.migrate_cases(session, first, second, "owner@test", "guidance of March 2026")

    assert [c.business_key for c in result.movable] == ["B-review"]
    assert snapshot(session, refused) == refused_before
    session.refresh(movable)
    assert movable.definition_id == second.id
    [task] = open_tasks(session, movable.id)
    assert (task.id, task.bpmn_id, task.due_at) == (task_id, "review", datetime(2026, 3, 22, 23, 59, 59, tzinfo=UTC))
    event = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == movable.id,
                                                     AuditEvent.action == "migrated")).one()
    assert (event.actor, event.detail) == ("owner@test", "migrated from version 1 to 2: guidance of March 2026")
    assert event.data["deadlines"][0]["step"] == "Review compliance"


@time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False)
def test_a_moved_case_runs_on_on_the_new_version(session, first, save_restore):
    instance = at_review(session)
    second = deploy_second(session)
    migration.migrate_cases(session, first, second, "owner@test", "new route")
    session.flush()
    complete(session, instance, "review", {"complied": True})
    assert [t.bpmn_id for t in open_tasks(session, instance.id)] == ["notify_school"]
    assert instance.current_steps == "Tell the school"


@time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False)
def test_a_case_that_passed_a_removed_step_keeps_its_data(session, first):
    instance = at_gather(session)
    second = deploy_second(session)
    migration.migrate_cases(session, first, second, "owner@test", "new route")
    session.flush()
    assert instance.definition_id == second.id
    assert instance.data["notes"] == "friendly"
    complete(session, instance, "gather", {"summary": "ok"})
    assert [t.bpmn_id for t in open_tasks(session, instance.id)] == ["review"]


def test_an_unchanged_timer_keeps_its_due_time(session, first):
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False):
        instance = waiting_reply(session)
    renamed = read_fixture("migration_v1").replace('name="Decide"', 'name="Decide the outcome"')
    second = definitions.deploy(session, renamed, "owner@test")
    with time_machine.travel(datetime(2026, 3, 4, 9, tzinfo=UTC), tick=False):
        plan = migration.migrate_cases(session, first, second, "owner@test", "rename")
    assert plan.cases[0].can_move
    session.flush()
    [job] = session.scalars(select(TimerJob).where(TimerJob.instance_id == instance.id,
                                                   TimerJob.is_cancelled.is_(False))).all()
    assert job.due_at == datetime(2026, 3, 7, 9, tzinfo=UTC)  # not restarted on 4 March


def test_versions_must_differ_and_exist(session, first):
    with pytest.raises(InvalidInput):
        migration.plan_migration(session, first, first)
    with pytest.raises(NotFound):
        migration.find_version(session, "casework", 3)
    with pytest.raises(NotFound):
        migration.find_version(session, "casework", 1, owner="LA1")


def test_a_reason_is_required(session, first):
    with pytest.raises(InvalidInput):
        migration.migrate_cases(session, first, deploy_second(session), "owner@test", "  ")


@time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False)
def test_a_case_in_error_or_ended_is_not_moved(session, first):
    broken, ended = at_review(session), at_gather(session)
    broken.status, broken.error_message = "error", "review: a due date failed"
    runtime.terminate_instance(session, ended.id, "officer@test", "withdrawn")
    second = deploy_second(session)
    plan = migration.migrate_cases(session, first, second, "owner@test", "new route")
    assert [(c.instance_id, c.reasons) for c in plan.cases] == [
        (broken.id, ["the case is in error (review: a due date failed): retry or correct it first"])]
    assert broken.definition_id == ended.definition_id == first.id


@time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False)
def test_a_current_step_replaced_by_another_in_its_place_is_gone(session, first):
    """SpiffWorkflow's spec diff pairs a step with a new one of another id in the same place; a case
    at that step still stays, since its step is not in the new version."""
    instance = at_chat(session)
    replaced = read_fixture("migration_v1").replace('"informal_chat"', '"talk_first"').replace(
        ">informal_chat<", ">talk_first<").replace('name="Talk informally"', 'name="Talk first"')
    second = definitions.deploy(session, replaced, "owner@test")
    [case] = migration.plan_migration(session, first, second).cases
    assert case.reasons == ["its current step 'Talk informally' is not in version 2"]
    assert instance.definition_id == first.id


@time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False)
def test_only_an_organisations_own_cases_move_to_its_own_version(session, first):
    ours, theirs = at_review(session), start(session, "F-other")
    theirs.owner = "LA2"
    own = definitions.deploy(session, read_fixture("migration_v1").replace('name="Decide"', 'name="Decide it"'),
                             "owner@test", owner="LA1")
    plan = migration.migrate_cases(session, first, own, "owner@test", "our own route")
    assert {c.instance_id: c.reasons for c in plan.cases} == {
        ours.id: [], theirs.id: ["version 1 is LA1's own, and the case is not LA1's"]}
    assert (ours.definition_id, theirs.definition_id) == (own.id, first.id)
