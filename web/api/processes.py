"""/api/v1/processes: the routes' BPMN definitions: list, versions, validate, deploy.

An officer sees the national versions and their own organisation's, never another's (as the CLI's
`processes list` is for operators, it shows all). Deploying stores the file as the organisation's
own next version of the route (its new cases start on it), and only a process owner may.
"""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import abort
from flask_smorest import Blueprint
from sqlalchemy import select

from engine import definitions
from engine.errors import InvalidDefinition, NotFound
from engine.models import ProcessDefinition
from engine.parser import MAX_DOCUMENT_BYTES
from workflows.roles import may_deploy_processes

from ..access import token_only, user
from ..bpmn_bodies import allow_bpmn_sized_bodies
from ..db import db
from ..labels import route_title
from .problems import problem
from .schemas import DeployResultSchema, ProcessSchema, ProcessVersionSchema, ValidationSchema

blueprint = Blueprint("api_processes", __name__, url_prefix="/api/v1/processes",
                      description="Process definitions (BPMN): the statutory routes and their versions.")
F = ma.fields
#: As large a file as the BPMN parser (and so the modeller) accepts; the request limit is lifted to match.
XML_LIMIT = MAX_DOCUMENT_BYTES
allow_bpmn_sized_bodies(blueprint, "api_processes.validate", "api_processes.deploy")


class ModelFile(ma.Schema):
    bpmn_xml = F.String(required=True, validate=ma.validate.Length(min=1, max=XML_LIMIT))
    dmn_xml = F.List(F.String(validate=ma.validate.Length(max=XML_LIMIT)), load_default=list)
    process_id = F.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=200),
                          metadata={"description": "the process to deploy when the file holds several"})


class DeployFile(ModelFile):
    change_note = F.String(load_default="", validate=ma.validate.Length(max=2000))


def _visible_versions():
    """National versions and the officer's organisation's own."""
    return select(ProcessDefinition).where(definitions.usable_by(user().organisation_id))


def _problems(problems) -> list[dict[str, str]]:
    return [{"element_id": p.element_id, "severity": p.severity, "message": p.message} for p in problems]


@blueprint.route("")
@blueprint.response(200, ProcessSchema(many=True))
@token_only
def list_processes():
    """Every deployed route, with the version the officer's organisation's new cases start on."""
    session, owner = db(), user().organisation_id
    keys = sorted(set(session.scalars(_visible_versions().with_only_columns(ProcessDefinition.key))))
    current = ((key, definitions.latest_definition(session, key, required=False, owner=owner)) for key in keys)
    return [{"key": key, "title": route_title(key), "current": found} for key, found in current if found]


@blueprint.route("/<key>/versions")
@blueprint.response(200, ProcessVersionSchema(many=True))
@token_only
def versions(key: str):
    """Every version of one route the officer may see, oldest first (national, then their own)."""
    found = list(db().scalars(_visible_versions().where(ProcessDefinition.key == key[:200]).order_by(
        ProcessDefinition.owner.is_not(None), ProcessDefinition.version)))
    if not found:
        raise NotFound(f"no process '{key}' is deployed")
    return found


@blueprint.route("/validate", methods=["POST"])
@blueprint.arguments(ModelFile)
@blueprint.response(200, ValidationSchema)
@token_only
def validate(body: dict[str, Any]):
    """Check a BPMN file without deploying it: every problem, by element id."""
    problems = definitions.validate(body["bpmn_xml"], body["dmn_xml"], body["process_id"])
    return {"valid": not any(p.severity == "error" for p in problems), "problems": _problems(problems)}


@blueprint.route("/deploy", methods=["POST"])
@blueprint.arguments(DeployFile)
@blueprint.response(201, DeployResultSchema)
@blueprint.alt_response(200, schema=DeployResultSchema, description="The same file is already the current version.")
@token_only
def deploy(body: dict[str, Any]):
    """Validate the file and store it as the organisation's next version of its route."""
    me, session = user(), db()
    if not may_deploy_processes(me.roles):
        abort(403, "Only a process owner may deploy a version of a route.")
    problems = definitions.validate(body["bpmn_xml"], body["dmn_xml"], body["process_id"])
    try:
        if any(p.severity == "error" for p in problems):
            raise InvalidDefinition(problems)
        deployed = definitions.deploy_version(session, body["bpmn_xml"], me.email, body["dmn_xml"],
                                              change_note=body["change_note"], process_id=body["process_id"],
                                              owner=me.organisation_id)
    except InvalidDefinition as refused:
        session.rollback()
        return problem(422, "The file cannot be deployed: see problems.", problems=_problems(refused.problems))
    return {"status": "unchanged" if deployed.unchanged else "deployed", "definition": deployed.definition,
            "problems": _problems(problems)}, 200 if deployed.unchanged else 201
