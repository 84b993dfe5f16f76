"""Small screens: at 390 px wide no page scrolls sideways and no button is cut off; every page
passes axe's WCAG rules and its `region` rule (nothing outside a landmark). Screenshots at 1280
and 390 px of the inbox, a task page, the case page and the accessibility statement are saved
under tests/browser/screenshots/ (git-ignored) to look at."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine import definitions, runtime
from engine.models import HumanTask
from tests.web.factories import (
    FIXTURES,
    TRAFFORD,
    deploy_route,
    make_school,
    make_user,
    route_xml,
    start_case,
)
from workflows import accounts, case_files

from .conftest import SCREENSHOTS
from .test_journey import PASSWORD, WCAG_TAGS, sign_in

pytestmark = pytest.mark.browser
NARROW = 390
#: GET endpoints that are not pages for a person (files, redirects, health) and so are not walked.
NOT_PAGES = {"static", "api.health", "cases.diagram", "cases.letter", "cases.letter_word", "cases.document",
             "cases.export", "tasks.preview", "pages.home", "processes.download", "processes.draft_xml",
             "dashboard.route_diagram"}
#: The JSON API and its OpenAPI document: data for programs (tests/web/test_api_*.py), not pages.
API_ENDPOINTS = ("api_", "api-docs.")
#: Pages that need a letter-issuing route, walked at 390 px by tests/browser/test_letter_check.py.
WALKED_WITH_A_LETTER = {"tasks.check", "cases.correct_letter"}

OVERFLOW = """(width) => {
    const problems = [];
    const page = document.documentElement.scrollWidth;
    if (page > width) problems.push(`the page is ${page}px wide`);
    for (const el of document.querySelectorAll('button, .govuk-button, input[type=submit], a.govuk-button')) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;  // not shown (a closed menu)
        if (box.left < 0 || box.right > width + 0.5) problems.push(`cut off: "${el.textContent.trim()}" ` +
            `${Math.round(box.left)}-${Math.round(box.right)}px`);
    }
    return problems;
}"""
AXE = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags.concat(['best-practice'])},
                                            rules: {'region': {enabled: true}}});
    return result.violations.filter(v => tags.some(t => v.tags.includes(t)) || v.id === 'region'
                                        || v.id.startsWith('landmark'))
        .map(v => `${v.id}: ${v.help}: ` + v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(' | '));
}"""


@pytest.fixture
def pages(committed):
    """A case with an open task, a completed task, a case in error, and an officer who may see all."""
    with committed() as session:
        deploy_route(session)
        definitions.deploy(session, (FIXTURES / "error_route.bpmn").read_text(encoding="utf-8"), "owner")
        make_school(session)
        make_user(session, "ann.adviser@trafford.gov.uk", TRAFFORD,
                  ["link_adviser", "la_admin", "case_manager", "process_owner"],
                  "Ann Adviser-Featherstonehaugh of the Children's Services Directorate")
        other = make_user(session, "bob.builder@trafford.gov.uk", TRAFFORD, ["senior_adviser"], "Bob Builder")
        accounts.set_email_domains(session, TRAFFORD, ["trafford.gov.uk"])
        case = start_case(session, check_due_on="2020-03-02", concern_details="x" * 120)
        first = _open_task(session, case.id)
        runtime.complete_task(session, first.id, "ann.adviser@trafford.gov.uk", {
            "concern_details": "Standards have fallen in reading and writing " * 4, "visit_on": "2026-01-12",
            "severity": "high", "ground": "standards", "pupils_affected": 210, "diocese_told": False})
        task = _open_task(session, case.id)
        broken = runtime.start_instance(session, "error_route", "ann.adviser@trafford.gov.uk",
                                        business_key="100001", owner=TRAFFORD)
        runtime.complete_task(session, _open_task(session, broken.id).id, "ann.adviser@trafford.gov.uk",
                              {"compliance_days": -5, "notes": "typed in a hurry"})
        note = case_files.add_note(session, case, "ann.adviser@trafford.gov.uk", "A note " + "y" * 300, task)
        # A second version of the route, for the compare and migrate pages (web/process_versions).
        definitions.deploy(session, route_xml().replace('name="Approve the response"',
                                                        'name="Approve the response to the concern"'), "owner")
        session.commit()
        return {"case": case.id, "task": task.id, "done": first.id, "user": other.id, "broken": broken.id,
                "note": note.id}


def _open_task(session, instance_id: int) -> HumanTask:
    return session.scalar(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                  HumanTask.is_open.is_(True)))


def _urls(ids: dict) -> dict[str, list[str]]:
    """Every page an officer can reach, by endpoint."""
    return {
        "inbox.inbox": ["/inbox", "/inbox?tab=roles", "/inbox?tab=team"],
        "cases.case_list": ["/cases", "/cases?status=closed"],
        "cases.case_page": [f"/cases/{ids['case']}", f"/cases/{ids['broken']}"],
        "cases.error_page": [f"/cases/{ids['broken']}/error"],
        "cases.correct_value": [f"/cases/{ids['broken']}/error/data/compliance_days"],
        "cases.close_case": [f"/cases/{ids['case']}/close"],
        "cases.lead_officer": [f"/cases/{ids['case']}/lead-officer"],
        "cases.note": [f"/cases/{ids['case']}/notes/{ids['note']}"],
        "cases.add_note": [f"/cases/{ids['case']}/notes/new?step={ids['task']}"],
        "cases.add_document": [f"/cases/{ids['case']}/documents/new"],
        "cases.new_case": ["/cases/new", "/cases/new?q=ash", "/cases/new?urn=100001",
                           "/cases/new?urn=100001&route=web_route"],
        "schools.school_page": ["/schools/100001"],
        "tasks.task_page": [f"/tasks/{ids['task']}"],
        "tasks.done": [f"/tasks/{ids['done']}/done"],
        "tasks.reassign": [f"/tasks/{ids['task']}/reassign"],
        "admin.users": ["/admin/users"],
        "admin.new_user": ["/admin/users/new"],
        "admin.edit_user": [f"/admin/users/{ids['user']}"],
        "auth.change_password": ["/account/password"],
        "auth.reminders": ["/account/reminders"],
        "tokens.tokens": ["/account/tokens"],
        "api.docs": ["/api/docs"],
        "pages.accessibility": ["/accessibility"],
        "pages.cookies": ["/cookies"],
        "incidents.incident_list": ["/incidents"],
        "processes.process_list": ["/processes"],
        "processes.edit": ["/processes/web_route/edit"],
        "process_tools.dry_run_page": ["/processes/web_route/dry-run"],
        "process_versions.compare": ["/processes/web_route/compare?from=1&to=2"],
        "process_versions.migrate": ["/processes/web_route/migrate?from=1&to=2"],
        "dashboard.dashboard": ["/dashboard"],
        "dashboard.route_heatmap": ["/dashboard/routes/web_route"],
        "incidents.reasoned_action": [f"/incidents/{ids['broken']}/skip", f"/incidents/{ids['broken']}/terminate",
                                      f"/incidents/{ids['case']}/suspend"],
    }


def _check_narrow(page: Page, url: str) -> list[str]:
    SCREENSHOTS.mkdir(exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-")[:60] or "home"
    page.screenshot(path=str(SCREENSHOTS / f"{NARROW}-all-{slug}.png"), full_page=True)
    problems = page.evaluate(OVERFLOW, NARROW) + page.evaluate(AXE, WCAG_TAGS)
    return [f"{url}: {p}" for p in problems]


def test_every_page_fits_390_px_and_sits_in_landmarks(new_page, pages, server):
    from web.app import create_app

    urls = _urls(pages)
    endpoints = {r.endpoint for r in create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x"}).url_map.iter_rules()
                 if "GET" in (r.methods or ()) and not r.endpoint.startswith(API_ENDPOINTS)}
    assert endpoints - NOT_PAGES - WALKED_WITH_A_LETTER - {"auth.sign_in", "auth.signed_out"} == set(urls), \
        "a page is not walked"
    page = new_page()
    page.set_viewport_size({"width": NARROW, "height": 844})
    problems: list[str] = []
    page.goto("/sign-in")
    problems += _check_narrow(page, "/sign-in")
    sign_in(page, "ann.adviser@trafford.gov.uk", PASSWORD)
    for endpoint in sorted(urls):
        for url in urls[endpoint]:
            response = page.goto(url)
            assert response is not None and response.status == 200, (url, response and response.status)
            problems += _check_narrow(page, url)
    page.goto("/admin/users/new")
    page.get_by_role("button", name="Add user").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    problems += _check_narrow(page, "/admin/users/new (errors)")
    page.goto("/no-such-page")
    problems += _check_narrow(page, "404")
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    problems += _check_narrow(page, "/signed-out")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("width", [1280, NARROW])
def test_screenshots_of_the_main_pages(new_page, pages, width):
    SCREENSHOTS.mkdir(exist_ok=True)
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/sign-in")
    sign_in(page, "ann.adviser@trafford.gov.uk", PASSWORD)
    for name, url in (("inbox", "/inbox?tab=roles"), ("task", f"/tasks/{pages['task']}"),
                      ("case", f"/cases/{pages['case']}"), ("accessibility", "/accessibility"),
                      ("case-error", f"/cases/{pages['broken']}/error")):
        page.goto(url)
        if name == "case":
            expect(page.locator("#case-diagram")).to_have_attribute("data-state", "ready")
        page.screenshot(path=str(SCREENSHOTS / f"{width}-{name}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
