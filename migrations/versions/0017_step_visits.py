"""Step visits: when each case entered and left each step, for the managers' dashboard

Revision ID: 0017_step_visits
Revises: 0014_reminders

The backfill rebuilds what the existing projections still know:
- a user task (human_tasks) was entered when it was created and left when it was completed; one
  closed without completion (withdrawn by a boundary event, or the case terminated) left when its
  case ended, or else at the case's last save, the nearest moment on record;
- a timer the case waited on (timer_jobs, not withdrawn) was entered at the case's last recorded
  event before it fired (the step before it completing, usually), and left when it fired; a timer
  still pending was entered at the case's last recorded event. A withdrawn timer (is_cancelled) left
  no trace of when, so it gets no visit.
"""
import sqlalchemy as sa
from alembic import op

revision = "0017_step_visits"
down_revision = "0014_reminders"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)

visits = sa.table("step_visits", sa.column("instance_id"), sa.column("owner"), sa.column("shared_with"),
                  sa.column("process_key"),
                  sa.column("task_id"), sa.column("bpmn_id"), sa.column("name"), sa.column("entered_at"),
                  sa.column("left_at"))
instances = sa.table("process_instances", sa.column("id"), sa.column("owner"), sa.column("shared_with"),
                     sa.column("process_key"),
                     sa.column("started_at"), sa.column("updated_at"), sa.column("ended_at"))
tasks = sa.table("human_tasks", sa.column("id"), sa.column("instance_id"), sa.column("bpmn_id"), sa.column("name"),
                 sa.column("is_open", sa.Boolean()), sa.column("created_at"), sa.column("completed_at"))
jobs = sa.table("timer_jobs", sa.column("instance_id"), sa.column("task_id"), sa.column("bpmn_id"),
                sa.column("name"), sa.column("fired_at"), sa.column("is_cancelled", sa.Boolean()))
events = sa.table("audit_events", sa.column("instance_id"), sa.column("at"))
COLUMNS = ["instance_id", "owner", "shared_with", "process_key", "task_id", "bpmn_id", "name", "entered_at", "left_at"]


def upgrade() -> None:
    op.create_table(
        "step_visits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), nullable=False),
        sa.Column("owner", sa.String(100), nullable=True),
        sa.Column("shared_with", sa.String(100), nullable=True),
        sa.Column("process_key", sa.String(200), nullable=False),
        sa.Column("task_id", sa.String(36), nullable=False),
        sa.Column("bpmn_id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("entered_at", UTC_DATETIME, nullable=False),
        sa.Column("left_at", UTC_DATETIME, nullable=True),
    )
    op.create_index("ix_step_visits_instance_left", "step_visits", ["instance_id", "left_at"])
    op.create_index("ix_step_visits_owner_left", "step_visits", ["owner", "left_at"])
    op.create_index("ix_step_visits_shared_with_left", "step_visits", ["shared_with", "left_at"])
    op.create_index("ix_process_instances_owner_ended", "process_instances", ["owner", "ended_at"])
    op.create_index("ix_process_instances_shared_with_ended", "process_instances", ["shared_with", "ended_at"])
    backfill()


def backfill() -> None:
    op.execute(visits.insert().from_select(COLUMNS, sa.select(
        tasks.c.instance_id, instances.c.owner, instances.c.shared_with, instances.c.process_key, tasks.c.id,
        tasks.c.bpmn_id, tasks.c.name, tasks.c.created_at,
        sa.case((tasks.c.is_open.is_(sa.true()), sa.null()),
                else_=sa.func.coalesce(tasks.c.completed_at, instances.c.ended_at, instances.c.updated_at)),
    ).select_from(tasks.join(instances, instances.c.id == tasks.c.instance_id))))
    last_event_before = (sa.select(sa.func.max(events.c.at))
                         .where(events.c.instance_id == jobs.c.instance_id,
                                sa.or_(jobs.c.fired_at.is_(None), events.c.at < jobs.c.fired_at))
                         .scalar_subquery())
    op.execute(visits.insert().from_select(COLUMNS, sa.select(
        jobs.c.instance_id, instances.c.owner, instances.c.shared_with, instances.c.process_key, jobs.c.task_id,
        jobs.c.bpmn_id, jobs.c.name, sa.func.coalesce(last_event_before, instances.c.started_at), jobs.c.fired_at,
    ).select_from(jobs.join(instances, instances.c.id == jobs.c.instance_id))
        .where(jobs.c.is_cancelled.is_(sa.false()))))


def downgrade() -> None:
    op.drop_index("ix_process_instances_shared_with_ended", "process_instances")
    op.drop_index("ix_process_instances_owner_ended", "process_instances")
    op.drop_index("ix_step_visits_shared_with_left", "step_visits")
    op.drop_index("ix_step_visits_owner_left", "step_visits")
    op.drop_index("ix_step_visits_instance_left", "step_visits")
    op.drop_table("step_visits")
