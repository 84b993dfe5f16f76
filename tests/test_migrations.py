"""The Alembic migrations build exactly the schema the models describe."""
from __future__ import annotations

import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from engine.db import Base, make_engine
from workflows.migrate import import_all_models, upgrade


def fresh_database_url(tmp_path) -> str:
    url = os.environ.get("INTERVENE_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'migrations.db'}"
    base, _, name = url.rpartition("/")
    scratch = f"{name}_migrations"
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://") + "/postgres",
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'drop database if exists "{scratch}"'))
        connection.execute(text(f'create database "{scratch}"'))
    admin.dispose()
    return f"{base}/{scratch}"


def test_upgrade_to_head_matches_the_models(tmp_path):
    import_all_models()
    engine = make_engine(fresh_database_url(tmp_path))
    upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_upgrade_twice_is_harmless(tmp_path):
    engine = make_engine(fresh_database_url(tmp_path))
    upgrade(engine)
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("select version_num from alembic_version")).scalar()
    engine.dispose()


def test_0012_shares_with_the_schools_region_the_cases_that_had_a_region_role_task(tmp_path):
    """The backfill gives shared_with to the cases the old rule shared (a region-role task, by id or
    by lane name, and a school in a region), and to no other."""
    import importlib

    from engine.models import HumanTask, ProcessDefinition, ProcessInstance
    from workflows.access import REGION_ROLES, role_keys
    from workflows.school_models import School

    migration = importlib.import_module("migrations.versions.0012_scoping_shared_with")
    assert set(migration.REGION_ROLE_KEYS) == set(role_keys(REGION_ROLES))
    import_all_models()
    engine = make_engine(fresh_database_url(tmp_path))
    upgrade(engine, "0011_notes")
    roles = {1: "regional_director", 2: "Regions Group case officer", 3: "link_adviser", 4: "regional_director"}
    with engine.begin() as connection:
        connection.execute(ProcessDefinition.__table__.insert(), [dict(
            id=1, key="route", version=1, name="Route", bpmn_xml="<x/>", sha256="0" * 64, deployed_by="t")])
        connection.execute(School.__table__.insert(), [dict(
            urn=urn, name="S", search_name="s", type_of_establishment="Community school", la_code="358",
            region=region) for urn, region in (("1", "dfe-north-west"), ("2", "dfe-east-midlands"), ("3", "dfe-north-west"))])
        connection.execute(ProcessInstance.__table__.insert(), [dict(
            id=n, definition_id=1, process_key="route", business_key=urn, owner="358", state={},
            serializer_version="1", started_by="t") for n, urn in ((1, "1"), (2, "2"), (3, "3"), (4, "missing"))])
        connection.execute(HumanTask.__table__.insert(), [dict(
            id=f"task-{n}", instance_id=n, owner="358", process_key="route", business_key=None, bpmn_id="step",
            name="Step", role=role) for n, role in roles.items()])
    upgrade(engine)
    with engine.connect() as connection:
        shared = dict(connection.execute(text("select id, shared_with from process_instances")).all())
    engine.dispose()
    assert shared == {1: "dfe-north-west", 2: "dfe-east-midlands", 3: None, 4: None}


def test_0018_copies_each_cases_sharing_onto_its_tasks_and_deadlines(tmp_path):
    """The backfill gives every task and deadline its case's shared_with, and nothing to a case's
    rows that is not shared."""
    from engine.models import ProcessDefinition

    import_all_models()
    engine = make_engine(fresh_database_url(tmp_path))
    upgrade(engine, "0014_reminders")
    with engine.begin() as connection:
        connection.execute(ProcessDefinition.__table__.insert(), [dict(
            id=1, key="route", version=1, name="Route", bpmn_xml="<x/>", sha256="0" * 64, deployed_by="t")])
        for n, shared in ((1, "dfe-north-west"), (2, None)):
            connection.execute(text(
                "insert into process_instances (id, definition_id, process_key, business_key, owner, shared_with, "
                "status, state, serializer_version, lock_version, data, current_steps, started_at, started_by, "
                "updated_at) values (:id, 1, 'route', 'u', '358', :shared, 'running', '{}', '1', 1, '{}', '', "
                "'2026-01-01', 't', '2026-01-01')"), {"id": n, "shared": shared})
            for task in ("a", "b"):
                connection.execute(text(
                    "insert into human_tasks (id, instance_id, owner, process_key, bpmn_id, name, candidate_groups, "
                    "form, properties, is_open, created_at) values (:id, :case, '358', 'route', 'step', 'Step', "
                    "'[]', '{}', '{}', :open, '2026-01-01')"), {"id": f"{task}-{n}", "case": n, "open": task == "a"})
            connection.execute(text(
                "insert into deadlines (instance_id, owner, deadline_id, name, rule, source, status) "
                "values (:case, '358', 'reply', 'Reply', 'r', 's', 'pending')"), {"case": n})
    upgrade(engine)
    with engine.connect() as connection:
        tasks = dict(connection.execute(text("select id, shared_with from human_tasks")).all())
        deadlines = dict(connection.execute(text("select instance_id, shared_with from deadlines")).all())
    engine.dispose()
    assert tasks == {"a-1": "dfe-north-west", "b-1": "dfe-north-west", "a-2": None, "b-2": None}
    assert deadlines == {1: "dfe-north-west", 2: None}


def test_postgresql_knows_how_many_open_tasks_nobody_holds(tmp_path, db_engine):
    """The statistics of is_open and assignee together (engine.models.OPEN_ASSIGNEE_STATISTICS) come
    with the migration and with a schema built from the models (the bench's, the tests')."""
    from engine.models import OPEN_ASSIGNEE_STATISTICS

    if db_engine.dialect.name != "postgresql":
        return
    engine = make_engine(fresh_database_url(tmp_path))
    upgrade(engine)
    for each in (engine, db_engine):
        with each.connect() as connection:
            assert connection.execute(text("select stxname from pg_statistic_ext where stxname = :name"),
                                      {"name": OPEN_ASSIGNEE_STATISTICS}).scalar() == OPEN_ASSIGNEE_STATISTICS
    engine.dispose()
