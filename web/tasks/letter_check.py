"""Check your answers before a letter goes: /tasks/<id>/check and /tasks/<id>/preview.pdf.

A task that issues a letter (camunda:property `letter`) does not complete from its form: the form's
answers are checked (the form's own validation and the notice's completeness rules) and kept as the
task's draft, and the officer sees them with "Change" links and the letter rendered from them, as it
will be sent. "Issue the letter" then completes the task from that draft; the engine runs the same
rules again (and refuses placeholder text the officer has not confirmed here), so nothing reaches a
governing body unchecked however the step is completed.
"""
from __future__ import annotations

import base64
import io
import threading
from datetime import date
from typing import Any

from flask import Response, abort, redirect, render_template, request, url_for

from engine import runtime
from engine.errors import Conflict, NotAllowed
from engine.forms import FormErrors, validate_submission
from engine.models import HumanTask
from workflows.access import may_act_on, visible_instance, visible_task
from workflows.letter_checks import CONFIRMED_KEY, confirmation_token, unconfirmed_placeholders
from workflows.notice_rules import task_problems

from ..access import requires, user
from ..case_page import case_context
from ..db import db
from ..fields import editable, initial_values, widget
from ..formatting import govuk_date
from .views import _page, blueprint


def letter_kind(task: HumanTask) -> str:
    return str((task.properties or {}).get("letter") or "").strip()


def checked_answers(task: HumanTask, data: dict[str, Any]) -> dict[str, Any]:
    """The form's answers, validated, with the notice rules applied to the case as it would become;
    FormErrors (by field) when either refuses them."""
    instance = visible_instance(db(), user(), task.instance_id)
    validated = validate_submission(task.form, data, instance.data)
    field_ids = [field["id"] for field in task.form.get("fields", [])]
    problems = task_problems(task.properties or {}, field_ids, {**(instance.data or {}), **validated})
    if problems:
        raise FormErrors(problems)
    return validated


def _open_task_to_check(task_id: str) -> HumanTask:
    me = user()
    task = visible_task(db(), me, task_id)
    if not letter_kind(task):
        abort(404)
    if not task.is_open:
        raise Conflict(f"‘{task.name}’ has already been completed")
    if not may_act_on(me, task):
        raise NotAllowed("this task is for a role you do not hold, or someone else has claimed it")
    return task


def _shown(field: dict[str, Any], answer: Any) -> str:
    kind = widget(field)
    if answer in (None, ""):
        return "Not given"
    if kind == "checkbox":
        return "Yes" if answer is True else "No"
    if kind == "date":
        try:
            return govuk_date(date.fromisoformat(str(answer)[:10]))
        except ValueError:
            return str(answer)
    if kind in ("radios", "select"):
        names = {option["id"]: option.get("name") or option["id"] for option in field.get("options") or []}
        return names.get(answer, str(answer))
    return str(answer)


def _summary_rows(task: HumanTask, answers: dict[str, Any], links: bool = True) -> list[dict[str, Any]]:
    rows = []
    for field in editable(task.form):
        href = url_for("tasks.task_page", task_id=task.id) + (f"#{field['id']}-day" if widget(field) == "date"
                                                              else f"#{field['id']}")
        label = field.get("label") or field["id"]
        row: dict[str, Any] = {"key": {"text": label}, "value": {"text": _shown(field, answers.get(field["id"]))}}
        if links:
            row["actions"] = {"items": [{"href": href, "text": "Change", "visuallyHiddenText": label}]}
        rows.append(row)
    return rows


#: Resolution of the page images on the check page: readable at the width of the main column.
PREVIEW_DPI = 80


#: PDFium is not thread-safe, and the web server answers on several threads.
_PDFIUM = threading.Lock()


def page_images(pdf: bytes) -> list[str]:
    """The letter's pages as PNG data: URLs (the site's CSP allows no embedded PDF), drawn by PDFium
    (pypdfium2, wheels on PyPI), so the check page shows the letter on any machine."""
    import pypdfium2 as pdfium  # loads only when a letter is checked

    urls = []
    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            for page in document:
                buffer = io.BytesIO()
                page.render(scale=PREVIEW_DPI / 72).to_pil().save(buffer, format="PNG")
                urls.append("data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode())
        finally:
            document.close()
    return urls


def _preview(task: HumanTask) -> tuple[str, bytes]:
    from workflows.letters import preview_letter, signed_by  # WeasyPrint loads only when a letter is rendered

    answers = {k: v for k, v in (task.draft or {}).items() if k != CONFIRMED_KEY}
    # Signed as the issued letter will be: the officer checking it is the one who issues it.
    return preview_letter(visible_instance(db(), user(), task.instance_id), letter_kind(task),
                          signed_by(task, answers, user()))


def _check_page(task: HumanTask, error: str | None = None, status: int = 200):
    answers = dict(task.draft or {})
    answers.pop(CONFIRMED_KEY, None)
    labels = {field["id"]: field.get("label") or field["id"] for field in task.form.get("fields", [])}
    suspicious = [{"id": field_id, "label": labels.get(field_id, field_id), "answer": answer,
                   "token": confirmation_token(field_id, answer)}
                  for field_id, answer in unconfirmed_placeholders(task.form, answers, None).items()]
    instance = visible_instance(db(), user(), task.instance_id)
    return render_template("tasks/check.html", task=task, context=case_context(db(), instance),
                           rows=_summary_rows(task, answers), placeholders=suspicious, error=error,
                           pages=page_images(_preview(task)[1]), issue_url=url_for("tasks.issue", task_id=task.id),
                           preview_url=url_for("tasks.preview", task_id=task.id),
                           error_list=[{"text": error, "href": "#confirm-placeholders"}] if error else []), status


@blueprint.get("/<task_id>/check")
@requires()
def check(task_id: str):
    task = _open_task_to_check(task_id)
    if not task.draft:
        return redirect(url_for("tasks.task_page", task_id=task.id))
    return _check_page(task)


@blueprint.get("/<task_id>/preview.pdf")
@requires()
def preview(task_id: str):
    """The letter rendered from the answers on the check page; nothing is saved."""
    filename, pdf = _preview(_open_task_to_check(task_id))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="preview-{filename}"', "Cache-Control": "no-store"})


@blueprint.post("/<task_id>/check")
@requires()
def issue(task_id: str):
    me, session = user(), db()
    task = _open_task_to_check(task_id)
    answers = {k: v for k, v in (task.draft or {}).items() if k != CONFIRMED_KEY}
    if not answers:
        return redirect(url_for("tasks.task_page", task_id=task.id))
    suspicious = unconfirmed_placeholders(task.form, answers, None)
    confirmed = set(request.form.getlist("confirm_placeholders"))
    tokens = {confirmation_token(field_id, answer) for field_id, answer in suspicious.items()}
    if tokens - confirmed:
        return _check_page(task, "Confirm that the text that looks like a placeholder is meant to be in the "
                                 "letter, or change it", status=400)
    runtime.save_draft(session, task.id, {**answers, CONFIRMED_KEY: sorted(tokens)})
    try:
        if task.assignee is None:
            runtime.claim_task(session, task.id, me.email)
        runtime.complete_task(session, task.id, me.email, answers)
    except FormErrors as refused:
        session.rollback()  # the case changed under the answers: show them on the form, with the reasons
        task = visible_task(session, me, task_id)
        return _page(task, initial_values(task.form, answers), refused.errors, status=400)
    return redirect(url_for("tasks.done", task_id=task.id))
