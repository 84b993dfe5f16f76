"""Maintained coasting schools (EIA 2006 s60B; audit finding 11 / OC-8): the definition in force is chosen
by the day the Secretary of State notified the school, on both sides of each date it changed; LA powers
only under a recorded legal reading. Walked end to end, both with the workflow kept in memory and
restored from the database between steps."""
from __future__ import annotations

import pytest

from engine import runtime
from engine.forms import FormErrors
from tests.workflows.routes import at, complete, create_school, deploy_package, open_tasks
from workflows.maintained_coasting import PROCESS
from workflows.maintained_coasting import rules as coasting

URN = "830001"


@pytest.fixture
def route(session):
    deploy_package(session, PROCESS)
    create_school(session, URN)
    return session


@pytest.mark.parametrize("notified, definition", [
    ("2016-04-18", coasting.DEFINITION_BEFORE_2022),  # s60B's first day (inferred)
    ("2022-08-31", coasting.DEFINITION_BEFORE_2022),
    ("2022-09-01", coasting.DEFINITION_2022),         # SI 2022/720 in force
    ("2025-11-16", coasting.DEFINITION_2022),
    ("2025-11-17", coasting.DEFINITION_2025),         # SI 2025/1120 in force: report-card grades
])
def test_the_definition_is_chosen_by_the_day_of_the_notification(notified, definition):
    assert coasting.coasting_definition_in_force(notified) == definition


def test_before_s60b_there_is_no_coasting_eligibility():
    with pytest.raises(ValueError, match="s60B was not in force on 2016-04-17"):
        coasting.coasting_definition_in_force("2016-04-17")


NOTIFIED = {"coasting_notified_on": "2025-11-17", "coasting_basis": "Left special measures in 2025; achievement "
                                                                   "and attendance graded 'needs attention'."}
DECIDED = {"coasting_response_decided_on": "2025-12-01", "coasting_response_reasons": "Two additional governors."}


def start_and_record(session, notified: dict = NOTIFIED):
    case = runtime.start_instance(session, PROCESS.key, "officer@example.test", business_key=URN)
    assert case.data["coasting_la_powers_reading"] == "take_legal_advice_first"  # the default, on the case
    assert open_tasks(session, case) == [("record_coasting_notification", "deputy_assistant_director", None)]
    complete(session, case, "record_coasting_notification", notified)
    return case


def test_support_and_monitoring(route, save_restore):
    with at(2025, 11, 20, 9, 0):
        case = start_and_record(route)
        assert case.data["coasting_definition"] == coasting.DEFINITION_2025
        assert open_tasks(route, case) == [("decide_coasting_response", "director_childrens_services", None)]
        complete(route, case, "decide_coasting_response", {**DECIDED, "coasting_response": "support_and_monitor"})
    assert case.status == "completed" and open_tasks(route, case) == []


def test_powers_only_under_the_recorded_reading_that_they_are_available(route, save_restore):
    with at(2025, 11, 20, 9, 0):
        case = start_and_record(route)
        with pytest.raises(FormErrors) as refused:
            complete(route, case, "decide_coasting_response", {**DECIDED, "coasting_response": "use_la_powers"})
        assert list(refused.value.errors) == ["coasting_la_powers_reading"]
        assert open_tasks(route, case) == [("decide_coasting_response", "director_childrens_services", None)]
        complete(route, case, "decide_coasting_response", {**DECIDED, "coasting_response": "use_la_powers",
                                                           "coasting_la_powers_reading": "la_powers_available"})
        assert open_tasks(route, case) == [("record_coasting_powers_used", "case_manager", None)]
        complete(route, case, "record_coasting_powers_used", {"powers_used_summary": "Two additional governors (s64).",
                                                              "powers_used_on": "2025-12-08",
                                                              "dfe_notified_on": "2025-12-08"})
    assert case.status == "completed"


def test_a_notification_before_s60b_is_refused_and_changes_nothing(route):
    with at(2025, 11, 20, 9, 0):
        case = runtime.start_instance(route, PROCESS.key, "officer@example.test", business_key=URN)
        with pytest.raises(FormErrors) as refused:
            complete(route, case, "record_coasting_notification", {**NOTIFIED, "coasting_notified_on": "2016-04-17"})
        assert refused.value.errors == {"coasting_notified_on": "EIA 2006 s60B was not in force on 2016-04-17 "
                                                                "(from 18 Apr 2016)"}
        assert open_tasks(route, case) == [("record_coasting_notification", "deputy_assistant_director", None)]


def test_every_user_task_has_a_form_a_role_matching_its_lane_and_a_legal_source():
    from tests.workflows.test_deadline_rules_wn_ofsted import check_model_conventions

    check_model_conventions(PROCESS)
