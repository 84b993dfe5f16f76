"""/api/v1/deadlines: the statutory and local deadlines of every case the officer may see.

The status is as of today (engine.deadlines.status_on), not as stored at the case's last save: a
pending deadline whose day has passed is missed from the next day, whether or not anything saved
the case since.
"""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint
from sqlalchemy import func, select

from engine.clock import today_local
from engine.deadlines import live_note, status_on
from engine.models import Deadline, ProcessInstance

from ..access import token_only
from ..db import db
from .paging import PageArgs, offset, paged
from .schemas import DeadlinePage

blueprint = Blueprint("api_deadlines", __name__, url_prefix="/api/v1/deadlines",
                      description="Deadlines of cases, counted in working days, with their legal source.")
F = ma.fields
STATUSES = ("pending", "met", "missed", "unknown", "ended")


class DeadlineFilters(PageArgs):
    status = F.String(load_default="", validate=ma.validate.OneOf(["", *STATUSES]),
                      metadata={"description": "as of today"})
    route = F.String(load_default="", validate=ma.validate.Length(max=200))
    case_id = F.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    due_from = F.Date(load_default=None, allow_none=True)
    due_to = F.Date(load_default=None, allow_none=True)
    case_status = F.String(load_default="", validate=ma.validate.OneOf(["", "open", "closed"]))


def _filtered(args: dict[str, Any]):
    live = status_on(today_local())
    query = select(Deadline, live.label("live_status")).join(ProcessInstance, ProcessInstance.id == Deadline.instance_id)
    if args["status"]:
        query = query.where(live == args["status"])
    if args["route"]:
        query = query.where(ProcessInstance.process_key == args["route"])
    if args["case_id"] is not None:
        query = query.where(Deadline.instance_id == args["case_id"])
    if args["due_from"] is not None:
        query = query.where(Deadline.due_on >= args["due_from"])
    if args["due_to"] is not None:
        query = query.where(Deadline.due_on <= args["due_to"])
    if args["case_status"]:
        closed = ProcessInstance.status.in_(("completed", "terminated"))
        query = query.where(closed if args["case_status"] == "closed" else ~closed)
    return query


@blueprint.route("")
@blueprint.arguments(DeadlineFilters, location="query")
@blueprint.response(200, DeadlinePage)
@token_only
def list_deadlines(args: dict[str, Any]):
    """Soonest due first, undated last."""
    session, query = db(), _filtered(args)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(Deadline.due_on.is_(None), Deadline.due_on, Deadline.instance_id,
                                          Deadline.deadline_id).offset(offset(args)).limit(args["per_page"]))
    return paged([_row(deadline, live) for deadline, live in rows], total, args)


def _row(deadline: Deadline, live: str) -> dict[str, Any]:
    return {**{column: getattr(deadline, column) for column in (
        "instance_id", "deadline_id", "name", "due_on", "rule", "source", "met_on", "missed_at")},
        "status": live, "note": live_note(deadline)}
