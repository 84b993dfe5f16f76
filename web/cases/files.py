"""/cases/<id>/notes and /cases/<id>/documents: officers add notes and documents to a case they see.

Scoped like the case: every route starts from `visible_instance`, so another organisation gets 404
for the form, the note, the document and its download. The bytes' limit is the app's
MAX_UPLOAD_BYTES (INTERVENE_MAX_UPLOAD_BYTES, default 10 MB); the upload route alone accepts a body
that large, and a body larger still gets the form back with a GOV.UK error, never a bare 413.
"""
from __future__ import annotations

import io
import os

from flask import current_app, flash, g, redirect, render_template, request, send_file, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from engine.errors import NotFound
from workflows import case_files
from workflows.access import visible_instance

from .. import access
from ..access import requires, user
from ..api import problems
from ..case_page import case_context
from ..db import db
from .views import blueprint

#: Room in a request body for the form's other fields and the multipart framing around the file.
FORM_OVERHEAD_BYTES = 64 * 1024
UPLOAD_ENDPOINT = "cases.add_document"


@blueprint.record_once
def _default_limit(state) -> None:
    from_environment = os.environ.get("INTERVENE_MAX_UPLOAD_BYTES", "")
    state.app.config.setdefault("MAX_UPLOAD_BYTES", int(from_environment) if from_environment.isdigit()
                                else case_files.DEFAULT_MAX_BYTES)


def max_upload_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_BYTES"])


@blueprint.url_value_preprocessor
def _allow_large_upload_bodies(endpoint, _values) -> None:
    """Runs before the CSRF check reads the form: lift the body limit for the upload route only."""
    if endpoint == UPLOAD_ENDPOINT and request.method == "POST":
        request.max_content_length = max_upload_bytes() + FORM_OVERHEAD_BYTES


@blueprint.app_template_global()
def case_files_of(instance_id: int) -> dict:
    """The case's notes and documents for the partial cases/_notes_and_documents.html. Called only
    from pages that have already checked the case is visible (the case page, the task page), so
    those views need no change to show them."""
    session = db()
    return {"notes": case_files.notes_of(session, instance_id),
            "documents": case_files.documents_of(session, instance_id)}


@blueprint.app_template_filter("file_kind")
def file_kind(media_type: str) -> str:
    return case_files.KINDS_BY_MEDIA_TYPE.get(media_type, media_type)


@blueprint.app_template_filter("file_size")
def file_size(size: int) -> str:
    return case_files.megabytes(size)


def _step_and_back(session, instance):
    """The step the officer came from (?step=<task id>, in the query so that it survives a body too
    large to read) and the page to go back to."""
    step = case_files.step_of(session, instance, request.args.get("step"))
    back = (url_for("tasks.task_page", task_id=step.id) if step
            else url_for("cases.case_page", instance_id=instance.id)) + "#notes-and-documents"
    return step, back


def _form(template: str, instance, step, back, error: case_files.CaseFileRefused | None = None,
          status: int = 200, **values):
    errors = {error.field: str(error)} if error else {}
    return render_template(template, instance=instance, context=case_context(db(), instance), step=step,
                           back=back, errors=errors, values=values, max_size=case_files.megabytes(max_upload_bytes()),
                           note_max=case_files.NOTE_MAX_CHARS, description_max=case_files.DESCRIPTION_MAX_CHARS,
                           error_list=[{"text": message, "href": f"#{field}"} for field, message in errors.items()]
                           ), status


@blueprint.route("/<int:instance_id>/notes/new", methods=["GET", "POST"])
@requires()
def add_note(instance_id: int):
    me, session = user(), db()
    instance = visible_instance(session, me, instance_id)
    step, back = _step_and_back(session, instance)
    if request.method == "GET":
        return _form("cases/note_form.html", instance, step, back)
    text = request.form.get("note", "")
    try:
        case_files.add_note(session, instance, me.email, text, step)
    except case_files.CaseFileRefused as refused:
        return _form("cases/note_form.html", instance, step, back, refused, 400, note=text)
    flash("Your note has been added to the case.", "success")
    return redirect(back)


@blueprint.get("/<int:instance_id>/notes/<int:note_id>")
@requires()
def note(instance_id: int, note_id: int):
    session = db()
    instance = visible_instance(session, user(), instance_id)
    found = case_files.note_of(session, instance.id, note_id)
    if found is None:
        raise NotFound(f"no note {note_id} on this case")
    return render_template("cases/note.html", instance=instance, context=case_context(session, instance), note=found)


@blueprint.route("/<int:instance_id>/documents/new", methods=["GET", "POST"])
@requires()
def add_document(instance_id: int):
    me, session = user(), db()
    instance = visible_instance(session, me, instance_id)
    step, back = _step_and_back(session, instance)
    if request.method == "GET":
        return _form("cases/document_form.html", instance, step, back)
    upload = request.files.get("document")
    description = request.form.get("description", "")
    try:
        content = upload.read(max_upload_bytes() + 1) if upload else b""
        filename = (upload.filename or "") if upload else ""
        case_files.add_document(session, instance, me.email, filename, content,
                                max_bytes=max_upload_bytes(), description=description, step=step)
    except case_files.CaseFileRefused as refused:
        return _form("cases/document_form.html", instance, step, back, refused, 400, description=description)
    flash("Your document has been added to the case.", "success")
    return redirect(back)


@blueprint.get("/<int:instance_id>/documents/<int:document_id>")
@requires()
def document(instance_id: int, document_id: int):
    session = db()
    instance = visible_instance(session, user(), instance_id)
    found = case_files.document_of(session, instance.id, document_id)
    if found is None:
        raise NotFound(f"no document {document_id} on this case")
    response = send_file(io.BytesIO(found.content), mimetype=found.media_type, as_attachment=True,
                         download_name=found.filename, etag=found.sha256, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blueprint.app_errorhandler(RequestEntityTooLarge)
def too_large(_error):
    """A body over the limit: the upload form again with the limit in words (status 413); for the
    JSON API a problem, and elsewhere a page naming the limit that applied to what was sent."""
    if problems.is_api_request():
        return problems.problem(413, "The request body is too large: the limit is "
                                     f"{case_files.megabytes(request.max_content_length or 0)}.")
    if "user" not in g:
        access.load_user()
    limit = case_files.megabytes(max_upload_bytes())
    instance_id = (request.view_args or {}).get("instance_id")
    if request.endpoint == UPLOAD_ENDPOINT and g.get("user") is not None:
        try:
            instance = visible_instance(db(), g.user, instance_id)
        except NotFound:
            return render_template("errors/404.html"), 404
        step, back = _step_and_back(db(), instance)
        refused = case_files.CaseFileRefused("document", f"The selected file must be smaller than {limit}")
        return _form("cases/document_form.html", instance, step, back, refused, 413)
    applied = case_files.megabytes(request.max_content_length or max_upload_bytes())
    return render_template("errors/400.html", message=f"What you sent is too large. The limit is {applied}."), 413
