"""Who a case is shared with is a column written by the save, not a subquery over task rows (issue 11 point 3)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine import runtime
from engine.models import Deadline, HumanTask, ProcessInstance
from workflows.access import _child_rule, instance_clause, task_clause

from .factories import NORTH_WEST, TRAFFORD, make_school, start_case


def open_task(session, instance, bpmn_id):
    session.expire_all()
    return session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                  HumanTask.bpmn_id == bpmn_id, HumanTask.is_open.is_(True)))


def reach_region_decision(session, instance):
    runtime.complete_task(session, open_task(session, instance, "check_concern").id, "x@trafford.gov.uk",
                          {"concern_details": "x", "visit_on": "2026-01-13", "severity": "low"})
    runtime.complete_task(session, open_task(session, instance, "approve").id, "x@trafford.gov.uk", {})
    session.commit()


def test_the_save_that_opens_a_region_task_shares_the_case_with_the_schools_region(session, route, school):
    make_school(session, "100002", "Birch Lane Primary School")
    shared, local = start_case(session, "100001"), start_case(session, "100002")
    session.commit()
    assert shared.shared_with is None  # the first step is the authority's
    reach_region_decision(session, shared)
    assert open_task(session, shared, "academy_order_decision").role == "regional_director"
    session.refresh(shared)
    session.refresh(local)
    assert (shared.shared_with, local.shared_with) == (NORTH_WEST, None)
    assert shared.owner == TRAFFORD


def test_the_cases_tasks_carry_its_sharing_those_done_before_it_was_shared_too(session, route, school):
    make_school(session, "100002", "Birch Lane Primary School")
    shared, local = start_case(session, "100001"), start_case(session, "100002")
    session.commit()
    reach_region_decision(session, shared)
    session.expire_all()
    tasks = session.execute(select(HumanTask.instance_id, HumanTask.bpmn_id, HumanTask.is_open, HumanTask.shared_with)
                            .where(HumanTask.instance_id.in_([shared.id, local.id]))).all()
    by_case = {(row.instance_id, row.bpmn_id): row.shared_with for row in tasks}
    assert by_case[(shared.id, "check_concern")] == NORTH_WEST  # done before the case was shared
    assert by_case[(shared.id, "academy_order_decision")] == NORTH_WEST  # opened by the sharing save
    assert {v for (case, _), v in by_case.items() if case == local.id} == {None}


@dataclass
class Director:
    email: str = "rd@education.gov.uk"
    organisation_id: str = NORTH_WEST
    roles: tuple = ("regional_director",)
    organisation_kind: str = "region"


def test_the_regional_rule_reads_no_task_rows():
    director = Director()
    cases_sql = str(select(ProcessInstance.id).where(instance_clause(director)))
    tasks_sql = str(select(HumanTask.id).where(task_clause(director)))
    assert "human_tasks" not in cases_sql and "shared_with" in cases_sql
    assert "schools" not in tasks_sql and "shared_with" in tasks_sql
    # Tasks and deadlines carry the case's sharing (0018): their rule reads no other table.
    assert "process_instances" not in tasks_sql
    deadlines_sql = str(select(Deadline.id).where(_child_rule(Deadline, director)))
    assert "process_instances" not in deadlines_sql and "deadlines.shared_with" in deadlines_sql
