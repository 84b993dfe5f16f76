"""Each letter also as an editable Word document (issue 9 point 2), read back with python-docx."""
from __future__ import annotations

import io

import pytest
from docx import Document

from workflows.letter_docx import render_docx

from .test_letters import COMPLETE, ISSUED_ON, LA, statement_data, warning_data


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    return " ".join(" ".join(p.text for p in document.paragraphs).replace("\u2019", "'").split())


def test_the_warning_notice_in_word_has_its_statutory_contents_and_copies():
    filename, content = render_docx("warning_notice", warning_data(), ISSUED_ON, LA)
    assert filename == "warning-notice-112233-2025-12-18.docx"
    text = docx_text(content)
    assert "Derbyshire County Council" in text and "Thursday 18 December 2025" in text
    assert "Only 38% of pupils reached the expected standard" in text  # the grounds
    assert "Approve a school improvement plan with measurable targets." in text  # the required action
    assert "by the end of Tuesday 13 January 2026" in text  # the compliance period
    assert "appoint additional governors (section 64)" in text  # minded to
    assert "replace the governing body with an interim executive board" in text
    copies = text[text.index("Copies to"):]
    assert "Alex Morgan, headteacher" in copies and "The Diocese of Derby" in copies
    assert "Secretary of State" in copies and "Chief Inspector" in copies


@pytest.mark.parametrize("kind", sorted(COMPLETE))
def test_every_letter_kind_opens_in_word(kind):
    _, content = render_docx(kind, COMPLETE[kind](), ISSUED_ON, LA)
    assert content.startswith(b"PK") and "MISSING" not in docx_text(content)


def test_the_statement_of_action_in_word_is_addressed_to_hmci():
    text = docx_text(render_docx("statement_of_action", statement_data(), ISSUED_ON, LA)[1])
    assert "statement of action under section 15 of the Education Act 2005" in text
    assert "5. Use of local authority powers" in text and "appoint additional governors (section 64)" in text
