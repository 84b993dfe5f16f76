"""Gateways and deadlines of the regional director's intervention in an academy trust.

Date switches, each decided by the date of the notice concerned:
- Academy Trust Handbook 2025 para 6.17, from 1 Sep 2025: a notice to improve (NtI) is for financial
  management, governance or compliance only; educational performance is no longer a ground.
- Academies Act 2010 ss2A and 2B (inserted by the Education and Adoption Act 2016 ss14-15, in force
  18 Apr 2016): the statutory termination rights for a category of concern (s2A) and coasting (s2B).
  Before that date a termination warning notice rested on the funding agreement alone.

Periods that are practice rather than law are data with a default, never constants of the model:
the NtI publication period (14 days, from a 2021 source, NOT re-verified for ATH 2025) and the TWN
representations period (15 working days, from 2015-2018 reporting, current practice NOT verified).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from engine.hooks import DeadlineInfo, StartContext
from workflows.calendar import working_days_after
from workflows.deadline_terms import (
    dated_deadline,
    deadline_status,
    format_day,
    kept_date_note,
    optional_date,
    positive_count,
    working_days_deadline,
)

NTI_EDUCATIONAL_GROUND_ENDS_ON = date(2025, 9, 1)
TERMINATION_SECTIONS_FROM = date(2016, 4, 18)

#: Concern types (the options of the first form) that are grounds of a NtI at any date.
NTI_GROUNDS = ("financial_management", "governance", "compliance")
#: Concern types about educational performance: a NtI ground only for notices before 1 Sep 2025.
#: Treating a category of concern and coasting as educational performance is INFERRED.
EDUCATIONAL_CONCERNS = ("educational_performance", "category_of_concern", "coasting")

ATH = "Academy Trust Handbook 2025 para 6.17 (Part 6)"
PUBLICATION_SOURCE = (f"{ATH}: the trust publishes the notice to improve on its website; 14 days is from a 2021 "
                      "source and was NOT re-verified for the 2025 handbook, so the period is set per case")
TERMINATION_BASIS = "Academies Act 2010 s2A / s2B (inserted by EAA 2016 ss14-15, from 18 Apr 2016) and the funding agreement"
TWN_SOURCE = (f"{TERMINATION_BASIS}: the notice gives a date for representations; 15 working days is historic "
              "practice (NOT verified as current), so the period is set per case")
TWN_ACTION_SOURCE = (f"{TERMINATION_BASIS}: the notice requires specified action by a specified date "
                     "(s2B for a coasting academy; the funding agreement otherwise)")
NTI_REVIEW_SOURCE = f"{ATH}: the conditions are reviewed and the notice lifted or escalated; the dates are DfE's own"
CONDITIONS_SOURCE = "Funding agreement: the termination warning notice withdrawn on conditions the regional director set"


PROCESS_KEY = "academy_intervention"
#: Optional facts the termination gateway reads; a field left blank stores nothing, so they start empty.
START_DEFAULTS: dict[str, Any] = {"twn_action_taken_on": None, "twn_action_due_on": None}


def apply_start_defaults(context: StartContext) -> None:
    """Start hook: the optional facts gateways read, empty until recorded."""
    if context.process_key != PROCESS_KEY:
        return
    for key, value in START_DEFAULTS.items():
        context.data.setdefault(key, value)


def academy_nti_ground_allowed(concern_type: Any, nti_issued_on: Any) -> bool:
    """Whether a NtI may be issued for this concern on the notice's date."""
    issued = optional_date(nti_issued_on)
    if issued is None:
        return False
    if concern_type in NTI_GROUNDS:
        return True
    return concern_type in EDUCATIONAL_CONCERNS and issued < NTI_EDUCATIONAL_GROUND_ENDS_ON


def academy_nti_refusal(concern_type: Any, nti_issued_on: Any) -> str:
    """Why the NtI prepared cannot be issued, in words for the regional director."""
    issued = optional_date(nti_issued_on)
    if issued is None:
        return "the notice to improve has no valid date"
    if concern_type in EDUCATIONAL_CONCERNS:
        return (f"a notice to improve dated {format_day(issued)} cannot rest on educational performance: from "
                f"1 Sep 2025 ({ATH}) it is for financial management, governance or compliance only. Choose a "
                "termination warning notice or support without a notice.")
    return f"'{concern_type}' is not a ground for a notice to improve"


def academy_twn_legal_basis(concern_type: Any, twn_issued_on: Any) -> str:
    """The statutory or contractual basis of a termination warning notice on its date."""
    issued = optional_date(twn_issued_on)
    statutory = issued is not None and issued >= TERMINATION_SECTIONS_FROM
    if statutory and concern_type == "category_of_concern":
        return ("Academies Act 2010 s2A (academy requiring special measures or significant improvement; "
                "inserted by EAA 2016 s14, from 18 Apr 2016) and the funding agreement")
    if statutory and concern_type == "coasting":
        return "Academies Act 2010 s2B (coasting academy; inserted by EAA 2016, from 18 Apr 2016) and the funding agreement"
    return ("The funding agreement (standards unacceptably low, serious breakdown in management or governance, "
            "safety threatened, or other material breach)")


def academy_termination_refusal(concern_type: Any, twn_issued_on: Any, twn_action_due_on: Any, twn_decided_on: Any,
                                twn_action_taken_on: Any) -> str:
    """Why the funding agreement cannot be terminated on the decision's date ("" when it can); audit AI-1.

    The notice requires action by a date (s2A/s2B, funding agreement): termination is decided only after
    that date has passed, judged by the date of the decision, never today. Under s2B (a coasting academy)
    termination is possible only if the trust failed to comply (domain note 3.2), so an action completed
    by the date rules it out.
    """
    due, decided = optional_date(twn_action_due_on), optional_date(twn_decided_on)
    if due is None or decided is None:
        return "the notice's date for action and the date of the decision must both be recorded"
    if decided <= due:
        return (f"the trust has until {format_day(due)} to take the action the notice requires: termination can be "
                f"decided only after that date has passed (the decision is dated {format_day(decided)})")
    taken = optional_date(twn_action_taken_on)
    is_s2b = concern_type == "coasting" and (optional_date(twn_issued_on) or date.min) >= TERMINATION_SECTIONS_FROM
    if is_s2b and taken is not None and taken <= due:
        return (f"the trust took the action required on {format_day(taken)}, by the date in the notice: under "
                "Academies Act 2010 s2B termination is possible only if the trust fails to comply")
    return ""


def academy_termination_allowed(concern_type: Any, twn_issued_on: Any, twn_action_due_on: Any, twn_decided_on: Any,
                                twn_action_taken_on: Any) -> bool:
    return academy_termination_refusal(concern_type, twn_issued_on, twn_action_due_on, twn_decided_on,
                                       twn_action_taken_on) == ""


def academy_nti_publication_due(nti_issued_on: Any, days: Any) -> str | None:
    """Calendar days after the notice (not working days), as ISO text; None until the notice is dated."""
    issued = optional_date(nti_issued_on)
    if issued is None:
        return None
    return (issued + timedelta(days=int(days))).isoformat()


def academy_representations_due(twn_issued_on: Any, working_days: Any) -> str:
    return working_days_after(twn_issued_on, working_days).isoformat()


def deadlines(data: dict[str, Any], today: date) -> list[DeadlineInfo]:
    found = []
    if data.get("nti_issued_on"):
        found.append(_nti_publication(data, today))
        found.append(_nti_review(data, today))
    if data.get("twn_issued_on"):
        found.append(_twn_representations(data, today))
        found.append(dated_deadline("twn_action_due", "Action required by the termination warning notice",
                                    TWN_ACTION_SOURCE, due_value=data.get("twn_action_due_on"), today=today,
                                    done_on=optional_date(data.get("twn_action_taken_on")),
                                    what="the date for action the notice specified"))
    if data.get("twn_conditions_set_on"):
        found.append(dated_deadline("twn_conditions_due", "Conditions set after representations",
                                    CONDITIONS_SOURCE, due_value=data.get("twn_conditions_due_on"), today=today,
                                    done_on=optional_date(data.get("twn_conditions_met_on")),
                                    what="the date the regional director set for the conditions"))
    return found


def _nti_publication(data: dict[str, Any], today: date) -> DeadlineInfo:
    name = "Notice to improve published on the trust's website"
    issued, days = optional_date(data.get("nti_issued_on")), positive_count(data.get("nti_publication_days"))
    if issued is None or days is None:
        return DeadlineInfo("nti_publication_due", name, None, "the notice's date and the publication period are "
                            "not both recorded", PUBLICATION_SOURCE, "unknown")
    due = issued + timedelta(days=days)
    status, met_on, note = deadline_status(due, optional_date(data.get("nti_published_on")), today)
    rule = (f"{days} calendar days after {format_day(issued)} (the date of the notice); calendar days, so weekends "
            f"and bank holidays are not skipped{kept_date_note(due)}")
    return DeadlineInfo("nti_publication_due", name, due, rule, PUBLICATION_SOURCE, status, met_on, note)


def _nti_review(data: dict[str, Any], today: date) -> DeadlineInfo:
    """The review date set in the notice (or at the last review). The review task opens on that date,
    so a review recorded before it belongs to an earlier review date and does not count."""
    due, reviewed = optional_date(data.get("nti_review_due_on")), optional_date(data.get("nti_reviewed_on"))
    info = dated_deadline("nti_review_due", "Review of the trust's compliance with the notice to improve",
                          NTI_REVIEW_SOURCE, due_value=due, today=today,
                          done_on=reviewed if due and reviewed and reviewed >= due else None,
                          what="the review date set for the notice's conditions")
    if info.due_on is None:
        return info
    return replace(info, rule=f"{info.rule}; a later review date replaces it while monitoring continues")


def _twn_representations(data: dict[str, Any], today: date) -> DeadlineInfo:
    return working_days_deadline(
        "twn_representations_due", "Representations on the termination warning notice", TWN_SOURCE,
        start=optional_date(data.get("twn_issued_on")), days=positive_count(data.get("representations_working_days")),
        done_on=optional_date(data.get("representations_received_on")), today=today,
        what="the date of the termination warning notice",
        missing="the notice's date and the representations period are not both recorded")

