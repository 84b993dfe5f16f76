"""The school register: GIAS import as downloaded, kinds of school, regions, term dates, route eligibility."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from engine.definitions import deploy
from engine.errors import InvalidInput, NotFound
from engine.models import ProcessInstance
from engine.runtime import start_instance
from tests.conftest import FIXTURES
from workflows import registry
from workflows.gias import LA_REGIONS_CSV
from workflows.registry import ProcessPackage
from workflows.schools import (
    ACADEMY_TYPES,
    KINDS,
    MAINTAINED_TYPES,
    OTHER_TYPES,
    School,
    SchoolHoliday,
    classify,
    find_schools,
    get_school,
    has_foundation,
    has_term_dates,
    import_gias_csv,
    import_term_dates_csv,
    is_church_school,
    is_voluntary_aided,
    load_demo_schools,
    local_authorities,
    region_for,
    school_holidays,
)

GIAS = FIXTURES / "gias"
TERM_DATES = FIXTURES / "term_dates" / "trafford_2025_26.csv"
GOOD_ROWS_2025 = 9


def create_school(session, urn: str, type_of_establishment: str, *, la_code: str = "358",
                  name: str | None = None, **fields) -> School:
    school = School(urn=urn, name=name or f"School {urn}", search_name=(name or f"school {urn}").lower(),
                    type_of_establishment=type_of_establishment, la_code=la_code,
                    la_name=local_authorities()[la_code].la_name, region=region_for(la_code), **fields)
    session.add(school)
    session.flush()
    return school


def count_schools(session) -> int:
    return session.scalar(select(func.count()).select_from(School))


# -- kinds of school --------------------------------------------------------------------------

@pytest.mark.parametrize("type_", MAINTAINED_TYPES)
def test_every_eia_2006_s59_type_is_maintained(type_):
    assert classify(type_) == "maintained"


@pytest.mark.parametrize("type_", ACADEMY_TYPES)
def test_every_academy_and_free_school_type_is_an_academy(type_):
    assert classify(type_) == "academy"


def test_a_pupil_referral_unit_is_its_own_kind():
    assert classify("Pupil referral unit") == "pru"


@pytest.mark.parametrize("type_", [*OTHER_TYPES, "Something GIAS adds next year", "", None])
def test_independent_fe_and_unknown_types_are_other(type_):
    assert classify(type_) == "other"


def test_classify_ignores_case_and_spacing():
    assert classify("  voluntary  AIDED school ") == "maintained"


def test_foundation_and_church_facts(session):
    va = create_school(session, "900001", "Voluntary aided school", diocese_name="Diocese of Manchester")
    vc = create_school(session, "900002", "Voluntary controlled school")
    plain_foundation = create_school(session, "900003", "Foundation school")
    trust_foundation = create_school(session, "900004", "Foundation school", trust_name="Broadheath Partnership")
    church_academy = create_school(session, "900005", "Academy converter", diocese_name="Diocese of Derby")
    assert is_voluntary_aided(va) and is_voluntary_aided("Voluntary aided school")
    assert not is_voluntary_aided(vc)
    assert [has_foundation(s) for s in (va, vc, plain_foundation, trust_foundation, church_academy)] == [
        True, True, False, True, False]
    assert is_church_school(va) and is_church_school(church_academy) and not is_church_school(vc)


# -- LA -> DfE region ---------------------------------------------------------------------------

@pytest.mark.parametrize(("la_code", "region"), [
    ("358", "dfe-north-west"), ("352", "dfe-north-west"), ("356", "dfe-north-west"),
    ("830", "dfe-east-midlands"), ("831", "dfe-east-midlands"), ("891", "dfe-east-midlands"),
    ("202", "dfe-london"), ("886", "dfe-south-east"), ("330", "dfe-west-midlands"),
    ("383", "dfe-yorkshire-and-the-humber"),
])
def test_la_region(la_code, region):
    assert region_for(la_code) == region


def test_region_list_is_one_row_per_la_in_nine_regions_and_says_it_is_inferred():
    las = local_authorities()
    assert len(las) >= 153
    assert all(len(code) == 3 and code.isdigit() for code in las)
    assert len({la.region_id for la in las.values()}) == 9
    assert "INFERRED" in LA_REGIONS_CSV.read_text(encoding="utf-8").split("la_code,")[0]


def test_unknown_la_falls_back_on_the_gor_name():
    assert region_for("999", "East of England") == "dfe-east-of-england"
    assert region_for("999", "Wales (pseudo)") is None


# -- GIAS import --------------------------------------------------------------------------------

def test_import_reads_the_cp1252_export_and_reports_bad_rows_by_line(session):
    report = import_gias_csv(session, GIAS / "establishments_2025.csv")
    assert (report.loaded, report.updated, report.unchanged) == (GOOD_ROWS_2025, 0, 0)
    assert [(bad.line, bad.reason) for bad in report.skipped] == [
        (5, "URN '10A999' is not a number"),
        (7, "URN 106390: no EstablishmentName"),
        (9, "URN 106391: LA (code) '35' is not a three-digit LA code"),
    ]
    assert count_schools(session) == GOOD_ROWS_2025
    assert get_school(session, "146812").name == "St Thérèse Catholic Academy"
    va = get_school(session, "106351")
    assert va.name == "St Mary\u2019s Church of England Primary School"
    assert (va.diocese_name, va.religious_character, va.trust_name) == (
        "Diocese of Manchester", "Church of England", None)
    assert va.establishment_group == "Local authority maintained schools"
    community = get_school(session, "106350")
    assert (community.diocese_name, community.religious_character, community.trust_name) == (None, None, None)
    assert (community.la_code, community.la_name, community.region, community.phase) == (
        "358", "Trafford", "dfe-north-west", "Primary")
    assert get_school(session, "100012").region == "dfe-london"
    assert get_school(session, "140123").trust_name == "Mersey Vale Learning Trust"
    assert get_school(session, "106360").status == "Closed"


def test_reimport_updates_by_urn_and_never_duplicates(session):
    import_gias_csv(session, GIAS / "establishments_2025.csv")
    before = get_school(session, "106351").updated_at
    report = import_gias_csv(session, GIAS / "establishments_2026.csv")
    assert (report.loaded, report.updated, report.unchanged, report.skipped) == (1, 2, GOOD_ROWS_2025 - 2, [])
    assert count_schools(session) == GOOD_ROWS_2025 + 1
    assert get_school(session, "106350").name == "Kingsway Primary School"
    assert find_schools(session, search="kingsway primary")[0].urn == "106350"
    assert get_school(session, "140123").trust_name == "Irwell Valley Schools Trust"
    assert get_school(session, "106351").updated_at == before


def test_a_file_without_the_gias_columns_is_refused_whole(session):
    import_gias_csv(session, GIAS / "establishments_2025.csv")
    with pytest.raises(InvalidInput) as error:
        import_gias_csv(session, GIAS / "missing_columns.csv")
    assert str(error.value) == ("missing_columns.csv is not a GIAS establishment export: it has no "
                                "'TypeOfEstablishment (name)', 'LA (code)' columns; nothing was imported")
    assert count_schools(session) == GOOD_ROWS_2025


def test_utf8_with_bom_and_streams_are_read_too(session):
    text = ("URN,EstablishmentName,TypeOfEstablishment (name),LA (code),LA (name),Diocese (name)\r\n"
            "123456,Ysgol Dewi Sant – Chloë’s School,Community school,886,Kent,Not applicable\r\n")
    report = import_gias_csv(session, io.BytesIO(b"\xef\xbb\xbf" + text.encode("utf-8")))
    assert report.loaded == 1
    school = get_school(session, "123456")
    assert (school.name, school.region, school.diocese_name, school.status) == (
        "Ysgol Dewi Sant – Chloë’s School", "dfe-south-east", None, "Open")
    assert import_gias_csv(session, io.StringIO(text)).unchanged == 1


def test_a_urn_twice_in_one_file_is_reported(session):
    text = ("URN,EstablishmentName,TypeOfEstablishment (name),LA (code)\n"
            "123456,First,Community school,358\n123456,Second,Community school,358\n")
    report = import_gias_csv(session, io.StringIO(text))
    assert report.loaded == 1
    assert [str(bad) for bad in report.skipped] == ["line 3: URN 123456 already given on line 2"]
    assert get_school(session, "123456").name == "First"


def test_a_header_without_rows_is_refused(session):
    with pytest.raises(InvalidInput, match="no schools"):
        import_gias_csv(session, io.StringIO("URN,EstablishmentName,TypeOfEstablishment (name),LA (code)\n"))


def test_find_schools_by_words_accents_urn_la_and_kind(session):
    import_gias_csv(session, GIAS / "establishments_2025.csv")
    assert [s.urn for s in find_schools(session, search="therese")] == ["146812"]
    assert [s.urn for s in find_schools(session, search="ST MARY'S")] == ["106351"]
    assert [s.urn for s in find_schools(session, search="1401")] == ["140123"]
    assert {s.urn for s in find_schools(session, la_code="830")} == {"112564", "112568"}
    assert {s.urn for s in find_schools(session, kind="academy")} == {"146812", "140123"}
    assert [s.urn for s in find_schools(session, kind="pru")] == ["106357"]
    assert [s.urn for s in find_schools(session, kind="other")] == ["112568"]
    assert [s.urn for s in find_schools(session, search="100%")] == []
    with pytest.raises(InvalidInput):
        find_schools(session, kind="grammar")
    with pytest.raises(NotFound, match="intervene schools import"):
        get_school(session, "1")


def test_demo_schools_cover_every_kind_in_both_las_with_term_dates(session):
    report = load_demo_schools(session)
    assert report.loaded >= 30 and not report.skipped
    for la_code in ("358", "830"):
        schools = find_schools(session, la_code=la_code)
        assert {classify(s.type_of_establishment) for s in schools} >= {"maintained", "academy", "pru"}
        assert {s.type_of_establishment for s in schools} >= {
            "Community school", "Voluntary aided school", "Voluntary controlled school", "Foundation school",
            "Community special school", "LA nursery school", "Pupil referral unit", "Academy converter",
            "Academy sponsor led", "Free schools"}
        assert all(s.region for s in schools)
        assert any(s.diocese_name for s in schools)
        assert all(has_term_dates(session, s.urn) for s in schools)
    assert load_demo_schools(session).unchanged == report.loaded


# -- term dates ---------------------------------------------------------------------------------

def test_term_dates_import_reports_bad_rows_and_the_school_override_wins(session):
    import_gias_csv(session, GIAS / "establishments_2025.csv")
    report = import_term_dates_csv(session, TERM_DATES, "358")
    assert (report.loaded, report.updated) == (5, 0)
    assert [str(bad) for bad in report.skipped] == [
        "line 6: May half-term 2026: last_day '31/02/2026' is not a date (write 2025-12-22 or 22/12/2025)",
        "line 7: Summer holiday 2026: last_day 2026-07-22 is before first_day 2026-09-01",
    ]
    la_dates = [(date(2025, 10, 27), date(2025, 10, 31)), (date(2025, 12, 22), date(2026, 1, 2)),
                (date(2026, 2, 16), date(2026, 2, 20)), (date(2026, 3, 30), date(2026, 4, 10))]
    assert school_holidays(session, "106350") == la_dates
    # Oakfield Academy's trust takes two weeks in October instead of the LA's one.
    assert school_holidays(session, "140123") == [(date(2025, 10, 20), date(2025, 10, 31)), *la_dates[1:]]
    assert has_term_dates(session, "106350")
    assert not has_term_dates(session, "112564")  # Derbyshire: none imported
    assert school_holidays(session, "999999") == [] and not has_term_dates(session, "999999")


def test_term_dates_reimport_updates_by_name(session):
    import_gias_csv(session, GIAS / "establishments_2025.csv")
    import_term_dates_csv(session, TERM_DATES, "358")
    corrected = "name,first_day,last_day\nChristmas holiday 2025,2025-12-19,2026-01-02\n"
    report = import_term_dates_csv(session, io.StringIO(corrected), "358")
    assert (report.loaded, report.updated) == (0, 1)
    rows = session.scalars(select(SchoolHoliday).where(SchoolHoliday.name == "Christmas holiday 2025")).all()
    assert [(r.first_day, r.last_day) for r in rows] == [(date(2025, 12, 19), date(2026, 1, 2))]


def test_term_dates_refuse_a_bad_la_or_a_school_of_another_la(session):
    import_gias_csv(session, GIAS / "establishments_2025.csv")
    with pytest.raises(InvalidInput, match="three digits"):
        import_term_dates_csv(session, TERM_DATES, "35")
    with pytest.raises(InvalidInput, match="no 'la_code' column"):
        import_term_dates_csv(session, TERM_DATES)
    with pytest.raises(InvalidInput, match="no 'first_day', 'last_day' columns"):
        import_term_dates_csv(session, io.StringIO("name,start,end\nX,2025-01-01,2025-01-02\n"), "358")
    other_la = "name,first_day,last_day,urn,la_code\nEaster 2026,2026-03-30,2026-04-10,112564,358\n"
    report = import_term_dates_csv(session, io.StringIO(other_la))
    assert [str(bad) for bad in report.skipped] == ["line 2: Easter 2026: school 112564 is in LA 830, not 358"]


# -- route eligibility (start hook) -------------------------------------------------------------

WARNING = ProcessPackage("test_warning_notice", "Warning notice (EIA 2006 s60)", "", ("maintained",))
LETTER = ProcessPackage("test_letter_of_concern", "Academy: Letter of Concern", "", ("academy",))
ACADEMY_RD = ProcessPackage("test_academy_intervention", "Academy: regional director intervention", "",
                            ("academy",), extra={"owner": "region"})
PRU_RD = ProcessPackage("test_pru_intervention", "PRU: regional director intervention", "", ("pru",),
                        extra={"owner": "region"})


@pytest.fixture
def routes(session, monkeypatch):
    """The four test routes as the only process packages, each deployed from a tiny BPMN."""
    packages = {p.key: p for p in (WARNING, LETTER, ACADEMY_RD, PRU_RD)}
    monkeypatch.setattr(registry, "_PROCESSES", packages)
    xml = (FIXTURES / "school_route.bpmn").read_text(encoding="utf-8")
    for key in [*packages, "generic_route"]:
        deploy(session, xml.replace('id="school_route"', f'id="{key}"'), "test")
    import_gias_csv(session, GIAS / "establishments_2025.csv")
    return packages


def start(session, key, urn, **kwargs):
    return start_instance(session, key, "officer@example.test", business_key=urn, **kwargs)


def refusal(session, key, urn) -> str:
    with pytest.raises(InvalidInput) as error:
        start(session, key, urn)
    assert session.scalar(select(func.count()).select_from(ProcessInstance)) == 0
    return str(error.value)


def test_warning_notice_refused_for_an_academy_naming_the_academy_routes(session, routes):
    assert refusal(session, "test_warning_notice", "140123") == (
        "'Warning notice (EIA 2006 s60)' (test_warning_notice) applies to maintained schools only; "
        "Oakfield Academy (URN 140123) is an academy (academy converter): use "
        "'Academy: regional director intervention' (test_academy_intervention) or "
        "'Academy: Letter of Concern' (test_letter_of_concern).")


def test_warning_notice_refused_for_a_pru(session, routes):
    assert refusal(session, "test_warning_notice", "106357") == (
        "'Warning notice (EIA 2006 s60)' (test_warning_notice) applies to maintained schools only; "
        "The Brookside Centre (URN 106357) is a pupil referral unit: use "
        "'PRU: regional director intervention' (test_pru_intervention).")


def test_academy_route_refused_for_a_maintained_school(session, routes):
    message = refusal(session, "test_letter_of_concern", "106351")
    assert message.startswith("'Academy: Letter of Concern' (test_letter_of_concern) applies to academies only; "
                              "St Mary’s Church of England Primary School (URN 106351) is a maintained school "
                              "(voluntary aided school): use 'Warning notice (EIA 2006 s60)' (test_warning_notice).")
    assert "applies to academies only" in refusal(session, "test_academy_intervention", "106350")


def test_pru_route_refused_for_a_maintained_school(session, routes):
    assert refusal(session, "test_pru_intervention", "106350") == (
        "'PRU: regional director intervention' (test_pru_intervention) applies to pupil referral units only; "
        "Kingsway Community Primary School (URN 106350) is a maintained school (community school): use "
        "'Warning notice (EIA 2006 s60)' (test_warning_notice).")


def test_independent_school_has_no_route(session, routes):
    assert refusal(session, "test_warning_notice", "112568").endswith(
        "Chatsworth Grange School (URN 112568) is of type 'Other independent school', which no statutory "
        "route here covers: no route in Intervene applies to it.")


@pytest.mark.parametrize(("urn", "message"), [
    ("123", "no school with URN 123 is in the register; import it with `intervene schools import`"),
    (None, "'Warning notice (EIA 2006 s60)' needs the school's URN as the case's business key"),
    ("  ", "'Warning notice (EIA 2006 s60)' needs the school's URN as the case's business key"),
    ("106360", "Davyhulme Park Primary School (URN 106360) is closed in the register; a case cannot be started"),
])
def test_unknown_missing_or_closed_school_refused(session, routes, urn, message):
    assert refusal(session, "test_warning_notice", urn) == message


def test_la_route_is_owned_by_the_la_and_carries_the_school_facts(session, routes):
    instance = start(session, "test_warning_notice", "106351", data={"school_name": "As the officer typed it"})
    assert instance.owner == "358"
    assert instance.data["school_name"] == "As the officer typed it"
    assert {key: instance.data[key] for key in (
        "school_type", "school_kind", "la_code", "la_name", "diocese_name", "trust_name",
        "is_voluntary_aided", "has_foundation", "is_church_school")} == {
        "school_type": "Voluntary aided school", "school_kind": "maintained", "la_code": "358",
        "la_name": "Trafford", "diocese_name": "Diocese of Manchester", "trust_name": None,
        "is_voluntary_aided": True, "has_foundation": True, "is_church_school": True}


def test_regional_route_is_owned_by_the_dfe_region(session, routes):
    assert start(session, "test_academy_intervention", "140123").owner == "dfe-north-west"
    assert start(session, "test_pru_intervention", "106357").owner == "dfe-north-west"
    letter = start(session, "test_letter_of_concern", "140123")
    assert (letter.owner, letter.data["trust_name"], letter.data["has_foundation"]) == (
        "358", "Mersey Vale Learning Trust", False)


def test_an_owner_given_by_the_caller_must_be_the_schools(session, routes):
    assert start(session, "test_warning_notice", "106350", owner="358").owner == "358"
    with pytest.raises(InvalidInput, match=r"belongs to Trafford \(358\), not 830"):
        start(session, "test_warning_notice", "106351", owner="830")


def test_a_process_without_a_package_starts_unchecked(session, routes):
    instance = start(session, "generic_route", "not-a-urn")
    assert instance.owner is None and "school_name" not in instance.data


def test_the_hook_is_registered_with_the_engine():
    from engine.hooks import start_hooks
    from workflows.schools import check_school_start

    registry.install()
    assert check_school_start in start_hooks


def test_kinds_are_the_four_the_registry_documents():
    assert KINDS == ("maintained", "academy", "pru", "other")
