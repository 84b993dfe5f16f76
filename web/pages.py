"""The few pages that belong to no area: the start page, accessibility and cookies."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, redirect, render_template, url_for

from .access import current_user, public

blueprint = Blueprint("pages", __name__)
#: The accessibility statement's dates (the 2018 regulations require both): change the second
#: whenever the statement is reviewed, at least once a year.
STATEMENT_PREPARED_ON = date(2026, 11, 30)
STATEMENT_REVIEWED_ON = date(2026, 11, 30)
#: Where officers report an accessibility problem; each deployment sets INTERVENE_ACCESSIBILITY_EMAIL.
DEFAULT_ACCESSIBILITY_EMAIL = "intervene-accessibility@example.gov.uk"


@blueprint.get("/")
@public
def home():
    return redirect(url_for("inbox.inbox" if current_user() else "auth.sign_in"))


@blueprint.get("/accessibility")
@public
def accessibility():
    email = current_app.config.get("ACCESSIBILITY_EMAIL") or DEFAULT_ACCESSIBILITY_EMAIL
    return render_template("pages/accessibility.html", email=email, prepared_on=STATEMENT_PREPARED_ON,
                           reviewed_on=STATEMENT_REVIEWED_ON)


@blueprint.get("/cookies")
@public
def cookies():
    return render_template("pages/cookies.html")
