"""Files holding several processes: which one deploys, call activities to processes in the same
file and to processes deployed separately, at the version current when the case starts."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from engine import definitions, runtime
from engine.db import transaction
from engine.errors import InvalidDefinition, NotFound
from engine.models import AuditEvent, CalledDefinition, ProcessDefinition, ProcessInstance, TimerJob
from engine.timers import fire_due
from tests.conftest import worker_sweep
from tests.engine.conftest import deploy_fixture, open_tasks, read_fixture


def at(*args) -> time_machine.travel:
    return time_machine.travel(datetime(*args, tzinfo=UTC), tick=False)


def count_definitions(session) -> int:
    return session.scalar(select(func.count()).select_from(ProcessDefinition))


def called_versions(session, instance_id: int) -> list[tuple[str, int]]:
    session.flush()
    return [(row.process_key, row.definition.version) for row in session.scalars(
        select(CalledDefinition).where(CalledDefinition.instance_id == instance_id))]


def messages_sent(session, instance_id: int) -> list[str]:
    session.flush()
    return list(session.scalars(select(AuditEvent.detail).where(AuditEvent.instance_id == instance_id,
                                                                AuditEvent.action == "message_sent")))


def pending_timers(session, instance_id: int) -> list[TimerJob]:
    session.flush()
    return list(session.scalars(select(TimerJob).where(TimerJob.instance_id == instance_id,
                                                       TimerJob.fired_at.is_(None),
                                                       TimerJob.is_cancelled.is_(False))))


def test_a_collaboration_deploys_its_executable_process_that_no_other_calls(session):
    # referral and assessment are both executable, but referral calls assessment; the School
    # pool is not executable.
    definition = deploy_fixture(session, "call_same_file")
    assert (definition.key, definition.name, definition.version) == ("referral", "Referral", 1)
    parsed = definitions.parsed_definition(definition)
    assert set(parsed.subprocess_specs) == {"gather", "assessment"} and parsed.external_calls == {}


def test_several_uncalled_executable_processes_need_one_named(session):
    with pytest.raises(InvalidDefinition) as raised:
        deploy_fixture(session, "two_routes")
    [problem] = raised.value.problems
    assert "several executable processes that no other calls (first_route, second_route)" in problem.message
    assert "--process ID" in problem.message
    assert count_definitions(session) == 0


def test_process_id_names_which_process_of_the_file_deploys(session, save_restore):
    xml = read_fixture("two_routes")
    first = definitions.deploy(session, xml, "owner", process_id="first_route")
    second = definitions.deploy(session, xml, "owner", process_id="second_route")
    assert [(d.key, d.version) for d in (first, second)] == [("first_route", 1), ("second_route", 1)]
    # The same file under two keys: each key parses (and caches) its own process.
    case = runtime.start_instance(session, "second_route", "officer")
    [task] = open_tasks(session, case.id)
    assert (task.bpmn_id, task.role) == ("second_task", "senior_adviser")
    runtime.complete_task(session, task.id, "adviser", {"second": "done"})
    assert case.status == "completed"
    assert runtime.start_instance(session, "first_route", "officer").current_steps == "First task"


def test_a_process_id_not_in_the_file_is_refused_naming_what_is(session):
    with pytest.raises(InvalidDefinition) as raised:
        definitions.deploy(session, read_fixture("two_routes"), "owner", process_id="third_route")
    assert "no process or collaboration 'third_route'" in str(raised.value)
    assert "first_route, second_route, two_pools" in str(raised.value)
    assert count_definitions(session) == 0


def test_call_activity_and_subprocess_in_the_same_file_project_their_tasks_and_timers(session, save_restore):
    deploy_fixture(session, "call_same_file")
    with at(2026, 3, 2, 9, 0):
        case = runtime.start_instance(session, "referral", "officer", business_key="100002")
        [request] = open_tasks(session, case.id)
        runtime.complete_task(session, request.id, "adviser", {"requested_on": "2026-03-02"})
        # The message to the School pool, which is not executable, goes on the case's timeline
        # and is not kept in the state.
        assert messages_sent(session, case.id) == ["information_request"]
        assert runtime.load_workflow(case).bpmn_events == []
        # Inside the embedded sub-process, in the caller's lane. Mon 2 Mar 2026 + 5 working days
        # = Mon 9 Mar 2026 (no bank holiday in between); GMT, so the day ends 23:59:59 UTC.
        [read] = open_tasks(session, case.id)
        assert (read.bpmn_id, read.role, read.business_key) == ("read_reports", "link_adviser", "100002")
        assert read.due_at == datetime(2026, 3, 9, 23, 59, 59, tzinfo=UTC)
        runtime.complete_task(session, read.id, "adviser", {"reports_read": True})
        # Inside the called process, in its own lane, with its boundary timer projected:
        # 10 working days after Mon 2 Mar is Mon 16 Mar 2026; the period ends at midnight.
        [assess] = open_tasks(session, case.id)
        assert (assess.bpmn_id, assess.role) == ("assess", "senior_adviser")
        [timer] = pending_timers(session, case.id)
        assert (timer.bpmn_id, timer.due_at) == ("assess_overdue", datetime(2026, 3, 17, 0, 0, tzinfo=UTC))
    with at(2026, 3, 16, 23, 59, 59):
        assert worker_sweep(session) == 0
    with at(2026, 3, 17, 0, 0, 1):
        assert worker_sweep(session) == 1
        [escalate] = open_tasks(session, case.id)
        assert (escalate.bpmn_id, escalate.role) == ("escalate", "deputy_assistant_director")
        runtime.complete_task(session, escalate.id, "dad", {"escalation_note": "chased"})
    assert case.status == "completed"
    assert case.data["escalation_note"] == "chased" and case.data["reports_read"] is True


def test_a_call_to_a_process_not_deployed_is_refused_at_deploy(session):
    # Validation alone cannot know what is deployed: it warns.
    [warning] = definitions.validate(read_fixture("needs_review"))
    assert (warning.element_id, warning.severity) == ("call_review", "warning")
    assert "calls process 'shared_review', which is not in this file" in warning.message
    with pytest.raises(InvalidDefinition) as raised:
        deploy_fixture(session, "needs_review")
    [problem] = raised.value.problems
    assert problem.element_id == "call_review"
    assert "calls process 'shared_review', which is neither in this file nor deployed" in problem.message
    assert count_definitions(session) == 0


def test_called_process_runs_at_the_version_current_when_the_case_started(session, save_restore):
    deploy_fixture(session, "shared_review")
    deploy_fixture(session, "needs_review")
    before = runtime.start_instance(session, "needs_review", "officer")
    assert called_versions(session, before.id) == [("shared_review", 1)]
    changed = read_fixture("shared_review").replace("Review (version 1)", "Review (version 2)")
    assert definitions.deploy(session, changed, "owner").version == 2
    after = runtime.start_instance(session, "needs_review", "officer")
    assert called_versions(session, after.id) == [("shared_review", 2)]
    for case, expected in ((before, "Review (version 1)"), (after, "Review (version 2)")):
        runtime.complete_task(session, open_tasks(session, case.id)[0].id, "adviser", {"papers": "p"})
        [review] = open_tasks(session, case.id)
        assert (review.bpmn_id, review.name, review.role) == ("review", expected, "senior_adviser")
        runtime.complete_task(session, review.id, "senior", {"review_outcome": "fine"})
        assert case.status == "completed" and case.data["review_outcome"] == "fine"
    assert before.definition.version == after.definition.version == 1


def test_a_case_cannot_start_when_a_called_process_is_not_deployed(session):
    # A definition stored without deploy's checks (copied from another database, say).
    xml = read_fixture("needs_review")
    session.add(ProcessDefinition(key="needs_review", version=1, name="Needs a review", bpmn_xml=xml, dmn_xml=[],
                                  sha256=definitions.content_sha256(xml), deployed_by="copy"))
    session.flush()
    with pytest.raises(NotFound, match="process 'needs_review' calls process 'shared_review', which is not "
                                       "deployed"):
        runtime.start_instance(session, "needs_review", "officer")


def test_the_worker_fires_a_timer_inside_a_called_process_of_another_deployment(committed, save_restore):
    # shared_review v1 is called by needs_review; v2, deployed while the case runs, adds nothing
    # the case sees. The timer sits in the called process and is fired by the worker's sweep.
    timed = read_fixture("shared_review").replace(
        '<bpmn:endEvent id="end"/>',
        '<bpmn:boundaryEvent id="review_late" name="Review late" attachedToRef="review">'
        '<bpmn:timerEventDefinition><bpmn:timeDuration>P2D</bpmn:timeDuration></bpmn:timerEventDefinition>'
        '</bpmn:boundaryEvent><bpmn:endEvent id="end"/><bpmn:endEvent id="end_late"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="review_late" targetRef="end_late"/>')
    with at(2026, 6, 1, 9, 0), transaction(committed) as session:
        definitions.deploy(session, timed, "owner")
        deploy_fixture(session, "needs_review")
        case_id = runtime.start_instance(session, "needs_review", "officer").id
        runtime.complete_task(session, open_tasks(session, case_id)[0].id, "adviser", {"papers": "p"})
        [job] = pending_timers(session, case_id)
        assert (job.bpmn_id, job.due_at) == ("review_late", datetime(2026, 6, 3, 9, 0, tzinfo=UTC))
    with at(2026, 6, 1, 10, 0), transaction(committed) as session:
        definitions.deploy(session, read_fixture("shared_review"), "owner")  # v2: no timer at all
    with at(2026, 6, 3, 9, 0, 1):
        assert fire_due(committed, "worker-1") == 1
    with transaction(committed) as session:
        case = session.get(ProcessInstance, case_id)
        assert case.status == "completed" and open_tasks(session, case_id) == []
        assert called_versions(session, case_id) == [("shared_review", 1)]
