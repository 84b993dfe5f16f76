"""Process definitions: validate, deploy as a new version, and hand out parsed specs from a cache.

Validation is one plain function so the CLI, the API and the modeller page can all call it.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from threading import Lock

from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.camunda.specs.user_task import UserTask
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from .db import utcnow
from .errors import InvalidDefinition, NotFound, Problem
from .labels import label_in
from .models import ProcessDefinition
from .parser import BPMN_NS, HostileXML, InterveneParser, parse_xml
from .spec_checks import candidate_groups, spec_problems, user_task_role  # noqa: F401 - callers import them from here
from .validation import reference_problems, structural_problems


@dataclass
class ParsedProcess:
    key: str
    name: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    problems: list[Problem] = field(default_factory=list)
    #: Processes called from this file but not in it: {process id: the call activity's id}.
    external_calls: dict[str, str] = field(default_factory=dict)

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


def _executable_process(root, process_id: str | None = None) -> tuple[str, str] | Problem:
    """The process (or collaboration) a case of this file runs: the one named, else the only
    executable process no other process calls, else the collaboration whose pools exchange messages."""
    if root.tag != f"{{{BPMN_NS}}}definitions":
        return Problem("(file)", "This is not a BPMN 2.0 file: its root element must be bpmn:definitions")
    processes = root.findall(f"{{{BPMN_NS}}}process")
    collaborations = root.findall(f"{{{BPMN_NS}}}collaboration")
    if process_id:
        named = [e for e in processes + collaborations if e.get("id") == process_id]
        if not named:
            ids = ", ".join(e.get("id", "?") for e in processes + collaborations)
            return Problem("(file)", f"The file holds no process or collaboration '{process_id}' (it holds {ids})")
        return process_id, named[0].get("name") or process_id
    if not processes:
        return Problem("(file)", "The file holds no process: draw one with a start event")
    # As SpiffWorkflow: a process is executable unless it says isExecutable="false".
    executable = [p for p in processes if p.get("isExecutable", "true").lower() == "true"]
    if not executable:  # a descriptive model, as other tools draw by default
        return Problem("(file)", 'Every process in the file is marked isExecutable="false": mark the one a case '
                                 'runs isExecutable="true"')
    called = {c.get("calledElement") for c in root.iter(f"{{{BPMN_NS}}}callActivity")}
    top = [p for p in executable if p.get("id") not in called] or executable  # all called: a cycle
    if len(top) == 1:
        return top[0].get("id", ""), top[0].get("name") or top[0].get("id", "")
    together = _collaboration_of(collaborations, {p.get("id") for p in top})
    if together is not None:
        return together.get("id", ""), together.get("name") or together.get("id", "")
    ids = ", ".join(p.get("id", "?") for p in top)
    return Problem("(file)", f"The file holds several executable processes that no other calls ({ids}): "
                             "name the one to deploy (intervene processes deploy FILE --process ID)")


def _collaboration_of(collaborations, process_ids: set[str]):
    """The collaboration whose pools are these processes and exchange messages: they run as one case."""
    for collaboration in collaborations:
        pools = {p.get("processRef") for p in collaboration.iter(f"{{{BPMN_NS}}}participant")}
        if process_ids <= pools and collaboration.find(f"{{{BPMN_NS}}}messageFlow") is not None:
            return collaboration
    return None


def parse_process(bpmn_xml: str, dmn_xml: Iterable[str] = (), process_id: str | None = None, *,
                  checks: bool = True) -> ParsedProcess:
    """Parse and validate; raise InvalidDefinition listing every problem found.

    `checks=False` parses only: for a definition validated when it was deployed (see
    parsed_definition)."""
    try:
        root = parse_xml(bpmn_xml)
        dmn_roots = [parse_xml(document) for document in dmn_xml]
    except HostileXML as error:
        raise InvalidDefinition([Problem("(file)", str(error))]) from error
    found = _executable_process(root, process_id)
    if isinstance(found, Problem):
        raise InvalidDefinition([found])
    key, name = found
    broken = reference_problems(root)
    if broken:
        raise InvalidDefinition(broken)
    parser = InterveneParser()
    try:
        for dmn_root in dmn_roots:
            parser.add_dmn_xml(dmn_root)
        parser.add_bpmn_xml(root, filename=f"{key}.bpmn")
        spec = _collaboration_spec(parser, key) if key in parser.collaborations else parser.get_spec(key)
        subprocess_specs, external_calls = _called_specs(parser, spec)
    except ValidationException as error:
        raise InvalidDefinition([_parse_problem(root, error)]) from error
    except Exception as error:  # SpiffWorkflow raises plain exceptions for some malformed models
        raise InvalidDefinition([Problem("(file)", f"{type(error).__name__}: {error}")]) from error
    parsed = ParsedProcess(key, name, spec, subprocess_specs, external_calls=external_calls)
    _default_message_payloads(parsed)
    if not checks:
        return parsed
    problems = spec_problems(parsed.all_specs()) + structural_problems(root)
    problems.extend(Problem(element, f"{label_in(root, element)} calls process '{called}', which is not in this "
                                     "file: deploy it before this one", "warning")
                    for called, element in external_calls.items())
    for check in _EXTRA_CHECKS:
        problems.extend(check(parsed))
    if any(p.severity == "error" for p in problems):
        raise InvalidDefinition(problems)
    parsed.problems = problems
    return parsed


def _parse_problem(root, error: ValidationException) -> Problem:
    """SpiffWorkflow's own message, said of the element it names."""
    element = error.id or "(file)"
    where = label_in(root, element) if error.id else "The file"
    detail = str(error).split("\n")[0].strip().rstrip(". ")
    return Problem(element, f"{where} cannot be read by the engine: {detail}")


def _collaboration_spec(parser: InterveneParser, key: str) -> BpmnProcessSpec:
    """Every executable pool of the collaboration runs in one case, so messages pass between them.

    As SpiffWorkflow's own get_collaboration, without requiring called processes to be in the file.
    """
    spec = BpmnProcessSpec(key)
    participant_class = parser._get_parser_class(full_tag("callActivity"))[1]
    for process_id in parser.collaborations[key]:
        process_parser = parser.get_process_parser(process_id)
        if process_parser is not None and process_parser.process_executable:
            participant = participant_class(spec, process_id, process_id)
            spec.start.connect_or_add_trigger(participant, parser.get_spec(process_id))
    return spec


def _called_specs(parser: InterveneParser, spec: BpmnProcessSpec) -> tuple[dict[str, BpmnProcessSpec], dict[str, str]]:
    """Specs of the sub-processes and called processes found in the file, and the processes called
    from outside it ({process id: the first call activity calling it}), deployed separately."""
    found: dict[str, BpmnProcessSpec] = {}
    external: dict[str, str] = {}
    pending = [spec]
    while pending:
        for task_spec in pending.pop().task_specs.values():
            called = getattr(task_spec, "spec", None) if isinstance(task_spec, SubWorkflowTask) else None
            if called is None or called in found or called in external:
                continue
            sub = parser.get_spec(called, required=False)
            if sub is None:
                external[called] = task_spec.bpmn_id or task_spec.name
            else:
                found[called] = sub
                pending.append(sub)
    return found, external


def _default_message_payloads(parsed: ParsedProcess) -> None:
    # SpiffWorkflow's Camunda message events evaluate camunda:expression for the payload and fail
    # when there is none, which is how most tools draw a message: send no payload instead.
    for spec in parsed.all_specs():
        for task_spec in spec.task_specs.values():
            definition = getattr(task_spec, "event_definition", None)
            if isinstance(definition, MessageEventDefinition) and definition.expression is None:
                definition.expression = "None"


def validate(bpmn_xml: str, dmn_xml: Iterable[str] = (), process_id: str | None = None) -> list[Problem]:
    """Every problem found, errors and warnings; a model deploys when none is an error."""
    try:
        return parse_process(bpmn_xml, dmn_xml, process_id).problems
    except InvalidDefinition as error:
        return error.problems


@dataclass(frozen=True)
class Deployment:
    definition: ProcessDefinition
    #: The file is the version new cases already start on: nothing new was stored.
    unchanged: bool


def deploy(session: Session, bpmn_xml: str, deployed_by: str, dmn_xml: Iterable[str] = (),
           change_note: str = "", process_id: str | None = None, owner: str | None = None) -> ProcessDefinition:
    """Store a new version; an unchanged file returns the version already deployed.

    `process_id` names the process (or collaboration) to deploy when the file holds several.
    `owner` is the organisation whose own version this is (None: the national default); versions
    are numbered per key and owner.
    """
    return deploy_version(session, bpmn_xml, deployed_by, dmn_xml, change_note, process_id, owner).definition


def deploy_version(session: Session, bpmn_xml: str, deployed_by: str, dmn_xml: Iterable[str] = (),
                   change_note: str = "", process_id: str | None = None, owner: str | None = None) -> Deployment:
    """`deploy`, saying whether the file was new (the modeller and the API tell the owner so)."""
    dmn_list = list(dmn_xml)
    parsed = parse_process(bpmn_xml, dmn_list, process_id)
    missing = [Problem(element, f"calls process '{called}', which is neither in this file nor deployed: "
                                "deploy it first")
               for called, element in parsed.external_calls.items()
               if latest_definition(session, called, required=False, owner=owner) is None]
    if missing:
        raise InvalidDefinition(missing)
    sha = content_sha256(bpmn_xml, dmn_list)
    latest = current_version(session, parsed.key, owner)
    if latest is not None and latest.sha256 == sha:
        return Deployment(latest, unchanged=True)
    definition = ProcessDefinition(
        key=parsed.key, owner=owner, version=(latest.version + 1) if latest else 1, name=parsed.name,
        bpmn_xml=bpmn_xml, dmn_xml=dmn_list, sha256=sha, deployed_at=utcnow(), deployed_by=deployed_by,
        change_note=change_note,
    )
    session.add(definition)
    session.flush()
    _remember(_cache_key(definition), parsed)
    return Deployment(definition, unchanged=False)


def usable_by(owner: str) -> ColumnElement[bool]:
    """The versions an owner's cases may run on: the national ones and the owner's own, never another
    owner's (the one rule for every list, page and API answer of versions)."""
    return or_(ProcessDefinition.owner.is_(None), ProcessDefinition.owner == owner)


def usable_versions(session: Session, key: str, owner: str) -> list[ProcessDefinition]:
    """The versions of `key` usable by `owner`: its own newest first, then the national ones."""
    return list(session.scalars(select(ProcessDefinition).where(ProcessDefinition.key == key, usable_by(owner))
                                .order_by(ProcessDefinition.owner.is_(None), ProcessDefinition.version.desc())))


def current_version(session: Session, key: str, owner: str | None = None) -> ProcessDefinition | None:
    """The newest version this owner deployed (None: the national default's), and no other's."""
    mine = ProcessDefinition.owner.is_(None) if owner is None else ProcessDefinition.owner == owner
    return session.scalars(select(ProcessDefinition).where(ProcessDefinition.key == key, mine)
                           .order_by(ProcessDefinition.version.desc()).limit(1)).first()


def latest_definition(session: Session, key: str, required: bool = True,
                      owner: str | None = None) -> ProcessDefinition | None:
    """The version a new case of `owner` starts on: the owner's own newest, else the national one."""
    definition = (current_version(session, key, owner) if owner is not None else None) \
        or current_version(session, key)
    if definition is None and required:
        raise NotFound(f"no process '{key}' is deployed")
    return definition


def resolve_calls(session: Session, definition: ProcessDefinition,
                  owner: str | None = None) -> dict[str, ProcessDefinition]:
    """The deployed processes a new case of `definition` calls, directly or through them, at the
    versions current now for the case's owner: the case keeps these versions however often they
    are redeployed."""
    resolved: dict[str, ProcessDefinition] = {}
    pending = [(definition, called) for called in parsed_definition(definition).external_calls]
    while pending:
        caller, key = pending.pop()
        if key in resolved:
            continue
        called = latest_definition(session, key, required=False, owner=owner)
        if called is None:
            raise NotFound(f"process '{caller.key}' calls process '{key}', which is not deployed: deploy it first")
        resolved[key] = called
        pending.extend((called, onward) for onward in parsed_definition(called).external_calls)
    return resolved


def with_calls(definition: ProcessDefinition, calls: dict[str, ProcessDefinition]) -> ParsedProcess:
    """The definition's specs plus those of the separately deployed processes it calls."""
    parsed = parsed_definition(definition)
    if not parsed.external_calls:
        return parsed
    specs: dict[str, BpmnProcessSpec] = {}
    for key, called in calls.items():
        called_parsed = parsed_definition(called)
        specs[key] = called_parsed.spec
        for sub_key, sub_spec in called_parsed.subprocess_specs.items():
            specs.setdefault(sub_key, sub_spec)
    specs.update(parsed.subprocess_specs)  # the file's own processes come first
    return ParsedProcess(parsed.key, parsed.name, parsed.spec, specs, parsed.problems, parsed.external_calls)


def list_definitions(session: Session) -> list[ProcessDefinition]:
    return list(session.scalars(select(ProcessDefinition).order_by(
        ProcessDefinition.key, ProcessDefinition.owner.is_not(None), ProcessDefinition.owner,
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


def _cache_key(definition: ProcessDefinition) -> str:
    # One file can hold several processes, each deployed under its own key.
    return f"{definition.key}:{definition.sha256}"


def step_specs(parsed: ParsedProcess) -> dict[str, str]:
    """{bpmn id: name} of every step a case of the process can be at: its user tasks and the timers
    it waits on. A timer on a task's boundary is that task's time limit, not a step of its own (as
    engine.projections.current_steps counts the steps a case is at)."""
    found: dict[str, str] = {}
    for spec in parsed.all_specs():
        for task_spec in spec.task_specs.values():
            is_timer = isinstance(getattr(task_spec, "event_definition", None), TimerEventDefinition)
            if isinstance(task_spec, UserTask) or (is_timer and not isinstance(task_spec, BoundaryEvent)):
                found[task_spec.bpmn_id] = task_spec.bpmn_name or task_spec.bpmn_id
    return found


def parsed_definition(definition: ProcessDefinition) -> ParsedProcess:
    """The parsed spec of a stored definition, parsed once per process per sha256.

    Without the checks: the definition passed them when it was deployed, and the cases running on
    it must go on loading when today's roles or functions have moved on (deploys stay strict)."""
    key = _cache_key(definition)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
    if cached is not None:
        return cached
    parsed = parse_process(definition.bpmn_xml, definition.dmn_xml or [], definition.key, checks=False)
    _remember(key, parsed)
    return parsed
