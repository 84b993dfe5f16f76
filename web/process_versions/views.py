"""Compare two versions of a route, and move running cases from one to the other.

`?from=N&to=M` name versions of the national line; `830:2` names version 2 of an organisation's own
line. An organisation sees and uses the national versions and its own only, and only its own cases
are listed and moved (the request session is scoped to the officer; the list also filters on the
owner, so a case a region only shares is not moved by the region).
"""
from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select

from engine import migration
from engine.definition_diff import ADDED, REMOVED, changed_element_ids, diff_definitions
from engine.definitions import parsed_definition, usable_versions
from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.models import ProcessDefinition
from workflows.school_models import School

from ..access import requires, user
from ..db import db
from ..labels import route_title
from .access import may_migrate, require_line, require_viewer

blueprint = Blueprint("process_versions", __name__, url_prefix="/processes")
REASON_MAX = 500


def _versions(key: str) -> tuple[ProcessDefinition, ProcessDefinition]:
    """The two versions the request names, each one the officer's organisation may use."""
    me = user()
    require_viewer(me)
    session = db()
    if not usable_versions(session, key, me.organisation_id):
        raise NotFound(f"no process '{key}'")
    found = []
    for name, words in (("from", "the version the cases run on"), ("to", "the version to move them to")):
        text = request.args.get(name, "").strip()
        if not text:
            raise InvalidInput(f"Say which versions to compare: the address needs ?from= (the older version) and "
                               f"&to= (the newer), for example ?from=1&to=2. '{name}' ({words}) is missing.")
        owner, number = _said(migration.parse_version, text)
        require_line(me, owner)
        found.append(migration.find_version(session, key, number, owner))
    _said(migration.check_versions, found[0], found[1])
    return found[0], found[1]


def _said(check, *args):
    """The engine's refusal as a sentence on the error page."""
    try:
        return check(*args)
    except InvalidInput as error:
        text = str(error)
        raise InvalidInput(text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")) from error


def _version_name(definition: ProcessDefinition) -> str:
    own = f" ({definition.owner}'s own)" if definition.owner else ""
    return f"version {definition.version}{own}"


@blueprint.get("/<key>/compare")
@requires()
def compare(key: str):
    source, target = _versions(key)
    changes = diff_definitions(parsed_definition(source), parsed_definition(target), source.bpmn_xml,
                               target.bpmn_xml)
    groups = [("Added", [c for c in changes if c.aspect == "element" and c.kind == ADDED]),
              ("Removed", [c for c in changes if c.aspect == "element" and c.kind == REMOVED]),
              ("Changed", [c for c in changes if c.aspect != "element"])]
    return render_template("process_versions/compare.html", key=key, route=route_title(key), source=source,
                           target=target, groups=groups, changes=changes, marks=changed_element_ids(changes),
                           names=(_version_name(source), _version_name(target)),
                           may_migrate=may_migrate(user()),
                           diagrams={"before": source.bpmn_xml, "after": target.bpmn_xml})


def _schools(business_keys: list[str | None]) -> dict[str, str]:
    keys = [k for k in business_keys if k]
    if not keys:
        return {}
    return dict(db().execute(select(School.urn, School.name).where(School.urn.in_(keys))).tuples().all())


def _page(key: str, source, target, plan, status: int = 200, **extra):
    return render_template("process_versions/migrate.html", key=key, route=route_title(key), source=source,
                           target=target, plan=plan, schools=_schools([c.business_key for c in plan.cases]),
                           names=(_version_name(source), _version_name(target)), may_migrate=may_migrate(user()),
                           reason_max=REASON_MAX, args={"from": request.args["from"], "to": request.args["to"]},
                           **{"errors": {}, "reason": "", "done": False, **extra}), status


@blueprint.route("/<key>/migrate", methods=["GET", "POST"])
@requires()
def migrate(key: str):
    source, target = _versions(key)
    me, session = user(), db()
    cases = migration.cases_on(session, source, owner=me.organisation_id)
    if request.method == "GET":
        return _page(key, source, target, migration.plan_migration(session, source, target, cases))
    if not may_migrate(me):
        raise NotAllowed("only a process owner can move cases to another version")
    reason = request.form.get("reason", "").strip()
    errors = {}
    if not reason:
        errors["reason"] = "Enter why the cases are being moved"
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"The reason must be {REASON_MAX} characters or fewer"
    if request.form.get("confirmed") != "yes":
        errors["confirmed"] = "Confirm that the cases that can move should be moved now"
    if errors:
        plan = migration.plan_migration(session, source, target, cases)
        return _page(key, source, target, plan, 400, errors=errors, reason=reason,
                     error_list=[{"text": m, "href": f"#{k}"} for k, m in errors.items()])
    result = migration.migrate_cases(session, source, target, me.email, reason, cases)
    return _page(key, source, target, result, done=True, reason=reason)
