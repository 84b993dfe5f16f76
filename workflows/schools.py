"""The register of schools: what kind of school each is, which routes apply, who owns its cases.

A case's business key is the school's URN. Before a case starts, the start hook here finds the
school, refuses a route that does not apply to it (an s60 warning notice to an academy), names the
route that does, sets the organisation that owns the case, and copies the school's facts into the
case data so gateways can read them (whether to copy a notice to a diocese, say).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput, NotFound
from engine.hooks import StartContext, register_start_hook

from . import registry
from .gias import (
    BadRow,
    ImportReport,
    LocalAuthority,
    import_gias_csv,
    local_authorities,
    region_for,
    regions,
    search_key,
)
from .school_models import School, SchoolHoliday
from .term_dates import (
    has_term_dates,
    import_term_dates_csv,
    school_holiday_rows,
    school_holidays,
)

__all__ = [
    "KINDS", "BadRow", "ImportReport", "LocalAuthority", "School", "SchoolHoliday",
    "classify", "find_schools", "get_school", "has_foundation", "has_term_dates", "import_gias_csv",
    "import_term_dates_csv", "is_church_school", "is_voluntary_aided", "load_demo_schools",
    "local_authorities", "region_for", "regions", "school_facts", "school_holiday_rows",
    "school_holidays", "search_key", "search_name",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_SCHOOLS_CSV = DATA_DIR / "demo_schools.csv"
DEMO_TERM_DATES_CSV = DATA_DIR / "demo_term_dates.csv"

#: EIA 2006 s59(1): community, foundation and voluntary schools, community and foundation special
#: schools, maintained nursery schools. These are the schools Part 4 (ss60-69) covers.
MAINTAINED_TYPES = (
    "Community school", "Foundation school", "Voluntary aided school", "Voluntary controlled school",
    "Community special school", "Foundation special school", "LA nursery school",
)
#: Answerable to the Secretary of State through their funding agreements (Academies Act 2010).
ACADEMY_TYPES = (
    "Academy converter", "Academy sponsor led", "Free schools", "Free schools special",
    "Free schools alternative provision", "Academy special converter", "Academy special sponsor led",
    "Academy alternative provision converter", "Academy alternative provision sponsor led",
    "Studio schools", "University technical college", "Free schools 16 to 19", "Academy 16-19 converter",
    "Academy 16 to 19 sponsor led", "Academy secure 16 to 19",
)
#: Maintained by the LA but not a "maintained school" for EIA 2006 Part 4: their own route.
PRU_TYPES = ("Pupil referral unit",)
#: Known GIAS types no route here covers (independent, FE, HE, overseas...). City technology
#: colleges are left here: too few remain to model their funding-agreement route.
OTHER_TYPES = (
    "City technology college", "Non-maintained special school", "Other independent special school",
    "Other independent school", "Further education", "Secure units", "Offshore schools",
    "Service children's education", "Miscellaneous", "Higher education institutions",
    "Welsh establishment", "Sixth form centres", "Special post 16 institution", "British schools overseas",
    "Online provider", "Institution funded by other government department",
)
KINDS = ("maintained", "academy", "pru", "other")
_KIND_BY_TYPE = {
    type_.lower(): kind
    for kind, types in (("maintained", MAINTAINED_TYPES), ("academy", ACADEMY_TYPES), ("pru", PRU_TYPES))
    for type_ in types
}
_PLURAL = {"maintained": "maintained schools", "academy": "academies", "pru": "pupil referral units",
           "other": "other establishments"}


#: The folding School.search_name is stored with; apply it to search text before comparing.
search_name = search_key


def classify(type_of_establishment: str | None) -> str:
    """maintained, academy, pru or other, from GIAS "TypeOfEstablishment (name)" (any case)."""
    key = " ".join((type_of_establishment or "").split()).lower()
    return _KIND_BY_TYPE.get(key, "other")


def types_of(kind: str) -> tuple[str, ...]:
    """The GIAS types of a kind ("other" lists the known ones; unknown types are "other" too)."""
    return {"maintained": MAINTAINED_TYPES, "academy": ACADEMY_TYPES, "pru": PRU_TYPES,
            "other": OTHER_TYPES}[kind]


def _type(school_or_type: School | str | None) -> str:
    if isinstance(school_or_type, School):
        return school_or_type.type_of_establishment
    return school_or_type or ""


def is_voluntary_aided(school_or_type: School | str | None) -> bool:
    """VA schools: the foundation appoints most governors, and gets copies of s15 statements."""
    return " ".join(_type(school_or_type).split()).lower() == "voluntary aided school"


def has_foundation(school: School) -> bool:
    """Whether foundation governors are appointed by a diocese or another person.

    Voluntary schools always have a foundation. A foundation (or foundation special) school has
    one when GIAS records a diocese, a religious character or a supporting trust; GIAS has no
    direct flag, so a foundation school with none of these is taken to have no foundation.
    """
    type_ = " ".join(school.type_of_establishment.split()).lower()
    if type_ in ("voluntary aided school", "voluntary controlled school"):
        return True
    if type_ in ("foundation school", "foundation special school"):
        return bool(school.diocese_name or school.religious_character or school.trust_name)
    return False


def is_church_school(school: School) -> bool:
    """A diocese is recorded: the diocesan authority gets copies of notices (EIA 2006 s60(6))."""
    return bool(school.diocese_name)


# -- the register -----------------------------------------------------------------------------

def get_school(session: Session, urn: str | int) -> School:
    school = session.get(School, str(urn).strip())
    if school is None:
        raise NotFound(f"no school with URN {urn} is in the register; import it with `intervene schools import`")
    return school


def find_schools(session: Session, *, la_code: str | None = None, kind: str | None = None,
                 search: str | None = None, region: str | None = None, limit: int | None = None) -> list[School]:
    """Schools by name; `search` matches words of the name (accents and case ignored) or a URN prefix."""
    query = select(School).order_by(School.search_name, School.urn)
    if la_code:
        query = query.where(School.la_code == la_code.strip())
    if region:
        query = query.where(School.region == region.strip())
    if kind:
        if kind not in KINDS:
            raise InvalidInput(f"kind must be one of {', '.join(KINDS)}, not '{kind}'")
        known = [t.lower() for k in KINDS if k != "other" for t in types_of(k)]
        lowered = func.lower(School.type_of_establishment)
        if kind == "other":
            query = query.where(lowered.not_in(known))
        else:
            query = query.where(lowered.in_([t.lower() for t in types_of(kind)]))
    if search and search.strip():
        key = search_key(search)
        conditions = [School.search_name.contains(key, autoescape=True)] if key else []
        if search.strip().isdigit():
            conditions.append(School.urn.startswith(search.strip(), autoescape=True))
        query = query.where(or_(*conditions)) if conditions else query
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def school_facts(school: School) -> dict[str, Any]:
    """What a case needs to know about its school, with names gateways and letters can use."""
    return {
        "urn": school.urn,
        "school_name": school.name,
        "school_type": school.type_of_establishment,
        "school_kind": classify(school.type_of_establishment),
        "school_phase": school.phase,
        "school_status": school.status,
        "la_code": school.la_code,
        "la_name": school.la_name,
        "region": school.region,
        "diocese_name": school.diocese_name,
        "trust_name": school.trust_name,
        "religious_character": school.religious_character,
        "is_voluntary_aided": is_voluntary_aided(school),
        "has_foundation": has_foundation(school),
        "is_church_school": is_church_school(school),
    }


# -- route eligibility ------------------------------------------------------------------------

def _kind_phrase(school: School, kind: str) -> str:
    type_ = school.type_of_establishment
    return {
        "maintained": f"is a maintained school ({type_.lower()})",
        "academy": f"is an academy ({type_.lower()})",
        "pru": "is a pupil referral unit",
    }.get(kind, f"is of type '{type_}', which no statutory route here covers")


def _alternatives(package: registry.ProcessPackage, kind: str) -> str:
    others = sorted((p for p in registry.processes().values() if p.key != package.key and kind in p.applies_to),
                    key=lambda p: p.key)
    if not others:
        return "no route in Intervene applies to it"
    named = [f"'{p.title}' ({p.key})" for p in others]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " or " + named[-1]
    return f"use {listed}"


def refusal_message(package: registry.ProcessPackage, school: School) -> str:
    kind = classify(school.type_of_establishment)
    kinds = " and ".join(_PLURAL.get(k, k) for k in package.applies_to)
    return (f"'{package.title}' ({package.key}) applies to {kinds} only; {school.name} (URN {school.urn}) "
            f"{_kind_phrase(school, kind)}: {_alternatives(package, kind)}.")


def _owner(package: registry.ProcessPackage, school: School) -> str:
    if package.extra.get("owner") != "region":
        return school.la_code
    if not school.region:
        raise InvalidInput(f"no DfE region is known for LA {school.la_code} ({school.la_name}); add it to "
                           "workflows/data/la_regions.csv and re-import the school")
    return school.region


def _organisation_name(owner: str) -> str:
    la = local_authorities().get(owner)
    return la.la_name if la else f"DfE {regions().get(owner, owner)} region"


def check_school_start(session: Session, context: StartContext) -> None:
    """Start hook: refuse a route that does not apply to the school; set owner and school facts.

    A process with no package, or a package that names no school kinds, is not a school route and
    starts unchecked.
    """
    package = registry.process(context.process_key)
    if package is None or not package.applies_to:
        return
    urn = (context.business_key or "").strip()
    if not urn:
        raise InvalidInput(f"'{package.title}' needs the school's URN as the case's business key")
    school = session.get(School, urn)
    if school is None:
        raise InvalidInput(f"no school with URN {urn} is in the register; import it with "
                           "`intervene schools import`")
    if school.status.strip().lower() == "closed":
        raise InvalidInput(f"{school.name} (URN {urn}) is closed in the register; a case cannot be started")
    if classify(school.type_of_establishment) not in package.applies_to:
        raise InvalidInput(refusal_message(package, school))
    owner = _owner(package, school)
    if context.owner is not None and context.owner != owner:
        raise InvalidInput(f"a '{package.title}' case for {school.name} (URN {urn}) belongs to "
                           f"{_organisation_name(owner)} ({owner}), not {context.owner}")
    context.owner = owner
    for key, value in school_facts(school).items():
        context.data.setdefault(key, value)


def register_with_engine() -> None:
    register_start_hook(check_school_start)


# -- demo data --------------------------------------------------------------------------------

def load_demo_schools(session: Session) -> ImportReport:
    """The fictional Trafford (358) and Derbyshire (830) schools, with both LAs' term dates."""
    report = import_gias_csv(session, DEMO_SCHOOLS_CSV)
    import_term_dates_csv(session, DEMO_TERM_DATES_CSV)
    return report
