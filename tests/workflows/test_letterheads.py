"""Letters carry their organisation's letterhead, configured per organisation (issue 9 point 2)."""
from __future__ import annotations

import pytest

from engine import runtime
from workflows import letterheads, letters
from workflows.demo import ORGANISATIONS

from .test_letters import _deploy_and_start, _open_task, pdf_text, school, warning_data


def test_every_demo_organisation_has_a_letterhead():
    for organisation_id, _, _ in ORGANISATIONS:
        found = letterheads.letterhead(organisation_id)
        assert found is not None, organisation_id
        assert found["name"] and found["address"] and found["phone"] and found["email"] and found["website"]
    assert letterheads.letterhead("no-such-organisation") is None and letterheads.letterhead(None) is None


def test_an_issued_letter_carries_the_authoritys_letterhead_and_keeps_it(session, tmp_path, monkeypatch):
    case = _deploy_and_start(session, school(urn=None, la_name=None, la_address=None, minded_to_take_action="s64",
                                             grounds_category="standards"))
    runtime.complete_task(session, _open_task(session, case.id).id, "cabinet.member@test", {
        "grounds": warning_data()["grounds"], "action_required": "Approve an improvement plan.",
        "compliance_period_working_days": 15, "notice_given_on": "2025-12-18"})
    session.commit()
    session.expire_all()
    [letter] = letters.letters_for_case(session, case.id)
    text = pdf_text(letters.letter_by_id(session, case.id, letter.id).content, tmp_path)
    for expected in ("Derbyshire County Council", "County Hall", "Smedley Street", "Matlock", "DE4 3AG",
                     "01629 533190", "school.improvement@derbyshire.example.gov.uk", "www.derbyshire.gov.uk"):
        assert expected in text
    assert letter.render_input["data"]["letterhead"]["phone"] == "01629 533190"


def test_another_letterheads_file_can_be_configured(tmp_path, monkeypatch):
    config = tmp_path / "letterheads.toml"
    config.write_text('[999]\nname = "Example Council"\naddress = "1 High Street"\n', encoding="utf-8")
    monkeypatch.setenv("INTERVENE_LETTERHEADS", str(config))
    assert letterheads.letterhead("999") == {"name": "Example Council", "address": ["1 High Street"],
                                             "phone": None, "email": None, "website": None}
    config.write_text('[999]\nname = "Example Council"\nfax = "01234"\n', encoding="utf-8")
    letterheads._load.cache_clear()
    with pytest.raises(ValueError, match="unknown keys"):
        letterheads.letterhead("999")
    letterheads._load.cache_clear()
