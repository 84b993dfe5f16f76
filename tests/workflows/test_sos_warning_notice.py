"""Warning notices given by the Secretary of State (EIA 2006 s60(4A)/(4B), audit WN-1): recording one
ends the authority's own warning-notice case for the school, with the reason audited, and bars a new
one until the Secretary of State says the authority may. Walked through the real engine, both with
the workflow kept in memory and restored from the database between steps."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import runtime
from engine.errors import InvalidInput
from engine.forms import FormErrors
from engine.models import AuditEvent, ProcessInstance
from tests.workflows.routes import at, complete, create_school, deploy_package, open_tasks, pending_timers
from tests.workflows.test_maintained_warning_notice import INFORMAL
from workflows.gias import region_for
from workflows.maintained_warning_notice import PROCESS as AUTHORITY_ROUTE
from workflows.sos_warning_notice import PROCESS

URN, OTHER_URN = "830001", "830002"
SOS_NOTICE = {"sos_notice_given_on": "2026-05-04", "authority_notified_on": "2026-05-05",
              "sos_notice_matters": "Pupils' safety is threatened by a breakdown of discipline."}


@pytest.fixture
def routes(session):
    deploy_package(session, PROCESS)
    deploy_package(session, AUTHORITY_ROUTE)
    create_school(session, URN)
    create_school(session, OTHER_URN)
    return session


def authority_case(session, urn: str = URN, **data) -> ProcessInstance:
    return runtime.start_instance(session, AUTHORITY_ROUTE.key, "officer@example.test", business_key=urn,
                                  data=data or None)


def record_sos_notice(session, urn: str = URN) -> ProcessInstance:
    case = runtime.start_instance(session, PROCESS.key, "rd@example.test", business_key=urn)
    assert case.owner == region_for("830")  # the region's case, not the authority's
    assert open_tasks(session, case) == [("record_sos_warning_notice", "regional_director", None)]
    complete(session, case, "record_sos_warning_notice", SOS_NOTICE, "rd@example.test")
    assert open_tasks(session, case) == [("record_authority_permission", "regional_director", None)]
    return case


def audit_details(session, case, action: str) -> list[str]:
    session.flush()
    return list(session.scalars(select(AuditEvent.detail).where(AuditEvent.instance_id == case.id,
                                                                AuditEvent.action == action)))


def test_an_authority_notice_ceases_to_have_effect_when_the_sos_gives_one(routes, save_restore):
    """s60(4B): the authority's notice (given Thu 18 Dec 2025, waiting on its compliance period) ends
    with its timer; the other school's case runs on."""
    with at(2026, 1, 5, 9, 0):
        given = authority_case(routes, notice_type="s60", notice_given_on="2025-12-18")
        other = authority_case(routes, OTHER_URN, notice_type="s60", notice_given_on="2025-12-18")
        assert [job for job, _ in pending_timers(routes, given)] == ["compliance_period_ended"]
    with at(2026, 5, 5, 10, 0):
        sos = record_sos_notice(routes)
    assert given.status == "terminated" and pending_timers(routes, given) == [] and open_tasks(routes, given) == []
    [reason] = audit_details(routes, given, "terminated")
    assert reason == ("The Secretary of State gave a warning notice to the school on Mon 4 May 2026 "
                      f"(case {sos.id}): the authority's earlier warning notice ceased to have effect from that time "
                      "(EIA 2006 s60(4B))")
    assert audit_details(routes, sos, "authority_case_ended") == [f"Case {given.id}: {reason}"]
    assert other.status == "waiting" and pending_timers(routes, other) != []


def test_a_case_before_its_notice_ends_under_s60_4a(routes, save_restore):
    with at(2026, 3, 2, 9, 0):
        informal = authority_case(routes)
        complete(routes, informal, "discuss_concerns", INFORMAL)
    with at(2026, 5, 5, 10, 0):
        record_sos_notice(routes)
    assert informal.status == "terminated" and open_tasks(routes, informal) == []
    [reason] = audit_details(routes, informal, "terminated")
    assert reason.endswith("the authority may not give a warning notice unless or until the Secretary of State "
                           "informs it that it may (EIA 2006 s60(4A))")


def test_a_new_authority_notice_is_refused_until_the_sos_says_it_may(routes, save_restore):
    with at(2026, 5, 5, 10, 0):
        sos = record_sos_notice(routes)
        with pytest.raises(InvalidInput, match=r"the Secretary of State gave a warning notice to this school on "
                                               rf"Mon 4 May 2026 \(case {sos.id}\): under EIA 2006 s60\(4A\)"):
            authority_case(routes)
        authority_case(routes, OTHER_URN)  # another school is not barred
        # Permission needs its date; the refusal changes nothing.
        with pytest.raises(FormErrors) as refused:
            complete(routes, sos, "record_authority_permission", {
                "sos_permission_outcome": "authority_may_give_notice", "sos_permission_note": "Letter of 1 Jun."})
        assert list(refused.value.errors) == ["authority_may_give_notice_from"]
        assert open_tasks(routes, sos) == [("record_authority_permission", "regional_director", None)]
    with at(2026, 6, 2, 10, 0):
        complete(routes, sos, "record_authority_permission", {
            "sos_permission_outcome": "authority_may_give_notice", "authority_may_give_notice_from": "2026-06-01",
            "sos_permission_note": "Letter of 1 Jun 2026."})
        assert sos.status == "completed"
        assert authority_case(routes).status == "running"


def test_a_record_closed_without_permission_still_bars_the_authority(routes, save_restore):
    with at(2026, 5, 5, 10, 0):
        sos = record_sos_notice(routes)
        complete(routes, sos, "record_authority_permission", {
            "sos_permission_outcome": "closed_without_permission", "sos_permission_note": "The school converted."})
        assert sos.status == "completed"
        with pytest.raises(InvalidInput, match="s60\\(4A\\)"):
            authority_case(routes)


def test_the_secretary_of_state_gives_notices_only_from_18_apr_2016(routes):
    """EAA 2016 s2 made the Secretary of State a 'relevant authority' from Mon 18 Apr 2016."""
    with at(2026, 5, 5, 10, 0):
        case = runtime.start_instance(routes, PROCESS.key, "rd@example.test", business_key=URN)
        with pytest.raises(FormErrors) as refused:
            complete(routes, case, "record_sos_warning_notice", {**SOS_NOTICE, "sos_notice_given_on": "2016-04-17"})
        assert refused.value.errors["sos_notice_given_on"].startswith(
            "The Secretary of State could not give a warning notice on Sun 17 Apr 2016")
        complete(routes, case, "record_sos_warning_notice", {**SOS_NOTICE, "sos_notice_given_on": "2016-04-18"})
        assert open_tasks(routes, case) == [("record_authority_permission", "regional_director", None)]


def test_an_sos_case_not_yet_recorded_bars_nothing(routes):
    with at(2026, 5, 5, 10, 0):
        runtime.start_instance(routes, PROCESS.key, "rd@example.test", business_key=URN)
        assert authority_case(routes).status == "running"


def test_every_user_task_has_a_form_a_role_matching_its_lane_and_a_legal_source():
    from tests.workflows.test_deadline_rules_wn_ofsted import check_model_conventions

    check_model_conventions(PROCESS)
