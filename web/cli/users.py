"""`intervene users ...`: officers' accounts from the command line (the first administrator of an
organisation is made here; after that, administrators use /admin/users)."""
from __future__ import annotations

import sys

import click

from engine.errors import InvalidInput
from workflows import accounts
from workflows.account_models import ORGANISATION_KINDS, User

from .common import command, emit, fail, session_scope


@click.group("users")
def cli() -> None:
    """Officers who may sign in, and their organisations."""


def _read_password() -> str:
    """From the terminal (asked twice, hidden) or the first line of standard input."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    return sys.stdin.readline().rstrip("\r\n")


def _describe(user: User) -> dict:
    return {"id": user.id, "email": user.email, "name": user.display_name, "organisation": user.organisation_id,
            "roles": list(user.roles), "is_active": user.is_active, "locked_until": user.locked_until,
            "created_at": user.created_at}


@command(cli, "create")
@click.argument("email")
@click.option("--organisation", "organisation_id", required=True,
              help="LA code (358) or DfE region id (dfe-north-west).")
@click.option("--role", "roles", multiple=True, required=True, help="A role id; repeat for several.")
@click.option("--name", "display_name", default=None, help="The person's name as pages show it.")
def create(email: str, organisation_id: str, roles: tuple[str, ...], display_name: str | None,
           as_json: bool) -> None:
    """Add an officer; the password is read from standard input."""
    password = _read_password()
    try:
        accounts.check_password(password)
    except InvalidInput as error:
        fail(str(error))
    with session_scope() as session:
        user = accounts.create_user(session, email, password, organisation_id, list(roles), display_name)
        result = _describe(user)
    emit(result, as_json, lambda r: f"created {r['email']} ({', '.join(r['roles'])}) in {r['organisation']}")


@command(cli, "list")
@click.option("--organisation", "organisation_id", default=None, help="Only this organisation's officers.")
def list_users(organisation_id: str | None, as_json: bool) -> None:
    """Officers, by organisation."""
    with session_scope(read_only=True) as session:
        result = [_describe(u) for u in accounts.users_of(session, organisation_id)]

    def human(rows: list[dict]) -> str:
        if not rows:
            return "no users"
        return "\n".join(f"{r['organisation']:<16} {r['email']:<40} {', '.join(r['roles'])}"
                         + ("" if r["is_active"] else "  (cannot sign in)") for r in rows)

    emit(result, as_json, human)


@command(cli, "add-organisation")
@click.argument("organisation_id")
@click.option("--name", required=True)
@click.option("--kind", type=click.Choice(ORGANISATION_KINDS), required=True)
def add_organisation(organisation_id: str, name: str, kind: str, as_json: bool) -> None:
    """Add an organisation the schools register does not know (LA codes and DfE regions it knows
    are added by `users create` on first use)."""
    with session_scope() as session:
        organisation = accounts.ensure_organisation(session, organisation_id, name, kind)
        result = {"id": organisation.id, "name": organisation.name, "kind": organisation.kind}
    emit(result, as_json, lambda r: f"organisation {r['id']}: {r['name']} ({r['kind']})")


@command(cli, "set-domains")
@click.argument("organisation_id")
@click.argument("domains", nargs=-1, required=True)
def set_domains(organisation_id: str, domains: tuple[str, ...], as_json: bool) -> None:
    """Set the email domains (like trafford.gov.uk) an organisation's administrators may add users in."""
    with session_scope() as session:
        saved = accounts.set_email_domains(session, organisation_id, list(domains))
    emit({"organisation": organisation_id, "email_domains": saved}, as_json,
         lambda r: f"organisation {r['organisation']}: users may be added at {', '.join('@' + d for d in r['email_domains'])}")
