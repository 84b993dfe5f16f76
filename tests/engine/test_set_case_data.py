"""engine.corrections.set_case_data: a case in error has a value corrected, with the reason audited, and then retries."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from engine import corrections, definitions, runtime
from engine.errors import Conflict, InvalidInput
from engine.models import AuditEvent

from .conftest import open_tasks

ROUTE = Path(__file__).resolve().parent.parent / "fixtures" / "web" / "error_route.bpmn"


@pytest.fixture
def errored(session):
    definitions.deploy(session, ROUTE.read_text(encoding="utf-8"), "owner")
    case = runtime.start_instance(session, "error_route", "officer")
    runtime.complete_task(session, open_tasks(session, case.id)[0].id, "officer",
                          {"compliance_days": -5, "notes": "given by hand"})
    assert case.status == "error" and "work_out_period" in case.error_message
    return case


def test_a_corrected_value_is_audited_with_old_new_reason_and_who(session, errored):
    corrections.set_case_data(session, errored.id, "manager@test", {"compliance_days": 15}, "typed -5 for 15")
    assert errored.data["compliance_days"] == 15 and errored.status == "error"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "data_corrected"))
    assert event.actor == "manager@test"
    assert event.data == {"changes": [{"field": "compliance_days", "old": -5, "new": 15}], "reason": "typed -5 for 15"}
    assert "compliance_days: -5 → 15" in event.detail and "typed -5 for 15" in event.detail


def test_after_the_correction_a_retry_runs_on(session, errored):
    corrections.set_case_data(session, errored.id, "manager@test", {"compliance_days": 15}, "typed -5 for 15")
    runtime.retry_instance(session, errored.id, "manager@test")
    assert errored.status == "running" and errored.data["period_ends_after"] == 15
    assert [t.bpmn_id for t in open_tasks(session, errored.id)] == ["review"]


def test_the_failed_step_is_named(session, errored):
    assert corrections.failed_steps(errored) == [("work_out_period", "Work out the compliance period")]


@pytest.mark.parametrize(("values", "reason", "message"), [
    ({"compliance_days": 15}, "  ", "reason"),
    ({}, "a reason", "at least one value"),
    ({"no such field": 1}, "a reason", "not a name"),
])
def test_a_correction_without_reason_or_value_changes_nothing(session, errored, values, reason, message):
    with pytest.raises(InvalidInput, match=message):
        corrections.set_case_data(session, errored.id, "manager@test", values, reason)
    assert errored.data["compliance_days"] == -5
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "data_corrected")) is None


def test_only_a_case_in_error_is_corrected_this_way(session, errored):
    corrections.set_case_data(session, errored.id, "manager@test", {"compliance_days": 15}, "typo")
    runtime.retry_instance(session, errored.id, "manager@test")
    with pytest.raises(Conflict, match="not in error"):
        corrections.set_case_data(session, errored.id, "manager@test", {"compliance_days": 20}, "again")
