"""Intervention in a pupil referral unit in a category of concern (or coasting)."""
from __future__ import annotations

from workflows.registry import ProcessPackage

from . import rules

PROCESS = ProcessPackage(
    key="pru_intervention",
    title="Pupil referral unit: intervention",
    summary=(
        "Pupil referral units are maintained by the local authority but are not maintained schools for the "
        "intervention powers of the Education and Inspections Act 2006; regulations apply them. When HMCI judges "
        "a unit to require special measures or significant improvement (or, from 1 Sep 2022, it is coasting: "
        "SI 2022/720 reg 5), the regional director decides for the Secretary of State between an academy order "
        "converting it into an alternative provision academy (SI 2007/2979 Sch 1 paras 23B-23F; a duty for the "
        "two categories from 27 Jun 2016 under SI 2016/608, whose survival after the Children's Wellbeing and "
        "Schools Act 2026 s58 from 29 Jun 2026 is an open question the case records), a management committee of "
        "interim executive members (SI 2007/2978 reg 24 and Sch 4) or, for special measures only, a direction to "
        "close (EIA 2006 s68 applied by SI 2007/2979 Sch 1 para 23). When an order is made the authority and the "
        "management committee must facilitate conversion. The authority's own quality assurance (the QA "
        "document, regular progress meetings and visits, as in Trafford's framework) continues until the unit "
        "leaves its category, converts or closes."
    ),
    applies_to=("pru",),
    deadlines=rules.deadlines,
)


def register_with_engine() -> None:
    from engine.hooks import register_start_data_hook
    from engine.scripting import register_function

    for function in (rules.pru_eligible_for_intervention, rules.pru_academy_order_status, rules.pru_route_allowed,
                     rules.pru_route_refusal, rules.pru_date_after):
        register_function(function.__name__, function)
    register_start_data_hook(rules.apply_start_defaults)
