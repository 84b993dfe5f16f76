"""What every CLI command shares: the database, --json output, and turning errors into one line."""
from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import click
from sqlalchemy.exc import OperationalError

from engine.db import make_engine, make_session_factory, transaction
from engine.errors import EngineError, InvalidDefinition
from workflows.registry import install

EXIT_USAGE = 2
_FACTORY = None


def session_factory():
    global _FACTORY
    if _FACTORY is None:
        install()
        _FACTORY = make_session_factory(make_engine())
    return _FACTORY


def session_scope(read_only: bool = False):
    """A transaction for one command; `read_only` for commands that only read (list, show), so they
    neither wait for nor hold SQLite's write lock, and fail loudly if they try to write."""
    return transaction(session_factory(), read_only=read_only)


def _default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def emit(result: Any, as_json: bool, human: Callable[[Any], str] | None = None) -> None:
    if as_json:
        click.echo(json.dumps(result, indent=2, default=_default, ensure_ascii=False))
    else:
        click.echo(human(result) if human else json.dumps(result, indent=2, default=_default))


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def parse_json_object(text: str | None, what: str = "--data") -> dict[str, Any]:
    if text is None or text == "":
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        fail(f"{what} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}")
    if not isinstance(value, dict):
        fail(f"{what} must be a JSON object, like '{{\"name\": \"value\"}}'")
    return value


def command(group: click.Group, name: str, **kwargs):
    """A subcommand with --json and the one-line error handling."""

    def decorate(function: Callable[..., Any]):
        @group.command(name, **kwargs)
        @click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
        @functools.wraps(function)
        def wrapper(*args, **kw):
            try:
                return function(*args, **kw)
            except InvalidDefinition as error:
                for problem in error.problems:
                    click.echo(f"{problem.severity}: {problem.element_id}: {problem.message}", err=True)
                sys.exit(EXIT_USAGE)
            except EngineError as error:
                fail(str(error))
            except OperationalError as error:
                fail(f"database problem: {str(error.orig).splitlines()[0]} (has `intervene db upgrade` run?)")
            except (OSError, UnicodeDecodeError) as error:
                fail(str(error))

        return wrapper

    return decorate
