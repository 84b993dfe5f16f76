"""Alembic environment: the URL comes from the caller (engine.migrate) or INTERVENE_DATABASE_URL."""
from alembic import context

from engine.db import Base, make_engine
from workflows.migrate import import_all_models

import_all_models()
target_metadata = Base.metadata
config = context.config


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    # SQLite changes a table's constraints by rebuilding it; with foreign keys enforced, dropping the
    # old copy while other tables refer to it fails. The pragma only takes effect outside a
    # transaction, so it is set on the driver's connection before the migration's transaction begins,
    # and the references are checked once all is done.
    sqlite = connection.dialect.name == "sqlite" and not connection.in_transaction()
    if sqlite:
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    finally:
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
    if sqlite:
        broken = connection.connection.driver_connection.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration left rows that refer to nothing: {broken[:5]}")


run_migrations_online()
