"""/inbox: "Assigned to me" and "For my roles", with filters, due-date tags and pagination."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from engine.db import utcnow
from workflows.access import may_act_on, may_reassign

from ..access import requires, user
from ..db import db
from ..formatting import urgency
from ..labels import authority_names, route_choices, route_title
from ..paging import PER_PAGE, Page, page_number
from .queries import TABS, InboxFilters, inbox_counts, inbox_select, page_of

blueprint = Blueprint("inbox", __name__)


def _filters() -> InboxFilters:
    return InboxFilters(route=request.args.get("route", "").strip(),
                        school=request.args.get("school", "").strip()[:200],
                        is_overdue_only=request.args.get("overdue") == "yes")


@blueprint.get("/inbox")
@requires()
def inbox():
    me, session, now = user(), db(), utcnow()
    asked = request.args.get("tab")
    tab = asked if asked in TABS else "mine"
    filters = _filters()
    total, counts = inbox_counts(session, me, tab, filters, now)
    if asked not in TABS and not counts["mine"] and counts["roles"]:
        # Nothing is assigned to them but work waits for their roles: open on that, not on an empty tab.
        tab = "roles"
        total = inbox_counts(session, me, tab, filters, now)[0] if filters.is_set else counts[tab]
    page = Page(page_number(), total)
    query = inbox_select(me, tab, filters, now)
    found = page_of(session, query, page.offset, PER_PAGE)
    authorities = authority_names(session, {task.owner for task, _, _ in found if task.owner}) \
        if me.organisation_kind == "region" else None
    rows = [{"task": task, "school_name": school_name, "route": route_title(task.process_key),
             "urgency": urgency(task.due_at, now), "may_act": may_act_on(me, task),
             "may_reassign": may_reassign(me, task),
             "authority": None if authorities is None else authorities.get(task.owner or "") or la_name}
            for task, school_name, la_name in found]
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "inbox/inbox.html", tab=tab, rows=rows, page=page, counts=counts, filters=filters,
        is_filtered=filters.is_set, routes=route_choices(), back=request.full_path.rstrip("?"),
        pagination=page.component(lambda n: url_for("inbox.inbox", **args, page=n)),
        tab_urls={name: url_for("inbox.inbox", tab=name) for name in TABS})
