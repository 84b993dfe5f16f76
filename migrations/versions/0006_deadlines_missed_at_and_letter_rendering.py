"""Deadline misses recorded once (missed_at, overdue_note); letters rendered after their step commits

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: The two deadlines of the shipped routes whose day passing is no miss (the end of a period given to
#: the school); every other pending deadline of an existing case reads as missed once its day passes.
#: Cases saved after this migration get the domain's own wording at their next save.
PERIOD_ENDS = ("compliance_period_end", "follow_up_end")


def upgrade() -> None:
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overdue_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("missed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_deadlines_owner_missed_at", ["owner", "missed_at"], unique=False)
    deadlines = sa.table("deadlines", sa.column("status", sa.String), sa.column("deadline_id", sa.String),
                         sa.column("overdue_note", sa.Text))
    op.execute(deadlines.update().where(deadlines.c.status == "pending",
                                        deadlines.c.deadline_id.not_in(PERIOD_ENDS))
               .values(overdue_note="not recorded as done"))
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=20), nullable=False, server_default="issued"))
        batch_op.add_column(sa.Column("render_input", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("error", sa.Text(), nullable=True))
        batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=True)
        batch_op.alter_column("sha256", existing_type=sa.String(length=64), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM letters WHERE content IS NULL")
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.alter_column("sha256", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("error")
        batch_op.drop_column("render_input")
        batch_op.drop_column("status")
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_deadlines_owner_missed_at")
        batch_op.drop_column("missed_at")
        batch_op.drop_column("overdue_note")
