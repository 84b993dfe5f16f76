"""A stand-in `POST /processes/check` for the modeller page, until the validation work (helper
`checks`) lands its own: the lead drops this module then (and its import in __init__).

JSON {"xml": ...} in, {"problems": [{"element_id", "severity", "message"}]} out, from
engine.definitions.validate, which runs every registered check."""
from __future__ import annotations

from flask import jsonify, request

from engine import definitions
from engine.models import ProcessDefinition

from ..access import requires, user
from ..db import db
from .modeller import posted_xml
from .uploads import NotBpmn, read_bpmn
from .views import blueprint, require_owner


@blueprint.post("/check")
@requires()
def check():
    me = user()
    require_owner(me)
    try:
        found = read_bpmn(posted_xml())
    except NotBpmn as refused:
        return jsonify({"problems": [{"element_id": "(file)", "severity": "error", "message": str(refused)}]})
    body = request.get_json(silent=True) or {}
    key = body.get("key") if isinstance(body.get("key"), str) else None
    # A route with decision tables (DMN) is checked with the tables of the version it edits.
    base = definitions.latest_definition(db(), key, required=False, owner=me.organisation_id) if key else None
    dmn = base.dmn_xml if isinstance(base, ProcessDefinition) else []
    problems = definitions.validate(found.xml, dmn, key)
    return jsonify({"problems": [{"element_id": p.element_id, "severity": p.severity, "message": p.message}
                                 for p in problems]})
