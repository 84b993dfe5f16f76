"""Process owners' drafts of a route, saved as they edit it in the modeller

Revision ID: 0015_process_drafts
Revises: 0019_api_tokens (re-chained after main merged 0017 and 0019; first written on 0014_reminders)
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_process_drafts"
down_revision = "0018_task_shared_with"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "process_drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("organisation_id", sa.String(100), nullable=False),
        sa.Column("user_email", sa.String(320), nullable=False),
        sa.Column("bpmn_xml", sa.Text(), nullable=False),
        sa.Column("based_on_id", sa.Integer(), sa.ForeignKey("process_definitions.id"), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("key", "organisation_id", "user_email", name=op.f("uq_process_drafts_key")),
    )
    op.create_index(op.f("ix_process_drafts_key"), "process_drafts", ["key"])
    op.create_index(op.f("ix_process_drafts_organisation_id"), "process_drafts", ["organisation_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_process_drafts_organisation_id"), table_name="process_drafts")
    op.drop_index(op.f("ix_process_drafts_key"), table_name="process_drafts")
    op.drop_table("process_drafts")
