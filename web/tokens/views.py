"""/account/tokens: an officer creates and revokes their own personal API tokens.

The secret is shown once, in the answer to the form that created it (never stored, never shown
again: workflows.api_tokens keeps its hash). A token acts as the officer, so only they manage it.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.errors import InvalidInput
from workflows.api_tokens import NAME_LIMIT, check_token_name, create_token, revoke_token, tokens_of

from ..access import requires, user
from ..db import db

blueprint = Blueprint("tokens", __name__, url_prefix="/account/tokens")


@blueprint.route("", methods=["GET", "POST"])
@requires()
def tokens():
    me, session = user(), db()
    name, error, created = "", None, None
    if request.method == "POST":
        name = request.form.get("name", "")
        try:
            row, secret = create_token(session, me, check_token_name(name))
            created = {"name": row.name, "secret": secret}
            name = ""
        except InvalidInput as refused:
            error = str(refused)
    error_list = [{"text": error, "href": "#name"}] if error else []
    return render_template("tokens/tokens.html", tokens=tokens_of(session, me), name=name, error=error,
                           error_list=error_list, created=created, name_limit=NAME_LIMIT,
                           api_docs=url_for("api.docs")), 400 if error else 200


@blueprint.post("/<int:token_id>/revoke")
@requires()
def revoke(token_id: int):
    row = revoke_token(db(), user(), token_id)
    flash(f"‘{row.name}’ has been revoked: it no longer opens the API.", "success")
    return redirect(url_for("tokens.tokens"))
