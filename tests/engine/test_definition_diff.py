"""What changed between two versions of a process, as data and in words."""
from __future__ import annotations

from engine.definition_diff import changed_element_ids, diff_definitions
from engine.definitions import parse_process
from tests.engine.conftest import read_fixture

V1, V2 = read_fixture("migration_v1"), read_fixture("migration_v2")


def texts(old: str, new: str) -> list[str]:
    changes = diff_definitions(parse_process(old, checks=False), parse_process(new, checks=False), old, new)
    return [c.text for c in changes]


def test_the_two_versions_of_the_small_route_in_words():
    found = texts(V1, V2)
    assert "Task 'Tell the school': added." in found
    assert "Task 'Talk informally': removed." in found
    assert "Task 'Decide the outcome': renamed from 'Decide' to 'Decide the outcome'." in found
    assert "Task 'Gather evidence': form field 'Source (source)' removed." in found
    assert ("Task 'Review compliance': due date changed from date.fromisoformat(review_from) + timedelta(days=10) "
            "to date.fromisoformat(review_from) + timedelta(days=20).") in found
    assert "Timer 'Wait for the reply': timer changed from P5D to P10D." in found
    assert "Path 'to_notify' from 'Review compliance' to 'Tell the school': added." in found
    assert "Path 'to_chat' from 'start' to 'Talk informally': removed." in found
    assert ("Path 'to_wait': now runs from 'Tell the school' to 'Wait for the reply' (it ran from "
            "'Review compliance' to 'Wait for the reply').") in found


def test_no_changes_between_a_version_and_itself():
    assert texts(V1, V1) == []


def test_role_candidate_groups_and_form_field_details():
    lanes = V1.replace('<bpmn:process id="casework" name="Casework (migration test)" isExecutable="true">',
                       '<bpmn:process id="casework" name="Casework (migration test)" isExecutable="true">'
                       '<bpmn:laneSet id="lanes"><bpmn:lane id="lane_a" name="{lane}">'
                       '<bpmn:flowNodeRef>review</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>')
    old = lanes.replace("{lane}", "Senior adviser")
    new = (lanes.replace("{lane}", "Deputy assistant director")
           .replace('id="review" name="Review compliance" camunda:candidateGroups="senior_adviser"',
                    'id="review" name="Review compliance" camunda:candidateGroups="deputy_assistant_director"')
           .replace('<camunda:formField id="summary" label="Summary" type="string"><camunda:validation>'
                    '<camunda:constraint name="required"/></camunda:validation></camunda:formField>',
                    '<camunda:formField id="summary" label="What you found" type="string"/>')
           .replace('<camunda:value id="data" name="Data"/>', '<camunda:value id="data" name="Data"/>'
                    '<camunda:value id="letter" name="Letter"/>'))
    found = texts(old, new)
    assert "Task 'Review compliance': role (lane) changed from Senior adviser to Deputy assistant director." in found
    assert ("Task 'Review compliance': candidate groups changed from senior_adviser to "
            "deputy_assistant_director.") in found
    assert "Task 'Gather evidence': form field 'What you found (summary)': label changed from Summary to What you found." in found
    assert "Task 'Gather evidence': form field 'What you found (summary)': required changed from yes to no." in found
    assert ("Task 'Gather evidence': form field 'Source (source)': choices changed from Visit, Data to "
            "Visit, Data, Letter.") in found


def test_documentation_legal_source_and_condition():
    old = V1.replace('<bpmn:userTask id="decide" name="Decide" camunda:candidateGroups="senior_adviser">',
                     '<bpmn:userTask id="decide" name="Decide" camunda:candidateGroups="senior_adviser">'
                     '<bpmn:documentation>Section 60, EIA 2006</bpmn:documentation>')
    old = old.replace('<camunda:formData><camunda:formField id="decision"',
                      '<camunda:properties><camunda:property name="legal_source" value="s60"/></camunda:properties>'
                      '<camunda:formData><camunda:formField id="decision"')
    new = old.replace("Section 60, EIA 2006", "Section 60A, EIA 2006").replace('value="s60"', 'value="s60A"')
    found = texts(old, new)
    assert "Task 'Decide': documentation changed." in found
    assert "Task 'Decide': property 'legal_source' changed from s60 to s60A." in found


def test_changed_element_ids_for_the_diagram():
    changes = diff_definitions(parse_process(V1, checks=False), parse_process(V2, checks=False), V1, V2)
    marks = changed_element_ids(changes)
    assert "notify_school" in marks["added"] and "informal_chat" in marks["removed"]
    assert {"review", "decide", "wait_reply", "gather"} <= set(marks["changed"])


def test_a_changed_condition_is_said_with_both_expressions():
    gateway = ('<bpmn:sequenceFlow id="to_wait" sourceRef="review" targetRef="wait_reply"/>')
    conditional = ('<bpmn:sequenceFlow id="to_wait" name="Not complied" sourceRef="review" targetRef="wait_reply">'
                   '<bpmn:conditionExpression>{}</bpmn:conditionExpression></bpmn:sequenceFlow>')
    assert gateway in V1
    old = V1.replace(gateway, conditional.format("complied == False"))
    new = V1.replace(gateway, conditional.format("not complied"))
    assert texts(old, new) == ["Path 'Not complied' from 'Review compliance' to 'Wait for the reply': condition "
                               "changed from complied == False to not complied."]
