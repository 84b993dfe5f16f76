"""/schools/<urn>: a school's register entry and every case it has had that the officer may see."""
from __future__ import annotations

from flask import Blueprint, render_template

from engine.errors import NotFound
from workflows.access import may_start_cases
from workflows.school_models import School

from ..access import requires, user
from ..case_page import STATUS_TAGS
from ..cases.queries import cases_of_school
from ..db import db
from ..labels import route_title, school_kind

blueprint = Blueprint("schools", __name__, url_prefix="/schools")


@blueprint.get("/<urn>")
@requires()
def school_page(urn: str):
    me, session = user(), db()
    school = session.get(School, urn)
    if school is None:
        raise NotFound(f"no school with URN {urn}")
    cases = [{"instance": c, "route": route_title(c.process_key),
              "tag": dict(zip(("text", "classes"), STATUS_TAGS.get(c.status, (c.status, "govuk-tag--grey")),
                              strict=True))}
             for c in cases_of_school(session, school.urn)]
    return render_template("schools/school.html", school=school, cases=cases, kind=school_kind(school),
                           may_start=may_start_cases(me))
