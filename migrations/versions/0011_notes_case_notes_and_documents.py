"""Notes and documents officers add to a case

Revision ID: 0011_notes
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_notes"
down_revision = "0010"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def _common() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), nullable=False),
        sa.Column("task_id", sa.String(36), nullable=True),
        sa.Column("step_name", sa.String(300), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "case_notes", *_common(),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
    )
    op.create_index("ix_case_notes_instance_id", "case_notes", ["instance_id"])
    op.create_table(
        "case_documents", *_common(),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
    )
    op.create_index("ix_case_documents_instance_id", "case_documents", ["instance_id"])


def downgrade() -> None:
    op.drop_index("ix_case_documents_instance_id", table_name="case_documents")
    op.drop_table("case_documents")
    op.drop_index("ix_case_notes_instance_id", table_name="case_notes")
    op.drop_table("case_notes")
