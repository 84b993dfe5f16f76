"""Corrected letters are new versions: each letter's version, the letter it replaces and why

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("replaces_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("correction_reason", sa.Text(), nullable=True))
        batch.create_foreign_key("fk_letters_replaces_id_letters", "letters", ["replaces_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.drop_constraint("fk_letters_replaces_id_letters", type_="foreignkey")
        batch.drop_column("correction_reason")
        batch.drop_column("replaces_id")
        batch.drop_column("version")
