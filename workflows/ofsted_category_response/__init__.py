"""A maintained school judged by Ofsted to need special measures or significant improvement: from
the inspection to the statement of action, the academy order decision, monitoring and exit."""
from __future__ import annotations

from workflows.registry import ProcessPackage

from . import case_warnings, rules

PROCESS = ProcessPackage(
    key="ofsted_category_response",
    title="Maintained school in an Ofsted category of concern (EA 2005 s13-s15)",
    summary=(
        "When HMCI is of the opinion that a maintained school requires special measures or requires "
        "significant improvement (Education Act 2005 s44), the school becomes eligible for intervention "
        "(Education and Inspections Act 2006 ss61-62). The officer records the category HMCI stated; the "
        "inspection's grades, worked through the framework in force on the inspection date (overall effectiveness "
        "and leaders' capacity until 1 September 2024, key judgements and safeguarding from 2 September 2024, "
        "report-card grades from 10 November 2025), are a cross-check that warns when they disagree. The route "
        "follows the draft report and the governing body's comments (s13(2)), the final report and its copies to parents, and the local authority's statement of action "
        "to HMCI within the prescribed period, generally 10 working days (s15), with a copy to the foundation "
        "governors' appointer of a voluntary aided school. In parallel the regional director decides on an "
        "academy order: a duty only where HMCI's notice came before 29 June 2026 and an order was made by 28 "
        "June 2026 (Academies Act 2010 s4(A1) and the transitional rule), otherwise a discretionary power "
        "(s4(1)(b), Children's Wellbeing and Schools Act 2026 s58). The "
        "authority may use its intervention powers (ss63-66) at any time with no two-month limit, reviews "
        "progress at School Progress Reviews at least three times a year, and keeps the school in its "
        "follow-up programme for at least 12 months after HMCI removes the category (local practice)."
    ),
    applies_to=("maintained",),
    deadlines=rules.deadlines,
    dmn_files=("ofsted_category.dmn",),
    extra={"start_form": {"fields": [
        {"id": "category", "type": "enum", "label": "If the final report is already in, the category it gives",
         "options": [{"id": "special_measures", "name": "Special measures"},
                     {"id": "requires_significant_improvement", "name": "Requires significant improvement"}],
         "properties": {"hint": "Leave blank to start when the inspection happens and work the category out "
                                "from the grades"}, "validation": {}},
        {"id": "final_report_received_on", "type": "date", "label": "Day the final report was received",
         "properties": {"hint": "The statement of action is due 10 working days later. For example, 12 12 2025"},
         "validation": {}},
    ]}},
)


def register_with_engine() -> None:
    from engine.hooks import register_start_data_hook, register_start_hook, register_task_data_hook
    from engine.scripting import register_function

    for function in (rules.inspection_framework, rules.count_graded, rules.academy_order_regime,
                     rules.statement_of_action_due_on, rules.progress_review_due_on,
                     case_warnings.ofsted_category_cross_check, case_warnings.ofsted_category_term,
                     case_warnings.academy_order_step_warnings):
        register_function(function.__name__, function)
    register_start_data_hook(rules.apply_start_defaults)
    register_start_hook(rules.copy_recorded_holidays)
    register_task_data_hook(rules.refresh_holidays)
