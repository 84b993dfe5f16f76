"""Each letter as an editable Word document, beside its PDF.

Officers finish some letters in Word (a local paragraph, a signature image), so each letter is also
offered as .docx. It is built from the same HTML the PDF is rendered from (the same stored data and
template), so its words, statutory contents and copies list are the PDF's; only the layout is
Word's own. python-docx writes it; nothing is fetched, nothing is executed.
"""
from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from docx import Document
from lxml import html as lxml_html

from .letters import render_html

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BLOCKS = {"p", "h1", "h2", "h3", "li", "table", "div", "section", "header", "footer", "ul", "ol"}


def render_docx(kind: str, data: dict[str, Any], issued_on: date, organisation_name: str) -> tuple[str, bytes]:
    """(filename, .docx bytes) of the letter, from the data its PDF is rendered from."""
    page, context = render_html(kind, data, issued_on, organisation_name)
    tree = lxml_html.fromstring(page)
    for source in tree.xpath("//span[contains(@class, 'source')]"):
        source.text = f" ({(source.text or '').strip()})"  # a citation, kept apart from the heading
    document = Document()
    document.core_properties.title = context["title"]
    document.core_properties.author = context["la"]["name"]
    _blocks(tree.find("body"), document, numbered=False)
    buffer = io.BytesIO()
    document.save(buffer)
    return re.sub(r"\.pdf$", ".docx", context["filename"]), buffer.getvalue()


def _text(element: Any) -> str:
    """The element's words on one line; a <br> (an address) becomes a comma, as one would write it."""
    for line_break in element.iter("br"):
        line_break.tail = ", " + (line_break.tail or "")
    return " ".join("".join(element.itertext()).split())


def _blocks(element: Any, document: Any, numbered: bool) -> None:
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("style", "script", "title", "meta"):
            continue
        has_blocks = any(isinstance(c.tag, str) and c.tag in BLOCKS for c in child)
        if tag == "h1":
            document.add_heading(_text(child), level=1)
        elif tag in ("h2", "h3"):
            document.add_heading(_text(child), level=2)
        elif tag == "table":
            for row in child.iter("tr"):
                document.add_paragraph(": ".join(_text(cell) for cell in row if isinstance(cell.tag, str)))
        elif tag == "li" and not has_blocks:
            document.add_paragraph(_text(child), style="List Number" if numbered else "List Bullet")
        elif tag in ("ul", "ol"):
            _blocks(child, document, numbered=tag == "ol")
        elif has_blocks:
            _blocks(child, document, numbered)
        elif _text(child):
            document.add_paragraph(_text(child))
