"""The modeller's JSON endpoints (check, dry run) and the dry-run page: who may call them, what
they answer, and that bad input is a 400 with a message, never a 500."""
from __future__ import annotations

from datetime import date
from html import unescape

import pytest

from engine import definitions
from tests.engine.test_validation import flow, gateway, model, task
from workflows.maintained_warning_notice import PROCESS
from workflows.ofsted_category_response import PROCESS as OFSTED
from workflows.school_models import SchoolHoliday

from .factories import DERBYSHIRE, TRAFFORD, make_user

TO_THE_NOTICE = {"progress_review_outcome": "escalate", "notice_recommended": True}


@pytest.fixture
def owner(browser, session):
    make_user(session, "po@trafford.gov.uk", TRAFFORD, ["process_owner"], "Pat Owner")
    session.commit()
    browser.sign_in("po@trafford.gov.uk")
    return browser


def post_json(browser, url: str, body=None, *, raw: bytes | None = None, token: bool = True):
    headers = {"X-CSRFToken": browser.token()} if token else {}
    if raw is not None:
        return browser.client.post(url, data=raw, headers=headers, content_type="application/json")
    return browser.client.post(url, json=body, headers=headers)


# --- POST /processes/check ----------------------------------------------------------------------

def test_a_process_owner_gets_every_problem_with_its_element_severity_and_message(owner):
    xml = model(task(group=""), flow("start", "act") + flow("act", "end"))
    response = post_json(owner, "/processes/check", {"xml": xml})
    assert response.status_code == 200
    body = response.get_json()
    assert body["valid"] is False
    assert [(p["element_id"], p["severity"]) for p in body["problems"]] == [("act", "error")]
    assert set(body["problems"][0]) == {"element_id", "severity", "message"}


def test_warnings_alone_leave_the_model_valid(owner):
    body = post_json(owner, "/processes/check", {"xml": gateway(["answer == 'a'", "answer == 'b'"])}).get_json()
    assert body["valid"] is True and [p["severity"] for p in body["problems"]] == ["warning"]


def test_a_file_that_is_not_well_formed_is_a_problem_in_the_model(owner):
    body = post_json(owner, "/processes/check", {"xml": "<bpmn:definitions"}).get_json()
    assert body["valid"] is False and body["problems"][0]["element_id"] == "(file)"


def test_an_officer_who_may_not_deploy_is_refused_in_json(signed_in):
    response = post_json(signed_in, "/processes/check", {"xml": model(task())})
    assert response.status_code == 403 and "process owner" in response.get_json()["message"]
    response = post_json(signed_in, "/processes/dry-run", {"xml": model(task()), "start_on": "2026-12-01"})
    assert response.status_code == 403 and response.is_json


def test_a_stranger_is_sent_to_sign_in(browser):
    response = post_json(browser, "/processes/check", {"xml": model(task())})
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_without_the_csrf_token_the_check_is_refused_in_json(owner):
    response = post_json(owner, "/processes/check", {"xml": model(task())}, token=False)
    assert response.status_code == 400 and "reload the page" in response.get_json()["message"]


BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol2;</bpmn:definitions>')


@pytest.mark.parametrize("url", ["/processes/check", "/processes/dry-run"])
@pytest.mark.parametrize("body, raw, words", [
    (None, b"{not json", "JSON object"),
    (["a list"], None, "JSON object"),
    ({}, None, "xml is missing"),
    ({"xml": 12}, None, "xml is missing"),
    ({"xml": "<x/>", "dmn": "not a list"}, None, "dmn must be a list"),
    ({"xml": "<x/>", "process_id": 3}, None, "process_id"),
    ({"xml": BOMB}, None, "DOCTYPE"),
    ({"xml": "<x/>", "dmn": [BOMB]}, None, "DOCTYPE"),
    (None, b'{"xml": "' + b"x" * (10 * 1024 * 1024) + b'"}', "too large"),
])
def test_bad_requests_are_a_400_with_a_json_message(owner, url, body, raw, words):
    if isinstance(body, dict) and url.endswith("dry-run"):
        body = {**body, "start_on": "2026-12-01"}
    response = post_json(owner, url, body, raw=raw)
    assert response.status_code == 400 and words in response.get_json()["message"]


# --- POST /processes/dry-run --------------------------------------------------------------------

def test_the_dry_run_gives_the_steps_with_due_days_counted_over_christmas(owner):
    body = {"xml": PROCESS.read_bpmn(), "dmn": PROCESS.read_dmn(), "start_on": "2026-12-21", "data": TO_THE_NOTICE}
    response = post_json(owner, "/processes/dry-run", body)
    assert response.status_code == 200
    result = response.get_json()
    assert result["ended"] is True and result["problems"] == []
    ended = next(s for s in result["steps"] if s["bpmn_id"] == "compliance_period_ended")
    assert ended["kind"] == "timer" and ended["due_on"] == "2027-01-14"
    assert "Christmas Day (25 December 2026)" in ended["due_rule"]
    assert set(result["steps"][0]) == {"bpmn_id", "name", "kind", "role", "due_on", "due_rule", "legal_source"}
    assert result["steps"][0]["role"] == "Link adviser"


@pytest.mark.parametrize("start_on", [None, "", "2026-02-30", "21/12/2026", "2026-1-5", 20261221, "1066-10-14"])
def test_a_bad_start_date_is_a_400(owner, start_on):
    response = post_json(owner, "/processes/dry-run", {"xml": model(task()), "start_on": start_on})
    assert response.status_code == 400 and "start_on" in response.get_json()["message"]


def test_sample_data_that_is_not_an_object_is_a_400(owner):
    response = post_json(owner, "/processes/dry-run", {"xml": model(task()), "start_on": "2026-12-01", "data": [1]})
    assert response.status_code == 400 and "data must be" in response.get_json()["message"]


def test_a_model_that_does_not_parse_gives_problems_not_an_error(owner):
    response = post_json(owner, "/processes/dry-run", {"xml": "<bpmn:definitions", "start_on": "2026-12-01"})
    assert response.status_code == 200 and response.get_json()["problems"] and not response.get_json()["steps"]


# --- /processes/<key>/dry-run, the page ---------------------------------------------------------

@pytest.fixture
def warning_notice(session):
    definitions.deploy(session, PROCESS.read_bpmn(), "national", PROCESS.read_dmn())
    session.commit()
    return PROCESS.key


def try_page(browser, key: str, day="21", month="12", year="2026", answers="", version=None):
    page = browser.text(f"/processes/{key}/dry-run")
    form = {"day": day, "month": month, "year": year, "answers": answers}
    form["version"] = version or page.split('<option value="', 1)[1].split('"', 1)[0]
    return browser.post(f"/processes/{key}/dry-run", form)


def test_any_officer_tries_out_the_route_their_authority_uses_and_sees_the_steps(signed_in, warning_notice):
    page = signed_in.text(f"/processes/{warning_notice}/dry-run")
    assert "When would the case start?" in page and "National version 1 (used by new cases)" in page
    response = try_page(signed_in, warning_notice, answers="progress_review_outcome: escalate\nnotice_recommended: yes")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.index("Discuss the concerns") < page.index("Issue the warning notice") < page.index("14 January 2027")
    assert "Wait: " in page and "Cabinet Member for Children and Young People" in page
    assert "Christmas Day (25 December 2026)" in page and "EIA 2006 s60(4)" in page
    assert "The case reaches the end of the route." in page


def test_a_json_object_of_answers_is_read_too(signed_in, warning_notice):
    response = try_page(signed_in, warning_notice, answers='{"progress_review_outcome": "escalate", '
                                                           '"notice_recommended": true}')
    assert "14 January 2027" in response.get_data(as_text=True)


def test_another_authoritys_own_version_is_neither_offered_nor_used(signed_in, session, warning_notice):
    local = PROCESS.read_bpmn().replace('name="Send copies of the warning notice"', 'name="Send Derbyshire copies"')
    definitions.deploy(session, local, "po@derbyshire", PROCESS.read_dmn(), owner=DERBYSHIRE)
    session.commit()
    page = unescape(signed_in.text(f"/processes/{warning_notice}/dry-run"))
    assert "Your authority's version" not in page and "National version 1" in page
    response = try_page(signed_in, warning_notice, answers="progress_review_outcome: escalate\nnotice_recommended: yes")
    assert "Send Derbyshire copies" not in response.get_data(as_text=True)
    derbyshire_version = str(definitions.current_version(session, warning_notice, DERBYSHIRE).id)
    refused = try_page(signed_in, warning_notice, version=derbyshire_version)
    assert refused.status_code == 400 and "Select a version of the route" in refused.get_data(as_text=True)


def test_an_authoritys_own_version_is_what_its_officers_try_by_default(browser, session, warning_notice):
    local = PROCESS.read_bpmn().replace('name="Send copies of the warning notice"', 'name="Send Derbyshire copies"')
    definitions.deploy(session, local, "po@derbyshire", PROCESS.read_dmn(), owner=DERBYSHIRE)
    make_user(session, "ann@derbyshire.gov.uk", DERBYSHIRE, ["link_adviser"])
    session.commit()
    browser.sign_in("ann@derbyshire.gov.uk")
    page = unescape(browser.text(f"/processes/{warning_notice}/dry-run"))
    assert "Your authority's version 1 (used by new cases)" in page and "National version 1" in page
    response = try_page(browser, warning_notice, answers="progress_review_outcome: escalate\nnotice_recommended: yes")
    assert "Send Derbyshire copies" in response.get_data(as_text=True)


@pytest.mark.parametrize("form, message", [
    ({"day": "", "month": "", "year": ""}, "Enter the day the case would start"),
    ({"day": "30", "month": "2", "year": "2026"}, "The start date must be a real date"),
    ({"day": "1", "month": "12", "year": "26"}, "The start date must be a real date"),
    ({"answers": "no colon here"}, "Line 1 of the sample answers has no field id"),
    ({"answers": "{not json"}, "not valid JSON"),
    ({"answers": "[1, 2]"}, "no field id"),
])
def test_bad_input_on_the_page_is_a_gov_uk_error_and_nothing_runs(signed_in, warning_notice, form, message):
    response = try_page(signed_in, warning_notice, **form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in page and message in page
    assert "What the case would do" not in page


def test_a_route_not_deployed_is_not_found(signed_in):
    assert signed_in.client.get("/processes/no_such_route/dry-run").status_code == 404


def test_the_page_counts_with_the_authoritys_term_dates(signed_in, session):
    """As tests/workflows/test_process_dry_run.py: comments on a draft report received Mon 14 Dec 2026 are due
    Mon 21 Dec without term dates, Mon 4 Jan 2027 with Trafford's Christmas holiday (21 Dec-1 Jan) skipped."""
    definitions.deploy(session, OFSTED.read_bpmn(), "national", OFSTED.read_dmn())
    session.commit()
    facts = "is_voluntary_aided: no\nhas_foundation: no\nis_church_school: no"
    before = try_page(signed_in, OFSTED.key, day="14", month="12", year="2026", answers=facts).get_data(as_text=True)
    session.add(SchoolHoliday(la_code=TRAFFORD, urn=None, name="Christmas", first_day=date(2026, 12, 21),
                              last_day=date(2027, 1, 1)))
    session.add(SchoolHoliday(la_code=DERBYSHIRE, urn=None, name="Christmas", first_day=date(2026, 12, 14),
                              last_day=date(2027, 1, 8)))
    session.commit()
    after = try_page(signed_in, OFSTED.key, day="14", month="12", year="2026", answers=facts).get_data(as_text=True)
    draft_comments = "Support the governing body&#39;s comments on the draft report"
    assert "21 December 2026" in before[before.index(draft_comments):][:600]
    assert "4 January 2027" in after[after.index(draft_comments):][:600]
    assert "School holidays in between: 19 December 2026 to 3 January 2027" in after


@pytest.mark.parametrize("url", ["/processes/check", "/processes/dry-run"])
def test_a_model_the_modeller_may_save_may_also_be_checked_and_tried(owner, url):
    """The draft autosave takes a file up to the parser's 5 MB; the check and the dry run of the same
    draft must too, not stop at the app's 2 MB for forms."""
    xml = model(task(), flow("start", "act") + flow("act", "end"))
    padded = xml.replace("</bpmn:definitions>", "<!-- " + "x" * (3 * 1024 * 1024) + " --></bpmn:definitions>")
    response = post_json(owner, url, {"xml": padded, "start_on": "2026-12-01"})
    assert response.status_code == 200, response.get_json()
