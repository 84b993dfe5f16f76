"""BPMN parsing: SpiffWorkflow's Camunda parser, extended to read what the Camunda 7 properties
panel writes on user tasks and to refuse hostile XML.

The stock parser reads camunda:formData only when a formKey is set and ignores candidateGroups,
assignee, dueDate and followUpDate; the subclass below keeps all of them in `task_spec.extensions`
(which SpiffWorkflow already carries) so the runtime can project them.
"""
from __future__ import annotations

from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.task_parsers import SubprocessParser
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.specs.defaults import CallActivity, EventSubprocess
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import SubWorkflowParser, UserTaskParser
from SpiffWorkflow.camunda.specs.user_task import EnumFormField, Form, FormField, UserTask

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024

USER_TASK_ATTRIBUTES = {
    "candidateGroups": "candidate_groups",
    "candidateUsers": "candidate_users",
    "assignee": "assignee",
    "dueDate": "due_date",
    "followUpDate": "follow_up_date",
}


class HostileXML(ValueError):
    pass


class RefusedXML(HostileXML):
    """Not a mistake in a model but a file no modeller writes (DTD or entity declarations, a size
    no process needs): callers refuse the request rather than report it as a problem in the model."""


def parse_xml(text: str | bytes) -> etree._Element:
    """Parse untrusted XML: no DTDs, no entities, no network, bounded size."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if len(data) > MAX_DOCUMENT_BYTES:
        raise RefusedXML(f"the file is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise RefusedXML("the file declares a DOCTYPE or entities, which BPMN never needs")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=False)
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as error:
        raise HostileXML(f"not well-formed XML: {error}") from error


class InterveneUserTaskParser(UserTaskParser):
    def parse_extensions(self, node=None):
        extensions = super().parse_extensions(node)
        for attribute, key in USER_TASK_ATTRIBUTES.items():
            value = self.node.get(f"{{{CAMUNDA_NS}}}{attribute}")
            if value:
                extensions[key] = value.strip()
        return extensions

    def _add_multiinstance_task(self, loop_characteristics):
        # The Camunda parser reads only camunda:collection/elementVariable. Models from other
        # tools (and SpiffWorkflow's own) use BPMN's loopDataInputRef, inputDataItem,
        # loopDataOutputRef and outputDataItem, or a loopCardinality: read those the standard way.
        if self.attribute("collection", "camunda", loop_characteristics) is None:
            return TaskParser._add_multiinstance_task(self, loop_characteristics)
        return super()._add_multiinstance_task(loop_characteristics)

    def get_form(self) -> Form:
        # Unlike the stock parser, read formData with or without a formKey: the Camunda 7
        # properties panel writes "generated task forms" without one.
        form = Form()
        form.key = self.node.get(f"{{{CAMUNDA_NS}}}formKey", "")
        for xml_field in self.xpath(".//camunda:formData/camunda:formField"):
            field = self.get_enum_field(xml_field) if xml_field.get("type") == "enum" else FormField()
            field.id = xml_field.get("id")
            field.type = xml_field.get("type") or "string"
            field.label = xml_field.get("label") or field.id
            field.default_value = xml_field.get("defaultValue")
            for child in xml_field:
                if child.tag == f"{{{CAMUNDA_NS}}}properties":
                    for prop in child:
                        field.add_property(prop.get("id"), prop.get("value"))
                elif child.tag == f"{{{CAMUNDA_NS}}}validation":
                    for constraint in child:
                        field.add_validation(constraint.get("name"), constraint.get("config"))
            form.add_field(field)
        return form


class InterveneSubProcessParser(SubWorkflowParser):
    """Marks event sub-processes, which the Camunda parser reads as plain sub-processes, so the
    runtime can give them BPMN's lifetime (see engine/event_subprocesses.py)."""

    def create_task(self):
        if self.node.get("triggeredByEvent", "false").lower() != "true":
            return super().create_task()
        subworkflow_spec = SubprocessParser.get_subprocess_spec(self)
        task = EventSubprocess(self.spec, self.bpmn_id, subworkflow_spec=subworkflow_spec, **self.bpmn_attributes)
        starts = self.xpath("./bpmn:startEvent")
        task.interrupting = bool(starts) and starts[0].get("isInterrupting", "true").lower() == "true"
        return task


class InterveneParser(CamundaParser):
    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (InterveneUserTaskParser, UserTask),
        full_tag("subProcess"): (InterveneSubProcessParser, CallActivity),
    }


def form_to_dict(form: Form | None) -> dict[str, Any]:
    """The form as plain data, for the human_task projection and the web layer."""
    if form is None:
        return {"fields": []}
    fields = []
    for field in form.fields:
        entry: dict[str, Any] = {
            "id": field.id,
            "type": field.type,
            "label": field.label,
            "default": field.default_value,
            "properties": {p.id: p.value for p in field.properties},
            "validation": {v.name: v.config for v in field.validation},
        }
        if isinstance(field, EnumFormField):
            entry["options"] = [{"id": o.id, "name": o.name} for o in field.options]
        fields.append(entry)
    return {"key": form.key or "", "fields": fields}
