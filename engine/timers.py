"""Timer jobs: fire what is due, exactly once, across any number of workers.

The state lives in the database; a scheduler holds none. A sweep claims due `timer_jobs` rows
(`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite serialises writers anyway), then fires each in
its own transaction after re-checking it under a row lock, so two workers never fire one timer
twice. APScheduler runs the sweep every couple of seconds and also wakes exactly at the next due
time, so a timer fires within seconds; timers that fell due while nothing ran fire at the next
start, because the first sweep runs immediately.

Only running and waiting cases are swept. A suspended case, a case in error and a closed case
cost the worker nothing: their timers wait, and resume or retry fires those that fell due.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from .db import begin_read_only, transaction, utcnow
from .deadlines import record_missed_deadlines
from .errors import Conflict
from .models import ProcessInstance, TimerJob
from .runtime import CLOSED_STATUSES, _advance, load_workflow

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
WAKE_MARGIN = timedelta(milliseconds=50)
#: Deadlines are missed at midnight (Europe/London); each miss is recorded within this many minutes.
MISSED_DEADLINES_EVERY_MINUTES = 15
#: Cases in these states keep their due timers pending; they fire on resume or retry.
PAUSED_STATUSES = ("suspended", "error")
#: Only these cases' timers are claimed: a paused or closed case costs the worker nothing.
ACTIVE_STATUSES = ("running", "waiting")


def _pending_of_active_cases(query: Select) -> Select:
    # Walks the (fired_at, due_at) index in due order and looks each case up by primary key.
    return (query.join(ProcessInstance, ProcessInstance.id == TimerJob.instance_id)
            .where(TimerJob.fired_at.is_(None), TimerJob.is_cancelled.is_(False),
                   ProcessInstance.status.in_(ACTIVE_STATUSES)))


def fire_job(session: Session, job: TimerJob, actor: str) -> int:
    """Fire the due timers of `job`'s case inside the caller's transaction; how many of its jobs fired.

    The projection sync records each timer that fired (`fired_at` and a `timer_fired` audit event),
    however many fire in the one step.
    """
    instance = session.get(ProcessInstance, job.instance_id)
    if instance is None or instance.status in CLOSED_STATUSES:
        job.is_cancelled = True
        return 0
    if instance.status in PAUSED_STATUSES:
        return 0
    pending = list(session.scalars(select(TimerJob).where(TimerJob.instance_id == instance.id,
                                                          TimerJob.fired_at.is_(None),
                                                          TimerJob.is_cancelled.is_(False))))
    _advance(session, instance, load_workflow(instance), actor, refresh_timers=True)
    return sum(1 for pending_job in pending if pending_job.fired_at is not None)


def claim_due(factory: sessionmaker[Session], worker_id: str, now: datetime | None = None,
              limit: int = 50) -> list[int]:
    now = now or utcnow()
    with transaction(factory) as session:
        query = (_pending_of_active_cases(select(TimerJob.id))
                 .where(TimerJob.due_at < now)  # strictly past, as SpiffWorkflow decides a timer has fired
                 .where(or_(TimerJob.lease_until.is_(None), TimerJob.lease_until < now))
                 .order_by(TimerJob.due_at, TimerJob.id).limit(limit))
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(of=TimerJob, skip_locked=True)
        ids = list(session.scalars(query))
        if ids:
            session.execute(update(TimerJob).where(TimerJob.id.in_(ids))
                            .values(lease_until=now + LEASE, leased_by=worker_id))
    return ids


def fire_claimed(factory: sessionmaker[Session], job_id: int, worker_id: str) -> int:
    """Fire a job this worker claimed, in its own transaction; how many of its case's jobs fired."""
    try:
        with transaction(factory) as session:
            query = select(TimerJob).where(TimerJob.id == job_id)
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update()
            job = session.scalars(query).one_or_none()
            if job is None or job.fired_at is not None or job.is_cancelled or job.leased_by != worker_id:
                return 0
            fired = fire_job(session, job, f"timer:{worker_id}")
            if job.fired_at is not None or job.is_cancelled:
                job.lease_until = job.leased_by = None
            # Otherwise the lease stays until it runs out: the case was paused meanwhile (resume
            # or retry fires it), or the engine did not see it due yet. Either way no sweep
            # claims it again straight away.
            return fired
    except Conflict:
        # The case changed under us (an officer completed a task at that moment): give the job
        # back so the next sweep tries again on the new state.
        log.info("timer job %s: case changed concurrently; will retry", job_id)
        release(factory, [job_id], worker_id)
        return 0


def release(factory: sessionmaker[Session], job_ids: list[int], worker_id: str) -> None:
    with transaction(factory) as session:
        session.execute(update(TimerJob).where(TimerJob.id.in_(job_ids), TimerJob.leased_by == worker_id,
                                               TimerJob.fired_at.is_(None))
                        .values(lease_until=None, leased_by=None))


def fire_due(factory: sessionmaker[Session], worker_id: str | None = None, now: datetime | None = None,
             batch: int = 50, stop: threading.Event | None = None) -> int:
    """Claim and fire due timers until none is left, or until `stop` is set; how many fired."""
    worker_id = worker_id or default_worker_id()
    fired = 0
    for _round in range(1000):  # a fired timer can lead straight to another timer already due
        ids = [] if stop is not None and stop.is_set() else claim_due(factory, worker_id, now, batch)
        for index, job_id in enumerate(ids):
            if stop is not None and stop.is_set():
                release(factory, ids[index:], worker_id)  # for the next sweep, here or elsewhere
                return fired
            try:
                fired += fire_claimed(factory, job_id, worker_id)
            except Exception:  # one broken case must not stop the others' timers
                log.exception("timer job %s failed; its lease will run out and it is retried", job_id)
        if not ids:
            break
    return fired


def next_due_at(factory: sessionmaker[Session], after: datetime | None = None) -> datetime | None:
    """When the first pending timer of a running case falls due (at or after `after`, if given)."""
    query = _pending_of_active_cases(select(TimerJob.due_at)).order_by(TimerJob.due_at).limit(1)
    if after is not None:
        query = query.where(TimerJob.due_at >= after)
    with transaction(factory) as session:
        begin_read_only(session)  # no write lock: on SQLite an idle worker never holds up a writer
        return session.scalar(query)


def _logging_failures(job_id: str, function: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            function()
        except Exception:  # as for the sweep: log, and the next run does what this one did not
            log.exception("scheduled job %s failed", job_id)
    return run


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


class TimerService:
    """Runs the sweep in the background: every `poll_seconds`, and at the next due time."""

    def __init__(self, factory: sessionmaker[Session], poll_seconds: float = 2.0, worker_id: str | None = None,
                 extra_jobs: Sequence[tuple[str, Callable[[], object], float]] = ()):
        self.factory = factory
        #: (id, function, minutes between runs): the application's own periodic jobs (reminders),
        #: run by the same scheduler so one worker process does everything; each logs its failures.
        self.extra_jobs = tuple(extra_jobs)
        self.poll_seconds = poll_seconds
        self.worker_id = worker_id or default_worker_id()
        self.scheduler = BackgroundScheduler(timezone="UTC")
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def start(self) -> None:
        self.scheduler.add_job(self.sweep, "interval", seconds=self.poll_seconds, id="sweep",
                               next_run_time=utcnow(), max_instances=1, coalesce=True)
        self.scheduler.add_job(self.record_missed_deadlines, "interval", minutes=MISSED_DEADLINES_EVERY_MINUTES,
                               id="missed_deadlines", next_run_time=utcnow(), max_instances=1, coalesce=True)
        for job_id, function, minutes in self.extra_jobs:
            self.scheduler.add_job(_logging_failures(job_id, function), "interval", minutes=minutes, id=job_id,
                                   next_run_time=utcnow(), max_instances=1, coalesce=True)
        self.scheduler.start()

    def shutdown(self, timeout: float | None = None) -> bool:
        """Stop sweeping. A sweep in progress stops after the timer it is firing and gives back the
        rest of its claim. False if it is still busy after `timeout` seconds (None waits)."""
        self._stopping.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        finished = self._lock.acquire(timeout=-1 if timeout is None else timeout)
        if finished:
            self._lock.release()
        return finished

    def sweep(self) -> int:
        if self._stopping.is_set() or not self._lock.acquire(blocking=False):
            return 0
        try:
            started = utcnow()
            fired = fire_due(self.factory, self.worker_id, stop=self._stopping)
            if not self._stopping.is_set():
                self._schedule_wake(started)
            return fired
        except Exception:  # the database may be restarting: log and try again on the next tick
            log.exception("timer sweep failed")
            return 0
        finally:
            self._lock.release()

    def record_missed_deadlines(self) -> int:
        try:
            return record_missed_deadlines(self.factory)
        except Exception:  # as for the sweep: log, and the next run records what this one did not
            log.exception("recording missed deadlines failed")
            return 0

    def _schedule_wake(self, since: datetime) -> None:
        # A timer due before this sweep began and still pending could not be claimed (another
        # worker holds it, or it is backing off): the regular poll comes back to it.
        due = next_due_at(self.factory, after=since)
        if due is None or due - utcnow() > timedelta(seconds=self.poll_seconds):
            return
        # SpiffWorkflow counts a timer as fired only once its time is strictly past, so wake
        # just after it rather than at it.
        self.scheduler.add_job(self.sweep, "date", run_date=max(due, utcnow()) + WAKE_MARGIN, id="wake",
                               replace_existing=True, misfire_grace_time=30)
