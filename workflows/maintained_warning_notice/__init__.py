"""Maintained school warning notice (EIA 2006 s60 performance standards and safety; s60A pay and
conditions): from the informal stage to the powers the authority may use if the notice is not heeded."""
from __future__ import annotations

from workflows.registry import ProcessPackage

from . import checks, rules

PROCESS = ProcessPackage(
    key="maintained_warning_notice",
    title="Maintained school: warning notice (EIA 2006 s60/s60A)",
    summary=(
        "A local authority may give the governing body of a maintained school a warning notice when it is "
        "satisfied that pupils' standards are unacceptably low, that there has been a serious breakdown in "
        "the way the school is managed or governed, or that the safety of pupils or staff is threatened "
        "(Education and Inspections Act 2006 s60(2)), or that the governing body has failed to comply with "
        "the teachers' pay and conditions order (s60A). The route runs from the authority's informal stage "
        "(discussion with the link adviser and written confirmation of concerns, local practice) through "
        "the Director of Children's Services' recommendation and the Cabinet Member's decision to the notice "
        "itself, which sets out the grounds, the action required, the compliance period and the action the "
        "authority is minded to take, with copies to the headteacher, HMCI, the diocese or foundation "
        "appointer and the Secretary of State. Since 18 April 2016 (Education and Adoption Act 2016 s2) "
        "the authority sets the compliance period in each notice (15 working days is only a default) and the "
        "governing body can no longer make representations to Ofsted; older notices are counted under the "
        "old rule. If the governing body does not comply, the authority gives reasonable notice in writing "
        "and may then, within two months after the compliance period ends, require arrangements (s63, not "
        "for s60A), appoint additional governors (s64), replace the governing body with an interim "
        "executive board with the Secretary of State's consent (s65) or suspend the delegated budget (s66), "
        "and tells the DfE of any power it uses. A warning notice given by the Secretary of State ends the "
        "authority's case and bars a new one until the Secretary of State says the authority may (s60(4A)/(4B))."
    ),
    applies_to=("maintained",),
    deadlines=rules.deadlines,
    extra={"start_form": {"fields": [
        {"id": "notice_given_on", "type": "date", "label": "If a warning notice has already been given, the day it was given",
         "properties": {"hint": "Leave blank to start at the informal stage. For example, 18 12 2025"},
         "validation": {}},
        {"id": "notice_type", "type": "enum", "label": "Which notice was given",
         "options": [{"id": "s60", "name": "Section 60: performance standards and safety"},
                     {"id": "s60A", "name": "Section 60A: teachers' pay and conditions"}],
         "validation": {}, "properties": {}},
        {"id": "compliance_period_working_days", "type": "long",
         "label": "Compliance period the notice set, in working days",
         "properties": {"hint": "Leave blank for 15 working days, the usual period (since 18 April 2016 the "
                                "notice sets it)", "error_noun": "a compliance period", "unit": "working days"},
         "validation": {"min": "1", "max": "200"}},
        {"id": "legacy_compliance_reading", "type": "enum",
         "label": "For a notice given before 18 April 2016: how the compliance period is read",
         "options": [{"id": rules.LEGACY_READING_NOTICE_PERIOD,
                      "name": "The period the notice set, never ending before the 15-working-day initial period "
                              "(the safer reading; the default)"},
                     {"id": rules.LEGACY_READING_INITIAL_PERIOD,
                      "name": "The 15-working-day initial period itself"}],
         "properties": {"hint": "EIA 2006 s60(1)(d) as enacted refers to a compliance period 'as defined by "
                                "subsection (10)'; that text was not verified, so this is a legal reading for "
                                "the authority. Ignored for notices from 18 April 2016"},
         "validation": {}},
    ]}},
)


def register_with_engine() -> None:
    from engine.hooks import register_start_data_hook, register_task_validation_hook
    from engine.scripting import register_function

    for function in (rules.warning_notice_regime, rules.warning_notice_compliance_end,
                     rules.warning_notice_initial_end):
        register_function(function.__name__, function)
    register_start_data_hook(rules.apply_start_defaults)
    register_task_validation_hook(checks.check_submission)
