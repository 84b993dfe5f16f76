"""`intervene processes deploy FOLDER` and `validate`: what a real authority's set-up runs."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.models import ProcessDefinition
from tests.engine.conftest import ENGINE_FIXTURES
from tests.engine.test_validation import gateway
from tests.web.test_cli_engine import as_json
from web.cli import cli, common
from workflows.accounts import ensure_organisation
from workflows.registry import BPMN_DIR


@pytest.fixture
def run(committed, database_url, monkeypatch):
    monkeypatch.setenv("INTERVENE_DATABASE_URL", database_url)
    monkeypatch.setattr(common, "_FACTORY", committed)
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(args), catch_exceptions=False)


def statuses(result) -> dict[str, str]:
    return {row["file"]: row["status"] for row in json.loads(result.stdout)["files"]}


def test_deploying_the_shipped_folder_pairs_the_dmn_and_skips_what_is_current(run):
    first = as_json(run("processes", "deploy", str(BPMN_DIR), "--as", "national owner", "--json"))
    assert {row["file"]: row["status"] for row in first["files"]} == {
        path.name: "deployed" for path in BPMN_DIR.glob("*.bpmn")}
    [ofsted] = [row for row in first["files"] if row["key"] == "ofsted_category_response"]
    assert ofsted["dmn_files"] == ["ofsted_category.dmn"] and ofsted["version"] == 1
    again = run("processes", "deploy", str(BPMN_DIR), "--json")
    assert again.exit_code == 0 and set(statuses(again).values()) == {"skipped"}


def test_a_refused_file_is_reported_the_others_deploy_and_the_exit_is_not_zero(run, tmp_path, committed):
    shutil.copy(ENGINE_FIXTURES / "ten_tasks.bpmn", tmp_path)
    shutil.copy(ENGINE_FIXTURES / "invalid_many.bpmn", tmp_path)
    result = run("processes", "deploy", str(tmp_path), "--json")
    assert result.exit_code == 2
    assert statuses(result) == {"invalid_many.bpmn": "refused", "ten_tasks.bpmn": "deployed"}
    [refused] = [row for row in json.loads(result.stdout)["files"] if row["status"] == "refused"]
    assert refused["problems"] and {p["severity"] for p in refused["problems"]} >= {"error"}
    human = run("processes", "deploy", str(tmp_path))
    assert "skipped: ten_tasks.bpmn ten_tasks v1" in human.stdout and "refused: invalid_many.bpmn" in human.stdout
    with committed() as session:
        assert session.scalars(select(ProcessDefinition.key)).all() == ["ten_tasks"]


def test_an_authoritys_own_versions_are_numbered_apart_from_the_national_ones(run, tmp_path, committed):
    with committed() as session:
        ensure_organisation(session, "358")
        session.commit()
    shutil.copy(ENGINE_FIXTURES / "ten_tasks.bpmn", tmp_path)
    run("processes", "deploy", str(tmp_path), "--json")
    (tmp_path / "ten_tasks.bpmn").write_text((ENGINE_FIXTURES / "ten_tasks.bpmn").read_text().replace(
        'name="Step 1"', 'name="Step 1 (Trafford)"', 1))
    local = as_json(run("processes", "deploy", str(tmp_path), "--owner", "358", "--json"))
    assert [(row["status"], row["version"]) for row in local["files"]] == [("deployed", 1)]
    listed = as_json(run("processes", "list", "--json"))
    assert [(d["owner"], d["version"]) for d in listed] == [(None, 1), ("358", 1)]
    unknown = run("processes", "deploy", str(tmp_path), "--owner", "999")
    assert unknown.exit_code == 2 and "unknown organisation '999'" in unknown.stderr


def warned_model(tmp_path):
    path = tmp_path / "rule.bpmn"
    path.write_text(gateway(["answer == 'a'", "answer == 'b'"]))  # no default flow: a warning
    return str(path)


def test_single_file_deploy_says_its_warnings_and_whether_it_was_skipped(run, tmp_path):
    path = warned_model(tmp_path)
    first = as_json(run("processes", "deploy", path, "--json"))
    assert first["status"] == "deployed" and [(p["element_id"], p["severity"]) for p in first["problems"]] == [
        ("gw", "warning")]
    assert as_json(run("processes", "deploy", path, "--json"))["status"] == "skipped"


def test_validate_keeps_warnings_apart_and_fails_only_on_errors(run, tmp_path):
    warned = run("processes", "validate", warned_model(tmp_path), "--json")
    assert warned.exit_code == 0
    body = json.loads(warned.stdout)
    assert body["valid"] and body["problems"] == [
        {"element_id": "gw", "severity": "warning", "message": body["problems"][0]["message"]}]
    broken = run("processes", "validate", str(ENGINE_FIXTURES / "invalid_many.bpmn"), "--json")
    assert broken.exit_code == 2 and not json.loads(broken.stdout)["valid"]
