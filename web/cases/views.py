"""/cases: the case list, a case page with its diagram, deadlines, timeline and letters."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from engine.db import utcnow
from workflows.access import may_act_on, may_manage_case, may_start_cases, task_roles, visible_instance
from workflows.case_leads import leads_of
from workflows.case_search import search_cases
from workflows.case_view import display_names, done_bpmn_ids, open_tasks, pending_timers
from workflows.letters import letter_by_id, render_again

from ..access import requires, user
from ..case_page import CaseContext, case_context, deadlines, evidence, letters_so_far, timeline
from ..db import db
from ..formatting import urgency
from ..labels import authority_names, role_name, route_choices, route_title
from ..paging import PER_PAGE, Page, page_number
from .filters import list_args, parse_request, selected_tags, sort_headers, step_choices

blueprint = Blueprint("cases", __name__, url_prefix="/cases")


@blueprint.get("")
@requires()
def case_list():
    """The organisation's cases, filtered (workflows.case_search), sorted and paged; a bad filter value
    is named in an error summary and left out, so the list shows as if it had not been given."""
    me, session = user(), db()
    filters, sort, errors = parse_request(request.args)
    results = search_cases(session, filters, sort, page_number(), PER_PAGE)
    leads = leads_of(session, {row.instance.id for row in results.rows})
    authorities = authority_names(session, {r.instance.owner for r in results.rows if r.instance.owner}) \
        if me.organisation_kind == "region" else None
    rows = [{"instance": row.instance, "school_name": row.school.name if row.school else None,
             "route": route_title(row.instance.process_key),
             "context": CaseContext(row.instance, row.school, route_title(row.instance.process_key)),
             "lead": leads.get(row.instance.id), "next": row,
             "authority": None if authorities is None else
             authorities.get(row.instance.owner or "") or (row.school.la_name if row.school else None)}
            for row in results.rows]
    args = list_args(filters, sort)
    page = Page(results.page, results.total, results.per_page)
    return render_template(
        "cases/list.html", rows=rows, page=page, routes=route_choices(), filters=filters, sort=sort,
        steps=step_choices(session, filters.route, me.organisation_id), selected=selected_tags(filters, args), errors=errors,
        error_list=[{"text": message, "href": f"#{name}"} for name, message in errors.items()],
        headers=sort_headers(sort, args), export_url=url_for("cases.export", **args),
        may_start=may_start_cases(me),
        pagination=page.component(lambda n: url_for("cases.case_list", **args, page=n))), 400 if errors else 200


def diagram_markers(session, instance, tasks, timers, now) -> dict[str, list[str]]:
    """bpmn element ids to mark: done (completed tasks, fired timers), current and overdue."""
    done = done_bpmn_ids(session, instance.id)
    current = [t.bpmn_id for t in tasks] + [j.bpmn_id for j in timers]
    overdue = [t.bpmn_id for t in tasks if t.due_at is not None and t.due_at < now]
    return {"completed": sorted(set(done) - set(current)), "current": sorted(set(current)),
            "overdue": sorted(set(overdue))}


@blueprint.get("/<int:instance_id>")
@requires()
def case_page(instance_id: int):
    me, session, now = user(), db(), utcnow()
    instance = visible_instance(session, me, instance_id)
    tasks, timers = open_tasks(session, instance.id), pending_timers(session, instance.id)
    task_rows = [{"task": t, "urgency": urgency(t.due_at, now), "may_act": may_act_on(me, t),
                  "role": " or ".join(role_name(r) for r in sorted(task_roles(t))) or role_name(t.role)}
                 for t in tasks]
    events = timeline(session, instance.id)
    letters = letters_so_far(session, instance.id)
    ending = next((e["detail"] for e in reversed(events) if e["action"] == "terminated"), None)
    return render_template(
        "cases/case.html", context=case_context(session, instance), instance=instance, tasks=task_rows,
        timers=timers, deadlines=deadlines(session, instance.id), timeline=events, ending=ending,
        letters=letters, correctable=correctable_letters(session, instance, letters), steps=evidence(session, instance.id),
        lead=leads_of(session, {instance.id}).get(instance.id), may_manage=may_manage_case(me, instance),
        may_correct=instance.status == "error" and may_manage_case(me, instance),
        markers=diagram_markers(session, instance, tasks, timers, now),
        started_by=display_names(session, {instance.started_by}).get(instance.started_by, instance.started_by))


@blueprint.get("/<int:instance_id>/diagram.bpmn")
@requires()
def diagram(instance_id: int):
    instance = visible_instance(db(), user(), instance_id)
    return Response(instance.definition.bpmn_xml, mimetype="application/xml",
                    headers={"Content-Disposition": f'inline; filename="{instance.process_key}.bpmn"'})


@blueprint.get("/<int:instance_id>/letters/<int:letter_id>")
@requires()
def letter(instance_id: int, letter_id: int):
    session = db()
    instance = visible_instance(session, user(), instance_id)
    found = letter_by_id(session, instance.id, letter_id)
    if found is None:
        abort(404)
    if found.content is None:  # recorded with its step, but its PDF is not rendered (yet)
        flash(f"‘{found.title}’ has not been produced as a PDF yet. Use “Produce the PDF again” below.")
        return redirect(url_for("cases.case_page", instance_id=instance.id))
    filename = str(found.filename).replace('"', "").replace("\r", "").replace("\n", "")
    return Response(found.content, mimetype=found.media_type or "application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blueprint.get("/<int:instance_id>/letters/<int:letter_id>/word")
@requires()
def letter_word(instance_id: int, letter_id: int):
    """The letter as an editable Word document, built from the data its PDF was rendered from."""
    from workflows.letter_docx import MEDIA_TYPE, render_docx
    from workflows.letters import letter_by_id

    session = db()
    instance = visible_instance(session, user(), instance_id)
    found = letter_by_id(session, instance.id, letter_id)
    if found is None or not found.render_input:
        abort(404)
    given = found.render_input
    filename, content = render_docx(found.kind, given["data"], date.fromisoformat(given["issued_on"]),
                                    given["organisation"])
    filename = filename.replace('"', "").replace("\r", "").replace("\n", "")
    return Response(content, mimetype=MEDIA_TYPE, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blueprint.post("/<int:instance_id>/letters/<int:letter_id>/render")
@requires()
def render_letter_again(instance_id: int, letter_id: int):
    """A letter whose PDF failed to render (or never did): render it from its stored data."""
    session = db()
    instance = visible_instance(session, user(), instance_id)
    found = letter_by_id(session, instance.id, letter_id)
    if found is None:
        abort(404)
    title = found.title
    session.commit()  # end this request's transaction: the render must hold no lock while it runs
    if render_again(session, letter_id):
        flash(f"‘{title}’ has been produced.", "success")
    else:
        session.expire_all()
        found = letter_by_id(session, instance.id, letter_id)
        if found is not None and found.status != "issued":
            flash(f"‘{title}’ could not be produced: {found.error}. Try again, or tell your administrator.")
    return redirect(url_for("cases.case_page", instance_id=instance.id))



# At the bottom: these modules add their routes to this module's blueprint, so they import it first.
from . import case_in_error, export, files, manage, start  # noqa: E402,F401
from .letter_corrections import correctable_letters  # noqa: E402
