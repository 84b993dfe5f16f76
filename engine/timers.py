"""Timer jobs: fire what is due, exactly once, across any number of workers.

The state lives in the database; a scheduler holds none. A sweep claims due `timer_jobs` rows
(`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite serialises writers anyway), then fires each in
its own transaction after re-checking it under a row lock, so two workers never fire one timer
twice. APScheduler runs the sweep every couple of seconds and also wakes exactly at the next due
time, so a timer fires within seconds; timers that fell due while nothing ran fire at the next
start, because the first sweep runs immediately.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from .db import transaction, utcnow
from .deadlines import record_missed_deadlines
from .errors import Conflict
from .models import ProcessInstance, TimerJob
from .runtime import CLOSED_STATUSES, _advance, audit, load_workflow

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
WAKE_MARGIN = timedelta(milliseconds=50)
#: Deadlines are missed at midnight (Europe/London); each miss is recorded within this many minutes.
MISSED_DEADLINES_EVERY_MINUTES = 15
#: Cases in these states keep their due timers pending; they fire on resume or retry.
PAUSED_STATUSES = ("suspended", "error")


def _due_filter(now: datetime):
    # Strictly past, as SpiffWorkflow itself decides whether a timer has fired.
    return (TimerJob.fired_at.is_(None), TimerJob.is_cancelled.is_(False), TimerJob.due_at < now)


def fire_job(session: Session, job: TimerJob, actor: str) -> bool:
    """Fire one job inside the caller's transaction; True if the timer event fired."""
    instance = session.get(ProcessInstance, job.instance_id)
    if instance is None or instance.status in CLOSED_STATUSES:
        job.is_cancelled = True
        return False
    if instance.status in PAUSED_STATUSES:
        return False
    workflow = load_workflow(instance)
    _advance(session, instance, workflow, actor, refresh_timers=True)
    # The projection sync marks a job cancelled when its event is no longer waiting: here that
    # means it has just fired. A job still pending was not yet due by the engine's clock.
    if job.is_cancelled:
        job.is_cancelled, job.fired_at = False, utcnow()
        audit(session, instance, actor, "timer_fired", task_id=job.task_id, bpmn_id=job.bpmn_id,
              detail=job.name, data={"due_at": job.due_at.isoformat()})
        session.flush()
        return True
    return False


def fire_due_in_session(session: Session, now: datetime | None = None, actor: str = "timer") -> int:
    """Fire every due timer inside one session (tests, `intervene timers fire-due` on SQLite)."""
    fired = 0
    for _round in range(100):  # a fired timer can lead straight to another timer already due
        jobs = session.scalars(select(TimerJob).where(*_due_filter(now or utcnow()))
                               .order_by(TimerJob.due_at, TimerJob.id)).all()
        progressed = sum(1 for job in jobs if fire_job(session, job, actor))
        fired += progressed
        if not progressed:
            break
    return fired


def claim_due(factory: sessionmaker[Session], worker_id: str, now: datetime | None = None,
              limit: int = 50) -> list[int]:
    now = now or utcnow()
    with transaction(factory) as session:
        query = (select(TimerJob.id).where(*_due_filter(now))
                 .where(or_(TimerJob.lease_until.is_(None), TimerJob.lease_until < now))
                 .order_by(TimerJob.due_at, TimerJob.id).limit(limit))
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list(session.scalars(query))
        if ids:
            session.execute(update(TimerJob).where(TimerJob.id.in_(ids))
                            .values(lease_until=now + LEASE, leased_by=worker_id))
    return ids


def fire_claimed(factory: sessionmaker[Session], job_id: int, worker_id: str) -> bool:
    try:
        with transaction(factory) as session:
            query = select(TimerJob).where(TimerJob.id == job_id)
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update()
            job = session.scalars(query).one_or_none()
            if job is None or job.fired_at is not None or job.is_cancelled or job.leased_by != worker_id:
                return False
            fired = fire_job(session, job, f"timer:{worker_id}")
            job.lease_until = job.leased_by = None
            return fired
    except Conflict:
        # The case changed under us (an officer completed a task at that moment): give the job
        # back so the next sweep tries again on the new state.
        log.info("timer job %s: case changed concurrently; will retry", job_id)
        release(factory, job_id, worker_id)
        return False


def release(factory: sessionmaker[Session], job_id: int, worker_id: str) -> None:
    with transaction(factory) as session:
        session.execute(update(TimerJob).where(TimerJob.id == job_id, TimerJob.leased_by == worker_id,
                                               TimerJob.fired_at.is_(None))
                        .values(lease_until=None, leased_by=None))


def fire_due(factory: sessionmaker[Session], worker_id: str | None = None, now: datetime | None = None,
             batch: int = 50) -> int:
    """Claim and fire due timers until none is left; returns how many fired."""
    worker_id = worker_id or default_worker_id()
    fired = 0
    for _round in range(1000):
        ids = claim_due(factory, worker_id, now, batch)
        if not ids:
            break
        for job_id in ids:
            try:
                fired += fire_claimed(factory, job_id, worker_id)
            except Exception:  # one broken case must not stop the others' timers
                log.exception("timer job %s failed; its lease will run out and it is retried", job_id)
    return fired


def next_due_at(factory: sessionmaker[Session]) -> datetime | None:
    with transaction(factory) as session:
        return session.scalar(select(func.min(TimerJob.due_at))
                              .where(TimerJob.fired_at.is_(None), TimerJob.is_cancelled.is_(False)))


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


class TimerService:
    """Runs the sweep in the background: every `poll_seconds`, and at the next due time."""

    def __init__(self, factory: sessionmaker[Session], poll_seconds: float = 2.0, worker_id: str | None = None):
        self.factory = factory
        self.poll_seconds = poll_seconds
        self.worker_id = worker_id or default_worker_id()
        self.scheduler = BackgroundScheduler(timezone="UTC")
        self._lock = threading.Lock()

    def start(self) -> None:
        self.scheduler.add_job(self.sweep, "interval", seconds=self.poll_seconds, id="sweep",
                               next_run_time=utcnow(), max_instances=1, coalesce=True)
        self.scheduler.add_job(self.record_missed_deadlines, "interval", minutes=MISSED_DEADLINES_EVERY_MINUTES,
                               id="missed_deadlines", next_run_time=utcnow(), max_instances=1, coalesce=True)
        self.scheduler.start()

    def shutdown(self) -> None:
        self.scheduler.shutdown(wait=True)

    def sweep(self) -> int:
        if not self._lock.acquire(blocking=False):
            return 0
        try:
            fired = fire_due(self.factory, self.worker_id)
            self._schedule_wake()
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

    def _schedule_wake(self) -> None:
        due = next_due_at(self.factory)
        if due is None or due - utcnow() > timedelta(seconds=self.poll_seconds):
            return
        # SpiffWorkflow counts a timer as fired only once its time is strictly past, so wake
        # just after it rather than at it.
        self.scheduler.add_job(self.sweep, "date", run_date=max(due, utcnow()) + WAKE_MARGIN, id="wake",
                               replace_existing=True, misfire_grace_time=30)
