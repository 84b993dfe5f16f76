"""One database session per request, opened on first use.

A GET or HEAD request's session is read-only (engine.db.begin_read_only): on SQLite it reads
beside a writer instead of queueing for the write lock, and a page that tried to write would fail
at once. Any other request's session writes. It is committed after a response below 400 and
rolled back otherwise (a form with errors, a conflict, a 404), so a view that claims a task and then fails validation leaves nothing behind.
A view that must keep a change although it answers with an error (a failed sign-in is counted)
commits explicitly.

Every request session is scoped to the signed-in officer (workflows.access.scope_session): its
reads of case data see only what the officer may see, whatever the query; before sign-in, none.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy.orm import Session

from engine.db import begin_read_only
from workflows.access import scope_session

_KEY = "intervene_session_factory"
READ_ONLY_METHODS = ("GET", "HEAD")


def db() -> Session:
    session = g.get("_db_session")
    if session is None:
        session = current_app.extensions[_KEY]()
        scope_session(session, lambda: g.get("user"))
        if has_request_context() and request.method in READ_ONLY_METHODS:
            begin_read_only(session)
        g._db_session = session
    return session


def init_app(app: Flask, factory) -> None:
    app.extensions[_KEY] = factory

    @app.after_request
    def _finish(response: Response) -> Response:
        session = g.pop("_db_session", None)
        if session is not None:
            try:
                if response.status_code < 400:
                    session.commit()
                else:
                    session.rollback()
            finally:
                session.close()
        return response

    @app.teardown_request
    def _close(_error: BaseException | None) -> None:
        session = g.pop("_db_session", None)
        if session is not None:  # an exception skipped after_request
            session.rollback()
            session.close()


def write_factory():
    """Sessions for a write a read-only request must still make in a transaction of its own (the
    dashboard keeping the figures it had to count)."""
    return current_app.extensions[_KEY]
