"""The v1 JSON API on the app: flask-smorest, its OpenAPI document at /api/openapi.json, bearer
tokens, and problem+json for every error (documented as each operation's default response)."""
from __future__ import annotations

import http

from flask import Blueprint, Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from ..access import public
from ..app import DatabaseIdConverter
from . import auth, cases, deadlines, processes, schools, tasks
from .problems import MEDIA_TYPE, ProblemSchema

BLUEPRINTS = (cases.blueprint, tasks.blueprint, deadlines.blueprint, schools.blueprint, processes.blueprint)
OPENAPI_ENDPOINT = "api-docs.openapi_json"
CONFIG = {
    "API_TITLE": "Intervene",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {"description": "Cases, tasks, deadlines, schools and process definitions of your organisation. "
                                "Authenticate with a personal API token (create one at /account/tokens) sent as "
                                "'Authorization: Bearer <token>'. Errors are application/problem+json (RFC 9457)."},
        "components": {"securitySchemes": {"bearerToken": {"type": "http", "scheme": "bearer",
                                                           "description": "A personal API token"}}},
        "security": [{"bearerToken": []}],
    },
}


class InterveneApi(Api):
    """flask-smorest with problem+json errors: documented as such, and answered by the app's own
    error handlers (web/app.py), which know an API request from a page."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        pass  # web/app.py's handlers answer /api/... with problem+json

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error (problem details, RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, MEDIA_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def database_id(_converter) -> dict:
    return {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}


def init_api(app: Flask) -> list[Blueprint]:
    """Set the API up on `app`; the blueprints it added (for the caller to exempt from CSRF)."""
    for key, value in CONFIG.items():
        app.config.setdefault(key, value)
    api = InterveneApi(app)
    api.register_converter(DatabaseIdConverter, database_id)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.view_functions[OPENAPI_ENDPOINT] = public(_openapi_view(app.view_functions[OPENAPI_ENDPOINT]))
    app.before_request(auth.authenticate)
    return list(BLUEPRINTS)


def _openapi_view(view):
    def openapi_json():
        return view()

    return openapi_json
