"""/api/v1/schools: the register of schools (from GIAS): list, show, import.

The register is public data (GIAS publishes it), so any officer may read any school; a school's
cases are not here but under /api/v1/cases?school=<urn>, scoped as always. Importing changes the
register every organisation uses, so only administrators may, and the file is checked row by row
exactly as `intervene schools import` checks it (workflows.gias).
"""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import abort
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from sqlalchemy import func, select

from engine.errors import NotFound
from workflows.access import is_admin
from workflows.gias import import_gias_csv
from workflows.school_models import School
from workflows.schools import KINDS, classify, find_schools

from ..access import token_only, user
from ..db import db
from .paging import PageArgs, offset, paged
from .schemas import ImportReportSchema, SchoolPage, SchoolSchema

blueprint = Blueprint("api_schools", __name__, url_prefix="/api/v1/schools",
                      description="The register of schools, as published by GIAS.")
F = ma.fields


class SchoolFilters(PageArgs):
    search = F.String(load_default="", validate=ma.validate.Length(max=200),
                      metadata={"description": "words of the name (case and accents ignored), or the start of a URN"})
    la_code = F.String(load_default="", validate=ma.validate.Length(max=10))
    kind = F.String(load_default="", validate=ma.validate.OneOf(["", *KINDS]))


class ImportFile(ma.Schema):
    file = Upload(required=True, metadata={"description": "a GIAS establishment export (CSV, as downloaded)"})


def school_row(school: School) -> dict[str, Any]:
    return {**{column: getattr(school, column) for column in (
        "urn", "name", "type_of_establishment", "phase", "la_code", "la_name", "region", "trust_name",
        "diocese_name", "status")}, "kind": classify(school.type_of_establishment)}


@blueprint.route("")
@blueprint.arguments(SchoolFilters, location="query")
@blueprint.response(200, SchoolPage)
@token_only
def list_schools(args: dict[str, Any]):
    """Schools by name."""
    session = db()
    wanted = {"la_code": args["la_code"] or None, "kind": args["kind"] or None, "search": args["search"] or None}
    everything = find_schools(session, **wanted, limit=offset(args) + args["per_page"])
    total = _count(session, wanted)
    return paged([school_row(s) for s in everything[offset(args):]], total, args)


def _count(session, wanted: dict[str, Any]) -> int:
    if not any(wanted.values()):
        return session.scalar(select(func.count()).select_from(School)) or 0
    return len(find_schools(session, **wanted))


@blueprint.route("/<urn>")
@blueprint.response(200, SchoolSchema)
@token_only
def show_school(urn: str):
    """One school's register entry."""
    school = db().get(School, urn.strip()[:20])
    if school is None:
        raise NotFound(f"no school with URN {urn}")
    return school_row(school)


@blueprint.route("/import", methods=["POST"])
@blueprint.arguments(ImportFile, location="files")
@blueprint.response(200, ImportReportSchema)
@token_only
def import_schools(files: dict[str, Any]):
    """Load or update schools from a GIAS export: rows are matched on URN; bad rows are listed by line
    and skipped; a file without the GIAS columns is refused whole and nothing changes."""
    if not is_admin(user()):
        abort(403, "Only an administrator may import schools into the register.")
    return import_gias_csv(db(), files["file"].stream).as_dict()
