"""Warning notices given by the Secretary of State to a maintained school (EIA 2006 s60(4A)/(4B)):
a small region-owned route that records the notice, ends the authority's own warning-notice case for
the school, and bars a new one until the Secretary of State says the authority may give one."""
from __future__ import annotations

from workflows.registry import ProcessPackage

from . import rules

PROCESS = ProcessPackage(
    key=rules.PROCESS_KEY,
    title="Maintained school: warning notice given by the Secretary of State (EIA 2006 s60(4A)/(4B))",
    summary=(
        "Since 18 April 2016 the Secretary of State, acting through the regional director, may give a "
        "warning notice to the governing body of a maintained school (Education and Inspections Act 2006 s60 "
        "as amended by the Education and Adoption Act 2016 s2). Once the authority is notified of it, the "
        "authority may not give its own warning notice unless or until the Secretary of State says it may "
        "(s60(4A)), and any earlier notice the authority gave ceases to have effect (s60(4B)). The regional "
        "director records the notice here: the authority's open warning-notice case for the school ends, "
        "with the reason in its audit log, and a new one is refused until the permission is recorded."
    ),
    applies_to=("maintained",),
    extra={"owner": "region"},
)


def register_with_engine() -> None:
    from engine.hooks import register_start_hook, register_task_completed_hook, register_task_validation_hook

    register_start_hook(rules.refuse_authority_notice_while_barred)
    register_task_validation_hook(rules.check_permission_recorded)
    register_task_completed_hook(rules.end_authority_cases)
