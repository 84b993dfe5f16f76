"""/inbox: the two views, who sees what, due-date tags, filters, sorting and pagination."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from engine import runtime
from engine.models import HumanTask

from .factories import DERBYSHIRE, NORTH_WEST, TRAFFORD, Browser, make_school, make_user, start_case

LONDON = ZoneInfo("Europe/London")


def tasks_of(session, instance, bpmn_id="check_concern") -> HumanTask:
    session.expire_all()
    return session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.bpmn_id == bpmn_id))


def rows(page: str) -> list[str]:
    return re.findall(r'data-task-id="([^"]+)"', page)


@pytest.fixture
def cases(session, route, school):
    make_school(session, "100002", "Birch Lane Primary School")
    make_school(session, "100003", "Cedar High School")
    found = [start_case(session, "100001", check_due_on="2026-01-20"),
             start_case(session, "100002", check_due_on="2026-01-13"),
             start_case(session, "100003", check_due_on="2026-03-02")]
    session.commit()
    return found


def test_for_my_roles_lists_open_unclaimed_tasks_by_due_date_with_tags(browser, adviser, cases, session):
    with time_machine.travel(datetime(2026, 1, 12, 9, 0, tzinfo=LONDON)):
        browser.sign_in(adviser.email)
        page = browser.text("/inbox?tab=roles")
    assert rows(page) == [tasks_of(session, c).id for c in (cases[1], cases[0], cases[2])]
    assert "For my roles (3)" in page and "Assigned to me (0)" in page
    assert "Tue 13 January 2026" in page and "Tue 20 January 2026" in page and "Mon 2 March 2026" in page
    assert "1 working day left" in page and "6 working days left" in page
    assert page.count("govuk-tag--yellow") == 1  # due within 5 working days; 20 Jan is 6 away
    assert "govuk-tag--red" not in page
    assert "URN 100002" in page and "Web test route" in page


def test_overdue_tasks_get_a_red_tag_and_a_filter(browser, adviser, cases):
    with time_machine.travel(datetime(2026, 1, 16, 9, 0, tzinfo=LONDON)):
        browser.sign_in(adviser.email)
        page = browser.text("/inbox?tab=roles")
        only = browser.text("/inbox?tab=roles&overdue=yes")
    assert "Overdue" in page
    assert page.count("govuk-tag--red") == 1 and "3 working days late" in page
    assert len(rows(only)) == 1 and "Birch Lane" in only


def test_assigned_to_me_shows_what_i_claimed(signed_in, cases, session):
    runtime.claim_task(session, tasks_of(session, cases[2]).id, "ann.adviser@trafford.gov.uk")
    runtime.claim_task(session, tasks_of(session, cases[0]).id, "someone.else@trafford.gov.uk")
    session.commit()
    mine = signed_in.text("/inbox")
    assert rows(mine) == [tasks_of(session, cases[2]).id] and "Unclaim" in mine
    roles = signed_in.text("/inbox?tab=roles")
    assert rows(roles) == [tasks_of(session, cases[1]).id]


def test_filters_by_route_and_school_name_or_urn(signed_in, cases, session):
    assert len(rows(signed_in.text("/inbox?tab=roles&school=birch"))) == 1
    assert len(rows(signed_in.text("/inbox?tab=roles&school=100003"))) == 1
    assert len(rows(signed_in.text("/inbox?tab=roles&route=web_route"))) == 3
    page = signed_in.text("/inbox?tab=roles&route=maintained_warning_notice")
    assert rows(page) == [] and "No tasks match your filters" in page and "Clear filters" in page


def test_empty_states_say_what_to_do(signed_in):
    assert "No tasks are assigned to you" in signed_in.text("/inbox")
    assert "There are no unclaimed tasks for your roles" in signed_in.text("/inbox?tab=roles")


def test_tasks_of_another_authority_or_another_role_are_not_listed(browser, cases, session):
    make_user(session, "bob@derbyshire.gov.uk", DERBYSHIRE, ["link_adviser"])
    make_user(session, "qa@trafford.gov.uk", TRAFFORD, ["quality_assurance_partner"])
    session.commit()
    browser.sign_in("bob@derbyshire.gov.uk")
    assert rows(browser.text("/inbox?tab=roles")) == []
    browser.post("/sign-out")
    browser.sign_in("qa@trafford.gov.uk")
    assert rows(browser.text("/inbox?tab=roles")) == []


def test_a_candidate_group_that_is_not_the_first_still_reaches_the_inbox(signed_in, cases, session):
    first = tasks_of(session, cases[0])
    runtime.complete_task(session, first.id, "x@trafford.gov.uk",
                          {"concern_details": "x", "visit_on": "2026-01-13", "severity": "low"})
    session.commit()
    approve = tasks_of(session, cases[0], "approve")
    assert approve.role == "senior_adviser" and "link_adviser" in approve.candidate_groups
    assert approve.id in rows(signed_in.text("/inbox?tab=roles"))


def test_the_regional_directors_team_sees_the_decision_of_a_school_in_its_region(app, cases, session):
    make_user(session, "rd@education.gov.uk", NORTH_WEST, ["regional_director"])
    make_user(session, "em@education.gov.uk", "dfe-east-midlands", ["regional_director"])
    case = cases[0]
    for bpmn_id in ("check_concern", "approve"):
        runtime.complete_task(session, tasks_of(session, case, bpmn_id).id, "x@trafford.gov.uk",
                              {"concern_details": "x", "visit_on": "2026-01-13", "severity": "low"}
                              if bpmn_id == "check_concern" else {})
    session.commit()
    decision = tasks_of(session, case, "academy_order_decision")
    north_west = Browser(app.test_client())
    north_west.sign_in("rd@education.gov.uk")
    assert rows(north_west.text("/inbox?tab=roles")) == [decision.id]
    assert north_west.get(f"/cases/{case.id}").status_code == 200
    assert north_west.get(f"/cases/{cases[1].id}").status_code == 404  # no region task yet
    east = Browser(app.test_client())
    east.sign_in("em@education.gov.uk")
    assert rows(east.text("/inbox?tab=roles")) == []
    assert east.get(f"/cases/{case.id}").status_code == 404


def test_pages_of_25(signed_in, route, session):
    for n in range(30):
        make_school(session, f"3{n:05d}", f"School {n:02d}")
        start_case(session, f"3{n:05d}", check_due_on=f"2030-02-{n % 28 + 1:02d}")
    session.commit()
    first = signed_in.text("/inbox?tab=roles")
    assert len(rows(first)) == 25 and "govuk-pagination" in first and "1 to 25 of 30 tasks" in first
    second = signed_in.text("/inbox?tab=roles&page=2")
    assert len(rows(second)) == 5 and "26 to 30 of 30" in second
    assert set(rows(first)).isdisjoint(rows(second))
    assert len(rows(signed_in.text("/inbox?tab=roles&page=99"))) == 5
    assert len(rows(signed_in.text("/inbox?tab=roles&page=x"))) == 25


def test_tasks_without_a_due_date_come_last(signed_in, route, session, school):
    undated = start_case(session, check_due_on=None)
    dated = start_case(session, check_due_on="2030-01-01")
    session.commit()
    assert rows(signed_in.text("/inbox?tab=roles")) == [tasks_of(session, dated).id, tasks_of(session, undated).id]
    assert "No due date" in signed_in.text("/inbox?tab=roles")
