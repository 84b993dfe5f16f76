"""Complete notices, continued: the statement of action (EA 2005 s15(2)) and the Letter of Concern
(local protocol) cannot be issued with a content missing or contradicting the case; a refusal
changes nothing."""
from __future__ import annotations

import pytest

from engine.forms import FormErrors
from tests.workflows.routes import at, complete, deploy_package, open_tasks, task_row
from tests.workflows.test_ofsted_category_response import STATEMENT, URN
from tests.workflows.test_ofsted_category_response import start as start_ofsted
from workflows import letters
from workflows.ofsted_category_response import PROCESS as OFSTED


@pytest.fixture
def statement_due(session):
    """A special measures case started at the final report, received Fri 12 Dec 2025."""
    from tests.workflows.routes import create_school

    deploy_package(session, OFSTED)
    create_school(session, URN)
    with at(2025, 12, 15, 9, 0):
        return start_ofsted(session, {"category": "special_measures", "final_report_received_on": "2025-12-12"})


def refuse(session, case, bpmn_id: str, data: dict) -> dict[str, str]:
    tasks, version = open_tasks(session, case), case.lock_version
    with pytest.raises(FormErrors) as error:
        complete(session, case, bpmn_id, data)
    assert open_tasks(session, case) == tasks and case.lock_version == version
    assert task_row(session, case, bpmn_id).is_open
    assert letters.letters_for_case(session, case.id) == []
    return error.value.errors


def test_a_statement_sent_before_the_final_report_was_received_is_refused(session, statement_due):
    errors = refuse(session, statement_due, "send_statement_of_action",
                    {**STATEMENT, "statement_of_action_sent_on": "2025-12-11"})
    assert errors == {"statement_of_action_sent_on": "The statement of action cannot be sent before the final "
                                                     "report was received (12 December 2025)"}


def test_a_statement_with_blank_parent_arrangements_is_refused(session, statement_due):
    errors = refuse(session, statement_due, "send_statement_of_action", {**STATEMENT, "parental_arrangements": " "})
    assert list(errors) == ["parental_arrangements"]
    assert errors["parental_arrangements"].startswith("The statement of action must state the arrangements for "
                                                      "informing registered parents")


def test_a_complete_statement_is_sent_with_its_letter(session, statement_due):
    with at(2025, 12, 29, 9, 0):
        complete(session, statement_due, "send_statement_of_action", STATEMENT)
    assert [x.kind for x in letters.letters_for_case(session, statement_due.id)] == ["statement_of_action"]
    assert "send_statement_of_action" not in [t[0] for t in open_tasks(session, statement_due)]
