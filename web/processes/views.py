"""/processes: every route the organisation uses with its versions, downloads, and uploads.

Any signed-in officer may look; only a process owner (workflows.roles may_deploy_processes) may
upload, edit or deploy, and only the organisation's own versions (web/processes/modeller.py).
"""
from __future__ import annotations

from flask import Blueprint, Response, flash, g, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from engine.definitions import latest_definition
from engine.errors import NotAllowed
from workflows import process_drafts
from workflows.roles import may_deploy_processes

from .. import access
from ..access import requires, user
from ..bpmn_bodies import allow_bpmn_sized_bodies
from ..db import db
from .queries import process_rows, visible_definition
from .uploads import MAX_DOCUMENT_BYTES, MAX_MEGABYTES, NotBpmn, read_bpmn

blueprint = Blueprint("processes", __name__, url_prefix="/processes")
UPLOAD_FIELD = "bpmn_file"
allow_bpmn_sized_bodies(blueprint, "processes.upload", "processes.autosave")


@blueprint.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    """A body over the limit: the upload form with the limit in words, or JSON for the modeller."""
    if "user" not in g:
        access.load_user()
    message = f"The file must be smaller than {MAX_MEGABYTES} MB"
    if g.get("user") is None:
        return render_template("errors/400.html", message=message), 413
    if not may_edit(g.user):
        return render_template("errors/403.html"), 403
    if request.endpoint == "processes.upload":
        return _list_page(message, 413)
    return jsonify({"message": message}), 413


def may_edit(viewer) -> bool:
    return may_deploy_processes(viewer.roles)


def require_owner(viewer) -> None:
    if not may_edit(viewer):
        raise NotAllowed("only a process owner can change your organisation's processes")


@blueprint.app_context_processor
def processes_helpers() -> dict:
    return {"processes_upload_limit_mb": MAX_MEGABYTES}


@blueprint.get("")
@requires()
def process_list():
    return _list_page()


def _list_page(upload_error: str | None = None, status: int = 200):
    me = user()
    rows = process_rows(db(), me.organisation_id, me.organisation_kind == "region")
    errors = [{"text": upload_error, "href": f"#{UPLOAD_FIELD}"}] if upload_error else []
    return render_template("processes/list.html", rows=rows, may_edit=may_edit(me), upload_error=upload_error,
                           error_list=errors, upload_field=UPLOAD_FIELD), status


@blueprint.get("/<key>/versions/<int:definition_id>/download")
@requires()
def download(key: str, definition_id: int):
    me = user()
    definition = visible_definition(db(), me.organisation_id, key, definition_id)
    origin = "national" if definition.owner is None else definition.owner
    filename = f"{definition.key}-{origin}-v{definition.version}.bpmn"
    return Response(definition.bpmn_xml, mimetype="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blueprint.post("/upload")
@requires()
def upload():
    me = user()
    require_owner(me)
    sent = request.files.get(UPLOAD_FIELD)
    if sent is None or not sent.filename:
        return _list_page("Select a BPMN file", 400)
    with sent.stream:  # a large upload is spooled to a temporary file: close it whatever happens
        data = sent.stream.read(MAX_DOCUMENT_BYTES + 1)
    try:
        found = read_bpmn(data)
    except NotBpmn as refused:
        return _list_page(str(refused), 400)
    session = db()
    base = latest_definition(session, found.key, required=False, owner=me.organisation_id)
    process_drafts.save(session, found.key, me.organisation_id, me.email, found.xml,
                        based_on_id=base.id if base else None)
    flash(f"{sent.filename} is now your draft of {found.name}. Check it, then deploy it.", "success")
    return redirect(url_for("processes.edit", key=found.key))
