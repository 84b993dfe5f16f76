"""What each statutory process package declares, and how the domain is installed into the engine.

A process package (`workflows/<process_key>/__init__.py`) defines `PROCESS = ProcessPackage(...)`.
Other domain modules that need to hook the engine define `register_with_engine()`. `install()`
finds both, so adding a process or a rule module needs no edit to a shared list.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from engine.hooks import DeadlineInfo, register_deadline_hook

ROOT = Path(__file__).resolve().parent.parent
BPMN_DIR = ROOT / "bpmn"


@dataclass(frozen=True)
class ProcessPackage:
    key: str
    title: str
    #: One paragraph for officers: what the route is and its legal basis.
    summary: str
    #: School types (GIAS "TypeOfEstablishment (name)" groups, see workflows.schools) the route applies to.
    applies_to: tuple[str, ...] = ()
    #: Works out the case's deadlines from its data; `today` decides pending or missed.
    deadlines: Callable[[dict[str, Any], date], list[DeadlineInfo]] | None = None
    dmn_files: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def bpmn_path(self) -> Path:
        return BPMN_DIR / f"{self.key}.bpmn"

    def read_bpmn(self) -> str:
        return self.bpmn_path.read_text(encoding="utf-8")

    def read_dmn(self) -> list[str]:
        return [(BPMN_DIR / name).read_text(encoding="utf-8") for name in self.dmn_files]


_PROCESSES: dict[str, ProcessPackage] = {}
_INSTALLED = False


def processes() -> dict[str, ProcessPackage]:
    install()
    return dict(_PROCESSES)


def process(key: str) -> ProcessPackage | None:
    return processes().get(key)


def _deadlines_hook(process_key: str, data: dict[str, Any], today: date) -> list[DeadlineInfo] | None:
    package = _PROCESSES.get(process_key)
    if package is None or package.deadlines is None:
        return None
    return package.deadlines(data, today)


def install() -> None:
    """Register every domain module with the engine; safe to call more than once."""
    global _INSTALLED
    if _INSTALLED:
        return
    _INSTALLED = True
    import workflows

    for module_info in pkgutil.iter_modules(workflows.__path__):
        if module_info.name in ("registry", "migrate"):
            continue
        module = importlib.import_module(f"workflows.{module_info.name}")
        package = getattr(module, "PROCESS", None)
        if isinstance(package, ProcessPackage):
            _PROCESSES[package.key] = package
        register = getattr(module, "register_with_engine", None)
        if callable(register):
            register()
    register_deadline_hook(_deadlines_hook)
