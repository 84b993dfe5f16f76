"""`intervene processes migrate KEY --from N --to M`: the dry run, then the move, case by case."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import select

from engine import runtime
from engine.models import AuditEvent, HumanTask, ProcessInstance
from tests.engine.conftest import ENGINE_FIXTURES
from web.cli import cli, common


@pytest.fixture
def run(committed, database_url, monkeypatch):
    monkeypatch.setenv("INTERVENE_DATABASE_URL", database_url)
    monkeypatch.setattr(common, "_FACTORY", committed)
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def two_cases(run, committed):
    """Case 1 waits at 'Talk informally' (gone in version 2); case 2 at 'Review compliance'."""
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False):
        assert run("processes", "deploy", str(ENGINE_FIXTURES / "migration_v1.bpmn")).exit_code == 0
        with committed() as session:
            staying = runtime.start_instance(session, "casework", "officer", "STAY", {"review_from": "2026-03-02"})
            moving = runtime.start_instance(session, "casework", "officer", "MOVE", {"review_from": "2026-03-02"})
            for bpmn_id, data in (("informal_chat", {}), ("gather", {"summary": "weak"})):
                [task] = [t for t in session.scalars(select(HumanTask).where(
                    HumanTask.instance_id == moving.id, HumanTask.is_open.is_(True)))]
                assert task.bpmn_id == bpmn_id
                runtime.complete_task(session, task.id, "officer", data)
            session.commit()
            ids = staying.id, moving.id
        assert run("processes", "deploy", str(ENGINE_FIXTURES / "migration_v2.bpmn")).exit_code == 0
    return ids


def test_the_dry_run_says_what_would_happen_and_changes_nothing(run, two_cases, committed):
    staying, moving = two_cases
    result = run("processes", "migrate", "casework", "--from", "1", "--to", "2", "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"case {staying} (STAY): cannot move because its current step 'Talk informally' is not in version 2" \
        in result.stdout
    assert f"case {moving} (MOVE): can move" in result.stdout
    assert "  Review compliance: due 12 Mar 2026 23:59 UTC -> 22 Mar 2026 23:59 UTC" in result.stdout
    assert "1 can move, 1 cannot move" in result.stdout
    with committed() as session:
        assert {i.definition.version for i in session.scalars(select(ProcessInstance))} == {1}


def test_moving_needs_a_reason_then_moves_the_movable_case(run, two_cases, committed):
    staying, moving = two_cases
    refused = run("processes", "migrate", "casework", "--from", "1", "--to", "2")
    assert refused.exit_code == 2 and "--reason" in refused.stderr
    result = run("processes", "migrate", "casework", "--from", "1", "--to", "2", "--as", "owner@test",
                 "--reason", "March guidance", "--json")
    body = json.loads(result.stdout)
    assert (body["moved"], body["refused"]) == (1, 1)
    with committed() as session:
        assert session.get(ProcessInstance, moving).definition.version == 2
        assert session.get(ProcessInstance, staying).definition.version == 1
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "migrated")).one()
        assert (event.instance_id, event.actor) == (moving, "owner@test")


@pytest.mark.parametrize(("source", "target", "message"), [
    ("1", "1", "the two versions are the same"),
    ("1", "9", "has no version 9"),
    ("one", "2", "'one' is not a version"),
])
def test_bad_versions_are_one_clear_line(run, two_cases, source, target, message):
    result = run("processes", "migrate", "casework", "--from", source, "--to", target, "--dry-run")
    assert result.exit_code == 2 and message in result.stderr
