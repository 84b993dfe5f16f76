"""/incidents: the cases in error of the officer's organisation, and what a manager or process owner
does about one: retry, correct a value (the /cases/<id>/error page), skip the failing script step,
terminate the case; and suspend or resume a case. Every action is a POST with a reason (retry
excepted), audited by the engine with who and why; skip and terminate ask for confirmation first."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from engine import corrections, runtime, skips
from engine.errors import InvalidInput, NotAllowed
from engine.models import ProcessInstance
from workflows.school_models import School

from ..access import requires, user
from ..db import db
from ..labels import route_title
from .access import handled_case, incident_count, may_handle_case, may_handle_incidents
from .queries import LIST_LIMIT, cases_in_status, errored_since

blueprint = Blueprint("incidents", __name__, url_prefix="/incidents")
REASON_MAX = corrections.MAX_REASON_LENGTH


@dataclass(frozen=True)
class Action:
    """A reasoned action on a case: its words on the form and on the confirmation page."""

    title: str
    question: str
    button: str
    warning: str
    confirm: bool
    statuses: tuple[str, ...]


ACTIONS = {
    "skip": Action("Skip the step that failed", "Why are you skipping this step?", "Skip the step",
                   "The step is marked done without running. What it would have worked out is not recorded, "
                   "and the case runs on from the next step.", True, ("error",)),
    "terminate": Action("Terminate the case", "Why are you terminating the case?", "Terminate the case",
                        "This ends the case now. Its open tasks leave everyone's inbox and its time limits "
                        "stop. It cannot be reopened.", True, ("running", "waiting", "error", "suspended")),
    "suspend": Action("Suspend the case", "Why are you suspending the case?", "Suspend the case",
                      "Nobody can complete its tasks until it is resumed. Time limits that fall due meanwhile "
                      "take effect when it is resumed.", False, ("running", "waiting")),
    "resume": Action("Resume the case", "Why are you resuming the case?", "Resume the case",
                     "Its tasks can be completed again, and time limits that fell due while it was "
                     "suspended take effect now.", False, ("suspended",)),
}


@blueprint.app_context_processor
def incidents_navigation() -> dict:
    """The navigation link with the count of cases in error, for those who may handle them."""
    viewer = g.get("user")
    item = None
    if may_handle_incidents(viewer):
        count = incident_count(db(), viewer)
        here = (request.endpoint or "").startswith("incidents.")
        item = {"text": f"Incidents ({count})", "href": url_for("incidents.incident_list"),
                "active": here, "current": here and request.path == url_for("incidents.incident_list")}
    return {"incidents_nav": item, "may_handle_case": lambda instance: may_handle_case(viewer, instance)}


def _incidents(session, viewer) -> list[dict]:
    found = cases_in_status(session, viewer, "error")
    since = errored_since(session, [instance.id for instance, _ in found])
    return [{"instance": instance, "school": school or instance.business_key or "",
             "route": route_title(instance.process_key), "steps": corrections.failed_steps(instance),
             "skippable": skips.skippable_steps(instance),
             "since": since.get(instance.id) or instance.updated_at} for instance, school in found]


@blueprint.get("")
@requires()
def incident_list():
    me = user()
    if not may_handle_incidents(me):
        raise NotAllowed("only a manager or process owner can see the cases in error")
    session = db()
    return render_template("incidents/list.html", incidents=_incidents(session, me),
                           suspended=cases_in_status(session, me, "suspended"), limit=LIST_LIMIT)


@blueprint.post("/<int:instance_id>/retry")
@requires()
def retry(instance_id: int):
    instance = handled_case(db(), user(), instance_id)
    if instance.status != "error":
        flash(f"Case {instance.id} is no longer in error.", "success")
        return redirect(url_for("incidents.incident_list"))
    runtime.retry_instance(db(), instance.id, user().email)
    if instance.status == "error":
        flash(f"Case {instance.id} failed again: {instance.error_message}", "error")
    else:
        flash(f"Case {instance.id} has run on from the step that failed.", "success")
    return redirect(url_for("incidents.incident_list"))


def _form_errors(action: str, instance: ProcessInstance, step: str, reason: str) -> dict[str, str]:
    errors = {}
    if action == "skip" and step not in skips.skippable_steps(instance):
        errors["step"] = "Select the step to skip"
    if not reason:
        errors["reason"] = "Enter the reason"
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"The reason must be {REASON_MAX} characters or fewer"
    return errors


def _perform(action: str, instance: ProcessInstance, step: str, reason: str) -> str:
    session, actor = db(), user().email
    if action == "skip":
        skips.skip_failed_step(session, instance.id, actor, step, reason)
        if instance.status == "error":
            return f"The step was skipped, and case {instance.id} then failed at another: {instance.error_message}"
        return f"The step was skipped and case {instance.id} has run on."
    if action == "terminate":
        runtime.terminate_instance(session, instance.id, actor, reason=f"Terminated: {reason}")
        return f"Case {instance.id} has been terminated."
    if action == "suspend":
        runtime.suspend_instance(session, instance.id, actor, reason=reason)
        return f"Case {instance.id} has been suspended."
    runtime.resume_instance(session, instance.id, actor, reason=reason)
    return f"Case {instance.id} has been resumed."


@requires()
def reasoned_action(instance_id: int, action: str):
    instance = handled_case(db(), user(), instance_id)
    words = ACTIONS[action]
    back = request.args.get("from") == "case"
    if instance.status not in words.statuses:
        flash(f"Case {instance.id} is {instance.status}: it cannot be changed that way now.", "error")
        return _back(instance, back)
    skippable = skips.skippable_steps(instance) if action == "skip" else []
    steps = [s for s in corrections.failed_steps(instance) if s[0] in skippable]
    step = request.form.get("step", steps[0][0] if len(steps) == 1 else "")
    reason = request.form.get("reason", "").strip()
    errors = _form_errors(action, instance, step, reason) if request.method == "POST" else {}
    page = dict(instance=instance, action=action, words=words, steps=steps, step=step, reason=reason,
                reason_max=REASON_MAX, back=back, school=_school_name(instance),
                route=route_title(instance.process_key))
    if action == "skip" and not steps:
        return render_template("incidents/cannot_skip.html", **page,
                               failed=corrections.failed_steps(instance)), 409
    if request.method == "GET" or errors:
        return render_template("incidents/reason.html", errors=errors, **page,
                               error_list=[{"text": m, "href": f"#{k}"} for k, m in errors.items()]), \
            400 if errors else 200
    if words.confirm and request.form.get("confirmed") != "yes":
        return render_template("incidents/confirm.html", **page,
                               step_name=dict(steps).get(step, ""))
    try:
        flash(_perform(action, instance, step, reason), "success")
    except InvalidInput as refused:
        flash(str(refused).capitalize(), "error")
    return _back(instance, back)


for _name in ACTIONS:  # one URL per action (/incidents/<id>/skip ...), one view behind them
    blueprint.add_url_rule(f"/<int:instance_id>/{_name}", "reasoned_action", reasoned_action,
                           defaults={"action": _name}, methods=["GET", "POST"])


def _school_name(instance: ProcessInstance) -> str:
    school = db().get(School, instance.business_key) if instance.business_key else None
    return school.name if school else (instance.business_key or f"Case {instance.id}")


def _back(instance: ProcessInstance, to_case: bool):
    if to_case:
        return redirect(url_for("cases.case_page", instance_id=instance.id))
    return redirect(url_for("incidents.incident_list"))
