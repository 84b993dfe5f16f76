"""What a case document may be: decided from its bytes; names cleaned; notes bounded."""
from __future__ import annotations

import io
import zipfile

import pytest

from workflows.case_files import (
    DOCX,
    JPEG,
    PDF,
    PNG,
    CaseFileRefused,
    check_document,
    check_note,
    clean_filename,
    detect_kind,
)

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20 + b"\xff\xd9"


def zip_of(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


DOCX_BYTES = zip_of("[Content_Types].xml", "word/document.xml")


@pytest.mark.parametrize(("content", "kind"), [(PDF_BYTES, PDF), (PNG_BYTES, PNG), (JPEG_BYTES, JPEG),
                                               (DOCX_BYTES, DOCX)])
def test_each_allowed_kind_is_known_by_its_bytes(content, kind):
    assert detect_kind(content) is kind


@pytest.mark.parametrize("content", [
    b"<!doctype html><html><script>alert(1)</script></html>",   # an HTML page
    b"GIF89a\x01\x00",                                           # an image kind not allowed
    zip_of("[Content_Types].xml", "xl/workbook.xml"),            # an Excel workbook
    zip_of("readme.txt"),                                        # a bare zip
    zip_of("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"),  # macros: a .docm renamed
    b"PK\x03\x04 not really a zip",
    b" %PDF-1.7 (the magic not at the start)",
])
def test_other_bytes_are_no_allowed_kind(content):
    assert detect_kind(content) is None


def test_a_pdf_name_on_an_html_page_is_refused_whatever_it_claims():
    with pytest.raises(CaseFileRefused, match="must be a PDF, a Word document") as refused:
        check_document("minutes.pdf", b"<html><body>hello</body></html>", 1000)
    assert refused.value.field == "document"


def test_the_name_must_agree_with_the_bytes():
    with pytest.raises(CaseFileRefused, match="is a PNG image: its name must end in .png"):
        check_document("minutes.pdf", PNG_BYTES, 1000)
    assert check_document("Photo.JPEG", JPEG_BYTES, 1000) == ("Photo.JPEG", JPEG)


def test_empty_and_oversized_files_are_refused_with_the_limit_in_words():
    with pytest.raises(CaseFileRefused, match="‘a.pdf’ is empty"):
        check_document("a.pdf", b"", 1000)
    with pytest.raises(CaseFileRefused, match="smaller than 10 MB"):
        check_document("a.pdf", PDF_BYTES + b"0" * (10 * 1024 * 1024), 10 * 1024 * 1024)
    assert check_document("a.pdf", PDF_BYTES, len(PDF_BYTES))[1] is PDF  # exactly the limit is allowed


def test_names_lose_paths_control_characters_and_quotes_and_keep_their_extension():
    assert clean_filename("C:\\Users\\ann\\report.pdf") == "report.pdf"
    assert clean_filename('../../etc/"x"\r\nname.pdf') == "xname.pdf"
    long = clean_filename("a" * 300 + ".docx")
    assert len(long) == 200 and long.endswith(".docx")


def test_notes_are_trimmed_required_and_bounded():
    assert check_note("  A call with the chair.\r\nThey agreed.  ") == "A call with the chair.\nThey agreed."
    for empty in ("", "   \n  "):
        with pytest.raises(CaseFileRefused, match="Enter a note"):
            check_note(empty)
    assert check_note("x" * 5000) == "x" * 5000
    with pytest.raises(CaseFileRefused, match="5,000 characters or fewer"):
        check_note("x" * 5001)
