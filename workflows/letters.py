"""Statutory letters as PDFs: warning notices, notices of intention, statements of action, Letters of Concern.

A BPMN user task names the letter its completion issues with the camunda:property `letter`
(`warning_notice`, `notice_of_intention`, `statement_of_action`, `letter_of_concern`). When an
officer completes it, `generate_for_task` records the letter with the data it is rendered from in
the same transaction as the step, so a case never moves on without the notice it gave; the PDF is
rendered after that transaction commits (a render can take a second, and must not hold the case's
lock or SQLite's write lock), and a render that fails leaves the letter "failed", not the step undone.

A task cannot complete while its letter lacks a statutory content or contradicts itself
(`workflows.notice_rules`, run by the engine before the step), so an issued letter is complete. A
letter rendered outside that path (a preview, a test) still shows a red "MISSING: ..." placeholder
where a content belongs and its title ends "(incomplete)". Which data keys each letter reads is
documented in `workflows.letter_rules`; who receives it, in `workflows.notice_copies`.

Rendering is offline: Jinja2 HTML templates in `letter_templates/` with their CSS inlined, fonts from
the machine's fontconfig (DejaVu Sans or Liberation Sans), and a URL fetcher that refuses anything
but local files under the templates folder and data: URLs.
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker, undefer

from engine.clock import optional_date, today_local
from engine.db import run_after_commit, transaction, utcnow
from engine.hooks import register_task_completed_hook
from engine.models import ProcessInstance

from .account_models import User
from .letter_models import LETTER_KINDS, Letter
from .letter_rules import check_required_content, day, text
from .letter_template_values import build_context
from .letterheads import letterhead
from .maintained_warning_notice.letters import GIVEN_ON as POWER_LETTERS_GIVEN_ON
from .notice_copies import recipients
from .roles import ROLES_BY_ID

__all__ = ["check_required_content", "generate_for_task", "issue_letter", "letter_by_id",
           "letters_for_case", "preview_letter", "recipients", "register_with_engine", "render_after_commit", "render_again",
           "render_letter", "render_stored"]

log = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parent / "letter_templates"
MEDIA_TYPE = "application/pdf"


def _LocalOnlyFetcher():  # noqa: N802 - used like the class it builds
    """Letters never touch the network: a template that links a web font or image fails to render."""
    return _local_only_fetcher_class()()


@functools.cache
def _local_only_fetcher_class():
    # WeasyPrint takes most of a second to import; only code that renders a letter pays for it,
    # not every command, worker and web process that merely registers the letters hook.
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, fail_on_errors=True)

        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(unquote(urlparse(url).path)).resolve()
                if not path.is_relative_to(TEMPLATE_DIR):
                    raise ValueError(f"letters may only read files under {TEMPLATE_DIR}, not {path}")
            elif not url.startswith("data:"):
                raise ValueError(f"letters may not fetch {url}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher


def long_date(value: Any) -> str:
    """'Tuesday 13 January 2026', the way GOV.UK writes dates."""
    found = optional_date(value)
    return f"{found:%A} {found.day} {found:%B %Y}" if found else ""


def paragraphs(value: Any) -> Markup:
    """Officer-typed text as paragraphs; a block whose every line starts with '-', '*' or '1.' is a list."""
    if not value:
        return Markup("")
    if isinstance(value, list | tuple):
        value = "\n".join(f"- {item}" for item in value)
    marker = re.compile(r"^(?:[-*\u2022]|\d+[.)])\s+")
    html = []
    for block in re.split(r"\n\s*\n", str(value).strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if (len(lines) > 1 and all(marker.match(line) for line in lines)) or (
                len(lines) == 1 and lines[0][:2] in ("- ", "* ")):
            items = "".join(f"<li>{escape(marker.sub('', line))}</li>" for line in lines)
            html.append(f"<ul>{items}</ul>")
        else:
            html.append(f"<p>{Markup('<br>').join(escape(line) for line in lines)}</p>")
    return Markup("".join(html))


def lines(value: Any) -> Markup:
    """An address typed on several lines, or given as a list, as lines."""
    if not value:
        return Markup("")
    parts = value if isinstance(value, list | tuple) else re.split(r"\n|,\s*(?=\S)", str(value))
    return Markup("<br>").join(escape(str(part).strip()) for part in parts if str(part).strip())


def join_and(items: Any) -> str:
    """'A, B and C'."""
    items = [str(item) for item in items or ()]
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def placeholder(message: str) -> Markup:
    return Markup('<span class="missing">MISSING: {}</span>').format(message)


@functools.cache
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(long_date=long_date, paragraphs=paragraphs, lines=lines, join_and=join_and)
    env.globals.update(placeholder=placeholder)
    return env


def render_html(kind: str, data: dict[str, Any], issued_on: date, organisation_name: str) -> tuple[str, dict]:
    if kind not in LETTER_KINDS:
        raise ValueError(f"unknown letter kind {kind!r}; one of {', '.join(LETTER_KINDS)}")
    context = build_context(kind, dict(data or {}), issued_on, organisation_name)
    return _environment().get_template(f"{kind}.html").render(**context), context


def render_letter(kind: str, data: dict[str, Any], issued_on: date,
                  organisation_name: str) -> tuple[str, str, bytes, list[dict[str, str]]]:
    """Render one letter: (title, filename, PDF bytes, recipients)."""
    from weasyprint import HTML  # see _local_only_fetcher_class

    html, context = render_html(kind, data, issued_on, organisation_name)
    document = HTML(string=html, base_url=str(TEMPLATE_DIR) + "/", url_fetcher=_LocalOnlyFetcher())
    pdf = document.write_pdf()
    if pdf is None:  # only when a target is given
        raise RuntimeError("WeasyPrint returned no PDF")
    return context["title"], context["filename"], pdf, context["recipients"]


#: The data item holding the day a letter of each kind is given: the letter bears that date.
GIVEN_ON = {"warning_notice": "notice_given_on", "notice_of_intention": "notice_of_intention_given_on",
            "statement_of_action": "statement_sent_on", **POWER_LETTERS_GIVEN_ON}


def _letter_date(kind: str, data: dict[str, Any]) -> date:
    """The date the letter bears: the day the form says it is given (or `letter_dated_on`), else today."""
    explicit = optional_date(data.get("letter_dated_on"))
    if explicit is None and kind in GIVEN_ON:
        explicit = day(data, GIVEN_ON[kind])
    return explicit or today_local()


def render_input(instance: Any, kind: str, data: dict[str, Any]) -> tuple[dict[str, Any], date, str]:
    """What a letter of the case is rendered from: (case data with the step's answers, date, organisation)."""
    merged = {**(instance.data or {}), **(data or {})}
    if text(merged, "urn") is None and instance.business_key:
        merged["urn"] = instance.business_key
    merged.setdefault("case_id", instance.id)
    found = letterhead(instance.owner)
    if found:  # kept with the letter: a letterhead changed later does not change a letter sent
        merged["letterhead"] = found
    merged = json.loads(json.dumps(merged, default=str))  # as stored: a render again reads the same
    organisation = (found or {}).get("name") or text(merged, "la_name") or instance.owner or "The local authority"
    return merged, _letter_date(kind, merged), organisation


def preview_letter(instance: Any, kind: str, data: dict[str, Any]) -> tuple[str, bytes]:
    """The letter the step would issue with `data`, rendered now and saved nowhere: (filename, PDF)."""
    merged, issued_on, organisation = render_input(instance, kind, data)
    _, filename, pdf, _ = render_letter(kind, merged, issued_on, organisation)
    return filename, pdf


def issue_letter(session: Session, instance: Any, kind: str, data: dict[str, Any], actor: str,
                 task_id: str | None = None) -> Letter:
    """Record a letter for a case from its data, in the caller's transaction; its PDF is rendered
    once that transaction commits (`render_stored`), so WeasyPrint never runs under the case's lock."""
    merged, issued_on, organisation = render_input(instance, kind, data)
    context = build_context(kind, dict(merged), issued_on, organisation)
    letter = Letter(instance_id=instance.id, owner=instance.owner, kind=kind, title=context["title"][:300],
                    filename=context["filename"][:200], media_type=MEDIA_TYPE, content=None, sha256=None,
                    status="pending", created_at=utcnow(), created_by=actor, task_id=task_id,
                    recipients=context["recipients"],
                    render_input={"data": merged, "issued_on": issued_on.isoformat(), "organisation": organisation})
    session.add(letter)
    session.flush()
    render_after_commit(session, letter.id)
    return letter


def render_after_commit(session: Session, letter_id: int) -> None:
    """Render the letter's PDF once `session` commits (in the same request or command)."""
    factory = _factory_beside(session)
    run_after_commit(session, lambda: _render_quietly(factory, letter_id))


def render_again(session: Session, letter_id: int) -> bool:
    """Render a pending or failed letter now, on `session`'s database; call it with no transaction
    open on `session` (commit first), so the render waits on no lock of the caller's."""
    return render_stored(_factory_beside(session), letter_id)


def _factory_beside(session: Session) -> sessionmaker[Session]:
    # Sessions of their own on the same database (joining the tests' rolled-back connection).
    return sessionmaker(bind=session.get_bind(), expire_on_commit=False, join_transaction_mode="create_savepoint")


def _render_quietly(factory: sessionmaker[Session], letter_id: int) -> None:
    try:
        render_stored(factory, letter_id)
    except Exception:  # the step has committed; the letter stays pending, to be rendered again
        log.exception("letter %s: could not record its rendering", letter_id)


def render_stored(factory: sessionmaker[Session], letter_id: int) -> bool:
    """Render a pending or failed letter from its stored data and store the PDF; True if issued.

    Three short steps, so that no transaction is open while the PDF is rendered: read the stored
    data, render, then write the result (or the failure, leaving the letter to be rendered again).
    """
    with transaction(factory, read_only=True) as session:
        letter = session.get(Letter, letter_id)
        if letter is None or letter.status == "issued" or not letter.render_input:
            return False
        kind, given = letter.kind, dict(letter.render_input)
    try:
        _, _, pdf, _ = render_letter(kind, given["data"], date.fromisoformat(given["issued_on"]), given["organisation"])
    except Exception as error:
        log.exception("letter %s could not be rendered", letter_id)
        _record_render(factory, letter_id, None, f"{type(error).__name__}: {error}"[:2000])
        return False
    return _record_render(factory, letter_id, pdf, None)


def _record_render(factory: sessionmaker[Session], letter_id: int, pdf: bytes | None, error: str | None) -> bool:
    from engine.runtime import audit  # the runtime imports the hooks; import it when first used

    with transaction(factory) as session:
        letter = session.get(Letter, letter_id)
        if letter is None or letter.status == "issued":  # rendered meanwhile by another request
            return False
        instance = session.get(ProcessInstance, letter.instance_id)
        if pdf is None:
            letter.status, letter.error = "failed", error
            audit(session, instance, letter.created_by, "letter_failed", task_id=letter.task_id, detail=letter.title,
                  data={"letter_id": letter.id, "kind": letter.kind, "error": error})
            return False
        letter.content, letter.sha256 = pdf, hashlib.sha256(pdf).hexdigest()
        letter.status, letter.error = "issued", None
        audit(session, instance, letter.created_by, "letter_issued", task_id=letter.task_id, detail=letter.title,
              data={"letter_id": letter.id, "kind": letter.kind, "sha256": letter.sha256})
        return True


def letters_named(properties: dict[str, Any] | None, case: dict[str, Any]) -> list[str]:
    """The letters a task issues: its `letter` property, and each `kind:flag` of its `letters` property
    whose flag the case data sets (one task can give a notice per power chosen)."""
    properties = properties or {}
    kinds = [str(properties.get("letter") or "").strip()]
    for entry in str(properties.get("letters") or "").split():
        kind, _, flag_name = entry.partition(":")
        if not flag_name or case.get(flag_name) is True:
            kinds.append(kind)
    return [kind for kind in kinds if kind]


def signed_by(task_row: Any, data: dict[str, Any], signer: Any | None) -> dict[str, Any]:
    """The step's answers with who signs its letters: the role of the task's lane (WN-8) and, when the
    officer completing the step holds that role, their name (a name the form or the case gives comes
    first: letter_rules.signatory). The check page's preview and the issued letter both go through
    here, so the officer checks the signature the letter will carry."""
    role = ROLES_BY_ID.get(str(getattr(task_row, "role", "") or ""))
    if role is None:
        return dict(data or {})
    signed = {**(data or {}), "signatory_lane_title": role.name}
    if signer is not None and role.id in (signer.roles or []) and signer.display_name:
        signed["signatory_officer_name"] = signer.display_name
    return signed


def generate_for_task(session: Session, instance: Any, task_row: Any, data: dict[str, Any]) -> None:
    """The engine's task-completed hook: issue the letters the completed task names, if any, signed
    as `signed_by` says."""
    case = {**(instance.data or {}), **(data or {})}
    kinds = letters_named(getattr(task_row, "properties", None), case)
    if not kinds:
        return
    signer = session.scalar(select(User).where(User.email == task_row.completed_by)) if task_row.completed_by else None
    signed = signed_by(task_row, data, signer)
    for kind in kinds:
        if kind not in LETTER_KINDS:
            log.warning("task %s names an unknown letter %r; no letter issued", task_row.bpmn_id, kind)
            continue
        issue_letter(session, instance, kind, signed, task_row.completed_by or "system", task_row.id)


def letters_for_case(session: Session, instance_id: int) -> list[Letter]:
    """A case's letters, oldest first, without their PDF bytes (loaded when `content` is read)."""
    query = select(Letter).where(Letter.instance_id == instance_id).order_by(Letter.created_at, Letter.id)
    return list(session.scalars(query))


def letter_by_id(session: Session, instance_id: int, letter_id: int) -> Letter | None:
    """One letter of one case, with its bytes; None for a letter of another case (or none at all)."""
    query = (select(Letter).options(undefer(Letter.content))
             .where(Letter.id == letter_id, Letter.instance_id == instance_id))
    return session.scalars(query).first()


def register_with_engine() -> None:
    register_task_completed_hook(generate_for_task)
