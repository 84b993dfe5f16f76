"""Comparing two versions of a route and moving its running cases, in a real browser at 1280 px:
the compare page marks the task version 2 adds on its diagram (bpmn-js-differ and the server's
comparison) and lists the changes in words; the migration dry run lists one case that can move and
one that cannot, then moves the one. axe-core checks both pages; screenshots go to
tests/browser/screenshots/ (git-ignored)."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import expect
from sqlalchemy import select

from engine import definitions, runtime
from engine.models import ProcessInstance
from tests.engine.conftest import read_fixture
from tests.web.factories import DERBYSHIRE, TRAFFORD, make_school, make_user
from tests.web.test_process_versions import TO_REVIEW, start
from tests.workflows.test_academy_letter_of_concern import FACTS, URN, begin
from tests.workflows.test_route_migration import version_two
from workflows.academy_letter_of_concern import PROCESS

from .test_journey import check, sign_in

pytestmark = pytest.mark.browser
OWNER = "pat.owner@trafford.gov.uk"

@pytest.fixture
def two_versions(committed):
    """Trafford's case at 'Talk informally' (gone in version 2) and its case at 'Review compliance'."""
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False), committed() as session:
        definitions.deploy(session, read_fixture("migration_v1"), "owner@test")
        make_school(session, "100001", "Ash Grove Primary School")
        make_school(session, "100002", "Birch Lane Primary School")
        make_user(session, OWNER, TRAFFORD, ["process_owner"], "Pat Owner")
        staying = start(session, "100001", TRAFFORD)
        moving = start(session, "100002", TRAFFORD, TO_REVIEW)
        definitions.deploy(session, read_fixture("migration_v2"), "owner@test", change_note="March guidance")
        session.commit()
        return {"staying": staying.id, "moving": moving.id}

def test_compare_marks_the_new_task_then_the_dry_run_and_the_move(new_page, two_versions, committed):
    page = new_page()
    page.goto("/processes/casework/compare?from=1&to=2")
    sign_in(page, OWNER)
    expect(page.get_by_role("heading", name="Compare version 1 and version 2")).to_be_visible()
    after = page.locator("#compare-after")
    expect(after).to_have_attribute("data-state", "ready")
    expect(after).to_have_attribute("data-added", re.compile(r"(^| )notify_school( |$)"))
    # Drawn and marked: the shape of the new task carries the "added" marker.
    expect(after.locator('[data-element-id="notify_school"].diff-added')).to_be_visible()
    expect(page.locator("#compare-before")).to_have_attribute("data-removed", re.compile(r"(^| )informal_chat( |$)"))
    expect(page.locator(".app-change-list")).to_contain_text(["Task 'Tell the school': added."])
    check(page, "compare-1280")

    page.get_by_role("link", name="See which running cases could move").click()
    expect(page.get_by_role("heading", name="Move running cases from version 1 to version 2")).to_be_visible()
    expect(page.locator(f"#case-{two_versions['moving']}")).to_have_attribute("data-can-move", "yes")
    expect(page.locator(f"#case-{two_versions['moving']}")).to_contain_text("Thu 12 March 2026 → Sun 22 March 2026")
    expect(page.locator(f"#case-{two_versions['staying']}")).to_have_attribute("data-can-move", "no")
    expect(page.locator(f"#case-{two_versions['staying']}")).to_contain_text(
        "Its current step 'Talk informally' is not in version 2.")
    check(page, "migrate-dry-run-1280")

    page.get_by_role("button", name="Move 1 case").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the cases are being moved")
    check(page, "migrate-errors-1280")
    page.get_by_label("Why are the cases being moved?").fill("Guidance of March 2026")
    page.get_by_label("Move the 1 case that can move to version 2 now").check()
    page.get_by_role("button", name="Move 1 case").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 case moved to version 2.")
    expect(page.locator(f"#case-{two_versions['moving']}")).to_contain_text("Moved")
    check(page, "migrate-done-1280")
    with committed() as session:
        versions = {i.id: i.definition.version for i in session.scalars(select(ProcessInstance))}
    assert versions == {two_versions["staying"]: 1, two_versions["moving"]: 2}
    assert page.console_errors == []

def test_a_real_route_compared_and_its_dry_run(new_page, committed, time_machine):
    """The academy Letter of Concern route with its first discussion dropped and the response due two
    working days earlier: a case at the response step can move (15 Apr -> 13 Apr 2026), a new case at
    the dropped discussion cannot."""
    with committed() as session:
        moving = begin(session, time_machine)
        staying = runtime.start_instance(session, PROCESS.key, "officer", business_key=URN, data=dict(FACTS))
        make_user(session, "po@derbyshire.gov.uk", DERBYSHIRE, ["process_owner"], "Dee Owner")
        definitions.deploy(session, version_two(), "po@derbyshire.gov.uk", change_note="Local protocol, April 2026")
        session.commit()
        ids = moving.id, staying.id
    page = new_page()
    page.goto(f"/processes/{PROCESS.key}/compare?from=1&to=2")
    sign_in(page, "po@derbyshire.gov.uk")

    expect(page.locator("#compare-before")).to_have_attribute(
        "data-removed", re.compile(r"(^| )discuss_with_academy( |$)"))
    expect(page.locator(".app-change-list").last).to_contain_text(
        "due date changed from academy_response_due_on to working_days_before(academy_response_due_on, 2)")
    check(page, "compare-real-route-1280")
    page.goto(f"/processes/{PROCESS.key}/migrate?from=1&to=2")
    expect(page.locator(f"#case-{ids[0]}")).to_contain_text("Wed 15 April 2026 → Mon 13 April 2026")
    expect(page.locator(f"#case-{ids[1]}")).to_have_attribute("data-can-move", "no")
    check(page, "migrate-real-route-1280")
    assert page.console_errors == []
