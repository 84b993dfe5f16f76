"""Deadline reminders and the managers' daily digest: who gets which email, on which day, saying what.

An officer hears of a deadline 5 working days and 1 working day before it (England and Wales
working days, workflows.calendar) and on the day it is missed (the day after its due date: a
deadline runs to the end of its day). The officer is the assignee of the open task serving the
deadline (a task due that day, else the case's open tasks); with no assignee, whoever holds the
task's roles in the case's organisation (or the region it is shared with, for a region's step).
A reminder whose day passed while the worker was down goes out late, within CATCH_UP_WORKING_DAYS.
Each manager (roles.may_manage_cases) gets a daily digest
of the organisation's overdue deadlines and those due in the next 5 working days.

This module only decides and words the messages; engine.outbox writes each once (keyed by deadline
row + kind + date) and sends it once. Officers who turned reminders off get neither the before-
deadline emails nor the digest, but always the missed-deadline one.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from engine.clock import LOCAL_TZ, today_local
from engine.db import transaction
from engine.deadlines import MISSED, PENDING, live_status, status_on
from engine.models import Deadline, HumanTask, ProcessInstance
from engine.outbox import Message, enqueue

from .account_models import User
from .calendar import is_working_day, working_days_after, working_days_between
from .roles import ROLES_BY_ID

BEFORE_5, BEFORE_1, MISSED_KIND, DIGEST = "deadline_in_5_working_days", "deadline_in_1_working_day", \
    "deadline_missed", "manager_digest"
#: How many working days ahead the digest looks.
DIGEST_WORKING_DAYS = 5
#: A reminder whose day passed while the worker was down still goes out (late, with the true count of
#: working days left) for this many working days; older ones would only be noise.
CATCH_UP_WORKING_DAYS = 5


def working_days_before(due_on: date, n: int) -> date:
    """The Nth working day before `due_on` (weekends and bank holidays are not counted)."""
    day = due_on
    while n:
        day -= timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def reminder_due(due_on: date, today: date) -> tuple[str, date] | None:
    """The latest reminder of a pending deadline whose day has come by `today`, with that day.

    On time, that is the reminder falling on `today`; after the worker was down, the one whose day
    it missed (within CATCH_UP_WORKING_DAYS), so it goes out late rather than never. Its key carries
    its own day, so later runs find it already queued."""
    for kind, day in ((MISSED_KIND, due_on + timedelta(days=1)), (BEFORE_1, working_days_before(due_on, 1)),
                      (BEFORE_5, working_days_before(due_on, 5))):
        if day <= today:
            return (kind, day) if working_days_between(day, today) <= CATCH_UP_WORKING_DAYS else None
    return None


def reminder_kind_on(due_on: date, today: date) -> str | None:
    """Which reminder of a pending deadline due on `due_on` falls on `today` itself, if any."""
    due = reminder_due(due_on, today)
    return due[0] if due is not None and due[1] == today else None


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    reminders_off: bool


#: Case ids per IN (...) of the run's batched reads: well inside SQLite's limit on parameters.
BATCH = 500


class _CaseFacts:
    """What the recipients of a run's reminders are worked out from, read once per run: the cases,
    their open tasks, and the active officers of each organisation (per deadline, this was two
    queries for every deadline near its day)."""

    def __init__(self, session: Session, instance_ids: Iterable[int]):
        self.session = session
        ids = sorted(set(instance_ids))
        self.instances: dict[int, ProcessInstance] = {}
        self.open_tasks: dict[int, list[HumanTask]] = {}
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            self.instances.update((i.id, i) for i in session.scalars(
                select(ProcessInstance).where(ProcessInstance.id.in_(chunk))))
            for task in session.scalars(select(HumanTask).where(HumanTask.instance_id.in_(chunk),
                                                                HumanTask.is_open.is_(True)).order_by(HumanTask.id)):
                self.open_tasks.setdefault(task.instance_id, []).append(task)
        self._users: dict[str, list[User]] = {}

    def users(self, *organisation_ids: str | None) -> list[User]:
        found: list[User] = []
        for organisation_id in dict.fromkeys(o for o in organisation_ids if o):
            if organisation_id not in self._users:
                self._users[organisation_id] = list(self.session.scalars(
                    select(User).where(User.organisation_id == organisation_id, User.is_active.is_(True))))
            found += self._users[organisation_id]
        return sorted(found, key=lambda u: u.email)

    def serving_tasks(self, deadline: Deadline) -> list[HumanTask]:
        tasks = self.open_tasks.get(deadline.instance_id, [])
        due_that_day = [t for t in tasks if t.due_at and t.due_at.astimezone(LOCAL_TZ).date() == deadline.due_on]
        return due_that_day or tasks


def recipients_for(session: Session, deadline: Deadline, facts: _CaseFacts | None = None) -> list[Recipient]:
    """The assignees of the tasks serving `deadline`, else the holders of their roles in the case's
    organisation or the region it is shared with (a regional director's own step in an authority's case)."""
    facts = facts or _CaseFacts(session, [deadline.instance_id])
    instance = facts.instances.get(deadline.instance_id)
    users = facts.users(deadline.owner, instance.shared_with if instance is not None else None)
    by_email = {u.email: u for u in users}
    emails: list[str] = []
    for task in facts.serving_tasks(deadline):
        if task.assignee:
            emails.append(task.assignee)
            continue
        roles = set(task.candidate_groups or []) | ({task.role} if task.role else set())
        emails.extend(u.email for u in users if roles & set(u.roles or []))
    unique = list(dict.fromkeys(emails))
    return [Recipient(e, by_email[e].display_name if e in by_email else e,
                      by_email[e].reminders_off if e in by_email else False) for e in unique]


def _case_name(instance: ProcessInstance) -> str:
    return f"{instance.definition.name} ({instance.business_key or f'case {instance.id}'})"


def _when(due_on: date, today: date) -> str:
    due, left = f"{due_on:%-d %B %Y}", working_days_between(today, due_on)
    if left == 0:
        return f"is due today, {due}"
    if left == 1:
        return f"is due tomorrow (the next working day), {due}"
    return f"is due in {left} working days, on {due}"


def reminder_message(deadline: Deadline, instance: ProcessInstance, kind: str, today: date,
                     to: Recipient, scheduled: date | None = None) -> Message:
    """The email; `scheduled` is the reminder's own day (today unless it goes out late)."""
    due = f"{deadline.due_on:%-d %B %Y}"
    opening = (f"was due on {due} and has been missed" if kind == MISSED_KIND or deadline.due_on is None
               else _when(deadline.due_on, today))
    subject = f"{deadline.name} {opening.split(',')[0]}: {_case_name(instance)}"
    body = (f"Dear {to.name},\n\nThe deadline \"{deadline.name}\" for {_case_name(instance)} {opening}.\n\n"
            f"Rule: {deadline.rule}\nSource: {deadline.source}\n")
    return Message(key=f"deadline:{deadline.id}:{kind}:{(scheduled or today).isoformat()}:{to.email}", kind=kind,
                   recipient=to.email, subject=subject, body=body, instance_id=deadline.instance_id,
                   data={"deadline": deadline.name, "due_on": due, "case": _case_name(instance)})


def deadline_reminders(session: Session, today: date) -> list[Message]:
    """Every reminder that falls on `today`, or fell on a day the worker missed (reminder_due),
    respecting opt-outs (except for the missed one)."""
    soonest, latest = working_days_before(today, CATCH_UP_WORKING_DAYS + 1), working_days_after(today, 5)
    # A case saved after the day passed stores the miss itself: status "missed" rather than "pending".
    rows = session.scalars(select(Deadline).where(Deadline.due_on.between(soonest, latest), Deadline.met_on.is_(None),
                                                  Deadline.status.in_((PENDING, MISSED))).order_by(Deadline.id))
    falling = []
    for deadline in rows:
        due = reminder_due(deadline.due_on, today) if deadline.due_on else None
        if due is None or (due[0] == MISSED_KIND) != (live_status(deadline, today) == MISSED):
            continue  # a deadline whose passing is no miss gets no missed email; a missed one no "due" one
        falling.append((deadline, *due))
    facts = _CaseFacts(session, (deadline.instance_id for deadline, _, _ in falling))
    messages = []
    for deadline, kind, scheduled in falling:
        instance = facts.instances.get(deadline.instance_id)
        if instance is None or instance.ended_at is not None:
            continue
        messages += [reminder_message(deadline, instance, kind, today, to, scheduled)
                     for to in recipients_for(session, deadline, facts) if kind == MISSED_KIND or not to.reminders_off]
    return messages


def _may_manage(user: User) -> bool:
    return any(ROLES_BY_ID[r].may_manage_cases for r in user.roles or [] if r in ROLES_BY_ID)


def _digest_lines(session: Session, organisation_id: str, today: date) -> tuple[list[str], list[str]]:
    horizon = working_days_after(today, DIGEST_WORKING_DAYS)
    query = (select(Deadline, ProcessInstance).join(ProcessInstance, ProcessInstance.id == Deadline.instance_id)
             # A region's managers also hear of the authority cases shared with the region.
             .where(or_(Deadline.owner == organisation_id, ProcessInstance.shared_with == organisation_id),
                    ProcessInstance.ended_at.is_(None))
             .order_by(Deadline.due_on, Deadline.id))
    overdue, upcoming = [], []
    for deadline, instance in session.execute(query.where(status_on(today) == MISSED, Deadline.met_on.is_(None))):
        overdue.append(f"- {deadline.name}, due {deadline.due_on:%-d %B %Y}: {_case_name(instance)}")
    for deadline, instance in session.execute(query.where(status_on(today) == PENDING,
                                                          Deadline.due_on.between(today, horizon))):
        upcoming.append(f"- {deadline.name}, due {deadline.due_on:%-d %B %Y}: {_case_name(instance)}")
    return overdue, upcoming


def digest_messages(session: Session, today: date) -> list[Message]:
    """One digest per manager with something to report, unless they turned reminders off."""
    managers = [u for u in session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.id))
                if _may_manage(u) and not u.reminders_off]
    messages, lines_by_org = [], {}
    for user in managers:
        if user.organisation_id not in lines_by_org:
            lines_by_org[user.organisation_id] = _digest_lines(session, user.organisation_id, today)
        overdue, upcoming = lines_by_org[user.organisation_id]
        if overdue or upcoming:
            messages.append(_digest(user, today, overdue, upcoming))
    return messages


def _digest(user: User, today: date, overdue: list[str], upcoming: list[str]) -> Message:
    body = (f"Dear {user.display_name},\n\nOverdue ({len(overdue)}):\n" + ("\n".join(overdue) or "- none")
            + f"\n\nDue in the next {DIGEST_WORKING_DAYS} working days ({len(upcoming)}):\n"
            + ("\n".join(upcoming) or "- none") + "\n")
    subject = f"Deadlines on {today:%-d %B %Y}: {len(overdue)} overdue, {len(upcoming)} due soon"
    return Message(key=f"digest:{user.id}:{today.isoformat()}", kind=DIGEST, recipient=user.email,
                   subject=subject, body=body, data={"overdue": len(overdue), "due_soon": len(upcoming)})


def enqueue_all(session: Session, messages: Iterable[Message]) -> int:
    return sum(enqueue(session, message) for message in messages)


def enqueue_reminders(factory: sessionmaker[Session], today: date | None = None) -> int:
    """The worker's daily job (run every few minutes; the keys make repeats do nothing): how many were new."""
    today = today or today_local()
    with transaction(factory) as session:
        return enqueue_all(session, [*deadline_reminders(session, today), *digest_messages(session, today)])
