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
    assert refused.status_code == 400 and "Enter a compliance period between 1 and 60 working days" in refused.get_data(as_text=True)
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
