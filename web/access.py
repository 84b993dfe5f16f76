"""Every route says who may call it: `@public`, or `@requires()` (any signed-in officer) or
`@requires(roles=...)`. A route with neither is refused by `guard`, so forgetting is safe.

Which cases an officer may see is not decided here but in workflows.access, for every layer.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from urllib.parse import unquote, urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for

from workflows import accounts
from workflows.account_models import User

#: The view attribute `guard` reads: "public", `TOKEN`, or a tuple of roles (empty: any signed-in officer).
ACCESS_ATTR = "intervene_access"
#: A JSON API view (web/api): a personal API token authenticates it (web.api.auth), never the cookie.
TOKEN = "token"
#: The cookie holds only this random token; the server keeps its hash (workflows.accounts), so
#: sign-out and a password change end the session there and a replayed cookie finds nothing.
SESSION_ID = "session_id"


def public(view: Callable) -> Callable:
    setattr(view, ACCESS_ATTR, "public")
    return view


def token_only(view: Callable) -> Callable:
    """The view answers only a request with a valid bearer token (web.api.auth checks it); the
    session cookie is not even read, so a page open in the browser cannot be made to call it."""
    setattr(view, ACCESS_ATTR, TOKEN)
    return view


def requires(roles: Iterable[str] = ()) -> Callable[[Callable], Callable]:
    wanted = tuple(roles)

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, **kwargs)

        setattr(wrapper, ACCESS_ATTR, wanted)
        return wrapper

    return decorate


def current_user() -> User | None:
    return g.get("user")


def user() -> User:
    """The signed-in officer; only called from guarded views."""
    found = g.get("user")
    if found is None:
        abort(401)
    return found


def load_user() -> None:
    from web.db import db

    g.user = None
    token = session.get(SESSION_ID)
    if token is None:
        return
    account = accounts.session_user(db(), token)
    if account is None:
        session.clear()
        return
    g.user = account


def begin_session(account: User) -> None:
    """A fresh cookie session (no fixation) tied to a new server-side session."""
    from web.db import db

    session.clear()
    session[SESSION_ID] = accounts.start_session(db(), account)
    session.permanent = True


def end_session() -> None:
    from web.db import db

    accounts.end_session(db(), session.get(SESSION_ID))
    session.clear()


def guard() -> object | None:
    """before_request: refuse what the endpoint's declaration does not allow."""
    if has_nul(request.args) or (request.method == "POST" and has_nul(request.form)):
        abort(400, "Your request contained a character that cannot be stored (a NUL). Remove it and try again.")
    if request.endpoint is None or request.endpoint == "static":
        return None  # 404 / 405: let the error handlers answer
    if has_control_characters(request.view_args or {}):
        abort(404)
    view = current_app.view_functions.get(request.endpoint)
    access = getattr(view, ACCESS_ATTR, None)
    if access is None:
        current_app.logger.error("route %s declares no access rule; refused", request.endpoint)
        abort(403)
    if access == TOKEN:
        return None  # web.api.auth, which runs next, reads the bearer token
    load_user()
    if access == "public":
        return None
    if g.user is None:
        if request.method == "GET":
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        return redirect(url_for("auth.sign_in"))
    if access and not set(access) & set(g.user.roles):
        abort(403)
    return None


def safe_next(target: str | None) -> str | None:
    """A local path to go back to after sign-in; anything that could point elsewhere is dropped.

    Checked both as sent and percent-decoded, because browsers and proxies differ in what they
    decode: a path must start with one "/" and hold no backslash, no control character (a line
    break would split the Location header) and no space at either end.
    """
    if not target:
        return None
    for form in (target, unquote(target)):
        if not _is_local_path(form):
            return None
    return target


def _is_local_path(path: str) -> bool:
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return False
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in path):
        return False
    parts = urlsplit(path)
    return not (parts.scheme or parts.netloc)


def has_nul(values) -> bool:
    """PostgreSQL refuses NUL in text; no person types one, so a request carrying one is refused
    (400) before any page tries to look it up or store it."""
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def has_control_characters(values: dict) -> bool:
    """A URL part with a control character (a NUL, a line break) names no page; PostgreSQL
    refuses NUL in text outright, so the request stops here with a 404."""
    return any(isinstance(value, str) and any(ord(c) < 0x20 or ord(c) == 0x7F for c in value)
               for value in values.values())
