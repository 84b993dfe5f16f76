"""The case list's filters, sort and paging (workflows.case_search) against hand-built cases.

Every case, task and deadline here is written by hand, so each expected list is counted by hand.
"Today" is Monday 21 December 2026: five working days on is Wednesday 30 December (25 December is
Christmas Day, 26-27 a weekend, 28 December the substitute Boxing Day bank holiday); seven is
Monday 4 January 2027 (1 January is New Year's Day, 2-3 a weekend).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import count

import pytest
from sqlalchemy import select

from engine.models import AuditEvent, Deadline, HumanTask, ProcessDefinition, ProcessInstance
from tests.web.factories import DERBYSHIRE, NORTH_WEST, TRAFFORD, make_school
from workflows.access import scope_session
from workflows.case_search import CaseFilters, CaseSort, iter_cases, quarter_days, search_cases

TODAY = date(2026, 12, 21)
_ids = count(1)


@dataclass
class Officer:
    email: str
    organisation_id: str
    organisation_kind: str = "la"
    roles: tuple = ("case_manager",)


TRAFFORD_OFFICER = Officer("cm@trafford.gov.uk", TRAFFORD)
DERBYSHIRE_OFFICER = Officer("cm@derbyshire.gov.uk", DERBYSHIRE)
DIRECTOR = Officer("rd@education.gov.uk", NORTH_WEST, "region", ("regional_director",))


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def add_case(session, case_id, urn, owner=TRAFFORD, status="running", started="2026-10-01", ended=None,
             key="route_a", shared_with=None):
    instance = ProcessInstance(id=case_id, definition_id=session.info["definition_id"], process_key=key,
                               business_key=urn, owner=owner, shared_with=shared_with, status=status, state={},
                               serializer_version="1", data={}, current_steps="", started_at=at(started),
                               started_by="t", updated_at=at(started), ended_at=at(ended) if ended else None)
    session.add(instance)
    session.flush()
    return instance


def add_task(session, case, bpmn_id="check", is_open=True, assignee=None):
    session.add(HumanTask(id=f"task-{next(_ids)}", instance_id=case.id, owner=case.owner, shared_with=case.shared_with,
                          process_key=case.process_key, business_key=case.business_key, bpmn_id=bpmn_id,
                          name=bpmn_id.replace("_", " ").capitalize(), role="case_manager", candidate_groups=[],
                          assignee=assignee, is_open=is_open, form={}, properties={}))


def add_deadline(session, case, due_on, status="pending", met_on=None, overdue_note="missed", name=None):
    session.add(Deadline(instance_id=case.id, owner=case.owner, shared_with=case.shared_with,
                         deadline_id=f"d{next(_ids)}", name=name or f"Due {due_on}", due_on=date.fromisoformat(due_on),
                         rule="r", source="s", status=status, met_on=date.fromisoformat(met_on) if met_on else None,
                         overdue_note=overdue_note))


@pytest.fixture
def cases(session):
    """Eleven cases: 1-8 Trafford's, 9 Derbyshire's, 10 the region's own, 11 Trafford's shared with the region."""
    session.add(ProcessDefinition(key="route_a", version=1, name="A", bpmn_xml="<x/>", sha256="0" * 64,
                                  deployed_by="t"))
    session.flush()
    session.info["definition_id"] = session.scalar(select(ProcessDefinition.id).where(ProcessDefinition.key == "route_a"))
    make_school(session, "100001", "Ash Grove Primary School")
    make_school(session, "100002", "Birch Lane Academy", type_of_establishment="Academy converter")
    make_school(session, "100003", "Cedar Pupil Referral Unit", type_of_establishment="Pupil referral unit")
    make_school(session, "200001", "Dale View Primary School", la_code=DERBYSHIRE, la_name="Derbyshire",
                region="dfe-east-midlands")
    make_school(session, "300001", "Elm Tree Academy", type_of_establishment="Academy sponsor led", la_code="352",
                la_name="Manchester")
    c1 = add_case(session, 1, "100001", started="2026-09-01")
    add_task(session, c1, "check", assignee="ann@trafford.gov.uk")
    add_deadline(session, c1, "2026-12-18")  # overdue: pending, its day passed (a miss once passed)
    add_deadline(session, c1, "2026-12-30")
    c2 = add_case(session, 2, "100002", started="2026-10-05")
    add_task(session, c2, "approve")
    add_deadline(session, c2, "2026-12-31")  # 6th working day: outside 5, inside 7
    c3 = add_case(session, 3, "100003", started="2026-11-10", key="route_b")
    add_task(session, c3, "check")
    add_deadline(session, c3, "2027-01-04")  # the 7th working day
    add_deadline(session, c3, "2026-12-10", overdue_note=None)  # a period that ended: no miss, not next
    c4 = add_case(session, 4, "100001", status="completed", started="2026-04-01", ended="2026-06-15")
    add_task(session, c4, "check", is_open=False, assignee="bob@trafford.gov.uk")
    add_deadline(session, c4, "2026-05-05", status="met", met_on="2026-05-01")
    add_deadline(session, c4, "2026-06-10", status="missed")
    add_case(session, 5, "100002", status="terminated", started="2026-02-01", ended="2026-03-02")
    session.add(AuditEvent(instance_id=5, at=at("2026-03-02"), actor="m", action="terminated",
                           detail="Withdrawn: started by mistake"))
    c6 = add_case(session, 6, "100003", status="terminated", started="2026-01-10", ended="2026-07-01")
    session.add(AuditEvent(instance_id=6, at=at("2026-07-01"), actor="m", action="terminated",
                           detail="Closed: the school improved"))
    add_deadline(session, c6, "2026-05-20", status="missed")
    add_case(session, 7, "100001", status="error", started="2026-12-01")
    c8 = add_case(session, 8, "100002", status="suspended", started="2026-12-02")
    add_deadline(session, c8, "2027-01-05")  # 8th working day: outside 7
    c9 = add_case(session, 9, "200001", owner=DERBYSHIRE, started="2026-10-10")
    add_task(session, c9, "check")
    add_deadline(session, c9, "2026-12-01")
    c10 = add_case(session, 10, "300001", owner=NORTH_WEST, started="2026-10-20", key="route_b")
    add_task(session, c10, "decide", assignee="rd@education.gov.uk")
    add_deadline(session, c10, "2026-12-22")
    c11 = add_case(session, 11, "100001", started="2026-08-01", shared_with=NORTH_WEST)
    add_task(session, c11, "decide")
    add_deadline(session, c11, "2026-11-30", status="met", met_on="2026-11-27")
    session.flush()
    return session


def found(session, viewer=TRAFFORD_OFFICER, sort=None, page=1, per_page=50, **args):
    scope_session(session, lambda: viewer)
    filters, errors = CaseFilters.parse({k: str(v) for k, v in args.items()})
    assert errors == {}
    results = search_cases(session, filters, sort or CaseSort("opened", False), page, per_page, today=TODAY)
    return [row.instance.id for row in results.rows]


@pytest.mark.parametrize("args, expected", [
    ({}, [11, 1, 2, 3, 7, 8]),  # open, by default
    ({"status": "all"}, [6, 5, 4, 11, 1, 2, 3, 7, 8]),
    ({"status": "closed"}, [6, 4]),  # ended, not withdrawn
    ({"status": "withdrawn"}, [5]),
    ({"status": "error"}, [7]),
    ({"status": "suspended"}, [8]),
    ({"route": "route_b"}, [3]),
    ({"step": "approve"}, [2]),
    ({"step": "check"}, [1, 3]),
    ({"school": "birch"}, [2, 8]),
    ({"school": "100003"}, [3]),
    ({"school_type": "academy"}, [2, 8]),
    ({"school_type": "pru"}, [3]),
    ({"school_type": "maintained"}, [11, 1, 7]),
    ({"school_type": "Academy converter"}, [2, 8]),
    ({"la": "358"}, [11, 1, 2, 3, 7, 8]),
    ({"la": "830"}, []),  # Derbyshire's school: not Trafford's to see
    ({"assignee": "ann@trafford.gov.uk"}, [1]),
    ({"assignee": "ANN@trafford.gov.uk"}, [1]),
    ({"assignee": "none"}, [11, 2, 3]),
    ({"status": "all", "assignee": "bob@trafford.gov.uk"}, []),  # only open tasks count
    ({"overdue": "1"}, [1]),
    ({"due_within": "5"}, [1]),  # 30 December
    ({"due_within": "6"}, [1, 2]),  # 31 December
    ({"due_within": "7"}, [1, 2, 3]),  # 4 January 2027, over Christmas and New Year
    ({"due_within": "8"}, [1, 2, 3, 8]),
    ({"status": "all", "opened_from": "2026-10-01", "opened_to": "2026-11-10"}, [2, 3]),
    ({"status": "all", "opened_to": "2026-02-01"}, [6, 5]),
    ({"status": "all", "closed_from": "2026-03-02", "closed_to": "2026-06-15"}, [5, 4]),
    ({"status": "all", "closed_from": "2026-06-16"}, [6]),
    ({"status": "all", "deadline_outcome": "missed", "deadline_quarter": "2026-Q2"}, [6, 4]),
    ({"status": "all", "deadline_outcome": "met", "deadline_quarter": "2026-Q2"}, [4]),
    ({"status": "all", "deadline_outcome": "met", "deadline_quarter": "2026-Q4"}, [11]),
    ({"status": "all", "deadline_outcome": "missed", "deadline_quarter": "2026-Q4"}, [1]),  # lapsed since the save
    ({"status": "all", "deadline_outcome": "missed", "deadline_quarter": "2026-Q3"}, []),
    ({"route": "route_a", "school_type": "academy", "due_within": "7"}, [2]),
])
def test_each_filter_keeps_the_cases_counted_by_hand(cases, args, expected):
    assert found(cases, **args) == expected


def test_an_authority_and_a_region_each_see_their_own_cases_and_no_other(cases):
    assert found(cases, DERBYSHIRE_OFFICER, status="all") == [9]
    assert found(cases, DERBYSHIRE_OFFICER, school="Ash") == []
    cases.expire_all()
    assert found(cases, DIRECTOR, status="all") == [11, 10]  # its own, and Trafford's case shared with it
    assert found(cases, DIRECTOR, overdue="1") == []
    assert found(cases, DIRECTOR, due_within="1") == [10]
    assert found(cases, DIRECTOR, status="all", deadline_outcome="met", deadline_quarter="2026-Q4") == [11]


def test_the_next_deadline_is_the_earliest_still_to_be_met_with_its_working_days(cases):
    scope_session(cases, lambda: TRAFFORD_OFFICER)
    rows = {r.instance.id: r for r in search_cases(cases, CaseFilters(status="all"), today=TODAY).rows}
    assert (rows[1].next_deadline.due_on, rows[1].working_days_left, rows[1].is_overdue) == (date(2026, 12, 18), -1, True)
    assert (rows[2].next_deadline.due_on, rows[2].working_days_left, rows[2].is_overdue) == (date(2026, 12, 31), 6, False)
    assert (rows[3].next_deadline.due_on, rows[3].working_days_left) == (date(2027, 1, 4), 7)  # not the ended period
    assert rows[4].next_deadline is None  # a closed case has nothing left to meet, even after a miss
    assert rows[7].next_deadline is None


@pytest.mark.parametrize("sort, expected", [
    ("next_deadline", [1, 2, 3, 8, 7, 11]),  # earliest first, none last (11's was met); ties by case number
    ("next_deadline-desc", [8, 3, 2, 1, 11, 7]),
    ("opened", [8, 7, 3, 2, 1, 11]),  # newest first by default
    ("opened-asc", [11, 1, 2, 3, 7, 8]),
    ("school", [1, 7, 11, 2, 8, 3]),  # Ash, Birch, Cedar
    ("route-desc", [3, 8, 7, 2, 1, 11]),
])
def test_sorts(cases, sort, expected):
    parsed, error = CaseSort.parse(sort)
    assert error is None
    assert found(cases, sort=parsed) == expected


def test_pages_cover_every_case_once_and_a_page_past_the_end_gives_the_last(cases):
    scope_session(cases, lambda: TRAFFORD_OFFICER)
    filters, sort = CaseFilters(status="all"), CaseSort("opened", True)
    pages = [search_cases(cases, filters, sort, n, 4, today=TODAY) for n in (1, 2, 3)]
    assert [[r.instance.id for r in p.rows] for p in pages] == [[8, 7, 3, 2], [1, 11, 4, 5], [6]]
    assert {p.total for p in pages} == {9} and pages[0].pages == 3
    assert search_cases(cases, filters, sort, 99, 4, today=TODAY).page == 3
    assert [r.instance.id for r in iter_cases(cases, filters, sort, chunk=2, today=TODAY)] == [8, 7, 3, 2, 1, 11, 4, 5, 6]


@pytest.mark.parametrize("args, field, words", [
    ({"status": "shut"}, "status", "Status must be open, closed"),
    ({"route": "x; drop table"}, "route", "Route must be an id"),
    ({"step": "<script>"}, "step", "Step must be an id"),
    ({"school": "x" * 201}, "school", "200 characters or fewer"),
    ({"school_type": "castle"}, "school_type", "School type must be maintained"),
    ({"la": "35"}, "la", "3-digit LA code"),
    ({"assignee": "ann"}, "assignee", "email address"),
    ({"overdue": "maybe"}, "overdue", "Overdue must be 1"),
    ({"due_within": "-3"}, "due_within", "whole number of working days from 1 to 260"),
    ({"due_within": "261"}, "due_within", "from 1 to 260"),
    ({"opened_from": "2026-02-30"}, "opened_from", "real date"),
    ({"closed_to": "yesterday"}, "closed_to", "real date"),
    ({"opened_from": "2026-12-01", "opened_to": "2026-11-01"}, "opened_to", "same as or after opened from"),
    ({"deadline_outcome": "late", "deadline_quarter": "2026-Q1"}, "deadline_outcome", "met or missed"),
    ({"deadline_outcome": "met", "deadline_quarter": "2026-Q5"}, "deadline_quarter", "like 2026-Q4"),
    ({"deadline_outcome": "met"}, "deadline_quarter", "Enter the quarter"),
    ({"deadline_quarter": "2026-Q1"}, "deadline_outcome", "met on time or missed"),
    ({"school": "Ash\x00"}, "school", "School must not contain control characters"),
    ({"assignee": "ann\x00@trafford.gov.uk"}, "assignee", "Assigned to must not contain control characters"),
])
def test_a_bad_value_is_named_and_left_out(args, field, words):
    filters, errors = CaseFilters.parse(args)
    assert list(errors) == [field] and words in errors[field]
    # The list shows as if the value had not been given (half a deadline outcome: neither half).
    assert set(filters.as_args()) == set(args) - {field, "deadline_outcome", "deadline_quarter"}


def test_good_values_read_as_typed():
    filters, errors = CaseFilters.parse({"opened_from": "3/12/2026", "status": "", "overdue": "1", "due_within": "10",
                                         "school_type": "community SCHOOL", "deadline_outcome": "Missed",
                                         "deadline_quarter": "2026-q4", "page": "3", "utm": "x"})
    assert errors == {}
    assert filters.as_args() == {"opened_from": "2026-12-03", "overdue": "1", "due_within": "10",
                                 "school_type": "Community school", "deadline_outcome": "missed",
                                 "deadline_quarter": "2026-Q4"}
    assert quarter_days("2026-Q4") == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_days("2024-Q1") == (date(2024, 1, 1), date(2024, 3, 31))
    assert CaseSort.parse("sideways") [1] is not None
    assert CaseSort.parse("next_deadline") == (CaseSort("next_deadline", False), None)
