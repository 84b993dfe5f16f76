"""The `intervene` engine commands: --json everywhere, one clear line and exit 2 on bad input."""
from __future__ import annotations

import json

import pytest
import time_machine
from click.testing import CliRunner

from tests.engine.conftest import ENGINE_FIXTURES
from web.cli import cli, common


@pytest.fixture
def run(committed, database_url, monkeypatch):
    monkeypatch.setenv("INTERVENE_DATABASE_URL", database_url)
    monkeypatch.setattr(common, "_FACTORY", committed)
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None):
        return runner.invoke(cli, list(args), input=stdin, catch_exceptions=False)

    return invoke


def as_json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_deploy_start_show_complete_round_trip(run):
    deployed = as_json(run("processes", "deploy", str(ENGINE_FIXTURES / "timers.bpmn"), "--as", "owner", "--json"))
    assert (deployed["key"], deployed["version"]) == ("timers", 1)
    assert [p["key"] for p in as_json(run("processes", "list", "--json"))] == ["timers"]
    with time_machine.travel("2025-12-18T10:00:00+00:00", tick=False):
        case = as_json(run("cases", "start", "timers", "--business-key", "100001",
                           "--data", '{"notice_given_on": "2025-12-18"}', "--json"))
    assert case["status"] == "running" and case["business_key"] == "100001"
    [task] = case["tasks"]
    assert (task["bpmn_id"], task["role"]) == ("respond", "senior_adviser")
    [timer] = case["timers"]
    assert (timer["bpmn_id"], timer["due_at"]) == ("compliance_period_ends", "2026-01-14T00:00:00+00:00")
    shown = as_json(run("cases", "show", str(case["id"]), "--json"))
    assert shown["version"] == 1 and shown["data"]["notice_given_on"] == "2025-12-18"
    listed = as_json(run("tasks", "list", "--role", "senior_adviser", "--json"))
    assert [t["id"] for t in listed] == [task["id"]]
    done = as_json(run("tasks", "complete", task["id"], "--as", "head@school", "--data", '{"response": "ok"}',
                       "--json"))
    assert done["status"] == "completed"


def test_human_output_is_readable(run):
    run("processes", "deploy", str(ENGINE_FIXTURES / "ten_tasks.bpmn"))
    result = run("cases", "start", "ten_tasks", "--data", '{"started_on": "2026-01-05"}')
    assert result.exit_code == 0
    assert "status: running" in result.output and "step_1 (Step 1)" in result.output


@pytest.mark.parametrize("args, message", [
    (("cases", "show", "424242"), "no case with id 424242"),
    (("cases", "show", "abc"), "no case with id 'abc'"),
    (("cases", "start", "ten_tasks", "--data", "{not json"), "--data is not valid JSON"),
    (("cases", "start", "ten_tasks", "--data", "[1, 2]"), "--data must be a JSON object"),
    (("cases", "start", "no_such_process"), "no process 'no_such_process' is deployed"),
    (("tasks", "complete", "nope", "--as", "x"), "no task with id 'nope'"),
    (("processes", "deploy", "/no/such/file.bpmn"), "no such file"),
    (("tasks", "list", "--case", "seven"), "seven"),
])
def test_bad_input_is_one_line_on_stderr_and_exit_2(run, args, message):
    run("processes", "deploy", str(ENGINE_FIXTURES / "ten_tasks.bpmn"))
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_invalid_bpmn_prints_each_problem_and_deploys_nothing(run):
    result = run("processes", "deploy", str(ENGINE_FIXTURES / "invalid_many.bpmn"))
    assert result.exit_code == 2
    lines = [line for line in result.stderr.strip().splitlines() if line.startswith("error:")]
    assert [line.split(":")[1].strip() for line in lines] == ["no_role", "bad_due", "bad_timer"]
    assert as_json(run("processes", "list", "--json")) == []
    validated = run("processes", "validate", str(ENGINE_FIXTURES / "invalid_many.bpmn"), "--json")
    assert validated.exit_code == 2 and json.loads(validated.stdout)["valid"] is False


def test_wrong_form_data_type_is_refused_with_the_field(run):
    run("processes", "deploy", str(ENGINE_FIXTURES / "ten_tasks.bpmn"))
    case = as_json(run("cases", "start", "ten_tasks", "--data", '{"started_on": "2026-01-05"}', "--json"))
    result = run("tasks", "complete", case["tasks"][0]["id"], "--as", "x", "--data", '{"count_1": "many"}')
    assert result.exit_code == 2 and "count_1: Count 1 must be a whole number" in result.stderr


def test_lifecycle_commands(run):
    run("processes", "deploy", str(ENGINE_FIXTURES / "ten_tasks.bpmn"))
    case = as_json(run("cases", "start", "ten_tasks", "--data", '{"started_on": "2026-01-05"}', "--json"))
    case_id = str(case["id"])
    assert as_json(run("cases", "suspend", case_id, "--reason", "paused", "--json"))["status"] == "suspended"
    again = run("cases", "suspend", case_id)
    assert again.exit_code == 2 and "cannot be suspended" in again.stderr
    assert as_json(run("cases", "resume", case_id, "--json"))["status"] == "running"
    assert as_json(run("cases", "terminate", case_id, "--json"))["status"] == "terminated"
    assert as_json(run("timers", "fire-due", "--json")) == {"fired": 0}


def test_a_role_filter_matches_its_characters_literally(run):
    run("processes", "deploy", str(ENGINE_FIXTURES / "ten_tasks.bpmn"))
    case = as_json(run("cases", "start", "ten_tasks", "--data", '{"started_on": "2026-01-05"}', "--json"))
    [task] = case["tasks"]  # for link_adviser, its candidate group
    assert [t["id"] for t in as_json(run("tasks", "list", "--role", "link_adviser", "--json"))] == [task["id"]]
    for pattern in ("link%", "link_advise_", "%adviser", "link%adviser"):  # LIKE wildcards, if unescaped
        assert as_json(run("tasks", "list", "--role", pattern, "--json")) == [], pattern


def test_claim_unclaim_and_reassign_print_the_task_as_it_is_after(run):
    run("processes", "deploy", str(ENGINE_FIXTURES / "ten_tasks.bpmn"))
    [task] = as_json(run("cases", "start", "ten_tasks", "--data", '{"started_on": "2026-01-05"}', "--json"))["tasks"]
    claimed = as_json(run("tasks", "claim", task["id"], "--as", "ann@test", "--json"))
    assert (claimed["id"], claimed["assignee"], claimed["name"]) == (task["id"], "ann@test", "Step 1")
    assert run("tasks", "claim", task["id"], "--as", "bob@test").exit_code == 2  # Ann has it
    assert run("tasks", "unclaim", task["id"], "--as", "ann@test").stdout == "unclaimed Step 1\n"
    assert run("tasks", "claim", task["id"], "--as", "bob@test").stdout == "claimed Step 1 for bob@test\n"
    moved = run("tasks", "reassign", task["id"], "cat@test", "--as", "bob@test")
    assert moved.stdout == "Step 1 is now assigned to cat@test\n"
    assert as_json(run("tasks", "list", "--assignee", "cat@test", "--json"))[0]["id"] == task["id"]


def test_deploy_names_the_process_of_a_file_holding_several(run):
    file = str(ENGINE_FIXTURES / "two_routes.bpmn")
    ambiguous = run("processes", "deploy", file)
    assert ambiguous.exit_code == 2 and "Traceback" not in ambiguous.output + ambiguous.stderr
    assert "several executable processes that no other calls (first_route, second_route)" in ambiguous.stderr
    assert as_json(run("processes", "validate", file, "--process", "second_route", "--json"))["valid"] is True
    deployed = as_json(run("processes", "deploy", file, "--process", "second_route", "--json"))
    assert (deployed["key"], deployed["version"]) == ("second_route", 1)
    unknown = run("processes", "deploy", file, "--process", "third_route")
    assert unknown.exit_code == 2 and "no process or collaboration 'third_route'" in unknown.stderr


def test_show_lists_the_called_process_versions_a_case_runs(run):
    run("processes", "deploy", str(ENGINE_FIXTURES / "shared_review.bpmn"))
    run("processes", "deploy", str(ENGINE_FIXTURES / "needs_review.bpmn"))
    case = as_json(run("cases", "start", "needs_review", "--json"))
    assert case["calls"] == [{"key": "shared_review", "version": 1}]
    assert "calls: shared_review v1" in run("cases", "show", str(case["id"])).output
