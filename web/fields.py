"""GOV.UK form fields generated from a camunda:formData form (human_task.form or a route's start form).

Three steps, each a plain function: `initial_values` (draft or defaults) and `posted_values`
(what the officer typed, kept as typed so a refused form comes back exactly as it was sent),
`to_submission` (typed values -> data for engine.forms.validate_submission), and `field_views`
(values + errors -> params for the GOV.UK macros). Validation itself is the engine's, not ours.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from engine.clock import optional_date
from engine.conditions import ShowIf, applies, rule_of

#: Free text is usually an account (grounds, findings, proposed action), so it gets a textarea;
#: ids ending like this are short answers (a name, who signed, who was copied) and get an input.
#: A field's camunda property multiline=true/false overrides both.
SINGLE_LINE_SUFFIXES = ("_name", "_by", "_to", "_trust", "_sponsor", "_reference", "_email", "_attendees")
#: More options than this and radios become a select.
MAX_RADIOS = 5
DATE_PARTS = ("day", "month", "year")


def editable(form: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in form.get("fields", []) if "readonly" not in (f.get("validation") or {})]


def widget(field: dict[str, Any]) -> str:
    kind = field.get("type") or "string"
    properties = field.get("properties") or {}
    if kind == "enum":
        return "radios" if len(field.get("options") or []) <= MAX_RADIOS else "select"
    if kind == "boolean":
        # A required boolean is a decision: Yes/No radios, never a tick-box that means "no" when
        # left blank. An optional one is one tick among several (grounds that apply).
        return "yesno" if "required" in (field.get("validation") or {}) else "checkbox"
    if kind == "date":
        return "date"
    if kind == "long":
        return "number"
    multiline = str(properties.get("multiline", "")).lower()
    if multiline in ("true", "false"):
        return "textarea" if multiline == "true" else "input"
    return "input" if field["id"].endswith(SINGLE_LINE_SUFFIXES) else "textarea"


def _stored_to_typed(field: dict[str, Any], value: Any) -> Any:
    """A stored value (ISO date text, bool, number) as the form shows it."""
    kind = widget(field)
    if kind == "date":
        day = optional_date(value)
        return {"day": str(day.day), "month": str(day.month), "year": str(day.year)} if day else \
            {"day": "", "month": "", "year": ""}
    if kind == "checkbox":
        return value is True or str(value).lower() in ("true", "yes", "1")
    if kind == "yesno":
        if value in (None, ""):
            return ""
        return "yes" if value is True or str(value).lower() in ("true", "yes", "1") else "no"
    return "" if value is None else str(value)


def initial_values(form: dict[str, Any], draft: dict[str, Any] | None) -> dict[str, Any]:
    values = {}
    for field in form.get("fields", []):
        default = field.get("default")
        if isinstance(default, str) and default.strip().startswith("${"):
            default = None  # an expression, not a value to show
        value = (draft or {}).get(field["id"], default)
        values[field["id"]] = _stored_to_typed(field, value)
    return values


def posted_values(form: dict[str, Any], posted: MultiDict) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in editable(form):
        name, kind = field["id"], widget(field)
        if kind == "date":
            values[name] = {part: posted.get(f"{name}-{part}", "").strip() for part in DATE_PARTS}
        elif kind == "checkbox":
            values[name] = posted.get(name) == "yes"
        elif kind == "yesno":
            values[name] = posted.get(name) if posted.get(name) in ("yes", "no") else ""
        else:
            values[name] = posted.get(name, "").strip() if kind != "textarea" else posted.get(name, "")
    return values


def _date_value(parts: dict[str, str]) -> str | None:
    if not any(parts.values()):
        return None
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"])).isoformat() \
            if len(parts["year"]) == 4 else "not a date"
    except (ValueError, KeyError):
        return "not a date"  # the engine's validation answers "... must be a real date"


def to_submission(form: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Empty answers are left out when required (the engine then says "Enter ..." or "Select ...")
    and sent as None when optional."""
    data: dict[str, Any] = {}
    for field in editable(form):
        name, kind = field["id"], widget(field)
        value = values.get(name)
        if kind == "date":
            value = _date_value(value or {})
        elif kind == "checkbox":
            value = bool(value)
        elif kind == "yesno":
            value = {"yes": True, "no": False}.get(value or "")
        elif not (value and value.strip()):
            value = None
        if value is None and "required" in (field.get("validation") or {}):
            continue
        data[name] = value
    return data


def error_href(form: dict[str, Any], name: str) -> str:
    field = next((f for f in form.get("fields", []) if f["id"] == name), None)
    if field is not None and widget(field) == "date":
        return f"#{name}-day"
    return f"#{name}"


def error_list(form: dict[str, Any], errors: dict[str, str]) -> list[dict[str, str]]:
    return [{"text": message, "href": error_href(form, name)} for name, message in errors.items()]


def _error(errors: dict[str, str], name: str) -> dict[str, str] | None:
    return {"text": errors[name]} if name in errors else None


def _hint(field: dict[str, Any]) -> dict[str, str] | None:
    hint = (field.get("properties") or {}).get("hint")
    if widget(field) == "date":
        hint = hint or "For example, 27 3 2026"
    return {"text": hint} if hint else None


def field_views(form: dict[str, Any], values: dict[str, Any], errors: dict[str, str],
                read_only: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """[{"macro": ..., "params": ...}] for templates/macros/fields.html, in form order.

    A field with a show_if rule on another field of this form is nested under the answer that
    reveals it (GOV.UK conditional reveal); one whose rule reads the case data (`read_only`) is
    left out when it does not apply. The engine enforces the same rules on submission."""
    views = _flat_views(form, values, errors, read_only)
    return _nest_conditionals(form, views, read_only or {})


def _item_revealing(parent: dict[str, Any], rule: ShowIf) -> str | None:
    """The radio value (or a single checkbox's "yes") that makes `rule` hold, when exactly one does."""
    kind = widget(parent)
    choices = ["yes", "no"] if kind == "yesno" else ["yes"] if kind == "checkbox" else \
        [o["id"] for o in parent.get("options") or []] if kind == "radios" else []
    typed = {"yes": True, "no": False} if kind in ("yesno", "checkbox") else {c: c for c in choices}
    revealing = [c for c in choices if rule.holds({rule.name: typed[c]})]
    return revealing[0] if len(revealing) == 1 else None


def _nest_conditionals(form: dict[str, Any], views: list[dict[str, Any]],
                       case_data: dict[str, Any]) -> list[dict[str, Any]]:
    by_id = {f["id"]: f for f in form.get("fields", [])}
    view_of = {view["field_id"]: view for view in views}
    top = []
    for view in views:
        field, rule = by_id[view["field_id"]], rule_of(by_id[view["field_id"]])
        parent = by_id.get(rule.name) if rule else None
        if rule is None or (parent is None and applies(field, case_data)):
            top.append(view)
        elif parent is not None and (value := _item_revealing(parent, rule)) and rule.name in view_of:
            view_of[rule.name].setdefault("reveals", {}).setdefault(value, []).append(view)
            view_of[rule.name]["params"].pop("classes", None)  # GOV.UK: no inline radios that reveal
        elif parent is not None:
            top.append(view)  # no single answer reveals it: always shown, the server decides
    return top


def _flat_views(form: dict[str, Any], values: dict[str, Any], errors: dict[str, str],
                read_only: dict[str, Any] | None) -> list[dict[str, Any]]:
    views = []
    for field in form.get("fields", []):
        name = field["id"]
        label = field.get("label") or name.replace("_", " ").capitalize()
        if "readonly" in (field.get("validation") or {}):
            shown = (read_only or {}).get(name, values.get(name))
            views.append({"macro": "readonly", "field_id": name, "params": {"label": label, "value": shown}})
            continue
        kind, value, error = widget(field), values.get(name), _error(errors, name)
        params: dict[str, Any] = {"id": name, "name": name, "errorMessage": error, "hint": _hint(field)}
        if kind in ("input", "number", "textarea", "select"):
            params["label"] = {"text": label, "classes": "govuk-label--s"}
        if kind == "input":
            params["value"] = value
        elif kind == "number":
            params.update(value=value, inputmode="numeric", classes="govuk-input--width-10", spellcheck=False)
        elif kind == "textarea":
            params.update(value=value, rows=5)
        elif kind == "select":
            params["items"] = [{"value": "", "text": "Choose an option", "selected": not value}] + [
                {"value": o["id"], "text": o.get("name") or o["id"], "selected": value == o["id"]}
                for o in field.get("options") or []]
        elif kind == "radios":
            params = {"idPrefix": name, "name": name, "errorMessage": error, "hint": _hint(field),
                      "fieldset": {"legend": {"text": label, "classes": "govuk-fieldset__legend--s"}},
                      "items": [{"value": o["id"], "text": o.get("name") or o["id"], "checked": value == o["id"]}
                                for o in field.get("options") or []]}
        elif kind == "yesno":
            params = {"idPrefix": name, "name": name, "errorMessage": error, "hint": _hint(field),
                      "fieldset": {"legend": {"text": label, "classes": "govuk-fieldset__legend--s"}},
                      "classes": "govuk-radios--inline",
                      "items": [{"value": "yes", "text": "Yes", "checked": value == "yes"},
                                {"value": "no", "text": "No", "checked": value == "no"}]}
        elif kind == "checkbox":
            params = {"idPrefix": name, "name": name, "errorMessage": error, "hint": _hint(field),
                      "items": [{"value": "yes", "text": label, "checked": bool(value)}]}
        elif kind == "date":
            parts = value or {"day": "", "month": "", "year": ""}
            classes = " govuk-input--error" if error else ""
            params = {"id": name, "namePrefix": name, "errorMessage": error, "hint": _hint(field),
                      "fieldset": {"legend": {"text": label, "classes": "govuk-fieldset__legend--s"}},
                      "items": [{"name": "day", "value": parts["day"], "classes": "govuk-input--width-2" + classes},
                                {"name": "month", "value": parts["month"], "classes": "govuk-input--width-2" + classes},
                                {"name": "year", "value": parts["year"], "classes": "govuk-input--width-4" + classes}]}
        views.append({"macro": kind, "field_id": name,
                      "params": {k: v for k, v in params.items() if v is not None}})
    return views
