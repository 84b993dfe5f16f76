"""Deadline reminders and managers' digests: on which working days, to whom, and once."""
from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from sqlalchemy import select

from engine.clock import LOCAL_TZ
from engine.models import AuditEvent
from engine.outbox import send_due
from engine.outbox_models import OutboxMessage
from tests.conftest import joined_factory
from workflows.mail import FolderSender, reminders_job
from workflows.reminders import (
    BEFORE_1,
    BEFORE_5,
    DIGEST,
    MISSED_KIND,
    deadline_reminders,
    digest_messages,
    enqueue_reminders,
    reminder_kind_on,
    working_days_before,
)

from .reminder_rows import DERBYSHIRE, case_with_deadline, organisations, user

TUE_5_JAN_2027 = date(2027, 1, 5)


def test_reminders_before_a_deadline_just_after_new_year_skip_christmas_and_new_year():
    """Due Tue 5 Jan 2027. Counting back working days: Mon 4 Jan (1); Fri 1 Jan is New Year's Day,
    2-3 Jan a weekend; Thu 31 Dec (2), Wed 30 Dec (3), Tue 29 Dec (4); Mon 28 Dec is the Boxing Day
    substitute (26 Dec is a Saturday), 26-27 Dec a weekend, Fri 25 Dec Christmas Day; Thu 24 Dec (5)."""
    assert working_days_before(TUE_5_JAN_2027, 5) == date(2026, 12, 24)
    assert working_days_before(TUE_5_JAN_2027, 1) == date(2027, 1, 4)
    expected = {date(2026, 12, 23): None, date(2026, 12, 24): BEFORE_5, date(2026, 12, 29): None,
                date(2026, 12, 31): None, date(2027, 1, 1): None, date(2027, 1, 4): BEFORE_1,
                date(2027, 1, 5): None, date(2027, 1, 6): MISSED_KIND, date(2027, 1, 7): None}
    assert {day: reminder_kind_on(TUE_5_JAN_2027, day) for day in expected} == expected


def test_reminders_before_a_deadline_after_easter_skip_good_friday_and_easter_monday():
    """Easter 2027 is Sun 28 Mar, so Good Friday is 26 Mar and Easter Monday 29 Mar.
    Due Wed 31 Mar 2027: Tue 30 (1), Mon 29 Easter Monday, Fri 26 Good Friday, Thu 25 (2),
    Wed 24 (3), Tue 23 (4), Mon 22 (5)."""
    assert working_days_before(date(2027, 3, 31), 1) == date(2027, 3, 30)
    assert working_days_before(date(2027, 3, 31), 5) == date(2027, 3, 22)
    assert reminder_kind_on(date(2027, 3, 31), date(2027, 3, 23)) is None


@pytest.fixture
def people(session):
    organisations(session)
    return {"ann": user(session, "ann.adviser@trafford.gov.uk", ("link_adviser",)),
            "bob": user(session, "bob.adviser@trafford.gov.uk", ("link_adviser",), off=True),
            "sam": user(session, "sam.senior@trafford.gov.uk", ("senior_adviser",)),
            "dee": user(session, "dee.dad@trafford.gov.uk", ("deputy_assistant_director",)),
            "max": user(session, "max.manager@trafford.gov.uk", ("case_manager",), off=True),
            "derby": user(session, "di.adviser@derbyshire.gov.uk", ("link_adviser",), organisation=DERBYSHIRE)}


def recipients(messages, kind=None):
    return sorted(m.recipient for m in messages if kind is None or m.kind == kind)


def test_the_assignee_alone_is_reminded(session, people):
    case_with_deadline(session, TUE_5_JAN_2027, assignee="sam.senior@trafford.gov.uk")
    assert recipients(deadline_reminders(session, date(2027, 1, 4))) == ["sam.senior@trafford.gov.uk"]


def test_without_an_assignee_the_role_holders_of_the_case_organisation_are_reminded_unless_they_opted_out(
        session, people):
    case_with_deadline(session, TUE_5_JAN_2027)
    # bob turned reminders off; di holds the role in another authority; sam holds another role
    assert recipients(deadline_reminders(session, date(2026, 12, 24))) == ["ann.adviser@trafford.gov.uk"]
    assert recipients(deadline_reminders(session, date(2026, 12, 23))) == []


def test_the_missed_deadline_email_ignores_the_opt_out(session, people):
    case_with_deadline(session, TUE_5_JAN_2027)
    missed = deadline_reminders(session, date(2027, 1, 6))
    assert recipients(missed) == ["ann.adviser@trafford.gov.uk", "bob.adviser@trafford.gov.uk"]
    assert {m.kind for m in missed} == {MISSED_KIND} and "has been missed" in missed[0].body


def test_a_deadline_whose_passing_is_no_miss_gets_no_missed_email(session, people):
    case_with_deadline(session, TUE_5_JAN_2027, overdue_note=None)
    assert deadline_reminders(session, date(2027, 1, 6)) == []


def test_managers_get_a_digest_of_overdue_and_due_soon_unless_opted_out(session, people):
    case_with_deadline(session, date(2027, 1, 4))  # overdue on Wed 6 Jan
    case_with_deadline(session, date(2027, 1, 13))  # 5th working day after Wed 6 Jan
    case_with_deadline(session, date(2027, 1, 14))  # 6th: not in the digest
    case_with_deadline(session, date(2027, 1, 7), owner=DERBYSHIRE)  # another authority's
    digests = digest_messages(session, date(2027, 1, 6))
    assert recipients(digests) == ["dee.dad@trafford.gov.uk"]  # max (case manager) opted out
    body = digests[0].body
    assert "Overdue (1)" in body and "due 4 January 2027" in body
    assert "(1):\n- Governing body replies, due 13 January 2027" in body and "14 January" not in body
    assert digests[0].kind == DIGEST


def test_working_out_the_day_twice_queues_each_message_once_and_the_sent_one_shows_on_the_timeline(
        session, people, tmp_path):
    deadline = case_with_deadline(session, TUE_5_JAN_2027, assignee="ann.adviser@trafford.gov.uk")
    factory = joined_factory(session)
    with time_machine.travel(datetime(2027, 1, 4, 7, 0, tzinfo=LOCAL_TZ), tick=False):  # Mon 4 Jan, 7 am
        assert enqueue_reminders(factory) == 2  # ann's reminder, and dee's digest
        assert enqueue_reminders(factory) == 0
        assert send_due(factory, "w1", FolderSender(tmp_path)) == 2
        assert send_due(factory, "w1", FolderSender(tmp_path)) == 0
    files = sorted(tmp_path.glob("*.eml"))
    assert [f.read_bytes().count(b"To: ") for f in files] == [1, 1]
    session.expire_all()
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == BEFORE_1))
    assert row.key == f"deadline:{deadline.id}:{BEFORE_1}:2027-01-04:ann.adviser@trafford.gov.uk"
    event = session.scalar(select(AuditEvent).where(AuditEvent.instance_id == deadline.instance_id,
                                                    AuditEvent.action == "email_sent"))
    assert event.data["to"] == "ann.adviser@trafford.gov.uk" and event.detail == f"To ann.adviser@trafford.gov.uk: {row.subject}"


def test_a_miss_the_case_already_recorded_at_a_save_still_gets_its_missed_email(session, people):
    deadline = case_with_deadline(session, TUE_5_JAN_2027, assignee="ann.adviser@trafford.gov.uk")
    deadline.status = "missed"  # saved on Wed 6 Jan, after the day had passed
    assert [m.kind for m in deadline_reminders(session, date(2027, 1, 6))] == [MISSED_KIND]
    deadline.status, deadline.met_on = "met", date(2027, 1, 5)
    assert deadline_reminders(session, date(2027, 1, 6)) == []


def test_the_worker_job_queues_the_day_s_emails_from_7_am_in_england_and_sends_them(session, people, tmp_path):
    case_with_deadline(session, TUE_5_JAN_2027, assignee="ann.adviser@trafford.gov.uk")
    job = reminders_job(joined_factory(session), "w", FolderSender(tmp_path))
    with time_machine.travel(datetime(2027, 1, 4, 6, 59, tzinfo=LOCAL_TZ), tick=False):
        assert job() == 0
    with time_machine.travel(datetime(2027, 1, 4, 7, 0, tzinfo=LOCAL_TZ), tick=False):
        assert job() == 2 and job() == 0  # ann's reminder and dee's digest, once
    assert len(list(tmp_path.glob("*.eml"))) == 2


def test_a_regional_director_s_digest_includes_the_authority_cases_shared_with_the_region(session, people):
    from .reminder_rows import NORTH_WEST
    user(session, "rita.rd@education.gov.uk", ("regional_director",), organisation=NORTH_WEST)
    case_with_deadline(session, date(2027, 1, 4), shared_with=NORTH_WEST)  # Trafford's, shared: overdue on 6 Jan
    case_with_deadline(session, date(2027, 1, 4))  # Trafford's own, not shared
    digests = {m.recipient: m for m in digest_messages(session, date(2027, 1, 6))}
    assert "Overdue (1)" in digests["rita.rd@education.gov.uk"].body
    assert "Overdue (2)" in digests["dee.dad@trafford.gov.uk"].body


def test_a_reminder_whose_day_the_worker_missed_goes_out_late_once_with_the_true_count(session, people):
    """Due Tue 5 Jan 2027; the 5-working-day reminder falls on Thu 24 Dec 2026. The worker is down
    from 24 Dec until Tue 29 Dec (25 Dec Christmas Day, 28 Dec the Boxing Day substitute between).
    On 29 Dec the reminder goes out, saying 4 working days (30 Dec, 31 Dec, 4 Jan, 5 Jan; 1 Jan is
    New Year's Day), keyed to its own day so a later run does not send it again."""
    case_with_deadline(session, TUE_5_JAN_2027, assignee="ann.adviser@trafford.gov.uk")
    [late] = deadline_reminders(session, date(2026, 12, 29))
    assert late.kind == BEFORE_5 and "is due in 4 working days, on 5 January 2027" in late.body
    assert late.key.endswith(":2026-12-24:ann.adviser@trafford.gov.uk")
    [again] = deadline_reminders(session, date(2026, 12, 30))
    assert again.key == late.key  # the outbox's key makes it a no-op
    [on_the_day] = deadline_reminders(session, TUE_5_JAN_2027)  # the 1-day reminder (4 Jan) was missed
    assert on_the_day.kind == BEFORE_1 and "is due today, 5 January 2027" in on_the_day.body


def test_a_missed_deadline_email_older_than_the_catch_up_window_is_not_sent_on_a_restart(session, people):
    """Due Mon 4 Jan 2027, missed from Tue 5 Jan; a worker back on Wed 13 Jan (6 working days later)
    does not send a stale missed email."""
    case_with_deadline(session, date(2027, 1, 4))
    assert {m.kind for m in deadline_reminders(session, date(2027, 1, 11))} == {MISSED_KIND}
    assert deadline_reminders(session, date(2027, 1, 13)) == []


def test_a_regional_director_s_own_step_in_a_shared_case_reminds_the_regional_director(session, people):
    """The authority owns the case, but the step (consent to an IEB, say) is the regional director's:
    the reminder goes to the region's holders of the role, not to nobody."""
    from .reminder_rows import NORTH_WEST
    user(session, "rita.rd@education.gov.uk", ("regional_director",), organisation=NORTH_WEST)
    case_with_deadline(session, TUE_5_JAN_2027, role="regional_director", shared_with=NORTH_WEST)
    assert recipients(deadline_reminders(session, date(2027, 1, 4))) == ["rita.rd@education.gov.uk"]


def test_working_out_the_day_s_reminders_reads_the_same_few_statements_however_many_deadlines_fall(
        session, people):
    """Each deadline's case, open tasks and role holders are read in one batch per run, not per deadline."""
    from sqlalchemy import event

    def statements_for(cases: int) -> int:
        for _ in range(cases):
            case_with_deadline(session, TUE_5_JAN_2027)
        session.flush()
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(session.get_bind(), "before_cursor_execute", listener)
        try:
            sent = deadline_reminders(session, date(2026, 12, 24))
        finally:
            event.remove(session.get_bind(), "before_cursor_execute", listener)
        assert len(sent) == session.info.setdefault("expected", 0) + cases  # ann, for each case
        session.info["expected"] += cases
        return len(seen)

    assert statements_for(2) == statements_for(6)
