"""A case's sharing copied onto its tasks and deadlines (issue 11 point 3)

A region's rule on tasks and deadlines was `owner = :region OR instance_id IN (the cases shared
with the region)`: a subquery over the cases on every read of the region's inbox, case list and
dashboard. The save now copies `process_instances.shared_with` onto `human_tasks` and `deadlines`
(as it copies `owner`), so the rule tests two indexed columns of the table it reads; this
migration backfills the copy from the cases.

Revision ID: 0018_task_shared_with
Revises: 0014_reminders
"""
import sqlalchemy as sa
from alembic import op

revision = "0018_task_shared_with"
down_revision = "0014_reminders"
branch_labels = None
depends_on = None

TABLES = {"human_tasks": ("ix_human_tasks_shared_with_open_due", ["shared_with", "is_open", "due_at"]),
          "deadlines": ("ix_deadlines_shared_with_status_due", ["shared_with", "status", "due_on"])}


def upgrade() -> None:
    instances = sa.table("process_instances", sa.column("id", sa.Integer), sa.column("shared_with", sa.String))
    for name, (index, columns) in TABLES.items():
        op.add_column(name, sa.Column("shared_with", sa.String(100), nullable=True))
        rows = sa.table(name, sa.column("instance_id", sa.Integer), sa.column("shared_with", sa.String))
        shared = sa.select(instances.c.shared_with).where(instances.c.id == rows.c.instance_id).scalar_subquery()
        op.execute(rows.update().where(rows.c.instance_id.in_(
            sa.select(instances.c.id).where(instances.c.shared_with.is_not(None)))).values(shared_with=shared))
        op.create_index(index, name, columns)
    op.create_index("ix_process_instances_shared_with_id", "process_instances", ["shared_with", "id"])
    if op.get_bind().dialect.name == "postgresql":  # see engine.models.OPEN_ASSIGNEE_STATISTICS
        op.execute("CREATE STATISTICS IF NOT EXISTS st_human_tasks_open_assignee (mcv) ON is_open, assignee "
                   "FROM human_tasks")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS IF EXISTS st_human_tasks_open_assignee")
    op.drop_index("ix_process_instances_shared_with_id", table_name="process_instances")
    for name, (index, _columns) in TABLES.items():
        op.drop_index(index, table_name=name)
        op.drop_column(name, "shared_with")
