"""Process owners' drafts: one per officer, process and organisation; who else is editing, lately."""
from __future__ import annotations

from datetime import timedelta

from engine.db import utcnow
from workflows import process_drafts

XML = "<bpmn/>"


def test_save_overwrites_the_officers_draft_and_keeps_what_it_started_from(session):
    first = process_drafts.save(session, "route", "358", "a@x", XML, based_on_id=None)
    again = process_drafts.save(session, "route", "358", "a@x", "<changed/>", based_on_id=None)
    assert first.id == again.id and process_drafts.load(session, "route", "358", "a@x").bpmn_xml == "<changed/>"
    assert process_drafts.load(session, "route", "830", "a@x") is None
    assert process_drafts.load(session, "other", "358", "a@x") is None


def test_discard_removes_only_that_draft(session):
    process_drafts.save(session, "route", "358", "a@x", XML)
    process_drafts.save(session, "route", "358", "b@x", XML)
    assert process_drafts.discard(session, "route", "358", "a@x") is True
    assert process_drafts.discard(session, "route", "358", "a@x") is False
    assert process_drafts.load(session, "route", "358", "b@x") is not None


def test_other_editors_are_of_the_same_process_and_organisation_within_ten_minutes(session):
    now = utcnow()
    process_drafts.save(session, "route", "358", "me@x", XML, now=now)
    process_drafts.save(session, "route", "358", "recent@x", XML, now=now - timedelta(minutes=9))
    process_drafts.save(session, "route", "358", "stale@x", XML, now=now - timedelta(minutes=11))
    process_drafts.save(session, "route", "830", "elsewhere@x", XML, now=now)
    process_drafts.save(session, "other", "358", "other-process@x", XML, now=now)
    found = process_drafts.other_editors(session, "route", "358", "me@x", now=now)
    assert [d.user_email for d in found] == ["recent@x"]
    assert [d.user_email for d in process_drafts.drafts_of(session, "830")] == ["elsewhere@x"]
