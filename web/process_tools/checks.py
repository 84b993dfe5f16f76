"""POST /processes/check and POST /processes/dry-run: JSON for the modeller page.

Both take a model the owner has not deployed, so only those who may deploy processes may send one.
They are stateless: nothing is written, and the only thing read is the caller's own authority's
term dates (for the dry run's deadlines) and, given the `key` of the route the modeller edits, the
decision tables of the version the caller's organisation runs. Every bad request is a 400 with a
JSON message, never a 500: the page shows the message beside the diagram.
"""
from __future__ import annotations

import logging
from datetime import date
from typing import Any

from flask import Blueprint, jsonify, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import Forbidden, RequestEntityTooLarge

from engine import definitions
from engine.errors import Problem
from engine.parser import HostileXML, RefusedXML, parse_xml
from workflows.process_dry_run import authority_term_dates, dry_run
from workflows.roles import DEPLOYER_ROLES  # who may send a model to be checked or tried: those who deploy

from ..access import requires, user
from ..bpmn_bodies import allow_bpmn_sized_bodies
from ..db import db

log = logging.getLogger(__name__)
blueprint = Blueprint("process_checks", __name__, url_prefix="/processes")
# A draft the modeller may save may be checked and tried out too.
allow_bpmn_sized_bodies(blueprint, "process_checks.check", "process_checks.try_out")
#: A dry run starts no earlier or later than this: other years are typing mistakes.
EARLIEST_START, LATEST_START = date(1990, 1, 1), date(2100, 12, 31)


class BadRequest(Exception):
    """The request cannot be checked; the message says what to change."""


@blueprint.post("/check")
@requires(roles=DEPLOYER_ROLES)
def check():
    body = _body()
    xml, dmn, process_id = _model(body)
    try:
        problems = definitions.validate(xml, dmn, process_id)
    except Exception:  # a model the parser chokes on in a way we have not met: say so, do not fail
        log.exception("validating a model failed")
        raise BadRequest("The model could not be checked: it is not a BPMN file this service can read") from None
    return jsonify({"problems": [_problem(p) for p in problems],
                    "valid": not any(p.severity == "error" for p in problems)})


@blueprint.post("/dry-run")
@requires(roles=DEPLOYER_ROLES)
def try_out():
    body = _body()
    xml, dmn, process_id = _model(body)
    start_on = _start_on(body.get("start_on"))
    data = body.get("data")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise BadRequest("data must be a JSON object of sample answers by form field id")
    try:
        result = dry_run(xml, start_on, data, dmn, process_id,
                         term_dates=authority_term_dates(db(), user().organisation_id))
    except Exception:
        log.exception("dry run of a model failed")
        raise BadRequest("The model could not be tried out: it is not a BPMN file this service can run") from None
    return jsonify({
        "steps": [{"bpmn_id": s.bpmn_id, "name": s.name, "kind": s.kind, "role": s.role,
                   "due_on": s.due_on.isoformat() if s.due_on else None, "due_rule": s.due_rule,
                   "legal_source": s.legal_source} for s in result.steps],
        "problems": [_problem(p) for p in result.problems],
        "ended": result.ended,
    })


def _problem(problem: Problem) -> dict[str, str]:
    return {"element_id": problem.element_id, "severity": problem.severity, "message": problem.message}


def _body() -> dict[str, Any]:
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise BadRequest("Send a JSON object, for example {\"xml\": \"<bpmn:definitions ...>\"}")
    return body


def _model(body: dict[str, Any]) -> tuple[str, list[str], str | None]:
    xml, dmn, process_id = body.get("xml"), body.get("dmn") or [], body.get("process_id")
    key = body.get("key")
    if key is not None and not isinstance(key, str):
        raise BadRequest("key must be the id of the route being edited")
    if key:
        # The modeller sends the route it edits: check it as that process, with the decision tables
        # (DMN) of the version the organisation runs, which the page does not edit.
        process_id = process_id or key
        if not dmn:
            base = definitions.latest_definition(db(), key, required=False, owner=user().organisation_id)
            dmn = list(base.dmn_xml or []) if base is not None else []
    if not isinstance(xml, str) or not xml.strip():
        raise BadRequest("xml is missing: send the BPMN file's text as xml")
    if not isinstance(dmn, list) or not all(isinstance(d, str) for d in dmn):
        raise BadRequest("dmn must be a list of DMN files' texts")
    if process_id is not None and (not isinstance(process_id, str) or not process_id.strip()):
        raise BadRequest("process_id must be the id of a process in the file")
    for document in [xml, *dmn]:
        try:
            parse_xml(document)
        except RefusedXML as refused:
            raise BadRequest(f"The file was refused: {refused}") from None
        except HostileXML:
            pass  # not well-formed: a problem in the model, which the check reports
    return xml, dmn, process_id or None


def _start_on(value: Any) -> date:
    try:
        day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise BadRequest("start_on must be a real date written YYYY-MM-DD, for example 2026-12-01")
    if not EARLIEST_START <= day <= LATEST_START:
        raise BadRequest("start_on must be between 1990 and 2100")
    return day


@blueprint.errorhandler(BadRequest)
def bad_request(error: BadRequest):
    return jsonify({"message": str(error)}), 400


@blueprint.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    return jsonify({"message": "The model is too large to check: a BPMN file is at most a few megabytes"}), 400


@blueprint.errorhandler(CSRFError)
def csrf_failed(_error):
    return jsonify({"message": "The page's security token is missing or out of date: reload the page and try "
                               "again"}), 400


@blueprint.errorhandler(Forbidden)
def forbidden(_error):
    return jsonify({"message": "Only a process owner may check or try out a process model"}), 403
