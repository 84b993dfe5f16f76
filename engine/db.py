"""Database plumbing shared by every layer: the declarative base, engines and sessions.

Sessions are passed in explicitly; nothing here is global except the metadata.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import Connection, DateTime, Engine, MetaData, create_engine, event, make_url, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

DEFAULT_DATABASE_URL = "sqlite:///instance/intervene.db"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both databases.

    SQLite has no timezone type, so values are stored naive-in-UTC and given their tzinfo back on
    the way out; PostgreSQL stores timestamptz. Either way Python only ever sees aware UTC values.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def database_url() -> str:
    return os.environ.get("INTERVENE_DATABASE_URL", DEFAULT_DATABASE_URL)


def make_engine(url: str | None = None, **kwargs) -> Engine:
    url = url or database_url()
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "begin", _postgresql_begin)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the scheduler read while a web request writes; the driver's own transaction
    # handling is switched off so that BEGIN IMMEDIATE below takes the write lock up front
    # (otherwise two writers deadlock upgrading from a read lock, instead of queueing).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


#: Execution option marking a connection's transaction as one that only reads (see `begin_read_only`).
READ_ONLY: Final = "intervene_read_only"


def _sqlite_begin(connection) -> None:
    # A writer takes the write lock up front (BEGIN IMMEDIATE) so writers queue instead of
    # deadlocking; a reader must not, or every page would queue behind every write and WAL's
    # concurrent reads would be lost. query_only makes a write in a read-only transaction fail at
    # once ("attempt to write a readonly database") instead of upgrading a read lock and deadlocking.
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("PRAGMA query_only = ON")
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("PRAGMA query_only = OFF")
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _postgresql_begin(connection) -> None:
    # The same contract as on SQLite: a write in a read-only transaction fails loudly.
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")


def begin_read_only(session: Session) -> Session:
    """Start `session`'s transaction as read-only: no write lock taken; any write in it fails.

    Call it before the session's first statement. A session bound to a connection already in a
    transaction (the tests' rolled-back connection) joins that transaction unchanged.
    """
    if not isinstance(session.get_bind(), Connection):
        session.connection(execution_options={READ_ONLY: True})
    return session


_AFTER_COMMIT = "intervene_after_commit"


def run_after_commit(session: Session, action: Callable[[], None]) -> None:
    """Run `action` once `session`'s transaction has committed, with no transaction open.

    For slow work that follows from a change but must not hold SQLite's write lock or a case's row
    lock while it runs (rendering a PDF). Dropped if the transaction rolls back. The action must
    catch its own errors: the commit has happened, and the caller should not see it fail.
    """
    session.info.setdefault(_AFTER_COMMIT, []).append(action)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the transaction is still open
        return
    for action in session.info.pop(_AFTER_COMMIT, []):
        action()


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_commit(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_AFTER_COMMIT, None)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session], read_only: bool = False) -> Iterator[Session]:
    """One transaction per command: commit on success, roll back on any error.

    `read_only` for commands that only read: they do not wait for (or hold) SQLite's write lock.
    """
    session = factory()
    try:
        if read_only:
            begin_read_only(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def create_database_if_missing(url: str) -> bool:
    """Create the PostgreSQL database a URL names, if it does not exist yet; True if it was created.

    A fresh server has only `postgres`, so a new database is made from there (CREATE DATABASE cannot
    run inside a transaction). SQLite creates its file on first connection and needs nothing.
    Connection errors propagate, for the caller to report.
    """
    target = make_url(url)
    if not target.drivername.startswith("postgresql") or not target.database:
        return False
    admin = make_engine(target.set(database="postgres").render_as_string(hide_password=False),
                        isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.scalar(text("select 1 from pg_database where datname = :name"),
                                       {"name": target.database})
            if not exists:
                quoted = admin.dialect.identifier_preparer.quote_identifier(target.database)
                connection.execute(text(f"create database {quoted}"))
        return not exists
    finally:
        admin.dispose()
