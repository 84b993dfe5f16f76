"""Every statutory route's first task and case page render: the generated forms cope with the real
BPMN models' fields, and each diagram has the elements the markers name.

A route that refuses to start fails here (never skips): CI does not fail on skips."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import definitions, runtime
from engine.models import HumanTask
from web.fields import error_href
from workflows.registry import processes
from workflows.schools import classify

from .factories import NORTH_WEST, TRAFFORD, make_school, make_user

SCHOOL_TYPES = {"maintained": "Community school", "academy": "Academy converter", "pru": "Pupil referral unit"}


@pytest.mark.parametrize("key", sorted(processes()))
def test_the_first_task_and_the_case_page_render(key, browser, session):
    package = processes()[key]
    definitions.deploy(session, package.read_bpmn(), "test", package.read_dmn())
    kind = package.applies_to[0]
    school = make_school(session, "400001", "Real Route School", type_of_establishment=SCHOOL_TYPES[kind])
    assert classify(school.type_of_establishment) == kind
    is_region = package.extra.get("owner") == "region"
    organisation = NORTH_WEST if is_region else TRAFFORD
    roles = ["regional_director", "regions_group_officer"] if is_region else \
        ["link_adviser", "senior_adviser", "deputy_assistant_director", "assistant_director",
         "director_childrens_services", "cabinet_member", "case_manager"]
    make_user(session, "officer@example.gov.uk", organisation, roles)
    instance = runtime.start_instance(session, key, actor="test", business_key=school.urn)
    session.commit()
    browser.sign_in("officer@example.gov.uk")
    page = browser.text(f"/cases/{instance.id}")
    assert package.title.split(" (")[0].replace("'", "&#39;") in page
    tasks = list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                         HumanTask.is_open.is_(True))))
    assert tasks, f"{key} starts with no task for an officer"
    for task in tasks:
        task_page = browser.text(f"/tasks/{task.id}")
        assert task.name.replace("'", "&#39;") in task_page
        # Every statutory first step asks for facts: sent empty, it is refused field by field.
        required = [f["id"] for f in task.form["fields"]
                    if "required" in (f.get("validation") or {}) and f.get("default") in (None, "")]
        assert required, f"{task.bpmn_id} has no required field"
        response = browser.post(f"/tasks/{task.id}", {"intervene_action": "complete"})
        assert response.status_code == 400, task.bpmn_id
        refused = response.get_data(as_text=True)
        assert "govuk-error-summary" in refused
        for name in required:
            assert f'href="{error_href(task.form, name)}"' in refused, (task.bpmn_id, name)
        session.refresh(task)
        assert task.is_open
    assert browser.get(f"/cases/{instance.id}/diagram.bpmn").status_code == 200
