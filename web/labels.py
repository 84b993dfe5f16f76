"""Names pages show for keys the projections hold: route titles, role names, school search."""
from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from workflows.account_models import Organisation
from workflows.registry import processes
from workflows.roles import role_for
from workflows.school_models import School
from workflows.schools import classify, search_name


def route_title(process_key: str) -> str:
    package = processes().get(process_key)
    return package.title if package else process_key.replace("_", " ").capitalize()


def route_choices() -> list[tuple[str, str]]:
    return sorted(((key, package.title) for key, package in processes().items()), key=lambda kv: kv[1])


def role_name(role_id: str | None) -> str:
    role = role_for(role_id)
    return role.name if role else (role_id or "")


def school_matches(text: str, urn_column) -> ColumnElement[bool]:
    """A school by URN (exact) or by any part of its name."""
    text = text.strip()
    folded = search_name(text)
    clauses = [School.search_name.contains(folded, autoescape=True)] if folded else []
    if text.isdigit():
        clauses.append(urn_column == text)
    return or_(*clauses) if clauses else urn_column == text


def school_kind(school: School) -> str:
    """maintained, academy, pru or other (workflows.schools.classify)."""
    return classify(school.type_of_establishment)


def authority_names(session: Session, owners: set[str]) -> dict[str, str]:
    """The names of the local authorities among these case owners (a region's own cases have none:
    their authority is the school's)."""
    if not owners:
        return {}
    return dict(session.execute(select(Organisation.id, Organisation.name)
                                .where(Organisation.id.in_(owners), Organisation.kind == "la")).all())
