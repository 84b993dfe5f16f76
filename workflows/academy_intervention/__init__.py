"""The regional director's intervention in an academy trust: notice to improve, termination warning notice."""
from __future__ import annotations

from workflows.registry import ProcessPackage

from . import rules

PROCESS = ProcessPackage(
    key="academy_intervention",
    title="Academy: regional director's intervention",
    summary=(
        "The Secretary of State, acting through the regional director and DfE Regions Group, intervenes in an "
        "academy trust under its funding agreement. A notice to improve sets conditions and removes delegated "
        "freedoms for failures of financial management, governance or compliance (Academy Trust Handbook 2025 "
        "para 6.17: since 1 Sep 2025 educational performance is no longer a ground); the trust publishes it on "
        "its website. A termination warning notice, for an academy in a category of concern (Academies Act 2010 "
        "s2A), a coasting academy (s2B, both inserted by the Education and Adoption Act 2016 from 18 Apr 2016) "
        "or another breach of the funding agreement, requires action and representations by dates it sets; the "
        "regional director then withdraws it, sets conditions, or terminates the funding agreement and transfers "
        "the academy to a new trust or closes it. The publication period (14 days) and the representations "
        "period (15 working days) come from older practice and are set per case."
    ),
    applies_to=("academy",),
    deadlines=rules.deadlines,
    extra={"owner": "region"},
)


def register_with_engine() -> None:
    from engine.hooks import register_start_data_hook
    from engine.scripting import register_function

    for function in (rules.academy_nti_ground_allowed, rules.academy_nti_refusal, rules.academy_twn_legal_basis,
                     rules.academy_nti_publication_due, rules.academy_representations_due,
                     rules.academy_termination_allowed, rules.academy_termination_refusal):
        register_function(function.__name__, function)
    register_start_data_hook(rules.apply_start_defaults)
