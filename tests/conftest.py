"""Shared fixtures: one database per test run, each test in a transaction rolled back at the end.

SQLite by default, in a fresh temporary file per run; PostgreSQL when INTERVENE_TEST_DATABASE_URL is
set (CI sets it). That database is created when it does not exist yet, and a server that cannot be
reached, or a database another run is already using, stops the run with one line saying so.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy import Connection, Engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from engine import workflow_cache
from engine.db import Base, create_database_if_missing, make_engine, make_session_factory
from workflows.migrate import import_all_models
from workflows.registry import install

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_database_url(tmp_path_factory) -> str:
    url = os.environ.get("INTERVENE_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


#: Held by a run for its whole length, so a second run on the same PostgreSQL database stops at once
#: instead of dropping the tables under the first. Any constant works; advisory locks are per database.
RUN_LOCK_KEY = 4_637_221


def _stop(url: str, why: str) -> NoReturn:
    pytest.exit(f"INTERVENE_TEST_DATABASE_URL={make_url(url).render_as_string(hide_password=True)}: {why}",
                returncode=pytest.ExitCode.USAGE_ERROR)


def _claim_postgres(url: str, engine: Engine) -> Connection:
    """Create the database if missing and take the run lock on it; the connection holds the lock."""
    try:
        create_database_if_missing(url)
        holder = engine.connect()
    except OperationalError as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        _stop(url, f"cannot connect to PostgreSQL ({reason}); start the server, or unset the variable "
                   "to test on SQLite")
    if not holder.scalar(text("select pg_try_advisory_lock(:key)"), {"key": RUN_LOCK_KEY}):
        holder.close()
        _stop(url, "another test run is using this database; give each run its own database")
    holder.commit()
    return holder


@pytest.fixture(scope="session")
def db_engine(tmp_path_factory):
    install()
    import_all_models()
    url = test_database_url(tmp_path_factory)
    engine = make_engine(url)
    holder = _claim_postgres(url, engine) if engine.dialect.name == "postgresql" else None
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield engine
    if holder is not None:
        holder.close()
    engine.dispose()


@pytest.fixture
def session(db_engine):
    """A session whose every commit is a savepoint inside one transaction that is rolled back."""
    connection = db_engine.connect()
    outer = connection.begin()
    db_session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db_session
    finally:
        db_session.close()
        outer.rollback()
        connection.close()
        workflow_cache.clear()  # what this test's commits published was rolled back with them


@pytest.fixture
def committed(db_engine):
    """A session factory whose commits are real, for tests with several threads or processes.

    Every table is emptied afterwards so the rolled-back tests still start from nothing.
    """
    factory = make_session_factory(db_engine)
    yield factory
    with db_engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    # SQLite gives the next test's cases the ids and versions of these deleted ones: their cached
    # workflows would pass for the new cases'.
    workflow_cache.clear()


@pytest.fixture
def database_url(db_engine) -> str:
    return db_engine.url.render_as_string(hide_password=False)


@pytest.fixture(params=[False, True], ids=["in-memory", "save-restore"])
def save_restore(request, monkeypatch):
    """Walk a route twice: once reusing the in-process workflow between steps, once forcing every
    step to deserialize the stored state as the database gives it back (JSON text, what a restart
    or another worker reads), checking that the restored workflow serializes to the same text, as
    SpiffWorkflow's own BpmnWorkflowTestCase.save_restore does."""
    from engine import runtime

    previous = runtime.set_workflow_cache(not request.param)
    if request.param:
        monkeypatch.setattr(runtime, "load_state", _load_through_json)
    yield request.param
    runtime.set_workflow_cache(previous)


def _load_through_json(state, parsed, version=None):
    from engine.serialization import dump_state, load_state
    from engine.state_versions import current_version

    stored = json.dumps(state)  # the text the database keeps, in the order it keeps
    workflow = load_state(json.loads(stored), parsed, version)
    if version not in (None, current_version()):
        return workflow  # upgraded on the way in: it serializes as the new version, by design
    # Compared as text with sorted keys: the order of a JSON object's keys carries no meaning.
    before, after = json.dumps(json.loads(stored), sort_keys=True), json.dumps(dump_state(workflow), sort_keys=True)
    assert after == before, "the restored workflow does not serialize to the state it was restored from"
    return workflow


def joined_factory(session: Session) -> sessionmaker[Session]:
    """Sessions that share the test's connection: code that opens its own transactions (the timer
    worker) runs inside the test's rolled-back transaction, its commits being savepoints."""
    session.flush()
    return sessionmaker(bind=session.connection(), join_transaction_mode="create_savepoint",
                        expire_on_commit=False)


def worker_sweep(session: Session, worker_id: str = "test-worker") -> int:
    """Fire what is due as `intervene worker` does: `fire_due` claims due jobs and fires each in its
    own transaction. The test's session is flushed before and expired after, as a web request's
    would be between two requests."""
    from engine.timers import fire_due

    fired = fire_due(joined_factory(session), worker_id)
    session.expire_all()
    return fired
