"""Case pages, the diagram, letters, the case list, school pages and starting a case."""
from __future__ import annotations

import json
import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from engine import runtime
from engine.clock import today_local
from engine.db import utcnow
from engine.models import Deadline, HumanTask, ProcessInstance
from workflows.letter_models import Letter

from .factories import DERBYSHIRE, TRAFFORD, Browser, make_school, make_user, route_xml, start_case


def open_task(session, instance_id, bpmn_id):
    session.expire_all()
    return session.scalar(select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.bpmn_id == bpmn_id,
                                                  HumanTask.is_open.is_(True)))


def markers(page: str) -> dict:
    return json.loads(unescape(re.search(r'data-markers="([^"]*)"', page).group(1)))


@pytest.fixture
def case(session, route, school):
    instance = start_case(session, check_due_on="2020-01-10")  # long overdue
    session.commit()
    return instance


def test_the_case_page_summarises_the_case_and_marks_the_diagram(signed_in, case, session):
    page = signed_in.text(f"/cases/{case.id}")
    assert "Ash Grove Primary School" in page and "Web test route" in page and "In progress" in page
    assert "Check the concern" in page and f'data-diagram-url="/cases/{case.id}/diagram.bpmn"' in page
    assert markers(page) == {"completed": [], "current": ["check_concern"], "overdue": ["check_concern"]}
    assert "Case started" in page and "No letters have been produced" in page
    task = open_task(session, case.id, "check_concern")
    runtime.complete_task(session, task.id, "ann.adviser@trafford.gov.uk",
                          {"concern_details": "x", "visit_on": "2026-01-13", "severity": "low"})
    session.commit()
    page = signed_in.text(f"/cases/{case.id}")
    assert markers(page) == {"completed": ["check_concern"], "current": ["approve"], "overdue": []}
    assert "Completed</strong>: Check the concern" in page


def test_the_diagram_is_the_bpmn_the_case_runs_on(signed_in, case):
    response = signed_in.get(f"/cases/{case.id}/diagram.bpmn")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.get_data(as_text=True) == route_xml()


def test_deadlines_are_listed_with_their_rule_and_status(signed_in, case, session):
    session.add(Deadline(instance_id=case.id, owner=TRAFFORD, deadline_id="reply", name="Governing body replies",
                         due_on=utcnow().date(), rule="15th working day following the notice",
                         source="EIA 2006 s60(5)", status="missed"))
    session.commit()
    page = signed_in.text(f"/cases/{case.id}")
    assert "Governing body replies" in page and "EIA 2006 s60(5)" in page and "Missed" in page


def test_a_pending_deadline_whose_day_has_passed_shows_missed(signed_in, case, session):
    """Saved as pending yesterday and not touched since: read today, it is missed."""
    session.add(Deadline(instance_id=case.id, owner=TRAFFORD, deadline_id="reply", name="Governing body replies",
                         due_on=today_local() - timedelta(days=1), rule="15th working day following the notice",
                         source="EIA 2006 s60(5)", status="pending", overdue_note="no reply recorded"))
    session.commit()
    page = signed_in.text(f"/cases/{case.id}")
    row = page[page.index("Governing body replies"):][:1000]
    assert "Missed" in row and "no reply recorded" in row and "Pending" not in row


def test_a_letter_that_could_not_be_produced_is_shown_and_produced_again(signed_in, case, session):
    letter = Letter(instance_id=case.id, owner=TRAFFORD, kind="warning_notice", title="Warning notice (s60)",
                    filename="warning-notice-100001.pdf", media_type="application/pdf", content=None, sha256=None,
                    status="failed", error="OSError: no fonts found", created_at=utcnow(), created_by="x",
                    recipients=[], render_input={"data": {"school_name": "Ash Grove Primary School"},
                                                 "issued_on": "2025-12-18", "organisation": "Trafford"})
    session.add(letter)
    session.commit()
    page = signed_in.text(f"/cases/{case.id}")
    assert "Could not be produced" in page and "Produce the PDF again" in page
    download = signed_in.get(f"/cases/{case.id}/letters/{letter.id}")
    assert download.status_code == 302 and "has not been produced as a PDF yet" in signed_in.text(f"/cases/{case.id}")
    assert signed_in.post(f"/cases/{case.id}/letters/{letter.id}/render").status_code == 302
    page = signed_in.text(f"/cases/{case.id}")
    assert "has been produced" in page and "Warning notice (s60) (PDF)" in page and "Could not be produced" not in page
    assert signed_in.get(f"/cases/{case.id}/letters/{letter.id}").data.startswith(b"%PDF")


def test_letters_download_only_for_those_who_see_the_case(signed_in, case, session, app):
    letter = Letter(instance_id=case.id, owner=TRAFFORD, kind="warning_notice", title="Warning notice",
                    filename="warning-notice-100001.pdf", media_type="application/pdf", content=b"%PDF-1.7 test",
                    sha256="0" * 64, created_at=utcnow(), created_by="x", recipients=[])
    session.add(letter)
    session.commit()
    page = signed_in.text(f"/cases/{case.id}")
    assert f'href="/cases/{case.id}/letters/{letter.id}"' in page and "Warning notice (PDF)" in page
    response = signed_in.get(f"/cases/{case.id}/letters/{letter.id}")
    assert response.status_code == 200 and response.data == b"%PDF-1.7 test"
    assert response.mimetype == "application/pdf"
    assert 'filename="warning-notice-100001.pdf"' in response.headers["Content-Disposition"]
    assert signed_in.get(f"/cases/{case.id}/letters/{letter.id + 1}").status_code == 404
    make_user(session, "bob@derbyshire.gov.uk", DERBYSHIRE, ["link_adviser"])
    session.commit()
    stranger = Browser(app.test_client())
    stranger.sign_in("bob@derbyshire.gov.uk")
    for url in (f"/cases/{case.id}", f"/cases/{case.id}/diagram.bpmn", f"/cases/{case.id}/letters/{letter.id}"):
        response = stranger.get(url)
        assert response.status_code == 404, url
        assert b"PDF" not in response.data and b"Ash Grove" not in response.data


def test_unknown_cases_are_not_found(signed_in):
    assert signed_in.get("/cases/999999").status_code == 404
    assert signed_in.get("/cases/abc").status_code == 404


def test_the_case_list_shows_my_organisations_cases_with_filters(signed_in, case, session):
    make_school(session, "200002", "Peak View School", la_code=DERBYSHIRE, la_name="Derbyshire",
                region="dfe-east-midlands")
    start_case(session, "200002")
    session.commit()
    page = signed_in.text("/cases")
    assert "Ash Grove Primary School" in page and "Peak View" not in page
    assert "Ash Grove" not in signed_in.text("/cases?status=closed")
    assert "Ash Grove" in signed_in.text("/cases?status=all&school=ash")
    assert "No cases found" in signed_in.text("/cases?school=nothing-like-this")


def test_the_school_page_lists_the_cases_i_may_see(signed_in, case, session):
    page = signed_in.text("/schools/100001")
    assert "Community school" in page and "Trafford (358)" in page and f"/cases/{case.id}" in page
    assert signed_in.get("/schools/999999").status_code == 404


@pytest.fixture
def starter(browser, session, school, route):
    make_user(session, "cm@trafford.gov.uk", TRAFFORD, ["case_manager"])
    make_school(session, "100009", "Oak Academy", type_of_establishment="Academy converter")
    session.commit()
    browser.sign_in("cm@trafford.gov.uk")
    return browser


def test_starting_a_case_search_choose_route_start(starter, session):
    page = starter.text("/cases/new?q=ash")
    assert "Ash Grove Primary School" in page and "/cases/new?urn=100001" in page
    assert "Ash Grove" in starter.text("/cases/new?q=100001")
    page = starter.text("/cases/new?urn=100001")
    assert "Web test route" in page and "Which route do you want to start?" in page
    assert "Web test route" not in starter.text("/cases/new?urn=100009")  # an academy: not this route
    refused = starter.get("/cases/new?urn=100001&route=")
    assert refused.status_code == 400 and "Select a route" in refused.get_data(as_text=True)
    page = starter.text("/cases/new?urn=100001&route=web_route")
    assert "Start the case" in page
    response = starter.post("/cases/new", {"urn": "100001", "route": "web_route"})
    assert response.status_code == 302
    instance = session.scalar(select(ProcessInstance).order_by(ProcessInstance.id.desc()))
    assert response.headers["Location"] == f"/cases/{instance.id}"
    assert instance.owner == TRAFFORD and instance.business_key == "100001"
    assert instance.started_by == "cm@trafford.gov.uk"
    assert "Web test route started for Ash Grove Primary School" in starter.text(f"/cases/{instance.id}")


def test_a_refusal_from_the_route_is_shown_in_an_error_summary(starter, session, route):
    make_school(session, "200002", "Peak View School", la_code=DERBYSHIRE, la_name="Derbyshire",
                region="dfe-east-midlands")
    session.commit()
    response = starter.post("/cases/new", {"urn": "200002", "route": "web_route"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "belongs to Derbyshire" in page
    assert session.scalar(select(ProcessInstance).where(ProcessInstance.business_key == "200002")) is None


def test_a_start_form_from_the_package_is_rendered_and_validated(starter, session, route, monkeypatch):
    form = {"fields": [{"id": "concern_raised_on", "label": "Date the concern was raised", "type": "date",
                        "validation": {"required": None}, "properties": {}}]}
    monkeypatch.setitem(route.extra, "start_form", form)
    assert 'id="concern_raised_on-day"' in starter.text("/cases/new?urn=100001&route=web_route")
    refused = starter.post("/cases/new", {"urn": "100001", "route": "web_route"})
    assert refused.status_code == 400 and 'href="#concern_raised_on-day"' in refused.get_data(as_text=True)
    done = starter.post("/cases/new", {"urn": "100001", "route": "web_route", "concern_raised_on-day": "5",
                                       "concern_raised_on-month": "1", "concern_raised_on-year": "2026"})
    assert done.status_code == 302
    instance = session.scalar(select(ProcessInstance).order_by(ProcessInstance.id.desc()))
    assert instance.data["concern_raised_on"] == "2026-01-05"


def test_only_officers_who_start_cases_may(signed_in, school):
    assert signed_in.get("/cases/new").status_code == 403
    assert "Start a case" not in signed_in.text("/inbox")


def test_legal_warnings_recorded_on_a_case_show_on_its_page(signed_in, case, session):
    """Audit OC-2: a warning a step recorded (HMCI's category and the grades disagreeing) is shown."""
    page = signed_in.text(f"/cases/{case.id}")
    assert "app-legal-warning" not in page
    case.data = {**case.data, "legal_warnings": ["HMCI stated special measures, but the grades recorded give "
                                                 "requires significant improvement."]}
    session.commit()
    page = signed_in.text(f"/cases/{case.id}")
    assert "app-legal-warning" in page and "HMCI stated special measures, but the grades" in page
