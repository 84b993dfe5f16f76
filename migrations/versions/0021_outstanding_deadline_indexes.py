"""Indexes of the deadlines not met yet: the case list's overdue and due filters and its next-deadline sort

Revision ID: 0021_outstanding_deadlines
Revises: 0020_dashboard_snapshots
"""
import sqlalchemy as sa
from alembic import op

revision = "0021_outstanding_deadlines"
down_revision = "0020_dashboard_snapshots"
branch_labels = None
depends_on = None

NOT_MET = sa.text("met_on IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.create_index("ix_deadlines_owner_outstanding_due", ["owner", "due_on"],
                              postgresql_where=NOT_MET, sqlite_where=NOT_MET)
        batch_op.create_index("ix_deadlines_shared_with_outstanding_due", ["shared_with", "due_on"],
                              postgresql_where=NOT_MET, sqlite_where=NOT_MET)
        batch_op.create_index("ix_deadlines_instance_outstanding_due", ["instance_id", "due_on"],
                              postgresql_include=["status", "overdue_note", "owner", "shared_with"],
                              postgresql_where=NOT_MET, sqlite_where=NOT_MET)


def downgrade() -> None:
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_deadlines_instance_outstanding_due")
        batch_op.drop_index("ix_deadlines_shared_with_outstanding_due")
        batch_op.drop_index("ix_deadlines_owner_outstanding_due")
