"""A letter's PDF is rendered after the step that issues it commits: never under the case's lock or
SQLite's write lock, and a render that fails leaves the officer's completion in place, the letter
"failed", to be rendered again from its stored data. Real commits, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import definitions, runtime
from engine.db import transaction
from engine.models import AuditEvent, HumanTask
from tests.conftest import FIXTURES
from tests.web.test_transactions import no_write_transaction_open
from tests.workflows.test_letters import school, warning_data
from workflows import letters
from workflows.letter_models import Letter

NOTICE = {"grounds": warning_data()["grounds"], "action_required": "Approve an improvement plan.",
          "compliance_period_working_days": 15, "notice_given_on": "2025-12-18"}


@pytest.fixture
def open_task_id(committed) -> str:
    """A case waiting at a task whose completion issues a warning notice."""
    letters.register_with_engine()
    with transaction(committed) as session:
        definitions.deploy(session, (FIXTURES / "letters_process.bpmn").read_text(encoding="utf-8"), "owner@test")
        case = runtime.start_instance(session, "letters_test", "officer@test", business_key="112233",
                                      data=school(urn=None, minded_to_take_action="s64",
                                                  grounds_category="standards"), owner="830")
        session.flush()
        return session.scalars(select(HumanTask.id).where(HumanTask.instance_id == case.id,
                                                          HumanTask.is_open.is_(True))).one()


def complete(committed, task_id: str) -> None:
    with transaction(committed) as session:
        runtime.complete_task(session, task_id, "cabinet.member@test", NOTICE)


def stored(committed) -> tuple[Letter, bool, list[str]]:
    """The letter, whether its task is still open, and the letter audit actions, read afresh."""
    with transaction(committed) as session:
        letter = session.scalars(select(Letter)).one()
        _ = letter.content  # load the deferred bytes before the session closes
        is_open = session.get(HumanTask, letter.task_id).is_open
        actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("letter_%"))
                                       .order_by(AuditEvent.id)))
    return letter, is_open, actions


def test_the_pdf_is_rendered_with_no_write_transaction_open(committed, open_task_id, monkeypatch):
    render, seen = letters.render_letter, []

    def watched(*args):
        seen.append(no_write_transaction_open(committed))
        return render(*args)

    monkeypatch.setattr(letters, "render_letter", watched)
    complete(committed, open_task_id)
    letter, is_open, actions = stored(committed)
    assert seen == [True]
    assert (letter.status, letter.content[:4], is_open, actions) == ("issued", b"%PDF", False, ["letter_issued"])


def test_a_render_that_fails_leaves_the_completion_and_can_be_rendered_again(committed, open_task_id, monkeypatch):
    def broken(*_args):
        raise OSError("no fonts found")

    monkeypatch.setattr(letters, "render_letter", broken)
    complete(committed, open_task_id)
    letter, is_open, actions = stored(committed)
    assert not is_open  # the officer's completion stands
    assert (letter.status, letter.content, letter.error) == ("failed", None, "OSError: no fonts found")
    assert letter.title == "Warning notice (s60): Hilltop Church of England Primary School"
    assert actions == ["letter_failed"]

    monkeypatch.undo()
    assert letters.render_stored(committed, letter.id) is True
    assert letters.render_stored(committed, letter.id) is False  # already issued: nothing to do
    letter, _, actions = stored(committed)
    assert (letter.status, letter.content[:4], letter.error) == ("issued", b"%PDF", None)
    assert actions == ["letter_failed", "letter_issued"]
