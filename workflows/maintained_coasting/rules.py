"""A maintained school that is coasting (EIA 2006 s60B; audit finding 11 / OC-8), as far as the domain
notes source it.

Sourced (domain/statutory-paths.md): s60B coasting still exists after the 2RI+ policy ended in Sept
2024 (§7); the Coasting Schools (England) Regulations 2022 (SI 2022/720) from 1 Sep 2022 (§4, reg 5 for
PRUs); SI 2025/1120, made 23 Oct 2025, in force 17 Nov 2025, redefines coasting by report-card grades,
and a school just out of a category with "needs attention" (or a post-2024 "requires improvement") can
count as coasting, "which makes it eligible for intervention again under s60B" (§2.3 step 11, §7).

Not found in the notes, so configurable and said so: the text of s60B itself and its commencement
(taken as 18 Apr 2016 with the rest of EAA 2016's intervention changes, inferred); the definition in
force before 1 Sep 2022; whether the authority's powers under ss63-66 follow from s60B eligibility (a
legal reading recorded per case, default: take advice first); any deadline. The definition that
applies is chosen by the day the Secretary of State notified the school, never by today.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from engine.hooks import StartContext
from workflows.calendar import as_date

PROCESS_KEY = "maintained_coasting"

#: EAA 2016's intervention changes commenced 18 Apr 2016 (SI 2016/466 reg 2); s60B with them (inferred).
S60B_IN_FORCE_ON = date(2016, 4, 18)
#: Coasting Schools (England) Regulations 2022, SI 2022/720.
REGS_2022_IN_FORCE_ON = date(2022, 9, 1)
#: Coasting Schools (England) (Amendment) Regulations 2025, SI 2025/1120: report-card grades.
REGS_2025_IN_FORCE_ON = date(2025, 11, 17)

DEFINITION_BEFORE_2022 = ("EIA 2006 s60B (inserted by EAA 2016, from 18 Apr 2016, inferred): the coasting "
                          "definition in force before 1 Sep 2022 is not in the domain notes (not found); record "
                          "the data the Secretary of State relied on")
DEFINITION_2022 = ("EIA 2006 s60B; Coasting Schools (England) Regulations 2022 (SI 2022/720), in force "
                   "1 Sep 2022 to 16 Nov 2025")
DEFINITION_2025 = ("EIA 2006 s60B; Coasting Schools (England) Regulations 2022 (SI 2022/720) as amended by SI "
                   "2025/1120 (made 23 Oct 2025, in force 17 Nov 2025): coasting by report-card grades, including "
                   "a school just out of a category with 'needs attention' or a post-2024 'requires improvement'")

READING_ADVICE_FIRST = "take_legal_advice_first"
READING_POWERS_AVAILABLE = "la_powers_available"


def coasting_definition_in_force(coasting_notified_on: Any) -> str:
    """Which definition of coasting governs, by the day the Secretary of State notified the school."""
    notified = as_date(coasting_notified_on, "coasting_notified_on")
    if notified < S60B_IN_FORCE_ON:
        raise ValueError(f"EIA 2006 s60B was not in force on {notified.isoformat()} (from 18 Apr 2016)")
    if notified < REGS_2022_IN_FORCE_ON:
        return DEFINITION_BEFORE_2022
    return DEFINITION_2022 if notified < REGS_2025_IN_FORCE_ON else DEFINITION_2025


def check_start(context: StartContext) -> None:
    """Start hook: the case starts with the default (safer) reading on LA powers, recorded on the case."""
    if context.process_key != PROCESS_KEY:
        return
    context.data.setdefault("coasting_la_powers_reading", READING_ADVICE_FIRST)


def check_submission(session: Any, instance: Any, row: Any, data: dict[str, Any]) -> dict[str, str]:
    """Task validation: the notification date must be one s60B applies to; LA powers need the recorded reading."""
    if instance.process_key != PROCESS_KEY:
        return {}
    if row.bpmn_id == "record_coasting_notification":
        try:
            coasting_definition_in_force(data.get("coasting_notified_on"))
        except ValueError as error:
            return {"coasting_notified_on": str(error)[0].upper() + str(error)[1:]}
    if row.bpmn_id == "decide_coasting_response" and data.get("coasting_response") == "use_la_powers":
        reading = data.get("coasting_la_powers_reading") or (instance.data or {}).get("coasting_la_powers_reading")
        if reading != READING_POWERS_AVAILABLE:
            return {"coasting_la_powers_reading": (
                "Whether the authority's powers under sections 63 to 66 follow from coasting (s60B) is not "
                "sourced in the domain notes: record the authority's legal reading that they are available "
                "before choosing them")}
    return {}


