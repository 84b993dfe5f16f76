"""Errors the engine raises for things a user did, each with a message fit to show them."""
from __future__ import annotations

from dataclasses import dataclass


class EngineError(Exception):
    """Base for errors caused by input; callers show `str(error)` and change nothing."""


class NotFound(EngineError):
    pass


class Conflict(EngineError):
    """Someone else changed the case first (optimistic lock) or the task is no longer open."""


class InvalidInput(EngineError):
    pass


class NotAllowed(EngineError):
    pass


@dataclass(frozen=True)
class Problem:
    element_id: str
    message: str
    #: "error" blocks a deploy; "warning" is reported and the model still deploys (a script the
    #: sandbox will refuse at run time puts only the cases that reach it in error).
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.element_id}: {self.message}"


class InvalidDefinition(EngineError):
    """A BPMN file that cannot be deployed; `problems` lists every one found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))
