"""Check submitted task data against the task's camunda:formData, with marshmallow.

The same check serves the CLI, the API and the web form, so a value the form would refuse cannot
reach a workflow by another door. Values are stored JSON-ready: dates as ISO text.
"""
from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from .conditions import applies
from .errors import InvalidInput

#: Dates before this are typing mistakes, not dates of a school intervention.
EARLIEST_DATE = date(1990, 1, 1)
#: How far ahead a date may be (a planned meeting, a compliance period's end).
LATEST_YEARS_AHEAD = 5
#: Free text is capped so one answer cannot fill the database; a maxlength constraint overrides it.
DEFAULT_MAX_TEXT = 10_000


class FormErrors(InvalidInput):
    """Field-by-field messages, in form order, for an error summary."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def _field(spec: dict[str, Any]) -> fields.Field:
    checks = spec.get("validation") or {}
    required = "required" in checks
    label = spec.get("label") or spec["id"]
    kind = spec.get("type") or "string"
    messages: dict[str, Any] = {"required": f"Enter {label[0].lower() + label[1:]}" if label else "Required",
                                "null": f"Enter {label.lower()}"}
    validators: list[validate.Validator] = []
    if kind == "enum":
        options = [o["id"] for o in spec.get("options", [])]
        validators.append(validate.OneOf(options, error=f"Select one of the options for {label.lower()}"))
        messages["required"] = f"Select {label[0].lower() + label[1:]}"
        return fields.String(required=required, allow_none=not required, validate=validators,
                             error_messages=messages)
    if kind == "long":
        validators += _number_range(spec, checks)
        return fields.Integer(required=required, allow_none=not required, strict=False, validate=validators,
                              error_messages={**messages, "invalid": f"{label} must be a whole number"})
    if kind == "boolean":
        # A required yes/no is a decision: left unanswered it is an error, never a silent "no".
        messages["required"] = messages["null"] = _yes_no_message(spec)
        return fields.Boolean(required=required, allow_none=not required,
                              error_messages={**messages, "invalid": f"{label} must be yes or no"})
    if kind == "date":
        return fields.Date(required=required, allow_none=not required, validate=[_sane_date(label)],
                           error_messages={**messages, "invalid": f"{label} must be a real date"})
    longest = int(checks.get("maxlength") or DEFAULT_MAX_TEXT)
    validators.append(validate.Length(max=longest, error=f"{label} must be {longest:,} characters or fewer"))
    if checks.get("minlength"):
        shortest = int(checks["minlength"])
        validators.append(validate.Length(min=shortest, error=f"{label} must be {shortest} characters or more"))
    if required:
        validators.append(validate.Length(min=1, error=messages["required"]))
    return fields.String(required=required, allow_none=not required, validate=validators,
                         error_messages={**messages, "invalid": f"{label} must be text"})


def _yes_no_message(spec: dict[str, Any]) -> str:
    own = (spec.get("properties") or {}).get("required_message")
    return own or f"Select yes or no for ‘{(spec.get('label') or spec['id']).rstrip('?')}’"


def _number_range(spec: dict[str, Any], checks: dict[str, Any]) -> list[validate.Validator]:
    """min/max constraints, with one sentence naming both bounds ("Enter a compliance period
    between 1 and 60 working days" when the field has the error_noun and unit properties)."""
    low = int(checks["min"]) if checks.get("min") not in (None, "") else None
    high = int(checks["max"]) if checks.get("max") not in (None, "") else None
    if low is None and high is None:
        return []
    properties = spec.get("properties") or {}
    unit = f" {properties['unit']}" if properties.get("unit") else ""
    noun = properties.get("error_noun")
    if low is not None and high is not None:
        bounds = f"between {low} and {high}{unit}"
    elif low is not None:
        bounds = f"{low}{unit} or more"
    else:
        bounds = f"{high}{unit} or fewer"
    label = spec.get("label") or spec["id"]
    message = f"Enter {noun} {bounds}" if noun else f"{label} must be {bounds}"
    return [validate.Range(min=low, max=high, error=message)]


def _sane_date(label: str):
    """Refuse dates no officer means: before 1990, or more than five years from today (worked
    out at each check, not when the schema was built)."""
    def check(value: date) -> None:
        today = date.today()
        try:
            latest = today.replace(year=today.year + LATEST_YEARS_AHEAD)
        except ValueError:  # 29 February
            latest = today.replace(year=today.year + LATEST_YEARS_AHEAD, day=28)
        if value < EARLIEST_DATE:
            raise ValidationError(f"{label} must be on or after 1 January 1990")
        if value > latest:
            raise ValidationError(f"{label} must be no more than {LATEST_YEARS_AHEAD} years from today")
    return check


def form_schema(form: dict[str, Any]) -> Schema:
    """A marshmallow schema for the form; built once per distinct form (building one is slow)."""
    return _schema_for(json.dumps(form.get("fields", []), sort_keys=True))


@lru_cache(maxsize=1024)
def _schema_for(fields_json: str) -> Schema:
    declared = {f["id"]: _field(f) for f in json.loads(fields_json)
                if "readonly" not in (f.get("validation") or {})}
    return Schema.from_dict(declared)()


def shown_fields(form: dict[str, Any], data: dict[str, Any],
                 context: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The fields that apply, by their show_if rules, to these answers and this case's data."""
    values = {**(context or {}), **data}
    return [f for f in form.get("fields", []) if applies(f, values)]


def validate_submission(form: dict[str, Any], data: dict[str, Any],
                        context: dict[str, Any] | None = None) -> dict[str, Any]:
    """Validated data (dates as ISO text); raise FormErrors naming each bad field.

    A field whose show_if rule does not hold (given the answers and the case data `context`) is
    not asked: its value is dropped and its constraints are not checked."""
    if not isinstance(data, dict):
        raise InvalidInput("task data must be a JSON object")
    every = {f["id"] for f in form.get("fields", [])}
    shown = shown_fields(form, data, context)
    data = {k: v for k, v in data.items() if k not in every or k in {f["id"] for f in shown}}
    form = {**form, "fields": shown}
    schema = form_schema(form)
    known = set(schema.fields)
    # A field left out takes the form's camunda:defaultValue, as the form itself would show it.
    data = {**{f["id"]: f["default"] for f in form.get("fields", []) if f.get("default") not in (None, "")
               and f["id"] in known}, **data}
    unknown = sorted(set(data) - known)
    if unknown:  # a step with no fields takes nothing: no door writes case data past a form
        raise FormErrors({name: "is not a field of this form" for name in unknown})
    try:
        loaded = schema.load({k: v for k, v in data.items() if k in known} if known else {})
    except ValidationError as error:
        order = [f["id"] for f in form.get("fields", [])]
        raw = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        messages = {k: (v[0] if isinstance(v, list) else str(v)) for k, v in raw.items()}
        raise FormErrors({k: messages[k] for k in sorted(messages, key=lambda n: order.index(n)
                                                           if n in order else len(order))}) from error
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in loaded.items()}
