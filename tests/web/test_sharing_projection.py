"""Who a case is shared with is a column written by the save, not a subquery over task rows (issue 11 point 3)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine import runtime
from engine.models import HumanTask, ProcessInstance
from workflows.access import instance_clause, task_clause

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
