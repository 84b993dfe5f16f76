"""A notice the law would not accept is refused on the task page: the domain's content rules reach
the GOV.UK error summary, each linked to the field to change, and nothing is kept."""
from __future__ import annotations

import re

from sqlalchemy import select

from engine import definitions, runtime
from engine.models import HumanTask
from workflows.letter_models import Letter
from workflows.maintained_warning_notice import PROCESS

from .factories import TRAFFORD, make_school, make_user
from .test_cli_engine import run  # noqa: F401 - the command-line fixture

NOTICE = {"notice_given_on-day": "23", "notice_given_on-month": "3", "notice_given_on-year": "2026",
          "matters_of_concern": "Reading results at key stage 2 have fallen for three years, to 38% in 2025.",
          "required_action": "Commission an external review of governance.",
          "compliance_period_working_days": "15", "compliance_period_end_stated_on-day": "14",
          "compliance_period_end_stated_on-month": "4", "compliance_period_end_stated_on-year": "2026",
          "minded_action": "Appoint additional governors (s64).", "sos_copy_reading": "copy",
          "s60a_hmci_copy_reading": "copy", "intervene_action": "complete"}


def open_task(session, instance_id: int) -> HumanTask:
    session.expire_all()
    return session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                   HumanTask.is_open.is_(True))).one()


def at_issue(session):
    definitions.deploy(session, PROCESS.read_bpmn(), "test", PROCESS.read_dmn())
    make_school(session, "400001", "Real Route School")
    make_user(session, "member@example.gov.uk", TRAFFORD, ["cabinet_member"])
    case = runtime.start_instance(session, PROCESS.key, actor="test", business_key="400001")
    for data in ({"concerns_discussed_on": "2026-03-02", "discussed_with": "headteacher_and_chair",
                  "concerns_summary": "Standards in reading have fallen."},
                 {"concerns_confirmed_on": "2026-03-04", "action_plan_agreed": True},
                 {"progress_review_held_on": "2026-03-06", "progress_review_outcome": "escalate",
                  "progress_review_summary": "No progress against the action plan."},
                 {"notice_recommended": True, "notice_type": "s60", "recommended_on": "2026-03-09",
                  "recommendation_reasons": "No improvement."},
                 {"cabinet_member_decision": "issue", "decided_on": "2026-03-20"}):
        runtime.complete_task(session, open_task(session, case.id).id, "test", data)
    session.commit()
    return case


def test_missing_and_contradicting_contents_are_summarised_and_linked(browser, session):
    case = at_issue(session)
    task = open_task(session, case.id)
    assert task.bpmn_id == "issue_warning_notice"
    browser.sign_in("member@example.gov.uk")
    response = browser.post(f"/tasks/{task.id}", NOTICE)  # no ground ticked; 14 Apr is not 15 working days
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    summary = page[page.index("govuk-error-summary"):page.index("</ul>", page.index("govuk-error-summary"))]
    links = re.findall(r'href="(#[^"]+)">([^<]+)<', summary)
    assert [href for href, _ in links] == ["#ground_low_standards", "#compliance_period_working_days"]
    assert links[0][1].startswith("The warning notice must state the ground under section 60(2)")
    assert "so enter 14 working days or change the end date" in links[1][1]
    assert 'govuk-error-message' in page
    assert open_task(session, case.id).id == task.id and open_task(session, case.id).assignee is None
    assert session.scalars(select(Letter).where(Letter.instance_id == case.id)).all() == []

    fixed = {**NOTICE, "ground_low_standards": "yes", "compliance_period_working_days": "14"}
    assert browser.post(f"/tasks/{task.id}", fixed).status_code == 302  # to the check page
    assert session.scalars(select(Letter).where(Letter.instance_id == case.id)).all() == []
    assert browser.post(f"/tasks/{task.id}/check", {}).status_code == 302
    assert [x.kind for x in session.scalars(select(Letter).where(Letter.instance_id == case.id))] == [
        "warning_notice"]


def test_the_command_line_refuses_an_incomplete_notice_with_each_problem(run):  # noqa: F811
    """`intervene tasks complete` goes through the same rules: one line, exit 2, nothing issued."""
    from tests.conftest import FIXTURES
    from tests.web.test_cli_engine import as_json

    run("processes", "deploy", str(FIXTURES / "letters_process.bpmn"))
    case = as_json(run("cases", "start", "letters_test", "--data", '{"notice_given_on": "2025-12-18"}', "--json"))
    task_id = case["tasks"][0]["id"]
    result = run("tasks", "complete", task_id, "--as", "member", "--data", '{"action_required": "Act."}')
    assert result.exit_code == 2
    assert "grounds: The warning notice must state the ground under section 60(2)" in result.stderr
    assert "compliance_period_working_days: The warning notice must state the compliance period" in result.stderr
    shown = as_json(run("cases", "show", str(case["id"]), "--json"))
    assert [t["id"] for t in shown["tasks"]] == [task_id] and shown["letters"] == []
