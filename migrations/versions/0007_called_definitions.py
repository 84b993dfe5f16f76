"""Record which version of each separately deployed called process a case runs

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instance_called_definitions",
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), primary_key=True),
        sa.Column("process_key", sa.String(200), primary_key=True),
        sa.Column("definition_id", sa.Integer(), sa.ForeignKey("process_definitions.id"), nullable=False),
    )
    op.create_index("ix_instance_called_definitions_definition_id", "instance_called_definitions",
                    ["definition_id"])


def downgrade() -> None:
    op.drop_index("ix_instance_called_definitions_definition_id", table_name="instance_called_definitions")
    op.drop_table("instance_called_definitions")
