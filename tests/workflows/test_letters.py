"""Statutory letters: what each PDF says, who gets it, what is reported missing, and the task hook."""
from __future__ import annotations

import hashlib
import importlib.util
import shutil
import subprocess
from datetime import date

import pytest
from sqlalchemy import select
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from engine import definitions, runtime
from engine.forms import FormErrors
from engine.models import AuditEvent, HumanTask
from tests.conftest import FIXTURES
from workflows import letters
from workflows.letter_models import Letter
from workflows.letter_rules import REQUIRED

ISSUED_ON = date(2025, 12, 18)
LA = "Derbyshire County Council"


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The PDF's text with whitespace collapsed, so assertions do not depend on line breaks."""
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        path = tmp_path / "letter.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                              text=True).stdout
    elif importlib.util.find_spec("pypdf"):
        from io import BytesIO

        from pypdf import PdfReader

        text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    else:
        pytest.fail("reading the PDFs needs pdftotext (poppler-utils) or pypdf")
    return " ".join(text.replace("\u2019", "'").replace("\u2022", " ").split())


def school(**extra) -> dict:
    return {"school_name": "Hilltop Church of England Primary School", "urn": "112233", "case_id": 42,
            "la_name": LA, "la_address": "County Hall\nMatlock\nDE4 3AG", "headteacher_name": "Alex Morgan",
            "chair_name": "Jo Bennett", **extra}


def warning_data(**extra) -> dict:
    return school(**{**dict(
        notice_type="s60", grounds_category=["standards", "governance"], diocese_name="The Diocese of Derby",
        grounds="Only 38% of pupils reached the expected standard in reading, writing and mathematics in 2025, "
                "against 61% nationally; the governing body has not met since July 2025.",
        action_required="- Approve a school improvement plan with measurable targets.\n"
                        "- Meet at least every four weeks and record challenge on pupil progress.",
        compliance_period_end_on="2026-01-13", notice_given_on="2025-12-18",
        minded_to_take_action=["s64", "s65"], cabinet_member_name="Cllr Pat Jones"), **extra})


def notice_data(**extra) -> dict:
    return school(**{**dict(notice_given_on="2025-12-18", compliance_period_end_on="2026-01-13",
                  non_compliance_reasons="No improvement plan had been approved by 13 January 2026.",
                  powers_proposed="s64, s66", powers_from_on="2026-02-02", dcs_name="Dr Chris Lee"), **extra})


def statement_data(**extra) -> dict:
    return school(**{**dict(
        ofsted_category="special_measures", inspection_on="2026-03-03", report_received_on="2026-04-14",
        proposed_action="Termly School Progress Reviews chaired by the senior adviser; two additional governors.",
        action_timescale="From May 2026 to September 2027, reviewed termly",
        parent_arrangements="A parents' meeting on 5 May 2026 and a newsletter after each monitoring visit.",
        is_specified_person_appointed=True, specified_person_name="Rita Shah", target_removal_months=18,
        powers_to_use=["s64"], senior_adviser_name="Sam Patel"), **extra})


def concern_data(**extra) -> dict:
    return school(**{**dict(
        trust_name="Peak Learning Trust", grounds_category="safety", response_due_on="2026-03-06",
        grounds="Fourteen incidents of pupils leaving the site unsupervised since September 2025; the single "
                "central record was incomplete at our visit on 3 February 2026.",
        strategic_director_name="Carol Hart"), **extra})


COMPLETE = {"warning_notice": warning_data, "notice_of_intention": notice_data,
            "statement_of_action": statement_data, "letter_of_concern": concern_data}

#: The data keys that carry each required content in the complete data above.
CARRIED_BY = {
    "warning_notice": {"grounds": ["grounds"], "action_required": ["action_required"],
                       "compliance_period": ["compliance_period_end_on"], "minded_to": ["minded_to_take_action"]},
    "notice_of_intention": {"powers_proposed": ["powers_proposed"], "powers_from_on": ["powers_from_on"]},
    "statement_of_action": {"proposed_action": ["proposed_action"], "action_timescale": ["action_timescale"],
                            "parent_arrangements": ["parent_arrangements"],
                            "specified_person": ["is_specified_person_appointed", "specified_person_name"]},
    "letter_of_concern": {"grounds_category": ["grounds_category"], "grounds": ["grounds"],
                          "signatory": ["strategic_director_name"]},
}


def render(kind: str, data: dict, tmp_path) -> tuple[str, str, str, list[dict]]:
    title, filename, pdf, recipients = letters.render_letter(kind, data, ISSUED_ON, LA)
    return title, filename, pdf_text(pdf, tmp_path), recipients


def test_warning_notice_sets_out_the_s60_contents_and_who_gets_copies(tmp_path):
    title, filename, text, recipients = render("warning_notice", warning_data(), tmp_path)
    assert title == "Warning notice (s60): Hilltop Church of England Primary School"
    assert filename == "warning-notice-112233-2025-12-18.pdf"
    assert "Performance standards and safety warning notice under section 60 of the Education and " \
           "Inspections Act 2006" in text
    assert "URN 112233 / Case 42" in text and "Thursday 18 December 2025" in text
    assert "standards of performance of pupils at the school are unacceptably low" in text
    assert "the governing body has not met since July 2025" in text
    assert "Approve a school improvement plan with measurable targets" in text
    assert "by the end of Tuesday 13 January 2026" in text
    assert "appoint additional governors (section 64)" in text and "interim executive board" in text
    assert "sections 496 and 497 of the Education Act 1996" in text
    assert "Cllr Pat Jones Cabinet Member for Children and Young People" in text
    assert [(r["name"], r["role"]) for r in recipients] == [
        ("The governing body of Hilltop Church of England Primary School", "addressee"),
        ("Alex Morgan, headteacher", "copy"),
        ("His Majesty's Chief Inspector of Education, Children's Services and Skills (Ofsted)", "copy"),
        ("The Diocese of Derby (the appropriate diocesan authority)", "copy"),
        ("The Secretary of State for Education (through the DfE regional director)", "copy")]
    copies = text[text.index("Copies to"):]
    for recipient in recipients[1:]:
        assert recipient["name"] in copies
    assert "(EIA 2006 s60(6A), from 18 Apr 2016 (EAA 2016 s2-3, SI 2016/466); recipient inferred: per-case " \
           "reading, default copy)" in copies
    assert "Legal sources" in text and "That the recipient is the Secretary of State is inferred" in text
    assert "MISSING" not in text


def test_compliance_period_in_working_days_is_counted_over_christmas(tmp_path):
    data = warning_data(compliance_period_working_days=15)
    del data["compliance_period_end_on"]
    _, _, text, _ = render("warning_notice", data, tmp_path)
    # Thu 18 Dec 2025 + 15 working days, skipping 25 and 26 Dec and 1 Jan: Tue 13 Jan 2026.
    assert "ends with the 15th working day following that day" in text
    assert "by the end of Tuesday 13 January 2026" in text
    assert "Christmas Day, Boxing Day and New Year's Day are not counted" in text
    assert "until the end of Friday 13 March 2026" in text


def test_s60a_notice_cites_60a_and_refuses_section_63(tmp_path):
    data = warning_data(notice_type="s60A", minded_to_take_action="s63, s64")
    problems = letters.check_required_content("warning_notice", data)
    assert problems == ["action the authority may take after a section 60A notice: only sections 64 to 66 "
                        "apply, not section 63"]
    title, _, text, recipients = render("warning_notice", data, tmp_path)
    assert title.startswith("Warning notice (s60A)") and title.endswith("(incomplete)")
    assert "Teachers' pay and conditions warning notice under section 60A" in text
    assert "School Teachers' Pay and Conditions Document" in text
    assert "MISSING: action the authority may take after a section 60A notice" in text
    assert all(r["basis"].startswith("EIA 2006 s60A(6)") for r in recipients[1:4])
    assert "HMCI as recipient not verified" in recipients[2]["basis"]


def test_foundation_school_without_a_diocese_copies_the_foundation_appointer():
    data = warning_data(diocese_name=None, has_foundation=True, foundation_appointer_name="The Hilltop Trust")
    names = [r["name"] for r in letters.recipients("warning_notice", data)]
    assert "The Hilltop Trust" in names and not any("diocesan" in name for name in names)
    plain = [r["name"] for r in letters.recipients("warning_notice", warning_data(diocese_name=None))]
    assert len(plain) == 4 and plain[-1].startswith("The Secretary of State")


def test_notice_of_intention_names_the_powers_and_when(tmp_path):
    title, _, text, recipients = render("notice_of_intention", notice_data(), tmp_path)
    assert title == "Notice of intention to use powers: Hilltop Church of England Primary School"
    assert "under section 60(1)(d) of the Act, that it proposes to exercise the following powers" in text
    assert "appoint additional governors (section 64)" in text
    assert "suspend the governing body's right to a delegated budget (section 66)" in text
    assert "on or after Monday 2 February 2026" in text
    assert "The compliance period it set ended on Tuesday 13 January 2026" in text
    assert recipients[0]["role"] == "addressee" and recipients[1]["name"] == "Alex Morgan, headteacher"


def test_statement_of_action_follows_annex_5_and_goes_to_hmci(tmp_path):
    title, _, text, recipients = render("statement_of_action", statement_data(), tmp_path)
    assert title == "Statement of action: Hilltop Church of England Primary School"
    assert "statement of action under section 15 of the Education Act 2005" in text
    assert "Ofsted has given notice that the school requires special measures" in text
    for heading in ("1. Scope for closure or federation", "2. Target for removal from the category",
                    "3. Local authority action", "4. Support from the local authority and partners",
                    "5. Use of local authority powers"):
        assert heading in text
    assert "Termly School Progress Reviews" in text and "From May 2026 to September 2027" in text
    assert "A parents' meeting on 5 May 2026" in text
    assert "appointed Rita Shah as the specified person" in text
    assert "within a maximum of 18 months" in text and "Sam Patel, senior adviser" in text
    assert recipients == [{"name": "His Majesty's Chief Inspector of Education, Children's Services and Skills "
                                   "(Ofsted)", "role": "addressee", "basis": "EA 2005 s15(2)"}]
    assert "Copies to" not in text


def test_statement_for_a_voluntary_aided_school_is_copied_to_the_appointers(tmp_path):
    data = statement_data(is_voluntary_aided=True, foundation_appointer_name="Derby Diocesan Board of Education",
                          appropriate_appointing_authority="Derby Diocesan Board of Education")
    _, _, text, recipients = render("statement_of_action", data, tmp_path)
    assert [r["name"] for r in recipients if r["role"] == "copy"] == ["Derby Diocesan Board of Education"]
    default = letters.recipients("statement_of_action", statement_data(is_voluntary_aided="yes"))
    assert [r["name"] for r in default[1:]] == ["The person who appoints the foundation governors",
                                                "The appropriate appointing authority"]
    assert "Copies to Derby Diocesan Board of Education" in text


def test_statement_is_copied_to_others_the_secretary_of_state_specifies(tmp_path):
    """EA 2005 s15(2)(e): the ofsted route's form records them as other_recipients."""
    data = statement_data(other_recipients="The Diocese of Derby\nThe National Governance Association")
    _, _, text, recipients = render("statement_of_action", data, tmp_path)
    assert [r["name"] for r in recipients if r["role"] == "copy"] == ["The Diocese of Derby",
                                                                      "The National Governance Association"]
    assert "Copies to The Diocese of Derby" in text


def test_statement_may_give_reasons_for_not_acting_instead(tmp_path):
    data = statement_data(proposed_action=None, action_timescale=None,
                          reasons_for_not_acting="The school's own plan is already securing improvement.",
                          is_specified_person_appointed=False, specified_person_name=None)
    assert letters.check_required_content("statement_of_action", data) == []
    _, _, text, _ = render("statement_of_action", data, tmp_path)
    assert "does not propose to take action, for these reasons" in text
    assert "decided not to appoint a specified person" in text


def test_letter_of_concern_is_signed_by_the_strategic_director(tmp_path):
    title, _, text, recipients = render("letter_of_concern", concern_data(copy_to_dfe=True), tmp_path)
    assert title == "Letter of Concern: Hilltop Church of England Primary School"
    assert "The Board of Trustees Peak Learning Trust" in text
    assert "the safety of pupils or staff of the academy is threatened" in text
    assert "single central record was incomplete" in text and "by Friday 6 March 2026" in text
    assert "Carol Hart Strategic Director of Children's Services" in text
    assert [r["name"] for r in recipients] == [
        "The board of trustees of Peak Learning Trust", "Alex Morgan, headteacher",
        "The regional director (DfE Regions Group), for the Secretary of State"]
    assert "Copies to Alex Morgan, headteacher" in text


@pytest.mark.parametrize("kind", list(REQUIRED))
def test_check_required_content_reports_each_missing_item(kind):
    assert letters.check_required_content(kind, COMPLETE[kind]()) == []
    for item, keys in CARRIED_BY[kind].items():
        data = COMPLETE[kind]()
        for key in keys:
            data.pop(key, None)
        assert letters.check_required_content(kind, data) == [REQUIRED[kind][item]], item
    assert letters.check_required_content(kind, {}) == [
        message for item, message in REQUIRED[kind].items() if item != "action_timescale"]


def test_keys_are_read_from_alternative_names():
    data = {"school": "Dale School", "concerns": "The facts behind the concern, in enough detail to show "
                                                 "exactly what is happening at the school and why it matters.",
            "required_action": "Act.", "compliance_working_days": "10", "minded_to": "section 64",
            "grounds_type": "(a) standards"}
    assert letters.check_required_content("warning_notice", data) == []


def test_grounds_too_short_to_show_the_facts_are_reported():
    [problem] = letters.check_required_content("warning_notice", warning_data(grounds="Results are low."))
    assert problem.startswith("more detail of the facts behind the concerns (only 3 words given)")


def test_letter_of_concern_signed_by_someone_else_is_reported():
    data = concern_data(signatory_name="Dr Chris Lee", signatory_title="Director of Children's Services")
    assert letters.check_required_content("letter_of_concern", data) == [
        "signature by the Strategic Director of Children's Services (not the Director of Children's Services)"]


@pytest.mark.parametrize("kind", list(REQUIRED))
def test_a_letter_without_its_contents_still_renders_with_placeholders(kind, tmp_path):
    title, _, text, recipients = render(kind, {}, tmp_path)
    assert title.endswith("(incomplete)")
    assert "Incomplete: this draft lacks" in text
    assert text.count("MISSING:") == len(letters.check_required_content(kind, {}))
    assert recipients[0]["role"] == "addressee"


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown letter kind"):
        letters.render_letter("invoice", {}, ISSUED_ON, LA)


def test_rendering_never_fetches_from_the_network():
    fetcher = letters._LocalOnlyFetcher()
    for url in ("https://fonts.example.com/font.woff2", "http://example.com/logo.png", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    html = '<p>Logo</p><img src="https://example.com/logo.png">'
    with pytest.raises(FatalURLFetchingError):
        HTML(string=html, base_url=str(letters.TEMPLATE_DIR) + "/", url_fetcher=fetcher).write_pdf()


def _deploy_and_start(session, data):
    letters.register_with_engine()
    xml = (FIXTURES / "letters_process.bpmn").read_text(encoding="utf-8")
    definitions.deploy(session, xml, "owner@test")
    return runtime.start_instance(session, "letters_test", "officer@test", business_key="112233",
                                  data=data, owner="830")


def _open_task(session, instance_id) -> HumanTask:
    session.flush()
    return session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                   HumanTask.is_open.is_(True))).one()


def test_completing_a_task_with_a_letter_property_stores_the_letter(session, tmp_path, save_restore):
    case = _deploy_and_start(session, school(urn=None, minded_to_take_action="s64", grounds_category="standards",
                                             diocese_name="The Diocese of Derby"))
    task = _open_task(session, case.id)
    assert task.properties["letter"] == "warning_notice"
    runtime.complete_task(session, task.id, "cabinet.member@test", {
        "grounds": warning_data()["grounds"], "action_required": "Approve an improvement plan.",
        "compliance_period_working_days": 15, "notice_given_on": "2025-12-18"})
    [letter] = letters.letters_for_case(session, case.id)
    assert (letter.status, letter.content) == ("pending", None)  # rendered once the step commits
    session.commit()
    session.expire_all()
    [letter] = letters.letters_for_case(session, case.id)
    assert letter.status == "issued"
    assert (letter.kind, letter.owner, letter.task_id, letter.created_by) == (
        "warning_notice", "830", task.id, "cabinet.member@test")
    assert letter.title == "Warning notice (s60): Hilltop Church of England Primary School"
    assert letter.filename == "warning-notice-112233-2025-12-18.pdf" and letter.media_type == "application/pdf"
    assert letter.recipients[0]["role"] == "addressee" and len(letter.recipients) == 5
    stored = letters.letter_by_id(session, case.id, letter.id)
    assert stored.sha256 == hashlib.sha256(stored.content).hexdigest()
    text = pdf_text(stored.content, tmp_path)
    assert "Approve an improvement plan." in text and "URN 112233 / Case " in text
    assert "Thursday 18 December 2025" in text
    assert "by the end of Tuesday 13 January 2026" in text
    audit = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == case.id,
                                                     AuditEvent.action == "letter_issued")).one()
    assert audit.detail == letter.title and audit.data["letter_id"] == letter.id

    runtime.complete_task(session, _open_task(session, case.id).id, "adviser@test", {"is_complied": False})
    assert [x.id for x in letters.letters_for_case(session, case.id)] == [letter.id]
    assert letters.letter_by_id(session, case.id + 1, letter.id) is None


def test_missing_statutory_content_stops_the_step_and_issues_nothing(session):
    """WN-6: every missing content is named, against the field to change (or its own name when the
    content came from an earlier step), and the task stays open with no letter."""
    case = _deploy_and_start(session, {})
    task = _open_task(session, case.id)
    with pytest.raises(FormErrors) as refused:
        runtime.complete_task(session, task.id, "cabinet.member@test", {})
    assert list(refused.value.errors) == ["grounds", "action_required", "compliance_period_working_days",
                                          "minded_to"]
    assert refused.value.errors["action_required"] == ("The warning notice must state the action the governing "
                                                       "body is required to take")
    assert "must state the ground under section 60(2)" in refused.value.errors["grounds"]
    assert session.scalars(select(Letter).where(Letter.instance_id == case.id)).all() == []
    assert _open_task(session, case.id).id == task.id and case.status == "running"


def test_a_task_naming_an_unknown_letter_stores_nothing(session):
    case = _deploy_and_start(session, school())
    task = _open_task(session, case.id)
    task.properties = {"letter": "invoice"}
    session.flush()
    runtime.complete_task(session, task.id, "cabinet.member@test", {})
    assert letters.letters_for_case(session, case.id) == []


def test_the_warning_notice_process_form_keys_are_understood(tmp_path):
    """The keys bpmn/maintained_warning_notice.bpmn's forms write, rather than the preferred names."""
    data = school(notice_type="s60", ground_low_standards=True, ground_management_breakdown=False,
                  ground_safety=True, matters_of_concern=warning_data()["grounds"],
                  required_action="Approve an improvement plan.", compliance_period_working_days=15,
                  compliance_period_end_stated_on="2026-01-20", notice_given_on="2025-12-18",
                  minded_s64_additional_governors=True, minded_action="Appoint additional governors under s64.")
    assert letters.check_required_content("warning_notice", data) == []
    _, _, text, _ = render("warning_notice", data, tmp_path)
    assert "unacceptably low" in text and "safety of pupils or staff" in text and "serious breakdown" not in text
    assert "by the end of Tuesday 20 January 2026" in text  # the stated end wins over the count
    assert "Appoint additional governors under s64." in text
    assert "appoint additional governors (section 64)" in text


def test_the_notice_of_intention_process_form_keys_are_understood(tmp_path):
    data = school(notice_given_on="2025-12-18", compliance_period_working_days=15,
                  notice_of_intention_given_on="2026-01-19", reasonable_notice_working_days=5,
                  use_s64_additional_governors=True, use_s65_interim_executive_board=False)
    assert letters.check_required_content("notice_of_intention", data) == []
    _, _, text, _ = render("notice_of_intention", data, tmp_path)
    assert "appoint additional governors (section 64)" in text and "replace the governing body" not in text
    assert "once this notice has run for 5 working days" in text
    # Mon 19 Jan 2026 + 5 working days (no holidays): Mon 26 Jan 2026.
    assert "not before the end of Monday 26 January 2026, the 5th working day following" in text


def test_a_letter_is_dated_the_day_the_form_says_it_is_given():
    assert letters._letter_date("notice_of_intention", {"notice_of_intention_given_on": "2026-01-19"}) == \
        date(2026, 1, 19)
    assert letters._letter_date("warning_notice", {"notice_given_on": "2025-12-18"}) == date(2025, 12, 18)
    assert letters._letter_date("letter_of_concern", {"letter_dated_on": "2026-02-27"}) == date(2026, 2, 27)
    assert letters._letter_date("statement_of_action", {"statement_of_action_sent_on": "2026-04-28"}) == \
        date(2026, 4, 28)


def test_powers_written_as_prose_are_quoted_never_read_as_proposed_sections(tmp_path):
    """Issue 9: "none at present; keep s63-s66 under review" told HMCI the authority proposes s63 and s66."""
    data = statement_data(powers_to_use="none at present; keep s63-s66 under review")
    _, _, text, _ = render("statement_of_action", data, tmp_path)
    assert "none at present; keep s63-s66 under review" in text
    assert "proposes to use the following powers" not in text
    assert "require the governing body to enter into arrangements (section 63)" not in text
    assert "suspend the governing body's right to a delegated budget (section 66)" not in text


def test_statement_powers_are_chosen_with_checkboxes(tmp_path):
    data = statement_data(soa_power_s64_additional_governors=True,
                          soa_power_s66_suspend_delegated_budget=False,
                          powers_to_use="Kept under review at each termly School Progress Review.")
    _, _, text, _ = render("statement_of_action", data, tmp_path)
    assert "proposes to use the following powers" in text
    assert "appoint additional governors (section 64)" in text and "(section 66)" not in text
    assert "Kept under review at each termly School Progress Review." in text


def test_the_minded_to_action_of_a_warning_notice_is_chosen_with_checkboxes(tmp_path):
    data = school(notice_type="s60", ground_low_standards=True, matters_of_concern=warning_data()["grounds"],
                  required_action="Approve an improvement plan.", compliance_period_working_days=15,
                  notice_given_on="2025-12-18", minded_s65_interim_executive_board=True,
                  minded_action="We would first discuss the board's membership with the diocese.")
    assert letters.check_required_content("warning_notice", data) == []
    _, _, text, _ = render("warning_notice", data, tmp_path)
    assert "replace the governing body with an interim executive board" in text
    assert "appoint additional governors (section 64)" not in text
    prose_only = {**data, "minded_s65_interim_executive_board": False,
                  "minded_action": "Appoint additional governors under s64."}
    _, _, text, _ = render("warning_notice", prose_only, tmp_path)
    assert "Appoint additional governors under s64." in text
    assert "appoint additional governors (section 64)" not in text
