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

from .errors import InvalidInput


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
        if "min" in checks:
            validators.append(validate.Range(min=int(checks["min"]), error=f"{label} must be at least {{min}}"))
        if "max" in checks:
            validators.append(validate.Range(max=int(checks["max"]), error=f"{label} must be at most {{max}}"))
        return fields.Integer(required=required, allow_none=not required, strict=False, validate=validators,
                              error_messages={**messages, "invalid": f"{label} must be a whole number"})
    if kind == "boolean":
        return fields.Boolean(required=required, allow_none=not required,
                              error_messages={**messages, "invalid": f"{label} must be yes or no"})
    if kind == "date":
        return fields.Date(required=required, allow_none=not required,
                           error_messages={**messages, "invalid": f"{label} must be a real date"})
    if "minlength" in checks or "maxlength" in checks:
        validators.append(validate.Length(min=int(checks.get("minlength", 0)) or None,
                                          max=int(checks["maxlength"]) if "maxlength" in checks else None))
    if required:
        validators.append(validate.Length(min=1, error=messages["required"]))
    return fields.String(required=required, allow_none=not required, validate=validators,
                         error_messages={**messages, "invalid": f"{label} must be text"})


def form_schema(form: dict[str, Any]) -> Schema:
    """A marshmallow schema for the form; built once per distinct form (building one is slow)."""
    return _schema_for(json.dumps(form.get("fields", []), sort_keys=True))


@lru_cache(maxsize=1024)
def _schema_for(fields_json: str) -> Schema:
    declared = {f["id"]: _field(f) for f in json.loads(fields_json)
                if "readonly" not in (f.get("validation") or {})}
    return Schema.from_dict(declared)()


def validate_submission(form: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Validated data (dates as ISO text); raise FormErrors naming each bad field."""
    if not isinstance(data, dict):
        raise InvalidInput("task data must be a JSON object")
    schema = form_schema(form)
    known = set(schema.fields)
    # A field left out takes the form's camunda:defaultValue, as the form itself would show it.
    data = {**{f["id"]: f["default"] for f in form.get("fields", []) if f.get("default") not in (None, "")
               and f["id"] in known}, **data}
    unknown = sorted(set(data) - known)
    if unknown and form.get("fields"):
        raise FormErrors({name: "is not a field of this form" for name in unknown})
    try:
        loaded = schema.load({k: v for k, v in data.items() if k in known} if known else {})
    except ValidationError as error:
        order = [f["id"] for f in form.get("fields", [])]
        raw = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        messages = {k: (v[0] if isinstance(v, list) else str(v)) for k, v in raw.items()}
        raise FormErrors({k: messages[k] for k in sorted(messages, key=lambda n: order.index(n)
                                                           if n in order else len(order))}) from error
    if not form.get("fields"):
        loaded = dict(data)
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in loaded.items()}
