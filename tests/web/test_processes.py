"""/processes: the versions table, downloads, uploads as drafts, the modeller's autosave and deploy.

Any officer may look; only a process owner may upload, edit, autosave or deploy. An organisation
sees the national versions and its own, never another authority's own versions or drafts."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine import definitions
from engine.models import ProcessDefinition
from workflows import process_drafts
from workflows.process_draft_models import ProcessDraft

from .factories import DERBYSHIRE, TRAFFORD, Browser, make_school, make_user, route_xml, start_case

OWNER = "process.owner@trafford.gov.uk"


@pytest.fixture
def owner(session, route):
    user = make_user(session, OWNER, TRAFFORD, ["process_owner"], "Pat Owner")
    session.commit()
    return user


@pytest.fixture
def owner_browser(browser, owner) -> Browser:
    browser.sign_in(owner.email)
    return browser


@pytest.fixture
def schools(session, school):
    return school, make_school(session, "200001", "Dale View School", la_code=DERBYSHIRE, la_name="Derbyshire",
                               region="dfe-east-midlands")


def drafts(session) -> int:
    return session.scalar(select(func.count(ProcessDraft.id)))


def national(session) -> ProcessDefinition:
    return definitions.current_version(session, "web_route")


def autosave(browser: Browser, key: str, body, token: str | None = None):
    data = body if isinstance(body, str) else json.dumps(body)
    headers = {"X-CSRFToken": token if token is not None else browser.token()}
    return closed(browser.client.post(f"/processes/{key}/draft", data=data, content_type="application/json",
                                      headers=headers))


def changed_route() -> str:
    return route_xml().replace('name="Approve the response"', 'name="Approve the response in writing"')


# --- the list -----------------------------------------------------------------------------------

def test_an_officer_sees_each_version_with_who_when_note_sha_and_running_cases(signed_in, session, route, school):
    start_case(session)
    start_case(session, "100001")
    session.commit()
    page = signed_in.text("/processes")
    definition = national(session)
    assert "Web test route" in page and "National version 1" in page
    assert definition.sha256 in page and "test@intervene" in page
    assert f"/processes/web_route/versions/{definition.id}/download" in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric" data-label="Running cases">2</td>' in page
    assert 'href="/processes"' in page  # the navigation link


def test_an_officer_who_is_not_a_process_owner_may_look_but_not_change(signed_in):
    page = signed_in.text("/processes")
    assert "Upload a BPMN file" not in page and "/processes/web_route/edit" not in page


def test_a_process_owner_is_offered_the_modeller_and_the_upload(owner_browser):
    page = owner_browser.text("/processes")
    assert 'href="/processes/web_route/edit"' in page and "Upload as a draft" in page


def test_two_versions_link_to_compare_and_migrate(owner_browser, session):
    definitions.deploy(session, changed_route(), "someone", change_note="Reworded", owner=TRAFFORD)
    session.commit()
    page = owner_browser.text("/processes")
    assert "Own version 1" in page and "Reworded" in page
    assert 'href="/processes/web_route/compare?from=1&amp;to=1"' in page  # national 1 -> own 1
    assert 'href="/processes/web_route/migrate"' in page


def test_another_authoritys_own_versions_and_drafts_are_invisible(owner_browser, session):
    theirs = definitions.deploy(session, changed_route(), "them@derbyshire.gov.uk", change_note="Derbyshire only",
                                owner=DERBYSHIRE)
    process_drafts.save(session, "web_route", DERBYSHIRE, "them@derbyshire.gov.uk", route_xml())
    process_drafts.save(session, "derbyshire_only", DERBYSHIRE, "them@derbyshire.gov.uk", route_xml())
    session.commit()
    page = owner_browser.text("/processes")
    assert "Derbyshire only" not in page and theirs.sha256 not in page and "them@derbyshire" not in page
    assert "derbyshire_only" not in page
    assert owner_browser.get(f"/processes/web_route/versions/{theirs.id}/download").status_code == 404
    assert owner_browser.get("/processes/derbyshire_only/edit").status_code == 404


def test_running_cases_count_only_the_viewers_organisation(signed_in, session, route, schools):
    start_case(session)
    start_case(session, "200001")
    session.commit()
    page = signed_in.text("/processes")
    assert '<td class="govuk-table__cell govuk-table__cell--numeric" data-label="Running cases">1</td>' in page


def test_download_gives_the_versions_file(signed_in, session, route):
    definition = national(session)
    response = signed_in.get(f"/processes/web_route/versions/{definition.id}/download")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == route_xml()
    assert 'attachment; filename="web_route-national-v1.bpmn"' == response.headers["Content-Disposition"]
    assert signed_in.get(f"/processes/other_key/versions/{definition.id}/download").status_code == 404


# --- upload -------------------------------------------------------------------------------------

def upload(browser: Browser, content: bytes, filename: str = "route.bpmn"):
    import io

    response = browser.post("/processes/upload", {"bpmn_file": (io.BytesIO(content), filename)},
                            content_type="multipart/form-data")
    return closed(response)


def closed(response):
    """The response read and the test client's request body closed: werkzeug spools a large body to a
    temporary file and leaves it open (as tests/web/test_case_files.py does)."""
    response.get_data()
    response.request.input_stream.close()
    return response


def test_an_upload_becomes_the_owners_draft_and_opens_in_the_modeller(owner_browser, session):
    response = upload(owner_browser, changed_route().encode())
    assert response.status_code == 302 and response.headers["Location"].endswith("/processes/web_route/edit")
    draft = process_drafts.load(session, "web_route", TRAFFORD, OWNER)
    assert draft is not None and "in writing" in draft.bpmn_xml and draft.based_on_id == national(session).id
    assert "Approve the response in writing" in owner_browser.get("/processes/web_route/draft.bpmn").get_data(as_text=True)


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="p">&lol2;</bpmn:process></bpmn:definitions>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="p" name="&xxe;"/></bpmn:definitions>"""


@pytest.mark.parametrize("content, message", [
    (b"<bpmn:definitions", "not well-formed XML"),
    (b"<html><body>Hello</body></html>", "XML but not a BPMN 2.0 file"),
    (BOMB, "declares a DOCTYPE or entities"),
    (EXTERNAL, "declares a DOCTYPE or entities"),
    (b"", "The selected file is empty"),
    (b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"/>', "holds no process"),
    (b"\xff\xfe<\x00b\x00", "saved as UTF-8"),
])
def test_an_upload_that_is_not_bpmn_is_refused_and_nothing_is_stored(owner_browser, session, content, message):
    response = upload(owner_browser, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "govuk-error-summary" in page and message in page and 'href="#bpmn_file"' in page
    assert drafts(session) == 0


def test_an_upload_over_the_size_limit_is_refused_with_a_govuk_page(owner_browser, session):
    big = route_xml().encode() + b"<!--" + b"x" * (6 * 1024 * 1024) + b"-->"
    response = upload(owner_browser, big)
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "govuk-error-summary" in page and "The file must be smaller than 5 MB" in page
    assert drafts(session) == 0


def test_a_file_just_over_the_parsers_limit_is_refused_by_it(owner_browser, session):
    near = route_xml().encode() + b"<!--" + b"x" * (5 * 1024 * 1024) + b"-->"
    response = upload(owner_browser, near)
    assert response.status_code in (400, 413) and "smaller than 5 MB" in response.get_data(as_text=True)
    assert drafts(session) == 0


def test_an_autosave_over_the_size_limit_is_refused_in_json(owner_browser, session):
    big = route_xml() + "<!--" + "x" * (7 * 1024 * 1024) + "-->"
    response = autosave(owner_browser, "web_route", {"xml": big})
    assert response.status_code == 413 and response.get_json() == {"message": "The file must be smaller than 5 MB"}
    assert drafts(session) == 0


def test_an_upload_without_a_file_asks_for_one(owner_browser, session):
    response = owner_browser.post("/processes/upload", {}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Select a BPMN file" in response.get_data(as_text=True)


# --- permission ---------------------------------------------------------------------------------

def test_an_officer_who_is_not_a_process_owner_gets_403_on_every_change(signed_in, session, route):
    assert signed_in.get("/processes/web_route/edit").status_code == 403
    assert signed_in.get("/processes/web_route/draft.bpmn").status_code == 403
    assert autosave(signed_in, "web_route", {"xml": route_xml()}).status_code == 403
    assert signed_in.post("/processes/web_route/deploy", {"change_note": "x"}).status_code == 403
    assert signed_in.post("/processes/web_route/draft/discard").status_code == 403
    assert upload(signed_in, route_xml().encode()).status_code == 403
    assert drafts(session) == 0
    assert session.scalar(select(func.count(ProcessDefinition.id))) == 1


def test_signed_out_nobody_reaches_the_processes(browser, route):
    assert browser.get("/processes").status_code == 302
    assert browser.get("/processes/web_route/edit").status_code == 302


# --- the modeller: autosave ---------------------------------------------------------------------

def test_the_modeller_page_opens_the_version_new_cases_use(owner_browser, session):
    page = owner_browser.text("/processes/web_route/edit")
    assert "Edit Web test route" in page and "national version 1" in page
    assert 'data-save-url="/processes/web_route/draft"' in page and "dist/modeller.js" in page
    assert "working_days_after" in page and "senior_adviser" in page  # the help and datalists
    assert owner_browser.get("/processes/web_route/draft.bpmn").get_data(as_text=True) == route_xml()
    assert owner_browser.get("/processes/no_such_process/edit").status_code == 404


def test_autosave_keeps_the_draft_for_this_owner_and_says_when(owner_browser, session):
    response = autosave(owner_browser, "web_route", {"xml": changed_route()})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(response.get_json()["saved_at"]) == 5  # "07:41"
    assert "in writing" in owner_browser.get("/processes/web_route/draft.bpmn").get_data(as_text=True)
    assert "Saved at " in owner_browser.text("/processes/web_route/edit")
    draft = process_drafts.load(session, "web_route", TRAFFORD, OWNER)
    assert draft.based_on_id == national(session).id


@pytest.mark.parametrize("body, message", [
    ("not json", 'Send a JSON object with the diagram as "xml"'),
    ([1, 2], 'Send a JSON object with the diagram as "xml"'),
    ({"xml": 5}, 'Send a JSON object with the diagram as "xml"'),
    ({"xml": "<a"}, "not well-formed XML"),
    ({"xml": "<a/>"}, "not a BPMN 2.0 file"),
    ({"xml": BOMB.decode()}, "DOCTYPE"),
])
def test_autosave_refuses_what_the_page_never_sends_and_stores_nothing(owner_browser, session, body, message):
    response = autosave(owner_browser, "web_route", body)
    assert response.status_code == 400 and message in response.get_json()["message"]
    assert drafts(session) == 0


def test_autosave_without_the_csrf_header_is_refused(owner_browser, session):
    response = owner_browser.client.post("/processes/web_route/draft", data=json.dumps({"xml": route_xml()}),
                                         content_type="application/json")
    assert response.status_code == 400 and drafts(session) == 0


def test_autosave_of_a_process_neither_deployed_nor_uploaded_is_refused(owner_browser, session):
    response = autosave(owner_browser, "nothing_here", {"xml": route_xml()})
    assert response.status_code == 404 and drafts(session) == 0


def test_another_owner_editing_the_same_process_is_named(owner_browser, session, app):
    make_user(session, "sam@trafford.gov.uk", TRAFFORD, ["process_owner"], "Sam Second")
    make_user(session, "dee@derbyshire.gov.uk", DERBYSHIRE, ["process_owner"], "Dee Derbyshire")
    session.commit()
    other = Browser(app.test_client())
    other.sign_in("sam@trafford.gov.uk")
    assert autosave(other, "web_route", {"xml": route_xml()}).status_code == 200
    elsewhere = Browser(app.test_client())
    elsewhere.sign_in("dee@derbyshire.gov.uk")
    assert autosave(elsewhere, "web_route", {"xml": route_xml()}).status_code == 200
    page = owner_browser.text("/processes/web_route/edit")
    assert "Sam Second is also editing this process" in page and "Dee Derbyshire" not in page
    answer = autosave(owner_browser, "web_route", {"xml": route_xml()}).get_json()
    assert [o["name"] for o in answer["others"]] == ["Sam Second"]


def test_a_draft_overtaken_by_a_newer_deploy_says_so(owner_browser, session):
    autosave(owner_browser, "web_route", {"xml": changed_route()})
    assert 'id="superseded"' not in owner_browser.text("/processes/web_route/edit")
    definitions.deploy(session, route_xml().replace("Closed", "Case closed"), "sam@trafford.gov.uk",
                       change_note="Sam's change", owner=TRAFFORD)
    session.commit()
    page = owner_browser.text("/processes/web_route/edit")
    assert 'id="superseded"' in page and "Your own version 1 was deployed by sam@trafford.gov.uk" in page


def test_discard_deletes_only_the_owners_draft(owner_browser, session):
    autosave(owner_browser, "web_route", {"xml": changed_route()})
    process_drafts.save(session, "web_route", TRAFFORD, "sam@trafford.gov.uk", route_xml())
    session.commit()
    assert owner_browser.post("/processes/web_route/draft/discard").status_code == 302
    assert process_drafts.load(session, "web_route", TRAFFORD, OWNER) is None
    assert process_drafts.load(session, "web_route", TRAFFORD, "sam@trafford.gov.uk") is not None


# --- deploy -------------------------------------------------------------------------------------

def test_deploy_makes_the_organisations_own_version_for_its_new_cases_only(owner_browser, session, schools):
    autosave(owner_browser, "web_route", {"xml": changed_route()})
    response = owner_browser.post("/processes/web_route/deploy", {"change_note": "Approval in writing (2026)"})
    assert response.status_code == 302, response.get_data(as_text=True)
    own = definitions.current_version(session, "web_route", TRAFFORD)
    assert own.version == 1 and own.deployed_by == OWNER and own.change_note == "Approval in writing (2026)"
    assert process_drafts.load(session, "web_route", TRAFFORD, OWNER) is None
    page = owner_browser.text("/processes")
    assert "Version 1 of Web test route is deployed" in page and "Own version 1" in page
    assert start_case(session, "100001").definition_id == own.id
    assert start_case(session, "200001").definition_id == national(session).id


def test_deploying_the_same_draft_again_stores_no_new_version_and_says_so(owner_browser, session, schools):
    autosave(owner_browser, "web_route", {"xml": changed_route()})
    owner_browser.post("/processes/web_route/deploy", {"change_note": "Approval in writing (2026)"})
    autosave(owner_browser, "web_route", {"xml": changed_route()})
    response = owner_browser.post("/processes/web_route/deploy", {"change_note": "Again"})
    assert response.status_code == 302
    assert "Nothing to deploy: your draft is the same as version 1" in owner_browser.text("/processes")
    own = definitions.current_version(session, "web_route", TRAFFORD)
    assert own.version == 1 and own.change_note == "Approval in writing (2026)"


def test_deploy_needs_a_change_note(owner_browser, session):
    autosave(owner_browser, "web_route", {"xml": changed_route()})
    response = owner_browser.post("/processes/web_route/deploy", {"change_note": "  "})
    assert response.status_code == 400 and "Enter a change note" in response.get_data(as_text=True)
    response = owner_browser.post("/processes/web_route/deploy", {"change_note": "x" * 2001})
    assert response.status_code == 400 and "2000 characters or fewer" in response.get_data(as_text=True)
    assert definitions.current_version(session, "web_route", TRAFFORD) is None


def test_deploy_without_a_draft_says_so(owner_browser, session):
    response = owner_browser.post("/processes/web_route/deploy", {"change_note": "Nothing"})
    assert response.status_code == 400 and "You have no draft to deploy" in response.get_data(as_text=True)


def test_an_invalid_draft_is_refused_with_its_problems_and_kept(owner_browser, session):
    broken = route_xml().replace('camunda:candidateGroups="senior_adviser,link_adviser"',
                                 'camunda:candidateGroups="head_of_nothing"')
    autosave(owner_browser, "web_route", {"xml": broken})
    response = owner_browser.post("/processes/web_route/deploy", {"change_note": "Broken"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "unknown role &#39;head_of_nothing&#39;" in page
    assert "govuk-error-summary" in page and "approve:" in page
    assert definitions.current_version(session, "web_route", TRAFFORD) is None
    assert process_drafts.load(session, "web_route", TRAFFORD, OWNER) is not None


def test_the_check_lists_errors_and_warnings_by_element(owner_browser):
    broken = route_xml().replace('camunda:candidateGroups="senior_adviser,link_adviser"', "")
    response = autosave_like(owner_browser, "/processes/check", {"xml": broken, "key": "web_route"})
    problems = response.get_json()["problems"]
    [no_role] = [p for p in problems if p["element_id"] == "approve"]
    assert no_role["severity"] == "error" and "Task 'Approve the response' has no role" in no_role["message"]
    assert response.get_json()["valid"] is False
    assert autosave_like(owner_browser, "/processes/check", {"xml": route_xml()}).get_json() == \
        {"problems": [], "valid": True}


def autosave_like(browser: Browser, url: str, body: dict):
    return browser.client.post(url, data=json.dumps(body), content_type="application/json",
                               headers={"X-CSRFToken": browser.token()})


# --- files from other tools ---------------------------------------------------------------------

CORPUS = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "bpmn-corpus").glob("*.bpmn"))


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_a_bpmn_file_from_another_tool_uploads_as_a_draft_and_gets_a_verdict(owner_browser, session, path):
    response = upload(owner_browser, path.read_bytes(), path.name)
    assert response.status_code == 302, response.get_data(as_text=True)
    key = response.headers["Location"].split("/")[-2]
    assert owner_browser.get(f"/processes/{key}/draft.bpmn").get_data() == path.read_bytes()
    problems = autosave_like(owner_browser, "/processes/check", {"xml": path.read_text(), "key": key}).get_json()
    assert any(p["severity"] == "error" for p in problems["problems"])  # descriptive, not executable
    assert key in owner_browser.text("/processes")


def test_a_process_id_that_cannot_name_a_file_or_a_url_is_refused_not_a_500(owner_browser, session):
    """A process id is used in the draft's URL and the download's file name: a newline or a quote in
    it (an XML attribute may hold one as &#10; or &quot;) must be refused at upload."""
    for odd in ("route&#10;X-Injected: 1", 'route&quot;.exe'):
        response = upload(owner_browser, route_xml().replace('id="web_route"', f'id="{odd}"').encode())
        assert response.status_code == 400, odd
        assert "The process id must start with a letter" in response.get_data(as_text=True)
    assert drafts(session) == 0
