"""The few pages that belong to no area: the start page, accessibility and cookies."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from .access import current_user, public

blueprint = Blueprint("pages", __name__)


@blueprint.get("/")
@public
def home():
    return redirect(url_for("inbox.inbox" if current_user() else "auth.sign_in"))


@blueprint.get("/accessibility")
@public
def accessibility():
    return render_template("pages/accessibility.html")


@blueprint.get("/cookies")
@public
def cookies():
    return render_template("pages/cookies.html")
