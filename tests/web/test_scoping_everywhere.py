"""One scoping rule for every read (issue 11 point 7).

Every GET page of the app is walked as officers of two authorities and of a region, each asking
for its own case's pages and the other authority's. While a request runs, every SELECT that reads
a table holding case data must carry that table's rule (the `scope_<table>` bind that
workflows.access adds through the session): a new query that reads cases, tasks, deadlines,
letters, audit events, notes, documents or leads without it fails here, whichever page runs it.
"""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from engine.db import utcnow
from engine.models import AuditEvent, Deadline, HumanTask, ProcessInstance
from workflows.access import SCOPED_MODELS, UNSCOPED_OPTION
from workflows.api_tokens import create_token
from workflows.case_file_models import CaseDocument, CaseNote
from workflows.case_models import CaseLead
from workflows.letter_models import Letter

from .factories import DERBYSHIRE, NORTH_WEST, TRAFFORD, Browser, make_school, make_user, start_case

SCOPED_TABLES = sorted(model.__tablename__ for model in SCOPED_MODELS)
TABLE_NAMES = "|".join(SCOPED_TABLES)
READS = re.compile(rf'\b(?:FROM|JOIN)\s+"?({TABLE_NAMES})"?(?=[\s,)"]|$)', re.IGNORECASE)


class UnscopedReads:
    """A before_cursor_execute listener: the case-data tables a SELECT reads without their rule."""

    def __init__(self):
        self.recording = False
        self.found: list[tuple[str, str, str]] = []
        self.url = ""

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not self.recording or not statement.lstrip().upper().startswith(("SELECT", "WITH")):
            return
        if context.execution_options.get(UNSCOPED_OPTION) or self.is_refresh(context):
            return
        binds = context.compiled.binds if context.compiled is not None else {}
        for table in sorted(set(READS.findall(statement))):
            if f"scope_{table}" not in binds:
                self.found.append((self.url, table, " ".join(statement.split())[:300]))

    @staticmethod
    def is_refresh(context) -> bool:
        """A deferred column or an expired row reloaded by primary key: the row itself was loaded
        under the rule (SQLAlchemy applies no loader criteria to a refresh)."""
        compile_state = getattr(context.compiled, "compile_state", None)
        options = getattr(compile_state, "compile_options", None)
        return bool(getattr(options, "_for_refresh_state", False))

    @contextmanager
    def during(self, url: str):
        self.recording, self.url = True, url
        try:
            yield
        finally:
            self.recording = False


@pytest.fixture
def unscoped(session):
    listener = UnscopedReads()
    connection = session.connection()
    event.listen(connection, "before_cursor_execute", listener)
    yield listener
    event.remove(connection, "before_cursor_execute", listener)


def fill_case(session, instance, officer: str) -> dict[str, int | str]:
    """A row in every table of case data for this case; the ids the pages take."""
    task = session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id))
    letter = Letter(instance_id=instance.id, owner=instance.owner, kind="warning_notice", title="Warning notice",
                    filename="notice.pdf", media_type="application/pdf", content=b"%PDF-1.7 test", sha256="0" * 64,
                    status="issued", created_at=utcnow(), created_by=officer, recipients=[])
    note = CaseNote(instance_id=instance.id, text="A note", created_by=officer)
    document = CaseDocument(instance_id=instance.id, filename="evidence.txt", media_type="text/plain", size=4,
                            sha256="0" * 64, content=b"text", created_by=officer)
    session.add_all([letter, note, document, CaseLead(instance_id=instance.id, officer_email=officer, set_by=officer),
                     Deadline(instance_id=instance.id, owner=instance.owner, deadline_id="reply", name="Reply",
                              due_on=utcnow().date(), rule="15th working day", source="EIA 2006 s60(5)",
                              status="pending")])
    session.flush()
    assert session.scalar(select(AuditEvent.id).where(AuditEvent.instance_id == instance.id)) is not None
    return {"instance_id": instance.id, "case_id": instance.id, "key": instance.process_key, "task_id": task.id,
            "letter_id": letter.id, "note_id": note.id, "document_id": document.id, "urn": instance.business_key,
            "name": "severity", "route_key": instance.process_key}


@pytest.fixture
def two_authorities(session, route, school):
    make_school(session, "200001", "Dale View Academy", la_code=DERBYSHIRE, la_name="Derbyshire",
                region="dfe-east-midlands")
    trafford = make_user(session, "cm@trafford.gov.uk", TRAFFORD, ["case_manager", "link_adviser", "la_admin"])
    derbyshire = make_user(session, "cm@derbyshire.gov.uk", DERBYSHIRE, ["case_manager", "link_adviser", "la_admin"])
    director = make_user(session, "rd@education.gov.uk", NORTH_WEST, ["regional_director", "region_admin"])
    cases = {TRAFFORD: start_case(session, "100001"), DERBYSHIRE: start_case(session, "200001")}
    assert {c.owner for c in cases.values()} == {TRAFFORD, DERBYSHIRE}
    ids = {org: fill_case(session, case, f"cm@{name}.gov.uk")
           for (org, case), name in zip(cases.items(), ("trafford", "derbyshire"), strict=True)}
    users = {TRAFFORD: trafford, DERBYSHIRE: derbyshire, NORTH_WEST: director}
    tokens = {org: create_token(session, user, "walk")[1] for org, user in users.items()}  # for /api/v1
    session.commit()
    return {"users": users, "ids": ids, "tokens": tokens}


def get_pages(app):
    return [rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and rule.endpoint != "static"]


def url_for(rule, values: dict) -> str:
    url = rule.rule
    for argument in rule.arguments - set(rule.defaults or ()):  # a default is fixed by the rule itself
        url = re.sub(rf"<(?:[a-z]+:)?{argument}>", str(values[argument]), url)
    return url


def walk(app, email: str, values: dict, unscoped: UnscopedReads, token: str) -> dict[str, tuple[int, str]]:
    """Every GET page signed in as `email`, and every GET of the JSON API with their API token."""
    browser = Browser(app.test_client())
    browser.sign_in(email)
    answers = {}
    for rule in get_pages(app):
        url = url_for(rule, values)
        with unscoped.during(url):
            response = browser.get(url, headers={"Authorization": f"Bearer {token}"})
        answers[url] = (response.status_code, response.get_data(as_text=True) if response.mimetype == "text/html" else "")
    return answers


@pytest.mark.parametrize("organisation", [TRAFFORD, DERBYSHIRE, NORTH_WEST])
def test_every_page_reads_case_data_through_the_rule(app, two_authorities, unscoped, organisation):
    users, ids = two_authorities["users"], two_authorities["ids"]
    for case_organisation in (TRAFFORD, DERBYSHIRE):
        walk(app, users[organisation].email, {**ids[case_organisation], "user_id": users[organisation].id},
             unscoped, two_authorities["tokens"][organisation])
    assert unscoped.found == []


@pytest.mark.parametrize("viewer, other", [(TRAFFORD, DERBYSHIRE), (DERBYSHIRE, TRAFFORD), (NORTH_WEST, DERBYSHIRE)])
def test_no_page_shows_another_organisations_case(app, two_authorities, unscoped, viewer, other):
    users, ids = two_authorities["users"], two_authorities["ids"]
    answers = walk(app, users[viewer].email, {**ids[other], "user_id": users[viewer].id}, unscoped,
                   two_authorities["tokens"][viewer])
    case_id = ids[other]["instance_id"]
    for url, (status, page) in answers.items():
        if f"/cases/{case_id}" in url or url.startswith("/tasks/"):
            assert status in (403, 404), (url, status)
        assert f'href="/cases/{case_id}"' not in page, url
        assert "A note" not in page and "evidence.txt" not in page, url


def test_a_page_does_show_its_own_organisations_case(app, two_authorities, unscoped):
    """The walk above would pass on an app that showed nothing: the same pages show the own case."""
    users, ids = two_authorities["users"], two_authorities["ids"]
    answers = walk(app, users[DERBYSHIRE].email, {**ids[DERBYSHIRE], "user_id": users[DERBYSHIRE].id}, unscoped,
                   two_authorities["tokens"][DERBYSHIRE])
    case_id = ids[DERBYSHIRE]["instance_id"]
    assert answers[f"/cases/{case_id}"][0] == 200 and "A note" in answers[f"/cases/{case_id}"][1]
    assert f'href="/cases/{case_id}"' in answers["/cases"][1]
    assert answers[f"/cases/{case_id}/documents/{ids[DERBYSHIRE]['document_id']}"][0] == 200
    assert answers[f"/tasks/{ids[DERBYSHIRE]['task_id']}"][0] == 200
    assert answers[f"/api/v1/cases/{case_id}"][0] == 200 and answers[f"/api/v1/cases/{case_id}/timeline"][0] == 200
    assert unscoped.found == []


def test_the_rule_is_on_the_session_not_on_each_query(app, two_authorities):
    """A query written without any rule, run on a request's session, still sees one organisation."""
    from flask import g

    from web.db import db

    with app.test_request_context("/cases"):
        g.user = two_authorities["users"][TRAFFORD]
        session = db()
        assert {c.owner for c in session.scalars(select(ProcessInstance))} == {TRAFFORD}
        for model in SCOPED_MODELS[1:]:
            assert session.scalars(select(model)).all(), model
            assert {r.instance_id for r in session.scalars(select(model))} == \
                {two_authorities["ids"][TRAFFORD]["instance_id"]}, model
        g.user = None
        assert session.scalars(select(ProcessInstance)).all() == []
        session.close()
