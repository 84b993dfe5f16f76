"""Field-level `show_if` rules of a camunda:formData form, read without eval.

A form field with the camunda property `show_if` applies only when the rule holds, e.g.
`notice_recommended == true` (another field of the same form) or `diocese_name` (a case-data
value that is set). The grammar is deliberately tiny, so a BPMN author cannot run code through it:

    rule  := term ("and" term)*
    term  := name | "not" name | name ("==" | "!=") value
    value := true | false | a number | 'text' | "text" | a bare word

`and` lets one field depend on several others, e.g. reasons for using no power shown only when no
power is ticked (`not power_a and not power_b`). The rule is looked up in the submitted answers
first, then in the case data.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import InvalidInput

_NAME = r"[A-Za-z_][A-Za-z0-9_.]*"
_VALUE = r"""'[^']*'|"[^"]*"|[^\s'"]+"""
_RULE = re.compile(rf"^\s*(?:(?P<not>not)\s+)?(?P<name>{_NAME})\s*(?:(?P<op>==|!=)\s*(?P<value>{_VALUE}))?\s*$")


@dataclass(frozen=True)
class ShowIf:
    name: str
    op: str  # "==", "!=" or "truthy"/"falsy" for a bare name
    value: Any = None
    also: tuple[ShowIf, ...] = ()  # further terms joined by "and"

    def holds(self, values: dict[str, Any]) -> bool:
        return self._term_holds(values) and all(term.holds(values) for term in self.also)

    def _term_holds(self, values: dict[str, Any]) -> bool:
        actual = values.get(self.name)
        if self.op == "truthy":
            return _truthy(actual)
        if self.op == "falsy":
            return not _truthy(actual)
        same = _normalise(actual) == self.value
        return same if self.op == "==" else not same


def _truthy(value: Any) -> bool:
    return bool(value) and str(value).strip().lower() not in ("false", "no", "0", "none")


def _literal(text: str) -> Any:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return _normalise(text)


def _normalise(value: Any) -> Any:
    """Answers arrive as text, bools or numbers; compare them in one form."""
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


# " and " joins terms only outside quotes: a quoted value such as 'safety and welfare' is one value.
_TERM_SEPARATOR = re.compile(r"""\s+and\s+(?=(?:[^'"]|'[^']*'|"[^"]*")*$)""")


def parse_show_if(rule: str) -> ShowIf:
    first, *rest = [_parse_term(term, rule) for term in _TERM_SEPARATOR.split((rule or "").strip())]
    return ShowIf(first.name, first.op, first.value, tuple(rest))


def _parse_term(term: str, rule: str) -> ShowIf:
    match = _RULE.match(term)
    if not match or (match["not"] and match["op"]):
        raise InvalidInput(f"show_if rule {rule!r} is not of the form: name, not name, name == value "
                           "(terms joined by 'and')")
    if match["op"]:
        return ShowIf(match["name"], match["op"], _literal(match["value"]))
    return ShowIf(match["name"], "falsy" if match["not"] else "truthy")


def rule_of(field: dict[str, Any]) -> ShowIf | None:
    rule = (field.get("properties") or {}).get("show_if")
    return parse_show_if(rule) if rule else None


def applies(field: dict[str, Any], values: dict[str, Any]) -> bool:
    """Whether the field is shown (and so checked) given these answers and case data."""
    rule = rule_of(field)
    return rule is None or rule.holds(values)
