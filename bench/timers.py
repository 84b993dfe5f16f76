"""What an idle timer worker costs: CPU per minute, and the SQL statements one sweep runs.

A real TimerService (APScheduler, a sweep every 2 s as `intervene worker` runs it, plus its
wake-ups) runs in this process with no timer it may fire, on two databases: one with no cases,
and one with N (default 1,000) suspended cases whose timers are past due, which must wait until
each case is resumed. The process's CPU time is measured over a window (default 15 s; the main
thread only sleeps) and scaled to a minute. Before that, one sweep is run on its own with a
SQLAlchemy `before_cursor_execute` listener counting the statements it sends.

On PostgreSQL only the worker's own CPU is counted, not the server's.

    .venv/bin/python bench/timers.py                       # SQLite file in a temp folder
    .venv/bin/python bench/timers.py --database postgresql://postgres@127.0.0.1/intervene_bench_timers
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from bench.seed import ensure_postgres_database  # noqa: E402
from engine import definitions, runtime  # noqa: E402
from engine.db import Base, make_engine, make_session_factory, transaction, utcnow  # noqa: E402
from engine.timers import TimerService  # noqa: E402
from workflows.migrate import import_all_models  # noqa: E402
from workflows.registry import install  # noqa: E402

BPMN = ROOT / "tests" / "fixtures" / "engine" / "timer_start.bpmn"


def seed_paused_cases(factory, cases: int) -> None:
    """`cases` suspended cases whose start timer falls due a few seconds from now."""
    due = utcnow() + timedelta(seconds=3)
    xml = BPMN.read_text().replace("${start_of_day_utc(review_on)}", due.isoformat())
    with transaction(factory) as session:
        definitions.deploy(session, xml, "bench")
        for _ in range(cases):
            case = runtime.start_instance(session, "timer_start", "bench")
            runtime.suspend_instance(session, case.id, "bench", reason="bench")
    while utcnow() <= due + timedelta(milliseconds=100):
        time.sleep(0.1)


def one_sweep(engine, factory) -> tuple[int, float]:
    """Statements and seconds of one sweep of a service that is not started."""
    statements = 0

    def count(*_args) -> None:
        nonlocal statements
        statements += 1

    service = TimerService(factory, worker_id="bench-sweep")
    event.listen(engine, "before_cursor_execute", count)
    started = time.perf_counter()
    try:
        service.sweep()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return statements, time.perf_counter() - started


def idle_cpu_per_minute(factory, window: float) -> float:
    service = TimerService(factory, worker_id="bench-idle")
    service.start()
    cpu = time.process_time()
    time.sleep(window)
    used = time.process_time() - cpu
    service.shutdown()
    return used * 60 / window


def run(url: str, paused: int, window: float) -> dict:
    engine = make_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    if paused:
        seed_paused_cases(factory, paused)
    statements, seconds = one_sweep(engine, factory)
    cpu = idle_cpu_per_minute(factory, window)
    engine.dispose()
    return {"database": engine.dialect.name, "paused_cases": paused, "cpu_seconds_per_minute": cpu,
            "sweep_statements": statements, "sweep_ms": seconds * 1000, "window_seconds": window}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paused", type=int, default=1000, help="suspended cases with past-due timers")
    parser.add_argument("--window", type=float, default=15.0, help="seconds of CPU measured, scaled to a minute")
    parser.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite file)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    install()
    import_all_models()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{folder}/bench.db"
        if url.startswith("postgresql"):
            ensure_postgres_database(url)
        results = [run(url, 0, args.window), run(url, args.paused, args.window)]
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"idle worker, CPU measured over {args.window:g} s and scaled to a minute")
    print(f"{'database':10} {'paused cases':>12} {'CPU s/min':>10} {'sweep statements':>17} {'sweep ms':>9}")
    for r in results:
        print(f"{r['database']:10} {r['paused_cases']:12} {r['cpu_seconds_per_minute']:10.2f} "
              f"{r['sweep_statements']:17} {r['sweep_ms']:9.1f}")


if __name__ == "__main__":
    main()
