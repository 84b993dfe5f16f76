"""The case list in a real browser at 1280 and 390 px: a case manager filters through the panel
(without JavaScript doing the filtering: it is a GET form), sees the filter as a removable tag,
corrects a bad value from the error summary, sorts by the next deadline and downloads the CSV of
exactly what the filter shows. axe-core checks every page; screenshots go to
tests/browser/screenshots/ (git-ignored)."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from engine.clock import today_local
from engine.models import Deadline
from tests.web.factories import TRAFFORD, deploy_route, make_school, make_user, start_case
from workflows.calendar import working_days_after

from .test_journey import check, sign_in

pytestmark = pytest.mark.browser
MANAGER = "cass.manager@trafford.gov.uk"


@pytest.fixture
def cases(committed):
    """Three open Trafford cases; Birch Lane's has a deadline 3 working days away, Ash Grove's one
    that passed yesterday; Cedar's none."""
    today = today_local()
    with committed() as session:
        deploy_route(session)
        make_school(session)
        make_school(session, "100002", "Birch Lane Primary School")
        make_school(session, "100003", "=Cedar School", type_of_establishment="Foundation school")
        make_user(session, MANAGER, TRAFFORD, ["case_manager"], "Cass Manager")
        ash, birch, cedar = (start_case(session, urn) for urn in ("100001", "100002", "100003"))
        for case, due_on in ((ash, today - timedelta(days=1)), (birch, working_days_after(today, 3))):
            session.add(Deadline(instance_id=case.id, owner=case.owner, deadline_id="reply", name="School's reply",
                                 due_on=due_on, rule="15th working day", source="EIA 2006 s60(5)", status="pending",
                                 overdue_note="the school did not reply"))
        session.commit()
        return {"ash": ash.id, "birch": birch.id, "cedar": cedar.id}


def fits(page, width: int) -> list[str]:
    """Elements reaching past the window's right edge (the table scrolls inside its own region)."""
    wide = page.evaluate("document.documentElement.scrollWidth")
    return ([f"the page is {wide}px wide"] if wide > width else []) + page.evaluate("""(width) => [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > width + 0.5 && !el.parentElement.closest('.app-table-scroll'))
        .map(el => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}px`)""", width)


def case_numbers(page) -> list[int]:
    return [int(text.removeprefix("Case ")) for text in page.locator(".app-case-number").all_inner_texts()]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_manager_filters_sorts_and_downloads_the_cases(new_page, cases, width, tmp_path):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/cases")
    sign_in(page, MANAGER)
    expect(page.get_by_role("heading", name="Cases", exact=True)).to_be_visible()
    assert sorted(case_numbers(page)) == sorted(cases.values())
    assert fits(page, width) == []
    check(page, f"case-list-{width}")

    panel = page.get_by_role("form", name="Filter cases")
    panel.get_by_label("Due within", exact=True).fill("soon")
    panel.get_by_role("button", name="Apply filters").first.click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Due within must be a whole number of working days")
    assert fits(page, width) == []
    check(page, f"case-list-error-{width}")
    summary.get_by_role("link", name="Due within must be a whole number").click()
    expect(page.get_by_label("Due within", exact=True)).to_be_focused()

    page.get_by_label("Due within", exact=True).fill("5")
    panel.get_by_role("button", name="Apply filters").first.click()
    expect(page.locator(".app-filter-tag", has_text="Due within: 5 working days")).to_be_visible()
    assert case_numbers(page) == [cases["birch"]]
    expect(page.locator(".app-next-deadline")).to_contain_text("3 working days left")

    page.locator(".app-filter-tag", has_text="Due within").click()  # the tag removes its filter
    expect(page.locator(".app-filter-tag", has_text="Due within")).to_have_count(0)
    page.get_by_role("link", name="Next deadline").click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Next deadline")
    assert case_numbers(page) == [cases["ash"], cases["birch"], cases["cedar"]]
    expect(page.locator(".app-next-deadline").first).to_contain_text("Overdue")
    check(page, f"case-list-sorted-{width}")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these 3 cases (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == f"cases-{today_local().isoformat()}.csv"
    path = tmp_path / "cases.csv"
    download.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [int(r["Case number"]) for r in rows] == case_numbers(page)  # the list's order, the list's cases
    assert [r["School"] for r in rows] == ["Ash Grove Primary School", "Birch Lane Primary School", "'=Cedar School"]
    assert rows[0]["Overdue"] == "Yes" and rows[1]["Working days left"] == "3"
    assert page.console_errors == []
