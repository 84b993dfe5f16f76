"""The README's PostgreSQL test command as a new user runs it: the test database is created when it
is missing, and a server that cannot be reached, or a database another run holds, stops the run
with one line instead of a traceback per test.

Each case runs pytest in a subprocess on one small test, against a database of its own.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import URL, make_url, text

from engine.db import make_engine
from tests.conftest import RUN_LOCK_KEY

ROOT = Path(__file__).resolve().parent.parent
#: Any test that needs the database; a small one, so each run takes a second or two.
ONE_DATABASE_TEST = "tests/engine/test_definitions.py::test_a_flow_to_a_missing_element_names_the_element"


def run_pytest(database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INTERVENE_TEST_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "pytest", ONE_DATABASE_TEST, "-p", "no:cacheprovider", "-q"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def server_url() -> URL:
    """The PostgreSQL server the suite runs on, or the README's local one, at its maintenance db."""
    configured = os.environ.get("INTERVENE_TEST_DATABASE_URL", "")
    url = make_url(configured if configured.startswith("postgresql") else "postgresql://postgres@127.0.0.1/")
    return url.set(database="postgres")


def database_exists(name: str) -> bool:
    engine = make_engine(server_url().render_as_string(hide_password=False))
    try:
        with engine.connect() as connection:
            return bool(connection.scalar(text("select 1 from pg_database where datname = :n"), {"n": name}))
    finally:
        engine.dispose()


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """A URL naming a database that does not exist yet on a reachable server; dropped afterwards."""
    admin = make_engine(server_url().render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    try:
        admin.connect().close()
    except Exception as error:
        admin.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"no PostgreSQL server at {server_url()} (CI=true: these tests must run): {error}")
        pytest.skip(f"no PostgreSQL server at {server_url().render_as_string()}")
    name = f"intervene_setup_{uuid.uuid4().hex[:10]}"
    try:
        yield server_url().set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'drop database if exists "{name}"'))
        admin.dispose()


def test_a_missing_postgresql_database_is_created_and_the_run_passes(fresh_database):
    name = make_url(fresh_database).database
    assert not database_exists(name)
    result = run_pytest(fresh_database)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert database_exists(name)
    again = run_pytest(fresh_database)  # and the next run uses it as it is
    assert again.returncode == 0, again.stdout + again.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def the_one_line(result: subprocess.CompletedProcess[str]) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, output
    assert "Traceback" not in output and "ERROR" not in output and not re.search(r"\d+ errors?\b", output), output
    lines = [line for line in output.splitlines() if "INTERVENE_TEST_DATABASE_URL" in line]
    assert len(lines) == 1, output
    return lines[0]


def test_an_unreachable_server_stops_the_run_with_one_line():
    url = f"postgresql://postgres:not-shown@127.0.0.1:{free_port()}/intervene_nowhere"
    line = the_one_line(run_pytest(url))
    assert "cannot connect to PostgreSQL" in line and "Connection refused" in line
    assert "unset the variable to test on SQLite" in line
    assert "not-shown" not in line  # the password stays out of logs


def test_a_second_run_on_the_same_database_stops_with_one_line(fresh_database):
    first_run = make_engine(fresh_database)
    run_pytest(fresh_database)  # creates it
    try:
        with first_run.connect() as connection:
            assert connection.scalar(text("select pg_try_advisory_lock(:key)"), {"key": RUN_LOCK_KEY})
            line = the_one_line(run_pytest(fresh_database))
            assert "another test run is using this database" in line
    finally:
        first_run.dispose()
