"""`intervene db upgrade`: bring the database schema up to date with the Alembic migrations."""
from __future__ import annotations

from pathlib import Path

import click

from engine.db import database_url, make_engine
from workflows.migrate import upgrade

from .common import command, emit


@click.group("db")
def cli() -> None:
    """The database schema."""


@command(cli, "upgrade")
def upgrade_command(as_json: bool) -> None:
    """Create or upgrade the schema (SQLite file under instance/ by default)."""
    url = database_url()
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    emit({"upgraded": True, "database": engine.url.render_as_string(hide_password=True)}, as_json,
         lambda r: f"database schema is up to date ({r['database']})")
