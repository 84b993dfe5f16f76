"""Process definitions: validate, deploy as a new version, and hand out parsed specs from a cache.

Validation is one plain function so the CLI, the API and the modeller page can all call it.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from threading import Lock

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.camunda.specs.user_task import UserTask
from SpiffWorkflow.specs.MultiChoice import MultiChoice
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .db import utcnow
from .errors import InvalidDefinition, NotFound, Problem
from .models import ProcessDefinition
from .parser import BPMN_NS, HostileXML, InterveneParser, parse_xml
from .scripting import check_expression, check_script


@dataclass
class ParsedProcess:
    key: str
    name: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    problems: list[Problem] = field(default_factory=list)

    def all_specs(self) -> Iterable[BpmnProcessSpec]:
        yield self.spec
        yield from self.subprocess_specs.values()


#: Extra checks the domain adds (known roles, forms on user tasks...): each returns problems.
DefinitionCheck = Callable[[ParsedProcess], list[Problem]]
_EXTRA_CHECKS: list[DefinitionCheck] = []


def register_check(check: DefinitionCheck) -> None:
    if check not in _EXTRA_CHECKS:
        _EXTRA_CHECKS.append(check)


def content_sha256(bpmn_xml: str, dmn_xml: Iterable[str] = ()) -> str:
    digest = hashlib.sha256(bpmn_xml.encode("utf-8"))
    for document in dmn_xml:
        digest.update(b"\0" + document.encode("utf-8"))
    return digest.hexdigest()


def _executable_process(root) -> tuple[str, str] | Problem:
    if root.tag != f"{{{BPMN_NS}}}definitions":
        return Problem("(file)", "not a BPMN 2.0 file: the root element must be bpmn:definitions")
    processes = root.findall(f"{{{BPMN_NS}}}process")
    executable = [p for p in processes if p.get("isExecutable", "false").lower() == "true"] or processes
    if not executable:
        return Problem("(file)", "the file holds no bpmn:process")
    if len(executable) > 1:
        ids = ", ".join(p.get("id", "?") for p in executable)
        return Problem("(file)", f"the file holds several executable processes ({ids}); mark one executable")
    process = executable[0]
    return process.get("id", ""), process.get("name") or process.get("id", "")


def parse_process(bpmn_xml: str, dmn_xml: Iterable[str] = (), *, checks: bool = True) -> ParsedProcess:
    """Parse and validate; raise InvalidDefinition listing every problem found.

    `checks=False` parses only: for a definition validated when it was deployed (see
    parsed_definition)."""
    try:
        root = parse_xml(bpmn_xml)
        dmn_roots = [parse_xml(document) for document in dmn_xml]
    except HostileXML as error:
        raise InvalidDefinition([Problem("(file)", str(error))]) from error
    found = _executable_process(root)
    if isinstance(found, Problem):
        raise InvalidDefinition([found])
    key, name = found
    parser = InterveneParser()
    try:
        for dmn_root in dmn_roots:
            parser.add_dmn_xml(dmn_root)
        parser.add_bpmn_xml(root, filename=f"{key}.bpmn")
        spec = parser.get_spec(key)
        subprocess_specs = parser.get_subprocess_specs(key)
    except ValidationException as error:
        raise InvalidDefinition([Problem(error.id or error.tag or "(file)", str(error).split("\n")[0])]) from error
    except Exception as error:  # SpiffWorkflow raises plain exceptions for some malformed models
        raise InvalidDefinition([Problem("(file)", f"{type(error).__name__}: {error}")]) from error
    parsed = ParsedProcess(key, name, spec, subprocess_specs)
    if not checks:
        return parsed
    problems = _check_specs(parsed)
    for check in _EXTRA_CHECKS:
        problems.extend(check(parsed))
    if any(p.severity == "error" for p in problems):
        raise InvalidDefinition(problems)
    parsed.problems = problems
    return parsed


def user_task_role(task_spec) -> str | None:
    groups = task_spec.extensions.get("candidate_groups", "")
    first = next((g.strip() for g in groups.split(",") if g.strip()), None)
    return first or task_spec.lane


def _check_specs(parsed: ParsedProcess) -> list[Problem]:
    problems: list[Problem] = []
    for spec in parsed.all_specs():
        for task_spec in spec.task_specs.values():
            element = getattr(task_spec, "bpmn_id", None)
            if element is None:
                continue
            problems.extend(Problem(element, message) for message in _task_problems(task_spec) if message)
            script = getattr(task_spec, "script", None)
            message = check_script(script) if isinstance(script, str) else None
            if message:
                problems.append(Problem(element, message, "warning"))
    return problems


def _task_problems(task_spec) -> list[str | None]:
    messages: list[str | None] = []
    if isinstance(task_spec, UserTask):
        if not user_task_role(task_spec):
            messages.append("user task has no role: set candidate groups or put it in a lane")
        for key in ("due_date", "follow_up_date"):
            if key in task_spec.extensions:
                messages.append(check_expression(task_spec.extensions[key]))
    definition = getattr(task_spec, "event_definition", None)
    if isinstance(definition, TimerEventDefinition):
        messages.append(check_expression(definition.expression))
    if isinstance(task_spec, MultiChoice):
        for condition, _target in task_spec.cond_task_specs:
            expression = getattr(condition, "args", (condition,))[0] if condition is not None else None
            if isinstance(expression, str):
                messages.append(check_expression(expression))
    return [m for m in messages if m]


def validate(bpmn_xml: str, dmn_xml: Iterable[str] = ()) -> list[Problem]:
    """Every problem found, errors and warnings; a model deploys when none is an error."""
    try:
        return parse_process(bpmn_xml, dmn_xml).problems
    except InvalidDefinition as error:
        return error.problems


def deploy(session: Session, bpmn_xml: str, deployed_by: str, dmn_xml: Iterable[str] = (),
           change_note: str = "") -> ProcessDefinition:
    """Store a new version; an unchanged file returns the version already deployed."""
    dmn_list = list(dmn_xml)
    parsed = parse_process(bpmn_xml, dmn_list)
    sha = content_sha256(bpmn_xml, dmn_list)
    latest = latest_definition(session, parsed.key, required=False)
    if latest is not None and latest.sha256 == sha:
        return latest
    definition = ProcessDefinition(
        key=parsed.key, version=(latest.version + 1) if latest else 1, name=parsed.name, bpmn_xml=bpmn_xml,
        dmn_xml=dmn_list, sha256=sha, deployed_at=utcnow(), deployed_by=deployed_by, change_note=change_note,
    )
    session.add(definition)
    session.flush()
    _remember(sha, parsed)
    return definition


def latest_definition(session: Session, key: str, required: bool = True) -> ProcessDefinition | None:
    newest = select(func.max(ProcessDefinition.version)).where(ProcessDefinition.key == key).scalar_subquery()
    definition = session.scalars(
        select(ProcessDefinition).where(ProcessDefinition.key == key, ProcessDefinition.version == newest)
    ).first()
    if definition is None and required:
        raise NotFound(f"no process '{key}' is deployed")
    return definition


def list_definitions(session: Session) -> list[ProcessDefinition]:
    return list(session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.key,
                                                                   ProcessDefinition.version)))


_CACHE: OrderedDict[str, ParsedProcess] = OrderedDict()
_CACHE_LOCK = Lock()
_CACHE_SIZE = 256


def _remember(sha: str, parsed: ParsedProcess) -> None:
    with _CACHE_LOCK:
        _CACHE[sha] = parsed
        _CACHE.move_to_end(sha)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()


def parsed_definition(definition: ProcessDefinition) -> ParsedProcess:
    """The parsed spec of a stored definition, parsed once per process per sha256.

    Without the checks: the definition passed them when it was deployed, and the cases running on
    it must go on loading when today's roles or functions have moved on (deploys stay strict)."""
    with _CACHE_LOCK:
        cached = _CACHE.get(definition.sha256)
    if cached is not None:
        return cached
    parsed = parse_process(definition.bpmn_xml, definition.dmn_xml or [], checks=False)
    _remember(definition.sha256, parsed)
    return parsed
