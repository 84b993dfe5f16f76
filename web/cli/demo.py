"""`intervene demo load`: the demo data `make run` shows."""
from __future__ import annotations

import click

from workflows.demo import DEMO_PASSWORD, load_demo

from .common import command, emit, session_scope


@click.group("demo")
def cli() -> None:
    """Demo data for trying Intervene locally."""


@command(cli, "load")
def load_command(as_json: bool) -> None:
    """Load demo schools, officers and cases (safe to run again)."""
    with session_scope() as session:
        report = load_demo(session)
        result = {"schools": report.schools, "cases": report.cases, "definitions": report.definitions,
                  "users": report.users, "password": DEMO_PASSWORD}
    emit(result, as_json, lambda r: "\n".join(
        [f"demo: {r['schools']} schools, {r['cases']} cases; deployed {', '.join(r['definitions'])}",
         f"demo accounts (password {r['password']}):"] + [f"  {email}" for email in r["users"]]))
