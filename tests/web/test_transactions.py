"""Transactions do only what they must: pages and read-only commands read beside a writer (SQLite's
WAL), and a read-only transaction that tries to write fails at once.

These run on real commits (the `committed` fixture) with real threads, on SQLite and PostgreSQL.
"""
from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from sqlalchemy import exc, select, text, update

from engine.db import transaction
from engine.models import HumanTask, ProcessInstance
from web.cli import cli, common
from workflows.account_models import LoginThrottle

from .conftest import EMAIL
from .factories import Browser


def no_write_transaction_open(committed) -> bool:
    """Asked from outside: does any connection hold a write transaction on the database now?"""
    engine = committed.kw["bind"]
    if engine.dialect.name == "sqlite":
        probe = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")  # fails at once with "database is locked" if one is open
            probe.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            probe.close()
    with engine.connect() as connection:  # a PostgreSQL transaction gets an xid when it first writes
        return connection.scalar(text(
            "select count(*) from pg_stat_activity where datname = current_database() "
            "and pid <> pg_backend_pid() and backend_xid is not null")) == 0


@contextmanager
def case_being_written(committed, case_id: int):
    """Another connection in the middle of writing the case: on SQLite it holds the write lock, on
    PostgreSQL the case's row lock, until the block ends."""
    with committed.kw["bind"].connect() as writer:
        writing = writer.begin()
        writer.execute(update(ProcessInstance).where(ProcessInstance.id == case_id)
                       .values(current_steps=ProcessInstance.current_steps))
        try:
            yield
        finally:
            writing.rollback()


def read_beside_the_writer(committed, case_id: int, read) -> list:
    """Run `read` in a thread while the case is being written; what it returned within 10 s (a
    read queued for SQLite's lock would wait the 30 s busy timeout)."""
    results: list = []
    with case_being_written(committed, case_id):
        reader = threading.Thread(target=lambda: results.extend(read()))
        reader.start()
        reader.join(timeout=10)
        done = list(results)
    reader.join()
    return done


def test_pages_read_while_another_connection_writes(real_app, committed):
    browser = Browser(real_app.test_client())
    browser.sign_in(EMAIL)
    case_id, task_id = real_app.config["case_id"], task_of(committed)
    answers = read_beside_the_writer(committed, case_id, lambda: [
        browser.get(url).status_code for url in (f"/cases/{case_id}", "/inbox", "/cases", f"/tasks/{task_id}")])
    assert answers == [200, 200, 200, 200]


def test_read_only_commands_read_while_another_connection_writes(real_app, committed, monkeypatch):
    monkeypatch.setattr(common, "_FACTORY", committed)
    case_id = real_app.config["case_id"]
    outputs = read_beside_the_writer(committed, case_id, lambda: [
        CliRunner().invoke(cli, args, catch_exceptions=False).output
        for args in (["cases", "show", str(case_id)], ["tasks", "list"], ["cases", "list"])])
    assert len(outputs) == 3 and "Check the concern" in outputs[0]


def task_of(committed) -> str:
    with transaction(committed) as session:
        return session.scalars(select(HumanTask.id).where(HumanTask.is_open.is_(True))).one()


def test_a_read_only_transaction_that_writes_fails_loudly(committed):
    with pytest.raises(exc.DBAPIError, match="(?i)read.?only"):
        with transaction(committed, read_only=True) as session:
            session.add(LoginThrottle(key="ip:192.0.2.1", failures=1))
            session.flush()
