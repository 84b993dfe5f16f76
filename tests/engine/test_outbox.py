"""The outbox sends each message once: two workers at once, and a worker killed mid-send."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from engine.db import transaction, utcnow
from engine.outbox import LEASE, Message, enqueue, send_due
from engine.outbox_models import OutboxMessage


class Killed(BaseException):
    """The process dies: nothing after the send runs, not even an `except Exception`."""


class Provider:
    """An email provider that remembers each send by its reference, as GOV.UK Notify does."""

    def __init__(self):
        self.sent: Counter[str] = Counter()
        self.lock = threading.Lock()

    def send(self, message, maybe_sent: bool) -> str:
        if maybe_sent and self.sent[message.key]:
            return f"id-{message.key}"  # asked first: it went already
        with self.lock:
            self.sent[message.key] += 1
        return f"id-{message.key}"


def queue(factory, n: int) -> list[str]:
    keys = [f"reminder:{i}:deadline_in_1_working_day:2027-01-04" for i in range(n)]
    with transaction(factory) as session:
        for key in keys:
            enqueue(session, Message(key=key, kind="reminder", recipient=f"officer{key[9:11]}@test",
                                     subject="Due tomorrow", body="..."))
    return keys


def test_enqueueing_a_message_twice_keeps_one_row(committed):
    queue(committed, 3)
    queue(committed, 3)
    with transaction(committed) as session:
        assert len(session.scalars(select(OutboxMessage)).all()) == 3


def test_two_workers_at_once_send_every_message_exactly_once(committed):
    keys = queue(committed, 40)
    provider, start = Provider(), threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        start.wait()
        try:
            send_due(committed, name, lambda message, maybe_sent: provider.send(message, False))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert provider.sent == Counter({key: 1 for key in keys})  # never asked: each sent once
    with transaction(committed) as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert all(r.sent_at is not None and r.attempts == 1 for r in rows)


def test_a_worker_killed_between_send_and_record_is_not_sent_again_where_the_provider_can_be_asked(committed):
    [key] = queue(committed, 1)
    provider = Provider()

    def send_then_die(message, maybe_sent):
        provider.send(message, maybe_sent)
        raise Killed

    try:
        send_due(committed, "dies", send_then_die)
    except Killed:
        pass
    with transaction(committed) as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert row.sent_at is None and row.attempts == 1  # sent, but not recorded
    # Within the dead worker's lease nobody takes it; after it, the next worker asks first.
    assert send_due(committed, "next", provider.send) == 0
    asked: list[bool] = []
    assert send_due(committed, "next", lambda m, maybe: asked.append(maybe) or provider.send(m, maybe),
                    now=utcnow() + LEASE + timedelta(seconds=1)) == 1
    assert asked == [True] and provider.sent == Counter({key: 1})
    with transaction(committed) as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert row.sent_at is not None and row.attempts == 2 and row.provider_id == f"id-{key}"


def test_a_failed_send_is_kept_with_its_error_and_retried_after_the_lease(committed):
    [key] = queue(committed, 1)

    def refuses(message, maybe_sent):
        raise ConnectionError("provider down")

    assert send_due(committed, "w", refuses) == 0
    assert send_due(committed, "w", Provider().send) == 0  # not in a tight loop
    with transaction(committed) as session:
        assert session.scalars(select(OutboxMessage.last_error)).one() == "ConnectionError: provider down"
    assert send_due(committed, "w", Provider().send, now=utcnow() + LEASE + timedelta(seconds=1)) == 1


def test_the_timer_service_runs_the_application_jobs_it_is_given_and_survives_their_failures(committed):
    from engine.timers import TimerService

    ran, failed = threading.Event(), threading.Event()

    def broken() -> None:
        failed.set()
        raise RuntimeError("database restarting")

    service = TimerService(committed, poll_seconds=30, extra_jobs=[("broken", broken, 5.0),
                                                                    ("reminders", ran.set, 5.0)])
    service.start()
    try:
        assert ran.wait(timeout=10) and failed.wait(timeout=10)  # both run at start, not after 5 minutes
    finally:
        assert service.shutdown(timeout=10)
