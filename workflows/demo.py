"""Demo data for `make run`: two authorities and their regions, officers for every role, about
thirty schools, and cases at different stages of every route, some overdue.

Cases are started at milestones dated relative to today and driven through real task forms, so
what the demo shows is what the routes do. Loading twice changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import folders, runtime
from engine.clock import today_local
from engine.errors import InvalidDefinition
from engine.models import HumanTask, ProcessInstance

from .account_models import User
from .accounts import create_user, ensure_organisation, set_email_domains
from .calendar import working_days_after
from .registry import BPMN_DIR, install
from .roles import ROLES_BY_ID
from .school_models import School
from .schools import classify, load_demo_schools

#: Local demo only: every demo account has this password (printed by `intervene demo load`).
DEMO_PASSWORD = "intervene-demo-2026"
DEMO_ACTOR = "demo-loader"

LA_ROLES = ("link_adviser", "senior_adviser", "deputy_assistant_director", "assistant_director",
            "director_childrens_services", "cabinet_member", "case_manager", "la_admin", "process_owner")
REGION_ROLES = ("regional_director", "regions_group_officer", "region_admin", "process_owner")
ORGANISATIONS = (("358", "trafford", LA_ROLES), ("830", "derbyshire", LA_ROLES),
                 ("dfe-north-west", "north-west.dfe", REGION_ROLES),
                 ("dfe-east-midlands", "east-midlands.dfe", REGION_ROLES))


@dataclass
class DemoReport:
    schools: int
    users: list[str]
    cases: int
    definitions: list[str]


def deploy_all(session: Session, actor: str = DEMO_ACTOR) -> list[str]:
    """The shipped routes as the national default, as `intervene processes deploy bpmn/` deploys them."""
    install()  # the domain's checks judge the routes
    outcomes = folders.deploy_folder(session, BPMN_DIR, actor, change_note="bundled statutory route")
    refused = [problem for outcome in outcomes if outcome.status == "refused" for problem in outcome.problems]
    if refused:
        raise InvalidDefinition(refused)
    return [f"{outcome.key} v{outcome.version}" for outcome in outcomes]


def demo_email(role: str, domain: str) -> str:
    return f"{role.replace('_', '.')}@{domain}.example.org"


def ensure_users(session: Session) -> list[str]:
    emails = []
    for organisation_id, domain, roles in ORGANISATIONS:
        ensure_organisation(session, organisation_id)
        set_email_domains(session, organisation_id, [f"{domain}.example.org"])
        for role in roles:
            email = demo_email(role, domain)
            emails.append(email)
            if session.scalar(select(User.id).where(User.email == email)) is None:
                name = f"{ROLES_BY_ID[role].name} (demo)"
                create_user(session, email, DEMO_PASSWORD, organisation_id, [role], display_name=name)
    return emails


def _school(session: Session, la_code: str, kind: str, nth: int = 0) -> School:
    schools = [s for s in session.scalars(select(School).where(School.la_code == la_code, School.status == "Open")
                                          .order_by(School.urn)) if classify(s.type_of_establishment) == kind]
    return schools[nth % len(schools)]


def _open_task(session: Session, case: ProcessInstance, bpmn_id: str) -> HumanTask:
    session.flush()
    return session.scalars(select(HumanTask).where(HumanTask.instance_id == case.id, HumanTask.bpmn_id == bpmn_id,
                                                   HumanTask.is_open.is_(True))).one()


def _walk(session: Session, case: ProcessInstance, steps: list[tuple[str, dict[str, Any]]]) -> None:
    for bpmn_id, data in steps:
        runtime.complete_task(session, _open_task(session, case, bpmn_id).id, DEMO_ACTOR, data)


def _start(session: Session, key: str, school: School, data: dict[str, Any] | None = None) -> ProcessInstance:
    return runtime.start_instance(session, key, DEMO_ACTOR, business_key=school.urn, data=data or {})


def _iso(day: date) -> str:
    return day.isoformat()


def _working_days_before(today: date, n: int) -> date:
    """A day D such that the Nth working day following D is on or just after today."""
    day = today - timedelta(days=n + n // 5 * 2 + 4)
    while working_days_after(day, n) < today:
        day += timedelta(days=1)
    return day


def _last_working_day_before(today: date) -> date:
    day = today - timedelta(days=1)
    while working_days_after(day - timedelta(days=1), 1) != day:
        day -= timedelta(days=1)
    return day


def _warning_notice_cases(session: Session, la: str, today: date) -> None:
    key = "maintained_warning_notice"
    _start(session, key, _school(session, la, "maintained", 0))  # informal stage: link adviser
    # Under way when the authority adopted the system: notice given months ago, period long over.
    _start(session, key, _school(session, la, "maintained", 1),
           {"notice_type": "s60", "notice_given_on": _iso(today - timedelta(days=120)),
            "compliance_period_working_days": 15})
    # Notice given last week: the compliance period is running.
    _start(session, key, _school(session, la, "maintained", 2),
           {"notice_type": "s60A", "notice_given_on": _iso(today - timedelta(days=7)),
            "compliance_period_working_days": 15})
    # Walked through the forms up to the issue of the notice, which generates the PDF letter.
    case = _start(session, key, _school(session, la, "maintained", 3))
    given = _last_working_day_before(today)
    _walk(session, case, [
        ("discuss_concerns", {"concerns_discussed_on": _iso(today - timedelta(days=40)),
                              "discussed_with": "headteacher_and_chair",
                              "concerns_summary": "Reading and mathematics results have fallen for three years "
                                                  "and the governing body has not challenged leaders."}),
        ("confirm_concerns_in_writing", {"concerns_confirmed_on": _iso(today - timedelta(days=35)),
                                         "action_plan_agreed": True}),
        ("review_school_progress", {"progress_review_held_on": _iso(today - timedelta(days=20)),
                                    "progress_review_outcome": "escalate",
                                    "progress_review_summary": "No progress against the action plan since the "
                                                               "concerns were confirmed."}),
        ("recommend_warning_notice", {"notice_recommended": True, "notice_type": "s60",
                                      "recommended_on": _iso(today - timedelta(days=10)),
                                      "recommendation_reasons": "No improvement since the concerns were "
                                                                "confirmed in writing."}),
        ("decide_warning_notice", {"cabinet_member_decision": "issue", "decided_on": _iso(today - timedelta(days=5)),
                                   "discussed_with_school_on": _iso(today - timedelta(days=6))}),
        ("issue_warning_notice", {"notice_given_on": _iso(given), "ground_low_standards": True,
                                  "ground_management_breakdown": True,
                                  "matters_of_concern": "Pupils' attainment in reading at the end of key stage 2 "
                                                        "has been well below that of comparable schools for three "
                                                        "years, and the governing body has not held leaders to "
                                                        "account for the agreed action plan.",
                                  "required_action": "Commission an external review of governance and agree a "
                                                     "reading improvement plan with the authority.",
                                  "compliance_period_working_days": 15,
                                  "minded_action": "Appoint additional governors under section 64."}),
    ])


def _sos_notice_case(session: Session, la: str, today: date) -> None:
    """A warning notice the Secretary of State gave (s60(4A)): the authority is barred for that school."""
    case = _start(session, "sos_warning_notice", _school(session, la, "maintained", 7))
    _walk(session, case, [("record_sos_warning_notice", {
        "sos_notice_given_on": _iso(today - timedelta(days=14)), "authority_notified_on": _iso(today - timedelta(days=13)),
        "sos_notice_matters": "Serious breakdown in the way the school is governed, prejudicing standards."})])


def _ofsted_cases(session: Session, la: str, today: date) -> None:
    key = "ofsted_category_response"
    _start(session, key, _school(session, la, "maintained", 4))  # inspection just happened
    # Final report received three working days ago: statement of action due within the week.
    _start(session, key, _school(session, la, "maintained", 5),
           {"category": "special_measures", "final_report_received_on": _iso(_working_days_before(today, 7))})
    # Final report received a month ago and nothing sent: overdue.
    _start(session, key, _school(session, la, "maintained", 6),
           {"category": "requires_significant_improvement",
            "final_report_received_on": _iso(today - timedelta(days=30))})


def _academy_and_pru_cases(session: Session, la: str, today: date) -> None:
    _start(session, "academy_letter_of_concern", _school(session, la, "academy", 0))
    case = _start(session, "academy_letter_of_concern", _school(session, la, "academy", 1))
    _walk(session, case, [
        ("discuss_with_academy", {"discussion_held_on": _iso(today - timedelta(days=21)),
                                  "discussion_attendees": "headteacher_and_governors",
                                  "grounds_category": "safety",
                                  "concerns_discussed": "Repeated failures to follow up attendance concerns for "
                                                        "vulnerable pupils.",
                                  "agreed_next_steps": "The academy will review its attendance procedures."}),
        ("confirm_concerns_in_writing", {"concerns_confirmed_on": _iso(today - timedelta(days=20)),
                                         "agreed_concerns": "Attendance follow-up for vulnerable pupils.",
                                         "response_requested": "A written account of the changes made.",
                                         "response_working_days": 10}),
    ])
    _start(session, "academy_intervention", _school(session, la, "academy", 2))
    _start(session, "pru_intervention", _school(session, la, "pru", 0))


def demo_loaded(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(ProcessInstance)
                               .where(ProcessInstance.started_by == DEMO_ACTOR)))


def load_demo(session: Session) -> DemoReport:
    """Everything `make run` shows; the cases only once."""
    report = load_demo_schools(session)
    deployed = deploy_all(session)
    users = ensure_users(session)
    if not demo_loaded(session):
        today = today_local()
        for la in ("358", "830"):
            _warning_notice_cases(session, la, today)
            _sos_notice_case(session, la, today)
            _start(session, "maintained_coasting", _school(session, la, "maintained", 8))
            _ofsted_cases(session, la, today)
            _academy_and_pru_cases(session, la, today)
    cases = session.scalar(select(func.count()).select_from(ProcessInstance)
                           .where(ProcessInstance.started_by == DEMO_ACTOR)) or 0
    return DemoReport(schools=report.loaded + report.updated + report.unchanged, users=users, cases=cases,
                      definitions=deployed)
