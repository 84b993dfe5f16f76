"""Process definitions belong to an organisation: an authority's own version of a route

NULL owner is the national default shipped in bpmn/; versions are numbered per key and owner.

Revision ID: 0013
Revises: 0012_scoping
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012_scoping"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_definitions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner", sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_process_definitions_owner"), ["owner"], unique=False)
        batch_op.drop_constraint("uq_process_definitions_key", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_process_definitions_key"), ["key", "owner", "version"])
    # NULL owners never collide in a unique constraint: the national versions need their own.
    op.create_index("uq_process_definitions_national_version", "process_definitions", ["key", "version"],
                    unique=True, sqlite_where=sa.text("owner IS NULL"), postgresql_where=sa.text("owner IS NULL"))


def downgrade() -> None:
    op.drop_index("uq_process_definitions_national_version", table_name="process_definitions")
    with op.batch_alter_table("process_definitions", schema=None) as batch_op:
        batch_op.drop_constraint("uq_process_definitions_key", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_process_definitions_key"), ["key", "version"])
        batch_op.drop_index(batch_op.f("ix_process_definitions_owner"))
        batch_op.drop_column("owner")
