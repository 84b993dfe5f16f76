"""/dashboard and /dashboard/routes/<key>: every figure against a hand count.

The cases are built at known moments (time-machine) and given deadlines with known days; the
dashboard is read on Wednesday 14 October 2026, in 2026-Q4, so "last quarter" is 2026-Q3 (1 July to
30 September). Working days: no bank holiday falls between 30 September and 29 October 2026.

Trafford's cases on the web test route (check the concern, approve, the regional director decides):
- A opened 1 May 2026, still at "Check the concern". Deadlines: reply due 7 Oct (passed: overdue 5
  working days, a miss in Q4), visit due 20 Oct (4 working days left), and one due 5 May met (Q2).
- B opened 15 Jul, concern checked 17 Jul (2 days there), at "Approve". Deadlines: 30 Sep passed
  (overdue 10 working days, a miss in Q3), 14 Aug met on 13 Aug (Q3).
- C opened 10 Sep, concern checked 14 Sep (4 days there), approved 15 Sep (1 day), now at the regional
  director's decision (so shared with the North West region). Deadlines: 10 Jul met (Q3), 28 Oct
  (the 10th working day: due soon), 29 Oct (the 11th: not yet).
- E opened 3 Aug, withdrawn 20 Sep while at "Check the concern" (48 days there). Deadlines: 1 Sep
  missed (Q3, but the case is closed so it is not overdue), 2 Nov ended with the case (not counted).
Derbyshire's case D (opened 1 Sep, a deadline of 15 Sep missed) must not show in Trafford's figures.

Hand counts for Trafford: overdue 2 cases (B first, then A); due soon 2 cases (A, C); Q3 2 met and
2 missed (50%); Q4 so far 0 met, 1 missed; Q2 1 met; open cases 3 (A check, B approve, C decision);
opened May 1, Jul 1, Aug 1, Sep 1 and closed Sep 1; "Check the concern" left 3 times after 2, 4 and
48 days: median 4 days, 90th percentile 4 + 0.8 x 44 = 39.2 days.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from engine import runtime
from engine.models import Deadline, HumanTask, ProcessInstance, StepVisit
from workflows.access import scope_session

from .factories import DERBYSHIRE, NORTH_WEST, TRAFFORD, Browser, make_school, make_user, start_case

LONDON = ZoneInfo("Europe/London")
TODAY = datetime(2026, 10, 14, 12, 0, tzinfo=LONDON)
CHECK = {"concern_details": "Results fell", "visit_on": "2026-01-10", "severity": "high"}


def at(year: int, month: int, day: int, hour: int = 9):
    return time_machine.travel(datetime(year, month, day, hour, 0, tzinfo=LONDON), tick=False)


def complete(session, case: ProcessInstance, bpmn_id: str, data: dict | None = None) -> None:
    task = session.scalar(select(HumanTask).where(HumanTask.instance_id == case.id, HumanTask.bpmn_id == bpmn_id,
                                                  HumanTask.is_open.is_(True)))
    runtime.complete_task(session, task.id, "ann.adviser@trafford.gov.uk", data or {})


def deadline(session, case: ProcessInstance, deadline_id: str, due_on: date, status: str = "pending",
             met_on: date | None = None, lapses: bool = True) -> None:
    session.add(Deadline(instance_id=case.id, owner=case.owner, deadline_id=deadline_id, name=f"Deadline {deadline_id}",
                         due_on=due_on, rule="by hand", source="EIA 2006 s60", status=status, met_on=met_on,
                         overdue_note="missed" if lapses and status == "pending" else None,
                         shared_with=case.shared_with))  # as engine.projections writes it


@pytest.fixture
def cases(session, route):
    make_school(session)
    make_school(session, "100002", "Beech Road Primary School")
    make_school(session, "100003", "Cedar Park School")
    make_school(session, "100005", "Elm Tree Infants")
    make_school(session, "200001", "Dale View Academy", la_code=DERBYSHIRE, la_name="Derbyshire",
                region="dfe-east-midlands")
    with at(2026, 5, 1):
        a = start_case(session, "100001")
    with at(2026, 7, 15):
        b = start_case(session, "100002")
    with at(2026, 7, 17):
        complete(session, b, "check_concern", CHECK)
    with at(2026, 8, 3):
        e = start_case(session, "100005")
    with at(2026, 9, 1):
        d = start_case(session, "200001")
    with at(2026, 9, 10):
        c = start_case(session, "100003")
    with at(2026, 9, 14):
        complete(session, c, "check_concern", CHECK)
    with at(2026, 9, 15):
        complete(session, c, "approve")
    with at(2026, 9, 20):
        runtime.terminate_instance(session, e.id, "cm@trafford.gov.uk", "Withdrawn: raised in error")
    deadline(session, a, "reply", date(2026, 10, 7))
    deadline(session, a, "visit", date(2026, 10, 20))
    deadline(session, a, "early", date(2026, 5, 5), "met", date(2026, 5, 5))
    deadline(session, b, "reply", date(2026, 9, 30))
    deadline(session, b, "notice", date(2026, 8, 14), "met", date(2026, 8, 13))
    deadline(session, c, "first", date(2026, 7, 10), "met", date(2026, 7, 9))
    deadline(session, c, "tenth", date(2026, 10, 28))
    deadline(session, c, "eleventh", date(2026, 10, 29))
    deadline(session, e, "sep", date(2026, 9, 1), "missed")
    deadline(session, e, "nov", date(2026, 11, 2), "ended")
    deadline(session, d, "reply", date(2026, 9, 15), "missed")
    session.commit()
    return {"A": a, "B": b, "C": c, "D": d, "E": e}


def sign_in(app, session, email: str, organisation: str, roles) -> Browser:
    make_user(session, email, organisation, roles)
    session.commit()
    browser = Browser(app.test_client())
    with time_machine.travel(TODAY, tick=False):  # a session begun in the future is no session
        browser.sign_in(email)
    return browser


@pytest.fixture
def manager(app, session, cases) -> Browser:
    return sign_in(app, session, "cm@trafford.gov.uk", TRAFFORD, ["case_manager"])


def read(browser: Browser, url: str = "/dashboard", status: int = 200) -> str:
    with time_machine.travel(TODAY, tick=False):
        return browser.text(url, status)


def section(page: str, element_id: str) -> str:
    """The HTML of the element with this id, up to the next heading of the same rank or table end."""
    start = page.index(f'id="{element_id}"')
    ends = [i for i in (page.find("</table>", start), page.find("</div>\n  </div>", start)) if i != -1]
    return page[start:min(ends)]


def cells(html: str) -> list[str]:
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()).replace(" ,", ",")
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html, re.S)]


def test_the_headline_answers_what_is_overdue_what_is_due_and_last_quarter(manager):
    page = read(manager)
    assert re.search(r'id="headline-overdue" href="/cases\?status=open&amp;overdue=1">2</a>', page)
    assert re.search(r'id="headline-due-soon" href="/cases\?status=open&amp;due_within=10">2</a>', page)
    last = section(page, "headline-last-quarter")
    assert "50%" in last and "due in 2026-Q3" in last
    assert ('<a class="govuk-link" href="/cases?status=all&amp;deadline_outcome=met&amp;deadline_quarter=2026-Q3">'
            "2 met</a>") in last
    assert "deadline_outcome=missed&amp;deadline_quarter=2026-Q3\">2 missed</a>" in last


def test_overdue_deadlines_worst_first_with_working_days_late(manager, cases):
    table = section(read(manager), "overdue-table")
    rows = cells(table)
    assert [c for c in rows if c.startswith(("Beech", "Ash", "Cedar", "Elm", "Dale"))] == [
        f"Beech Road Primary School Web test route, case {cases['B'].id}",
        f"Ash Grove Primary School Web test route, case {cases['A'].id}"]
    assert "10 working days" in rows and "5 working days" in rows
    assert "Elm Tree" not in table and "Dale View" not in table  # closed; another authority


def test_a_long_list_stops_at_its_limit_and_links_to_the_rest(manager, monkeypatch):
    from workflows import dashboard

    monkeypatch.setattr(dashboard, "LIST_LIMIT", 1)
    page = read(manager)
    assert len(re.findall(r"Overdue by", section(page, "overdue-table"))) == 2  # the heading and one row's label
    assert '<a class="govuk-link" href="/cases?status=open&amp;overdue=1">All 2 cases with an overdue deadline</a>' in page


def test_due_within_ten_working_days_includes_the_tenth_and_not_the_eleventh(manager):
    page = read(manager)
    table = section(page, "due-soon-table")
    assert "Deadline visit" in table and "Deadline tenth" in table and "Deadline eleventh" not in table
    assert ["4", "10"] == [c for c in cells(table) if c.isdigit()]
    assert "to 28 October 2026" in page


def test_deadlines_met_per_route_per_quarter(manager):
    table = section(read(manager), "outcomes-table")
    assert cells(table)[:6] == ["Route", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    route_row = table[table.index('data-route="web_route"'):table.index('data-route="all"')]
    assert cells(route_row) == ["Web test route", "None fell due", "None fell due", "100% 1 met, 0 missed",
                                "50% 2 met, 2 missed", "0% 0 met, 1 missed"]
    assert ('href="/cases?route=web_route&amp;status=all&amp;deadline_outcome=missed&amp;deadline_quarter=2026-Q4">'
            "1 missed</a>") in route_row


def test_open_cases_by_route_and_step(manager, cases):
    page = read(manager)
    assert '<a class="govuk-link" href="/cases?route=web_route&amp;status=open">3</a>' in section(page, "open-routes-table")
    steps = section(page, "open-steps-table")
    assert cells(steps)[3:] == ["Web test route", "Approve the response", "1",
                                "Web test route", "Check the concern", "1",
                                "Web test route", "Decide on an academy order", "1"]
    assert 'href="/cases?route=web_route&amp;status=open&amp;step=academy_order_decision">1</a>' in steps


def test_cases_opened_and_closed_per_month(manager):
    table = section(read(manager), "months-table")
    rows = cells(table)[3:]
    months = {rows[i]: (rows[i + 1], rows[i + 2]) for i in range(0, len(rows), 3)}
    assert list(months)[0] == "November 2025" and list(months)[-1] == "October 2026"
    assert {m: v for m, v in months.items() if v != ("0", "0")} == {
        "May 2026": ("1", "0"), "July 2026": ("1", "0"), "August 2026": ("1", "0"), "September 2026": ("1", "1")}
    assert 'href="/cases?status=all&amp;closed_from=2026-09-01&amp;closed_to=2026-09-30">1</a>' in table
    assert 'href="/cases?status=all&amp;opened_from=2026-05-01&amp;opened_to=2026-05-31">1</a>' in table


def test_time_spent_in_each_step_median_and_90th_percentile(manager):
    table = section(read(manager), "step-times-table")
    row = table[table.index('data-step="web_route:check_concern"'):]
    assert cells(row)[:5] == ["Web test route", "Check the concern", "3", "4 days", "39.2 days"]
    approve = table[table.index('data-step="web_route:approve"'):]
    assert cells(approve)[:5] == ["Web test route", "Approve the response", "1", "1 day", "1 day"]


def test_the_charts_get_the_tables_figures_as_json_not_inline_script(manager):
    page = read(manager)
    found = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', page, re.S)
    import json
    data = json.loads(found.group(1))
    assert data["outcomes"]["labels"][-2] == "2026-Q3"
    assert data["outcomes"]["series"] == [{"label": "Web test route", "data": [None, None, 100.0, 50.0, 0.0]}]
    assert data["open_routes"] == {"labels": ["Web test route"], "data": [3]}
    assert sum(data["months"]["opened"]) == 4 and sum(data["months"]["closed"]) == 1
    # The only inline script is GOV.UK's own js-enabled line, allowed by its CSP nonce.
    assert re.findall(r"<script(?![^>]*(?:src=|application/json|nonce=))[^>]*>", page) == []


def test_another_authority_sees_only_its_own(app, session, cases):
    derbyshire = sign_in(app, session, "cm@derbyshire.gov.uk", DERBYSHIRE, ["deputy_assistant_director"])
    page = read(derbyshire)
    assert re.search(r'id="headline-overdue" href="[^"]+">1</a>', page)  # D: missed, not met, still open
    assert "Dale View Academy" in section(page, "overdue-table")
    route_row = section(page, "outcomes-table")
    assert "0% 0 met, 1 missed" in cells(route_row)  # D's miss of 15 September, in Q3
    assert '<a class="govuk-link" href="/cases?route=web_route&amp;status=open">1</a>' in page
    assert "Ash Grove" not in page and "Beech Road" not in page


def test_a_region_sees_the_cases_shared_with_it(app, session, cases):
    director = sign_in(app, session, "rd@education.gov.uk", NORTH_WEST, ["regional_director"])
    page = read(director)
    assert '<a class="govuk-link" href="/cases?route=web_route&amp;status=open">1</a>' in page  # C only
    assert "Deadline tenth" in section(page, "due-soon-table")
    assert "Ash Grove" not in page and "Beech Road" not in page
    assert cells(section(page, "open-steps-table"))[3:] == ["Web test route", "Decide on an academy order", "1"]
    # C's earlier steps, done before the case was shared, count for the region too; A's, B's and E's do not.
    times = section(page, "step-times-table")
    assert cells(times[times.index('data-step="web_route:check_concern"'):])[:5] == [
        "Web test route", "Check the concern", "1", "4 days", "4 days"]
    heat = read(director, "/dashboard/routes/web_route")
    assert cells(section(heat, "heatmap-table"))[5:7] == ["Decide on an academy order", "1"]


@pytest.mark.parametrize("role", ["link_adviser", "senior_adviser", "la_admin", "process_owner"])
def test_an_officer_without_the_flag_gets_403_and_no_link(app, session, cases, role):
    officer = sign_in(app, session, f"{role}@trafford.gov.uk", TRAFFORD, [role])
    assert 'href="/dashboard"' not in read(officer, "/inbox")
    for url in ("/dashboard", "/dashboard/routes/web_route", "/dashboard/routes/web_route/diagram.bpmn"):
        with time_machine.travel(TODAY, tick=False):
            assert officer.get(url).status_code == 403, url


@pytest.mark.parametrize("role", ["deputy_assistant_director", "assistant_director", "director_childrens_services",
                                  "case_manager"])
def test_each_manager_role_sees_the_dashboard_and_its_link(app, session, cases, role):
    officer = sign_in(app, session, f"{role}@trafford.gov.uk", TRAFFORD, [role])
    assert 'href="/dashboard"' in read(officer, "/inbox")
    assert "Overdue deadlines" in read(officer)


def test_the_heatmap_counts_open_cases_and_median_time_at_each_step(manager):
    page = read(manager, "/dashboard/routes/web_route")
    rows = cells(section(page, "heatmap-table"))[5:]
    steps = {rows[i]: rows[i + 1:i + 5] for i in range(0, len(rows), 5)}
    assert steps == {"Check the concern": ["1", "4 days", "39.2 days", "3"],
                     "Approve the response": ["1", "1 day", "1 day", "1"],
                     "Decide on an academy order": ["1", "No visits yet", "No visits yet", "0"]}
    assert 'href="/cases?route=web_route&amp;status=open&amp;step=check_concern">1</a>' in page
    found = re.search(r'<script type="application/json" id="heatmap-data">(.*?)</script>', page, re.S)
    assert '"id": "check_concern"' in found.group(1) and '"cases": 1' in found.group(1)
    with time_machine.travel(TODAY, tick=False):
        diagram = manager.get("/dashboard/routes/web_route/diagram.bpmn")
    assert diagram.status_code == 200 and b'id="check_concern"' in diagram.data


def test_an_unknown_route_is_404(manager):
    read(manager, "/dashboard/routes/no_such_route", 404)
    with time_machine.travel(TODAY, tick=False):
        assert manager.get("/dashboard/routes/no_such_route/diagram.bpmn").status_code == 404


def test_an_empty_organisation_gets_a_dashboard_of_zeros(app, session, route):
    officer = sign_in(app, session, "dad@trafford.gov.uk", TRAFFORD, ["deputy_assistant_director"])
    page = read(officer)
    assert 'id="no-overdue"' in page and 'id="no-due-soon"' in page and 'id="no-step-times"' in page
    assert "None fell due" in section(page, "headline-last-quarter")


def test_step_visits_are_the_projection_the_figures_come_from(session, cases):
    """The closed case's visit ended when it was withdrawn; open cases' current steps have open visits."""
    visits = session.scalars(select(StepVisit).where(StepVisit.instance_id == cases["E"].id)).all()
    assert [(v.bpmn_id, v.entered_at.date(), v.left_at.date()) for v in visits] == [
        ("check_concern", date(2026, 8, 3), date(2026, 9, 20))]
    open_now = session.scalars(select(StepVisit.bpmn_id).where(StepVisit.left_at.is_(None),
                                                               StepVisit.owner == TRAFFORD)).all()
    assert sorted(open_now) == ["academy_order_decision", "approve", "check_concern"]


# The figures as a snapshot (workflows.dashboard_snapshots): counted once, shown until the next count.

def headline_overdue(page: str) -> str:
    return re.search(r'id="headline-overdue" href="[^"]+">(\d+)</a>', page).group(1)


def minutes_after_today(minutes: int):
    return time_machine.travel(TODAY + timedelta(minutes=minutes), tick=False)


def test_the_snapshot_round_trips_every_figure(session, cases):
    from workflows.dashboard import count_figures, figures_from_json, figures_to_json
    from workflows.dashboard_snapshots import OrganisationViewer

    scope_session(session, lambda: OrganisationViewer(TRAFFORD, "la"))
    counted = count_figures(session, TODAY.date())
    assert sum(counted.overdue_by_route.values()) == 2 and counted.step_times  # the hand counts are in it
    assert figures_from_json(figures_to_json(counted)) == counted


def test_a_fresh_snapshot_is_shown_until_counted_again(manager, session, cases):
    first = read(manager)
    assert headline_overdue(first) == "2" and "counted just now" in first
    deadline(session, cases["C"], "late", date(2026, 10, 1))  # C is overdue too from now on
    session.commit()
    with minutes_after_today(9):  # within two rounds of the worker: the snapshot stands
        again = manager.text("/dashboard")
    assert headline_overdue(again) == "2"
    assert "These figures were counted on 14 October 2026 at midday" in " ".join(again.split())
    assert '"/cases?status=open&amp;overdue=1"' in again  # the live list behind the figure is one click away
    with minutes_after_today(9):
        assert manager.post("/dashboard/count").headers["Location"] == "/dashboard"
        counted = manager.text("/dashboard")
    assert headline_overdue(counted) == "3" and "counted on 14 October 2026 at 12:09pm" in " ".join(counted.split())
    assert "The figures were counted again: they are as of 14 October 2026 at 12:09pm." in counted


def test_a_snapshot_two_rounds_old_or_from_another_day_is_counted_again(manager, session, cases):
    read(manager)
    deadline(session, cases["C"], "late", date(2026, 10, 1))
    session.commit()
    with minutes_after_today(11):  # the worker missed its rounds: the page counts for itself
        assert headline_overdue(manager.text("/dashboard")) == "3"
    deadline(session, cases["C"], "later", date(2026, 10, 15), lapses=True)  # due tomorrow: overdue the day after
    session.commit()
    with time_machine.travel(datetime(2026, 10, 16, 0, 5, tzinfo=LONDON), tick=False):  # 12:05am on Friday
        manager.sign_in("cm@trafford.gov.uk")
        page = manager.text("/dashboard")
    assert "Deadline later" in section(page, "overdue-table")  # counted for the new day, on which it has passed
    assert "counted just now (16 October 2026 at 12:05am)" in " ".join(page.split())


def test_the_worker_counts_again_only_the_dashboards_being_read(app, manager, session, cases):
    from workflows.dashboard_snapshots import refresh_read_dashboards

    factory = sessionmaker(bind=session.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False)
    director = sign_in(app, session, "rd@education.gov.uk", NORTH_WEST, ["regional_director"])
    read(manager)
    read(director)
    deadline(session, cases["C"], "late", date(2026, 10, 1))  # C is Trafford's, shared with the North West
    session.commit()
    with minutes_after_today(2):  # counted two minutes ago: not due for counting yet
        assert refresh_read_dashboards(factory) == 0
    with minutes_after_today(3):
        assert refresh_read_dashboards(factory) == 2
        trafford, region = manager.text("/dashboard"), director.text("/dashboard")
    assert headline_overdue(trafford) == "3" and "counted on 14 October 2026 at 12:03pm" in " ".join(trafford.split())
    # The worker counted the region as the region: C alone, not Trafford's other cases.
    assert headline_overdue(region) == "1"
    assert '<a class="govuk-link" href="/cases?route=web_route&amp;status=open">1</a>' in region
    with time_machine.travel(TODAY + timedelta(days=2), tick=False):  # nobody has looked for two days
        assert refresh_read_dashboards(factory) == 0


def test_an_organisation_never_sees_anothers_snapshot(app, manager, session, cases):
    assert headline_overdue(read(manager)) == "2"
    derbyshire = sign_in(app, session, "cm@derbyshire.gov.uk", DERBYSHIRE, ["deputy_assistant_director"])
    page = read(derbyshire)
    assert headline_overdue(page) == "1" and "Dale View Academy" in page
    assert "Ash Grove" not in page and "Beech Road" not in page


def test_counting_again_from_a_heatmap_returns_to_it_and_never_leaves_the_dashboard(manager):
    with time_machine.travel(TODAY, tick=False):
        page = manager.text("/dashboard/routes/web_route")
        assert '<input type="hidden" name="back" value="/dashboard/routes/web_route">' in page
        back = manager.post("/dashboard/count", {"back": "/dashboard/routes/web_route"})
        assert back.headers["Location"] == "/dashboard/routes/web_route"
        for elsewhere in ("https://evil.example/", "//evil.example/dashboard", "/cases", "/dashboard\\x"):
            assert manager.post("/dashboard/count", {"back": elsewhere}).headers["Location"] == "/dashboard"


def test_counting_again_is_for_managers_only(app, session, cases):
    adviser = sign_in(app, session, "la@trafford.gov.uk", TRAFFORD, ["link_adviser"])
    with time_machine.travel(TODAY, tick=False):
        assert adviser.post("/dashboard/count").status_code == 403
