"""Plain factory functions for the web tests: organisations, officers, schools, a test route, cases."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from engine import definitions, runtime
from engine.models import ProcessInstance
from workflows import accounts
from workflows.account_models import User
from workflows.registry import ProcessPackage
from workflows.school_models import School
from workflows.schools import search_name

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "web"
PASSWORD = "correct horse battery staple"
#: Markup a template meant as HTML but escaped (a str joined to Markup with ~): shows as text.
DOUBLE_ESCAPED = re.compile(r"&lt;/?(a|span|br|strong|p|ul|li)[ >/]")
ROUTE = ProcessPackage(
    key="web_route", title="Web test route",
    summary="A three-step route used by the web tests: check, approve, then the regional director decides.",
    applies_to=("maintained",))
#: Trafford (358) is in the DfE North West region; Derbyshire (830) in the East Midlands.
TRAFFORD, DERBYSHIRE, NORTH_WEST = "358", "830", "dfe-north-west"


def route_xml() -> str:
    return (FIXTURES / "web_route.bpmn").read_text(encoding="utf-8")


def deploy_route(session) -> None:
    definitions.deploy(session, route_xml(), "test@intervene")


def make_user(session, email: str, organisation: str = TRAFFORD, roles=("link_adviser",),
              name: str | None = None) -> User:
    return accounts.create_user(session, email, PASSWORD, organisation, list(roles), name)


def make_school(session, urn: str = "100001", name: str = "Ash Grove Primary School",
                type_of_establishment: str = "Community school", la_code: str = TRAFFORD,
                la_name: str = "Trafford", region: str = NORTH_WEST) -> School:
    school = School(urn=urn, name=name, search_name=search_name(name), type_of_establishment=type_of_establishment,
                    establishment_group=None, phase="Primary", la_code=la_code, la_name=la_name, trust_name=None,
                    diocese_name=None, religious_character=None, status="Open", region=region)
    session.add(school)
    session.flush()
    return school


def start_case(session, urn: str = "100001", actor: str = "starter@test", **data: Any) -> ProcessInstance:
    data.setdefault("check_due_on", "2030-01-15")
    return runtime.start_instance(session, "web_route", actor=actor, business_key=urn, data=data)


def csrf_token(html: str) -> str | None:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return found.group(1) if found else None


class Browser:
    """A Flask test client that signs in and sends the CSRF token the pages would send."""

    def __init__(self, client):
        self.client = client

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def token(self) -> str:
        for url in ("/cookies", "/sign-in"):
            found = csrf_token(self.client.get(url).get_data(as_text=True))
            if found:
                return found
        raise AssertionError("no page offered a CSRF token")

    def post(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token())
        return self.client.post(url, data=data, **kwargs)

    def sign_in(self, email: str, password: str = PASSWORD):
        response = self.post("/sign-in", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def text(self, url: str, status: int = 200) -> str:
        response = self.client.get(url)
        assert response.status_code == status, (url, response.status_code, response.headers.get("Location"))
        page = response.get_data(as_text=True)
        assert not DOUBLE_ESCAPED.search(page), f"{url}: markup escaped twice: {DOUBLE_ESCAPED.search(page)}"
        return page
