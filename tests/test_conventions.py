"""Conventions the whole repository keeps: every BPMN file deploys cleanly, and every user task has a
known role, a form, documentation, and a legal source (its `legal_source` property)."""
from __future__ import annotations

from pathlib import Path

import pytest
from SpiffWorkflow.camunda.specs.user_task import UserTask

from engine import definitions
from workflows.registry import processes
from workflows.roles import role_for

ROOT = Path(__file__).resolve().parent.parent
BPMN_FILES = sorted((ROOT / "bpmn").glob("*.bpmn"))


def dmn_for(path: Path) -> list[str]:
    package = processes().get(path.stem)
    return package.read_dmn() if package else []


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.name)
def test_every_bpmn_file_deploys_without_errors_or_warnings(path):
    problems = definitions.validate(path.read_text(encoding="utf-8"), dmn_for(path))
    assert problems == []


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.name)
def test_every_user_task_has_a_known_role_a_form_and_a_legal_source(path):
    parsed = definitions.parse_process(path.read_text(encoding="utf-8"), dmn_for(path))
    user_tasks = [t for spec in parsed.all_specs() for t in spec.task_specs.values() if isinstance(t, UserTask)]
    assert user_tasks, "a statutory route has at least one officer's task"
    for task in user_tasks:
        assert role_for(definitions.user_task_role(task)), task.bpmn_id
        assert task.form.fields, f"{task.bpmn_id} has no form"
        assert task.documentation and task.documentation.strip(), f"{task.bpmn_id} has no documentation"
        assert (task.extensions.get("legal_source") or "").strip(), f"{task.bpmn_id} names no legal source"


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.name)
def test_process_id_matches_file_and_package(path):
    parsed = definitions.parse_process(path.read_text(encoding="utf-8"), dmn_for(path))
    assert parsed.key == path.stem
    assert path.stem in processes(), f"no workflows/{path.stem} package declares PROCESS"


def test_every_process_package_has_its_bpmn_file():
    for key, package in processes().items():
        assert package.bpmn_path.is_file(), key
        assert package.summary and package.title, key


#: Research notes belong in the documentation, not in what an officer reads on a form.
RESEARCH_NOTES = ("not found", "inferred", "verif", "no statutory length", "in a 20", "practice;")


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.name)
def test_no_form_label_or_hint_shows_a_research_note(path):
    parsed = definitions.parse_process(path.read_text(encoding="utf-8"), dmn_for(path))
    user_tasks = [t for spec in parsed.all_specs() for t in spec.task_specs.values() if isinstance(t, UserTask)]
    for task in user_tasks:
        for field in task.form.fields:
            shown = " ".join([field.label or "", *(p.value or "" for p in field.properties if p.id == "hint")])
            assert not [n for n in RESEARCH_NOTES if n in shown.lower()], f"{task.bpmn_id}.{field.id}: {shown}"


def test_the_style_sheet_closes_every_block_it_opens():
    """A merge once left a media query open, so every rule after it (the dashboard's) applied only on
    wide screens: braces must balance, counting outside comments."""
    import re
    from pathlib import Path

    css = re.sub(r"/\*.*?\*/", "", (Path(__file__).parent.parent / "web" / "static" / "app.css").read_text(), flags=re.S)
    depth = 0
    for line_number, line in enumerate(css.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"app.css closes a block it never opened at line {line_number}"
    assert depth == 0, "app.css leaves a block open"
