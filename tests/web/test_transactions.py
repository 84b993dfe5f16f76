"""Transactions do only what they must: pages and read-only commands read beside a writer (SQLite's
WAL), and a read-only transaction that tries to write fails at once.

These run on real commits (the `committed` fixture) with real threads, on SQLite and PostgreSQL.
"""
from __future__ import annotations

import sqlite3
import threading

import pytest
from click.testing import CliRunner
from sqlalchemy import exc, text

from engine.db import transaction
from web.cli import cli, common
from workflows.account_models import LoginThrottle

from .conftest import EMAIL
from .factories import Browser


def is_sqlite(committed) -> bool:
    return committed.kw["bind"].dialect.name == "sqlite"


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


def test_a_page_reads_while_another_connection_holds_the_write_lock(real_app, committed):
    if not is_sqlite(committed):
        pytest.skip("PostgreSQL readers never wait for writers")
    browser = Browser(real_app.test_client())
    browser.sign_in(EMAIL)
    writer = sqlite3.connect(committed.kw["bind"].url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    answers: list[int] = []
    try:
        reader = threading.Thread(target=lambda: answers.extend(
            browser.get(url).status_code for url in (f"/cases/{real_app.config['case_id']}", "/inbox", "/cases")))
        reader.start()
        reader.join(timeout=10)  # a page queued for the lock would wait the 30 s busy timeout
        assert answers == [200, 200, 200]
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        reader.join()


def test_read_only_commands_read_while_another_connection_holds_the_write_lock(real_app, committed, monkeypatch):
    if not is_sqlite(committed):
        pytest.skip("PostgreSQL readers never wait for writers")
    monkeypatch.setattr(common, "_FACTORY", committed)
    writer = sqlite3.connect(committed.kw["bind"].url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    outputs: list[str] = []
    try:
        reader = threading.Thread(target=lambda: outputs.extend(
            CliRunner().invoke(cli, args, catch_exceptions=False).output
            for args in (["cases", "show", str(real_app.config["case_id"])], ["tasks", "list"], ["cases", "list"])))
        reader.start()
        reader.join(timeout=10)
        assert len(outputs) == 3 and "Check the concern" in outputs[0]
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        reader.join()


def test_a_read_only_transaction_that_writes_fails_loudly(committed):
    with pytest.raises(exc.DBAPIError, match="(?i)read.?only"):
        with transaction(committed, read_only=True) as session:
            session.add(LoginThrottle(key="ip:192.0.2.1", failures=1))
            session.flush()
