"""Completions per second through the persisted engine, against bare in-memory SpiffWorkflow.

Drives N instances of a 10-user-task process to completion, round-robin across instances (as
officers work different cases), one transaction per completion, and times each completion:
load + complete + engine steps + save state and projections + commit. Runs it with the in-process
workflow cache on and off, then with several clients at once (as a web server's threads would),
then does the same work with bare SpiffWorkflow, serializing to JSON and back after every
completion (the floor).

    .venv/bin/python bench/engine.py                       # SQLite file in a temp folder
    .venv/bin/python bench/engine.py --database postgresql://postgres@127.0.0.1/intervene_bench_engine
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.seed import ensure_postgres_database  # noqa: E402
from engine import definitions, runtime  # noqa: E402
from engine.db import Base, make_engine, make_session_factory, transaction  # noqa: E402
from engine.models import HumanTask  # noqa: E402
from workflows.migrate import import_all_models  # noqa: E402
from workflows.registry import install  # noqa: E402

BPMN = ROOT / "tests" / "fixtures" / "engine" / "ten_tasks.bpmn"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def summary(label: str, samples: list[float], elapsed: float) -> dict:
    return {"run": label, "completions": len(samples), "per_second": len(samples) / elapsed,
            "p50_ms": statistics.median(samples) * 1000, "p95_ms": percentile(samples, 0.95) * 1000}


def persisted_run(url: str, instances: int, cache: bool, clients: int = 1) -> dict:
    engine = make_engine(url, pool_size=max(5, clients + 2))
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    runtime.set_workflow_cache(cache)
    with transaction(factory) as session:
        definitions.deploy(session, BPMN.read_text(), "bench")
        ids = [runtime.start_instance(session, "ten_tasks", "bench", data={"started_on": "2026-01-05"}).id
               for _ in range(instances)]
    samples: list[float] = []
    lock = threading.Lock()

    def drive(case_ids: list[int]) -> None:
        """One officer after another working through their cases, one transaction per completion."""
        mine = []
        for step in range(1, 11):
            for case_id in case_ids:
                with transaction(factory) as session:
                    task_id = session.scalar(select(HumanTask.id).where(HumanTask.instance_id == case_id,
                                                                        HumanTask.is_open.is_(True)))
                begin = time.perf_counter()
                with transaction(factory) as session:
                    runtime.complete_task(session, task_id, "bench",
                                          {f"answer_{step}": "ok", f"count_{step}": step})
                mine.append(time.perf_counter() - begin)
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=drive, args=(ids[n::clients],)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    engine.dispose()
    label = (f"persisted ({engine.dialect.name}, cache {'on' if cache else 'off'}, "
             f"{clients} client{'s' if clients > 1 else ''})")
    # One client: the sum of completion times (the untimed task lookups between them excluded);
    # several: wall time, since their completions overlap.
    return summary(label, samples, elapsed if clients > 1 else sum(samples))


def bare_run(instances: int) -> dict:
    parsed = definitions.parse_process(BPMN.read_text())
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG))
    states = []
    for _ in range(instances):
        workflow = BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=runtime.SCRIPT_ENGINE)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data["started_on"] = "2026-01-05"
        workflow.do_engine_steps()
        states.append(serializer.serialize_json(workflow))
    samples: list[float] = []
    for step in range(1, 11):
        for index in range(instances):
            begin = time.perf_counter()
            workflow = serializer.deserialize_json(states[index])
            workflow.script_engine = runtime.SCRIPT_ENGINE
            task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
            task.data.update({f"answer_{step}": "ok", f"count_{step}": step})
            task.run()
            workflow.do_engine_steps()
            states[index] = serializer.serialize_json(workflow)
            samples.append(time.perf_counter() - begin)
    return summary("bare SpiffWorkflow + JSON round trip", samples, sum(samples))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", type=int, default=100)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite file)")
    parser.add_argument("--clients", type=int, default=4,
                        help="threads completing tasks at once in the concurrent run (default 4)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    install()
    import_all_models()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{folder}/bench.db"
        if url.startswith("postgresql"):
            ensure_postgres_database(url)
        results = [persisted_run(url, args.instances, cache=True), persisted_run(url, args.instances, cache=False),
                   persisted_run(url, args.instances, cache=True, clients=args.clients), bare_run(args.instances)]
    floor = results[-1]["per_second"]
    for result in results:
        result["ratio_to_bare"] = result["per_second"] / floor
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'run':50} {'completions/s':>13} {'p50 ms':>8} {'p95 ms':>8} {'vs bare':>8}")
    for r in results:
        print(f"{r['run']:50} {r['per_second']:13.0f} {r['p50_ms']:8.2f} {r['p95_ms']:8.2f} {r['ratio_to_bare']:8.2f}")


if __name__ == "__main__":
    main()
