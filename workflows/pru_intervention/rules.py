"""Gateways and deadlines of intervention in a pupil referral unit (PRU).

PRUs are maintained by the LA but are not "maintained schools" for EIA 2006 Part 4; regulations apply
the intervention enactments to them. Each switch below is decided by the date of the judgement
(HMCI's notice, or the date the unit was found to be coasting):

- coasting makes a unit eligible for intervention from 1 Sep 2022 (SI 2022/720 reg 5);
- academy orders for units exist from 31 May 2012 (SI 2012/1201 inserting SI 2007/2979 Sch 1 paras
  23B-23F) and are a DUTY for special measures and significant improvement from 27 Jun 2016 (SI 2016/608);
- from 29 Jun 2026 CWSA 2026 s58 repeals the Academies Act 2010 s4(A1) duty for maintained schools. Whether
  that ends the PRU duty created by SI 2016/608 is an OPEN QUESTION (not found): the case records which
  reading the regional director's team applies (`academy_order_duty_reading`), never this module;
- interim executive members exist for units from 1 Sep 2012 (SI 2012/1825 amending SI 2007/2978);
- a closure direction (EIA 2006 s68, applied by SI 2007/2979 Sch 1 para 23) is for special measures only.

No deadline specific to PRUs was found (domain note 4.3): the dated steps here are the dates the
Secretary of State or the LA set.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from engine.hooks import DeadlineInfo
from workflows.deadline_terms import dated_deadline, optional_date

COASTING_UNITS_FROM = date(2022, 9, 1)
ACADEMY_ORDER_POWER_FROM = date(2012, 5, 31)
ACADEMY_ORDER_DUTY_FROM = date(2016, 6, 27)
CWSA_REPEAL_FROM = date(2026, 6, 29)
IEM_FROM = date(2012, 9, 1)

CATEGORIES = ("special_measures", "significant_improvement")
EXIT_OUTCOMES = ("removed_from_category", "converted_to_academy", "closed")
ORDER_ROUTES = ("academy_order", "academy_order_with_iem")
IEM_ROUTES = ("academy_order_with_iem", "interim_executive_members")

QA_SOURCE = ("Local procedure (Trafford 'Improving Schools Together', Feb 2026, section 5: the PRU completes the "
             "LA quality assurance document, regular progress meetings and QA visits as for maintained schools)")
IEM_SOURCE = ("SI 2007/2978 reg 24 and Sch 4: the Secretary of State's notice that the management committee is to "
              "consist of interim executive members; the date they take office is the notice's")
CLOSURE_SOURCE = "EIA 2006 s68 as applied to PRUs by SI 2007/2979 Sch 1 para 23: the date in the direction"
CONVERSION_SOURCE = ("Academy order (SI 2007/2979 Sch 1 paras 23B-23F; duty to facilitate conversion, SI 2016/608): "
                     "no statutory deadline found; the target date the LA recorded")


def pru_eligible_for_intervention(judgement: Any, judgement_on: Any) -> bool:
    day = optional_date(judgement_on)
    if day is None:
        return False
    if judgement in CATEGORIES:
        return True
    return judgement == "coasting" and day >= COASTING_UNITS_FROM


def pru_academy_order_status(judgement: Any, judgement_on: Any, duty_reading: Any) -> str:
    """"unavailable", "power" or "duty", by the date of the judgement.

    Coasting units: a power only. The s4(A1) duty follows ss61/62 (the categories), so this is INFERRED.
    """
    day = optional_date(judgement_on)
    if day is None or day < ACADEMY_ORDER_POWER_FROM:
        return "unavailable"
    if judgement not in CATEGORIES or day < ACADEMY_ORDER_DUTY_FROM:
        return "power"
    if day < CWSA_REPEAL_FROM:
        return "duty"
    return "power" if duty_reading == "power_only" else "duty"


def pru_route_allowed(intervention: Any, judgement: Any, judgement_on: Any, academy_order_status: Any) -> bool:
    return pru_route_refusal(intervention, judgement, judgement_on, academy_order_status) == ""


def pru_route_refusal(intervention: Any, judgement: Any, judgement_on: Any, academy_order_status: Any) -> str:
    """Why the chosen intervention is not available ("" when it is), in words for the regional director."""
    day = optional_date(judgement_on)
    if intervention in ORDER_ROUTES and academy_order_status not in ("power", "duty"):
        return "academy orders for pupil referral units exist only from 31 May 2012 (SI 2012/1201)"
    if intervention in IEM_ROUTES and (day is None or day < IEM_FROM):
        return "interim executive members for units exist only from 1 Sep 2012 (SI 2012/1825)"
    if intervention in ("interim_executive_members", "closure_direction") and academy_order_status == "duty":
        return ("the Secretary of State must make an academy order for this unit (SI 2016/608, applying Academies "
                "Act 2010 s4(A1)); interim executive members may be added to the order, not replace it")
    if intervention == "closure_direction" and judgement != "special_measures":
        return "a closure direction (EIA 2006 s68, SI 2007/2979 Sch 1 para 23) is for a unit requiring special measures only"
    if intervention not in (*ORDER_ROUTES, "interim_executive_members", "closure_direction"):
        return f"'{intervention}' is not an intervention open to the Secretary of State for a unit"
    return ""


def pru_date_after(later: Any, earlier: Any) -> bool:
    """Whether `later` is a date after `earlier` (a next QA date must be after the visit)."""
    first, second = optional_date(earlier), optional_date(later)
    return first is not None and second is not None and second > first


def deadlines(data: dict[str, Any], today: date) -> list[DeadlineInfo]:
    found = []
    outcome = data.get("qa_outcome")
    exited_on = optional_date(data.get("exit_on"))
    if data.get("next_qa_due_on") and outcome not in EXIT_OUTCOMES:
        found.append(_dated("next_quality_assurance", "Next QA visit or progress meeting", data["next_qa_due_on"],
                            None, today, "the date the LA set for the next visit or meeting (rolling: the next date "
                            "replaces it when a visit is recorded)", QA_SOURCE))
    if data.get("iem_notice_on"):
        found.append(_dated("iem_in_place", "Interim executive members in office", data.get("iem_from_on"),
                            optional_date(data.get("iem_in_place_on")), today,
                            "the date in the Secretary of State's notice", IEM_SOURCE))
    if data.get("closure_direction_on"):
        found.append(_dated("closure_by", "Unit closed as directed", data.get("closure_by_on"),
                            exited_on if outcome == "closed" else None, today,
                            "the date the Secretary of State's direction set", CLOSURE_SOURCE))
    if data.get("expected_conversion_on"):
        found.append(_dated("conversion_target", "Conversion to an alternative provision academy",
                            data["expected_conversion_on"], exited_on if outcome == "converted_to_academy" else None,
                            today, "the target date the LA recorded", CONVERSION_SOURCE))
    return found


def _dated(deadline_id: str, name: str, due_value: Any, done_on: date | None, today: date, what: str,
           source: str) -> DeadlineInfo:
    return dated_deadline(deadline_id, name, source, due_value=due_value, done_on=done_on, today=today, what=what)
