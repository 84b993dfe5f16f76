"""Scripts and expressions under RestrictedPython with an allow-list of functions.

Every expression a BPMN model holds (gateway conditions, timer dates, due dates, script tasks) runs
here: no imports, no dunder or underscore attributes, no I/O. The domain registers the functions a
model may call (`register_function`), so `working_days_after(notice_given_on, 15)` works in a
timer without the engine knowing what a working day is.
"""
from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

from RestrictedPython import compile_restricted, limited_builtins, safe_builtins, utility_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import full_write_guard, guarded_iter_unpack_sequence, safer_getattr
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment

_FUNCTIONS: dict[str, Callable[..., Any]] = {}

# Values scripts may use besides the registered functions: plain types and date arithmetic.
_BASE_NAMES: dict[str, Any] = {"date": date, "datetime": datetime, "timedelta": timedelta}

# An ISO 8601 literal as the Camunda modeller writes it (PT5S, 2026-01-13, R3/PT1H): not Python,
# but what a process owner types into a timer field, so it is taken as the literal it is.
_ISO_LITERAL = re.compile(r"^(R\d*/)?(P[0-9YMWDTHS.,]+|\d{4}-\d{2}-\d{2}([T ][0-9:.+\-Z]+)?)(/.*)?$")


def register_function(name: str, function: Callable[..., Any]) -> None:
    """Allow models to call `function` by `name`. Called by the domain at import time."""
    if name.startswith("_"):
        raise ValueError("script function names may not start with an underscore")
    _FUNCTIONS[name] = function


def registered_functions() -> dict[str, Callable[..., Any]]:
    return dict(_FUNCTIONS)


def strip_expression(expression: str) -> str:
    """`${x}` (Camunda/JUEL style, as the properties panel writes it) means the expression x."""
    text = expression.strip()
    if text.startswith("${") and text.endswith("}"):
        text = text[2:-1].strip()
    return text


def _inplace(op: str, x: Any, y: Any) -> Any:
    operators = {"+=": lambda a, b: a + b, "-=": lambda a, b: a - b, "*=": lambda a, b: a * b}
    if op not in operators:
        raise SyntaxError(f"operator {op} is not allowed in scripts")
    return operators[op](x, y)


def _restricted_globals() -> dict[str, Any]:
    builtins = dict(safe_builtins)
    builtins.update(limited_builtins)
    builtins.update(utility_builtins)
    for name in ("dict", "list", "set", "sorted", "sum", "min", "max", "any", "all", "enumerate", "map",
                 "filter", "reversed"):
        builtins[name] = __builtins__[name] if isinstance(__builtins__, dict) else getattr(__builtins__, name)
    for dangerous in ("__import__", "open", "compile", "exec", "eval", "getattr", "setattr", "delattr"):
        builtins.pop(dangerous, None)
    return {
        "__builtins__": builtins,
        "_getattr_": safer_getattr,
        "_getitem_": default_guarded_getitem,
        "_getiter_": default_guarded_getiter,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_iter_unpack_sequence,
        "_write_": full_write_guard,
        "_inplacevar_": _inplace,
        **_BASE_NAMES,
    }


class ScriptRejected(Exception):
    """The sandbox refused a script or expression (imports, underscore names, bad syntax)."""


@lru_cache(maxsize=4096)
def _compile(source: str, mode: Literal["eval", "exec"]):
    try:
        return compile_restricted(source, f"<{mode}>", mode)
    except SyntaxError as error:
        detail = "; ".join(error.args[0]) if error.args and isinstance(error.args[0], tuple) else str(error)
        raise ScriptRejected(f"refused by the script sandbox: {detail}") from None


def compile_expression(expression: str):
    return _compile(expression, "eval")


def compile_script(script: str):
    return _compile(script, "exec")


def check_expression(expression: str) -> str | None:
    """What stops the expression running, as the end of a sentence that starts with the expression
    ("... cannot run: ...", "... calls unknown function 'x': ..."); None when it can run."""
    text = strip_expression(expression)
    if _ISO_LITERAL.match(text):
        return None
    try:
        compile_expression(text)
    except ScriptRejected as error:
        return f"expression '{text}' cannot run: it is {error}"
    tree = ast.parse(text, mode="eval")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
            known = name in _FUNCTIONS or name in _BASE_NAMES or name in _restricted_globals()["__builtins__"]
            if not known:
                return f"expression '{text}' calls unknown function '{name}': {_function_hint(name)}"
    return None


def _function_hint(name: str) -> str:
    close = difflib.get_close_matches(name, sorted(_FUNCTIONS), n=2, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return (f"it is not one of the {len(_FUNCTIONS)} functions a model may call; choose one the modeller offers "
            "or check the spelling") if _FUNCTIONS else \
        "a model may call no functions here"


def check_script(script: str) -> str | None:
    try:
        compile_script(script)
    except ScriptRejected as error:
        return f"script {error}"
    return None


class RestrictedEnvironment(TaskDataEnvironment):
    """Task data is the local namespace; the allow-list is the global one."""

    def _globals(self, external_context: dict | None) -> dict[str, Any]:
        scope = _restricted_globals()
        scope.update(_FUNCTIONS)
        scope.update(external_context or {})
        return scope

    def evaluate(self, expression, context, external_context=None):
        text = strip_expression(expression)
        if _ISO_LITERAL.match(text):
            return text
        scope = self._globals(external_context)
        scope.update(context)
        return eval(compile_expression(text), scope)  # noqa: S307 - compiled by RestrictedPython

    def execute(self, script, context, external_context=None):
        # Task data is the local namespace, so a data key shadows a function of the same name, as
        # it does in expressions; a script only fails if it calls what its data has hidden.
        scope = self._globals(external_context)
        local_vars = dict(context)
        exec(compile_script(script), scope, local_vars)  # noqa: S102 - compiled by RestrictedPython
        for key, value in local_vars.items():
            if not callable(value) and not key.startswith("_"):
                context[key] = value
        for key in [k for k in context if k not in local_vars]:
            del context[key]
        return True


def make_script_engine() -> PythonScriptEngine:
    return PythonScriptEngine(environment=RestrictedEnvironment())
