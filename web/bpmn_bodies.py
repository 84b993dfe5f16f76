"""Routes whose request body is a whole BPMN file (upload, autosave, check, dry run): the app's 2 MB
limit for forms is lifted to what the BPMN parser itself accepts, in one place, so a draft that can be
saved can also be checked and tried."""
from __future__ import annotations

from flask import Blueprint, request

from engine.parser import MAX_DOCUMENT_BYTES

#: Room for the multipart or JSON wrapping around a file of the largest size the parser accepts
#: (JSON escapes each quote, so a diagram's JSON is a little larger than its file).
BPMN_BODY_LIMIT = MAX_DOCUMENT_BYTES + 1024 * 1024


def allow_bpmn_sized_bodies(blueprint: Blueprint, *endpoints: str) -> None:
    """Lift the body limit for these endpoints of the blueprint; it runs before the CSRF check reads
    the body."""
    @blueprint.url_value_preprocessor
    def _lift(endpoint, _values) -> None:
        if endpoint in endpoints and request.method == "POST":
            request.max_content_length = BPMN_BODY_LIMIT
