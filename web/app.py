"""The Flask application: configuration, templates, blueprints, errors and security headers.

Configuration comes from the environment (INTERVENE_DATABASE_URL, INTERVENE_SECRET_KEY,
INTERVENE_INSECURE_COOKIES, INTERVENE_TRUSTED_PROXIES) or from the `config` dict tests pass.
"""
from __future__ import annotations

import functools
import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask, g, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from engine.db import make_engine, make_session_factory
from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound
from workflows.registry import install

from . import access, db, formatting, navigation
from .api import problems

WEB = Path(__file__).resolve().parent
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
#: A year, with subdomains: what the GOV.UK Service Manual asks of a service on its own domain.
HSTS = "max-age=31536000; includeSubDomains"
log = logging.getLogger(__name__)
csrf = CSRFProtect()


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in a URL: ids past PostgreSQL's `integer` (2^31-1, the narrowest id column) are
    no page at all (404), instead of a parameter the database refuses (500)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, 2**31 - 1 if max is None else max, signed)


def is_this_machine(host: str) -> bool:
    """The request's host without its port is a loopback name (`make run` on 127.0.0.1)."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name in LOOPBACK_HOSTS


class _SessionInterface(SecureCookieSessionInterface):
    """Secure cookies, except over plain http to this machine (`make run` on 127.0.0.1) or when
    INTERVENE_INSECURE_COOKIES=1; a real host never gets a cookie that could travel unencrypted."""

    def get_cookie_secure(self, app: Flask) -> bool:
        setting = app.config["SESSION_COOKIE_SECURE"]
        if setting != "auto":
            return bool(setting)
        return request.is_secure or not is_this_machine(request.host)


def _secret_key(app: Flask) -> str:
    """INTERVENE_SECRET_KEY, or one generated once and kept in instance/secret_key (never committed)."""
    key = os.environ.get("INTERVENE_SECRET_KEY")
    if key:
        return key
    path = Path(app.instance_path) / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def _configure(app: Flask, config: dict | None) -> None:
    config = dict(config or {})
    insecure = os.environ.get("INTERVENE_INSECURE_COOKIES") == "1"
    app.config.update(
        SESSION_COOKIE_NAME="intervene_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=False if insecure else "auto",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the signed-in session
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        SEND_FILE_MAX_AGE_DEFAULT=timedelta(hours=1),
        DATABASE_URL=os.environ.get("INTERVENE_DATABASE_URL"),
        ACCESSIBILITY_EMAIL=os.environ.get("INTERVENE_ACCESSIBILITY_EMAIL"),
    )
    app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app)
    factory = app.config.get("SESSION_FACTORY")
    if factory is None:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["intervene_engine"] = engine  # for whoever stops the app to dispose of
        factory = make_session_factory(engine)
    db.init_app(app, factory)
    proxies = int(os.environ.get("INTERVENE_TRUSTED_PROXIES", "0") or 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]


def _templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(WEB / "templates")),
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["govuk_date"] = formatting.govuk_date
    app.jinja_env.filters["step_summary"] = formatting.step_summary
    app.jinja_env.filters["govuk_datetime"] = formatting.govuk_datetime
    app.context_processor(navigation.template_context)


def _blueprints(app: Flask) -> None:
    from .admin.views import blueprint as admin
    from .api.views import blueprint as api
    from .auth.views import blueprint as auth
    from .cases import blueprint as cases
    from .dashboard.views import blueprint as dashboard
    from .inbox.views import blueprint as inbox
    from .incidents.views import blueprint as incidents
    from .pages import blueprint as pages
    from .process_tools import blueprints as process_tools
    from .process_versions import blueprint as process_versions
    from .processes import blueprint as processes
    from .schools.views import blueprint as schools
    from .tasks.views import blueprint as tasks
    from .tokens.views import blueprint as tokens

    for blueprint in (pages, auth, inbox, tasks, cases, schools, admin, incidents, processes, dashboard, tokens,
                      api, *process_tools):
        app.register_blueprint(blueprint)
    app.register_blueprint(process_versions)
    csrf.exempt(api)
    from .api.setup import init_api

    for blueprint in init_api(app):
        csrf.exempt(blueprint)  # it reads no cookie: a bearer token cannot be forged by another site
    static_view = app.view_functions["static"]

    @access.public
    def static(filename: str):
        return static_view(filename=filename)

    app.view_functions["static"] = static


def _error_page(status: int, template: str, **context):
    if "user" not in g:
        try:
            access.load_user()
        except Exception:  # the database itself may be what failed
            g.user = None
    return render_template(template, **context), status


def _or_problem(handler):
    """The JSON API's errors are problem+json (web.api.problems), never an HTML page."""
    @functools.wraps(handler)
    def answer(error):
        if problems.is_api_request():
            return problems.problem_for(error)
        return handler(error)

    return answer


def _errors(app: Flask) -> None:
    @app.errorhandler(NotFound)
    @_or_problem
    def not_found(_error):
        return _error_page(404, "errors/404.html")

    @app.errorhandler(NotAllowed)
    @_or_problem
    def not_allowed(error):
        return _error_page(403, "errors/403.html", message=str(error))

    @app.errorhandler(Conflict)
    @_or_problem
    def conflict(error):
        return _error_page(409, "errors/409.html", message=str(error))

    @app.errorhandler(InvalidInput)
    @_or_problem
    def invalid(error):
        return _error_page(400, "errors/400.html", message=str(error))

    @app.errorhandler(CSRFError)
    @_or_problem
    def csrf_failed(_error):
        return _error_page(400, "errors/csrf.html")

    @app.errorhandler(HTTPException)
    @_or_problem
    def http_error(error: HTTPException):
        pages = {403: "errors/403.html", 404: "errors/404.html", 405: "errors/404.html"}
        status = error.code or 500
        if status == 405:
            status = 404  # a GET of a POST-only URL is, to a person, a page that is not there
        if status >= 500:
            return _error_page(status, "errors/500.html")
        return _error_page(status, pages.get(status, "errors/400.html"), message=error.description)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if app.testing and not app.config.get("RENDER_500_IN_TESTS"):
            raise error  # a bug in a test run should fail the test, not hide in a 500 page
        log.exception("unhandled error on %s %s", request.method, request.path, exc_info=error)
        if problems.is_api_request():
            return problems.problem_for(error)
        return _error_page(500, "errors/500.html")


def _security_headers(app: Flask) -> None:
    @app.before_request
    def _nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.after_request
    def _headers(response):
        nonce = g.get("csp_nonce", "")
        response.headers.setdefault("Content-Security-Policy", "; ".join((
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            # bpmn-js positions its canvas with style attributes
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        if not is_this_machine(request.host):
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder=str(WEB / "static"), instance_path=str(WEB.parent / "instance"))
    _configure(app, config)
    app.url_map.converters["int"] = DatabaseIdConverter  # before any route is added
    app.session_interface = _SessionInterface()
    install()
    csrf.init_app(app)
    _templates(app)
    _security_headers(app)
    app.before_request(access.guard)
    _blueprints(app)
    _errors(app)
    return app
