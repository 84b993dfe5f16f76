"""The local authority's Letter of Concern route for an academy (local, non-statutory)."""
from __future__ import annotations

from workflows.registry import ProcessPackage

from . import rules

PROCESS = ProcessPackage(
    key="academy_letter_of_concern",
    title="Academy: Letter of Concern (local authority)",
    summary=(
        "Academies answer to the Secretary of State, not to the local authority, so the authority has no "
        "statutory power to issue them a warning notice. Under its own protocol (Derbyshire's procedures for "
        "schools causing concern) the authority discusses a concern with the headteacher and governors, "
        "confirms the agreed concerns in writing and asks the academy what it will do by a date it sets, may "
        "make representations to the academy trust's board and, where the concern is persistent or too "
        "serious to resolve locally, escalates it to the regional director (DfE Regions Group), Ofsted or "
        "the Secretary of State. It may issue a Letter of Concern, signed by the Strategic Director of "
        "Children's Services, setting out in detail the facts and circumstances behind the concern on the "
        "grounds that mirror Education and Inspections Act 2006 s60(2): unacceptably low standards, a "
        "serious breakdown of management or governance, or a threat to safety. No period for the "
        "academy's reply was found in the protocol or in law, so the authority sets it per case."
    ),
    applies_to=("academy",),
    deadlines=rules.deadlines,
)


def register_with_engine() -> None:
    from engine.scripting import register_function

    register_function("loc_response_due_on", rules.loc_response_due_on)
