"""What the letter templates are given: the case data read, dates worked out, the legal sources cited.

Kept apart from `letter_rules` (which keys mean what, what is statutory, who gets copies) so that
the wording of a letter can change without touching the rules it is checked against.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from .calendar import powers_window_end, skipped_holidays, working_days_after
from .deadline_terms import kept_date_note, ordinal
from .letter_rules import (
    ACADEMY_STANDARDS,
    CATEGORIES,
    GROUNDS,
    HMCI,
    POWERS,
    chosen_powers,
    count,
    day,
    flag,
    grounds_categories,
    notice_type,
    problems,
    signatory,
    text,
    value,
)
from .maintained_warning_notice import letters as power_letters
from .notice_copies import recipients

NAMES = {**power_letters.NAMES,
         "warning_notice": "Warning notice", "notice_of_intention": "Notice of intention to use powers",
         "statement_of_action": "Statement of action", "letter_of_concern": "Letter of Concern"}

EIA = "Education and Inspections Act 2006"
WORKING_DAY = ("Working day: any day other than a Saturday, a Sunday, Christmas Day, Good Friday or a bank "
               "holiday in England and Wales under the Banking and Financial Dealings Act 1971.")
WINDOW = (f"{EIA} s64(2) and s66A(3): where a school is eligible for intervention because of a warning "
          "notice, the powers may be used only within the two months following the end of the compliance "
          "period.")

SOURCES: dict[str, list[str]] = {
    "s60": [
        f"{EIA} s60, as amended by the Education and Adoption Act 2016 s2 from 18 April 2016 "
        "(SI 2016/466): grounds s60(2), contents of the notice s60(4), copies s60(6).",
        "Copy to the Secretary of State: s60(6A), inserted by the Education and Adoption Act 2016. That the "
        "recipient is the Secretary of State is inferred: the text of s60(6A) available to us breaks off.",
        WORKING_DAY, f"Powers: {EIA} ss63 to 66. " + WINDOW,
        "Since 18 April 2016 a governing body can no longer make representations to Ofsted against a "
        "warning notice; it may complain to the Secretary of State under the Education Act 1996 ss496 and 497.",
    ],
    "s60A": [
        f"{EIA} s60A (inserted by the Apprenticeships, Skills, Children and Learning Act 2009 Sch 13 para 4; "
        "amended by the Education and Adoption Act 2016 s3 from 18 April 2016). The School Teachers' Pay and "
        "Conditions Document is made under the Education Act 2002 s122.",
        "Copies as for s60(6); the copy to the Secretary of State is inferred from the 2016 amendment.",
        WORKING_DAY, f"Powers after a s60A notice: {EIA} ss64 to 66 only. " + WINDOW,
        "The governing body may complain to the Secretary of State under the Education Act 1996 ss496 and 497.",
    ],
    "notice_of_intention": [
        f"{EIA} s60(1)(d): the school becomes eligible for intervention once the authority has given the "
        "governing body reasonable notice in writing that it proposes to use its powers. The Act sets no "
        "minimum length for that notice.",
        f"Powers: {EIA} s63 (not after a s60A notice), s64, s65 and Schedule 6 (an interim executive board "
        "needs the consent of the Secretary of State), s66. " + WINDOW,
        "The Department for Education asks authorities to tell it when they use their intervention powers; "
        "the statutory basis of that request was not found.",
    ],
    "statement_of_action": [
        "Education Act 2005 s15(2): the authority's statement of the action it proposes to take and its "
        "timescale (or its reasons for not acting), its arrangements for informing registered parents and "
        "taking their views into account, and copies to HMCI and, for a voluntary aided school, the person "
        "who appoints the foundation governors and the appropriate appointing authority.",
        "Education Act 2005 s15(3): the statement is due within the prescribed period, generally taken as "
        "10 working days; the Secretary of State may direct a shorter period for special measures.",
        "Categories of concern: Education Act 2005 s44; eligibility for intervention: "
        f"{EIA} s61 (significant improvement) and s62 (special measures).",
        "Format: Derbyshire County Council, procedures for schools causing concern, Annex 5.",
    ],
    "letter_of_concern": [
        "Local, non-statutory: Derbyshire County Council procedures for schools causing concern, on "
        "academies. A Letter of Concern is signed by the Strategic Director of Children's Services and sets "
        "out in detail the facts and circumstances behind the concern.",
        "Academies are accountable to the Secretary of State (Academies Act 2010). The authority may raise "
        "a concern it cannot resolve locally with the trust board, the DfE Regions Group, Ofsted or the "
        "Secretary of State.",
    ],
}


class Gaps(dict):
    """The problems by content item; an item with none reads as None, so templates can ask for any."""

    def __missing__(self, key: str) -> None:
        return None


def compliance(data: dict[str, Any], start: date | None) -> dict[str, Any]:
    """The compliance period: its start, length in working days, end date, and holidays skipped."""
    days, end = count(data, "compliance_days"), day(data, "compliance_end_on")
    computed = _working_days_after(start, days)
    counted = days is not None and (end is None or end == computed)
    end = end or computed
    skipped = [name for _, name in skipped_holidays(start, end)] if counted and start and end else []
    window_end = powers_window_end(end) if end is not None else None
    return {"start_on": start, "days": days if counted else None, "ordinal": _ordinal(days if counted else None),
            "end_on": end, "skipped": list(dict.fromkeys(skipped)), "window_end_on": window_end,
            "window_end_note": _kept_date_note(window_end)}


def _ordinal(n: int | None) -> str:
    """'15th', or nothing where the letter has no count to state."""
    return "" if n is None else ordinal(n)


def _kept_date_note(due: date | None) -> str | None:
    """WN-10: a window ending on a weekend or bank holiday keeps its date, and the letter says so."""
    if due is None:
        return None
    note = kept_date_note(due).removeprefix("; ")
    return note[0].upper() + note[1:] if note else None


def _power_list(data: dict[str, Any], item: str) -> dict[str, Any]:
    codes, prose = chosen_powers(data, item)
    return {"codes": codes, "described": [POWERS[code] for code in codes], "prose": prose}


def _working_days_after(start: date | None, days: int | None) -> date | None:
    if start is None or days is None:
        return None
    try:
        return working_days_after(start, days)
    except ValueError:  # a count beyond the calendar's guard: the letter states no end date
        return None


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", value).strip("-").lower() or "case"


def _common(kind: str, data: dict[str, Any], issued_on: date, organisation_name: str) -> dict[str, Any]:
    school, urn, case_id = text(data, "school_name"), text(data, "urn"), text(data, "case_id")
    is_power = kind in power_letters.KINDS
    missing = Gaps(power_letters.problems(kind, data) if is_power else problems(kind, data))
    sent_to = power_letters.recipients(kind, data) if is_power else recipients(kind, data)
    name, title = signatory(kind, data)
    la_name = organisation_name or text(data, "la_name") or "The local authority"
    reference = " / ".join(part for part in (f"URN {urn}" if urn else "", f"Case {case_id}" if case_id else "")
                           if part) or "Not recorded"
    label = NAMES[kind] + (f" ({notice_type(data)})" if kind == "warning_notice" else "")
    return {
        "kind": kind, "issued_on": issued_on, "school_name": school or "the school", "urn": urn,
        "case_id": case_id, "reference": reference, "missing": missing,
        "title": f"{label}: {school or 'school not named'}" + (" (incomplete)" if missing else ""),
        "filename": f"{_slug(kind)}-{_slug(urn or 'case-' + (case_id or ''))}-{issued_on.isoformat()}.pdf",
        "la": _letterhead(data, la_name),
        "school_address": value(data, "school_address"), "chair_name": text(data, "chair_name"),
        "headteacher_name": text(data, "headteacher_name"),
        "signatory": {"name": name, "title": title},
        "recipients": sent_to, "addressee": sent_to[0],
        "copies": [r for r in sent_to if r["role"] == "copy"],
        "sources": {**SOURCES, **power_letters.SOURCES}[notice_type(data) if kind == "warning_notice" else kind],
    }


def _letterhead(data: dict[str, Any], la_name: str) -> dict[str, Any]:
    """The organisation's configured letterhead (workflows.letterheads), else what the case data gives."""
    stored = data.get("letterhead")
    head: dict[str, Any] = stored if isinstance(stored, dict) else {}
    return {"name": la_name, "address": head.get("address") or value(data, "la_address"),
            "contact": text(data, "contact_name"), "email": text(data, "contact_email") or head.get("email"),
            "phone": text(data, "contact_phone") or head.get("phone"), "website": head.get("website")}


def _consultees(data: dict[str, Any]) -> str | None:
    diocese = text(data, "diocese_name")
    if diocese:  # mid-sentence: "consult the governing body and the Diocese of Derby"
        return re.sub(r"^The ", "the ", diocese) + " (the appropriate diocesan authority)"
    if flag(data, "has_foundation"):
        return text(data, "foundation_appointer") or "the person who appoints the foundation governors"
    return None


def _warning_notice(data: dict[str, Any], issued_on: date) -> dict[str, Any]:
    kind_of_notice = notice_type(data)
    categories = grounds_categories(data)
    if kind_of_notice == "s60A":
        categories = ["pay_and_conditions"]
    else:
        categories = [c for c in categories if c != "pay_and_conditions"]
    return {"notice_type": kind_of_notice, "section": "section 60A" if kind_of_notice == "s60A" else "section 60",
            "grounds_statements": [GROUNDS[c] for c in categories], "grounds": value(data, "grounds"),
            "action_required": value(data, "action_required"),
            "compliance": compliance(data, day(data, "notice_given_on") or issued_on),
            "minded_to": _power_list(data, "minded_to")}


def _notice_of_intention(data: dict[str, Any], issued_on: date) -> dict[str, Any]:
    minded = _power_list(data, "powers_proposed")
    kind_of_notice = notice_type(data)
    notice_days = count(data, "notice_days")
    given = day(data, "notice_of_intention_given_on") or issued_on
    return {"notice_type": kind_of_notice, "section": "section 60A" if kind_of_notice == "s60A" else "section 60",
            "notice_given_on": day(data, "notice_given_on"),
            "compliance": compliance(data, day(data, "notice_given_on")),
            "non_compliance": value(data, "non_compliance"), "powers": minded,
            "powers_from_on": day(data, "powers_from_on"), "notice_days": notice_days,
            "notice_days_ordinal": _ordinal(notice_days), "notice_ends_on": _working_days_after(given, notice_days),
            "consultees": _consultees(data) if {"63", "65"} & set(minded["codes"]) else None,
            "needs_consent": "65" in minded["codes"]}


def _category(data: dict[str, Any]) -> str | None:
    found = (text(data, "ofsted_category") or "").lower()
    if "special" in found:
        return CATEGORIES["special_measures"]
    if any(word in found for word in ("significant", "serious", "weakness")):
        return CATEGORIES["significant_improvement"]
    return found or None


def _statement_of_action(data: dict[str, Any], issued_on: date) -> dict[str, Any]:
    return {"category": _category(data), "inspection_on": day(data, "inspection_on"),
            "report_received_on": day(data, "report_received_on"), "hmci": HMCI,
            "closure_scope": value(data, "closure_scope"),
            "target_removal_months": count(data, "target_removal_months"),
            "target_removal_on": day(data, "target_removal_on"), "action_before": value(data, "action_before"),
            "proposed_action": value(data, "proposed_action"), "action_timescale": value(data, "action_timescale"),
            "reasons_no_action": value(data, "reasons_no_action"),
            "parent_arrangements": value(data, "parent_arrangements"),
            "specified_person_appointed": flag(data, "specified_person_appointed"),
            "specified_person_name": text(data, "specified_person_name"), "support": value(data, "support"),
            "powers": _power_list(data, "powers_to_use"),
            "reasons_no_powers": value(data, "reasons_no_powers"),
            "senior_adviser_name": text(data, "senior_adviser_name")}


def _letter_of_concern(data: dict[str, Any], issued_on: date) -> dict[str, Any]:
    academy = {"standards": ACADEMY_STANDARDS,
               "governance": GROUNDS["governance"].replace("the school", "the academy"),
               "safety": GROUNDS["safety"].replace("the school", "the academy")}
    return {"trust_name": text(data, "trust_name"), "trust_address": value(data, "trust_address"),
            "grounds_statements": [academy[c] for c in grounds_categories(data) if c in academy],
            "grounds": value(data, "grounds"), "action_requested": value(data, "action_requested"),
            "response_due_on": day(data, "response_due_on")}


BUILDERS = {"warning_notice": _warning_notice, "notice_of_intention": _notice_of_intention,
            "statement_of_action": _statement_of_action, "letter_of_concern": _letter_of_concern}


def build_context(kind: str, data: dict[str, Any], issued_on: date, organisation_name: str) -> dict[str, Any]:
    if kind in power_letters.KINDS:
        return {**_common(kind, data, issued_on, organisation_name), **power_letters.context(kind, data)}
    return {**_common(kind, data, issued_on, organisation_name), **BUILDERS[kind](data, issued_on)}
