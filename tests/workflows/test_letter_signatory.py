"""Who signs a letter: the role of the step's lane, named by the officer who completes the step
when they hold that role; a name the form or the case gives comes first."""
from __future__ import annotations

from types import SimpleNamespace

from workflows.letter_rules import signatory
from workflows.letters import signed_by
from workflows.roles import ROLES_BY_ID

STEP = SimpleNamespace(role="cabinet_member")  # the warning notice is issued in the Cabinet Member's lane
MEMBER = SimpleNamespace(roles=["cabinet_member"], display_name="Cllr Jo Bloggs")
MANAGER = SimpleNamespace(roles=["case_manager"], display_name="Sam Manager")
TITLE = ROLES_BY_ID["cabinet_member"].name


def test_the_officer_holding_the_lanes_role_signs_in_their_own_name():
    assert signatory("warning_notice", signed_by(STEP, {}, MEMBER)) == ("Cllr Jo Bloggs", TITLE)


def test_an_officer_without_the_role_does_not_put_their_name_to_it():
    assert signatory("warning_notice", signed_by(STEP, {}, MANAGER)) == (None, TITLE)
    assert signatory("warning_notice", signed_by(STEP, {}, None)) == (None, TITLE)


def test_a_name_the_form_or_the_case_gives_comes_first():
    assert signatory("warning_notice", signed_by(STEP, {"cabinet_member_name": "Cllr Ann Other"}, MEMBER))[0] == \
        "Cllr Ann Other"
    assert signatory("warning_notice", signed_by(STEP, {"signatory_name": "A. Deputy"}, MEMBER))[0] == "A. Deputy"
