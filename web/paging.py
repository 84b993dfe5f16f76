"""Page numbers for lists, in the shape the GOV.UK pagination component takes."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import request

PER_PAGE = 25


def page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


@dataclass(frozen=True)
class Page:
    number: int
    total: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (min(self.number, self.pages) - 1) * self.per_page

    @property
    def first_item(self) -> int:
        return 0 if self.total == 0 else self.offset + 1

    @property
    def last_item(self) -> int:
        return min(self.total, self.offset + self.per_page)

    def component(self, url_for_page: Callable[[int], str]) -> dict | None:
        """govukPagination params, or None when everything fits on one page."""
        if self.pages <= 1:
            return None
        current = min(self.number, self.pages)
        shown = sorted({1, self.pages, current - 1, current, current + 1} & set(range(1, self.pages + 1)))
        items: list[dict] = []
        for index, number in enumerate(shown):
            if index and number - shown[index - 1] > 1:
                items.append({"ellipsis": True})
            items.append({"number": number, "href": url_for_page(number), "current": number == current})
        params: dict = {"items": items, "landmarkLabel": "Pages"}
        if current > 1:
            params["previous"] = {"href": url_for_page(current - 1)}
        if current < self.pages:
            params["next"] = {"href": url_for_page(current + 1)}
        return params
