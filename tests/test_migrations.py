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


def test_0017_backfills_step_visits_from_tasks_and_timers(tmp_path):
    """Tasks give their created and completed moments; a fired timer was entered at the case's last
    event before it fired; a pending timer is open; a withdrawn timer leaves no visit."""
    from datetime import UTC, datetime

    from engine.models import AuditEvent, HumanTask, ProcessDefinition, ProcessInstance, TimerJob

    import_all_models()
    engine = make_engine(fresh_database_url(tmp_path))
    upgrade(engine, "0014_reminders")

    def t(day: int, hour: int = 9) -> datetime:
        return datetime(2026, 3, day, hour, tzinfo=UTC)

    with engine.begin() as connection:
        connection.execute(ProcessDefinition.__table__.insert(), [dict(
            id=1, key="route", version=1, name="Route", bpmn_xml="<x/>", sha256="0" * 64, deployed_by="t")])
        connection.execute(ProcessInstance.__table__.insert(), [dict(
            id=n, definition_id=1, process_key="route", business_key="1", owner="358", state={}, status=status,
            shared_with="dfe-north-west" if n == 2 else None,
            serializer_version="1", started_by="t", started_at=t(1), updated_at=t(20), ended_at=ended)
            for n, status, ended in ((1, "running", None), (2, "terminated", t(10)))])
        connection.execute(HumanTask.__table__.insert(), [
            dict(id="done", instance_id=1, owner="358", process_key="route", bpmn_id="check", name="Check",
                 is_open=False, created_at=t(1), completed_at=t(3)),
            dict(id="open", instance_id=1, owner="358", process_key="route", bpmn_id="approve", name="Approve",
                 is_open=True, created_at=t(5), completed_at=None),
            dict(id="gone", instance_id=2, owner="358", process_key="route", bpmn_id="check", name="Check",
                 is_open=False, created_at=t(2), completed_at=None)])
        connection.execute(TimerJob.__table__.insert(), [
            dict(instance_id=1, task_id="wait", bpmn_id="wait", name="Wait", due_at=t(5), fired_at=t(5),
                 is_cancelled=False),
            dict(instance_id=1, task_id="next", bpmn_id="later", name="Later", due_at=t(30), fired_at=None,
                 is_cancelled=False),
            dict(instance_id=1, task_id="old", bpmn_id="old", name="Old", due_at=t(4), fired_at=None,
                 is_cancelled=True)])
        connection.execute(AuditEvent.__table__.insert(), [
            dict(instance_id=1, at=t(3), actor="a", action="task_completed"),
            dict(instance_id=1, at=t(5), actor="a", action="timer_fired"),
            dict(instance_id=1, at=t(6), actor="a", action="note_added")])
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text("select instance_id, owner, task_id, bpmn_id, entered_at, left_at "
                                       "from step_visits order by instance_id, task_id")).all()
        shared = connection.execute(text("select instance_id, shared_with from step_visits")).all()
    engine.dispose()

    def moment(value):
        if value is None:
            return None
        value = datetime.fromisoformat(value) if isinstance(value, str) else value
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    assert [(r[0], r[1], r[2], r[3], moment(r[4]), moment(r[5])) for r in rows] == [
        (1, "358", "done", "check", t(1), t(3)),
        (1, "358", "next", "later", t(6), None),  # pending: entered at the case's last event
        (1, "358", "open", "approve", t(5), None),
        (1, "358", "wait", "wait", t(3), t(5)),  # entered when the step before it was completed
        (2, "358", "gone", "check", t(2), t(10))]  # closed with its case
    assert {(n, region) for n, region in shared} == {(1, None), (2, "dfe-north-west")}
