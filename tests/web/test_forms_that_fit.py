"""Forms that fit, on the real warning-notice route: Yes/No radios for decisions, the kind of notice
revealed under "Yes", the diocese date only for a church school, a compliance period of 1-60."""
from __future__ import annotations

from sqlalchemy import select

from engine import runtime
from engine.models import HumanTask, ProcessInstance
from tests.workflows.routes import deploy_package
from tests.workflows.test_maintained_warning_notice import ESCALATED
from workflows.maintained_warning_notice import PROCESS

from .factories import TRAFFORD, make_school, make_user

ROLES = ["link_adviser", "deputy_assistant_director", "director_childrens_services", "cabinet_member"]
INFORMAL = {"concerns_discussed_on": "2026-03-02", "discussed_with": "headteacher_and_chair",
            "concerns_summary": "Standards in reading have fallen for three years."}


def open_task(session, instance_id: int, bpmn_id: str) -> HumanTask:
    return session.scalar(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                  HumanTask.bpmn_id == bpmn_id, HumanTask.is_open.is_(True)))


def case_at_confirmation(session, browser, diocese: str | None = None) -> int:
    deploy_package(session, PROCESS)
    school = make_school(session, "100009", "St Anne's Primary School")
    school.diocese_name = diocese
    make_user(session, "dcs@trafford.gov.uk", TRAFFORD, ROLES)
    instance = runtime.start_instance(session, PROCESS.key, "dcs@trafford.gov.uk", business_key="100009")
    runtime.complete_task(session, open_task(session, instance.id, "discuss_concerns").id, "dcs@trafford.gov.uk",
                          INFORMAL)
    session.commit()
    browser.sign_in("dcs@trafford.gov.uk")
    return instance.id


def confirm(browser, session, instance_id: int) -> None:
    task = open_task(session, instance_id, "confirm_concerns_in_writing")
    response = browser.post(f"/tasks/{task.id}", {
        "concerns_confirmed_on-day": "4", "concerns_confirmed_on-month": "3", "concerns_confirmed_on-year": "2026",
        "action_plan_agreed": "no", "intervene_action": "complete"})
    assert response.status_code == 302
    review = open_task(session, instance_id, "review_school_progress")  # the monitoring escalates
    runtime.complete_task(session, review.id, "dcs@trafford.gov.uk", ESCALATED)
    session.commit()


def test_the_diocese_date_is_asked_only_for_a_church_school(browser, session):
    community = case_at_confirmation(session, browser)
    page = browser.text(f"/tasks/{open_task(session, community, 'confirm_concerns_in_writing').id}")
    assert 'id="action_plan_agreed" name="action_plan_agreed" type="radio" value="yes"' in page
    assert "diocese_informed_on" not in page


def test_a_church_school_is_asked_the_diocese_date_and_must_give_it(browser, session):
    church = case_at_confirmation(session, browser, diocese="Diocese of Manchester")
    task = open_task(session, church, "confirm_concerns_in_writing")
    assert 'id="diocese_informed_on-day"' in browser.text(f"/tasks/{task.id}")


def test_an_unanswered_yes_no_is_an_error_not_a_no(browser, session):
    instance_id = case_at_confirmation(session, browser)
    task = open_task(session, instance_id, "confirm_concerns_in_writing")
    refused = browser.post(f"/tasks/{task.id}", {
        "concerns_confirmed_on-day": "4", "concerns_confirmed_on-month": "3", "concerns_confirmed_on-year": "2026",
        "intervene_action": "complete"})
    assert refused.status_code == 400
    assert '<a href="#action_plan_agreed">Select yes or no for ‘Joint action plan agreed with the school’</a>' \
        in refused.get_data(as_text=True)
    assert open_task(session, instance_id, "confirm_concerns_in_writing") is not None


def test_the_kind_of_notice_is_revealed_under_yes_and_required_only_then(browser, session):
    instance_id = case_at_confirmation(session, browser)
    confirm(browser, session, instance_id)
    task = open_task(session, instance_id, "recommend_warning_notice")
    page = browser.text(f"/tasks/{task.id}")
    reveal = page[page.index('value="yes"', page.index('name="notice_recommended"')):]
    assert 'data-aria-controls="conditional-notice_recommended"' in reveal.split(">")[0]
    assert 'id="conditional-notice_recommended"' in page and page.index('id="conditional-notice_recommended"') \
        < page.index('name="notice_type"')
    dated = {"recommended_on-day": "9", "recommended_on-month": "3", "recommended_on-year": "2026",
             "recommendation_reasons": "No improvement.", "intervene_action": "complete"}
    refused = browser.post(f"/tasks/{task.id}", {**dated, "notice_recommended": "yes"})
    assert refused.status_code == 400 and "Select kind of notice" in refused.get_data(as_text=True)
    done = browser.post(f"/tasks/{task.id}", {**dated, "notice_recommended": "no", "notice_type": "s60"})
    assert done.status_code == 302
    session.expire_all()
    recorded = session.get(HumanTask, task.id)
    assert not recorded.is_open
    assert session.get(ProcessInstance, instance_id).data.get("notice_type") is None  # hidden: "s60" dropped


def test_the_statutory_text_is_a_short_summary_with_the_full_text_behind_details(browser, session):
    instance_id = case_at_confirmation(session, browser)
    confirm(browser, session, instance_id)
    page = browser.text(f"/tasks/{open_task(session, instance_id, 'recommend_warning_notice').id}")
    summary = page[page.index('id="step-summary"'):page.index("</p>", page.index('id="step-summary"'))]
    assert "decides whether to recommend a warning notice to the Cabinet Member" in summary
    assert "s60(3)" not in summary  # the rest of the statutory text ...
    details = page.index('class="govuk-details"')
    assert details < page.index("s60(3)") and "The full statutory text and its legal source" in page


def test_a_summary_is_the_first_sentence_cut_at_a_word():
    from web.formatting import step_summary
    assert step_summary("The DCS decides. A notice (s60(2)) needs grounds.") == "The DCS decides."
    assert step_summary("See EIA 2006 s60(2). Then act.", own="Decide the notice.") == "Decide the notice."
    long = step_summary("word " * 100)
    assert long.endswith("…") and len(long) <= 301 and "wor…" not in long
