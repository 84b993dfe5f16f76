"""Engine tables: definitions, instances, and the projections kept beside each instance.

The serialized workflow is the source of truth; `human_tasks`, `timer_jobs` and `deadlines` are
projections rewritten in the same transaction as every save, so that lists and dashboards read
indexed columns and never deserialize a workflow.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base, UTCDateTime, utcnow


class ProcessDefinition(Base):
    __tablename__ = "process_definitions"
    __table_args__ = (
        UniqueConstraint("key", "owner", "version"),
        # NULL owners never collide in a unique constraint: the national versions need their own.
        Index("uq_process_definitions_national_version", "key", "version", unique=True,
              sqlite_where=text("owner IS NULL"), postgresql_where=text("owner IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The BPMN process id; for the statutory routes also the workflows package name.
    key: Mapped[str] = mapped_column(String(200), index=True)
    #: The organisation whose own version of the route this is; None: the national default.
    owner: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    # Deferred: cases join their definition on every load, but only need the XML on a cache miss.
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    #: DMN decision tables the process calls from business rule tasks, deployed with it.
    dmn_xml: Mapped[list[str]] = mapped_column(JSON, default=list, deferred=True)
    #: sha256 of bpmn_xml and dmn_xml: parsed specs are cached under it, and an unchanged file is not redeployed.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deployed_by: Mapped[str] = mapped_column(String(200))
    change_note: Mapped[str] = mapped_column(Text, default="")


class ProcessInstance(Base):
    __tablename__ = "process_instances"
    __table_args__ = (
        Index("ix_process_instances_key_status", "process_key", "status"),
        # The case list: an organisation's cases, newest first.
        Index("ix_process_instances_owner_started", "owner", "started_at"),
        # A region's inbox and case list: the cases shared with it, newest first.
        Index("ix_process_instances_shared_with_started", "shared_with", "started_at"),
        # The ids of the cases shared with a region, read from the index alone: the rule on letters,
        # audit events, notes, documents and leads (no copy of the sharing of their own) hashes them.
        Index("ix_process_instances_shared_with_id", "shared_with", "id"),
        # The dashboard's cases closed per month, for an organisation and for a region.
        Index("ix_process_instances_owner_ended", "owner", "ended_at"),
        Index("ix_process_instances_shared_with_ended", "shared_with", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(200))
    #: What the case is about; for the statutory routes the school's URN.
    business_key: Mapped[str | None] = mapped_column(String(200), index=True)
    #: Which organisation owns the case; every list filters on it.
    owner: Mapped[str | None] = mapped_column(String(100), index=True)
    #: Another organisation that also sees the case, worked out by the domain's share hooks in the
    #: save transaction (once shared, always shared): lists read this column, never the task rows.
    shared_with: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="running")
    error_message: Mapped[str | None] = mapped_column(Text)
    #: Serialized SpiffWorkflow state without the spec (the spec is re-parsed from the definition).
    #: Deferred: parsed only when the in-process workflow cache misses.
    state: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    serializer_version: Mapped[str] = mapped_column(String(20))
    #: Optimistic lock: every save is UPDATE ... WHERE lock_version = <the one read>.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    #: The workflow data, copied out so pages can show it without deserializing.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Names of the steps open now, for the case list and dashboard.
    current_steps: Mapped[str] = mapped_column(String(1000), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    definition: Mapped[ProcessDefinition] = relationship(lazy="joined", innerjoin=True)
    #: Separately deployed processes the case calls, at the versions current when it started.
    #: Loaded only when the definition has such calls.
    called_definitions: Mapped[list[CalledDefinition]] = relationship(lazy="select", order_by="CalledDefinition.process_key")

    __mapper_args__ = {"version_id_col": lock_version}


class CalledDefinition(Base):
    """Which version of a separately deployed process a case's call activities run: fixed when the
    case starts, so a later deploy of the called process never changes a running case."""

    __tablename__ = "instance_called_definitions"

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), primary_key=True)
    #: The called process id (the call activity's calledElement).
    process_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"), index=True)

    definition: Mapped[ProcessDefinition] = relationship(lazy="joined", innerjoin=True)


class HumanTask(Base):
    __tablename__ = "human_tasks"
    __table_args__ = (
        Index("ix_human_tasks_open_role_due", "is_open", "role", "due_at"),
        Index("ix_human_tasks_open_assignee_due", "is_open", "assignee", "due_at"),
        Index("ix_human_tasks_owner_open_due", "owner", "is_open", "due_at"),
        # Sharing with a region: which cases of which schools ever had a task for a region role
        # (covering, so the visibility subquery reads the index alone).
        Index("ix_human_tasks_role_business_key", "role", "business_key", "instance_id"),
        # A region's inbox: the open tasks of the cases shared with it, as owner's index is for the owner.
        Index("ix_human_tasks_shared_with_open_due", "shared_with", "is_open", "due_at"),
    )

    #: The SpiffWorkflow task UUID: stable across saves, so links and drafts survive.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    owner: Mapped[str | None] = mapped_column(String(100))
    #: The case's `shared_with`, copied in the save transaction (as `owner` is) so that a region's
    #: rule on tasks tests two columns of this table instead of a subquery over the cases.
    shared_with: Mapped[str | None] = mapped_column(String(100))
    process_key: Mapped[str] = mapped_column(String(200))
    business_key: Mapped[str | None] = mapped_column(String(200))
    bpmn_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    #: First candidate group (or the lane): the role whose inbox the task lands in.
    role: Mapped[str | None] = mapped_column(String(100))
    candidate_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    assignee: Mapped[str | None] = mapped_column(String(200))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The form to render: fields as parsed from camunda:formData.
    form: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    documentation: Mapped[str | None] = mapped_column(Text)
    #: camunda:properties of the element (legal_source, letter, ...), for pages and domain hooks.
    properties: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(200))
    #: A half-filled form saved by its assignee; kept until completion.
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSON)


#: PostgreSQL multiplies the selectivities of `is_open` and `assignee IS NULL` as if they were
#: independent, and so takes the unassigned open tasks for a sixth of what they are (closed tasks
#: all keep an assignee): a region's inbox then walked every unassigned open task of every
#: organisation (53,000 at 100,000 cases, 1 s) instead of its own. The statistics of the pair put it right.
OPEN_ASSIGNEE_STATISTICS = "st_human_tasks_open_assignee"
sa_event.listen(HumanTask.__table__, "after_create", DDL(
    f"CREATE STATISTICS IF NOT EXISTS {OPEN_ASSIGNEE_STATISTICS} (mcv) ON is_open, assignee FROM human_tasks"
).execute_if(dialect="postgresql"))


class TimerJob(Base):
    __tablename__ = "timer_jobs"
    __table_args__ = (
        UniqueConstraint("instance_id", "task_id", "due_at"),
        Index("ix_timer_jobs_pending_due", "fired_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    #: SpiffWorkflow UUID of the waiting timer event task.
    task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: A worker that claimed the job holds it until this time; after it, another may take over.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    leased_by: Mapped[str | None] = mapped_column(String(100))
    #: Superseded: the timer event is no longer waiting (the case moved on, or was cancelled).
    is_cancelled: Mapped[bool] = mapped_column(Boolean, default=False)


class Deadline(Base):
    """A statutory or local deadline of a case, as the domain worked it out from the case data."""

    __tablename__ = "deadlines"
    __table_args__ = (
        UniqueConstraint("instance_id", "deadline_id"),
        Index("ix_deadlines_owner_status_due", "owner", "status", "due_on"),
        # Reports count misses per quarter; the worker looks for misses not yet recorded.
        Index("ix_deadlines_owner_missed_at", "owner", "missed_at"),
        # The same two for a region, over the deadlines of the cases shared with it.
        Index("ix_deadlines_shared_with_status_due", "shared_with", "status", "due_on"),
        # Deadlines not met yet, the few that lists of overdue and due cases look at among the many
        # met ones (a region's overdue cases read 2,000 rows through these, not 10,000). Each
        # case's next deadline (the case list's sort) is read from the index alone on PostgreSQL.
        Index("ix_deadlines_owner_outstanding_due", "owner", "due_on",
              postgresql_where=text("met_on IS NULL"), sqlite_where=text("met_on IS NULL")),
        Index("ix_deadlines_shared_with_outstanding_due", "shared_with", "due_on",
              postgresql_where=text("met_on IS NULL"), sqlite_where=text("met_on IS NULL")),
        Index("ix_deadlines_instance_outstanding_due", "instance_id", "due_on",
              postgresql_include=["status", "overdue_note", "owner", "shared_with"],
              postgresql_where=text("met_on IS NULL"), sqlite_where=text("met_on IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    owner: Mapped[str | None] = mapped_column(String(100))
    #: The case's `shared_with`, copied at each save (see HumanTask.shared_with).
    shared_with: Mapped[str | None] = mapped_column(String(100))
    deadline_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date | None] = mapped_column(Date)
    #: How due_on was counted, in words ("15th working day following 18 Dec 2025").
    rule: Mapped[str] = mapped_column(Text)
    #: The legal source (act and section, regulation, or local procedure).
    source: Mapped[str] = mapped_column(Text)
    #: pending, met, missed, unknown (the facts needed to count it are not recorded), or ended (the case
    #: closed early before it fell due), as judged
    #: at the last save: a pending deadline whose day has passed since is missed, so read the status
    #: through engine.deadlines.live_status (or status_on in SQL), never from this column alone.
    status: Mapped[str] = mapped_column(String(20))
    #: The day the step that meets it was done (as the step recorded it).
    met_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    #: What the note becomes once due_on has passed with the deadline still pending; NULL where the
    #: day passing is no miss (the end of a period given to the school, say).
    overdue_note: Mapped[str | None] = mapped_column(Text)
    #: When the worker first found the deadline missed (once; see engine.deadlines.record_missed).
    missed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StepVisit(Base):
    """A case's stay at one step (a user task or a timer it waits on): from when the step became
    current to when the case moved on. Dashboards count open cases per step and time spent in each
    step from these rows, never from the serialized state."""

    __tablename__ = "step_visits"
    __table_args__ = (
        # The save finds the case's open visits; a region's reports find the visits of shared cases.
        Index("ix_step_visits_instance_left", "instance_id", "left_at"),
        # An organisation's open visits (left_at IS NULL) and those that ended in a period, and
        # the same for a region of the visits of the cases shared with it.
        Index("ix_step_visits_owner_left", "owner", "left_at"),
        Index("ix_step_visits_shared_with_left", "shared_with", "left_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    #: The case's owner, copied so that reports filter on this table alone.
    owner: Mapped[str | None] = mapped_column(String(100))
    #: The case's shared_with, copied (onto every visit of the case once it is shared) for the same
    #: reason: a region's reports test two indexed columns instead of a subquery on the cases.
    shared_with: Mapped[str | None] = mapped_column(String(100))
    process_key: Mapped[str] = mapped_column(String(200))
    #: SpiffWorkflow UUID of the step's task: the same step is the same visit from save to save.
    task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: None while the case is still at the step.
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """Append-only: who did what to which case, when, with what data."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    task_id: Mapped[str | None] = mapped_column(String(36))
    bpmn_id: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
