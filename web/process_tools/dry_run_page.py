"""GET/POST /processes/<key>/dry-run: try a deployed route from a start date, without the modeller.

Any signed-in officer may use it: it runs only versions already deployed, and only those the
officer's organisation may use (its own and the national defaults, never another authority's).
"""
from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import Blueprint, render_template, request

from engine.definitions import latest_definition, usable_versions
from engine.errors import NotFound
from workflows.process_dry_run import DryRunResult, authority_term_dates, dry_run

from ..access import requires, user
from ..db import db

blueprint = Blueprint("process_tools", __name__, url_prefix="/processes")
#: Most answers an owner may type: more is not a sample.
MAX_ANSWERS = 200


@blueprint.route("/<key>/dry-run", methods=["GET", "POST"])
@requires()
def dry_run_page(key: str):
    organisation_id = user().organisation_id
    versions = usable_versions(db(), key, organisation_id)
    current = latest_definition(db(), key, required=False, owner=organisation_id)
    if not versions or current is None:
        raise NotFound(f"no process '{key}' is deployed")
    form = {"version": str(current.id), "day": "", "month": "", "year": "", "answers": ""}
    errors: dict[str, str] = {}
    result: DryRunResult | None = None
    chosen, start_on = current, None
    if request.method == "POST":
        form = {name: request.form.get(name, "").strip() for name in ("version", "day", "month", "year")}
        form["answers"] = request.form.get("answers", "")
        chosen_or_none = next((v for v in versions if str(v.id) == form["version"]), None)
        start_on = _start_on(form, errors)
        answers = _answers(form["answers"], errors)
        if chosen_or_none is None:
            errors["version"] = "Select a version of the route"
        if not errors and chosen_or_none is not None and start_on is not None:
            chosen = chosen_or_none
            result = dry_run(chosen.bpmn_xml, start_on, answers, chosen.dmn_xml or [], chosen.key,
                             term_dates=authority_term_dates(db(), organisation_id))
    return render_template("process_tools/dry_run.html", key=key, versions=versions, current=current,
                           chosen=chosen, form=form, errors=errors, result=result, start_on=start_on,
                           error_list=[{"text": m, "href": f"#{_anchor(n)}"} for n, m in errors.items()]), \
        400 if errors else 200


def _anchor(name: str) -> str:
    return {"start_on": "start_on-day"}.get(name, name)


def _start_on(form: dict[str, str], errors: dict[str, str]) -> date | None:
    parts = (form["day"], form["month"], form["year"])
    if not any(parts):
        errors["start_on"] = "Enter the day the case would start"
        return None
    try:
        day = date(int(form["year"]), int(form["month"]), int(form["day"])) if len(form["year"]) == 4 else None
    except ValueError:
        day = None
    if day is None or not date(1990, 1, 1) <= day <= date(2100, 12, 31):
        errors["start_on"] = "The start date must be a real date, for example 1 12 2026"
        return None
    return day


def parse_answers(text: str) -> dict[str, Any]:
    """Sample answers as the owner types them: a JSON object, or one `field_id: value` a line
    (yes/no and whole numbers are read as such, everything else as text). ValueError says what is wrong."""
    text = text.strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            answers = json.loads(text)
        except json.JSONDecodeError:
            raise ValueError("The sample answers are not valid JSON: check the brackets, quotes and commas") from None
        if not isinstance(answers, dict):
            raise ValueError("The sample answers must be one JSON object")
        return answers
    answers: dict[str, Any] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise ValueError(f"Line {number} of the sample answers has no field id: write it as field_id: value")
        answers[name.strip()] = _typed(value.strip())
    if len(answers) > MAX_ANSWERS:
        raise ValueError(f"Give at most {MAX_ANSWERS} sample answers")
    return answers


def _typed(value: str) -> Any:
    lowered = value.lower()
    if lowered in ("yes", "true"):
        return True
    if lowered in ("no", "false"):
        return False
    if value.isdigit():
        return int(value)
    return value


def _answers(text: str, errors: dict[str, str]) -> dict[str, Any]:
    try:
        return parse_answers(text)
    except ValueError as refused:
        errors["answers"] = str(refused)
        return {}
