"""A database the size the roadmap plans for (100,000 cases), written with bulk inserts.

Driving 100,000 cases through the engine would take hours, so the projections the officer pages
read (process_instances, human_tasks, timer_jobs, deadlines, audit_events, letters) are written
directly with SQLAlchemy Core, shaped like what the engine writes: the real deployed definitions,
each open task's name, role, form and documentation copied from the route's BPMN user task, due
dates counted from today (some overdue), closed tasks and audit events as the case's history.
The serialized workflow state is a placeholder: pages never deserialize it.

Used by bench/inbox.py. The same number of cases gives the same rows, with dates counted from today.
"""
from __future__ import annotations

import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy import JSON, Engine, func, insert, inspect, select, text

from engine.db import Base, make_engine, make_session_factory, transaction
from engine.db import create_database_if_missing as ensure_postgres_database  # bench/*.py import this name
from engine.definitions import candidate_groups, parse_process, user_task_role
from engine.models import (
    AuditEvent,
    Deadline,
    HumanTask,
    ProcessDefinition,
    ProcessInstance,
    StepVisit,
    TimerJob,
)
from engine.parser import form_to_dict
from workflows.access import role_keys
from workflows.account_models import User
from workflows.accounts import create_user
from workflows.demo import DEMO_PASSWORD, deploy_all
from workflows.gias import local_authorities
from workflows.letter_models import Letter
from workflows.migrate import import_all_models
from workflows.registry import install, processes
from workflows.school_models import School
from workflows.schools import classify, load_demo_schools, school_facts, search_name

#: The LA whose officers the benchmark signs in as gets this share of the cases; it and the
#: second LA have one officer per role, as does the region (which the first LA is in).
BIG_LA, SECOND_LA, REGION = "358", "830", "dfe-north-west"
BIG_LA_SHARE = 0.08
LA_COUNT = 20
#: Kept in workflows/data/la_regions.csv for closed schools; no open school has them.
DEFUNCT_LA_CODES = {"820", "835", "836", "837", "909", "928"}
SCHOOLS_TARGET = 3000
CHUNK = 5000
NOW = datetime.now(UTC).replace(microsecond=0)

LA_ROLES = ("link_adviser", "senior_adviser", "deputy_assistant_director", "assistant_director",
            "director_childrens_services", "cabinet_member", "quality_assurance_partner", "case_manager",
            "la_admin")
REGION_ROLES = ("regional_director", "regions_group_officer", "region_admin")
REGION_ROLE_KEYS = set(role_keys(REGION_ROLES))
#: (type of establishment, weight): about 55% maintained, 40% academies, 3% PRUs, 2% others.
SCHOOL_TYPES = (("Community school", 35), ("Voluntary aided school", 8), ("Voluntary controlled school", 7),
                ("Foundation school", 5), ("Academy converter", 25), ("Academy sponsor led", 10),
                ("Free schools", 5), ("Pupil referral unit", 3), ("Other independent school", 2))
PLACES = ("Oakfield", "Ashgrove", "Beechwood", "Brookside", "Cedar", "Elmhurst", "Fairfield", "Greenbank",
          "Hawthorn", "Hillside", "Holly Bank", "Kingsway", "Lakeside", "Larchwood", "Meadowbank", "Millbrook",
          "Moorside", "Northfield", "Orchard", "Park View", "Parkside", "Redhill", "Riverside", "Rosewood",
          "St Anne's", "St John's", "St Mary's", "St Peter's", "Springfield", "Stonehill", "Sunnybank",
          "Thornbury", "Westfield", "Willow Brook", "Woodlands", "Yewtree", "Highfield", "Broadoak",
          "Castle Hill", "Church Lane", "Heathfield", "Ladybarn", "Marlborough", "Newlands", "Queensway")
PHASES = (("Primary", "Primary School"), ("Primary", "Infant School"), ("Primary", "Junior School"),
          ("Secondary", "High School"), ("Secondary", "Academy"), ("All-through", "All-Through School"))
#: How many statuses of each kind, per 100 cases.
STATUSES = (("running", 60), ("waiting", 12), ("completed", 22), ("terminated", 3), ("suspended", 2), ("error", 1))


@dataclass
class RouteShape:
    """What of a deployed route the generated rows copy: its user tasks, timers and deadlines."""

    key: str
    definition_id: int
    owner: str  # "la" or "region"
    tasks: list[dict[str, Any]]
    timers: list[tuple[str, str]]
    deadlines: list[Any]


@dataclass
class SeedReport:
    url: str
    cases: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)


def bench_email(role: str, organisation: str) -> str:
    return f"{role.replace('_', '.')}@bench-{organisation}.example.org"


def _route_shapes(session) -> dict[str, RouteShape]:
    shapes = {}
    for key, package in processes().items():
        definition = session.scalars(select(ProcessDefinition).where(ProcessDefinition.key == key)
                                     .order_by(ProcessDefinition.version.desc())).first()
        parsed = parse_process(package.read_bpmn(), package.read_dmn())
        specs = [s for spec in parsed.all_specs() for s in spec.task_specs.values()]
        tasks = [{"bpmn_id": s.bpmn_id, "name": s.bpmn_name or s.bpmn_id, "role": user_task_role(s),
                  "candidate_groups": candidate_groups(s) or ([s.lane] if s.lane else []),
                  "form": form_to_dict(getattr(s, "form", None)), "documentation": s.documentation,
                  "properties": {k: v for k, v in s.extensions.items() if isinstance(v, str)}}
                 for s in specs if getattr(s, "manual", False)]
        timers = [(s.bpmn_id, s.bpmn_name or s.bpmn_id) for s in specs
                  if isinstance(getattr(s, "event_definition", None), TimerEventDefinition)]
        shapes[key] = RouteShape(key, definition.id, package.extra.get("owner", "la"), tasks, timers,
                                 package.deadlines({}, NOW.date()) if package.deadlines else [])
    return shapes


def _choose_las(rng: random.Random) -> list[str]:
    """The two officers' LAs, four more of the region (so it holds about a quarter of the cases, as
    the North West's 25 of England's 153 LAs would hold a sixth), fourteen from elsewhere."""
    las = local_authorities()
    active = [code for code in las if code not in DEFUNCT_LA_CODES]
    north_west = sorted(c for c in active if las[c].region_id == REGION and c not in (BIG_LA, SECOND_LA))
    others = sorted(c for c in active if las[c].region_id != REGION and c not in (BIG_LA, SECOND_LA))
    return [BIG_LA, SECOND_LA, *rng.sample(north_west, 4), *rng.sample(others, LA_COUNT - 6)]


def _school_rows(rng: random.Random, la_codes: list[str], existing: int) -> list[dict[str, Any]]:
    las = local_authorities()
    per_la = (SCHOOLS_TARGET - existing) // len(la_codes)
    types, weights = zip(*SCHOOL_TYPES, strict=True)
    rows, urn = [], 300000
    for code in la_codes:
        for _ in range(per_la):
            urn += 1
            type_ = rng.choices(types, weights)[0]
            phase, suffix = rng.choice(PHASES)
            if type_ == "Pupil referral unit":
                phase, suffix = "Not applicable", "Pupil Referral Unit"
            elif classify(type_) == "academy" and "Academy" not in suffix:
                suffix = suffix.replace("School", "Academy")
            name = f"{rng.choice(PLACES)} {suffix}"
            rows.append({"urn": str(urn), "name": name, "search_name": search_name(name),
                         "type_of_establishment": type_, "establishment_group": None, "phase": phase,
                         "la_code": code, "la_name": las[code].la_name,
                         "trust_name": f"{rng.choice(PLACES)} Learning Trust" if classify(type_) == "academy" else None,
                         "diocese_name": "Diocese of Manchester" if type_.startswith("Voluntary") else None,
                         "religious_character": "Church of England" if type_.startswith("Voluntary") else None,
                         "status": "Open", "region": las[code].region_id, "updated_at": NOW})
    return rows


def _users(session) -> None:
    for organisation, roles in ((BIG_LA, LA_ROLES), (SECOND_LA, LA_ROLES), (REGION, REGION_ROLES)):
        for role in roles:
            create_user(session, bench_email(role, organisation), DEMO_PASSWORD, organisation, [role],
                        f"Bench {role.replace('_', ' ')}")


class CaseWriter:
    """Generates the rows of a chunk of cases; `flush` writes them with one executemany per table."""

    def __init__(self, rng: random.Random, shapes: dict[str, RouteShape], schools_by_la: dict[str, list[dict]]):
        self.rng, self.shapes, self.schools_by_la = rng, shapes, schools_by_la
        self.rows: dict[Any, list[dict[str, Any]]] = {t: [] for t in (ProcessInstance, HumanTask, AuditEvent,
                                                                       Deadline, TimerJob, Letter, StepVisit)}
        self.counts: Counter[str] = Counter()
        self._shared_with: str | None = None  # of the case being written, for its step visits

    def _route(self, school: dict) -> RouteShape:
        kind = classify(school["type_of_establishment"])
        if kind == "maintained":
            return self.shapes[self.rng.choice(("maintained_warning_notice", "ofsted_category_response"))]
        if kind == "pru":
            return self.shapes["pru_intervention"]
        return self.shapes["academy_letter_of_concern" if self.rng.random() < 0.6 else "academy_intervention"]

    def _assignee(self, owner: str, role: str | None) -> str | None:
        if self.rng.random() > 0.35:
            return None
        if owner in (BIG_LA, SECOND_LA, REGION) and role in LA_ROLES + REGION_ROLES and self.rng.random() < 0.5:
            return bench_email(role, owner)
        return f"officer{self.rng.randint(1, 40)}@{owner}.example.org"

    def add_case(self, case_id: int, la: str) -> None:
        rng = self.rng
        school = rng.choice(self.schools_by_la[la])
        route = self._route(school)
        owner = school["region"] if route.owner == "region" else la
        status = rng.choices(*zip(*STATUSES, strict=True))[0]
        started_at = NOW - timedelta(days=rng.uniform(1, 4 * 365), seconds=rng.randint(0, 86399))
        step = rng.randrange(len(route.tasks))
        is_closed = status in ("completed", "terminated")
        history = route.tasks[max(0, step - 6):step] if not is_closed else route.tasks[:rng.randint(1, 6)]
        open_specs = [] if is_closed or status == "waiting" else route.tasks[step:step + rng.choice((1, 1, 2))]
        # As the save's share hook (workflows.access.share_with_region) would have recorded it.
        shared_with = school["region"] if any(spec["role"] in REGION_ROLE_KEYS for spec in history + open_specs) else None
        self._instance(case_id, route, school, owner, status, started_at, open_specs, shared_with)
        self._shared_with = shared_with
        self._history(case_id, route, school, owner, started_at, history)
        self._open_tasks(case_id, route, school, owner, started_at, open_specs)
        self._timers_and_deadlines(case_id, route, owner, started_at, status)

    def _instance(self, case_id, route, school, owner, status, started_at, open_specs, shared_with) -> None:
        facts = dict(school["facts"])
        facts.update({"concerns_summary": "Attainment has fallen for three years and governors have not "
                                          "challenged leaders.", "notice_type": "s60",
                      "notice_given_on": (started_at + timedelta(days=30)).date().isoformat()})
        ended_at = started_at + timedelta(days=self.rng.randint(30, 300)) if status in ("completed", "terminated") else None
        self.rows[ProcessInstance].append({
            "id": case_id, "definition_id": route.definition_id, "process_key": route.key,
            "business_key": school["urn"], "owner": owner, "shared_with": shared_with, "status": status,
            "error_message": "Script error in gateway" if status == "error" else None,
            "state": {"placeholder": True}, "serializer_version": "bench", "lock_version": 1, "data": facts,
            "current_steps": ", ".join(t["name"] for t in open_specs)[:1000], "started_at": started_at,
            "started_by": f"officer{self.rng.randint(1, 40)}@{owner}.example.org",
            "updated_at": min(NOW, ended_at or NOW), "ended_at": ended_at})

    def _task_row(self, case_id, route, school, owner, spec, **values) -> dict[str, Any]:
        return {"id": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)), "instance_id": case_id,
                "owner": owner, "process_key": route.key, "business_key": school["urn"], "bpmn_id": spec["bpmn_id"],
                "name": spec["name"], "role": spec["role"], "candidate_groups": spec["candidate_groups"],
                "form": spec["form"], "documentation": spec["documentation"], "properties": spec["properties"],
                "follow_up_at": None, "draft": None, **values}

    def _history(self, case_id, route, school, owner, started_at, history) -> None:
        audit = self.rows[AuditEvent]
        audit.append({"instance_id": case_id, "at": started_at, "actor": "starter@bench", "action": "started",
                      "task_id": None, "bpmn_id": None, "detail": None, "data": {"urn": school["urn"]}})
        at = started_at
        for spec in history:
            at = min(NOW - timedelta(days=1), at + timedelta(days=self.rng.randint(2, 20)))
            actor = f"officer{self.rng.randint(1, 40)}@{owner}.example.org"
            row = self._task_row(case_id, route, school, owner, spec, assignee=actor, is_open=False,
                                 due_at=at + timedelta(days=self.rng.randint(-5, 10)), created_at=at - timedelta(days=7),
                                 completed_at=at, completed_by=actor)
            self.rows[HumanTask].append(row)
            self._visit(row, row["created_at"], at)
            if self.rng.random() < 0.5:
                audit.append({"instance_id": case_id, "at": at - timedelta(days=1), "actor": actor,
                              "action": "task_claimed", "task_id": row["id"], "bpmn_id": spec["bpmn_id"],
                              "detail": None, "data": None})
            audit.append({"instance_id": case_id, "at": at, "actor": actor, "action": "task_completed",
                          "task_id": row["id"], "bpmn_id": spec["bpmn_id"], "detail": spec["name"],
                          "data": {"recorded_on": at.date().isoformat(), "notes": "Discussed with the head."}})
            if spec["properties"].get("letter") and self.rng.random() < 0.8:
                self._letter(case_id, owner, spec, row["id"], at)

    def _letter(self, case_id, owner, spec, task_id, at) -> None:
        kind = spec["properties"]["letter"]
        self.rows[Letter].append({"instance_id": case_id, "owner": owner, "kind": kind,
                                  "title": kind.replace("_", " ").capitalize(), "filename": f"{kind}-{case_id}.pdf",
                                  "media_type": "application/pdf", "content": b"%PDF-1.7 bench placeholder",
                                  "sha256": "0" * 64, "created_at": at, "created_by": "bench", "task_id": task_id,
                                  "recipients": [{"name": "Chair of governors", "role": "addressee", "basis": ""}]})
        self.rows[AuditEvent].append({"instance_id": case_id, "at": at, "actor": "bench", "action": "letter_issued",
                                      "task_id": task_id, "bpmn_id": spec["bpmn_id"], "detail": kind, "data": None})

    def _open_tasks(self, case_id, route, school, owner, started_at, open_specs) -> None:
        for spec in open_specs:
            due_at = NOW + timedelta(days=self.rng.uniform(-60, 60)) if self.rng.random() > 0.08 else None
            created_at = max(started_at, NOW - timedelta(days=self.rng.uniform(1, 60)))
            row = self._task_row(case_id, route, school, owner, spec, assignee=self._assignee(owner, spec["role"]),
                                 is_open=True, due_at=due_at, created_at=created_at, completed_at=None, completed_by=None)
            self.rows[HumanTask].append(row)
            self._visit(row, created_at, None)

    def _visit(self, task: dict[str, Any], entered_at, left_at) -> None:
        """The step visit the save writes beside each task (engine.projections.sync_step_visits)."""
        self.rows[StepVisit].append({"instance_id": task["instance_id"], "owner": task["owner"],
                                     "shared_with": self._shared_with,
                                     "process_key": task["process_key"], "task_id": task["id"],
                                     "bpmn_id": task["bpmn_id"], "name": task["name"], "entered_at": entered_at,
                                     "left_at": left_at})

    def _timers_and_deadlines(self, case_id, route, owner, started_at, status) -> None:
        rng = self.rng
        if route.timers and (status == "waiting" or rng.random() < 0.3):
            bpmn_id, name = rng.choice(route.timers)
            is_pending = status in ("waiting", "running", "suspended")
            due_at = NOW + timedelta(days=rng.uniform(1, 90)) if is_pending else started_at + timedelta(days=40)
            self.rows[TimerJob].append({"instance_id": case_id, "task_id": str(uuid.UUID(int=rng.getrandbits(128))),
                                        "bpmn_id": bpmn_id, "name": name, "due_at": due_at,
                                        "fired_at": None if is_pending else due_at, "lease_until": None,
                                        "leased_by": None, "is_cancelled": False})
        for info in route.deadlines:
            due_on = (started_at + timedelta(days=rng.randint(10, 200))).date()
            is_met, open_state = rng.random() < 0.8, rng.choice(("pending", "unknown"))  # drawn either way
            state = ("met" if is_met else "missed") if due_on < NOW.date() else open_state
            self.rows[Deadline].append({"instance_id": case_id, "owner": owner, "deadline_id": info.deadline_id,
                                        "name": info.name, "due_on": due_on, "rule": info.rule, "source": info.source,
                                        "status": state, "met_on": due_on - timedelta(days=2) if state == "met" else None,
                                        "note": None})

    def flush(self, engine: Engine) -> None:
        with engine.begin() as connection:
            for model, rows in self.rows.items():
                if rows:
                    if engine.dialect.name == "postgresql":
                        _copy(connection, model.__table__, rows)
                    else:
                        connection.execute(insert(model), rows)
                    self.counts[model.__tablename__] += len(rows)
                    rows.clear()


def _copy(connection, table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL: COPY is several times faster than multi-row INSERTs for a bulk load."""
    from psycopg.types.json import Json

    columns = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([Json(row[c]) if c in json_columns and row[c] is not None else row[c] for c in columns])


def _refuse_foreign_data(engine: Engine) -> None:
    """Seeding starts by dropping every table: refuse a database with cases this module did not write."""
    if "process_instances" not in inspect(engine).get_table_names():
        return
    with engine.connect() as connection:
        has_cases = connection.scalar(select(ProcessInstance.id).limit(1)) is not None
        is_ours = connection.scalar(select(User.id).where(User.email.like("%@bench-%")).limit(1)) is not None
    if has_cases and not is_ours:
        raise SystemExit(f"{engine.url.render_as_string()} holds cases that bench/seed.py did not write; "
                         "give another --database (seeding drops every table)")


def _la_weights(la_codes: list[str]) -> list[float]:
    rest = (1 - BIG_LA_SHARE) / (len(la_codes) - 1)
    return [BIG_LA_SHARE if code == BIG_LA else rest for code in la_codes]


def _fast_writes(engine: Engine) -> None:
    """SQLite: no fsync while seeding (the file is thrown away if seeding fails)."""
    if engine.dialect.name == "sqlite":
        from sqlalchemy import event

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-200000")
            cursor.close()


def seed(url: str, cases: int, rng_seed: int = 2026, analyze: bool = True, log=print) -> SeedReport:
    started = time.perf_counter()
    install()
    import_all_models()
    if url.startswith("postgresql"):
        ensure_postgres_database(url)
    engine = make_engine(url)
    _fast_writes(engine)
    _refuse_foreign_data(engine)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    rng = random.Random(rng_seed)
    la_codes = _choose_las(rng)
    with transaction(make_session_factory(engine)) as session:
        load_demo_schools(session)
        deploy_all(session, actor="bench")
        _users(session)
        shapes = _route_shapes(session)
        existing = session.scalar(select(func.count()).select_from(School)) or 0
    school_rows = _school_rows(rng, la_codes, existing)
    with engine.begin() as connection:
        connection.execute(insert(School), school_rows)
    with engine.connect() as connection:
        columns = [c for c in School.__table__.columns if c.name != "updated_at"]
        all_schools = [dict(row._mapping) for row in connection.execute(select(*columns).order_by(School.urn))]
    schools_by_la: dict[str, list[dict]] = {}
    for school in all_schools:
        if classify(school["type_of_establishment"]) != "other" and school["la_code"] in la_codes:
            school["facts"] = school_facts(School(**school))
            schools_by_la.setdefault(school["la_code"], []).append(school)
    writer = CaseWriter(rng, shapes, schools_by_la)
    weights = _la_weights(la_codes)
    for start in range(1, cases + 1, CHUNK):
        for case_id in range(start, min(cases, start + CHUNK - 1) + 1):
            writer.add_case(case_id, rng.choices(la_codes, weights)[0])
        writer.flush(engine)
        log(f"  seeded {min(cases, start + CHUNK - 1):>7} cases ({time.perf_counter() - started:5.1f} s)")
    if analyze:
        _analyze(engine)
    report = SeedReport(url, cases, time.perf_counter() - started,
                        {"schools": len(all_schools), "users": _count(engine, User), **writer.counts})
    engine.dispose()
    return report


def _count(engine: Engine, model) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model)) or 0


def _analyze(engine: Engine) -> None:
    """Table statistics, as any production database would have after a day: without them SQLite's
    planner guesses, and PostgreSQL's autovacuum may not have caught up with a bulk load yet."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
