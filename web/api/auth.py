"""Bearer tokens for the JSON API: `Authorization: Bearer intervene_...`, nothing else.

Runs after the access guard (which leaves `token_only` views to it). The token's officer becomes
`g.user`, so the request's session is scoped to their organisation exactly as their web pages are
(web/db.py, workflows.access). The session cookie is never read: a request carrying only a cookie
is a 401, so the CSRF-exempt API cannot be driven by another site through a signed-in browser.
"""
from __future__ import annotations

from flask import abort, current_app, g, request

from engine.db import transaction
from workflows.api_tokens import needs_use_stamp, stamp_use, token_for

from ..access import ACCESS_ATTR, TOKEN
from ..db import db

#: Where web/db.py keeps the app's session factory.
SESSION_FACTORY_KEY = "intervene_session_factory"


def bearer_secret() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() or None if scheme.lower() == "bearer" else None


def authenticate() -> None:
    """before_request: a token_only view gets the token's officer as g.user, or the request a 401."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, ACCESS_ATTR, None) != TOKEN:
        return
    g.user = None
    row = token_for(db(), bearer_secret())
    if row is None:
        abort(401, "Send a valid personal API token as 'Authorization: Bearer <token>'. Create one at "
                   "/account/tokens.")
    g.user = row.user
    if needs_use_stamp(row):
        # Its own short transaction: a GET's request session is read-only.
        with transaction(current_app.extensions[SESSION_FACTORY_KEY]) as session:
            stamp_use(session, row.id)
