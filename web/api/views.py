"""/api/health, and /api/docs: the v1 API (web/api/setup.py) described for people, from its own
OpenAPI document, as a GOV.UK page (no documentation UI from a CDN: the site's CSP allows none,
and officers may be offline)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..access import public
from ..db import db

blueprint = Blueprint("api", __name__, url_prefix="/api")


@blueprint.get("/health")
@public
def health():
    """200 when the database answers, 503 otherwise: for load balancers and `make run` checks."""
    try:
        db().execute(text("select 1"))
    except SQLAlchemyError:
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})


METHODS = ("get", "post", "put", "patch", "delete")


def operations(spec: dict) -> list[dict]:
    """Each operation of the OpenAPI document, grouped by tag, in the document's order."""
    found = []
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {})
            found.append({"method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                          "description": operation.get("description", ""),
                          "tag": (operation.get("tags") or [""])[0],
                          "parameters": [*shared, *operation.get("parameters", [])],
                          "body": next(iter(body.values()), {}).get("schema", {}).get("$ref", "").rsplit("/", 1)[-1],
                          "body_type": next(iter(body), ""),
                          "statuses": sorted(code for code in operation.get("responses", {}) if code != "default")})
    return found


@blueprint.get("/docs")
@public
def docs():
    spec = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    tags = {tag["name"]: tag.get("description", "") for tag in spec.get("tags", [])}
    return render_template("api/docs.html", spec=spec, tags=tags, operations=operations(spec))
