"""The dashboard and a route's heatmap in a real browser: the charts are drawn on their canvases, the
heatmap's colours and badges are on the diagram, axe-core finds nothing, and neither page scrolls
sideways at 390 px. Screenshots at 1280 and 390 px go to tests/browser/screenshots/ to look at."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine import runtime
from engine.clock import today_local
from engine.db import utcnow
from engine.models import Deadline, HumanTask
from tests.web.factories import TRAFFORD, deploy_route, make_school, make_user, start_case
from workflows.calendar import working_days_after
from workflows.dashboard import quarter_days, quarter_of

from .conftest import SCREENSHOTS
from .test_journey import check, sign_in

pytestmark = pytest.mark.browser
MANAGER = "dad@trafford.gov.uk"
CHECK = {"concern_details": "Results fell", "visit_on": "2026-01-10", "severity": "high"}

#: A canvas with at least one painted pixel: Chart.js drew on it.
DRAWN = """(id) => {
    const canvas = document.getElementById(id);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) return true;
    return false;
}"""


def _complete(session, case, bpmn_id: str, data: dict | None = None) -> None:
    task = session.scalar(select(HumanTask).where(HumanTask.instance_id == case.id, HumanTask.bpmn_id == bpmn_id,
                                                  HumanTask.is_open.is_(True)))
    runtime.complete_task(session, task.id, "ann@trafford.gov.uk", data or {})


@pytest.fixture
def dashboard_data(committed):
    """Five Trafford cases at different steps, with overdue, coming, met and missed deadlines."""
    today = today_local()
    last_quarter = quarter_of(quarter_days(quarter_of(today))[0] - timedelta(days=1))
    in_last_quarter = quarter_days(last_quarter)[0] + timedelta(days=20)
    with committed() as session:
        deploy_route(session)
        make_user(session, MANAGER, TRAFFORD, ["deputy_assistant_director"], "Dee Assistant-Director")
        cases = []
        for n, name in enumerate(["Ash Grove Primary School", "Beech Road Primary School", "Cedar Park School",
                                  "Damson Lane Nursery and Infant School with a Very Long Name", "Elm Tree Infants"]):
            make_school(session, f"10000{n + 1}", name)
            with time_machine.travel(utcnow() - timedelta(days=40 - 5 * n), tick=False):
                cases.append(start_case(session, f"10000{n + 1}"))
        for case, days in zip(cases[:3], (3, 8, 12), strict=True):
            with time_machine.travel(utcnow() - timedelta(days=40 - days), tick=False):
                _complete(session, case, "check_concern", CHECK)
        with time_machine.travel(utcnow() - timedelta(days=20), tick=False):
            _complete(session, cases[2], "approve")
        overdue_on = today - timedelta(days=9)
        rows = [(cases[0], overdue_on, "pending", None),
                (cases[1], working_days_after(today, 3), "pending", None),
                (cases[3], working_days_after(today, 8), "pending", None),
                (cases[2], in_last_quarter, "met", in_last_quarter),
                (cases[3], in_last_quarter, "missed", None),
                (cases[4], in_last_quarter, "met", in_last_quarter)]
        for n, (case, due_on, status, met_on) in enumerate(rows):
            session.add(Deadline(instance_id=case.id, owner=case.owner, deadline_id=f"d{n}",
                                 name="Governing body replies to the warning notice", due_on=due_on,
                                 rule="15th working day", source="Education and Inspections Act 2006, s60(5)",
                                 status=status, met_on=met_on, overdue_note="missed" if status == "pending" else None))
        session.commit()
    # The overdue deadline is a miss of last quarter too when today is early in a quarter.
    return {"last_quarter": last_quarter, "share": "50%" if quarter_of(overdue_on) == last_quarter else "67%"}


def _pieces(page: Page, name: str, width: int) -> None:
    """The long page in screen-high pieces too, small enough to read at a glance."""
    height = page.evaluate("document.documentElement.scrollHeight")
    for n, top in enumerate(range(0, height, 1400)):
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{n}.png"), full_page=True,
                        clip={"x": 0, "y": top, "width": width, "height": min(1400, height - top)})


def _open(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url


def _dashboard_drawn(page: Page) -> None:
    for chart in ("outcomes", "open-routes", "months"):
        expect(page.locator(f'[data-chart="{chart}"]')).to_have_attribute("data-state", "ready")
        assert page.evaluate(DRAWN, f"chart-{chart}"), chart


def _heatmap_drawn(page: Page) -> None:
    expect(page.locator("#route-heatmap")).to_have_attribute("data-state", "ready")
    expect(page.locator("#route-heatmap .app-heat-badge")).to_have_count(3)
    expect(page.locator("#route-heatmap .app-heat-badge").first).to_contain_text("open")
    # Two cases at "Check the concern" and two at "Approve", one at the regional director's decision.
    assert page.locator("#route-heatmap g.heat--4").count() == 2
    assert page.locator("#route-heatmap g.heat--2").count() == 1


@pytest.mark.parametrize("width", [1280, 390])
def test_the_dashboard_and_heatmap_draw_pass_axe_and_fit(new_page, dashboard_data, width):
    SCREENSHOTS.mkdir(exist_ok=True)
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/sign-in")
    sign_in(page, MANAGER)
    if width > 390:
        page.get_by_role("link", name="Dashboard").click()
    else:
        _open(page, "/dashboard")
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    _dashboard_drawn(page)
    expect(page.locator("#headline-overdue")).to_have_text("2")  # the lapsed one, and the missed one not yet met
    expect(page.locator("#headline-due-soon")).to_have_text("2")
    expect(page.locator("#headline-last-quarter")).to_contain_text(dashboard_data["share"])
    expect(page.locator("#headline-last-quarter")).to_contain_text(dashboard_data["last_quarter"])
    check(page, f"{width}-dashboard")
    _pieces(page, f"{width}-dashboard", width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.locator("#open-routes-table").get_by_role("link", name="Where they are on the route").click()
    _heatmap_drawn(page)
    check(page, f"{width}-dashboard-heatmap")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.console_errors == []


def test_a_number_leads_to_the_case_list_of_the_cases_behind_it(new_page, dashboard_data):
    page = new_page()
    page.goto("/sign-in")
    sign_in(page, MANAGER)
    _open(page, "/dashboard")
    page.locator("#headline-overdue").click()
    expect(page).to_have_url(re.compile(r"/cases\?status=open&overdue=1$"))
