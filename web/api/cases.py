"""/api/v1/cases: list (the case list's filters), start, show (with deadlines), timeline.

Starting a case follows /cases/new step by step (the route must apply to the school and be one the
officer's kind of organisation runs, the start form is validated, a second open case of the same
route needs `confirm_duplicate`), so the API can start nothing the web would refuse.
"""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import abort, url_for
from flask_smorest import Blueprint

from engine import runtime
from engine.errors import InvalidInput
from engine.forms import FormErrors, validate_submission
from engine.models import ProcessInstance
from workflows.access import may_act_on, may_start_cases, visible_instance, visible_instances
from workflows.case_leads import set_lead
from workflows.case_view import case_deadlines, case_letters, describe_deadline, open_tasks, pending_timers
from workflows.school_models import School

from ..access import token_only, user
from ..case_page import timeline
from ..cases.queries import case_count, case_list_select, case_page_of, open_cases_on_route
from ..cases.start import routes_for, start_form
from ..db import db
from ..labels import route_title
from .paging import PageArgs, offset, paged
from .problems import problem
from .schemas import CaseDetailSchema, CasePage, EventSchema
from .tasks import task_row

blueprint = Blueprint("api_cases", __name__, url_prefix="/api/v1/cases",
                      description="Cases: one statutory route run for one school.")
F = ma.fields


class CaseFilters(PageArgs):
    route = F.String(load_default="", validate=ma.validate.Length(max=200),
                     metadata={"description": "a route's key, e.g. maintained_warning_notice"})
    status = F.String(load_default="", validate=ma.validate.OneOf(["", "open", "closed"]))
    school = F.String(load_default="", validate=ma.validate.Length(max=200),
                      metadata={"description": "words of the school's name, or its URN"})


class StartCase(ma.Schema):
    route = F.String(required=True, validate=ma.validate.Length(min=1, max=200))
    urn = F.String(required=True, validate=ma.validate.Length(min=1, max=20))
    data = F.Dict(load_default=dict, metadata={"description": "the route's start form, if it has one"})
    confirm_duplicate = F.Boolean(load_default=False,
                                  metadata={"description": "start although the school has an open case on the route"})


def case_row(instance: ProcessInstance, school: School | None) -> dict[str, Any]:
    return {**{column: getattr(instance, column) for column in (
        "id", "process_key", "business_key", "owner", "status", "error_message", "current_steps", "started_at",
        "started_by", "updated_at", "ended_at")},
        "route_title": route_title(instance.process_key), "school_name": school.name if school else None}


@blueprint.route("")
@blueprint.arguments(CaseFilters, location="query")
@blueprint.response(200, CasePage)
@token_only
def list_cases(args: dict[str, Any]):
    """The cases the token's officer may see, newest first."""
    session = db()
    query = case_list_select(args["route"], args["status"], args["school"].strip())
    total = case_count(session, query)
    found = case_page_of(session, query, offset(args), args["per_page"])
    return paged([case_row(instance, school) for instance, school in found], total, args)


@blueprint.route("", methods=["POST"])
@blueprint.arguments(StartCase)
@blueprint.response(201, CaseDetailSchema)
@token_only
def start_case(body: dict[str, Any]):
    """Start a route for a school, as /cases/new does; the case belongs to the officer's organisation."""
    me, session = user(), db()
    if not may_start_cases(me):
        abort(403, "Your roles do not include starting cases.")
    school = session.get(School, body["urn"].strip())
    if school is None:
        return _refused("urn", f"No school with URN {body['urn']} is in the register.")
    package = next((p for p in routes_for(school, me) if p.key == body["route"]), None)
    if package is None:
        return _refused("route", f"'{body['route']}' is not a route your organisation can start for this school.")
    if open_cases_on_route(session, package.key, school.urn) and not body["confirm_duplicate"]:
        return _refused("confirm_duplicate", f"{school.name} already has an open {package.title} case: send "
                                             "confirm_duplicate: true to start a second one.")
    form, data = start_form(package), body["data"]
    if data and not form.get("fields"):
        # As on the web, where such a route's start page has no fields to send.
        return _refused("data", f"{package.title} takes no data at its start: send none.")
    try:
        if form.get("fields"):
            data = validate_submission(form, data)
        instance = runtime.start_instance(session, package.key, actor=me.email, business_key=school.urn,
                                          data=data, owner=me.organisation_id)
    except FormErrors as refused:
        return _form_refused(refused)
    except InvalidInput as refused:
        return _refused("data", str(refused))
    if session.scalar(visible_instances(me).where(ProcessInstance.id == instance.id)) is None:
        session.rollback()
        abort(403, f"A case on this route would belong to {instance.owner or 'no organisation'}, not to yours.")
    if instance.owner == me.organisation_id:
        set_lead(session, instance, me.email, me.email)
    return case_detail(instance), 201, {"Location": url_for("api_cases.show_case", case_id=instance.id)}


def _refused(field: str, message: str):
    db().rollback()
    return problem(422, message, errors=[{"location": "json", "field": field, "message": message}])


def _form_refused(refused: FormErrors):
    db().rollback()
    errors = [{"location": "json", "field": f"data.{name}", "message": str(message)}
              for name, message in refused.errors.items()]
    return problem(422, "The form's answers are not valid: see errors.", errors=errors)


def case_detail(instance: ProcessInstance) -> dict[str, Any]:
    me, session = user(), db()
    school = session.get(School, instance.business_key) if instance.business_key else None
    today_deadlines = [{**describe_deadline(row), "instance_id": row.instance_id, "deadline_id": row.deadline_id}
                       for row in case_deadlines(session, instance.id)]
    return {**case_row(instance, school), "version": instance.definition.version, "data": instance.data or {},
            "tasks": [task_row(task, may_act_on(me, task)) for task in open_tasks(session, instance.id)],
            "deadlines": today_deadlines, "timers": pending_timers(session, instance.id),
            "letters": case_letters(session, instance.id)}


@blueprint.route("/<int:case_id>")
@blueprint.response(200, CaseDetailSchema)
@token_only
def show_case(case_id: int):
    """One case: its open tasks, deadlines (status as of today), pending timers and letters."""
    return case_detail(visible_instance(db(), user(), case_id))


@blueprint.route("/<int:case_id>/timeline")
@blueprint.response(200, EventSchema(many=True))
@token_only
def case_timeline(case_id: int):
    """What happened to the case, oldest first (the audit log)."""
    session = db()
    instance = visible_instance(session, user(), case_id)
    return timeline(session, instance.id)
