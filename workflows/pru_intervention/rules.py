"""Gateways and deadlines of intervention in a pupil referral unit (PRU).

PRUs are maintained by the LA but are not "maintained schools" for EIA 2006 Part 4; regulations apply
the intervention enactments to them. Each switch below is decided by the date of the judgement
(HMCI's notice, or the date the unit was found to be coasting):

- coasting makes a unit eligible for intervention from 1 Sep 2022 (SI 2022/720 reg 5);
- academy orders for units exist from 31 May 2012 (SI 2012/1201 inserting SI 2007/2979 Sch 1 paras
  23B-23F) and are a DUTY for special measures and significant improvement from 27 Jun 2016 (SI 2016/608);
- from 29 Jun 2026 CWSA 2026 s58 repeals the Academies Act 2010 s4(A1) duty for maintained schools, keeping
  only an order in force immediately before that day. Whether that ends the PRU duty created by SI 2016/608
  is an OPEN QUESTION (not found): the case records which reading the regional director's team applies
  (`academy_order_duty_reading`), never this module. Under the default reading ("power_only") the unit is
  treated as a maintained school is: a duty only where the judgement came before 29 Jun 2026 AND an order
  was made on or before 28 Jun 2026; otherwise a power;
- academy orders for COASTING units are a second open question (audit PRU-2): SI 2022/720 reg 5 added
  coasting only to the Management Committees Regulations (the IEM route). The case records the reading
  (`coasting_academy_order_reading`); the default ("iem_only") offers no academy order for a coasting unit;
- interim executive members exist for units from 1 Sep 2012 (SI 2012/1825 amending SI 2007/2978);
- a closure direction (EIA 2006 s68, applied by SI 2007/2979 Sch 1 para 23) is for special measures only.

No deadline specific to PRUs was found (domain note 4.3): the dated steps here are the dates the
Secretary of State or the LA set.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from engine.hooks import DeadlineInfo, StartContext
from workflows.deadline_terms import dated_deadline, optional_date

COASTING_UNITS_FROM = date(2022, 9, 1)
ACADEMY_ORDER_POWER_FROM = date(2012, 5, 31)
ACADEMY_ORDER_DUTY_FROM = date(2016, 6, 27)
CWSA_REPEAL_FROM = date(2026, 6, 29)
IEM_FROM = date(2012, 9, 1)
#: The CWSA 2026 transitional rule keeps an order in force immediately before the repeal: made by this day.
LAST_DAY_FOR_A_DUTY_ORDER = CWSA_REPEAL_FROM - timedelta(days=1)
PROCESS_KEY = "pru_intervention"

CATEGORIES = ("special_measures", "significant_improvement")
#: Audit PRU-2: "iem_only" (the default: only what the sources support) or "order_power_inferred".
COASTING_READINGS = ("iem_only", "order_power_inferred")
#: Optional facts gateways read; a form left blank stores nothing, so the case starts with them empty.
START_DEFAULTS: dict[str, Any] = {"academy_order_made_on": None, "coasting_academy_order_reading": "iem_only"}
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


def pru_academy_order_status(judgement: Any, judgement_on: Any, duty_reading: Any, academy_order_made_on: Any = None,
                             coasting_reading: Any = "iem_only") -> str:
    """"unavailable", "power" or "duty", by the dates of the judgement and of any order made (never today).

    Coasting units: no order under the default reading (PRU-2); a power under "order_power_inferred".
    Categories from 27 Jun 2016: the duty continues under "duty_continues"; otherwise (the default) it
    is a duty only for a judgement before 29 Jun 2026 with an order made on or before 28 Jun 2026.
    """
    day = optional_date(judgement_on)
    if day is None or day < ACADEMY_ORDER_POWER_FROM:
        return "unavailable"
    if judgement == "coasting":
        return "power" if coasting_reading == "order_power_inferred" else "unavailable"
    if judgement not in CATEGORIES or day < ACADEMY_ORDER_DUTY_FROM:
        return "power"
    if duty_reading == "duty_continues":
        return "duty"
    made_on = optional_date(academy_order_made_on)
    in_force = made_on is not None and day <= made_on <= LAST_DAY_FOR_A_DUTY_ORDER
    return "duty" if day < CWSA_REPEAL_FROM and in_force else "power"


def pru_route_allowed(intervention: Any, judgement: Any, judgement_on: Any, academy_order_status: Any) -> bool:
    return pru_route_refusal(intervention, judgement, judgement_on, academy_order_status) == ""


def pru_route_refusal(intervention: Any, judgement: Any, judgement_on: Any, academy_order_status: Any) -> str:
    """Why the chosen intervention is not available ("" when it is), in words for the regional director."""
    day = optional_date(judgement_on)
    if intervention in ORDER_ROUTES and academy_order_status not in ("power", "duty"):
        if judgement == "coasting":
            return ("no academy order for a coasting unit under the reading this case records: SI 2022/720 reg 5 "
                    "made coasting units eligible for interim executive members only (SI 2007/2978)")
        return "academy orders for pupil referral units exist only from 31 May 2012 (SI 2012/1201)"
    if intervention in IEM_ROUTES and (day is None or day < IEM_FROM):
        return "interim executive members for units exist only from 1 Sep 2012 (SI 2012/1825)"
    # Where the order is a duty, interim executive members (SI 2007/2978 reg 24) and, for special
    # measures, a closure direction (EIA 2006 s68 as applied) remain open: the duty adds an order, it
    # does not take those powers away (audit PRU-1).
    if intervention == "closure_direction" and judgement != "special_measures":
        return "a closure direction (EIA 2006 s68, SI 2007/2979 Sch 1 para 23) is for a unit requiring special measures only"
    if intervention not in (*ORDER_ROUTES, "interim_executive_members", "closure_direction"):
        return f"'{intervention}' is not an intervention open to the Secretary of State for a unit"
    return ""


def apply_start_defaults(context: StartContext) -> None:
    """Start hook: the optional facts the academy-order script reads, empty until recorded."""
    if context.process_key != PROCESS_KEY:
        return
    for key, value in START_DEFAULTS.items():
        if context.data.get(key) is None:
            context.data[key] = value


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
