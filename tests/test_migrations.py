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
