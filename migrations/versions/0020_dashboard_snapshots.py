"""Dashboard figures counted ahead for each organisation, so the page reads one row

Revision ID: 0020_dashboard_snapshots
Revises: 0015_process_drafts
"""
import sqlalchemy as sa
from alembic import op

revision = "0020_dashboard_snapshots"
down_revision = "0015_process_drafts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dashboard_snapshots",
        sa.Column("organisation_id", sa.String(length=50), nullable=False),
        sa.Column("counted_for", sa.Date(), nullable=False),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_dashboard_snapshots_organisation_id_organisations")),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_dashboard_snapshots")),
    )


def downgrade() -> None:
    op.drop_table("dashboard_snapshots")
