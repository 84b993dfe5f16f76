"""/dashboard for managers (roles with may_view_dashboard): what is overdue, what is due next, whether
deadlines were met, where the open cases stand; /dashboard/routes/<key>: a route's diagram as a
heatmap of open cases and time spent at each step. Counted by workflows.dashboard over the request's
scoped session, so each officer sees their organisation's cases (a region: those shared with it),
and kept as the organisation's snapshot (workflows.dashboard_snapshots): a page shows figures counted
within the last few minutes, says when, and offers to count them again."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from engine.clock import today_local
from engine.db import utcnow
from engine.definitions import latest_definition
from engine.errors import NotFound
from workflows.dashboard_snapshots import REFRESH_MINUTES, Counted, count_and_store, dashboard_for
from workflows.registry import processes
from workflows.roles import DASHBOARD_ROLES

from ..access import requires, safe_next, user
from ..db import db, write_factory
from ..formatting import govuk_datetime
from ..labels import route_title
from .figures import chart_data, dashboard_figures, heatmap_figures

blueprint = Blueprint("dashboard", __name__, url_prefix="/dashboard")


def _counted() -> Counted:
    return dashboard_for(db(), write_factory(), user().organisation_id, today_local(), utcnow())


def _freshness(counted: Counted) -> dict:
    return {"counted_at": counted.counted_at, "just_counted": counted.just_counted,
            "refresh_minutes": round(REFRESH_MINUTES)}


@blueprint.get("")
@requires(roles=DASHBOARD_ROLES)
def dashboard():
    counted = _counted()
    figures = dashboard_figures(counted.figures)
    routes = sorted(((key, route_title(key)) for key in processes()), key=lambda kv: kv[1])
    return render_template("dashboard/dashboard.html", **figures, **_freshness(counted),
                           chart_data=chart_data(figures), routes=routes, route_title=route_title)


@blueprint.post("/count")
@requires(roles=DASHBOARD_ROLES)
def count_again():
    """Count the figures now rather than wait for the worker's next round."""
    counted = count_and_store(db(), user().organisation_id, today_local(), utcnow())  # committed with the request
    flash(f"The figures were counted again: they are as of {govuk_datetime(counted.counted_at)}.", "success")
    back = safe_next(request.form.get("back"))  # the dashboard or the heatmap the button was on
    return redirect(back if back and back.startswith(blueprint.url_prefix or "") else url_for("dashboard.dashboard"))


def _route_definition(route_key: str):
    """The version of the route the officer's organisation's new cases run (its own, else the national one)."""
    definition = latest_definition(db(), route_key, required=False, owner=user().organisation_id)
    if definition is None:
        raise NotFound(f"no route '{route_key}'")
    return definition


@blueprint.get("/routes/<route_key>")
@requires(roles=DASHBOARD_ROLES)
def route_heatmap(route_key: str):
    _route_definition(route_key)
    counted = _counted()
    steps = heatmap_figures(counted.figures, route_key)
    heat = [{"id": s["bpmn_id"], "cases": s["cases"], "median": s["median"], "visits": s["visits"]} for s in steps]
    return render_template("dashboard/route.html", route_key=route_key, title=route_title(route_key), steps=steps,
                           heat=heat, **_freshness(counted))


@blueprint.get("/routes/<route_key>/diagram.bpmn")
@requires(roles=DASHBOARD_ROLES)
def route_diagram(route_key: str):
    definition = _route_definition(route_key)
    return Response(definition.bpmn_xml, mimetype="application/xml",
                    headers={"Content-Disposition": f'inline; filename="{route_key}.bpmn"'})
