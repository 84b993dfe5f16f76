"""Who else sees a case, kept on the case (issue 11 point 3)

A DfE region sees an authority's case once the case has had a task for a region role and its
school is in the region. Until now every list worked that out with a subquery over task rows
(0.4-1.1 s for a regional director at 100,000 cases); the save now records it in
`process_instances.shared_with`, and this migration backfills it from the task rows.

Revision ID: 0012_scoping
Revises: 0011_notes
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_scoping"
down_revision = "0011_notes"
branch_labels = None
depends_on = None

#: `human_tasks.role` values that mean a region role (ids and display names, as
#: workflows.access.role_keys(REGION_ROLES) gives them at this revision).
REGION_ROLE_KEYS = ("regional_director", "Regional director", "regions_group_officer",
                    "Regions Group case officer", "region_admin", "Region administrator")


def upgrade() -> None:
    op.add_column("process_instances", sa.Column("shared_with", sa.String(100), nullable=True))
    op.create_index("ix_process_instances_shared_with_started", "process_instances",
                    ["shared_with", "started_at"])
    instances = sa.table("process_instances", sa.column("id", sa.Integer), sa.column("business_key", sa.String),
                         sa.column("shared_with", sa.String))
    tasks = sa.table("human_tasks", sa.column("instance_id", sa.Integer), sa.column("role", sa.String))
    schools = sa.table("schools", sa.column("urn", sa.String), sa.column("region", sa.String))
    region = sa.select(schools.c.region).where(schools.c.urn == instances.c.business_key).scalar_subquery()
    had_region_task = sa.select(tasks.c.instance_id).where(tasks.c.role.in_(REGION_ROLE_KEYS))
    op.execute(instances.update().where(instances.c.id.in_(had_region_task)).values(shared_with=region))


def downgrade() -> None:
    op.drop_index("ix_process_instances_shared_with_started", table_name="process_instances")
    op.drop_column("process_instances", "shared_with")
