"""Response times of the officer-facing pages at 100,000 cases (roadmap item 4: p95 under 150 ms).

Seeds a fresh database with bench/seed.py (bulk inserts shaped like the engine's projections),
then requests each page through the real Flask app with a signed-in test client, as a deputy
assistant director of the biggest LA and as the regional director of its region (who also sees
the LA cases shared with the region), and prints p50/p95/max per page with the number of SQL
statements each request ran (a number that grows with the page size means an N+1 query).

    .venv/bin/python bench/inbox.py                          # SQLite file in a temp folder
    .venv/bin/python bench/inbox.py --cases 10000 --requests 20
    .venv/bin/python bench/inbox.py --database postgresql://postgres@127.0.0.1/intervene_bench_inbox
    .venv/bin/python bench/inbox.py --database sqlite:////tmp/bench.db --reuse   # skip seeding

Times are wall-clock per request inside one process (no network, no web server): the WSGI app,
the database and the template rendering. "sql/req" counts every statement (on SQLite including the
BEGIN IMMEDIATE engine/db.py issues); "sql p50" is the time spent in cursor.execute, which on
SQLite runs a query up to its first row, so a plan that walks an index in order while rows are
fetched shows its cost in p50 rather than there. Seeding drops every table of --database, and
refuses a database holding cases it did not write.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, select  # noqa: E402

from bench.seed import BIG_LA, REGION, bench_email, ensure_postgres_database, seed  # noqa: E402
from engine.clock import today_local  # noqa: E402
from engine.db import make_engine, make_session_factory, utcnow  # noqa: E402
from engine.models import AuditEvent, HumanTask, ProcessInstance  # noqa: E402
from web.app import create_app  # noqa: E402
from web.inbox.queries import InboxFilters, inbox_counts  # noqa: E402
from web.paging import PER_PAGE  # noqa: E402
from workflows.access import scope_session  # noqa: E402
from workflows.account_models import User  # noqa: E402
from workflows.case_search import CaseFilters, count_cases  # noqa: E402
from workflows.dashboard import count_figures  # noqa: E402
from workflows.demo import DEMO_PASSWORD  # noqa: E402
from workflows.migrate import import_all_models  # noqa: E402
from workflows.registry import install  # noqa: E402
from workflows.school_models import School  # noqa: E402

TARGET_P95_MS = 150.0
LA_OFFICER = bench_email("deputy_assistant_director", BIG_LA)
REGIONAL_DIRECTOR = bench_email("regional_director", REGION)
#: Words of school names an officer would not search by.
GENERIC_WORDS = {"school", "primary", "secondary", "academy", "infant", "junior", "high", "all", "through",
                 "pupil", "referral", "unit", "church", "england", "the", "st", "of", "and", "community"}


@dataclass
class Result:
    page: str
    url: str
    requests: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    statements: int
    sql_p50_ms: float
    bytes: int


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class SqlCounter:
    """Statements and time in cursor.execute, per request."""

    def __init__(self, engine) -> None:
        self.statements, self.seconds, self._started = 0, 0.0, 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def reset(self) -> None:
        self.statements, self.seconds = 0, 0.0

    def _before(self, *_args) -> None:
        self.statements += 1
        self._started = time.perf_counter()

    def _after(self, *_args) -> None:
        self.seconds += time.perf_counter() - self._started


def signed_in(app, email: str):
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/sign-in", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302, f"sign-in as {email} failed: {response.status_code}"
    return client


def _scope(factory, email: str, now) -> dict[str, int]:
    """How much the officer sees: what the pages have to count and sort (on a session scoped to
    the officer, as a request's is)."""
    with factory() as session:
        officer = session.scalar(select(User).where(User.email == email))
        scope_session(session, lambda: officer)
        roles, counts = inbox_counts(session, officer, "roles", InboxFilters(), now)
        today = now.date()
        return {"open_cases": count_cases(session, CaseFilters(), today),
                "all_cases": count_cases(session, CaseFilters(status="all"), today),
                "for_my_roles": roles, "assigned_to_me": counts["mine"]}


def _pages(session, scope: dict[str, int]) -> list[tuple[str, str, str]]:
    """(label, who, url) of every page measured, with ids and page numbers found in the data."""
    roles_pages = -(-scope["for_my_roles"] // PER_PAGE)
    case_pages = -(-scope["open_cases"] // PER_PAGE)
    deep_inbox, deep_cases = max(1, min(40, roles_pages)), max(1, min(200, case_pages))
    case_id = session.scalar(select(AuditEvent.instance_id).join(ProcessInstance)
                             .where(ProcessInstance.owner == BIG_LA).group_by(AuditEvent.instance_id)
                             .order_by(func.count().desc(), AuditEvent.instance_id).limit(1))
    urn = session.scalar(select(ProcessInstance.business_key).where(ProcessInstance.owner == BIG_LA)
                         .group_by(ProcessInstance.business_key)
                         .order_by(func.count().desc(), ProcessInstance.business_key).limit(1))
    words = [w for w in session.get(School, urn).search_name.split() if w not in GENERIC_WORDS]
    word = max(words or ["school"], key=len)
    shared = session.scalar(select(HumanTask.instance_id).join(School, School.urn == HumanTask.business_key)
                            .where(School.region == REGION, HumanTask.owner != REGION,
                                   HumanTask.role == "regional_director")
                            .order_by(HumanTask.instance_id).limit(1))
    return [
        ("inbox: for my roles, page 1", "la", "/inbox?tab=roles"),
        ("inbox: assigned to me", "la", "/inbox?tab=mine"),
        ("inbox: overdue only", "la", "/inbox?tab=roles&overdue=yes"),
        (f"inbox: school '{word}'", "la", f"/inbox?tab=roles&school={word}"),
        (f"inbox: page {deep_inbox} of {roles_pages}", "la", f"/inbox?tab=roles&page={deep_inbox}"),
        ("cases: page 1", "la", "/cases"),
        (f"cases: page {deep_cases} of {case_pages}", "la", f"/cases?page={deep_cases}"),
        ("cases: route, overdue, by deadline", "la",
         "/cases?route=maintained_warning_notice&overdue=1&sort=next_deadline"),
        ("cases: due within 10 working days", "la", "/cases?due_within=10&sort=next_deadline"),
        ("cases: all, school type, by school", "la", "/cases?status=all&school_type=maintained&sort=school"),
        ("cases: missed in a quarter", "la", "/cases?status=all&deadline_outcome=missed&deadline_quarter=2026-Q2"),
        ("case page (longest history)", "la", f"/cases/{case_id}"),
        ("school page (most cases)", "la", f"/schools/{urn}"),
        ("dashboard", "la", "/dashboard"),
        ("dashboard: route heatmap", "la", "/dashboard/routes/maintained_warning_notice"),
        ("RD inbox: for my roles", "rd", "/inbox?tab=roles"),
        ("RD inbox: assigned to me", "rd", "/inbox?tab=mine"),
        ("RD cases: page 1", "rd", "/cases"),
        ("RD cases: overdue, by deadline", "rd", "/cases?overdue=1&sort=next_deadline"),
        ("RD cases: due within 10, one LA", "rd", f"/cases?due_within=10&la={BIG_LA}"),
        ("RD cases: all, closed in 2026", "rd", "/cases?status=closed&closed_from=2026-01-01&closed_to=2026-12-31"),
        ("RD case page (shared by an LA)", "rd", f"/cases/{shared}"),
        ("RD dashboard", "rd", "/dashboard"),
        ("RD dashboard: route heatmap", "rd", "/dashboard/routes/ofsted_category_response"),
        ("RD school page", "rd", f"/schools/{urn}"),
    ]


def _time(client, path: str, requests: int, warmups: int, counter: SqlCounter) -> tuple[list, list, int, int]:
    for _ in range(warmups):
        response = client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
    samples, sql, statements, size = [], [], 0, 0
    for _ in range(requests):
        counter.reset()
        begin = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - begin)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        sql.append(counter.seconds)
        statements, size = max(statements, counter.statements), len(response.get_data())
    return samples, sql, statements, size


def measure(url: str, requests: int, warmups: int, log=print) -> tuple[dict, list[Result]]:
    """({who: what they see}, a Result per page)."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    scope = {who: _scope(factory, email, utcnow()) for who, email in (("la", LA_OFFICER), ("rd", REGIONAL_DIRECTOR))}
    with factory() as session:
        pages = _pages(session, scope["la"])
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-secret"})
    engine = app.extensions["intervene_engine"]
    counter = SqlCounter(engine)
    clients = {"la": signed_in(app, LA_OFFICER), "rd": signed_in(app, REGIONAL_DIRECTOR)}
    results = []
    for label, who, path in pages:
        samples, sql, statements, size = _time(clients[who], path, requests, warmups, counter)
        results.append(Result(label, path, requests, statistics.median(samples) * 1000,
                              percentile(samples, 0.95) * 1000, max(samples) * 1000, statements,
                              statistics.median(sql) * 1000, size))
        log(f"  measured {label}")
    results += _counting(make_session_factory(engine), requests, counter)
    engine.dispose()
    return scope, results


def _counting(factory, requests: int, counter: SqlCounter) -> list[Result]:
    """What the dashboard pages no longer pay at each view: counting an organisation's figures, which
    the worker does every few minutes for the dashboards being read (and a page does when its
    snapshot is missing or old). Timed on a session scoped to the officer, as a page counts."""
    results = []
    for label, email in (("dashboard counted (worker, first view)", LA_OFFICER),
                         ("RD dashboard counted (worker, first view)", REGIONAL_DIRECTOR)):
        with factory() as session:
            officer = session.scalar(select(User).where(User.email == email))
            scope_session(session, lambda officer=officer: officer)
            today = today_local()
            count_figures(session, today)  # warm
            samples, sql = [], []
            for _ in range(requests):
                counter.reset()
                begin = time.perf_counter()
                count_figures(session, today)
                samples.append(time.perf_counter() - begin)
                sql.append(counter.seconds)
        results.append(Result(label, "", requests, statistics.median(samples) * 1000, percentile(samples, 0.95) * 1000,
                              max(samples) * 1000, counter.statements, statistics.median(sql) * 1000, 0))
    return results


def print_table(results: list[Result], title: str) -> None:
    print(title)
    print(f"{'page':38} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'sql/req':>8} {'sql p50':>8}")
    for r in results:
        flag = "  <-- over target" if r.url and r.p95_ms > TARGET_P95_MS else ""
        print(f"{r.page:38} {r.requests:8d} {r.p50_ms:8.1f} {r.p95_ms:8.1f} {r.max_ms:8.1f} {r.statements:8d} "
              f"{r.sql_p50_ms:8.1f}{flag}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite file in a temp folder)")
    parser.add_argument("--reuse", action="store_true", help="measure an already seeded --database")
    parser.add_argument("--no-analyze", action="store_true", help="do not ANALYZE after seeding")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    log = (lambda message: print(message, file=sys.stderr)) if args.json else print
    install()
    import_all_models()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{folder}/bench.db"
        seeded = None
        if not args.reuse:
            if url.startswith("postgresql"):
                ensure_postgres_database(url)
            seeded = seed(url, args.cases, analyze=not args.no_analyze, log=log)
            log(f"seeded {seeded.cases} cases in {seeded.seconds:.1f} s: "
                + ", ".join(f"{n} {table}" for table, n in seeded.rows.items()))
        scope, results = measure(url, args.requests, args.warmups, log=log)
    dialect = url.split(":", 1)[0].split("+", 1)[0]
    if args.json:
        print(json.dumps({"database": dialect, "cases": seeded.cases if seeded else None,
                          "load_average": os.getloadavg(),
                          "seed_seconds": seeded.seconds if seeded else None, "seed_rows": seeded.rows if seeded else None,
                          "scope": scope, "results": [asdict(r) for r in results]}, indent=2))
        return
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    for who, email in (("la", LA_OFFICER), ("rd", REGIONAL_DIRECTOR)):
        print(f"{email}: " + ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in scope[who].items()))
    print_table(results, f"{dialect}, {seeded.cases if seeded else 'existing'} cases, load average {load}, "
                         f"p95 target {TARGET_P95_MS:.0f} ms")


if __name__ == "__main__":
    main()
