"""/cases and /cases/export: the filter panel's query parameters, tags, sorting, paging, errors and
the CSV of exactly what the filter shows, on the hand-built cases of tests/workflows/test_case_search.py
(on Monday 21 December 2026)."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.workflows.test_case_search import add_case, cases  # noqa: F401 (a fixture)
from workflows import registry
from workflows.registry import ProcessPackage

from .factories import DERBYSHIRE, NORTH_WEST, TRAFFORD, Browser, make_school, make_user

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 12, 21, 9, 0, tzinfo=LONDON)
CASE_NUMBER = re.compile(r"Case (\d+)</span>")


@pytest.fixture
def officers(cases, monkeypatch):  # noqa: F811
    for key, title in (("route_a", "Route A"), ("route_b", "Route B")):
        monkeypatch.setitem(registry._PROCESSES, key, ProcessPackage(key=key, title=title, summary="",
                                                                     applies_to=("maintained",)))
    found = {organisation: make_user(cases, email, organisation, roles).email for organisation, email, roles in (
        (TRAFFORD, "cm@trafford.gov.uk", ["case_manager"]), (DERBYSHIRE, "cm@derbyshire.gov.uk", ["case_manager"]),
        (NORTH_WEST, "rd@education.gov.uk", ["regional_director"]))}
    cases.commit()
    return found


@pytest.fixture
def travel():
    with time_machine.travel(MONDAY, tick=False):
        yield


def signed_in(app, email) -> Browser:
    browser = Browser(app.test_client())
    browser.sign_in(email)
    return browser


@pytest.fixture
def trafford(app, officers, travel) -> Browser:
    return signed_in(app, officers[TRAFFORD])


def listed(page: str) -> list[int]:
    return [int(n) for n in CASE_NUMBER.findall(page)]


def exported(browser: Browser, query: str) -> tuple[str, list[list[str]]]:
    response = browser.get(f"/cases/export?{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="cases-2026-12-21.csv"')
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark: Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    return raw.decode("utf-8-sig"), rows


def test_the_query_parameters_filter_and_sort_the_list(trafford):
    page = trafford.text("/cases?due_within=7&sort=next_deadline")
    assert listed(page) == [1, 2, 3]
    assert listed(trafford.text("/cases?status=all&school_type=academy")) == [8, 2, 5]  # newest first
    assert listed(trafford.text("/cases?step=approve&route=route_a")) == [2]
    assert listed(trafford.text("/cases?assignee=none&sort=opened-asc")) == [11, 2, 3]


def test_the_next_deadline_shows_its_working_days_and_the_overdue_tag(trafford):
    page = trafford.text("/cases?sort=next_deadline")
    rows = page.split('<tr class="govuk-table__row">')[2:]
    first, second = rows[0], rows[1]
    assert "Case 1<" in first and "18 December 2026" in first and "1 working day late" in first
    assert "govuk-tag--red" in first and "Overdue" in first
    assert "Case 2<" in second and "31 December 2026" in second and "6 working days left" in second
    assert "Overdue" not in second


def test_selected_filters_are_tags_whose_links_remove_them(trafford):
    page = trafford.text("/cases?route=route_a&overdue=1&sort=next_deadline")
    tags = dict((text, href.replace("&amp;", "&")) for href, text in re.findall(
        r'class="app-filter-tag" href="([^"]+)"><span class="govuk-visually-hidden">Remove this filter: </span>([^<]+)<',
        page))
    assert tags == {"Status: Open": "/cases?route=route_a&overdue=1&sort=next_deadline-asc&status=all",
                    "Route: Route A": "/cases?overdue=1&sort=next_deadline-asc",
                    "Overdue": "/cases?route=route_a&sort=next_deadline-asc"}
    assert listed(trafford.text(tags["Overdue"])) == [1, 2, 8, 7, 11]


def test_sortable_headers_say_how_the_list_is_sorted_and_link_to_the_other_way(trafford):
    page = trafford.text("/cases?sort=next_deadline")
    headers = re.findall(r'<th scope="col" class="govuk-table__header" aria-sort="(\w+)">\s*<a class="govuk-link app-sort-link" '
                         r'href="([^"]+)">([^<]+)<', page)
    by_name = {name: (sort, href.replace("&amp;", "&")) for sort, href, name in headers}
    assert by_name["Next deadline"] == ("ascending", "/cases?sort=next_deadline-desc")
    assert by_name["Opened"] == ("none", "/cases?sort=opened-desc")
    assert by_name["School"] == ("none", "/cases?sort=school-asc")
    assert page.count('aria-sort="ascending"') == 1 and 'aria-sort="descending"' not in page
    assert 'aria-sort="descending"' in trafford.text(by_name["Next deadline"][1])


def test_pages_keep_the_filter(trafford, monkeypatch):
    monkeypatch.setattr("web.cases.views.PER_PAGE", 2)
    first = trafford.text("/cases?status=all&sort=opened-asc")
    assert listed(first) == [6, 5] and "1 to 2 of 9 cases" in first
    assert 'href="/cases?status=all&amp;sort=opened-asc&amp;page=2"' in first
    assert listed(trafford.text("/cases?status=all&sort=opened-asc&page=5")) == [8]
    assert listed(trafford.text("/cases?status=all&sort=opened-asc&page=50")) == [8]  # past the end: the last


def test_bad_values_are_named_in_an_error_summary_and_the_list_is_unfiltered_by_them(trafford):
    response = trafford.get("/cases?route=route_b&due_within=soon&opened_from=2026-02-30&sort=sideways&status=all")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and "<title>Error: Cases" in page
    for field, words in (("due_within", "Due within must be a whole number"), ("opened_from", "Opened from must be a real date"),
                         ("sort", "Sort must be one of")):
        assert f'href="#{field}"' in page and words in page
    assert 'value="soon"' in page  # what was typed stays in its box to be corrected
    assert listed(page) == [3]  # route_b kept, the bad values dropped
    assert trafford.get("/cases?page=-4&la=%00&school=%27%3B--").status_code == 400
    for hostile in ("school=Ash%00", "assignee=a%00@b.gov.uk", "step=%00", "school=%F0%9F%8F%AB", "sort=%00"):
        assert trafford.get(f"/cases?{hostile}").status_code in (200, 400), hostile  # never a 500
        assert trafford.get(f"/cases/export?{hostile}").status_code in (200, 302, 400), hostile


def test_the_export_is_exactly_what_the_filter_shows_on_every_page(trafford, monkeypatch):
    monkeypatch.setattr("web.cases.views.PER_PAGE", 2)
    query = "status=all&school_type=maintained&sort=next_deadline"
    on_pages = [n for page in (1, 2) for n in listed(trafford.text(f"/cases?{query}&page={page}"))]
    _text, rows = exported(trafford, query)
    assert rows[0] == ["Case number", "School", "URN", "Local authority", "Type of school", "Route", "Status", "Now at",
                       "Lead officer", "Assigned to", "Opened", "Closed", "Next deadline", "Next deadline date",
                       "Working days left", "Overdue"]
    assert [int(r[0]) for r in rows[1:]] == on_pages == [1, 4, 7, 11]  # no deadline to come: by case number
    case_1 = dict(zip(rows[0], rows[1], strict=True))
    assert case_1 == {"Case number": "1", "School": "Ash Grove Primary School", "URN": "100001",
                      "Local authority": "Trafford", "Type of school": "Community school", "Route": "Route A",
                      "Status": "In progress", "Now at": "", "Lead officer": "", "Assigned to": "ann@trafford.gov.uk",
                      "Opened": "1 September 2026", "Closed": "", "Next deadline": "Due 2026-12-18",
                      "Next deadline date": "18 December 2026", "Working days left": "-1", "Overdue": "Yes"}
    closed = dict(zip(rows[0], rows[2], strict=True))
    assert (closed["Closed"], closed["Status"], closed["Next deadline"]) == ("15 June 2026", "Completed", "")
    assert "page" not in trafford.get(f"/cases/export?{query}&page=2").get_data(as_text=True)  # pages do not narrow it


def test_a_cell_a_spreadsheet_would_run_as_a_formula_starts_with_an_apostrophe(trafford, cases):  # noqa: F811
    for n, name in enumerate(('=HYPERLINK("http://evil.example","Click")', "+44 School", "-1 School", "@SUM(A1)",
                              "Ordinary Ünïcode School"), start=1):
        make_school(cases, f"90000{n}", name)
        add_case(cases, 100 + n, f"90000{n}", started="2026-11-0" + str(n))
    cases.commit()
    _text, rows = exported(trafford, "status=all&opened_from=2026-11-01&opened_to=2026-11-05&sort=opened-asc")
    assert [r[1] for r in rows[1:]] == ["'=HYPERLINK(\"http://evil.example\",\"Click\")", "'+44 School", "'-1 School",
                                        "'@SUM(A1)", "Ordinary Ünïcode School"]


def test_an_export_with_a_bad_value_goes_back_to_the_list_to_say_so(trafford):
    response = trafford.get("/cases/export?overdue=perhaps")
    assert response.status_code == 302 and response.headers["Location"].startswith("/cases?overdue=perhaps")
    assert "Overdue must be 1" in trafford.text(response.headers["Location"], 400)


def test_the_list_links_to_its_export_with_its_filter(trafford):
    page = trafford.text("/cases?route=route_a&due_within=7")
    assert 'href="/cases/export?route=route_a&amp;due_within=7"' in page and "Download these 2 cases (CSV)" in page


@pytest.mark.parametrize("organisation, query, expected", [
    (DERBYSHIRE, "status=all", [9]),
    (DERBYSHIRE, "status=all&school=ash", []),
    (NORTH_WEST, "status=all", [10, 11]),
    (NORTH_WEST, "status=all&la=358", [11]),
    (TRAFFORD, "status=all&la=830", []),
])
def test_each_organisation_lists_and_exports_only_its_own_cases(app, officers, travel, organisation, query, expected):
    browser = signed_in(app, officers[organisation])
    assert sorted(listed(browser.text(f"/cases?{query}"))) == expected
    assert sorted(int(r[0]) for r in exported(browser, query)[1][1:]) == expected


def test_the_step_filter_offers_every_step_of_the_route_in_the_diagrams_order(app, session, route):
    """Steps come from the route's definition, so a step no case is at yet can be chosen too (and
    shows no case), and none of another route's steps is offered."""
    make_user(session, "cm2@trafford.gov.uk", TRAFFORD, ["case_manager"])
    session.commit()
    officer = signed_in(app, "cm2@trafford.gov.uk")
    page = officer.text("/cases?route=web_route")
    select = page[page.index('id="step"'):page.index("</select>", page.index('id="step"'))]
    assert re.findall(r'<option value="([a-z_]*)"', select) == [
        "", "check_concern", "approve", "academy_order_decision"]
    assert listed(officer.text("/cases?route=web_route&step=approve")) == []
