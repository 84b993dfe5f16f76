"""`intervene processes validate FILE` (errors and warnings apart, exit 2 only on errors) and
`intervene processes dry-run FILE --start DAY` (which reads only term dates, with --la)."""
from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from engine.db import transaction
from tests.engine.conftest import ENGINE_FIXTURES
from tests.engine.test_validation import gateway
from web.cli import cli, common
from workflows.registry import BPMN_DIR
from workflows.school_models import SchoolHoliday

WARNING_NOTICE = str(BPMN_DIR / "maintained_warning_notice.bpmn")


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def warned(tmp_path) -> str:
    path = tmp_path / "warned.bpmn"
    path.write_text(gateway(["answer == 'a'", "answer == 'b'"]), encoding="utf-8")
    return str(path)


def test_validate_prints_errors_and_warnings_under_their_own_headings_and_exits_2():
    result = run("processes", "validate", str(ENGINE_FIXTURES / "invalid_many.bpmn"))
    assert result.exit_code == 2
    text = result.stdout
    errors, warnings = text.index("Errors"), text.index("Warnings")
    assert errors < text.index("no_such_function") < warnings
    assert text.index("no form", warnings) > warnings and "invalid, 3 errors, 2 warnings" in text


def test_validate_with_warnings_only_exits_0_and_says_so(warned):
    result = run("processes", "validate", warned)
    assert result.exit_code == 0 and "Errors" not in result.stdout and "Warnings" in result.stdout
    assert "valid, 0 errors, 1 warning" in result.stdout


def test_validate_json_lists_errors_and_warnings_apart(warned):
    body = json.loads(run("processes", "validate", warned, "--json").stdout)
    assert body["valid"] and body["errors"] == [] and [p["element_id"] for p in body["warnings"]] == ["gw"]
    assert body["problems"] == body["warnings"]


def test_dry_run_prints_the_steps_and_their_due_days():
    result = run("processes", "dry-run", WARNING_NOTICE, "--start", "2026-12-21",
                 "--data", '{"progress_review_outcome": "escalate", "notice_recommended": true}')
    assert result.exit_code == 0, result.output
    assert "Compliance period ended (the case waits, due Thu 14 Jan 2027)" in result.stdout
    assert "Christmas Day (25 December 2026)" in result.stdout and "The case reaches the end." in result.stdout


def test_dry_run_json_has_every_step_field():
    body = json.loads(run("processes", "dry-run", WARNING_NOTICE, "--start", "2026-12-21", "--json",
                          "--data", '{"progress_review_outcome": "escalate", "notice_recommended": true}').stdout)
    ended = next(s for s in body["steps"] if s["bpmn_id"] == "compliance_period_ended")
    assert ended["due_on"] == "2027-01-14" and body["ended"] is True
    assert set(ended) == {"bpmn_id", "name", "kind", "role", "due_on", "due_rule", "legal_source"}


@pytest.mark.parametrize("args, message", [
    (["--start", "21/12/2026"], "--start must be a date"),
    (["--start", "2026-12-21", "--data", "[1]"], "--data must be a JSON object"),
    (["--start", "2026-12-21", "--data", "{oops"], "--data is not valid JSON"),
])
def test_dry_run_refuses_bad_arguments_with_a_message(args, message):
    result = CliRunner().invoke(cli, ["processes", "dry-run", WARNING_NOTICE, *args])
    assert result.exit_code == 2 and message in result.stderr


def test_a_dry_run_that_stops_in_error_exits_2_with_the_problem():
    result = run("processes", "dry-run", str(BPMN_DIR / "ofsted_category_response.bpmn"), "--start", "2026-12-01",
                 "--dmn", str(BPMN_DIR / "ofsted_category.dmn"))
    assert result.exit_code == 2 and "error: voluntary_aided_gateway" in result.stdout


def test_dry_run_with_la_counts_with_that_authoritys_term_dates(committed, database_url, monkeypatch):
    """Draft report received Mon 14 Dec 2026: comments due Mon 21 Dec, or Mon 4 Jan 2027 once the authority's
    Christmas holiday (21 Dec-1 Jan) is skipped (see tests/workflows/test_process_dry_run.py)."""
    monkeypatch.setenv("INTERVENE_DATABASE_URL", database_url)
    monkeypatch.setattr(common, "_FACTORY", committed)
    with transaction(committed) as session:
        session.add(SchoolHoliday(la_code="358", urn=None, name="Christmas", first_day=date(2026, 12, 21),
                                  last_day=date(2027, 1, 1)))
    args = ["processes", "dry-run", str(BPMN_DIR / "ofsted_category_response.bpmn"), "--dmn",
            str(BPMN_DIR / "ofsted_category.dmn"), "--start", "2026-12-14", "--json", "--data",
            '{"is_voluntary_aided": false, "has_foundation": false, "is_church_school": false}']

    def comments_due(*extra: str) -> str:
        steps = json.loads(run(*args, *extra).stdout)["steps"]
        return next(s["due_on"] for s in steps if s["bpmn_id"] == "send_draft_report_comments")

    assert comments_due() == "2026-12-21"
    assert comments_due("--la", "358") == "2027-01-04"
    assert comments_due("--la", "830") == "2026-12-21"  # another authority's holidays are not these
