"""/api/v1/tasks: list, claim, unclaim, complete.

Each command does what the task page's buttons do, in the same order and through the same
functions (workflows.access, engine.runtime, the letter check of web.tasks.letter_check), so form
validation, the routes' task-validation hooks and letters behave as in the browser. A task that
issues a letter is checked like the check page checks it: the form, the notice's rules, and any
answer that looks like a placeholder, which must be confirmed by sending its token in
`confirm_placeholders` (the 422 lists them).
"""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint
from sqlalchemy import func, select

from engine import runtime
from engine.db import utcnow
from engine.errors import Conflict, NotAllowed
from engine.forms import FormErrors, validate_submission
from engine.models import HumanTask
from workflows.access import may_act_on, may_reassign, visible_instance, visible_task
from workflows.letter_checks import CONFIRMED_KEY, confirmation_token, unconfirmed_placeholders

from ..access import token_only, user
from ..db import db
from ..inbox.queries import tab_clause
from ..tasks.letter_check import letter_kind
from .paging import PageArgs, offset, paged
from .problems import problem
from .schemas import TaskPage, TaskSchema

blueprint = Blueprint("api_tasks", __name__, url_prefix="/api/v1/tasks",
                      description="Tasks: the steps officers do, in their inboxes.")
F = ma.fields
ORDER = (HumanTask.due_at.asc().nulls_last(), HumanTask.created_at, HumanTask.id)


class TaskFilters(PageArgs):
    state = F.String(load_default="open", validate=ma.validate.OneOf(["open", "completed", "all"]))
    assigned = F.String(load_default="", validate=ma.validate.OneOf(["", "me", "my_roles"]),
                        metadata={"description": "me: assigned to the officer; my_roles: unassigned, for their roles"})
    route = F.String(load_default="", validate=ma.validate.Length(max=200))
    case_id = F.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    overdue = F.Boolean(load_default=False)


class CompleteTask(ma.Schema):
    data = F.Dict(load_default=dict, metadata={"description": "the form's answers, by field id"})
    confirm_placeholders = F.List(F.String(validate=ma.validate.Length(max=2000)), load_default=list,
                                  metadata={"description": "tokens of answers that look like placeholders "
                                                           "and are meant (a letter task's 422 lists them)"})


def task_row(task: HumanTask, may_act: bool) -> dict[str, Any]:
    return {**{column: getattr(task, column) for column in (
        "id", "instance_id", "process_key", "business_key", "name", "bpmn_id", "role", "assignee", "due_at",
        "follow_up_at", "is_open", "created_at", "completed_at", "completed_by")},
        "candidate_groups": list(task.candidate_groups or []), "form": task.form or {}, "may_act": may_act,
        "issues_letter": _issues_letter(task)}


def _issues_letter(task: HumanTask) -> bool:
    return bool(letter_kind(task))


def _filtered(args: dict[str, Any]):
    me, query = user(), select(HumanTask)
    if args["state"] != "all":
        query = query.where(HumanTask.is_open.is_(args["state"] == "open"))
    if args["assigned"] == "me":
        query = query.where(tab_clause(me, "mine"))
    elif args["assigned"] == "my_roles":  # the inbox's own tabs, so the API lists what the inbox does
        query = query.where(tab_clause(me, "roles"))
    if args["route"]:
        query = query.where(HumanTask.process_key == args["route"])
    if args["case_id"] is not None:
        query = query.where(HumanTask.instance_id == args["case_id"])
    if args["overdue"]:
        query = query.where(HumanTask.is_open.is_(True), HumanTask.due_at < utcnow())
    return query


@blueprint.route("")
@blueprint.arguments(TaskFilters, location="query")
@blueprint.response(200, TaskPage)
@token_only
def list_tasks(args: dict[str, Any]):
    """Tasks of the cases the officer may see, soonest due first."""
    me, session, query = user(), db(), _filtered(args)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    found = session.scalars(query.order_by(*ORDER).offset(offset(args)).limit(args["per_page"]))
    return paged([task_row(task, may_act_on(me, task)) for task in found], total, args)


@blueprint.route("/<task_id>")
@blueprint.response(200, TaskSchema)
@token_only
def show_task(task_id: str):
    """One task, with the form `complete` takes."""
    me = user()
    task = visible_task(db(), me, task_id)
    return task_row(task, may_act_on(me, task))


@blueprint.route("/<task_id>/claim", methods=["POST"])
@blueprint.response(200, TaskSchema)
@token_only
def claim(task_id: str):
    """Take the task: it leaves the role's shared inbox for the officer's own."""
    me, session = user(), db()
    task = visible_task(session, me, task_id)
    if task.assignee and task.assignee != me.email:
        raise Conflict(f"‘{task.name}’ was already claimed by {task.assignee}")
    if not may_act_on(me, task):
        raise NotAllowed("this task is for a role you do not hold")
    task = runtime.claim_task(session, task.id, me.email)
    return task_row(task, may_act_on(me, task))


@blueprint.route("/<task_id>/unclaim", methods=["POST"])
@blueprint.response(200, TaskSchema)
@token_only
def unclaim(task_id: str):
    """Give the task back to everyone with its role."""
    me, session = user(), db()
    task = visible_task(session, me, task_id)
    task = runtime.unclaim_task(session, task.id, me.email, may_override=may_reassign(me, task))
    return task_row(task, may_act_on(me, task))


@blueprint.route("/<task_id>/complete", methods=["POST"])
@blueprint.arguments(CompleteTask)
@blueprint.response(200, TaskSchema)
@token_only
def complete(body: dict[str, Any], task_id: str):
    """Complete the task with its form's answers; the case moves on (and a letter is issued) as when
    the officer presses the button on the task page."""
    me, session = user(), db()
    task = visible_task(session, me, task_id)
    if not task.is_open:
        raise Conflict(f"‘{task.name}’ has already been completed" + (f" by {task.completed_by}"
                                                                        if task.completed_by else ""))
    if not may_act_on(me, task):
        raise NotAllowed(f"this task is assigned to {task.assignee}" if task.assignee else "this task is for another role")
    data = body["data"]
    try:
        if _issues_letter(task):
            data = _checked_letter_answers(task, data, set(body["confirm_placeholders"]))
        else:
            validate_submission(task.form, data, visible_instance(session, me, task.instance_id).data)
        if task.assignee is None:
            runtime.claim_task(session, task.id, me.email)
        runtime.complete_task(session, task.id, me.email, data)
    except FormErrors as refused:
        session.rollback()
        return _form_problem(refused.errors)
    except (Conflict, NotAllowed):
        session.rollback()
        raise
    task = visible_task(session, me, task_id)
    return task_row(task, may_act_on(me, task))


def _checked_letter_answers(task: HumanTask, data: dict[str, Any], confirmed: set[str]) -> dict[str, Any]:
    """The check page's rules: the answers and the notice's completeness (FormErrors otherwise), and
    every placeholder-looking answer confirmed by its token; kept as the task's draft, with the
    confirmations, as the check page keeps them, for the engine's own check at completion."""
    from ..tasks.letter_check import checked_answers

    answers = checked_answers(task, data)
    suspicious = unconfirmed_placeholders(task.form, answers, None)
    tokens = {field_id: confirmation_token(field_id, answer) for field_id, answer in suspicious.items()}
    missing = {field_id: f"This looks like a placeholder. If it is meant to be in the letter, send "
                         f"'{token}' in confirm_placeholders" for field_id, token in tokens.items()
               if token not in confirmed}
    if missing:
        raise FormErrors(missing)
    draft = runtime.save_draft(db(), task.id, {**answers, CONFIRMED_KEY: sorted(tokens.values())}).draft or {}
    return {key: value for key, value in draft.items() if key != CONFIRMED_KEY}  # as the check page issues it


def _form_problem(errors: dict[str, str]):
    return problem(422, "The answers are not valid: see errors.",
                   errors=[{"location": "json", "field": f"data.{name}", "message": str(message)}
                           for name, message in errors.items()])


