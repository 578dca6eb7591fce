"""The catalogue entities: valid records are built, bad input is refused with InvalidValue.

Sources: cpf-rules.md section 7.2 (the fields of a catalogue entry); SIRET = SIREN (9 digits) +
NIC (5 digits), the last digit a Luhn check digit (INSEE), La Poste's establishments excepted;
the regions and departments of the INSEE Code officiel géographique.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from formation import (
    ActionType,
    Certification,
    Euros,
    InvalidValue,
    Modality,
    Offer,
    Option,
    Organism,
    Place,
    QualiopiCertification,
    Registry,
    Session,
)
from formation.catalog.geography import DEPARTMENTS
from formation.catalog.offers import is_valid_siret
from formation.testing import strategies as fst

ORGANISM = Organism("78959578200051", "FORMALTIC")
TOSA = Certification(Registry.RS, "6204", "Tosa Photoshop")


def offer(**changes: object) -> Offer:
    base = Offer("78959578200051_M-FOR1512", ORGANISM, "PhotoShop sur mesure", TOSA,
                 ("46006", "71133"), Euros(233000), 21, Modality.IN_PERSON, ActionType.RS)
    return attrs.evolve(base, **changes)


# -- SIRET ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("siret", "valid", "source"), [
    ("78959578200051", True, "shared/data: FORMALTIC, a real SIRET"),
    ("20006116600050", True, "shared/data: GRETA DU VAL D OISE"),
    ("33264146300077", True, "shared/data: GROUPE IGS - CIEFA"),
    ("78959578200052", False, "last digit changed"),
    ("87959578200051", False, "two digits swapped"),
    ("7895957820005", False, "13 digits"),
    ("789595782000511", False, "15 digits"),
    ("7895957820005A", False, "a letter"),
    ("789 595 782 00051", False, "spaces are not stripped"),
    ("35600000049837", True, "La Poste establishment: digit sum 45, a multiple of 5 (INSEE)"),
    ("35600000049838", False, "La Poste: digit sum 46, and Luhn fails"),
    ("35600000000048", True, "La Poste head office: passes Luhn"),
])
def test_siret_check_digit(siret: str, valid: bool, source: str) -> None:
    assert is_valid_siret(siret) is valid


@pytest.mark.parametrize("siret", ["78959578200052", 78959578200051, None, ""])
def test_an_organism_with_a_bad_siret_is_refused(siret: object) -> None:
    with pytest.raises(InvalidValue, match="siret"):
        Organism(siret, "FORMALTIC")  # type: ignore[arg-type]


@given(fst.sirets())
def test_the_siret_strategy_draws_valid_sirets(siret: str) -> None:
    assert is_valid_siret(siret)


@given(fst.sirets(), st.integers(0, 13), st.integers(1, 9))
def test_changing_one_digit_breaks_the_check(siret: str, position: int, shift: int) -> None:
    digits = list(siret)
    digits[position] = str((int(digits[position]) + shift) % 10)
    changed = "".join(digits)
    if not changed.startswith("356000000"):
        assert not is_valid_siret(changed)


# -- organisms, Qualiopi ------------------------------------------------------------------------

def test_an_organism_has_an_optional_activity_declaration_and_qualiopi() -> None:
    qualiopi = QualiopiCertification(date(2022, 1, 1), date(2024, 12, 31))
    organism = Organism("78959578200051", "FORMALTIC", "76340933834", qualiopi)
    assert organism.qualiopi is not None
    assert organism.qualiopi.covers(date(2024, 12, 31))
    assert not organism.qualiopi.covers(date(2025, 1, 1))
    assert not organism.qualiopi.covers(date(2021, 12, 31))


@pytest.mark.parametrize("nda", ["7634093383", "763409338345", "76-40933834", 76340933834])
def test_a_bad_activity_declaration_number_is_refused(nda: object) -> None:
    with pytest.raises(InvalidValue, match="activity_declaration"):
        Organism("78959578200051", "FORMALTIC", nda)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["", "   ", None])
def test_an_organism_needs_a_name(name: object) -> None:
    with pytest.raises(InvalidValue, match="name"):
        Organism("78959578200051", name)  # type: ignore[arg-type]


def test_a_qualiopi_certification_cannot_end_before_it_starts() -> None:
    with pytest.raises(InvalidValue, match="before"):
        QualiopiCertification(date(2024, 1, 2), date(2024, 1, 1))


def test_qualiopi_dates_refuse_datetimes() -> None:
    with pytest.raises(InvalidValue, match="datetime"):
        QualiopiCertification(datetime(2024, 1, 1, tzinfo=timezone.utc),  # type: ignore[arg-type]
                              date(2025, 1, 1))


# -- certifications -----------------------------------------------------------------------------

def test_a_certification_key_is_written_as_on_the_platform() -> None:
    assert TOSA.key == "RS6204"
    assert Certification(Registry.RNCP, "37873", "TP CDA", 6).key == "RNCP37873"


def test_a_certification_is_in_force_until_its_registration_ends() -> None:
    ending = Certification(Registry.RNCP, "37873", "TP CDA", 6, date(2026, 6, 30))
    assert ending.in_force(date(2026, 6, 30))
    assert not ending.in_force(date(2026, 7, 1))
    assert TOSA.in_force(date(2100, 1, 1))  # no end known


@pytest.mark.parametrize(("field", "value"), [
    ("registry", "RS"), ("code", "RS6204"), ("code", ""), ("code", "1234567"), ("code", 6204),
    ("title", ""), ("level", 0), ("level", 9), ("level", "6"), ("level", True),
    ("registered_until", "2026-01-01"),
])
def test_a_bad_certification_is_refused(field: str, value: object) -> None:
    with pytest.raises(InvalidValue, match=field):
        attrs.evolve(TOSA, **{field: value})


# -- offers and options -------------------------------------------------------------------------

def test_an_offer_finds_its_options_by_id() -> None:
    exam = Option("examen", "Passage de la certification", Euros(9000))
    laptop = Option("materiel", "Ordinateur portable", Euros(30000), cpf_fundable=False)
    with_options = offer(options=(exam, laptop))
    assert with_options.option("materiel") is laptop
    assert not with_options.option("materiel").cpf_fundable
    with pytest.raises(InvalidValue, match="examen"):
        with_options.option("absent")


def test_options_are_stored_as_a_tuple() -> None:
    exam = Option("examen", "Passage de la certification", Euros(9000))
    assert offer(options=[exam]).options == (exam,)
    assert offer(formacodes=["46006"]).formacodes == ("46006",)


@pytest.mark.parametrize(("field", "value", "match"), [
    ("offer_id", "", "offer_id"),
    ("organism", "78959578200051", "organism"),
    ("title", " ", "title"),
    ("certification", "RS6204", "certification"),
    ("formacodes", "46006", "Formacodes"),
    ("formacodes", ("4600",), "Formacodes"),
    ("formacodes", (46006,), "Formacodes"),
    ("price", 2330, "price"),
    ("price", Euros(-1), "negative"),
    ("duration_hours", -1, "duration_hours"),
    ("duration_hours", 21.5, "duration_hours"),
    ("modality", "presentiel", "modality"),
    ("action_type", "rs", "action_type"),
    ("summary", None, "summary"),
    ("nsf_codes", ("32",), "NSF"),
    ("options", ("examen",), "Option"),
])
def test_a_bad_offer_is_refused(field: str, value: object, match: str) -> None:
    with pytest.raises(InvalidValue, match=match):
        offer(**{field: value})


def test_option_ids_are_unique_within_an_offer() -> None:
    exam = Option("examen", "Passage de la certification", Euros(9000))
    with pytest.raises(InvalidValue, match="unique"):
        offer(options=(exam, exam))


@pytest.mark.parametrize(("field", "value"), [
    ("option_id", ""), ("label", ""), ("price", 90), ("price", Euros(-1)), ("cpf_fundable", 1),
])
def test_a_bad_option_is_refused(field: str, value: object) -> None:
    exam = Option("examen", "Passage de la certification", Euros(9000))
    with pytest.raises(InvalidValue):
        attrs.evolve(exam, **{field: value})


def test_floats_are_never_money() -> None:
    with pytest.raises(TypeError):
        offer(price=Euros(2330.0))  # type: ignore[arg-type]


# -- places -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("department", "region"), [
    ("06", "93"), ("2A", "94"), ("2B", "94"), ("974", "04"), ("976", "06"), ("75", "11"),
])
def test_places_in_real_departments(department: str, region: str) -> None:
    place = Place(department, region)
    assert (place.department, place.region) == (department, region)


@pytest.mark.parametrize(("department", "region", "match"), [
    ("6", "93", "department"), ("20", "94", "department"), ("96", "11", "department"),
    ("979", "01", "department"), ("06", "11", "region 93"), ("2A", "93", "region 94"),
    ("06", "6", "region"), ("06", 93, "region"),
])
def test_a_bad_place_is_refused(department: str, region: object, match: str) -> None:
    with pytest.raises(InvalidValue, match=match):
        Place(department, region)  # type: ignore[arg-type]


def test_every_department_places_in_its_own_region() -> None:
    for found in DEPARTMENTS:
        assert Place.in_department(found.code).region == found.region
        assert Place.in_department(found.name) == Place(found.code, found.region)


@pytest.mark.parametrize(("latitude", "longitude"), [
    (43.7, None), (None, 7.26), (91.0, 7.26), (43.7, 181.0), (True, 7.26), ("43.7", "7.26"),
])
def test_coordinates_go_together_and_within_range(latitude: object, longitude: object) -> None:
    with pytest.raises(InvalidValue):
        Place("06", "93", "Nice", "06000", latitude, longitude)  # type: ignore[arg-type]


def test_a_bad_postcode_is_refused() -> None:
    with pytest.raises(InvalidValue, match="postcode"):
        Place("06", "93", "Nice", "6000")


# -- sessions -----------------------------------------------------------------------------------

def test_a_session_costs_its_own_price_else_the_offers() -> None:
    the_offer = offer()
    plain = Session("S1", the_offer.offer_id, date(2026, 3, 2), date(2026, 3, 4))
    cheaper = attrs.evolve(plain, price=Euros(199000))
    assert plain.price_of(the_offer) == Euros(233000)
    assert cheaper.price_of(the_offer) == Euros(199000)


def test_seats_none_is_unlimited_and_zero_is_full() -> None:
    plain = Session("S1", "AF1", date(2026, 3, 2), date(2026, 3, 2))
    assert not plain.full
    assert attrs.evolve(plain, seats=0).full
    assert not attrs.evolve(plain, seats=1).full


def test_a_session_without_dates_has_neither() -> None:
    undated = Session("S1", "AF1", None, None, Place("06", "93"))
    assert undated.start is None and undated.end is None
    with pytest.raises(InvalidValue, match="both"):
        Session("S1", "AF1", date(2026, 3, 2), None)


@pytest.mark.parametrize(("field", "value", "match"), [
    ("session_id", "", "session_id"),
    ("offer_id", None, "offer_id"),
    ("start", datetime(2026, 3, 2, tzinfo=timezone.utc), "datetime"),
    ("end", date(2026, 3, 1), "before"),
    ("place", "06", "place"),
    ("seats", -1, "seats"),
    ("seats", True, "seats"),
    ("price", 199000, "price"),
    ("price", Euros(-1), "negative"),
])
def test_a_bad_session_is_refused(field: str, value: object, match: str) -> None:
    plain = Session("S1", "AF1", date(2026, 3, 2), date(2026, 3, 4))
    with pytest.raises(InvalidValue, match=match):
        attrs.evolve(plain, **{field: value})


# -- the strategies draw valid, consistent records ----------------------------------------------

@given(fst.catalogs())
def test_drawn_catalogues_are_consistent(catalog: tuple[tuple[Offer, ...], tuple[Session, ...]]) -> None:
    offers, sessions = catalog
    ids = {o.offer_id for o in offers}
    assert len(ids) == len(offers)
    assert len({s.session_id for s in sessions}) == len(sessions)
    by_id = {o.offer_id: o for o in offers}
    for session in sessions:
        assert session.offer_id in ids
        if by_id[session.offer_id].modality is Modality.DISTANCE:
            assert session.place is None


@given(fst.offers())
def test_drawn_offers_tie_the_certification_to_the_action_type(drawn: Offer) -> None:
    if drawn.action_type is ActionType.RNCP:
        assert drawn.certification is not None
        assert drawn.certification.registry is Registry.RNCP
    if drawn.action_type in (ActionType.RS, ActionType.CLEA):
        assert drawn.certification is not None
        assert drawn.certification.registry is Registry.RS
    if drawn.action_type in (ActionType.SKILLS_ASSESSMENT, ActionType.DRIVING_LICENCE_LIGHT,
                             ActionType.DRIVING_LICENCE_HEAVY):
        assert drawn.certification is None


@given(fst.offers())
def test_records_are_values_equal_after_evolve(drawn: Offer) -> None:
    assert attrs.evolve(drawn) == drawn
    assert hash(attrs.evolve(drawn)) == hash(drawn)
