"""Walk a parsed process in memory, as a case would go, without a database or a clock to wait on.

A process owner wants to see, before deploying, which steps a case takes and when each falls due.
The walk runs the real specs with the real script engine and the real due-date code (projections.
plan_human_tasks), completes each ready user task with sample answers (the form's defaults, then
the owner's data), lets gateways choose by that data, and fires timers by moving a simulated clock
to their due time instead of waiting. It stops at the end, after `max_steps`, when a step comes
round too often (a loop), or when nothing it can do moves the case on (a message to wait for).
Nothing here knows schools; nothing is stored.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.util.task import TaskState

from . import branch_data, event_subprocesses
from .branch_data import CaseWorkflow
from .clock import LOCAL_TZ
from .definitions import ParsedProcess, user_task_role
from .errors import Problem
from .forms import FormErrors, validate_submission
from .parser import form_to_dict
from .projections import plan_human_tasks, ready_user_tasks, timer_due_at, waiting_timers
from .scripting import make_script_engine

#: How often one step may come round before the walk calls it a loop and stops.
MAX_VISITS = 3
#: What a required text field is given when neither a default nor the owner's data fills it.
SAMPLE_TEXT = "Sample answer"


@dataclass
class DryRunStep:
    bpmn_id: str
    name: str
    #: "user_task" (an officer acts) or "timer" (the case waits for a day).
    kind: str
    role: str | None
    #: When the step falls due (a user task's due date, a timer's time), UTC; None when it has none.
    due_at: datetime | None
    #: The expression that set `due_at` as the model holds it (camunda:dueDate, the timer's time).
    due_rule: str | None
    #: The element's string properties (camunda:properties), for the domain to read (legal_source).
    properties: dict[str, str]
    #: When the step opened on the simulated clock (a timer: when the case began to wait for it).
    opened_at: datetime | None = None
    #: The answers the walk gave the task (user tasks only).
    answers: dict[str, Any] = field(default_factory=dict)

    @property
    def due_on(self) -> date | None:
        """The day it falls due in England (a timer: the day it fires)."""
        return self.due_at.astimezone(LOCAL_TZ).date() if self.due_at else None

    @property
    def opened_on(self) -> date | None:
        return self.opened_at.astimezone(LOCAL_TZ).date() if self.opened_at else None


@dataclass
class DryRunResult:
    steps: list[DryRunStep]
    problems: list[Problem]
    #: The walk reached the end of the process.
    ended: bool
    #: Why the walk stopped, as a sentence.
    stopped_because: str
    #: The case data when the walk stopped.
    data: dict[str, Any] = field(default_factory=dict)


def sample_answers(form: dict[str, Any], today: date, given: dict[str, Any],
                   case: dict[str, Any] | None = None) -> dict[str, Any]:
    """Answers for every field: the owner's data, else the field's default, else what the case
    already holds under that id (a default the route set at its start), else a plausible value
    for a field the form requires (today for a date, the first option of a choice, the smallest
    number allowed, some text); 'no' for a yes/no."""
    answers: dict[str, Any] = {}
    case = case or {}
    for spec in form.get("fields", []):
        field_id = spec["id"]
        if given.get(field_id) not in (None, ""):
            answers[field_id] = given[field_id]
        elif spec.get("default") not in (None, ""):
            answers[field_id] = spec["default"]
        elif "readonly" in (spec.get("validation") or {}):
            continue
        elif case.get(field_id) not in (None, ""):
            answers[field_id] = case[field_id]
        else:
            value = _plausible(spec, today)
            if value is not None:
                answers[field_id] = value
    return answers


def _plausible(spec: dict[str, Any], today: date) -> Any:
    """What an officer would most likely enter in a field the form requires; a field it does not
    require is left empty (a yes/no is 'no'), as an optional date left blank changes nothing."""
    kind = spec.get("type") or "string"
    checks = spec.get("validation") or {}
    if kind == "boolean":
        return False
    if "required" not in checks:
        return None
    if kind == "date":
        return today.isoformat()
    if kind == "enum":
        options = spec.get("options") or []
        return options[0]["id"] if options else None
    if kind == "long":
        return int(checks["min"]) if checks.get("min") not in (None, "") else 1
    return SAMPLE_TEXT


def dry_run(parsed: ParsedProcess, start_at: datetime, data: dict[str, Any] | None = None,
            answers: dict[str, Any] | None = None, max_steps: int = 200) -> DryRunResult:
    """Walk `parsed` from its start at `start_at` (aware) with `data` as the case's start data and
    `answers` (by field id; `data` when not given) answering every form field of the same id."""
    walk = _Walk(parsed, start_at, dict(data or {}), dict(data or {}) if answers is None else dict(answers))
    return walk.run(max_steps)


class _Walk:
    def __init__(self, parsed: ParsedProcess, start_at: datetime, data: dict[str, Any], answers: dict[str, Any]):
        self.clock = start_at.astimezone(UTC)
        self.given = {k: v for k, v in answers.items() if v not in (None, "")}
        self.steps: list[DryRunStep] = []
        self.problems: list[Problem] = []
        self.visits: dict[str, int] = {}
        #: Timer tasks already recorded as steps, and duration timers already put on the simulated clock.
        self.timers_recorded: set[str] = set()
        #: When the case began to wait for each timer, by task id.
        self.waiting_since: dict[str, datetime] = {}
        #: When each ready user task opened, by task id.
        self.ready_since: dict[str, datetime] = {}
        self.durations_started: set[str] = set()
        self.workflow = CaseWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=make_script_engine())
        branch_data.ensure_record(self.workflow)
        for task in self.workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)

    def run(self, max_steps: int) -> DryRunResult:
        for _ in range(max_steps):
            planned = self._engine_steps()
            if planned is None:
                return self._result(False, "a step failed, as it would in a real case")
            if self.workflow.is_completed():
                return self._result(True, "the case reached the end of the process")
            stopped = self._complete(*planned[0]) if planned else self._fire_next_timer()
            if stopped:
                return self._result(False, stopped)
        return self._result(False, f"it stopped after {max_steps} steps")

    def _result(self, ended: bool, stopped: str) -> DryRunResult:
        from .runtime import case_data  # runtime imports the database models; only its pure helper is used

        return DryRunResult(self.steps, self.problems, ended, stopped, case_data(self.workflow))

    def _engine_steps(self) -> list | None:
        """Run the engine as far as it goes; the ready user tasks with their due dates, as the real
        engine plans them; None (and a problem) when a script or expression of the model fails."""
        try:
            self.workflow.refresh_timers()
            self.workflow.do_engine_steps()
            while event_subprocesses.apply(self.workflow):
                self.workflow.do_engine_steps()
            self._note_timers()
            return plan_human_tasks(self.workflow)
        except Exception as error:  # a script or expression of the model failed, as a real case would
            where = getattr(getattr(error, "task_spec", None), "bpmn_id", None) or "(process)"
            message = str(error).split("\n")[0].strip() or type(error).__name__
            self.problems.append(Problem(where, f"A case would stop in error here: {message}. If the step reads a "
                                                "fact no earlier step records, give it in the sample data."))
            return None

    def _note_timers(self) -> None:
        """Start duration timers on the simulated clock (SpiffWorkflow starts them on the real
        one), and record each timer that fired by itself (its day was already past)."""
        for task in ready_user_tasks(self.workflow):
            self.ready_since.setdefault(str(task.id), self.clock)
        for task, _due_at in waiting_timers(self.workflow):
            definition = task.task_spec.event_definition
            key = str(task.id)
            self.waiting_since.setdefault(key, self.clock)
            if isinstance(definition, DurationTimerEventDefinition) and key not in self.durations_started:
                self.durations_started.add(key)
                expression = self.workflow.script_engine.evaluate(task, definition.expression)
                duration = TimerEventDefinition.parse_iso_duration(expression)
                due = self.clock + TimerEventDefinition.get_timedelta_from_start(duration, self.clock)
                task._set_internal_data(event_value=due.isoformat())
        for task in self.workflow.get_tasks(state=TaskState.COMPLETED):
            definition = getattr(task.task_spec, "event_definition", None)
            if isinstance(definition, TimerEventDefinition) and str(task.id) not in self.timers_recorded:
                self._record_timer(task, _timer_due(task) or self.clock)

    def _complete(self, task, evaluated: dict[str, Any]) -> str | None:
        spec = task.task_spec
        if self._visit(spec.bpmn_id):
            return f"'{spec.bpmn_name or spec.bpmn_id}' came round {MAX_VISITS} times: the route loops here"
        form = form_to_dict(getattr(spec, "form", None))
        context = {**(branch_data.record_values(self.workflow) or {}), **task.data}
        today = self.clock.astimezone(LOCAL_TZ).date()
        answers = sample_answers(form, today, self.given, context)
        try:
            submitted = validate_submission(form, answers, context)
        except FormErrors as refused:
            self.problems.append(Problem(spec.bpmn_id, f"Task '{spec.bpmn_name or spec.bpmn_id}' refuses the sample "
                                                        f"answers: {refused}. Give answers in the data."))
            return "the sample answers were refused"
        self.steps.append(DryRunStep(spec.bpmn_id, spec.bpmn_name or spec.bpmn_id, "user_task", user_task_role(spec),
                                     evaluated["due_at"], spec.extensions.get("due_date"), _properties(spec),
                                     self.ready_since.get(str(task.id), self.clock), submitted))
        task.data.update(submitted)
        try:
            task.run()
        except Exception as error:  # as _engine_steps: the model's fault, reported, never raised
            self.problems.append(Problem(spec.bpmn_id, f"A case would stop in error here: {error}"))
            return "a step failed, as it would in a real case"
        return None

    def _fire_next_timer(self) -> str | None:
        waiting = [(t, due) for t, due in waiting_timers(self.workflow)
                   if not isinstance(t.task_spec.event_definition, CycleTimerEventDefinition)]
        if not waiting:
            return "the case waits for something a dry run cannot do (a message or a signal from outside)"
        task, due_at = min(waiting, key=lambda pair: pair[1])
        if self._visit(task.task_spec.bpmn_id):
            return f"'{task.task_spec.bpmn_name or task.task_spec.bpmn_id}' came round {MAX_VISITS} times: " \
                   "the route loops here"
        # SpiffWorkflow fires a timer once its time is strictly past.
        self.clock = max(self.clock, due_at + timedelta(seconds=1))
        self._record_timer(task, due_at)
        task._set_internal_data(event_fired=True)
        return None

    def _record_timer(self, task, due_at: datetime) -> None:
        spec = task.task_spec
        self.timers_recorded.add(str(task.id))
        self.steps.append(DryRunStep(spec.bpmn_id, spec.bpmn_name or spec.bpmn_id, "timer", None, due_at,
                                     spec.event_definition.expression, _properties(spec),
                                     self.waiting_since.get(str(task.id), self.clock)))

    def _visit(self, bpmn_id: str) -> bool:
        self.visits[bpmn_id] = self.visits.get(bpmn_id, 0) + 1
        return self.visits[bpmn_id] > MAX_VISITS


def _timer_due(task) -> datetime | None:
    try:
        return timer_due_at(task._get_internal_data("event_value"))
    except ValueError:  # a dry run reports the walk; a timer it cannot read waits from the clock
        return None


def _properties(spec) -> dict[str, str]:
    return {k: v for k, v in (getattr(spec, "extensions", None) or {}).items() if isinstance(v, str)}
