"""What a Secretary of State warning notice does to the authority's warning-notice route.

EIA 2006 s60 as amended by EAA 2016 s2 (from 18 Apr 2016):
  "(4A) If a local authority are notified that the Secretary of State has given a warning notice to
  the governing body of a maintained school the local authority may not give a warning notice unless
  or until the Secretary of State informs them that they may. (4B) If the Secretary of State gives a
  warning notice ... any earlier warning notice given to the maintained school by the local authority
  ceases to have effect from that time."

So recording the notice ends the authority's open case for the school (a case before its notice
was given could not lawfully give one either), and the authority's start hook refuses a new case
while a recorded notice has no permission. The engine only sees start hooks, a task check and a
task-completed hook, and `terminate_instance`; it knows nothing of schools.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.hooks import StartContext
from engine.models import ProcessInstance
from workflows.access import across_organisations
from workflows.deadline_terms import format_day, optional_date

PROCESS_KEY = "sos_warning_notice"
AUTHORITY_ROUTE = "maintained_warning_notice"
RECORD_TASK = "record_sos_warning_notice"
PERMISSION_TASK = "record_authority_permission"
PERMITTED = "authority_may_give_notice"
#: EAA 2016 s2 (SI 2016/466 reg 2): from this day the Secretary of State may give a s60 warning notice.
SOS_NOTICES_FROM = date(2016, 4, 18)
CLOSED_STATUSES = ("completed", "terminated")


def _cases(session: Session, process_key: str, urn: str) -> list[ProcessInstance]:
    query = (select(ProcessInstance).where(ProcessInstance.process_key == process_key,
                                           ProcessInstance.business_key == urn)
             .order_by(ProcessInstance.id)
             # The Secretary of State's notice bars the authority's (s60(4A)) though the authority
             # may not see the region's case: the rule decides, the page shows nothing of it.
             .execution_options(**across_organisations("s60(4A) bar")))
    return list(session.scalars(query))


def barring_notice(session: Session, urn: str | None) -> ProcessInstance | None:
    """The Secretary of State's notice, recorded and without permission, that bars an authority notice."""
    if not urn:
        return None
    for case in _cases(session, PROCESS_KEY, urn):
        data = case.data or {}
        if case.status != "terminated" and data.get("sos_notice_given_on") \
                and data.get("sos_permission_outcome") != PERMITTED:
            return case
    return None


def _describe(case: ProcessInstance) -> str:
    given = optional_date((case.data or {}).get("sos_notice_given_on"))
    return f"on {format_day(given)} (case {case.id})" if given else f"(case {case.id})"


def refuse_authority_notice_while_barred(session: Session, context: StartContext) -> None:
    """Start hook: s60(4A), no authority warning-notice case while the Secretary of State's notice bars it."""
    if context.process_key != AUTHORITY_ROUTE:
        return
    barring = barring_notice(session, context.business_key)
    if barring is not None:
        raise InvalidInput(
            f"the Secretary of State gave a warning notice to this school {_describe(barring)}: under EIA 2006 "
            "s60(4A) the authority may not give a warning notice unless or until the Secretary of State informs "
            "it that it may. The regional director records that permission on the Secretary of State's notice")


def check_permission_recorded(session: Session, instance: Any, row: Any, data: dict[str, Any]) -> dict[str, str]:
    """Task validation: a notice only from 18 Apr 2016; a permission needs the day the Secretary of State gave it."""
    if instance.process_key != PROCESS_KEY:
        return {}
    given = optional_date(data.get("sos_notice_given_on"))
    if row.bpmn_id == RECORD_TASK and given is not None and given < SOS_NOTICES_FROM:
        return {"sos_notice_given_on": (
            f"The Secretary of State could not give a warning notice on {format_day(given)}: the power dates from "
            "18 Apr 2016 (EIA 2006 s60 as amended by EAA 2016 s2). Before then only the authority could")}
    if row.bpmn_id == PERMISSION_TASK and data.get("sos_permission_outcome") == PERMITTED \
            and not data.get("authority_may_give_notice_from"):
        return {"authority_may_give_notice_from":
                "Enter the date the Secretary of State told the authority it may give a warning notice"}
    return {}


def _reason(sos_case: ProcessInstance, authority_case: ProcessInstance) -> str:
    if (authority_case.data or {}).get("notice_given_on"):
        return (f"The Secretary of State gave a warning notice to the school {_describe(sos_case)}: the authority's "
                "earlier warning notice ceased to have effect from that time (EIA 2006 s60(4B))")
    return (f"The Secretary of State gave a warning notice to the school {_describe(sos_case)}: the authority may "
            "not give a warning notice unless or until the Secretary of State informs it that it may "
            "(EIA 2006 s60(4A))")


def end_authority_cases(session: Session, instance: Any, row: Any, data: dict[str, Any]) -> None:
    """Task-completed hook: recording the notice ends the authority's open cases for the school."""
    if instance.process_key != PROCESS_KEY or row.bpmn_id != RECORD_TASK:
        return
    from engine.runtime import audit, terminate_instance  # the runtime imports the hooks module

    actor = row.completed_by or "system"
    for case in _cases(session, AUTHORITY_ROUTE, instance.business_key):
        if case.status in CLOSED_STATUSES:
            continue
        reason = _reason(instance, case)
        terminate_instance(session, case.id, actor, reason)
        audit(session, instance, actor, "authority_case_ended", detail=f"Case {case.id}: {reason}",
              data={"case_id": case.id})
