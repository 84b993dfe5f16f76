"""Sign-in with email and password; sign-out. Throttling and password checks are in workflows.accounts."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for

from workflows.accounts import SignInRefused, authenticate

from ..access import SESSION_STAMP, SESSION_USER, current_user, public, requires, safe_next, stamp
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
            session.clear()  # a new session on sign-in: no fixation
            session[SESSION_USER], session[SESSION_STAMP] = user.id, stamp(user)
            session.permanent = True
            return redirect(target or url_for("inbox.inbox"))
    error_list = [{"text": message, "href": f"#{field}"} for field, message in errors.items()]
    return render_template("auth/sign_in.html", email=email, next=target or "", errors=errors,
                           error_list=error_list), 400


@blueprint.post("/sign-out")
@requires()
def sign_out():
    session.clear()
    return redirect(url_for("auth.signed_out"))


@blueprint.get("/signed-out")
@public
def signed_out():
    return render_template("auth/signed_out.html")
