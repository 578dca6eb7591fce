"""The JSON codec: plain data, versioned documents, errors that name the bad field's path."""

from __future__ import annotations

import contextlib
import json
import re
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from formation import ActionType, Euros, Funder, InvalidValue, TopUp
from formation.adapters.codec import SCHEMA_VERSION, Codec, from_data, to_data
from formation.catalog.offers import (
    Certification,
    Modality,
    Offer,
    Option,
    Organism,
    Place,
    QualiopiCertification,
    Registry,
    Session,
)
from formation.ids import OfferId, SessionId

ORGANISM = Organism("78959578200051", "FORMALTIC", "76340000000",
                    QualiopiCertification(date(2022, 1, 1), date(2027, 12, 31)))
OFFER = Offer(
    OfferId("78959578200051_M-FOR1512"), ORGANISM, "PhotoShop sur mesure",
    Certification(Registry.RS, "6204", "Tosa Photoshop"), ("46006", "71133"), Euros(233000), 21,
    Modality.IN_PERSON, ActionType.RS, "Formateurs reconnus", ("326",),
    (Option("exam", "Passage de la certification", Euros(9000), cpf_fundable=True),
     Option("book", "Manuel papier", Euros(2500), cpf_fundable=False)),
)
SESSION = Session(SessionId("s-1"), OFFER.offer_id, date(2026, 3, 2), date(2026, 3, 6),
                  Place("34", "76", "Montpellier", "34000", 43.61, 3.88), seats=3)
CODEC = Codec(types={"Offer": Offer, "Session": Session, "TopUp": TopUp})


def test_an_offer_round_trips_through_json_text() -> None:
    document = CODEC.encode(OFFER)
    text = json.dumps(document, ensure_ascii=False)
    assert CODEC.decode(json.loads(text), Offer) == OFFER
    assert document["type"] == "Offer" and document["version"] == SCHEMA_VERSION


def test_the_data_is_plain_json_with_cents_iso_dates_and_enum_values() -> None:
    data = CODEC.encode(OFFER)["data"]
    assert data["price"] == 233000
    assert data["modality"] == "presentiel"
    assert data["certification"] == {"registry": "RS", "code": "6204", "title": "Tosa Photoshop",
                                     "level": None, "registered_until": None}
    assert data["organism"]["qualiopi"] == {"valid_from": "2022-01-01", "valid_until": "2027-12-31"}
    assert data["options"][1]["cpf_fundable"] is False


def test_frozensets_are_sorted_so_documents_are_deterministic() -> None:
    top_up = TopUp(Funder.REGION, Euros(50000), earmarked_certifications=frozenset({"RS6204", "RNCP1"}))
    assert CODEC.encode(top_up)["data"]["earmarked_certifications"] == ["RNCP1", "RS6204"]
    assert CODEC.decode(CODEC.encode(top_up)) == top_up


def test_a_session_without_dates_or_place_round_trips() -> None:
    remote = attrs.evolve(SESSION, start=None, end=None, place=None, seats=None, price=Euros(100))
    assert CODEC.decode(CODEC.encode(remote)) == remote


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d["data"]["organism"].__setitem__("siret", "78959578200052"), "data.organism"),
        (lambda d: d["data"].__setitem__("price", 12.5), "data.price"),
        (lambda d: d["data"].__setitem__("price", "12,50"), "data.price"),
        (lambda d: d["data"].__setitem__("modality", "hybride"), "data.modality"),
        (lambda d: d["data"]["formacodes"].append(46006), "data.formacodes[2]"),
        (lambda d: d["data"]["options"][0].__setitem__("colour", "blue"), "data.options[0].colour"),
        (lambda d: d["data"].pop("title"), "data.title"),
        (lambda d: d["data"]["organism"]["qualiopi"].__setitem__("valid_from", "2022-13-01"),
         "data.organism.qualiopi.valid_from"),
    ],
)
def test_a_wrong_field_is_an_invalid_value_naming_its_path(mutate: object, path: str) -> None:
    document = CODEC.encode(OFFER)
    mutate(document)  # type: ignore[operator]
    with pytest.raises(InvalidValue) as caught:
        CODEC.decode(document)
    assert str(caught.value).startswith(path), str(caught.value)


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ({"type": "Offer", "version": SCHEMA_VERSION + 1, "data": {}}, "newer"),
        ({"type": "Offer", "version": 0, "data": {}}, "document.version"),
        ({"type": "Spaceship", "version": 1, "data": {}}, "document.type"),
        ({"type": "Offer", "version": 1}, "document.data"),
        ({"type": "Offer", "version": 1, "data": {}, "extra": 1}, "document.extra"),
        ([], "document"),
    ],
)
def test_unknown_types_and_newer_versions_are_refused(document: object, fragment: str) -> None:
    with pytest.raises(InvalidValue, match=re.escape(fragment)):
        CODEC.decode(document)


def test_decoding_checks_the_expected_type() -> None:
    with pytest.raises(InvalidValue, match=r"document\.type"):
        CODEC.decode(CODEC.encode(SESSION), Offer)


def test_naive_instants_are_refused_and_aware_ones_keep_their_offset() -> None:
    with pytest.raises(InvalidValue):
        to_data(datetime(2026, 1, 1, 12, 0))  # noqa: DTZ001
    paris = timezone(timedelta(hours=1))
    instant = datetime(2026, 1, 2, 18, 30, tzinfo=paris)
    assert to_data(instant) == "2026-01-02T18:30:00+01:00"
    assert from_data(datetime, "2026-01-02T18:30:00+01:00") == instant
    with pytest.raises(InvalidValue, match="aware"):
        from_data(datetime, "2026-01-02T18:30:00")


def test_fractions_and_nested_containers() -> None:
    assert to_data(Fraction(1, 2)) == "1/2"
    assert from_data(Fraction, "1/2") == Fraction(1, 2)
    assert from_data(tuple[int, int], [4, 15]) == (4, 15)
    assert from_data(frozenset[Funder], ["etat", "region"]) == {Funder.STATE, Funder.REGION}
    with pytest.raises(InvalidValue, match=r"x\[1\]"):
        from_data(tuple[int, ...], [1, "2"], "x")


@given(st.integers(-10**12, 10**12), st.dates(), st.fractions(max_denominator=1000))
def test_scalars_round_trip(cents: int, day: date, fraction: Fraction) -> None:
    assert from_data(Euros, to_data(Euros(cents))) == Euros(cents)
    assert from_data(date, to_data(day)) == day
    assert from_data(Fraction, to_data(fraction)) == fraction


@given(st.one_of(st.none(), st.booleans(), st.floats(), st.text(), st.lists(st.integers()),
                 st.dictionaries(st.text(), st.integers())))
def test_garbage_data_only_ever_raises_invalid_value(garbage: object) -> None:
    for document in ({"type": "Offer", "version": 1, "data": garbage}, garbage):
        with contextlib.suppress(InvalidValue):
            CODEC.decode(document)
