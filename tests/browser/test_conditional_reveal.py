"""A decision's Yes/No radios reveal the fields that apply only to "Yes" (GOV.UK conditional reveal),
on the real warning-notice route. A screenshot of the task page is saved under
tests/browser/screenshots/ (git-ignored) to look at."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engine import runtime
from tests.web.factories import TRAFFORD, make_school, make_user
from tests.web.test_forms_that_fit import INFORMAL, ROLES, open_task
from tests.workflows.routes import deploy_package
from tests.workflows.test_maintained_warning_notice import ESCALATED
from workflows.maintained_warning_notice import PROCESS

from .conftest import SCREENSHOTS
from .test_journey import sign_in

pytestmark = pytest.mark.browser
EMAIL = "dcs@trafford.gov.uk"


@pytest.fixture
def recommendation(committed):
    with committed() as session:
        deploy_package(session, PROCESS)
        make_school(session, "100009", "St Anne's Primary School")
        make_user(session, EMAIL, TRAFFORD, ROLES, "Dana Director")
        case = runtime.start_instance(session, PROCESS.key, EMAIL, business_key="100009")
        runtime.complete_task(session, open_task(session, case.id, "discuss_concerns").id, EMAIL, INFORMAL)
        runtime.complete_task(session, open_task(session, case.id, "confirm_concerns_in_writing").id, EMAIL,
                              {"concerns_confirmed_on": "2026-03-04", "action_plan_agreed": False})
        runtime.complete_task(session, open_task(session, case.id, "review_school_progress").id, EMAIL, ESCALATED)
        task_id = open_task(session, case.id, "recommend_warning_notice").id
        session.commit()
        return task_id


def test_yes_reveals_the_kind_of_notice_and_no_hides_it(new_page, recommendation):
    page = new_page()
    page.goto(f"/tasks/{recommendation}")
    sign_in(page, EMAIL)
    kind = page.get_by_role("group", name="Kind of notice")
    expect(kind).to_be_hidden()
    page.get_by_role("group", name="Recommend a warning notice").get_by_label("Yes", exact=True).check()
    expect(kind).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "1280-task-conditional-reveal.png"), full_page=True)
    page.get_by_role("group", name="Recommend a warning notice").get_by_label("No", exact=True).check()
    expect(kind).to_be_hidden()
    assert page.console_errors == []
