"""create school tables: the register of schools (GIAS) and term dates

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('schools',
    sa.Column('urn', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('search_name', sa.String(length=300), nullable=False),
    sa.Column('type_of_establishment', sa.String(length=100), nullable=False),
    sa.Column('establishment_group', sa.String(length=100), nullable=True),
    sa.Column('phase', sa.String(length=50), nullable=True),
    sa.Column('la_code', sa.String(length=3), nullable=False),
    sa.Column('la_name', sa.String(length=100), nullable=True),
    sa.Column('trust_name', sa.String(length=300), nullable=True),
    sa.Column('diocese_name', sa.String(length=200), nullable=True),
    sa.Column('religious_character', sa.String(length=100), nullable=True),
    sa.Column('status', sa.String(length=50), nullable=False),
    sa.Column('region', sa.String(length=50), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('urn', name=op.f('pk_schools'))
    )
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.create_index('ix_schools_la_code_search_name', ['la_code', 'search_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_schools_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_schools_search_name'), ['search_name'], unique=False)

    op.create_table('school_holidays',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('la_code', sa.String(length=3), nullable=False),
    sa.Column('urn', sa.String(length=12), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_holidays'))
    )
    with op.batch_alter_table('school_holidays', schema=None) as batch_op:
        batch_op.create_index('ix_school_holidays_la_code_urn', ['la_code', 'urn'], unique=False)
        batch_op.create_index(batch_op.f('ix_school_holidays_urn'), ['urn'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('school_holidays', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_holidays_urn'))
        batch_op.drop_index('ix_school_holidays_la_code_urn')

    op.drop_table('school_holidays')
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schools_search_name'))
        batch_op.drop_index(batch_op.f('ix_schools_region'))
        batch_op.drop_index('ix_schools_la_code_search_name')

    op.drop_table('schools')
