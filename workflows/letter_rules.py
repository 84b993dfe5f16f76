"""What each letter says: the case-data keys it reads, its statutory contents, who receives it.

Process forms are written by different people and change with each BPMN version, so every content
item is read from the first non-empty key of a short list of alternatives (`ALIASES`; yes/no fields
in `GROUND_FLAGS` and `POWER_FLAGS`). What each letter reads, by the keys the forms use now
(* marks statutory contents):

warning_notice (EIA 2006 s60 or s60A; bpmn/maintained_warning_notice.bpmn, issue_warning_notice)
    notice_type ("s60" / "s60A"); the grounds as ground_low_standards, ground_management_breakdown,
    ground_safety, ground_pay_and_conditions (yes/no) or grounds_category (text or list);
    grounds* (or matters_of_concern); action_required* (or required_action);
    compliance_period_working_days* or compliance_period_end_on* (or compliance_period_end_stated_on);
    notice_given_on (the period's first day and the letter's date); minded_to_take_action*
    (or minded_action: section numbers, option ids or prose); cabinet_member_name (signs)
notice_of_intention (s60(1)(d); give_notice_of_intention)
    notice_given_on and the compliance period keys (to recite the warning notice);
    non_compliance_reasons; powers_proposed* (or the boxes propose_s63_arrangements ... propose_s66_suspend_delegated_budget, or use_s63_arrangements, use_s64_additional_governors,
    use_s65_interim_executive_board, use_s66_suspend_delegated_budget); powers_from_on* or
    reasonable_notice_working_days* (counted from notice_of_intention_given_on, the letter's date);
    dcs_name (signs)
statement_of_action (EA 2005 s15(2); format of Derbyshire Annex 5)
    ofsted_category (or category), inspection_on, report_received_on (or final_report_received_on),
    statement_of_action_sent_on (the letter's date), closure_federation_scope, target_removal_months,
    target_removal_on, action_before_inspection, proposed_action* with action_timescale* (or
    reasons_for_not_acting*), parent_arrangements*, is_specified_person_appointed* /
    specified_person_name*, support_resources, powers_to_use, reasons_no_powers,
    senior_adviser_name; copies: is_voluntary_aided, foundation_appointer_name,
    appropriate_appointing_authority; dcs_name (signs)
letter_of_concern (local; Derbyshire protocol for academies; bpmn/academy_letter_of_concern.bpmn)
    trust_name, trust_address, grounds_category*, grounds*, action_requested (or response_requested),
    response_due_on, copy_to_dfe, copy_to_ofsted, signatory_name* (or strategic_director_name)

Every letter also reads school_name, urn (else the case's business key), case_id, school_address,
headteacher_name, chair_name, diocese_name, has_foundation, foundation_appointer_name, la_name,
la_address, contact_name, contact_email, contact_phone, signatory_name, signatory_title,
letter_dated_on, and copies_to (extra copy recipients: a list, or one per line). A missing
statutory content is reported by `problems` and shown in the letter as "MISSING: ..."; nothing
missing ever raises.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from engine.clock import optional_date

#: Alternative data keys per content item, first match wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "school_name": ("school_name", "school", "establishment_name", "academy_name"),
    "urn": ("urn", "school_urn"),
    "case_id": ("case_id",),
    "school_address": ("school_address", "address"),
    "la_name": ("la_name", "authority_name", "local_authority_name", "organisation_name"),
    "la_address": ("la_address", "authority_address", "organisation_address"),
    "contact_name": ("contact_name", "officer_name", "link_adviser_name"),
    "contact_email": ("contact_email", "la_email", "email"),
    "contact_phone": ("contact_phone", "la_phone", "telephone"),
    "headteacher_name": ("headteacher_name", "head_teacher_name", "headteacher", "principal_name"),
    "chair_name": ("chair_name", "chair_of_governors_name", "chair_of_governors", "chair"),
    "trust_name": ("trust_name", "academy_trust_name", "trust"),
    "trust_address": ("trust_address", "academy_trust_address"),
    "diocese_name": ("diocese_name", "diocese", "diocesan_authority"),
    "has_foundation": ("has_foundation", "is_foundation_school", "school_has_foundation"),
    "foundation_appointer": ("foundation_appointer_name", "foundation_governor_appointer",
                             "foundation_appointer"),
    "is_voluntary_aided": ("is_voluntary_aided", "voluntary_aided"),
    "appointing_authority": ("appropriate_appointing_authority", "appointing_authority_name",
                             "appointing_authority"),
    "notice_type": ("notice_type", "warning_notice_type"),
    "grounds": ("grounds", "grounds_detail", "grounds_text", "concerns", "matters_of_concern",
                "concern_details", "facts_and_circumstances"),
    "grounds_category": ("grounds_category", "grounds_type", "concern_category", "trigger"),
    "action_required": ("action_required", "required_action", "actions_required"),
    "compliance_days": ("compliance_period_working_days", "compliance_working_days",
                        "compliance_period_days"),
    "compliance_end_on": ("compliance_period_end_on", "compliance_period_end_stated_on", "compliance_end_on",
                          "compliance_period_ends_on", "compliance_due_on"),
    "notice_given_on": ("notice_given_on", "warning_notice_given_on", "notice_issued_on"),
    "minded_to": ("minded_to_take_action", "minded_action", "minded_to_action", "minded_to", "proposed_powers",
                  "powers_minded_to_use"),
    "powers_proposed": ("powers_proposed", "proposed_powers", "powers_to_use", "powers_to_exercise",
                        "minded_to_take_action"),
    "powers_from_on": ("powers_from_on", "powers_exercise_on", "proposed_exercise_on", "intended_on",
                       "proposed_on"),
    "notice_of_intention_given_on": ("notice_of_intention_given_on", "intention_notice_given_on"),
    "notice_days": ("reasonable_notice_working_days", "notice_period_working_days"),
    "non_compliance": ("non_compliance_reasons", "compliance_findings", "compliance_notes"),
    "ofsted_category": ("ofsted_category", "category_of_concern", "category", "inspection_outcome"),
    "inspection_on": ("inspection_on", "inspection_date", "inspected_on"),
    "report_received_on": ("report_received_on", "final_report_received_on", "report_published_on"),
    "statement_sent_on": ("statement_of_action_sent_on", "statement_sent_on"),
    "closure_scope": ("closure_federation_scope", "scope_for_closure_or_federation", "scope_for_closure"),
    "target_removal_months": ("target_removal_months",),
    "target_removal_on": ("target_removal_on", "target_removal_date", "target_exit_on"),
    "action_before": ("action_before_inspection", "prior_action", "action_taken_before"),
    "proposed_action": ("proposed_action", "la_proposed_action", "action_after_inspection", "la_action",
                        "action_proposed"),
    "action_timescale": ("action_timescale", "proposed_action_timescale", "timescale"),
    "reasons_no_action": ("reasons_for_not_acting", "reasons_no_action", "reasons_for_no_action"),
    "parent_arrangements": ("parent_arrangements", "parental_arrangements", "arrangements_for_parents",
                            "parents_arrangements", "parental_engagement"),
    "specified_person_appointed": ("is_specified_person_appointed", "specified_person_appointed",
                                   "appoint_specified_person", "is_parents_champion_appointed"),
    "specified_person_name": ("specified_person_name", "specified_person", "parents_champion_name",
                              "parents_champion"),
    "support": ("support_resources", "support_priorities", "la_support", "support"),
    "powers_to_use": ("powers_to_use", "proposed_powers", "powers_proposed", "minded_to_take_action"),
    "reasons_no_powers": ("reasons_no_powers", "reasons_for_not_using_powers"),
    "senior_adviser_name": ("senior_adviser_name", "senior_adviser"),
    "action_requested": ("action_requested", "response_requested", "action_required"),
    "response_due_on": ("response_due_on", "response_by_on", "reply_by_on"),
    "copy_to_dfe": ("copy_to_dfe", "is_escalated_to_dfe", "escalate_to_dfe"),
    "copy_to_ofsted": ("copy_to_ofsted", "is_escalated_to_ofsted"),
    "signatory_name": ("signatory_name", "signed_by_name", "signed_by"),
    "signatory_title": ("signatory_title", "signatory_role", "signed_by_title"),
    "copies_to": ("copies_to", "copy_to", "additional_copies", "other_recipients"),
}

#: Who signs by default (Derbyshire conventions), and the role-specific keys for the signer's name.
SIGNATORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "warning_notice": ("Cabinet Member for Children and Young People", ("cabinet_member_name",)),
    # WN-8: the notice of intention is given in the Cabinet Member's lane, so the Cabinet Member signs.
    "notice_of_intention": ("Cabinet Member for Children and Young People", ("cabinet_member_name",)),
    "statement_of_action": ("Director of Children's Services", ("dcs_name", "director_name")),
    "letter_of_concern": ("Strategic Director of Children's Services",
                          ("strategic_director_name", "dcs_name", "director_name")),
    **{kind: ("Cabinet Member for Children and Young People", ("cabinet_member_name",))
       for kind in ("s63_requirement", "s64_appointment", "ieb_notice", "s66_suspension")},
}

#: WN-8: letters signed in the name of the role in whose BPMN lane the step that issues them sits
#: (workflows.letters passes that role's name as `signatory_lane_title`); the defaults above are
#: the same roles, for a letter rendered outside a task.
LANE_SIGNED_KINDS = ("warning_notice", "notice_of_intention", "s63_requirement", "s64_appointment", "ieb_notice",
                     "s66_suspension")

#: The statutory contents of each letter, in the words the "MISSING: ..." placeholder uses.
REQUIRED: dict[str, dict[str, str]] = {
    "warning_notice": {
        "grounds_category": "the ground under section 60(2) on which the notice is given: low standards, a "
                            "serious breakdown in management or governance, or threatened safety",
        "grounds": "the matters on which the authority's concerns are based (the grounds), "
                   "in enough detail to show the facts",
        "action_required": "the action the governing body is required to take",
        "compliance_period": "the compliance period (a number of working days or an end date)",
        "minded_to": "the action the authority is minded to take under sections 63 to 66 "
                     "(64 to 66 for a section 60A notice) if the governing body does not comply",
    },
    "notice_of_intention": {
        "powers_proposed": "which of its powers under sections 63 to 66 the authority proposes to use",
        "powers_from_on": "when the authority proposes to use them",
    },
    "statement_of_action": {
        "proposed_action": "the action the authority proposes to take, or its reasons for not acting",
        "action_timescale": "the period within which the authority proposes to take that action",
        "parent_arrangements": "the arrangements for informing registered parents of the proposed "
                               "action and for finding out and taking into account their views",
        "specified_person": "whether the authority appoints a specified person for those arrangements",
    },
    "letter_of_concern": {
        "grounds_category": "the grounds: low standards, a breakdown in management or governance, "
                            "or threatened safety",
        "grounds": "the facts and circumstances giving rise to the concern, set out in detail",
        "signatory": "the name of the Strategic Director of Children's Services, who signs the letter",
    },
}

#: Grounds shorter than this are reported: the statute asks for "enough detail to show the facts".
#: A prompt to the officer, not a legal threshold.
MIN_DETAIL_WORDS = 12

HMCI = "His Majesty's Chief Inspector of Education, Children's Services and Skills (Ofsted)"

#: Section 60(2) grounds (and the Letter of Concern's local variant of (a)).
GROUNDS = {
    "standards": "the standards of performance of pupils at the school are unacceptably low and are "
                 "likely to remain so unless the authority exercises its powers",
    "governance": "there has been a serious breakdown in the way the school is managed or governed which "
                  "is prejudicing, or likely to prejudice, such standards of performance",
    "safety": "the safety of pupils or staff of the school is threatened, whether by a breakdown of "
              "discipline or otherwise",
    "pay_and_conditions": "the governing body has failed to comply, or to secure compliance by the head "
                          "teacher, with a provision of the School Teachers' Pay and Conditions Document "
                          "(an order under section 122 of the Education Act 2002) that applies to a "
                          "teacher at the school",
}
ACADEMY_STANDARDS = ("the standards of performance of pupils at the academy are unacceptably low and are "
                     "likely to remain so unless immediate action is taken to raise standards")

#: The authority's powers under EIA 2006 ss63-66, and the words the letters use for them.
POWERS = {
    "63": "require the governing body to enter into arrangements (section 63): to contract for advisory "
          "services from a specified person, to collaborate with the governing body of another school "
          "or with a further education body, or to take steps to create or join a federation",
    "64": "appoint additional governors (section 64)",
    "65": "replace the governing body with an interim executive board, with the consent of the "
          "Secretary of State (section 65 and Schedule 6)",
    "66": "suspend the governing body's right to a delegated budget (section 66)",
}
#: Yes/no form fields that choose a power, by section, for the item the letter reads: the choice is a
#: structured field, never section numbers read out of an officer's sentence.
POWER_FLAGS: dict[str, tuple[str, ...]] = {"63": ("use_s63_arrangements",), "64": ("use_s64_additional_governors",),
               "65": ("use_s65_interim_executive_board",), "66": ("use_s66_suspend_delegated_budget",)}
FLAGS_FOR_ITEM: dict[str, dict[str, tuple[str, ...]]] = {
    # The notice of intention's own boxes first; a later powers decision's boxes are the same powers.
    "powers_proposed": {code: (f"propose_{names[0].removeprefix('use_')}", *names) for code, names in POWER_FLAGS.items()},
    "minded_to": {"63": ("minded_s63_arrangements",), "64": ("minded_s64_additional_governors",),
                  "65": ("minded_s65_interim_executive_board",), "66": ("minded_s66_suspend_delegated_budget",)},
    "powers_to_use": {"63": ("soa_power_s63_arrangements",), "64": ("soa_power_s64_additional_governors",),
                      "65": ("soa_power_s65_interim_executive_board",),
                      "66": ("soa_power_s66_suspend_delegated_budget",)},
}
#: Yes/no form fields that name a s60(2) ground (or the s60A one).
GROUND_FLAGS = {"standards": ("ground_low_standards", "ground_standards"),
                "governance": ("ground_management_breakdown", "ground_governance"),
                "safety": ("ground_safety",), "pay_and_conditions": ("ground_pay_and_conditions",)}
#: Words an enum option id may use for a power instead of its section number.
POWER_WORDS = (("63", ("arrangement", "federat", "collaborat", "advisory")),
               ("64", ("additional_governor", "additional governor", "governors")),
               ("65", ("ieb", "interim")), ("66", ("budget", "delegat")))

CATEGORIES = {
    "special_measures": "requires special measures",
    "significant_improvement": "requires significant improvement",
}


def value(data: dict[str, Any], item: str) -> Any:
    """The first non-empty value among the item's alternative keys, or None."""
    for key in ALIASES.get(item, (item,)):
        found = data.get(key)
        if isinstance(found, str):
            found = found.strip()
        if found not in (None, "", [], {}):
            return found
    return None


def text(data: dict[str, Any], item: str) -> str | None:
    found = value(data, item)
    if found is None:
        return None
    if isinstance(found, list | tuple):
        return "\n".join(str(part) for part in found if part not in (None, ""))
    return str(found)


def flag(data: dict[str, Any], item: str) -> bool | None:
    """A yes/no answer from a boolean field, or from text a form may deliver instead."""
    for key in ALIASES.get(item, (item,)):
        found = data.get(key)
        if isinstance(found, bool):
            return found
        if isinstance(found, int | str):
            word = str(found).strip().lower()
            if word in ("true", "yes", "y", "1", "on"):
                return True
            if word in ("false", "no", "n", "0", "off"):
                return False
    return None


def day(data: dict[str, Any], item: str) -> date | None:
    """A date from the item's value (date, datetime or ISO text); None, never an error, for anything else."""
    return optional_date(value(data, item))


def count(data: dict[str, Any], item: str) -> int | None:
    found = value(data, item)
    if isinstance(found, bool):
        return None
    if isinstance(found, int):
        return found if found >= 0 else None
    if isinstance(found, str) and found.isdigit():
        return int(found)
    if isinstance(found, float) and found.is_integer() and found >= 0:
        return int(found)
    return None


def notice_type(data: dict[str, Any]) -> str:
    return "s60A" if "60a" in (text(data, "notice_type") or "").lower().replace(" ", "") else "s60"


def grounds_categories(data: dict[str, Any]) -> list[str]:
    """Which s60(2) grounds the case names, as keys of GROUNDS; any recognisable wording works."""
    found = value(data, "grounds_category")
    words = [str(part).lower() for part in (found if isinstance(found, list | tuple) else [found or ""])]
    joined = " ".join(words)
    result = [key for key, flags in GROUND_FLAGS.items() if any(flag(data, name) for name in flags)]
    for key, needles in (("standards", ("standard", "perform", "(a)")),
                         ("governance", ("govern", "manage", "leadership", "(b)")),
                         ("safety", ("safe", "discipline", "(c)")),
                         ("pay_and_conditions", ("pay", "stpcd", "60a"))):
        if key not in result and any(needle in joined for needle in needles):
            result.append(key)
    return sorted(result, key=list(GROUNDS).index)


def powers(found: Any) -> tuple[list[str], str | None]:
    """Section numbers (of 63-66) named by a form value, and any free text to quote as written.

    Sections are read only from a value that is nothing but a choice: a list of option ids, a bare
    list of sections ("s64, s65", "sections 64 and 66") or an enum option id ("s65_ieb",
    "appoint_additional_governors"). A sentence is quoted as written and never read for sections:
    "none at present; keep s63-s66 under review" proposes no power at all.
    """
    if found is None:
        return [], None
    items = [str(part) for part in found] if isinstance(found, list | tuple) else [str(found)]
    codes: list[str] = []
    prose = []
    for item in (part.strip() for part in items):
        only_sections = re.fullmatch(r"(?:[\s,;/&.]|and|or|ss?|sections?|6[3-6])*", item, flags=re.IGNORECASE)
        is_option_id = bool(item) and " " not in item
        numbers = re.findall(r"(?<![\d.])(6[3-6])(?!\d)", item) if (only_sections or is_option_id) else []
        if not numbers and is_option_id:
            numbers = [code for code, needles in POWER_WORDS if any(n in item.lower() for n in needles)][:1]
        codes.extend(code for code in numbers if code not in codes)
        if item and not only_sections and not (is_option_id and numbers):
            prose.append(item)
    return sorted(codes), "\n".join(prose) or None


def chosen_powers(data: dict[str, Any], item: str) -> tuple[list[str], str | None]:
    """The powers ticked in the item's checkboxes (FLAGS_FOR_ITEM) or given as a bare choice, and
    any words to quote as written."""
    codes, prose = powers(value(data, item))
    flags = FLAGS_FOR_ITEM.get(item, {})
    ticked = [code for code, names in flags.items() if any(flag(data, name) for name in names)]
    return sorted(set(codes) | set(ticked)), prose


def _signatory_name(kind: str, data: dict[str, Any]) -> str | None:
    """A name the form gives, else the one the case records for the signing role, else the officer
    who completed the step holding that role (workflows.letters.signed_by)."""
    name = text(data, "signatory_name")
    for key in SIGNATORIES[kind][1]:
        name = name or text({key: data.get(key)}, key)
    return name or text(data, "signatory_officer_name")


def signatory(kind: str, data: dict[str, Any]) -> tuple[str | None, str]:
    """Who signs: (name or None, title); the title defaults to the local convention for the kind."""
    lane = text(data, "signatory_lane_title") if kind in LANE_SIGNED_KINDS else None
    return _signatory_name(kind, data), text(data, "signatory_title") or lane or SIGNATORIES[kind][0]


def compliance_given(data: dict[str, Any]) -> bool:
    return count(data, "compliance_days") is not None or day(data, "compliance_end_on") is not None


def check_required_content(kind: str, data: dict[str, Any] | None) -> list[str]:
    """The statutory contents of the letter that the case data does not give, in words for officers."""
    return list(problems(kind, data or {}).values())


def problems(kind: str, data: dict[str, Any]) -> dict[str, str]:
    """Statutory contents missing (or not usable) from the data, by content item."""
    if kind not in REQUIRED:
        raise ValueError(f"unknown letter kind {kind!r}")
    found: dict[str, str] = {}
    required = REQUIRED[kind]
    if kind in ("warning_notice", "letter_of_concern"):
        grounds = text(data, "grounds")
        if grounds is None:
            found["grounds"] = required["grounds"]
        elif len(grounds.split()) < MIN_DETAIL_WORDS:
            found["grounds"] = (f"more detail of the facts behind the concerns (only {len(grounds.split())} "
                                "words given): " + required["grounds"])
    if kind == "warning_notice":
        found.update(_warning_notice_problems(data, required))
    elif kind == "notice_of_intention":
        codes, prose = chosen_powers(data, "powers_proposed")
        if not codes and not prose:
            found["powers_proposed"] = required["powers_proposed"]
        elif "63" in codes and notice_type(data) == "s60A":
            found["powers_proposed"] = "powers available after a section 60A notice: section 63 is not one"
        if day(data, "powers_from_on") is None and count(data, "notice_days") is None:
            found["powers_from_on"] = required["powers_from_on"]
    elif kind == "statement_of_action":
        found.update(_statement_problems(data, required))
    elif kind == "letter_of_concern":
        if not grounds_categories(data):
            found["grounds_category"] = required["grounds_category"]
        name, title = signatory(kind, data)
        if name is None:
            found["signatory"] = required["signatory"]
        elif "strategic director" not in title.lower():
            found["signatory"] = f"signature by the Strategic Director of Children's Services (not the {title})"
    return {item: found[item] for item in [*required, *found] if item in found}


def _warning_notice_problems(data: dict[str, Any], required: dict[str, str]) -> dict[str, str]:
    found = {}
    if notice_type(data) == "s60" and not set(grounds_categories(data)) - {"pay_and_conditions"}:
        found["grounds_category"] = required["grounds_category"]
    if text(data, "action_required") is None:
        found["action_required"] = required["action_required"]
    if not compliance_given(data):
        found["compliance_period"] = required["compliance_period"]
    codes, prose = chosen_powers(data, "minded_to")
    if not codes and not prose:
        found["minded_to"] = required["minded_to"]
    elif "63" in codes and notice_type(data) == "s60A":
        found["minded_to"] = ("action the authority may take after a section 60A notice: only sections "
                              "64 to 66 apply, not section 63")
    return found


def _statement_problems(data: dict[str, Any], required: dict[str, str]) -> dict[str, str]:
    found = {}
    acting = text(data, "proposed_action") is not None
    if not acting and text(data, "reasons_no_action") is None:
        found["proposed_action"] = required["proposed_action"]
    if acting and text(data, "action_timescale") is None and day(data, "target_removal_on") is None:
        found["action_timescale"] = required["action_timescale"]
    if text(data, "parent_arrangements") is None:
        found["parent_arrangements"] = required["parent_arrangements"]
    if flag(data, "specified_person_appointed") is None and text(data, "specified_person_name") is None:
        found["specified_person"] = required["specified_person"]
    return found
