"""The JSON API against its own OpenAPI document (issue 11 point 8): schemathesis generates requests
for every operation of /api/openapi.json, valid ones and invalid ones, and sends them with a real
token, as an officer who may do everything (a case manager, process owner and administrator of an
authority with a case in progress). No answer may be a 5xx, and every answer must match what the
document says of it (status, content type, headers, body schema).

Deterministic (derandomize) and bounded (max_examples per operation and mode), so it runs the same
in CI on SQLite and on PostgreSQL within a minute or two. Driven through Hypothesis directly
rather than schemathesis' pytest plugin, whose fixture-based loader needs pytest's private
`_nodeid` (gone in pytest 9).
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks
from sqlalchemy import select

from engine.models import HumanTask
from tests.web.factories import route_xml
from web.app import create_app
from workflows.api_tokens import create_token

from .factories import TRAFFORD, make_user, start_case

RESPONSE_CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
                   checks.response_headers_conformance, checks.response_schema_conformance]
EXAMPLES = 12


def documented_operations() -> list[tuple[str, str]]:
    """(METHOD, path) of every operation, read from the document of an app with no database."""
    app = create_app({"SESSION_FACTORY": lambda: None, "SECRET_KEY": "spec-only", "TESTING": True})
    paths = app.test_client().get("/api/openapi.json").get_json()["paths"]
    return [(method.upper(), path) for path, item in paths.items() for method in item if method != "parameters"]


OPERATIONS = documented_operations()


@pytest.fixture
def officer(app, session, route, school):
    """The officer's token, and the ids of what exists: random ids would only ever find nothing."""
    officer = make_user(session, "all.roles@trafford.gov.uk", TRAFFORD,
                        ["case_manager", "link_adviser", "senior_adviser", "process_owner", "la_admin"])
    case = start_case(session, "100001")
    task = session.scalar(select(HumanTask).where(HumanTask.instance_id == case.id))
    secret = create_token(session, officer, "schemathesis")[1]
    session.commit()
    return {"token": secret, "ids": {"case_id": case.id, "task_id": task.id, "urn": "100001", "key": "web_route"}}


#: Bodies that exist in the world of `officer`, for the success paths random bodies never reach.
KNOWN_BODIES = {
    ("POST", "/api/v1/cases"): {"route": "web_route", "urn": "100001", "confirm_duplicate": True},
    ("POST", "/api/v1/tasks/{task_id}/complete"): {"data": {"concern_details": "Falling results",
                                                            "visit_on": "2026-11-02", "severity": "high"}},
    ("POST", "/api/v1/processes/validate"): {"bpmn_xml": route_xml()},
    ("POST", "/api/v1/processes/deploy"): {"bpmn_xml": route_xml(), "change_note": "Ours"},
}


def with_known_ids(ids: dict, method: str, path: str):
    """Half the examples name what exists (and send a body that fits it, where one is known)."""
    def known(case):
        if case.path_parameters:
            case.path_parameters = {name: ids[name] for name in case.path_parameters}
        if (method, path) in KNOWN_BODIES:
            case.body = KNOWN_BODIES[(method, path)]
        return case

    return known


def test_the_document_has_every_operation_of_the_api():
    assert len(OPERATIONS) == 17
    assert ("POST", "/api/v1/tasks/{task_id}/complete") in OPERATIONS


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("method, path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_answer_matches_the_document(app, officer, method, path, mode):
    operation = schemathesis.openapi.from_wsgi("/api/openapi.json", app)[path][method]
    headers = {"Authorization": f"Bearer {officer['token']}"}
    generated = operation.as_strategy(generation_mode=mode)
    if mode == GenerationMode.POSITIVE:
        generated = st.one_of(generated, generated.map(with_known_ids(officer["ids"], method, path)))

    @given(case=generated)
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def answers_as_documented(case):
        case.call_and_validate(headers=headers, checks=RESPONSE_CHECKS)

    answers_as_documented()
