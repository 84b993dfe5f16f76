"""Starting a real route at its milestone from the web: a warning notice already given."""
from __future__ import annotations

from sqlalchemy import select

from engine import definitions
from engine.models import Deadline, ProcessInstance
from workflows.maintained_warning_notice import PROCESS

from .factories import TRAFFORD, make_school, make_user


def test_a_warning_notice_already_given_starts_waiting_with_its_deadlines(browser, session):
    definitions.deploy(session, PROCESS.read_bpmn(), "test")
    make_school(session)
    make_user(session, "cm@trafford.gov.uk", TRAFFORD, ["case_manager"])
    session.commit()
    browser.sign_in("cm@trafford.gov.uk")
    page = browser.text("/cases/new?urn=100001&route=maintained_warning_notice")
    assert "If a warning notice has already been given" in page and "Leave blank for 15 working days" in page
    refused = browser.post("/cases/new", {
        "urn": "100001", "route": "maintained_warning_notice", "notice_given_on-day": "18",
        "notice_given_on-month": "12", "notice_given_on-year": "2025", "compliance_period_working_days": "0"})
    assert refused.status_code == 400 and "Enter a compliance period between 1 and 200 working days" in refused.get_data(as_text=True)
    assert session.scalar(select(ProcessInstance)) is None
    response = browser.post("/cases/new", {
        "urn": "100001", "route": "maintained_warning_notice", "notice_given_on-day": "18",
        "notice_given_on-month": "12", "notice_given_on-year": "2025", "notice_type": "s60",
        "compliance_period_working_days": ""})
    assert response.status_code == 302
    case = session.scalar(select(ProcessInstance).order_by(ProcessInstance.id.desc()))
    assert case.data["compliance_period_working_days"] == 15 and case.data["notice_given_on"] == "2025-12-18"
    due = {d.deadline_id: d.due_on.isoformat() for d in session.scalars(
        select(Deadline).where(Deadline.instance_id == case.id))}
    # Thu 18 Dec 2025 + 15 working days, skipping 25 and 26 Dec 2025 and 1 Jan 2026.
    assert due == {"compliance_period_end": "2026-01-13", "powers_window_end": "2026-03-13"}


def test_a_window_ending_on_a_sunday_says_it_keeps_its_date_on_the_case_and_the_task(browser, session):
    """WN-10: a notice given Tue 1 Dec 2026 stating Thu 31 Dec 2026 as the end of its compliance period:
    the window ends Sun 28 Feb 2027 (no 31st in February), and the case page and the task say so."""
    import time_machine

    from engine import runtime
    from engine.models import HumanTask
    from tests.conftest import worker_sweep

    definitions.deploy(session, PROCESS.read_bpmn(), "test")
    make_school(session)
    make_user(session, "dad@trafford.gov.uk", TRAFFORD, ["deputy_assistant_director"])
    with time_machine.travel("2027-01-04 09:00Z", tick=False):
        case = runtime.start_instance(session, PROCESS.key, "test", business_key="100001", data={
            "notice_type": "s60", "notice_given_on": "2026-12-01", "compliance_period_end_stated_on": "2026-12-31"})
        assert worker_sweep(session) == 0  # the period ended on Thu 31 Dec: its timer fired at the start
        session.commit()
        browser.sign_in("dad@trafford.gov.uk")
        note = "Sun 28 Feb 2027 is a Sunday, not a working day: a period of calendar days, so the date is kept"
        assert note in browser.text(f"/cases/{case.id}")
        task = session.scalar(select(HumanTask).where(HumanTask.instance_id == case.id, HumanTask.is_open.is_(True)))
        assert task.bpmn_id == "review_compliance" and note in browser.text(f"/tasks/{task.id}")


def test_a_warning_notice_is_refused_while_the_secretary_of_states_notice_bars_it(browser, session):
    """WN-1, s60(4A): the start page refuses with a message naming the Secretary of State's notice."""
    from engine import runtime
    from engine.models import HumanTask
    from workflows.sos_warning_notice import PROCESS as SOS

    definitions.deploy(session, PROCESS.read_bpmn(), "test")
    definitions.deploy(session, SOS.read_bpmn(), "test")
    make_school(session)
    sos = runtime.start_instance(session, SOS.key, "rd@test", business_key="100001")
    task = session.scalar(select(HumanTask).where(HumanTask.instance_id == sos.id, HumanTask.is_open.is_(True)))
    runtime.complete_task(session, task.id, "rd@test", {
        "sos_notice_given_on": "2026-05-04", "authority_notified_on": "2026-05-05", "sos_notice_matters": "Safety."})
    make_user(session, "cm@trafford.gov.uk", TRAFFORD, ["case_manager"])
    session.commit()
    browser.sign_in("cm@trafford.gov.uk")
    refused = browser.post("/cases/new", {"urn": "100001", "route": "maintained_warning_notice"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "the Secretary of State gave a warning notice to this school on Mon 4 May 2026" in page
    assert "s60(4A)" in page
    assert session.scalar(select(ProcessInstance).where(ProcessInstance.process_key == PROCESS.key)) is None


def test_a_case_started_at_its_milestone_shows_its_start_data_as_the_first_record(browser, session):
    """Issue 9 review: a case started at a later step showed no evidence of what it was started with.
    The start data is the first (oldest) step record, labelled as the start form labels it, on the
    case page and at the next decision; a case started with nothing has no such record."""
    from engine.models import HumanTask

    definitions.deploy(session, PROCESS.read_bpmn(), "test")
    make_school(session)
    make_school(session, "100002", "Birch Lane Primary School")
    make_user(session, "cm@trafford.gov.uk", TRAFFORD, ["case_manager", "deputy_assistant_director"], "Cath Manager")
    session.commit()
    browser.sign_in("cm@trafford.gov.uk")
    browser.post("/cases/new", {
        "urn": "100001", "route": "maintained_warning_notice", "notice_given_on-day": "18",
        "notice_given_on-month": "12", "notice_given_on-year": "2025", "notice_type": "s60",
        "compliance_period_working_days": "20"})
    case = session.scalar(select(ProcessInstance).order_by(ProcessInstance.id.desc()))
    page = browser.text(f"/cases/{case.id}")
    record = page[page.index('id="steps-record"'):]
    assert "Started at its milestone" in record and "Cath Manager" in record
    assert "18 December 2025" in record and "20" in record
    assert "Recorded when the case was started" in record

    browser.post("/cases/new", {"urn": "100002", "route": "maintained_warning_notice"})
    fresh = session.scalar(select(ProcessInstance).order_by(ProcessInstance.id.desc()))
    task = session.scalar(select(HumanTask).where(HumanTask.instance_id == fresh.id))
    assert "Started at its milestone" not in browser.text(f"/tasks/{task.id}")
    assert "Started at its milestone" not in browser.text(f"/cases/{fresh.id}")


def test_the_start_page_summarises_the_route_with_the_full_text_behind_details(browser, session):
    """Seen on the walk-through: the start page put the route's whole summary (17 lines of law for
    the category-of-concern route) above its two questions. As on a task page: its first sentence,
    and the rest behind a details element."""
    from workflows.ofsted_category_response import PROCESS as OFSTED

    definitions.deploy(session, OFSTED.read_bpmn(), "test", OFSTED.read_dmn())
    make_school(session)
    make_user(session, "cm@trafford.gov.uk", TRAFFORD, ["case_manager"])
    session.commit()
    browser.sign_in("cm@trafford.gov.uk")
    page = browser.text("/cases/new?urn=100001&route=ofsted_category_response")
    summary = page[page.index('id="route-summary"'):page.index("</p>", page.index('id="route-summary"'))]
    assert "requires special measures or requires significant improvement" in summary
    assert "School Progress Reviews" not in summary
    assert page.index('class="govuk-details"') < page.index("School Progress Reviews")
    assert "About this route" in page


def test_each_route_to_choose_from_is_one_sentence_not_its_whole_summary(browser, session):
    """Seen on the walk-through: choosing a route for a community school meant reading three routes'
    full summaries (a 2,400 px page). Each choice now says its first sentence; the start page that
    follows has the rest."""
    from workflows.ofsted_category_response import PROCESS as OFSTED

    for package in (PROCESS, OFSTED):
        definitions.deploy(session, package.read_bpmn(), "test", package.read_dmn())
    make_school(session)
    make_user(session, "cm@trafford.gov.uk", TRAFFORD, ["case_manager"])
    session.commit()
    browser.sign_in("cm@trafford.gov.uk")
    page = browser.text("/cases/new?urn=100001")
    assert "requires special measures or requires significant improvement" in page
    assert "School Progress Reviews at least three times a year" not in page
    assert "within two months after the compliance period ends" not in page
