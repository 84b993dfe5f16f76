"""The notices of the powers an authority uses after an unheeded warning notice (audit WN-5): the s63
requirement, the s64 appointment of additional governors, the IEB notice (s65, Sch 6 paras 6-7) and the
s66 suspension of the delegated budget. Rendered by workflows.letters like the other statutory letters:
what is statutory (REQUIRED), who gets the letter and copies (recipients) and what the template is
given (context) live here, so the four kinds stay in this route's package.

Which data keys each letter reads are the form fields of `give_power_notices`, `give_ieb_notice` and
`consult_before_powers` in bpmn/maintained_warning_notice.bpmn.
"""
from __future__ import annotations

import re
from typing import Any

from workflows.letter_rules import day, flag, text
from workflows.notice_copies import FOUNDATION_APPOINTER, SECRETARY_OF_STATE

EIA = "Education and Inspections Act 2006"
KINDS = ("s63_requirement", "s64_appointment", "ieb_notice", "s66_suspension")

NAMES = {"s63_requirement": "Notice requiring arrangements (s63)",
         "s64_appointment": "Appointment of additional governors (s64)",
         "ieb_notice": "Notice of an interim executive board (s65)",
         "s66_suspension": "Suspension of the delegated budget (s66)"}

#: The day each letter is given, so the letter bears it.
GIVEN_ON = {"s63_requirement": "power_notices_given_on", "s64_appointment": "power_notices_given_on",
            "ieb_notice": "ieb_notice_given_on", "s66_suspension": "power_notices_given_on"}

REQUIRED: dict[str, dict[str, str]] = {
    "s63_requirement": {"arrangements": "the arrangements the governing body is required to enter into"},
    "s64_appointment": {"governors": "the additional governors the authority appoints",
                        "appointed_from": "the date the appointments take effect"},
    "ieb_notice": {"effective_on": "the date from which the governing body is to consist of interim executive "
                                   "members (Sch 6 para 7)",
                   "members": "the interim executive members appointed"},
    "s66_suspension": {"suspended_from": "the date the right to a delegated budget is suspended",
                       "reasons": "the reasons for the suspension"},
}

WINDOW = (f"{EIA} s64(2) and s66A(3): powers used because of a warning notice only within the two months "
          "following the end of the compliance period; whether the limit binds ss63, 65 and 66 was not verified, "
          "and the authority recorded its reading on the case.")
SOURCES: dict[str, list[str]] = {
    "s63_requirement": [f"{EIA} s63: the authority may require the governing body to enter into arrangements "
                        "(advisory services, collaboration with another school or a further education body, or "
                        "federation), after consulting the governing body and, for a foundation or voluntary school, "
                        "the diocese or the person who appoints the foundation governors. Not available after a "
                        "s60A notice.", WINDOW],
    "s64_appointment": [f"{EIA} s64: the authority may appoint such number of additional governors as it thinks "
                        "fit. For a voluntary aided school the appropriate appointing authority may then appoint an "
                        "equal number of further foundation governors, unless the Secretary of State has used s67 "
                        "(subsection not verified).", WINDOW],
    "ieb_notice": [f"{EIA} s65 and Schedule 6: with the consent of the Secretary of State the authority may provide "
                   "for the governing body to consist of interim executive members. Sch 6 para 7: notice in "
                   "writing to the governing body with the date from which it takes effect (and any interim period). "
                   "Sch 6 para 6: copies to every interim executive member, every governor, the Secretary of State, "
                   "the diocese and the person who appoints the foundation governors.", WINDOW],
    "s66_suspension": [f"{EIA} s66: the authority may suspend the governing body's right to a delegated budget. The "
                       "detailed procedure (notice, review, appeal) was not verified.", WINDOW],
}


def _listed(found: Any) -> list[str]:
    return [line.strip(" -*\u2022") for line in re.split(r"[\n;]", str(found or "")) if line.strip(" -*\u2022")]


def problems(kind: str, data: dict[str, Any]) -> dict[str, str]:
    required, found = REQUIRED[kind], {}
    present = {"arrangements": text(data, "s63_arrangements_required"),
               "governors": _listed(data.get("s64_governors_appointed")),
               "appointed_from": day(data, "s64_appointed_from_on"),
               "effective_on": day(data, "ieb_effective_on"), "members": _listed(data.get("ieb_members")),
               "suspended_from": day(data, "s66_suspended_from_on"), "reasons": text(data, "s66_reasons")}
    for item, words in required.items():
        if not present[item]:
            found[item] = words
    return found


def _church_or_foundation(data: dict[str, Any], basis: str) -> list[dict[str, str]]:
    diocese = text(data, "diocese_name")
    if diocese:
        return [{"name": f"{diocese} (the appropriate diocesan authority)", "role": "copy", "basis": basis}]
    if flag(data, "has_foundation"):
        return [{"name": text(data, "foundation_appointer") or FOUNDATION_APPOINTER, "role": "copy", "basis": basis}]
    return []


def recipients(kind: str, data: dict[str, Any]) -> list[dict[str, str]]:
    school = text(data, "school_name") or "the school"
    head = text(data, "headteacher_name")
    governing_body = {"name": f"The governing body of {school}", "role": "addressee"}
    headteacher = {"name": f"{head}, headteacher" if head else "The headteacher", "role": "copy",
                   "basis": "Local practice"}
    if kind == "ieb_notice":
        members = [{"name": f"{name} (interim executive member)", "role": "copy", "basis": "EIA 2006 Sch 6 para 6"}
                   for name in _listed(data.get("ieb_members"))]
        return [{**governing_body, "basis": "EIA 2006 Sch 6 para 7"}, *members,
                {"name": "Every member of the governing body", "role": "copy", "basis": "EIA 2006 Sch 6 para 6"},
                {"name": SECRETARY_OF_STATE, "role": "copy", "basis": "EIA 2006 Sch 6 para 6"},
                *_church_or_foundation(data, "EIA 2006 Sch 6 para 6"), headteacher]
    if kind == "s63_requirement":
        return [{**governing_body, "basis": "EIA 2006 s63"}, headteacher,
                *_church_or_foundation(data, "Consulted before s63 is used")]
    if kind == "s64_appointment":
        result = [{**governing_body, "basis": "EIA 2006 s64"}, headteacher]
        result += [{"name": f"{name} (additional governor)", "role": "copy", "basis": "EIA 2006 s64"}
                   for name in _listed(data.get("s64_governors_appointed"))]
        if flag(data, "is_voluntary_aided"):
            result += _church_or_foundation(data, "May appoint further foundation governors (s64, voluntary aided)")
        return result
    return [{**governing_body, "basis": "EIA 2006 s66"}, headteacher]


def _kept_date_note(due: Any) -> str | None:
    from workflows.deadline_terms import kept_date_note

    return (kept_date_note(due).removeprefix("; ") or None) if due else None


def context(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"notice_given_on": day(data, "notice_given_on"),
            "compliance_end_on": day(data, "compliance_period_ends_on"),
            "window_end_on": day(data, "powers_window_ends_on"),
            "window_end_note": _kept_date_note(day(data, "powers_window_ends_on")),
            "decided_on": day(data, "powers_decided_on"),
            "proceeded_after_window": flag(data, "proceed_after_window") is True,
            "proceed_reasons": text(data, "proceed_after_window_reasons"),
            "governing_body_consulted_on": day(data, "governing_body_consulted_on"),
            "arrangements": data.get("s63_arrangements_required"), "partner": text(data, "s63_partner"),
            "complete_by_on": day(data, "s63_complete_by_on"),
            "governors": _listed(data.get("s64_governors_appointed")),
            "appointed_from_on": day(data, "s64_appointed_from_on"),
            "is_voluntary_aided": flag(data, "is_voluntary_aided") is True,
            "consent_on": day(data, "sos_consent_decided_on"), "effective_on": day(data, "ieb_effective_on"),
            "members": _listed(data.get("ieb_members")), "interim_period": text(data, "ieb_interim_period"),
            "suspended_from_on": day(data, "s66_suspended_from_on"), "suspension_reasons": data.get("s66_reasons")}
