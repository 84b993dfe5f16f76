"""The named lead officer of each case (case_leads)

Revision ID: 0008_evidence
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_evidence"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_leads",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("officer_email", sa.String(length=320), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"],
                                name=op.f("fk_case_leads_instance_id_process_instances")),
        sa.PrimaryKeyConstraint("instance_id", name=op.f("pk_case_leads")),
    )


def downgrade() -> None:
    op.drop_table("case_leads")
