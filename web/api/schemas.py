"""What the JSON API answers with: marshmallow schemas, also the OpenAPI document's components."""
from __future__ import annotations

import marshmallow as ma

from .paging import page_schema

F = ma.fields


class DeadlineSchema(ma.Schema):
    case_id = F.Integer(required=True, attribute="instance_id")
    id = F.String(required=True, attribute="deadline_id")
    name = F.String(required=True)
    due_on = F.Date(allow_none=True)
    #: How due_on was counted, and the law it comes from.
    rule = F.String(required=True)
    source = F.String(required=True)
    status = F.String(required=True, metadata={"description": "pending, met, missed, unknown or ended, as of today"})
    met_on = F.Date(allow_none=True)
    missed_at = F.DateTime(allow_none=True)
    note = F.String(allow_none=True)


class TaskSchema(ma.Schema):
    id = F.String(required=True)
    case_id = F.Integer(required=True, attribute="instance_id")
    route = F.String(required=True, attribute="process_key")
    urn = F.String(allow_none=True, attribute="business_key")
    name = F.String(required=True)
    bpmn_id = F.String(required=True)
    role = F.String(allow_none=True)
    candidate_groups = F.List(F.String(), required=True)
    assignee = F.String(allow_none=True)
    due_at = F.DateTime(allow_none=True)
    follow_up_at = F.DateTime(allow_none=True)
    is_open = F.Boolean(required=True)
    created_at = F.DateTime(required=True)
    completed_at = F.DateTime(allow_none=True)
    completed_by = F.String(allow_none=True)
    may_act = F.Boolean(required=True, metadata={"description": "the token's officer may claim or complete it"})
    issues_letter = F.Boolean(required=True)
    form = F.Dict(required=True, metadata={"description": "the form's fields (camunda:formData) that `complete` takes"})


class CaseSchema(ma.Schema):
    id = F.Integer(required=True)
    route = F.String(required=True, attribute="process_key")
    route_title = F.String(required=True)
    urn = F.String(allow_none=True, attribute="business_key")
    school_name = F.String(allow_none=True)
    owner = F.String(allow_none=True)
    status = F.String(required=True)
    error = F.String(allow_none=True, attribute="error_message")
    current_steps = F.String(required=True)
    started_at = F.DateTime(required=True)
    started_by = F.String(required=True)
    updated_at = F.DateTime(required=True)
    ended_at = F.DateTime(allow_none=True)


class TimerSchema(ma.Schema):
    bpmn_id = F.String(required=True)
    name = F.String(required=True)
    due_at = F.DateTime(required=True)


class LetterSchema(ma.Schema):
    id = F.Integer(required=True)
    kind = F.String(required=True)
    title = F.String(required=True)
    filename = F.String(allow_none=True)
    status = F.String(allow_none=True)
    created_at = F.DateTime(allow_none=True)


class CaseDetailSchema(CaseSchema):
    version = F.Integer(required=True)
    data = F.Dict(required=True)
    tasks = F.List(F.Nested(TaskSchema), required=True)
    deadlines = F.List(F.Nested(DeadlineSchema), required=True)
    timers = F.List(F.Nested(TimerSchema), required=True)
    letters = F.List(F.Nested(LetterSchema), required=True)


class EventSchema(ma.Schema):
    at = F.DateTime(required=True)
    action = F.String(required=True)
    what = F.String(required=True)
    detail = F.String(allow_none=True)
    actor = F.String(required=True)


class SchoolSchema(ma.Schema):
    urn = F.String(required=True)
    name = F.String(required=True)
    type = F.String(required=True, attribute="type_of_establishment")
    kind = F.String(required=True)
    phase = F.String(allow_none=True)
    la_code = F.String(required=True)
    la_name = F.String(allow_none=True)
    region = F.String(allow_none=True)
    trust_name = F.String(allow_none=True)
    diocese_name = F.String(allow_none=True)
    status = F.String(allow_none=True)


class ImportReportSchema(ma.Schema):
    loaded = F.Integer(required=True)
    updated = F.Integer(required=True)
    unchanged = F.Integer(required=True)
    skipped = F.List(F.Dict(), required=True)


class ProcessVersionSchema(ma.Schema):
    key = F.String(required=True)
    owner = F.String(allow_none=True, metadata={"description": "the organisation's own version; null: national"})
    version = F.Integer(required=True)
    name = F.String(required=True)
    sha256 = F.String(required=True)
    deployed_at = F.DateTime(required=True)
    deployed_by = F.String(required=True)
    change_note = F.String(required=True)


class ProcessSchema(ma.Schema):
    key = F.String(required=True)
    title = F.String(required=True)
    #: The version a new case of the token's organisation starts on.
    current = F.Nested(ProcessVersionSchema, required=True)


class ModelProblemSchema(ma.Schema):
    element_id = F.String(required=True)
    severity = F.String(required=True, metadata={"description": "error (blocks a deploy) or warning"})
    message = F.String(required=True)


class ValidationSchema(ma.Schema):
    valid = F.Boolean(required=True)
    problems = F.List(F.Nested(ModelProblemSchema), required=True)


class DeployResultSchema(ma.Schema):
    status = F.String(required=True, metadata={"description": "deployed, or unchanged (the same file is current)"})
    definition = F.Nested(ProcessVersionSchema, required=True)
    problems = F.List(F.Nested(ModelProblemSchema), required=True)


CasePage = page_schema(CaseSchema, "CasePage")
TaskPage = page_schema(TaskSchema, "TaskPage")
SchoolPage = page_schema(SchoolSchema, "SchoolPage")
DeadlinePage = page_schema(DeadlineSchema, "DeadlinePage")
