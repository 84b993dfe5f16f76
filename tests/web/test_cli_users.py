"""`intervene users create|list|add-organisation`: the password from standard input, one clear line on errors."""
from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner

from web.cli import cli, common
from workflows import accounts


@pytest.fixture
def run(committed, database_url, monkeypatch):
    monkeypatch.setenv("INTERVENE_DATABASE_URL", database_url)
    monkeypatch.setattr(common, "_FACTORY", committed)
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    runner = CliRunner()
    return lambda *args, stdin=None: runner.invoke(cli, list(args), input=stdin, catch_exceptions=False)


def test_create_reads_the_password_from_stdin_and_list_shows_the_user(run, committed):
    result = run("users", "create", "Ann@Trafford.gov.uk", "--organisation", "358", "--role", "link_adviser",
                 "--role", "la_admin", "--name", "Ann Adviser", "--json", stdin="a long enough password\n")
    assert result.exit_code == 0, result.output
    created = json.loads(result.stdout)
    assert created["email"] == "ann@trafford.gov.uk" and created["roles"] == ["link_adviser", "la_admin"]
    with committed() as session:
        user = accounts.user_by_email(session, "ann@trafford.gov.uk")
        assert user.organisation.name == "Trafford" and accounts.verify_password(user, "a long enough password")
        assert user.password_hash.startswith("$argon2id$")
    listed = run("users", "list", "--organisation", "358")
    assert "ann@trafford.gov.uk" in listed.stdout and "link_adviser, la_admin" in listed.stdout
    assert json.loads(run("users", "list", "--organisation", "830", "--json").stdout) == []


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (("--organisation", "358", "--role", "link_adviser"), "\n", "error: Enter a password"),
    (("--organisation", "358", "--role", "link_adviser"), "short\n", "at least 12 characters"),
    (("--organisation", "999", "--role", "link_adviser"), "a long enough password\n", "unknown organisation '999'"),
    (("--organisation", "358", "--role", "wizard"), "a long enough password\n", "unknown role 'wizard'"),
    (("--organisation", "358", "--role", "regional_director"), "a long enough password\n", "not held in a local"),
])
def test_bad_input_is_one_line_on_stderr_and_exit_2(run, args, stdin, message):
    result = run("users", "create", "x@trafford.gov.uk", *args, stdin=stdin)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_a_region_and_an_organisation_of_ones_own(run):
    result = run("users", "create", "rd@education.gov.uk", "--organisation", "dfe-north-west", "--role",
                 "regional_director", "--json", stdin="a long enough password\n")
    assert json.loads(result.stdout)["organisation"] == "dfe-north-west"
    assert run("users", "add-organisation", "test-la", "--name", "Test Authority", "--kind", "la").exit_code == 0
    assert run("users", "create", "t@test.gov.uk", "--organisation", "test-la", "--role", "case_manager",
               stdin="a long enough password\n").exit_code == 0
    duplicate = run("users", "create", "T@test.gov.uk", "--organisation", "test-la", "--role", "case_manager",
                    stdin="a long enough password\n")
    assert duplicate.exit_code == 2 and "already a user" in duplicate.stderr


def test_set_domains_limits_who_may_be_created(run):
    result = run("users", "set-domains", "358", "Trafford.gov.uk", "@trafford.example.org", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["email_domains"] == ["trafford.gov.uk", "trafford.example.org"]
    refused = run("users", "create", "x@gmail.com", "--organisation", "358", "--role", "link_adviser",
                  stdin="a long enough password\n")
    assert refused.exit_code == 2 and "ending @trafford.gov.uk or @trafford.example.org" in refused.stderr
    bad = run("users", "set-domains", "358", "not a domain")
    assert bad.exit_code == 2 and "is not an email domain" in bad.stderr
