"""A due date on a weekend or bank holiday says so on the task page and in the inbox; one on a
working day says nothing extra."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import HumanTask

from .factories import start_case


def first_task(session, due_on: str) -> HumanTask:
    instance = start_case(session, check_due_on=due_on)
    session.commit()
    return session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id))


@pytest.mark.parametrize(("due_on", "note"), [
    ("2030-01-19", "Saturday: not a working day"),     # Sat 19 Jan 2030
    ("2030-04-19", "Good Friday: not a working day"),  # Easter Sunday is 21 Apr 2030
    ("2030-01-18", None),                               # Fri 18 Jan 2030, a working day
])
def test_the_task_and_the_inbox_say_when_the_due_day_is_not_a_working_day(signed_in, session, route, school,
                                                                           due_on, note):
    task = first_task(session, due_on)
    page, inbox = signed_in.text(f"/tasks/{task.id}"), signed_in.text("/inbox")
    if note:
        assert note in page and note in inbox
    else:
        assert "not a working day" not in page and "not a working day" not in inbox
