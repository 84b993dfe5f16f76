"""/cases/new: find a school, choose one of the routes that apply to it, start the case.

A route's start form is `ProcessPackage.extra["start_form"]` (camunda:formData-shaped: {"fields":
[...]}) when the package defines one; otherwise starting only needs a confirmation.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from engine import runtime
from engine.errors import InvalidInput, NotFound
from engine.forms import FormErrors, validate_submission
from engine.models import ProcessInstance
from workflows.access import may_start_cases, visible_instances
from workflows.case_leads import set_lead
from workflows.registry import ProcessPackage, processes
from workflows.school_models import School

from ..access import requires, user
from ..db import db
from ..fields import error_list, field_views, initial_values, posted_values, to_submission
from ..labels import school_kind
from .queries import open_cases_on_route, search_schools
from .views import blueprint

#: The checkbox that confirms a second open case of the same route for the same school.
DUPLICATE_FIELD = "confirm_duplicate"


def routes_for(school: School, viewer) -> list[ProcessPackage]:
    """Routes that apply to the school's kind and that the viewer's kind of organisation runs
    (a package with extra["owner"] == "region" is the regional director's)."""
    kind, is_region = school_kind(school), viewer.organisation_kind == "region"
    return sorted((p for p in processes().values()
                   if kind in p.applies_to and (p.extra.get("owner") == "region") == is_region),
                  key=lambda p: p.title)


def start_form(package: ProcessPackage) -> dict:
    form = package.extra.get("start_form") if package.extra else None
    return form if isinstance(form, dict) else {"fields": []}


@blueprint.route("/new", methods=["GET", "POST"])
@requires()
def new_case():
    me, session = user(), db()
    if not may_start_cases(me):
        abort(403)
    urn = request.values.get("urn", "").strip()
    if not urn:
        query = request.args.get("q", "").strip()[:200]
        return render_template("cases/new_search.html", query=query, schools=search_schools(session, query),
                               error_list=[])
    school = session.get(School, urn)
    if school is None:
        raise NotFound(f"no school with URN {urn}")
    routes = routes_for(school, me)
    key = request.values.get("route", "")
    package = next((p for p in routes if p.key == key), None)
    if package is None:
        chose = "route" in request.values or request.values.get("step") == "route"
        errors = {"route": "Select a route"} if chose else {}
        return render_template("cases/new_route.html", school=school, routes=routes, kind=school_kind(school),
                               errors=errors, error_list=[{"text": m, "href": "#route"} for m in errors.values()]), \
            400 if errors else 200
    form = start_form(package)
    duplicates = open_cases_on_route(session, package.key, school.urn)
    if request.method == "GET":
        return _start_page(school, package, form, initial_values(form, None), {}, duplicates=duplicates)
    values = posted_values(form, request.form)
    data = to_submission(form, values)
    if duplicates and request.form.get(DUPLICATE_FIELD) != "yes":
        return _start_page(school, package, form, values, _unconfirmed(package, school), duplicates=duplicates,
                           status=400)
    try:
        if form.get("fields"):
            data = validate_submission(form, data)
        instance = runtime.start_instance(session, package.key, actor=me.email, business_key=school.urn,
                                          data=data, owner=me.organisation_id)
    except FormErrors as refused:
        return _start_page(school, package, form, values, refused.errors, status=400)
    except (InvalidInput, NotFound) as refused:
        session.rollback()
        message = str(refused) if isinstance(refused, InvalidInput) else \
            f"{package.title} cannot be started yet: it has not been deployed"
        return _start_page(school, package, form, values, {}, message=message, status=400)
    if session.scalar(visible_instances(me).where(ProcessInstance.id == instance.id)) is None:
        session.rollback()
        message = (f"A case on this route would belong to {instance.owner or 'no organisation'}, not to "
                   "your organisation, so you cannot start it")
        return _start_page(school, package, form, values, {}, message=message, status=400)
    if instance.owner == me.organisation_id:
        set_lead(session, instance, me.email, me.email)  # whoever starts a case leads it until a manager says otherwise
    flash(f"{package.title} started for {school.name}.", "success")
    return redirect(url_for("cases.case_page", instance_id=instance.id))


def _unconfirmed(package: ProcessPackage, school: School) -> dict[str, str]:
    return {DUPLICATE_FIELD: f"Confirm that you want to start a second {package.title} case for {school.name}, "
                             "or go to the open case"}


def _start_page(school, package, form, values, errors, *, message: str | None = None, duplicates=(),
                status: int = 200):
    duplicate_error = errors.get(DUPLICATE_FIELD)
    listed = ([{"text": duplicate_error, "href": f"#{DUPLICATE_FIELD}"}] if duplicate_error else []) + \
        error_list(form, {k: v for k, v in errors.items() if k != DUPLICATE_FIELD}) + \
        ([{"text": message, "href": "#start"}] if message else [])
    return render_template("cases/new_start.html", school=school, package=package, duplicates=duplicates,
                           duplicate_error=duplicate_error, fields=field_views(form, values, errors),
                           error_list=listed), status
