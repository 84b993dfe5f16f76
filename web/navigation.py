"""What every page's header needs: the service navigation for the signed-in officer."""
from __future__ import annotations

from flask import g, request, url_for

from workflows.access import is_admin, may_start_cases
from workflows.roles import may_view_dashboard

#: (label, endpoint, endpoints that count as "in" that section)
_SECTIONS = (
    ("Inbox", "inbox.inbox", ("inbox.", "tasks.")),
    ("Cases", "cases.case_list", ("cases.case_list", "cases.case_page", "schools.")),
    ("Dashboard", "dashboard.dashboard", ("dashboard.",)),
    ("Start a case", "cases.new_case", ("cases.new_case",)),
    ("Admin", "admin.users", ("admin.",)),
)


def navigation() -> list[dict]:
    user = g.get("user")
    if user is None:
        return []
    endpoint = request.endpoint or ""
    items = []
    for label, target, prefixes in _SECTIONS:
        if target == "cases.new_case" and not may_start_cases(user):
            continue
        if target == "admin.users" and not is_admin(user):
            continue
        if target == "dashboard.dashboard" and not may_view_dashboard(user.roles):
            continue
        here = any(endpoint == p or (p.endswith(".") and endpoint.startswith(p)) for p in prefixes)
        href = url_for(target)
        items.append({"text": label, "href": href, "current": here and request.path == href,
                      "active": here})
    return items


def template_context() -> dict:
    return {"navigation_items": navigation(), "signed_in_user": g.get("user"),
            "csp_nonce": g.get("csp_nonce", "")}
