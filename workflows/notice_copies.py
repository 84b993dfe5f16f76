"""Who must receive a copy of a notice, worked out from the school and the notice date.

One rule serves both the letter (its "Copies to" list) and the task that records the copies going
out (which cannot be completed without a date for each copy required here), so the two never
disagree. The school facts come from the schools register through the case data
(`workflows.schools.school_facts`: diocese_name, has_foundation, is_voluntary_aided); the regime
is chosen by the day the notice is given, never by today.

Two recipients rest on a reading the domain notes could not verify, so each is a per-case legal
reading with a default (the safer one: send the copy), recorded on the case by the officer:
- `sos_copy_reading`: that s60(6A) (from 18 Apr 2016) names the Secretary of State is inferred;
- `s60a_hmci_copy_reading`: that s60A(6) as inserted in 2009 names HMCI was not verified.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from .letter_rules import HMCI, day, flag, notice_type, text, value

#: EAA 2016 s2-3, commenced by SI 2016/466 reg 2: the copy to the Secretary of State (s60(6A)).
EAA_2016_IN_FORCE_ON = date(2016, 4, 18)

SECRETARY_OF_STATE = "The Secretary of State for Education (through the DfE regional director)"
FOUNDATION_APPOINTER = "The person who appoints the foundation governors"

#: Per-case readings: the data key, the default, and the value that drops the copy.
READINGS = {"sos_copy_reading": "copy", "s60a_hmci_copy_reading": "copy"}


@dataclass(frozen=True)
class Copy:
    """One required copy: who, why (the legal source), and the copies task's date field for it."""

    name: str
    basis: str
    field: str | None = None


def reading(data: dict[str, Any], key: str) -> str:
    """The case's recorded reading, or its default when none was recorded."""
    return text(data, key) or READINGS[key]


def mid_sentence(name: str) -> str:
    """'The Diocese of Derby' as it reads after 'sent to'."""
    return re.sub(r"^The ", "the ", name)


def _person(name: str | None, role_words: str, fallback: str) -> str:
    return f"{name}, {role_words}" if name else fallback


def church_or_foundation(data: dict[str, Any], basis: str, field_prefix: str = "copy_to_") -> list[Copy]:
    """The appropriate diocesan authority of a church school, else a foundation's appointer.

    Domain note §1.4 step 4: the diocesan authority for Church of England and Roman Catholic
    foundation or voluntary schools (a diocese recorded in the register), the person who appoints
    the foundation governors for any other school with a foundation.
    """
    diocese = text(data, "diocese_name")
    if diocese:
        return [Copy(f"{diocese} (the appropriate diocesan authority)", basis, f"{field_prefix}diocese_on")]
    if flag(data, "has_foundation"):
        return [Copy(text(data, "foundation_appointer") or FOUNDATION_APPOINTER, basis,
                     f"{field_prefix}foundation_appointer_on")]
    return []


def warning_notice_copies(data: dict[str, Any]) -> list[Copy]:
    """The copies EIA 2006 s60(6) (s60A(6)) and, from 18 Apr 2016, s60(6A) require for this notice."""
    section = "EIA 2006 s60A" if notice_type(data) == "s60A" else "EIA 2006 s60"
    copies = [Copy(_person(text(data, "headteacher_name"), "headteacher", "The headteacher"), f"{section}(6)",
                   "copy_to_headteacher_on")]
    if section.endswith("s60"):
        copies.append(Copy(HMCI, "EIA 2006 s60(6) (duty to copy to HMCI since 1 Apr 2007)", "copy_to_hmci_on"))
    elif reading(data, "s60a_hmci_copy_reading") == "copy":
        copies.append(Copy(HMCI, "EIA 2006 s60A(6) (HMCI as recipient not verified: per-case reading, "
                                 "default copy)", "copy_to_hmci_on"))
    copies += church_or_foundation(data, f"{section}(6)")
    given = day(data, "notice_given_on")
    amended = given is None or given >= EAA_2016_IN_FORCE_ON  # no date yet: the law in force now
    if amended and reading(data, "sos_copy_reading") == "copy":
        copies.append(Copy(SECRETARY_OF_STATE, f"{section}(6A), from 18 Apr 2016 (EAA 2016 s2-3, SI 2016/466); "
                                               "recipient inferred: per-case reading, default copy",
                           "copy_to_secretary_of_state_on"))
    return copies


def statement_of_action_copies(data: dict[str, Any]) -> list[Copy]:
    """EA 2005 s15(2)(e): for a voluntary aided school, its foundation appointer and appointing authority."""
    if not flag(data, "is_voluntary_aided"):
        return []
    basis = "EA 2005 s15(2)(e) (voluntary aided school)"
    appointer = text(data, "foundation_appointer") or FOUNDATION_APPOINTER
    authority = text(data, "appointing_authority") or "The appropriate appointing authority"
    copies = [Copy(appointer, basis, "statement_to_foundation_appointer_on")]
    if authority != appointer:
        copies.append(Copy(authority, basis + ", if different", "statement_to_appointing_authority_on"))
    return copies


#: The copies rule of each letter that has statutory copies, by the letter kind.
COPIES = {"warning_notice": warning_notice_copies, "statement_of_action": statement_of_action_copies}


def missing_copies(kind: str, data: dict[str, Any]) -> dict[str, str]:
    """Problems by field for a copies task: a required copy with no date, or dated before the notice."""
    given = day(data, "notice_given_on") if kind == "warning_notice" else None
    found = {}
    for copy in COPIES[kind](data):
        if copy.field is None:
            continue
        sent = day(data, copy.field)
        if sent is None:
            found[copy.field] = (f"Enter the date the copy was sent to {mid_sentence(copy.name)}: this "
                                 f"notice must be copied to them ({copy.basis})")
        elif given is not None and sent < given:
            found[copy.field] = (f"The copy to {mid_sentence(copy.name)} cannot be sent before the "
                                 f"notice was given on {given:%-d %B %Y}")
    return found


# -- every recipient of a letter, for the letter itself ---------------------------------------------

def copies_requested(data: dict[str, Any]) -> list[dict[str, str]]:
    """Extra copies the officer asked for (a list, or one per line)."""
    found = value(data, "copies_to")
    if isinstance(found, str):
        found = re.split(r"[\n;]", found)
    result = []
    for entry in found or []:
        name = entry.get("name") if isinstance(entry, dict) else entry
        if name and str(name).strip():
            result.append({"name": str(name).strip(), "role": "copy", "basis": "Requested for this case"})
    return result


def _as_rows(copies: list[Copy]) -> list[dict[str, str]]:
    return [{"name": copy.name, "role": "copy", "basis": copy.basis} for copy in copies]


def _letter_of_concern(data: dict[str, Any], school: str, head: str) -> list[dict[str, str]]:
    trust = text(data, "trust_name")
    result = [{"name": f"The board of trustees of {trust}" if trust else f"The governing body of {school}",
               "role": "addressee", "basis": "Local protocol for academies"},
              {"name": head, "role": "copy", "basis": "Local protocol for academies"},
              *_as_rows(church_or_foundation(data, "Local protocol (church academy)"))]
    if flag(data, "copy_to_dfe"):
        result.append({"name": "The regional director (DfE Regions Group), for the Secretary of State",
                       "role": "copy", "basis": "Escalation under the local protocol"})
    if flag(data, "copy_to_ofsted"):
        result.append({"name": HMCI, "role": "copy", "basis": "Escalation under the local protocol"})
    return result


def recipients(kind: str, data: dict[str, Any]) -> list[dict[str, str]]:
    """Who the letter goes to ("addressee") and who gets copies ("copy"), with the basis of each."""
    data = data or {}
    school = text(data, "school_name") or "the school"
    head = _person(text(data, "headteacher_name"), "headteacher", "The headteacher")
    governing_body = f"The governing body of {school}"
    if kind == "warning_notice":
        section = "EIA 2006 s60A" if notice_type(data) == "s60A" else "EIA 2006 s60"
        result = [{"name": governing_body, "role": "addressee", "basis": f"{section}(4)"},
                  *_as_rows(warning_notice_copies(data))]
    elif kind == "notice_of_intention":  # no statutory copies: local practice and the consultees
        result = [{"name": governing_body, "role": "addressee", "basis": "EIA 2006 s60(1)(d)"},
                  {"name": head, "role": "copy", "basis": "Local practice"},
                  *_as_rows(church_or_foundation(data, "Consulted before ss63 and 65 are used")),
                  {"name": SECRETARY_OF_STATE, "role": "copy",
                   "basis": "DfE asks to be told when powers are used (statutory basis not found)"}]
    elif kind == "statement_of_action":
        result = [{"name": HMCI, "role": "addressee", "basis": "EA 2005 s15(2)"},
                  *_as_rows(statement_of_action_copies(data))]
    elif kind == "letter_of_concern":
        result = _letter_of_concern(data, school, head)
    else:
        raise ValueError(f"unknown letter kind {kind!r}")
    return result + copies_requested(data)
