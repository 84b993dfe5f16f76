"""Notes and documents on a case: what may be added, and adding it with its audit event.

A document's type is decided from its bytes (the "magic" at its start, and for Word the parts
inside its zip), never from its name or the browser's content type alone: a file named .pdf that is
really an HTML page must not be stored and later handed to a colleague as a PDF. The name's
extension must also agree with the bytes, so an officer is not surprised by what they download.

Each function refuses bad input with `CaseFileRefused` (a sentence for the officer, the field it is
about) before anything is written, so a refused note or document changes nothing.
"""
from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import HumanTask, ProcessInstance
from engine.runtime import audit

from .case_file_models import CaseDocument, CaseNote

#: Default largest document, in bytes; INTERVENE_MAX_UPLOAD_BYTES (or the app's MAX_UPLOAD_BYTES) changes it.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
NOTE_MAX_CHARS = 5000
DESCRIPTION_MAX_CHARS = 500
FILENAME_MAX_CHARS = 200


@dataclass(frozen=True)
class Kind:
    media_type: str
    label: str
    extensions: tuple[str, ...]


PDF = Kind("application/pdf", "PDF", (".pdf",))
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document", (".docx",))
PNG = Kind("image/png", "PNG image", (".png",))
JPEG = Kind("image/jpeg", "JPEG image", (".jpg", ".jpeg"))
KINDS_BY_MEDIA_TYPE = {kind.media_type: kind.label for kind in (PDF, DOCX, PNG, JPEG)}
ALLOWED_TEXT = "a PDF, a Word document (.docx), or a PNG or JPEG image"


class CaseFileRefused(ValueError):
    """Input an officer can correct; `field` is the form field the message belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _is_docx(content: bytes) -> bool:
    """A zip holding a Word main document: what Word writes. A bare zip or an .xlsx is not, nor a
    document carrying macros (a .docm renamed), which colleagues would be asked to open. Only the
    zip's directory is read, never its contents inflated."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return ("[Content_Types].xml" in names and "word/document.xml" in names
            and "word/vbaProject.bin" not in names)


def detect_kind(content: bytes) -> Kind | None:
    """The allowed kind these bytes are, or None."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04") and _is_docx(content):
        return DOCX
    return None


def clean_filename(name: str) -> str:
    """The last part of the name, without control characters or quotes, at most 200 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base)
                   if unicodedata.category(ch)[0] != "C" and ch not in '"')
    base = base.strip().strip(".")
    if len(base) > FILENAME_MAX_CHARS:
        stem, dot, extension = base.rpartition(".")
        keep = FILENAME_MAX_CHARS - len(dot + extension)
        base = (stem[:keep] + dot + extension) if dot and keep > 0 else base[:FILENAME_MAX_CHARS]
    return base


def megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.3g} MB" if value >= 1 else f"{max(1, size // 1024)} KB"


def check_document(filename: str, content: bytes, max_bytes: int) -> tuple[str, Kind]:
    """The cleaned name and the kind of an acceptable document; else CaseFileRefused."""
    name = clean_filename(filename)
    if not name:
        raise CaseFileRefused("document", "Select a file to upload")
    if len(content) == 0:
        raise CaseFileRefused("document", f"The selected file ‘{name}’ is empty")
    if len(content) > max_bytes:
        raise CaseFileRefused("document", f"The selected file must be smaller than {megabytes(max_bytes)}")
    kind = detect_kind(content)
    if kind is None:
        raise CaseFileRefused("document", f"The selected file must be {ALLOWED_TEXT}. "
                                          f"‘{name}’ is not one of these, whatever its name says")
    if not name.lower().endswith(kind.extensions):
        raise CaseFileRefused("document", f"‘{name}’ is a {kind.label}: its name must end in "
                                          f"{' or '.join(kind.extensions)}")
    return name, kind


def check_note(text: str) -> str:
    cleaned = (text or "").replace("\r\n", "\n").strip()
    if not cleaned:
        raise CaseFileRefused("note", "Enter a note")
    if len(cleaned) > NOTE_MAX_CHARS:
        raise CaseFileRefused("note", f"The note must be {NOTE_MAX_CHARS:,} characters or fewer")
    return cleaned


def step_of(session: Session, instance: ProcessInstance, task_id: str | None) -> HumanTask | None:
    """The case's human task the officer was on, or None (a task of another case is ignored)."""
    if not task_id:
        return None
    return session.scalar(select(HumanTask).where(HumanTask.id == str(task_id)[:36],
                                                  HumanTask.instance_id == instance.id))


def add_note(session: Session, instance: ProcessInstance, actor: str, text: str,
             step: HumanTask | None = None) -> CaseNote:
    note = CaseNote(instance_id=instance.id, task_id=step.id if step else None,
                    step_name=step.name if step else None, text=check_note(text), created_by=actor)
    session.add(note)
    session.flush()
    audit(session, instance, actor, "note_added", task_id=note.task_id, detail=_shorten(note.text),
          data={"note_id": note.id})
    return note


def add_document(session: Session, instance: ProcessInstance, actor: str, filename: str, content: bytes,
                 *, max_bytes: int = DEFAULT_MAX_BYTES, description: str = "",
                 step: HumanTask | None = None) -> CaseDocument:
    name, kind = check_document(filename, content, max_bytes)
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX_CHARS:
        raise CaseFileRefused("description", f"The description must be {DESCRIPTION_MAX_CHARS} characters or fewer")
    document = CaseDocument(instance_id=instance.id, task_id=step.id if step else None,
                            step_name=step.name if step else None, filename=name, media_type=kind.media_type,
                            size=len(content), sha256=hashlib.sha256(content).hexdigest(), content=content,
                            description=description or None, created_by=actor)
    session.add(document)
    session.flush()
    audit(session, instance, actor, "document_added", task_id=document.task_id,
          detail=f"{name} ({kind.label}, {megabytes(len(content))})",
          data={"document_id": document.id, "sha256": document.sha256})
    return document


def _shorten(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


def notes_of(session: Session, instance_id: int) -> list[CaseNote]:
    """Newest first, as an officer reading before a decision wants them."""
    return list(session.scalars(select(CaseNote).where(CaseNote.instance_id == instance_id)
                                .order_by(CaseNote.created_at.desc(), CaseNote.id.desc())))


def documents_of(session: Session, instance_id: int) -> list[CaseDocument]:
    return list(session.scalars(select(CaseDocument).where(CaseDocument.instance_id == instance_id)
                                .order_by(CaseDocument.created_at.desc(), CaseDocument.id.desc())))


#: Ids beyond a signed 64-bit integer are not rows; PostgreSQL would refuse to compare with them.
MAX_ID = 2**63 - 1


def note_of(session: Session, instance_id: int, note_id: int) -> CaseNote | None:
    """The case's note, or None: the caller has already checked the case is visible."""
    if not 0 < note_id <= MAX_ID:
        return None
    return session.scalar(select(CaseNote).where(CaseNote.instance_id == instance_id, CaseNote.id == note_id))


def document_of(session: Session, instance_id: int, document_id: int) -> CaseDocument | None:
    """The case's document, or None: the caller has already checked the case is visible."""
    if not 0 < document_id <= MAX_ID:
        return None
    return session.scalar(select(CaseDocument).where(CaseDocument.instance_id == instance_id,
                                                     CaseDocument.id == document_id))
