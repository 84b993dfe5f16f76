"""Checks an officer sees before a letter goes: text that looks like a placeholder, and a preview.

Issue 9: a warning notice whose contents were "x", "y" and "z" went out and started the statutory
clock. The statutory-content rules (`notice_rules`) catch a content that is missing; these catch a
content that is there but is not yet real text. A placeholder is not always wrong ("N/A" may be the
answer), so the officer may confirm it on the check page; an unconfirmed one refuses the step at
every door (web, API, command line), through the same engine validation hook as the content rules.
"""
from __future__ import annotations

import re
from typing import Any

#: Where the check page records what the officer confirmed: a key of the task's draft (never of the
#: case data), read by the validation hook before the step completes.
CONFIRMED_KEY = "intervene_confirmed_placeholders"

#: Whole answers that are placeholders however they are written.
PLACEHOLDER_WORDS = {"x", "y", "z", "xx", "tbc", "tbd", "tba", "todo", "to do", "to follow", "placeholder",
                     "test", "testing", "asdf", "qwerty", "foo", "bar", "dummy", "insert",
                     "?", "..."}
#: Words that mark a placeholder anywhere in a longer text.
PLACEHOLDER_PATTERNS = (
    re.compile(r"\[\s*insert", re.IGNORECASE),
    re.compile(r"\blorem\s+ipsum\b", re.IGNORECASE),
    re.compile(r"\b(?:tbc|tbd|tba)\b", re.IGNORECASE),
    re.compile(r"\bx{3,}\b", re.IGNORECASE),
    re.compile(r"<\s*(?:insert|name|date|school)[^>]*>", re.IGNORECASE),
    re.compile(r"\[\s*(?:name|date|school|details?)\s*\]", re.IGNORECASE),
)


def looks_like_placeholder(answer: Any) -> bool:
    """True for text an officer is unlikely to mean a governing body to read as it stands."""
    if not isinstance(answer, str) or not answer.strip():
        return False
    plain = " ".join(answer.split()).lower()
    if plain.strip(" .") in PLACEHOLDER_WORDS or plain in PLACEHOLDER_WORDS:
        return True
    letters = re.sub(r"[\s\W_]", "", plain)
    if len(set(letters)) == 1 and len(letters) >= 1:  # "x", "aaaa", "1111", "z z z"
        return True
    return any(pattern.search(answer) for pattern in PLACEHOLDER_PATTERNS)


def placeholders(form: dict[str, Any], data: dict[str, Any]) -> dict[str, str]:
    """The form's text answers that look like placeholders: {field id: the answer}, in form order."""
    found = {}
    for field in form.get("fields", []):
        if (field.get("type") or "string") != "string":
            continue
        answer = data.get(field["id"])
        if looks_like_placeholder(answer):
            found[field["id"]] = str(answer)
    return found


def confirmation_token(field_id: str, answer: str) -> str:
    """What the officer confirmed: the field and its exact answer, so a changed answer is checked again."""
    return f"{field_id}={' '.join(str(answer).split())}"


def unconfirmed_placeholders(form: dict[str, Any], data: dict[str, Any], draft: dict[str, Any] | None
                             ) -> dict[str, str]:
    """Placeholder answers the officer has not confirmed on the check page, by field id."""
    confirmed = set((draft or {}).get(CONFIRMED_KEY) or [])
    return {field_id: answer for field_id, answer in placeholders(form, data).items()
            if confirmation_token(field_id, answer) not in confirmed}


def placeholder_problems(form: dict[str, Any], data: dict[str, Any], draft: dict[str, Any] | None
                         ) -> dict[str, str]:
    """Sentences for the GOV.UK error summary, one per unconfirmed placeholder."""
    labels = {field["id"]: field.get("label") or field["id"] for field in form.get("fields", [])}
    return {field_id: (f"‘{_short(answer)}’ in ‘{labels[field_id]}’ looks like placeholder text: replace it "
                       f"with what the letter should say, or confirm on the check page that it is meant")
            for field_id, answer in unconfirmed_placeholders(form, data, draft).items()}


def _short(answer: str) -> str:
    plain = " ".join(answer.split())
    return plain if len(plain) <= 40 else plain[:37] + "..."
