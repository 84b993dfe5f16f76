"""Sign-in with email and password; sign-out; an officer's own password. Throttling, sessions and
password checks are in workflows.accounts."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.errors import InvalidInput
from workflows.account_models import User
from workflows.accounts import (
    MIN_PASSWORD_LENGTH,
    SignInRefused,
    authenticate,
    change_own_password,
    check_password,
)

from ..access import begin_session, current_user, end_session, public, requires, safe_next, user
from ..db import db

blueprint = Blueprint("auth", __name__)


@blueprint.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user() is not None:
            return redirect(target or url_for("inbox.inbox"))
        return render_template("auth/sign_in.html", email="", next=target or "", errors={}, error_list=[])
    email = request.form.get("email", "").strip()
    password = request.form.get("password", "")
    errors = {}
    if not email:
        errors["email"] = "Enter your email address"
    if not password:
        errors["password"] = "Enter your password"
    if not errors:
        try:
            user = authenticate(db(), email, password, request.remote_addr)
        except SignInRefused as refused:
            db().commit()  # the failure must count although the page answers with an error
            errors["email"] = str(refused)
        else:
            begin_session(user)
            return redirect(target or url_for("inbox.inbox"))
    error_list = [{"text": message, "href": f"#{field}"} for field, message in errors.items()]
    return render_template("auth/sign_in.html", email=email, next=target or "", errors=errors,
                           error_list=error_list), 400


@blueprint.post("/sign-out")
@requires()
def sign_out():
    end_session()
    return redirect(url_for("auth.signed_out"))


@blueprint.get("/signed-out")
@public
def signed_out():
    return render_template("auth/signed_out.html")


@blueprint.route("/account/password", methods=["GET", "POST"])
@requires()
def change_password():
    """An officer's own password: the current one is required; every other session ends."""
    me = user()
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = _password_change_errors(me, request.form)
        if not errors:
            begin_session(me)  # set_password ended every session, this one too: start a new one here
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("auth.change_password"))
    error_list = [{"text": message, "href": f"#{field}"} for field, message in errors.items()]
    return render_template("auth/change_password.html", errors=errors, error_list=error_list,
                           min_length=MIN_PASSWORD_LENGTH), 400 if errors else 200


def _password_change_errors(me, form) -> dict[str, str]:
    current, new, confirm = (form.get(k, "") for k in ("current_password", "new_password", "confirm_password"))
    errors: dict[str, str] = {}
    if not current:
        errors["current_password"] = "Enter your current password"
    if not new:
        errors["new_password"] = "Enter a new password"
    elif new != confirm:
        errors["confirm_password"] = "The passwords do not match: type the new password twice"
    if errors:
        return errors
    try:
        check_password(new)
    except InvalidInput as refused:
        return {"new_password": str(refused)}
    try:
        change_own_password(db(), me, current, new)
    except InvalidInput as refused:
        db().commit()  # the wrong guess must count although the page answers with an error
        return {"current_password": str(refused)}
    return {}


@blueprint.route("/account/reminders", methods=["GET", "POST"])
@requires()
def reminders():
    """An officer's own reminder emails: the before-deadline ones and the digest can be turned off;
    the missed-deadline email cannot (workflows.reminders)."""
    me = db().get(User, user().id)
    error = None
    if request.method == "POST":
        choice = request.form.get("reminders")
        if choice not in ("on", "off"):
            error = "Select whether to get reminder emails"
        else:
            me.reminders_off = choice == "off"
            db().commit()
            flash("Your reminder emails are " + ("turned off." if me.reminders_off else "turned on."), "success")
            return redirect(url_for("auth.reminders"))
    error_list = [{"text": error, "href": "#reminders"}] if error else []
    return render_template("auth/reminders.html", reminders_off=me.reminders_off, error=error,
                           error_list=error_list), 400 if error else 200
