"""`intervene schools`: import a GIAS export as downloaded, list, show, and term dates."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURES
from web.cli import cli, common

GIAS = FIXTURES / "gias"
TERM_DATES = FIXTURES / "term_dates" / "trafford_2025_26.csv"


@pytest.fixture
def run(committed, database_url, monkeypatch):
    """Runs `intervene schools ...` against the test database; `committed` empties it afterwards."""
    monkeypatch.setenv("INTERVENE_DATABASE_URL", database_url)
    monkeypatch.setattr(common, "_FACTORY", None)

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["schools", *map(str, args)])

    yield invoke
    if common._FACTORY is not None:
        common._FACTORY.kw["bind"].dispose()


def test_import_prints_counts_and_each_bad_row(run):
    result = run("import", GIAS / "establishments_2025.csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "schools: 9 loaded, 0 updated, 0 unchanged, 3 skipped",
        "line 5: URN '10A999' is not a number",
        "line 7: URN 106390: no EstablishmentName",
        "line 9: URN 106391: LA (code) '35' is not a three-digit LA code",
    ]


def test_reimport_updates_and_json_reports_it(run):
    run("import", GIAS / "establishments_2025.csv")
    result = run("import", GIAS / "establishments_2026.csv", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"loaded": 1, "updated": 2, "unchanged": 7, "skipped": []}
    shown = json.loads(run("show", "106350", "--json").stdout)
    assert shown["school"]["school_name"] == "Kingsway Primary School"


def test_a_refused_file_exits_2_with_one_line(run):
    result = run("import", GIAS / "missing_columns.csv")
    assert result.exit_code == 2
    assert result.stderr == ("error: missing_columns.csv is not a GIAS establishment export: it has no "
                             "'TypeOfEstablishment (name)', 'LA (code)' columns; nothing was imported\n")
    assert json.loads(run("list", "--json").stdout)["schools"] == []


def test_a_file_of_only_bad_rows_exits_2(run, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("URN,EstablishmentName,TypeOfEstablishment (name),LA (code)\nABC,X,Community school,358\n",
                    encoding="utf-8")
    result = run("import", path)
    assert result.exit_code == 2
    assert "line 2: URN 'ABC' is not a number" in result.stdout
    assert result.stderr == "error: no row of the file could be loaded\n"


def test_a_missing_file_is_one_line(run, tmp_path):
    result = run("import", tmp_path / "nope.csv")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1


def test_list_filters_by_la_kind_and_search(run):
    run("import", GIAS / "establishments_2025.csv")
    result = run("list", "--la", "358", "--kind", "academy")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        " 140123  Oakfield Academy  (Academy converter, Trafford)",
        " 146812  St Thérèse Catholic Academy  (Academy converter, Trafford)",
    ]
    found = json.loads(run("list", "--search", "therese", "--json").stdout)
    assert [s["urn"] for s in found["schools"]] == ["146812"]
    assert found["schools"][0]["kind"] == "academy"
    assert "[Closed]" in run("list", "--search", "davyhulme").stdout
    assert run("list", "--search", "zzz").stdout == "no schools match\n"
    limited = json.loads(run("list", "--limit", "2", "--json").stdout)
    assert len(limited["schools"]) == 2 and limited["more"] is True
    assert run("list", "--kind", "grammar").exit_code == 2


def test_show_a_school_with_its_holidays(run):
    run("import", GIAS / "establishments_2025.csv")
    assert run("term-dates", "import", TERM_DATES, "--la", "358").exit_code == 0
    result = run("show", "140123")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Kind:                academy" in lines
    assert "DfE region:          North West" in lines
    assert "Trust:               Mersey Vale Learning Trust" in lines
    assert "  2025-10-20 to 2025-10-31  October half-term 2025  (the school's own)" in lines
    shown = json.loads(run("show", "106351", "--json").stdout)
    assert shown["school"]["diocese_name"] == "Diocese of Manchester"
    assert shown["school"]["is_voluntary_aided"] is True
    assert shown["holidays"][0] == {"name": "October half-term 2025", "first_day": "2025-10-27",
                                    "last_day": "2025-10-31", "is_school_specific": False}


def test_show_an_unknown_urn(run):
    result = run("show", "999999")
    assert result.exit_code == 2
    assert result.stderr == ("error: no school with URN 999999 is in the register; "
                             "import it with `intervene schools import`\n")


def test_term_dates_import(run):
    run("import", GIAS / "establishments_2025.csv")
    result = run("term-dates", "import", TERM_DATES, "--la", "358")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "holidays: 5 loaded, 0 updated, 0 unchanged, 2 skipped"
    again = json.loads(run("term-dates", "import", TERM_DATES, "--la", "358", "--json").stdout)
    assert (again["loaded"], again["unchanged"]) == (0, 5)
    refused = run("term-dates", "import", TERM_DATES, "--la", "Trafford")
    assert refused.exit_code == 2
    assert refused.stderr == "error: LA code 'Trafford' is not three digits (Trafford is 358)\n"


def test_load_demo(run):
    result = run("load-demo", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["loaded"] >= 30
    assert "Oakfield Academy" in run("list", "--la", "358").stdout
