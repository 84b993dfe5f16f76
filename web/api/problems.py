"""Every error the JSON API answers is application/problem+json (RFC 9457): type, title, status,
detail, and for a 422 the fields that were refused, so a client handles one shape whatever failed,
a route that does not exist (404, 405) and flask-smorest's own argument checks (422) included."""
from __future__ import annotations

from http import HTTPStatus
from typing import Any

import marshmallow as ma
from flask import Response, json, request
from werkzeug.exceptions import HTTPException

from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound

MEDIA_TYPE = "application/problem+json"
API_PREFIX = "/api/"
#: Engine errors and the status each is.
ENGINE_ERRORS = ((NotFound, 404), (NotAllowed, 403), (Conflict, 409), (InvalidInput, 400))


class FieldErrorSchema(ma.Schema):
    #: Where the refused value was: "json" (the body), "query", "path" or "header".
    location = ma.fields.String(required=True)
    #: The field's name; "data.<field>" for a field of a task's or a case's form.
    field = ma.fields.String(required=True)
    message = ma.fields.String(required=True)


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details (documentation only: `problem` builds the body)."""

    type = ma.fields.String(required=True, metadata={"description": "about:blank: the status says it all"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String()
    errors = ma.fields.List(ma.fields.Nested(FieldErrorSchema), metadata={"description": "422: each refused field"})
    problems = ma.fields.List(ma.fields.Dict(), metadata={"description": "a refused BPMN file: each problem"})


def is_api_request() -> bool:
    """/api/... (the health check, the v1 API and its OpenAPI document): errors as JSON, not pages."""
    return request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")


def problem(status: int, detail: str | None = None, *, errors: list[dict[str, str]] | None = None,
            headers: dict[str, str] | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": _title(status), "status": status}
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def field_errors(messages: Any, location: str, prefix: str = "") -> list[dict[str, str]]:
    """marshmallow's nested {field: [messages]} flattened to one entry per message."""
    found: list[dict[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            found += field_errors(value, location, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(messages, list | tuple):
        for value in messages:
            found += field_errors(value, location, prefix)
    else:
        found.append({"location": location, "field": prefix or "_schema", "message": str(messages)})
    return found


def problem_for(error: BaseException) -> Response:
    """The problem+json answer to any error raised while the API served a request."""
    for kind, status in ENGINE_ERRORS:
        if isinstance(error, kind):
            return problem(status, str(error) or None)
    if isinstance(error, HTTPException):
        return _http_problem(error)
    return problem(500, "Something went wrong on our side. It has been logged; try again later.")


def _http_problem(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="intervene"')
    allowed = getattr(error, "valid_methods", None)
    if status == 405 and allowed:
        headers["Allow"] = ", ".join(sorted(allowed))
    if "messages" in data:  # webargs (flask-smorest's @arguments): {location: {field: [messages]}}
        errors = [entry for location, messages in data["messages"].items()
                  for entry in field_errors(messages, location)]
        return problem(status, data.get("message") or "Some of what was sent is not valid: see errors.",
                       errors=errors, headers=headers)
    detail = data.get("message") or (error.description if status < 500 else None)
    return problem(status, detail, errors=data.get("errors"), headers=headers)
