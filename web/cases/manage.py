"""/cases/<id>/close and /cases/<id>/lead-officer: a manager of the case's organisation withdraws or
closes a case with a reason, and names its lead officer. Both are audited."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from engine import runtime
from engine.errors import InvalidInput
from engine.models import ProcessInstance
from workflows.access import may_manage_case, visible_instance
from workflows.case_leads import lead_candidates, lead_of, set_lead

from ..access import requires, user
from ..case_page import case_context
from ..db import db
from .views import blueprint

#: How a manager may end a case early, as the audit log and the timeline say it.
ENDINGS = {
    "withdrawn": ("Withdraw the case", "It should not have been started, or the concern no longer needs action."),
    "closed": ("Close the case", "It has ended outside this service, for example the school closed or became an academy."),
}
REASON_MAX = 1000


def _managed_case(instance_id: int) -> ProcessInstance:
    me = user()
    instance = visible_instance(db(), me, instance_id)
    if not may_manage_case(me, instance):
        abort(403)
    return instance


def _close_errors(ending: str, reason: str) -> dict[str, str]:
    errors = {}
    if ending not in ENDINGS:
        errors["ending"] = "Select whether you are withdrawing or closing the case"
    if not reason:
        errors["reason"] = "Enter why the case is ending"
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"The reason must be {REASON_MAX} characters or fewer"
    return errors


@blueprint.route("/<int:instance_id>/close", methods=["GET", "POST"])
@requires()
def close_case(instance_id: int):
    session, instance = db(), _managed_case(instance_id)
    if instance.status in ("completed", "terminated"):
        flash("This case has already ended.", "success")
        return redirect(url_for("cases.case_page", instance_id=instance.id))
    ending, reason = request.form.get("ending", ""), request.form.get("reason", "").strip()
    errors = _close_errors(ending, reason) if request.method == "POST" else {}
    if request.method == "GET" or errors:
        return render_template("cases/close.html", context=case_context(session, instance), instance=instance,
                               endings=ENDINGS, ending=ending, reason=reason, errors=errors,
                               reason_max=REASON_MAX,
                               error_list=[{"text": m, "href": f"#{k}"} for k, m in errors.items()]), \
            400 if errors else 200
    label = "Withdrawn" if ending == "withdrawn" else "Closed"
    runtime.terminate_instance(session, instance.id, user().email, reason=f"{label}: {reason}")
    flash(f"The case has been {label.lower()}. Its open tasks have left everyone's inbox.", "success")
    return redirect(url_for("cases.case_page", instance_id=instance.id))


@blueprint.route("/<int:instance_id>/lead-officer", methods=["GET", "POST"])
@requires()
def lead_officer(instance_id: int):
    session, instance = db(), _managed_case(instance_id)
    candidates = lead_candidates(session, instance)
    current = lead_of(session, instance.id)
    chosen = request.form.get("officer", current.officer_email if current else "")
    error = None
    if request.method == "POST":
        try:
            set_lead(session, instance, chosen, user().email)
        except InvalidInput:
            error = "Select the officer who leads this case"
        else:
            flash("The lead officer has been changed.", "success")
            return redirect(url_for("cases.case_page", instance_id=instance.id))
    items = [{"value": u.email, "text": f"{u.display_name} ({u.email})", "checked": u.email == chosen}
             for u in candidates]
    return render_template("cases/lead_officer.html", context=case_context(session, instance), instance=instance,
                           items=items, error=error,
                           error_list=[{"text": error, "href": "#officer"}] if error else []), 400 if error else 200
