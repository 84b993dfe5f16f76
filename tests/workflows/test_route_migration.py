"""Moving cases of a real route (the academy Letter of Concern) to a new version that drops the first
discussion and asks for the academy's response two working days earlier.

Mon 23 Mar 2026 + 15 working days = Wed 15 Apr 2026 (skips Good Friday 3 Apr and Easter Monday
6 Apr); two working days before it is Mon 13 Apr 2026. Both are in British Summer Time, so "by the
end of the day" is 22:59:59 UTC.
"""
from __future__ import annotations

from datetime import date

from lxml import etree
from sqlalchemy import select

from engine import definitions, migration
from engine.models import AuditEvent
from engine.parser import BPMN_NS
from engine.runtime import start_instance
from tests.workflows.routes import do, end_of, open_tasks, utc
from tests.workflows.test_academy_letter_of_concern import FACTS, URN, begin
from workflows.academy_letter_of_concern import PROCESS

B = f"{{{BPMN_NS}}}"
DI = "{http://www.omg.org/spec/BPMN/20100524/DI}"


def version_two() -> str:
    """The route without 'Discuss the concern' and with the response due two working days earlier."""
    root = etree.fromstring(PROCESS.read_bpmn().encode("utf-8"))
    gone = ("discuss_with_academy", "flow_discussed")
    for element in list(root.iter(f"{B}userTask", f"{B}sequenceFlow", f"{B}flowNodeRef", f"{DI}BPMNShape",
                                  f"{DI}BPMNEdge")):
        if gone.count(element.get("id")) or gone.count(element.get("bpmnElement")) or element.text == gone[0]:
            element.getparent().remove(element)
    for element in root.iter(f"{B}sequenceFlow"):
        if element.get("id") == "flow_concern_raised":
            element.set("targetRef", "confirm_concerns_in_writing")
    for element in root.iter(f"{B}incoming"):
        if element.text == "flow_discussed":
            element.text = "flow_concern_raised"
    xml = etree.tostring(root, encoding="unicode")
    return xml.replace('camunda:dueDate="${academy_response_due_on}"',
                       'camunda:dueDate="${working_days_before(academy_response_due_on, 2)}"')


def test_a_case_past_the_dropped_step_moves_and_its_due_date_moves_two_working_days(session, time_machine):
    moving = begin(session, time_machine)
    staying = start_instance(session, PROCESS.key, "officer:case_manager", business_key=URN, data=dict(FACTS))
    first = moving.definition
    second = definitions.deploy(session, version_two(), "owner@test", change_note="no first discussion")
    assert second.version == 2

    plan = {case.instance_id: case for case in migration.plan_migration(session, first, second).cases}
    assert plan[staying.id].reasons == [
        "its current step 'Discuss the concern with the headteacher and governors' is not in version 2"]
    [due] = [d for d in plan[moving.id].deadlines if d.kind == "task"]
    assert (due.step, due.before, due.after) == ("Record the academy's response", end_of(date(2026, 4, 15)),
                                                 end_of(date(2026, 4, 13)))
    assert due.after == utc(2026, 4, 13, 22, 59, 59)
    [timer] = [d for d in plan[moving.id].deadlines if d.kind == "timer"]
    assert timer.before == timer.after == utc(2026, 4, 15, 23)

    staying_state = dict(staying.state)
    migration.migrate_cases(session, first, second, "owner@test", "Local protocol of April 2026")

    assert staying.definition_id == first.id and staying.state == staying_state
    assert moving.definition_id == second.id
    assert open_tasks(session, moving) == [("record_academy_response", "link_adviser", end_of(date(2026, 4, 13)))]
    assert moving.data["headteacher_name"] == "A. Head"  # recorded at the dropped step, kept
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == moving.id,
                                                       AuditEvent.action == "migrated")).all()
    assert event.detail == "migrated from version 1 to 2: Local protocol of April 2026"
    assert not session.scalars(select(AuditEvent).where(AuditEvent.instance_id == staying.id,
                                                        AuditEvent.action == "migrated")).all()

    time_machine.move_to(utc(2026, 4, 14, 10), tick=False)
    do(session, moving, "record_academy_response", "link_adviser",
       {"response_received_on": "2026-04-14", "academy_response": "A new chair and an improvement plan."},
       end_of(date(2026, 4, 13)))
    assert [t[0] for t in open_tasks(session, moving)] == ["review_academy_response"]
