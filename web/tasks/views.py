"""/tasks/<id>: the case context above the task's generated form; claim, unclaim and reassign."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from engine import runtime
from engine.errors import Conflict, NotAllowed
from engine.forms import FormErrors, validate_submission
from engine.models import HumanTask
from workflows.access import may_act_on, may_reassign, task_roles, visible_instance, visible_task
from workflows.account_models import User
from workflows.accounts import users_of
from workflows.case_view import display_names, open_tasks, pending_timers

from ..access import requires, safe_next, user
from ..case_page import case_context, deadlines, evidence, letters_so_far
from ..db import db
from ..fields import error_list, field_views, initial_values, posted_values, to_submission
from ..formatting import local_date, urgency
from ..labels import role_name

blueprint = Blueprint("tasks", __name__, url_prefix="/tasks")


def _page(task: HumanTask, values: dict, errors: dict, *, conflict: str | None = None, status: int = 200):
    me, session = user(), db()
    instance = visible_instance(session, me, task.instance_id)
    context = case_context(session, instance)
    records = evidence(session, instance.id)  # newest first
    position = next((i for i, r in enumerate(records) if r["record"].task_id == task.id), None)
    # A completed step, opened again, shows what came before it as its decision-maker saw it.
    own, earlier = (None, records) if position is None else (records[position], records[position + 1:])
    return render_template(
        "tasks/task.html", task=task, context=context, earlier=earlier, own=own,
        letters=letters_so_far(session, instance.id),
        deadlines=deadlines(session, instance.id, open_only=True), urgency=urgency(task.due_at),
        may_act=task.is_open and may_act_on(me, task), fields=field_views(task.form, values, errors, instance.data),
        errors=errors, error_list=error_list(task.form, errors), conflict=conflict,
        roles=[role_name(r) for r in sorted(task_roles(task))],
        may_reassign=task.is_open and may_reassign(me, task)), status


@blueprint.get("/<task_id>")
@requires()
def task_page(task_id: str):
    task = visible_task(db(), user(), task_id)
    return _page(task, initial_values(task.form, task.draft), {})


@blueprint.post("/<task_id>")
@requires()
def submit(task_id: str):
    me, session = user(), db()
    task = visible_task(session, me, task_id)
    values = posted_values(task.form, request.form)
    if not task.is_open:
        return _page(task, values, {}, conflict=_closed_message(task), status=409)
    if not may_act_on(me, task):
        raise NotAllowed(f"this task is assigned to {task.assignee}" if task.assignee
                         else "this task is for another role")
    data = to_submission(task.form, values)
    if request.form.get("intervene_action") == "draft":
        runtime.save_draft(session, task.id, data)
        flash("Your draft has been saved. You can come back to it at any time.", "success")
        return redirect(url_for("tasks.task_page", task_id=task.id))
    try:
        case_data = visible_instance(session, me, task.instance_id).data  # show_if rules may read it
        validate_submission(task.form, data, case_data)
        if _issues_letter(task):
            # Checked now, issued from the check page once the officer has seen the letter.
            runtime.save_draft(session, task.id, letter_check.checked_answers(task, data))
            return redirect(url_for("tasks.check", task_id=task.id))
        if task.assignee is None:
            runtime.claim_task(session, task.id, me.email)
        runtime.complete_task(session, task.id, me.email, data)
    except FormErrors as refused:
        return _page(task, values, refused.errors, status=400)
    except (Conflict, NotAllowed) as error:
        session.rollback()
        task = visible_task(session, me, task_id)
        message = _closed_message(task) if not task.is_open else str(error)
        return _page(task, values, {}, conflict=message, status=409)
    return redirect(url_for("tasks.done", task_id=task.id))


def _issues_letter(task: HumanTask) -> bool:
    return bool(str((task.properties or {}).get("letter") or "").strip())


def _closed_message(task: HumanTask) -> str:
    by = f" by {task.completed_by}" if task.completed_by else ""
    return f"Someone else completed this step first{by}. What you typed is still below, but it has not been saved"


@blueprint.get("/<task_id>/done")
@requires()
def done(task_id: str):
    me, session = user(), db()
    task = visible_task(session, me, task_id)
    if task.is_open:
        return redirect(url_for("tasks.task_page", task_id=task.id))
    instance = visible_instance(session, me, task.instance_id)
    waiting = open_tasks(session, instance.id)
    following = [t for t in waiting if may_act_on(me, t)]
    return render_template("tasks/done.html", task=task, context=case_context(session, instance),
                           following=following, next_steps=_next_steps(session, waiting),
                           timers=pending_timers(session, instance.id))


def _next_steps(session, waiting: list[HumanTask]) -> list[dict]:
    """Who does each open step of the case (role, and the person once it is assigned) and by when."""
    names = display_names(session, {t.assignee for t in waiting if t.assignee})
    return [{"task": t, "roles": " or ".join(role_name(r) for r in sorted(task_roles(t))) or role_name(t.role),
             "person": names.get(t.assignee, t.assignee) if t.assignee else None, "due_on": local_date(t.due_at)}
            for t in waiting]


@blueprint.post("/<task_id>/claim")
@requires()
def claim(task_id: str):
    me, session = user(), db()
    task = visible_task(session, me, task_id)
    if task.assignee and task.assignee != me.email:
        raise Conflict(f"‘{task.name}’ was already claimed by {task.assignee}")
    if not may_act_on(me, task):
        raise NotAllowed("this task is for a role you do not hold")
    runtime.claim_task(session, task.id, me.email)
    flash(f"You have claimed ‘{task.name}’.", "success")
    return redirect(url_for("tasks.task_page", task_id=task.id))


@blueprint.post("/<task_id>/unclaim")
@requires()
def unclaim(task_id: str):
    me, session = user(), db()
    task = visible_task(session, me, task_id)
    runtime.unclaim_task(session, task.id, me.email, may_override=may_reassign(me, task))
    flash(f"‘{task.name}’ is back in the inbox of everyone with its role.", "success")
    return redirect(safe_next(request.form.get("next")) or url_for("inbox.inbox"))


def _reassign_candidates(task: HumanTask, organisation_id: str) -> list[User]:
    wanted = task_roles(task)
    return [u for u in users_of(db(), organisation_id) if u.is_active and wanted & set(u.roles)]


@blueprint.route("/<task_id>/reassign", methods=["GET", "POST"])
@requires()
def reassign(task_id: str):
    me, session = user(), db()
    task = visible_task(session, me, task_id)
    if not may_reassign(me, task):
        abort(403)
    if not task.is_open:
        raise Conflict(_closed_message(task).split(". ")[0])
    candidates = _reassign_candidates(task, me.organisation_id)
    back = safe_next(request.values.get("next")) or url_for("inbox.inbox")
    error = None
    if request.method == "POST":
        chosen = request.form.get("assignee", "")
        if chosen not in {u.email for u in candidates}:
            error = "Select who to give the task to"
        else:
            runtime.reassign_task(session, task.id, me.email, chosen)
            flash(f"‘{task.name}’ is now assigned to {chosen}.", "success")
            return redirect(back)
    context = case_context(session, visible_instance(session, me, task.instance_id))
    items = [{"value": u.email, "text": f"{u.display_name} ({u.email})", "checked": u.email == task.assignee}
             for u in candidates]
    return render_template("tasks/reassign.html", task=task, context=context, candidates=candidates,
                           items=items, error=error, back=back,
                           error_list=[{"text": error, "href": "#assignee"}] if error else []), \
        400 if error else 200


from . import letter_check  # noqa: E402 - registers the check page's routes on `blueprint`
