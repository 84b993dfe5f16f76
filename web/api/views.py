"""The JSON API. Only the health check for now; the full API (flask-smorest, OpenAPI at
/api/openapi.json, tokens) is a later issue and will live in this blueprint."""
from __future__ import annotations

from flask import Blueprint, jsonify
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
