"""`intervene calendar working-day`: dates worked out by hand, holidays named."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from web.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, ["calendar", "working-day", *args])


def test_prints_the_15th_working_day_after_thu_18_dec_2025():
    # Skips Thu 25, Fri 26 Dec 2025 and Thu 1 Jan 2026.
    result = run("2025-12-18", "15")
    assert result.exit_code == 0, result.output
    assert result.output == "2026-01-13\n"


def test_json_lists_the_holidays_skipped_but_not_weekends():
    result = run("2025-12-18", "15", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "start": "2025-12-18",
        "working_days": 15,
        "date": "2026-01-13",
        "skipped": [
            {"date": "2025-12-25", "reason": "Christmas Day"},
            {"date": "2025-12-26", "reason": "Boxing Day"},
            {"date": "2026-01-01", "reason": "New Year's Day"},
        ],
    }


def test_json_over_easter_2026_names_good_friday_and_easter_monday():
    result = run("--json", "2026-03-23", "15")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["date"] == "2026-04-15"
    assert body["skipped"] == [{"date": "2026-04-03", "reason": "Good Friday"},
                               {"date": "2026-04-06", "reason": "Easter Monday"}]


def test_n_zero_on_a_saturday_prints_the_saturday():
    result = run("2025-12-20", "0", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["date"] == "2025-12-20"
    assert json.loads(result.output)["skipped"] == []


@pytest.mark.parametrize(("args", "message"), [
    (("18/12/2025", "15"), "DATE must be an ISO date"),
    (("2025-13-01", "15"), "DATE must be an ISO date"),
    (("2025-12-18", "-1"), "N must be 0 or more"),
    (("2025-12-18", "fifteen"), "N must be a whole number"),
    (("2025-12-18", "1.5"), "N must be a whole number"),
    (("2025-12-18", "99999"), "N must be at most"),
])
def test_bad_input_is_one_error_line_and_exit_2(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]


def test_missing_argument_is_a_usage_error_exit_2():
    assert run("2025-12-18").exit_code == 2
