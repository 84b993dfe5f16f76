"""Pages of a list: `page` and `per_page` in, the items with `links` (self, first, prev, next,
last) in the body and the same links in an RFC 8288 `Link` header out."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import request, url_for

PER_PAGE, MAX_PER_PAGE = 25, 100


class PageArgs(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))
    per_page = ma.fields.Integer(load_default=PER_PAGE, validate=ma.validate.Range(min=1, max=MAX_PER_PAGE))


class LinksSchema(ma.Schema):
    self = ma.fields.String(required=True)
    first = ma.fields.String(required=True)
    last = ma.fields.String(required=True)
    prev = ma.fields.String(allow_none=True)
    next = ma.fields.String(allow_none=True)


def page_schema(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    """A page of `item`s: {items, page, per_page, total, links}."""
    return ma.Schema.from_dict({
        "items": ma.fields.List(ma.fields.Nested(item), required=True),
        "page": ma.fields.Integer(required=True),
        "per_page": ma.fields.Integer(required=True),
        "total": ma.fields.Integer(required=True),
        "links": ma.fields.Nested(LinksSchema, required=True),
    }, name=name)


def offset(args: dict[str, Any]) -> int:
    return (args["page"] - 1) * args["per_page"]


def paged(items: list[Any], total: int, args: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """(body, 200, headers) for flask-smorest: the page and its links."""
    number, per_page = args["page"], args["per_page"]
    last = max(1, -(-total // per_page))
    links = {"self": _url(number, per_page), "first": _url(1, per_page), "last": _url(last, per_page),
             "prev": _url(min(number, last + 1) - 1, per_page) if number > 1 else None,
             "next": _url(number + 1, per_page) if number < last else None}
    header = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url)
    body = {"items": items, "page": number, "per_page": per_page, "total": total, "links": links}
    return body, 200, {"Link": header}


def _url(number: int, per_page: int) -> str:
    args: dict[str, Any] = {key: values for key, values in request.args.lists() if key not in ("page", "per_page")}
    args.update(page=str(number), per_page=str(per_page))  # last, so a page's links differ only there
    assert request.endpoint is not None
    return url_for(request.endpoint, **(request.view_args or {}), **args)
