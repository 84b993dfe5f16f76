"""A deadline's status is worked out when it is read, so a case that waits quietly shows a passed
deadline as missed the next day; the worker records each miss once (missed_at, deadline_missed).

The case: a warning notice (s60) given Thu 18 Dec 2025 with 15 working days, skipping Thu 25 Dec
(Christmas Day), Fri 26 Dec 2025 (Boxing Day) and Thu 1 Jan 2026 (New Year's Day): the compliance
period ends Tue 13 Jan 2026, and the window for powers two calendar months later, Fri 13 Mar 2026
(GMT, so midnight in London is midnight UTC).
"""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from engine import runtime
from engine.clock import today_local
from engine.db import transaction
from engine.deadlines import record_missed, record_missed_deadlines, status_on
from engine.models import AuditEvent, Deadline, ProcessInstance
from engine.timers import TimerService
from tests.conftest import worker_sweep
from tests.engine.test_concurrency import wait_until
from tests.workflows.routes import at, complete, create_school, deploy_package, utc
from tests.workflows.test_maintained_warning_notice import not_complied, powers, walk_to_compliance_review
from workflows.case_view import describe_case
from workflows.maintained_warning_notice import PROCESS

URN = "830001"
NOTICE_GIVEN = {"notice_type": "s60", "notice_given_on": "2025-12-18", "compliance_period_working_days": 15}


@pytest.fixture
def route(session):
    deploy_package(session, PROCESS)
    create_school(session, URN)
    return session


def start_waiting_case(session) -> ProcessInstance:
    """Started at the notice already given; the compliance timer fires on Wed 14 Jan and the review
    task then waits, untouched, past the end of the window."""
    with at(2026, 1, 5, 9, 0):
        case = runtime.start_instance(session, PROCESS.key, "officer@example.test", business_key=URN,
                                      data=NOTICE_GIVEN)
    with at(2026, 1, 14, 0, 0, 1):
        assert worker_sweep(session) == 1
    session.flush()
    return case


def statuses(session, case) -> dict[str, tuple[str, str | None]]:
    return {d["id"]: (d["status"], d["note"]) for d in describe_case(session, case)["deadlines"]}


def misses(session) -> list[tuple[int, str]]:
    return [(e.instance_id, e.data["deadline_id"]) for e in session.scalars(
        select(AuditEvent).where(AuditEvent.action == "deadline_missed").order_by(AuditEvent.id))]


def test_a_waiting_case_shows_its_passed_deadline_missed_the_next_day(route, save_restore):
    case = start_waiting_case(route)
    saved_at = case.updated_at
    with at(2026, 3, 13, 23, 59, 59):  # the last moment of Fri 13 Mar in London
        assert statuses(route, case)["powers_window_end"] == ("pending", None)
        assert route.scalar(select(status_on(today_local())).where(Deadline.deadline_id == "powers_window_end")) \
            == "pending"
    with at(2026, 3, 14, 0, 0, 1):  # Sat 14 Mar: nobody has touched the case
        assert statuses(route, case) == {
            # the end of the school's compliance period passing is no miss of the authority's
            "compliance_period_end": ("pending", "the period has ended; compliance is still to be reviewed"),
            "powers_window_end": ("missed", "the window closed without a decision to use powers"),
        }
        assert route.scalar(select(func.count()).select_from(Deadline)
                            .where(status_on(today_local()) == "missed")) == 1
    assert case.updated_at == saved_at


def test_each_miss_is_recorded_once(route):
    case = start_waiting_case(route)
    with at(2026, 3, 13, 23, 59, 59):
        assert record_missed(route) == 0
    with at(2026, 3, 14, 0, 0, 1):
        assert record_missed(route) == 1
        assert record_missed(route) == 0
    row = route.scalars(select(Deadline).where(Deadline.deadline_id == "powers_window_end")).one()
    route.refresh(row)
    assert row.missed_at == utc(2026, 3, 14, 0, 0, 1)
    assert misses(route) == [(case.id, "powers_window_end")]


def test_met_on_is_the_day_the_step_was_done_and_stays_met(route):
    """Notice given Mon 23 Mar 2026: the window ends Mon 15 Jun 2026 (BST: midnight is 23:00 UTC)."""
    case = walk_to_compliance_review(route)
    not_complied(route, case)
    with at(2026, 5, 1, 9, 0):
        complete(route, case, "choose_powers_s60", powers(use_s63_arrangements=False, use_s64_additional_governors=True))
    with at(2026, 6, 15, 23, 0, 1):  # 00:00:01 on Tue 16 Jun in London
        window = describe_case(route, case)["deadlines"]
        found = {d["id"]: d for d in window}["powers_window_end"]
        assert (found["status"], found["met_on"]) == ("met", date(2026, 5, 1))
        # The only miss is the school's: it did not comply within its period.
        assert record_missed(route) == 1
        assert misses(route) == [(case.id, "compliance_period_end")]


def test_two_workers_record_a_miss_once(committed):
    with transaction(committed) as session:
        deploy_package(session, PROCESS)
        create_school(session, URN)
    with transaction(committed) as session:
        case_id = start_waiting_case(session).id
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def worker() -> None:
        barrier.wait()
        counts.append(record_missed_deadlines(committed))

    with at(2026, 3, 14, 0, 0, 1):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(counts) == [0, 1]
    with transaction(committed) as session:
        assert misses(session) == [(case_id, "powers_window_end")]


def test_the_worker_records_misses_when_it_starts(committed):
    """The window ended Fri 13 Mar 2026, long before the real today this runs on."""
    with transaction(committed) as session:
        deploy_package(session, PROCESS)
        create_school(session, URN)
    with transaction(committed) as session:
        case_id = start_waiting_case(session).id
    service = TimerService(committed, poll_seconds=60.0, worker_id="deadline-worker")
    service.start()
    try:
        def recorded() -> list[tuple[int, str]]:
            with transaction(committed, read_only=True) as session:
                return misses(session)
        assert wait_until(lambda: recorded() == [(case_id, "powers_window_end")])
    finally:
        service.shutdown()


def test_a_case_withdrawn_before_its_deadline_never_misses_it(route):
    """Withdrawn on Mon 2 Mar 2026, before the window for powers closes on Fri 13 Mar: that deadline
    ended with the case, so it must not turn to missed on Sat 14 Mar nor count as a miss."""
    case = start_waiting_case(route)
    with at(2026, 3, 2, 10, 0):
        runtime.terminate_instance(route, case.id, "manager@example.test", "Withdrawn: the school converted")
    with at(2026, 3, 16, 9, 0):
        assert statuses(route, case)["powers_window_end"][0] == "ended"
        assert record_missed(route) == 0
    assert misses(route) == []


def test_a_deadline_already_missed_when_the_case_is_closed_stays_missed(route):
    case = start_waiting_case(route)
    with at(2026, 3, 16, 10, 0):  # Mon 16 Mar: the window closed on Fri 13 Mar with no decision
        runtime.terminate_instance(route, case.id, "manager@example.test", "Closed: no further action")
        assert statuses(route, case)["powers_window_end"][0] == "missed"
        assert record_missed(route) == 1
    assert misses(route) == [(case.id, "powers_window_end")]
