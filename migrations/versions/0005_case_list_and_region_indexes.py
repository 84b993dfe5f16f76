"""Indexes for the case list (owner, newest first) and for sharing cases with a region

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_process_instances_owner_started", "process_instances", ["owner", "started_at"])
    op.create_index("ix_human_tasks_role_business_key", "human_tasks", ["role", "business_key", "instance_id"])


def downgrade() -> None:
    op.drop_index("ix_human_tasks_role_business_key", table_name="human_tasks")
    op.drop_index("ix_process_instances_owner_started", table_name="process_instances")
