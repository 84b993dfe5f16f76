"""What the warning-notice route's forms cannot say alone, checked when an officer submits a step.

Each check returns a message per field (GOV.UK error summary); the engine's task validation hook
refuses the completion on any, before anything changes:

- the two-month window (audit WN-4): confirmed for s64 (EIA 2006 s64(2)), so a decision dated after
  it that uses s64 is refused; for s63, s65 and s66 the limit is only believed to apply, so the
  case's legal reading decides: "limit_binds_all" (the default, safer reading) refuses them too,
  "limit_confirmed_for_s64_only" lets the officer proceed once they record that they do, and why;
- consultation before s63 and s65 (WN-5): the diocese or the foundation appointer, as the school's
  facts say, and a willing partner for s63;
- the IEB notice and its copies (Sch 6 paras 6-7), and the details each power's notice needs.
"""
from __future__ import annotations

from typing import Any

from workflows.deadline_terms import format_day, optional_date

from .rules import PROCESS_KEY

READING_BINDS_ALL = "limit_binds_all"
READING_S64_ONLY = "limit_confirmed_for_s64_only"
POWERS_WINDOW_READINGS = (READING_BINDS_ALL, READING_S64_ONLY)
DEFAULT_POWERS_WINDOW_READING = READING_BINDS_ALL

#: The powers whose time limit is not verified, with the words the messages use.
UNVERIFIED_LIMIT = {"use_s63_arrangements": "s63 arrangements",
                    "use_s65_interim_executive_board": "an interim executive board (s65)",
                    "use_s66_suspend_delegated_budget": "suspending the delegated budget (s66)"}


def check_submission(session: Any, instance: Any, row: Any, data: dict[str, Any]) -> dict[str, str]:
    """The engine's task validation hook for this route: the problems, by form field."""
    check = CHECKS.get(row.bpmn_id) if instance.process_key == PROCESS_KEY else None
    return check({**(instance.data or {}), **data}, data) if check is not None else {}


def _powers_window(case: dict[str, Any], submitted: dict[str, Any]) -> dict[str, str]:
    window_end = optional_date(case.get("powers_window_ends_on"))
    decided = optional_date(submitted.get("powers_decided_on"))
    if window_end is None or decided is None or decided <= window_end:
        return {}
    ended = (f"The two months following the end of the compliance period ended on {format_day(window_end)}, "
             f"before the decision of {format_day(decided)}")
    errors: dict[str, str] = {}
    if submitted.get("use_s64_additional_governors"):
        errors["use_s64_additional_governors"] = (f"{ended}: additional governors can no longer be appointed "
                                                  "on this notice (EIA 2006 s64(2))")
    chosen = [words for key, words in UNVERIFIED_LIMIT.items() if submitted.get(key)
              and not (key == "use_s63_arrangements" and case.get("notice_type") == "s60A")]
    if not chosen:
        return errors
    reading = case.get("powers_window_reading") or DEFAULT_POWERS_WINDOW_READING
    if reading == READING_BINDS_ALL:
        errors["powers_window_reading"] = (
            f"{ended}. This case reads the limit as binding {_join(chosen)} too, so they cannot be used on this "
            "notice. If the authority's legal advice is that the limit is confirmed only for s64, choose that reading")
    elif submitted.get("proceed_after_window") is not True:
        errors["proceed_after_window"] = (
            f"{ended}. The limit is confirmed for s64; whether it binds {_join(chosen)} was not verified. Confirm "
            "that the authority proceeds after the window")
    if reading == READING_S64_ONLY and not (submitted.get("proceed_after_window_reasons") or "").strip():
        errors["proceed_after_window_reasons"] = "Enter why the authority proceeds after the window"
    return errors


def _join(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def _appointing_bodies(case: dict[str, Any], fields: tuple[str, str], what: str) -> dict[str, str]:
    """The diocese for a church school, else the foundation appointer for a school with a foundation."""
    diocese_field, appointer_field = fields
    if case.get("diocese_name") or case.get("is_church_school"):
        if not case.get(diocese_field):
            return {diocese_field: f"Enter the date {what} the appropriate diocesan authority "
                                   f"({case.get('diocese_name') or 'church school'})"}
    elif case.get("has_foundation") and not case.get(appointer_field):
        return {appointer_field: f"Enter the date {what} the person who appoints the foundation governors"}
    return {}


def _consultation(case: dict[str, Any], submitted: dict[str, Any]) -> dict[str, str]:
    errors = _appointing_bodies(case, ("diocese_consulted_on", "foundation_appointer_consulted_on"), "you consulted")
    if case.get("notice_type") == "s60" and case.get("use_s63_arrangements") \
            and not (case.get("s63_partner") or "").strip():
        errors["s63_partner"] = "Enter the willing partner for the s63 arrangements"
    if case.get("use_s65_interim_executive_board") and not case.get("ieb_application_sent_on"):
        errors["ieb_application_sent_on"] = ("Enter the date the interim executive board application form went to "
                                             "the regional director")
    return errors


def _ieb_notice(case: dict[str, Any], submitted: dict[str, Any]) -> dict[str, str]:
    given, effective = optional_date(case.get("ieb_notice_given_on")), optional_date(case.get("ieb_effective_on"))
    if given and effective and effective < given:
        return {"ieb_effective_on": "The date the interim executive board takes over cannot be before the notice "
                                    "is given"}
    return {}


def _ieb_copies(case: dict[str, Any], submitted: dict[str, Any]) -> dict[str, str]:
    return _appointing_bodies(case, ("ieb_copy_to_diocese_on", "ieb_copy_to_foundation_appointer_on"),
                              "you sent a copy to")


#: For each power chosen, the notice's details that must be given (field: message).
POWER_DETAILS = {
    "use_s63_arrangements": {"s63_arrangements_required": "Enter the arrangements the governing body must enter into"},
    "use_s64_additional_governors": {"s64_governors_appointed": "Enter the additional governors appointed",
                                     "s64_appointed_from_on": "Enter the date the appointments take effect"},
    "use_s66_suspend_delegated_budget": {"s66_suspended_from_on": "Enter the date the delegated budget is suspended",
                                         "s66_reasons": "Enter the reasons for suspending the delegated budget"},
}


def _power_notices(case: dict[str, Any], submitted: dict[str, Any]) -> dict[str, str]:
    errors = {}
    for power, details in POWER_DETAILS.items():
        if not case.get(power) or (power == "use_s63_arrangements" and case.get("notice_type") == "s60A"):
            continue
        errors.update({item: message for item, message in details.items() if not case.get(item)})
    return errors


CHECKS = {"choose_powers_s60": _powers_window, "choose_powers_s60a": _powers_window,
          "consult_before_powers": _consultation, "give_ieb_notice": _ieb_notice,
          "send_ieb_notice_copies": _ieb_copies, "give_power_notices": _power_notices}
