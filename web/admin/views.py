"""/admin/users: an organisation's administrator adds officers and sets their roles, for their own
organisation only (another organisation's user answers 404)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.errors import InvalidInput, NotFound
from workflows import accounts
from workflows.account_models import User
from workflows.roles import ROLES, ROLES_BY_ID

from ..access import begin_session, requires, user
from ..db import db

blueprint = Blueprint("admin", __name__, url_prefix="/admin")
ADMIN_ROLES = tuple(r.id for r in ROLES if r.is_admin)


def _role_items(kind: str, chosen: list[str]) -> list[dict]:
    return [{"value": r.id, "text": r.name, "hint": {"text": r.description}, "checked": r.id in chosen}
            for r in ROLES if r.organisation_kind in (kind, "any")]


def _own_user(user_id: int) -> User:
    found = db().get(User, user_id)
    if found is None or found.organisation_id != user().organisation_id:
        raise NotFound(f"no user with id {user_id}")
    return found


@blueprint.get("/users")
@requires(roles=ADMIN_ROLES)
def users():
    me = user()
    people = accounts.users_of(db(), me.organisation_id)
    return render_template("admin/users.html", people=people, organisation=me.organisation,
                           role_names={r.id: r.name for r in ROLES})


@blueprint.route("/users/new", methods=["GET", "POST"])
@requires(roles=ADMIN_ROLES)
def new_user():
    me, session = user(), db()
    form = {"email": "", "display_name": "", "roles": []}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {"email": request.form.get("email", "").strip(), "display_name": request.form.get("display_name", "").strip(),
                "roles": request.form.getlist("roles")}
        password = request.form.get("password", "")
        errors = _check_new(form, password, me.organisation)
        if not errors:
            try:
                created = accounts.create_user(session, form["email"], password, me.organisation_id, form["roles"],
                                               form["display_name"])
            except InvalidInput as refused:
                session.rollback()
                errors["email"] = str(refused)
            else:
                flash(f"{created.display_name} can now sign in with {created.email}.", "success")
                return redirect(url_for("admin.users"))
    error_list = [{"text": m, "href": f"#{k}"} for k, m in errors.items()]
    return render_template("admin/new_user.html", form=form, errors=errors, error_list=error_list,
                           role_items=_role_items(me.organisation_kind, form["roles"]),
                           min_length=accounts.MIN_PASSWORD_LENGTH, organisation=me.organisation), \
        400 if errors else 200


def _check_new(form: dict, password: str, organisation) -> dict[str, str]:
    errors = {}
    try:
        if not accounts.check_display_name(form["display_name"]):
            errors["display_name"] = "Enter the person's name"
    except InvalidInput as refused:
        errors["display_name"] = str(refused)
    try:
        address = accounts.normalise_email(form["email"])
        if not organisation.email_domains:
            raise InvalidInput(f"You cannot add users yet: no email domains are set for {organisation.name}. "
                               "Ask the service team to set them")
        accounts.check_email_domain(organisation, address)
    except InvalidInput as refused:
        errors["email"] = str(refused) if form["email"] else "Enter an email address"
    try:
        accounts.check_password(password)
    except InvalidInput as refused:
        errors["password"] = str(refused)
    if not form["roles"]:
        errors["roles"] = "Select at least one role"
    return errors


@blueprint.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(roles=ADMIN_ROLES)
def edit_user(user_id: int):
    me, session = user(), db()
    person = _own_user(user_id)
    chosen, is_active, errors = list(person.roles), person.is_active, {}
    if request.method == "POST" and request.form.get("intervene_action") == "unlock":
        accounts.unlock(session, person)
        flash(f"{person.display_name} can try to sign in again now.", "success")
        return redirect(url_for("admin.edit_user", user_id=person.id))
    if request.method == "POST":
        chosen, is_active = request.form.getlist("roles"), request.form.get("is_active") == "yes"
        new_password = request.form.get("password", "")
        if new_password:
            try:
                accounts.set_password(session, person, new_password)
            except InvalidInput as refused:
                errors["password"] = str(refused)
        if person.id == me.id and not set(chosen) & set(ADMIN_ROLES):
            errors["roles"] = "You cannot remove your own administrator role: ask another administrator"
        elif person.id == me.id and not is_active:
            errors["is_active"] = "You cannot stop your own account from signing in"
        else:
            try:
                accounts.set_roles(session, person, chosen)
            except InvalidInput as refused:
                errors["roles"] = str(refused)
        errors = {k: errors[k] for k in ("roles", "is_active", "password") if k in errors}  # form order
        if not errors:
            person.is_active = is_active
            if not is_active:
                accounts.end_sessions(session, person)
            if new_password and person.id == me.id:
                begin_session(person)  # the new password ended every session: stay signed in here
            flash(f"{person.display_name}'s changes have been saved"
                  + (" and their new password works now." if new_password else "."), "success")
            return redirect(url_for("admin.users"))
    error_list = [{"text": m, "href": f"#{k}"} for k, m in errors.items()]
    return render_template("admin/edit_user.html", person=person, errors=errors, error_list=error_list,
                           role_items=_role_items(me.organisation_kind, chosen), is_active=is_active,
                           min_length=accounts.MIN_PASSWORD_LENGTH,
                           role_names={r.id: r.name for r in ROLES_BY_ID.values()}), 400 if errors else 200
