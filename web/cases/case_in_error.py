"""/cases/<id>/error: a manager of the case's organisation sees why a case stopped, corrects the
value an officer typed (with a reason, audited by engine.corrections) and runs the case again."""
from __future__ import annotations

import re
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from engine import corrections, runtime
from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound
from engine.models import ProcessInstance
from workflows.access import may_manage_case, visible_instance
from workflows.form_labels import field_labels

from ..access import requires, user
from ..case_page import case_context
from ..db import db
from .views import blueprint

#: Scalars a manager may correct here; lists and objects are the route's own bookkeeping.
_EDITABLE = (str, int, float, bool, type(None))
_MAX_TEXT = 10_000
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}")


def may_correct(viewer, instance: ProcessInstance) -> bool:
    """A manager of the organisation that owns the case: the same rule as withdrawing or closing it."""
    return may_manage_case(viewer, instance)


def _errored_case(instance_id: int) -> ProcessInstance:
    me = user()
    instance = visible_instance(db(), me, instance_id)
    if not may_correct(me, instance):
        raise NotAllowed("only a manager of the case's organisation can correct a case in error")
    if instance.status != "error":
        raise Conflict(f"case {instance.id} is {instance.status}, not in error")
    return instance


def _rows(instance: ProcessInstance, labels: dict[str, str]) -> list[dict[str, Any]]:
    mentioned = instance.error_message or ""
    rows = [{"name": name, "label": labels.get(name, name), "value": value, "mentioned": name in mentioned}
            for name, value in sorted((instance.data or {}).items()) if isinstance(value, _EDITABLE)]
    return sorted(rows, key=lambda row: not row["mentioned"])  # what the error names first


@blueprint.get("/<int:instance_id>/error")
@requires()
def error_page(instance_id: int):
    session = db()
    instance = _errored_case(instance_id)
    return render_template("cases/error.html", instance=instance, context=case_context(session, instance),
                           steps=corrections.failed_steps(instance),
                           rows=_rows(instance, field_labels(session, instance.id)))


@blueprint.route("/<int:instance_id>/error/data/<name>", methods=["GET", "POST"])
@requires()
def correct_value(instance_id: int, name: str):
    session = db()
    instance = _errored_case(instance_id)
    data = instance.data or {}
    if name not in data:
        raise NotFound(f"case {instance.id} holds no value '{name}'")
    old = data[name]
    if not isinstance(old, _EDITABLE):
        raise Conflict(f"'{name}' cannot be corrected here")
    label = field_labels(session, instance.id).get(name, name)
    form = {"value": _as_text(old), "reason": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {"value": request.form.get("value", ""), "reason": request.form.get("reason", "").strip()}
        errors = _correction_errors(session, instance, name, old, form)
        if not errors:
            flash(f"{label} is now {form['value'].strip()}. Run the case again when the values are right.",
                  "success")
            return redirect(url_for("cases.error_page", instance_id=instance.id))
    error_list = [{"text": m, "href": f"#{k}"} for k, m in errors.items()]
    return render_template("cases/correct_value.html", instance=instance, name=name, label=label,
                           old=_as_text(old), kind=_kind(old), form=form, errors=errors,
                           error_list=error_list), 400 if errors else 200


def _correction_errors(session, instance, name: str, old: Any, form: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    try:
        value = parse_like(old, form["value"])
    except InvalidInput as refused:
        errors["value"] = str(refused)
    if not form["reason"]:
        errors["reason"] = "Enter the reason for the correction"
    elif len(form["reason"]) > corrections.MAX_REASON_LENGTH:
        errors["reason"] = f"The reason must be {corrections.MAX_REASON_LENGTH} characters or fewer"
    if errors:
        return errors
    corrections.set_case_data(session, instance.id, user().email, {name: value}, form["reason"])
    return {}


@blueprint.post("/<int:instance_id>/retry")
@requires()
def retry(instance_id: int):
    instance = _errored_case(instance_id)
    runtime.retry_instance(db(), instance.id, user().email)
    if instance.status == "error":
        flash(f"The case failed again: {instance.error_message}", "error")
        return redirect(url_for("cases.error_page", instance_id=instance.id))
    flash("The case has run on from the step that failed.", "success")
    return redirect(url_for("cases.case_page", instance_id=instance.id))


def _kind(old: Any) -> str:
    if isinstance(old, bool):
        return "yes/no"
    if isinstance(old, int):
        return "whole number"
    if isinstance(old, float):
        return "number"
    return "text"


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def parse_like(old: Any, text: str) -> Any:
    """The officer's text as a value of the old value's type (text when the old one was empty)."""
    value = (text or "").strip()
    kind = _kind(old)
    if kind == "yes/no":
        if value.lower() not in ("yes", "no"):
            raise InvalidInput("Enter yes or no")
        return value.lower() == "yes"
    if kind == "whole number":
        if not _WHOLE_NUMBER.fullmatch(value):
            raise InvalidInput("Enter a whole number, like 15")
        return int(value)
    if kind == "number":
        try:
            number = float(value)
        except ValueError:
            raise InvalidInput("Enter a number, like 2.5") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise InvalidInput("Enter a number, like 2.5")
        return number
    if len(value) > _MAX_TEXT:
        raise InvalidInput(f"The value must be {_MAX_TEXT:,} characters or fewer")
    return value
