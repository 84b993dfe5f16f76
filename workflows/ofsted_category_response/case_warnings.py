"""Warnings the Ofsted category route puts on a case: where HMCI's stated category and the grades
disagree (audit OC-2), and where a made academy order's consultation or copies are not recorded (OC-6).

They warn rather than refuse: HMCI's opinion decides the category (EA 2005 s13(3)), and the academy
order is the Secretary of State's act, which the authority's case only records.
"""
from __future__ import annotations

from typing import Any

from workflows.deadline_terms import format_day, optional_date

from .rules import REPORT_CARDS_FROM

_CATEGORY_NAMES = {"special_measures": "special measures",
                   "requires_significant_improvement": "requires significant improvement", "none": "no category"}


def ofsted_category_cross_check(category: Any, graded_category: Any, category_reason: Any,
                                legal_warnings: Any = None) -> list[str]:
    """The case's warnings, with one added where HMCI's stated category and the grades disagree (OC-2).

    HMCI's opinion decides (EA 2005 s13(3), s44); the grades are worked through a table whose rows are
    partly unsourced (2 Sep 2024 - 9 Nov 2025 asks no capacity question), so a disagreement is a
    prompt to check what was recorded, not a refusal.
    """
    warnings = [w for w in (legal_warnings or []) if isinstance(w, str)]
    if graded_category in (None, "") or graded_category == category:
        return warnings
    reason = f" ({category_reason})" if category_reason else ""
    warnings.append(f"HMCI stated {_CATEGORY_NAMES.get(category, category)}, but the grades recorded give "
                    f"{_CATEGORY_NAMES.get(graded_category, graded_category)}{reason} under the framework in force on "
                    "the inspection date. HMCI's category stands (EA 2005 s13(3)); check the grades and the report.")
    return warnings


def ofsted_category_term(category: Any, inspection_date: Any) -> str:
    """Ofsted's own words for the category on the inspection date ("serious weaknesses" until 9 Nov 2025)."""
    if category == "special_measures":
        return "special measures"
    if category != "requires_significant_improvement":
        return ""
    day = optional_date(inspection_date)
    if day is not None and day < REPORT_CARDS_FROM:
        return "serious weaknesses"
    return "requires significant improvement"


def academy_order_step_warnings(academy_order_made_on: Any, has_foundation: Any, order_consultation_on: Any,
                                order_copies_sent_on: Any, legal_warnings: Any = None) -> list[str]:
    """The case's warnings, with any about a made order's consultation (s4(1A)) or copies (s4(4)) added."""
    warnings = [w for w in (legal_warnings or []) if isinstance(w, str)]
    made_on = optional_date(academy_order_made_on)
    if made_on is None:
        return warnings
    consulted_on = optional_date(order_consultation_on)
    if has_foundation is True and consulted_on is None:
        warnings.append("The school has a foundation: the trustees, the foundation appointer and the religious body "
                        "must be consulted before an academy order is made (Academies Act 2010 s4(1A)); no "
                        "consultation is recorded.")
    elif consulted_on is not None and consulted_on > made_on:
        warnings.append(f"The consultation ({format_day(consulted_on)}) is recorded after the academy order "
                        f"({format_day(made_on)}); s4(1A) requires it before the order is made.")
    if optional_date(order_copies_sent_on) is None:
        warnings.append("No date is recorded for the copies of the academy order to the governing body, headteacher "
                        "and authority (and the trustees, appointer and religious body where relevant): "
                        "Academies Act 2010 s4(4).")
    return warnings
