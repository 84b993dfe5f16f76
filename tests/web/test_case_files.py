"""Notes and documents on a case: added at any step, refused when wrong, scoped like the case, and
shown in the timeline, on the case page and at later steps."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from engine.models import AuditEvent, HumanTask
from workflows.case_file_models import CaseDocument, CaseNote

from ..workflows.test_case_files import DOCX_BYTES, JPEG_BYTES, PDF_BYTES, PNG_BYTES
from .factories import DERBYSHIRE, Browser, make_user, start_case


@pytest.fixture
def case(session, route, school):
    instance = start_case(session)
    session.commit()
    return instance


@pytest.fixture
def task(session, case) -> HumanTask:
    return session.scalar(select(HumanTask).where(HumanTask.instance_id == case.id, HumanTask.is_open.is_(True)))


def upload(browser: Browser, case_id: int, name: str, content: bytes, step: str | None = None, **fields):
    query = f"?step={step}" if step else ""
    return closed(browser.post(f"/cases/{case_id}/documents/new{query}",
                               {"document": (io.BytesIO(content), name, "application/pdf"), **fields},
                               content_type="multipart/form-data"))


def closed(response):
    """The response read, and the test client's request body closed: werkzeug spools a large one to a
    temporary file and (without follow_redirects) leaves it open."""
    response.get_data()
    response.request.input_stream.close()
    return response


def counts(session) -> tuple[int, int, int]:
    session.expire_all()
    return (session.scalar(select(func.count()).select_from(CaseDocument)),
            session.scalar(select(func.count()).select_from(CaseNote)),
            session.scalar(select(func.count()).select_from(AuditEvent)
                           .where(AuditEvent.action.in_(("note_added", "document_added")))))


@pytest.mark.parametrize(("name", "content", "media_type"), [
    ("minutes.pdf", PDF_BYTES, "application/pdf"),
    ("plan.docx", DOCX_BYTES, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("site.png", PNG_BYTES, "image/png"),
    ("photo.jpg", JPEG_BYTES, "image/jpeg"),
])
def test_each_allowed_kind_is_stored_with_the_case_and_downloads_as_an_attachment(
        signed_in, case, session, name, content, media_type):
    response = upload(signed_in, case.id, name, content, description="From the governors")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.id}#notes-and-documents")
    stored = session.scalar(select(CaseDocument).where(CaseDocument.instance_id == case.id))
    assert (stored.filename, stored.media_type, stored.size, stored.created_by) == (
        name, media_type, len(content), "ann.adviser@trafford.gov.uk")
    download = signed_in.get(f"/cases/{case.id}/documents/{stored.id}")
    assert download.status_code == 200 and download.data == content
    assert download.mimetype == media_type  # from the bytes, not the "application/pdf" the browser sent
    assert download.headers["Content-Disposition"] == f"attachment; filename={name}"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "document_added"))
    assert event.instance_id == case.id and event.detail.startswith(name) and event.data["sha256"] == stored.sha256


@pytest.mark.parametrize(("name", "content", "message"), [
    ("report.pdf", b"<!doctype html><html><script>alert(1)</script></html>",
     "The selected file must be a PDF, a Word document (.docx), or a PNG or JPEG image"),
    ("notes.txt", b"plain words", "The selected file must be a PDF"),
    ("photo.pdf", PNG_BYTES, "is a PNG image: its name must end in .png"),
    ("empty.pdf", b"", "The selected file ‘empty.pdf’ is empty"),
    ("", b"", "Select a file to upload"),
])
def test_a_wrong_disguised_or_empty_file_is_refused_and_changes_nothing(signed_in, case, session, name, content,
                                                                        message):
    response = upload(signed_in, case.id, name, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in page and message in page
    assert 'href="#document"' in page
    assert counts(session) == (0, 0, 0)


def test_a_file_over_the_limit_is_refused_by_the_server(signed_in, case, session, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 1024)
    response = upload(signed_in, case.id, "big.pdf", PDF_BYTES + b"0" * 1024)
    assert response.status_code == 400
    assert "The selected file must be smaller than 1 KB" in response.get_data(as_text=True)
    assert counts(session) == (0, 0, 0)


def test_a_body_over_the_limit_gets_the_form_with_a_gov_uk_error_not_a_bare_413(signed_in, case, session, app,
                                                                                monkeypatch):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 1024 * 1024)
    response = upload(signed_in, case.id, "huge.pdf", PDF_BYTES + b"0" * (2 * 1024 * 1024))
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "There is a problem" in page and "The selected file must be smaller than 1 MB" in page
    assert "Upload a document to the case" in page and "govuk-template" in page
    assert counts(session) == (0, 0, 0)


def test_the_default_limit_is_10_mb_and_the_upload_route_alone_accepts_a_body_that_large(signed_in, case, app):
    assert app.config["MAX_UPLOAD_BYTES"] == 10 * 1024 * 1024
    nine_mb = PDF_BYTES + b"0" * (9 * 1024 * 1024)
    assert upload(signed_in, case.id, "nine.pdf", nine_mb).status_code == 302
    too_big = closed(signed_in.post(f"/cases/{case.id}/notes/new", {"note": "x" * 3 * 1024 * 1024}))
    assert too_big.status_code == 413  # the other routes keep the app's 2 MB, with a GOV.UK page
    assert "What you sent is too large" in too_big.get_data(as_text=True)


def test_a_note_is_added_audited_and_refused_when_empty_or_too_long(signed_in, case, session):
    for text, message in (("   ", "Enter a note"), ("x" * 5001, "The note must be 5,000 characters or fewer")):
        response = signed_in.post(f"/cases/{case.id}/notes/new", {"note": text})
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert counts(session) == (0, 0, 0)
    response = signed_in.post(f"/cases/{case.id}/notes/new", {"note": "Chair rang: budget plan by Friday.\nAgreed."})
    assert response.status_code == 302
    note = session.scalar(select(CaseNote))
    assert note.text == "Chair rang: budget plan by Friday.\nAgreed." and note.task_id is None
    assert counts(session) == (0, 1, 1)
    assert "Chair rang: budget plan by Friday." in signed_in.text(f"/cases/{case.id}/notes/{note.id}")


def test_notes_and_documents_appear_on_the_case_page_and_in_its_timeline(signed_in, case):
    signed_in.post(f"/cases/{case.id}/notes/new", {"note": "Visited the school; the head was away."})
    upload(signed_in, case.id, "minutes.pdf", PDF_BYTES)
    page = signed_in.text(f"/cases/{case.id}")
    files = page[page.index('id="notes-and-documents"'):page.index("<h2 class=\"govuk-heading-m\">Timeline")]
    assert "Visited the school; the head was away." in files and ">minutes.pdf</a>" in files
    assert f'href="/cases/{case.id}/documents/' in files and "(PDF," in files
    timeline = page[page.index("Timeline"):]
    assert "Note added</strong>: Visited the school; the head was away." in timeline
    assert "Document added</strong>: minutes.pdf (PDF," in timeline


def test_added_at_a_step_they_are_shown_at_the_later_steps_with_the_step_named(signed_in, case, task, session):
    page = signed_in.text(f"/tasks/{task.id}")
    assert f'href="/cases/{case.id}/notes/new?step={task.id}"' in page
    response = signed_in.post(f"/cases/{case.id}/notes/new?step={task.id}", {"note": "Director recommends s60."})
    assert response.headers["Location"].endswith(f"/tasks/{task.id}#notes-and-documents")
    upload(signed_in, case.id, "recommendation.docx", DOCX_BYTES, step=task.id)
    assert session.scalar(select(CaseNote)).step_name == "Check the concern"
    page = signed_in.text(f"/tasks/{task.id}")
    files = page[page.index('id="notes-and-documents"'):]
    assert "Director recommends s60." in files and "recommendation.docx" in files and "at ‘Check the concern’" in files


def test_a_step_of_another_case_is_ignored(signed_in, case, session):
    other = start_case(session)
    session.commit()
    other_task = session.scalar(select(HumanTask).where(HumanTask.instance_id == other.id))
    signed_in.post(f"/cases/{case.id}/notes/new?step={other_task.id}", {"note": "hello"})
    assert session.scalar(select(CaseNote)).task_id is None


def test_another_organisation_gets_404_for_the_forms_the_note_the_document_and_its_download(
        signed_in, case, session, app):
    signed_in.post(f"/cases/{case.id}/notes/new", {"note": "Confidential: the head is on leave."})
    upload(signed_in, case.id, "minutes.pdf", PDF_BYTES)
    note, document = session.scalar(select(CaseNote)), session.scalar(select(CaseDocument))
    make_user(session, "bob@derbyshire.gov.uk", DERBYSHIRE, ["link_adviser"])
    session.commit()
    stranger = Browser(app.test_client())
    stranger.sign_in("bob@derbyshire.gov.uk")
    for url in (f"/cases/{case.id}/notes/{note.id}", f"/cases/{case.id}/documents/{document.id}",
                f"/cases/{case.id}/notes/new", f"/cases/{case.id}/documents/new"):
        response = stranger.get(url)
        assert response.status_code == 404, url
        assert b"Confidential" not in response.data and b"%PDF" not in response.data
    assert stranger.post(f"/cases/{case.id}/notes/new", {"note": "sneaky"}).status_code == 404
    assert upload(stranger, case.id, "sneaky.pdf", PDF_BYTES).status_code == 404
    assert counts(session) == (1, 1, 2)


def test_a_name_beyond_ascii_downloads_under_its_own_name(signed_in, case, session):
    upload(signed_in, case.id, "Prüfbericht März.pdf", PDF_BYTES)
    document = session.scalar(select(CaseDocument))
    disposition = signed_in.get(f"/cases/{case.id}/documents/{document.id}").headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''Pr%C3%BCfbericht%20M%C3%A4rz.pdf" in disposition


def test_a_document_of_another_case_or_beyond_any_id_is_not_found(signed_in, case, session):
    upload(signed_in, case.id, "minutes.pdf", PDF_BYTES)
    document = session.scalar(select(CaseDocument))
    other = start_case(session)
    session.commit()
    assert signed_in.get(f"/cases/{other.id}/documents/{document.id}").status_code == 404
    assert signed_in.get(f"/cases/{case.id}/documents/{2**63}").status_code == 404
    assert signed_in.get(f"/cases/{case.id}/notes/{2**64}").status_code == 404


def test_the_note_and_document_forms_share_one_frame_and_say_the_step_alike(signed_in, case, task):
    """Code review of issue 9: the two forms duplicated their frame (caption, step, form, buttons) and
    had drifted (the note named the step in its hint, the document in a paragraph). One macro now."""
    from pathlib import Path

    pages = [signed_in.text(f"/cases/{case.id}/{kind}/new?step={task.id}") for kind in ("notes", "documents")]
    for page in pages:
        assert '<p class="govuk-body app-case-file-step">You are on the step ‘Check the concern’.</p>' in page
        assert f'<a class="govuk-link" href="/tasks/{task.id}#notes-and-documents">Cancel</a>' in page
    templates = Path(__file__).resolve().parents[2] / "web" / "templates" / "cases"
    for name in ("note_form.html", "document_form.html"):
        source = (templates / name).read_text(encoding="utf-8")
        assert "case_file_form" in source and "csrf_token" not in source and "Cancel" not in source
    listing = (templates / "_notes_and_documents.html").read_text(encoding="utf-8")
    # Who added a note or a document, when and at which step: said once, in the macro.
    assert "created_at | govuk_datetime" not in listing and listing.count("call added_by(") == 2


def test_the_task_page_points_to_the_form_below_before_leaving_for_a_note(signed_in, case, task):
    """Seen on the walk-through: the notes sit above the step's form, yet told the officer to save
    "your answers above" as a draft before leaving for a note: the answers are below, under the
    button that saves them."""
    page = signed_in.text(f"/tasks/{task.id}")
    files = page[page.index('id="notes-and-documents"'):page.index("Record this step")]
    assert "answers above" not in files
    assert "save your answers below with ‘Save as draft’ first" in files
