"""/processes/<key>/edit: the process owner's modeller, its autosaved draft, and deploy.

The page loads the officer's draft (else the version their organisation's new cases use), saves
it back as they work (a JSON POST carrying the page's CSRF token in X-CSRFToken), and deploys it
as the organisation's own next version with a change note. Only process owners get here.
"""
from __future__ import annotations

import inspect

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from engine import definitions
from engine.clock import LOCAL_TZ, today_local
from engine.db import utcnow
from engine.errors import InvalidDefinition, NotFound, Problem
from engine.models import ProcessDefinition
from engine.scripting import registered_functions
from workflows import process_drafts
from workflows.account_models import User
from workflows.roles import ROLES

from ..access import requires, user
from ..db import db
from ..labels import route_title
from .uploads import NotBpmn, read_bpmn
from .views import blueprint, require_owner

CHANGE_NOTE_MAX = 2000
#: Functions for due dates and timers, first in the help list: the calendar's, then the routes' own.
CALENDAR_MODULE = "workflows.calendar"


def _base_version(session, key: str, organisation: str) -> ProcessDefinition | None:
    return definitions.latest_definition(session, key, required=False, owner=organisation)


def _known_process(key: str) -> None:
    """NotFound (404) unless the officer has a draft of the process or it is deployed for them."""
    me, session = user(), db()
    if process_drafts.load(session, key, me.organisation_id, me.email) is None \
            and _base_version(session, key, me.organisation_id) is None:
        raise NotFound(f"no process '{key}' is deployed and you have no draft of it")


def _draft_and_base(key: str):
    me, session = user(), db()
    draft = process_drafts.load(session, key, me.organisation_id, me.email)
    base = session.get(ProcessDefinition, draft.based_on_id) if draft and draft.based_on_id else None
    if draft is None:
        base = _base_version(session, key, me.organisation_id)
        if base is None:
            raise NotFound(f"no process '{key}' is deployed and you have no draft of it")
    return draft, base


def clock(moment) -> str:
    """'07:41' in England's time: what the page says the draft was saved at."""
    return moment.astimezone(LOCAL_TZ).strftime("%H:%M")


def function_help() -> list[dict]:
    """The functions due dates, timers and conditions may call, with their parameters and what they do."""
    found = []
    for name, function in registered_functions().items():
        try:
            parameters = ", ".join(inspect.signature(function).parameters)
        except (TypeError, ValueError):
            parameters = "..."
        summary = (inspect.getdoc(function) or "").split("\n\n")[0].replace("\n", " ")
        found.append({"name": name, "call": f"{name}({parameters})", "summary": summary,
                      "calendar": function.__module__ == CALENDAR_MODULE})
    return sorted(found, key=lambda f: (not f["calendar"], f["name"]))


def _other_editors(key: str) -> list[dict]:
    me, session = user(), db()
    drafts = process_drafts.other_editors(session, key, me.organisation_id, me.email)
    names = dict(session.execute(select(User.email, User.display_name).where(
        User.email.in_([d.user_email for d in drafts]), User.organisation_id == me.organisation_id)).all())
    return [{"name": names.get(d.user_email, d.user_email), "email": d.user_email, "saved_at": clock(d.updated_at)}
            for d in drafts]


@blueprint.get("/<key>/edit")
@requires()
def edit(key: str):
    require_owner(user())
    return _edit_page(key)


def _edit_page(key: str, problems: list[Problem] | None = None, change_note: str = "",
               note_error: str | None = None, status: int = 200):
    me = user()
    draft, base = _draft_and_base(key)
    current = definitions.current_version(db(), key, me.organisation_id)
    newest = _base_version(db(), key, me.organisation_id)
    # Someone deployed after this draft began: deploying it would silently undo their change.
    superseded = newest if draft and base and newest and newest.id != base.id else None
    errors = [{"text": note_error, "href": "#change-note"}] if note_error else []
    errors += [{"text": f"{p.element_id}: {p.message}", "href": "#server-problems"}
               for p in (problems or []) if p.severity == "error"]
    return render_template(
        "processes/edit.html", key=key, title=route_title(key), draft=draft, base=base,
        next_version=(current.version + 1) if current else 1, others=_other_editors(key),
        roles=ROLES, functions=function_help(), problems=problems or [], change_note=change_note,
        note_error=note_error, error_list=errors, saved_at=clock(draft.updated_at) if draft else None,
        superseded=superseded, today=today_local(),
    ), status


@blueprint.get("/<key>/draft.bpmn")
@requires()
def draft_xml(key: str):
    """The XML the modeller opens: the officer's draft, else the version new cases use."""
    require_owner(user())
    draft, base = _draft_and_base(key)
    xml = draft.bpmn_xml if draft else base.bpmn_xml  # type: ignore[union-attr]
    return Response(xml, mimetype="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{key}-draft.bpmn"'})


def _json_error(message: str, status: int = 400):
    return jsonify({"message": message}), status


def posted_xml() -> str:
    """The "xml" of the JSON body; NotBpmn (for a 400) when the body is not what the page sends."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("xml"), str):
        raise NotBpmn('Send a JSON object with the diagram as "xml"')
    return body["xml"]


@blueprint.post("/<key>/draft")
@requires()
def autosave(key: str):
    me = user()
    require_owner(me)
    session = db()
    base = _base_version(session, key, me.organisation_id)
    if base is None and process_drafts.load(session, key, me.organisation_id, me.email) is None:
        return _json_error(f"No process '{key}' is deployed: upload it from the processes page", 404)
    try:
        found = read_bpmn(posted_xml())
    except NotBpmn as refused:
        return _json_error(str(refused))
    draft = process_drafts.save(session, key, me.organisation_id, me.email, found.xml,
                                based_on_id=base.id if base else None, now=utcnow())
    return jsonify({"saved_at": clock(draft.updated_at), "others": _other_editors(key)})


@blueprint.post("/<key>/draft/discard")
@requires()
def discard(key: str):
    me = user()
    require_owner(me)
    _known_process(key)
    process_drafts.discard(db(), key, me.organisation_id, me.email)
    flash(f"Your draft of {route_title(key)} was discarded.", "success")
    return redirect(url_for("processes.process_list"))


@blueprint.post("/<key>/deploy")
@requires()
def deploy(key: str):
    me, session = user(), db()
    require_owner(me)
    _known_process(key)
    note = request.form.get("change_note", "").strip()
    draft = process_drafts.load(session, key, me.organisation_id, me.email)
    if draft is None:
        return _edit_page(key, note_error="You have no draft to deploy: change the diagram first",
                          change_note=note, status=400)
    if not note:
        return _edit_page(key, note_error="Enter a change note: what changed and why", change_note=note, status=400)
    if len(note) > CHANGE_NOTE_MAX:
        return _edit_page(key, note_error=f"The change note must be {CHANGE_NOTE_MAX} characters or fewer",
                          change_note=note, status=400)
    base = session.get(ProcessDefinition, draft.based_on_id) if draft.based_on_id else None
    try:
        deployed = definitions.deploy_version(session, draft.bpmn_xml, me.email, base.dmn_xml if base else [],
                                              change_note=note, process_id=key, owner=me.organisation_id)
    except InvalidDefinition as refused:
        session.rollback()
        return _edit_page(key, problems=refused.problems, change_note=note, status=400)
    process_drafts.discard(session, key, me.organisation_id, me.email)
    version = deployed.definition.version
    if deployed.unchanged:
        flash(f"Nothing to deploy: your draft is the same as version {version}, which new cases use.", "success")
    else:
        flash(f"Version {version} of {route_title(key)} is deployed. Your organisation's new cases use "
              "it; running cases stay on their version.", "success")
    return redirect(url_for("processes.process_list"))
