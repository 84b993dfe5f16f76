"""What version a stored state is, and the steps that bring an older one up to date.

A state is written as `spiff-<SpiffWorkflow serializer version>+nospec-<product format>`. On load
an older state is upgraded before it is restored: first by SpiffWorkflow's own serializer
migrations (for a state an older SpiffWorkflow wrote), then by the product's own steps, one format
at a time. The case is saved back at the current version by the command that loaded it.

SpiffWorkflow's migrations expect the spec inside the state, which these states leave out; they
are handed the current spec for the duration, and it is taken out again afterwards.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn.serializer.migration.version_migration import MIGRATIONS as SPIFF_MIGRATIONS
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SPIFF_VERSION

#: The product's own format of the stored state; bump it with a step registered for the old one.
PRODUCT_FORMAT = 1
_VERSION = re.compile(r"^spiff-(?P<spiff>\d+(?:\.\d+)*)\+nospec-(?P<product>\d+)$")

Step = Callable[[dict[str, Any]], None]
_PRODUCT_STEPS: dict[int, Step] = {}


class StateVersionError(RuntimeError):
    """A stored state this code cannot read (unknown version, or no step to upgrade it): a fault
    for whoever deploys the code, not something an officer can correct."""


def current_version() -> str:
    return f"spiff-{SPIFF_VERSION}+nospec-{PRODUCT_FORMAT}"


def register_step(from_format: int, step: Step) -> None:
    """`step` changes a state of `from_format` in place into one of `from_format + 1`."""
    _PRODUCT_STEPS[from_format] = step


def unregister_step(from_format: int) -> None:
    _PRODUCT_STEPS.pop(from_format, None)


def parse_version(version: str | None) -> tuple[str, int]:
    found = _VERSION.match(version or "")
    if found is None:
        raise StateVersionError(f"stored state has an unknown version '{version}'")
    return found["spiff"], int(found["product"])


def _newer(version: str, than: str) -> bool:
    return tuple(map(int, version.split("."))) > tuple(map(int, than.split(".")))


def upgrade(state: dict[str, Any], version: str | None, specs: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """`state` at the current version (a copy when anything changed). `specs` gives the current
    spec and subprocess specs, serialized, for SpiffWorkflow's migrations."""
    spiff, product = parse_version(version)
    if _newer(spiff, SPIFF_VERSION) or product > PRODUCT_FORMAT:
        raise StateVersionError(f"stored state is version {version}, newer than this code's {current_version()}")
    if spiff == SPIFF_VERSION and product == PRODUCT_FORMAT:
        return state
    state = deepcopy(state)
    if spiff != SPIFF_VERSION:
        _spiff_migrate(state, spiff, specs())
    for format_ in range(product, PRODUCT_FORMAT):
        step = _PRODUCT_STEPS.get(format_)
        if step is None:
            raise StateVersionError(f"no step upgrades stored state from format {format_} to {format_ + 1}")
        step(state)
    return state


def _spiff_migrate(state: dict[str, Any], spiff: str, specs: dict[str, Any]) -> None:
    migrate = SPIFF_MIGRATIONS.get(spiff)
    if migrate is None:
        raise StateVersionError(f"SpiffWorkflow {SPIFF_VERSION} cannot migrate a state of its version {spiff}")
    state.update(specs)
    try:
        migrate(state)
    finally:
        for key in (*specs, "VERSION"):
            state.pop(key, None)
