"""/cases/<id>/letters/<letter_id>/correct: issue a corrected version of a letter, through a check page.

The form is the form of the step that issued the letter, filled in from the letter as sent, with a
reason for the correction. It is checked by the step's own rules, shown on the same "check your
answers" page (the letter's pages rendered from the corrected answers, nothing saved), and issued as
a new version; the letter it corrects is kept. A manager of the case (workflows.access.may_manage_case,
the one manager rule) or an officer holding the step's role may correct it.
"""
from __future__ import annotations

import json
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from engine.forms import FormErrors, validate_submission
from engine.models import HumanTask
from workflows.access import may_correct_letter, visible_instance
from workflows.letter_checks import CONFIRMED_KEY, confirmation_token, unconfirmed_placeholders

from ..access import requires, user
from ..case_page import case_context
from ..db import db
from ..fields import error_list, field_views, initial_values, posted_values, to_submission
from ..tasks.letter_check import _summary_rows, page_images
from .views import blueprint

REASON_MAX = 2000


def _letter_and_task(instance_id: int, letter_id: int):
    from workflows.letters import letter_by_id

    session, me = db(), user()
    instance = visible_instance(session, me, instance_id)
    letter = letter_by_id(session, instance.id, letter_id)
    task = session.get(HumanTask, letter.task_id) if letter is not None and letter.task_id else None
    if letter is None or task is None or not letter.render_input or letter.status != "issued":
        abort(404)
    if not may_correct_letter(me, instance, task):
        abort(403)
    return instance, letter, task


def may_correct(instance, task: HumanTask | None) -> bool:
    return task is not None and may_correct_letter(user(), instance, task)


def correctable_letters(session, instance, letters: list) -> set[int]:
    """Ids of the letters the signed-in officer may correct: issued, not yet corrected, from a step."""
    replaced = {letter.replaces_id for letter in letters}
    return {letter.id for letter in letters
            if letter.status == "issued" and letter.id not in replaced and letter.render_input and letter.task_id
            and may_correct(instance, session.get(HumanTask, letter.task_id))}


def _form_page(instance, letter, task, values: dict, reason: str, errors: dict[str, str], status: int = 200):
    listed = error_list(task.form, {k: v for k, v in errors.items() if k != "correction_reason"})
    if "correction_reason" in errors:
        listed.append({"text": errors["correction_reason"], "href": "#correction_reason"})
    return render_template("cases/correct_letter.html", instance=instance, letter=letter, task=task,
                           context=case_context(db(), instance), fields=field_views(task.form, values, errors, instance.data),
                           reason=reason, errors=errors, error_list=listed), status


def _check(instance, letter, task, answers: dict[str, Any], reason: str, error: str | None = None,
           status: int = 200):
    from workflows.letters import render_letter

    given = letter.render_input
    _, _, pdf, _ = render_letter(letter.kind, {**given["data"], **answers},
                                 _iso_day(given["issued_on"]), given["organisation"])
    labels = {field["id"]: field.get("label") or field["id"] for field in task.form.get("fields", [])}
    suspicious = [{"id": key, "label": labels.get(key, key), "answer": answer, "token": confirmation_token(key, answer)}
                  for key, answer in unconfirmed_placeholders(task.form, answers, None).items()]
    return render_template(
        "tasks/check.html", task=task, context=case_context(db(), instance), caption=f"correct ‘{letter.title}’",
        rows=[{"key": {"text": "Reason for the correction"}, "value": {"text": reason}},
              *_summary_rows(task, answers, links=False)],
        placeholders=suspicious, error=error, pages=page_images(pdf), preview_url=None,
        issue_url=url_for("cases.correct_letter", instance_id=instance.id, letter_id=letter.id),
        issue_text="Issue the corrected letter", change_button=True,
        hidden={"answers": json.dumps(answers), "correction_reason": reason},
        error_list=[{"text": error, "href": "#confirm-placeholders"}] if error else []), status


def _iso_day(value: str):
    from datetime import date

    return date.fromisoformat(value)


def _answers_from_request(task: HumanTask) -> dict[str, Any]:
    if "answers" in request.form:
        try:
            stored = json.loads(request.form["answers"])
        except ValueError:
            abort(400)
        return stored if isinstance(stored, dict) else {}
    return to_submission(task.form, posted_values(task.form, request.form))


@blueprint.route("/<int:instance_id>/letters/<int:letter_id>/correct", methods=["GET", "POST"])
@requires()
def correct_letter(instance_id: int, letter_id: int):
    from workflows.letter_versions import correction_problems, issue_corrected_version

    instance, letter, task = _letter_and_task(instance_id, letter_id)
    sent = {key: letter.render_input["data"].get(key) for key in (f["id"] for f in task.form.get("fields", []))}
    if request.method == "GET":
        return _form_page(instance, letter, task, initial_values(task.form, sent), "", {})
    answers, action = _answers_from_request(task), request.form.get("intervene_action", "check")
    reason = request.form.get("correction_reason", "").strip()
    if action == "change":
        return _form_page(instance, letter, task, initial_values(task.form, answers), reason, {})
    errors: dict[str, str] = {}
    try:
        answers = validate_submission(task.form, answers, instance.data)
    except FormErrors as refused:
        errors.update(refused.errors)
    if not reason:
        errors["correction_reason"] = "Enter why the letter is being corrected"
    elif len(reason) > REASON_MAX:
        errors["correction_reason"] = f"The reason for the correction must be {REASON_MAX} characters or fewer"
    if not errors:
        errors = correction_problems(task, letter, answers, None if action != "issue" else {CONFIRMED_KEY: [
            token for token in request.form.getlist("confirm_placeholders")]})
        if action != "issue":  # placeholders are confirmed on the check page, not refused on the form
            errors = {k: v for k, v in errors.items() if "looks like placeholder text" not in v}
    if errors and (action != "issue" or any("looks like placeholder text" not in v for v in errors.values())):
        return _form_page(instance, letter, task, initial_values(task.form, answers), reason, errors, 400)
    if action != "issue":
        return _check(instance, letter, task, answers, reason)
    if errors:
        return _check(instance, letter, task, answers, reason, "Confirm that the text that looks like a "
                      "placeholder is meant to be in the letter, or change it", 400)
    issued = issue_corrected_version(db(), instance, letter, answers, user().email, reason)
    flash(f"A corrected version of ‘{letter.title}’ has been issued as version {issued.version}.", "success")
    return redirect(url_for("cases.case_page", instance_id=instance.id))
