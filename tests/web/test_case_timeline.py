"""The case timeline says in words when two parallel steps recorded different values."""
from __future__ import annotations

from engine import runtime
from tests.engine.conftest import deploy_fixture, open_tasks
from web.case_page import timeline


def test_a_data_conflict_reads_in_words_with_the_key_and_both_steps(session):
    deploy_fixture(session, "parallel_join")
    case = runtime.start_instance(session, "parallel_join", "officer")
    left, right = sorted(open_tasks(session, case.id), key=lambda t: t.bpmn_id)
    runtime.complete_task(session, left.id, "officer", {"shared": "from left"})
    runtime.complete_task(session, right.id, "officer", {"shared": "from right"})
    session.flush()
    [entry] = [e for e in timeline(session, case.id) if e["action"] == "data_conflict"]
    assert entry["what"] == "Two steps recorded different values"
    assert entry["detail"] == "'shared' was 'from left' from 'Left' and is now 'from right' from 'Right', completed later"
