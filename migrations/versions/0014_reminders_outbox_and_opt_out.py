"""The outbox of emails (deadline reminders, managers' digests) and the officer's reminders opt-out

Revision ID: 0014_reminders
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_reminders"
down_revision = "0013"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(300), nullable=False, unique=True),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), nullable=True),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("lease_until", UTC_DATETIME, nullable=True),
        sa.Column("leased_by", sa.String(100), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", UTC_DATETIME, nullable=True),
        sa.Column("provider_id", sa.String(500), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
    )
    op.create_index("ix_outbox_messages_instance_id", "outbox_messages", ["instance_id"])
    op.create_index("ix_outbox_messages_sent_at_created_at", "outbox_messages", ["sent_at", "created_at"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("reminders_off", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("reminders_off")
    op.drop_index("ix_outbox_messages_sent_at_created_at", "outbox_messages")
    op.drop_index("ix_outbox_messages_instance_id", "outbox_messages")
    op.drop_table("outbox_messages")
