"""CODEC, the documents of every entity: round trips through JSON text, plain data, exact paths."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formation.accounts import Account
from formation.adapters.codec import from_data, to_data
from formation.adapters.documents import (
    CODEC,
    catalog_from_data,
    entry_from_data,
    entry_to_data,
)
from formation.bookings import Booking
from formation.errors import InvalidValue
from formation.ids import AccountId, EntryId, HolderId
from formation.ledger import Entry, EntryKind, Source
from formation.money import Euros
from formation.rules.funders import Funder
from formation.rules.rulebook import PARAMETER_NAMES, ParameterValue, Rulebook
from formation.testing import strategies as fst
from formation.testing.catalog import synthetic_catalog

SLOW = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def through_json(value: object) -> Any:
    text = json.dumps(CODEC.encode(value), ensure_ascii=False)
    return CODEC.decode(json.loads(text), type(value))


# -- round trips over the strategies of formation.testing -------------------------------------

@SLOW
@given(fst.accounts())
def test_an_account_round_trips_with_every_entry_and_the_same_balance(account: Account) -> None:
    back = through_json(account)
    assert back.entries == account.entries
    assert (back.account_id, back.holder_id) == (account.account_id, account.holder_id)
    assert back.balance() == account.balance()


@SLOW
@given(fst.accounts())
def test_each_entry_round_trips_alone_and_the_fast_path_agrees_with_the_generic_codec(
        account: Account) -> None:
    for entry in account.entries:
        assert through_json(entry) == entry
        generic = {k: v for k, v in to_data(entry).items()
                   if v not in (None, "", [], "0/1")}
        assert entry_to_data(entry) == generic
        assert from_data(Entry, entry_to_data(entry)) == entry


@SLOW
@given(fst.bookings())
def test_a_folder_round_trips_with_its_history_plan_and_version(booking: Booking) -> None:
    back = through_json(booking)
    assert back == booking
    assert back.history == booking.history
    assert back.version == booking.version


@pytest.mark.parametrize("name", ["holders", "offers", "sessions", "reviews", "rating_summaries",
                                  "top_ups", "organisms"])
def test_every_record_of_the_strategies_round_trips(name: str) -> None:
    @SLOW
    @given(getattr(fst, name)())
    def check(value: object) -> None:
        assert through_json(value) == value

    check()


def test_the_default_rulebook_round_trips() -> None:
    book = Rulebook.default()
    assert through_json(book) == book


@SLOW
@given(st.sampled_from(PARAMETER_NAMES), st.data())
def test_each_rulebook_value_is_decoded_with_its_parameters_type(name: str,
                                                                 data: st.DataObject) -> None:
    value = data.draw(st.sampled_from(Rulebook.default().history(name)))
    back = through_json(value)
    assert back == value
    assert type(back.value) is type(value.value)


def test_a_what_if_change_round_trips() -> None:
    book = Rulebook.default().with_change(effective=date(2027, 1, 1),
                                          flat_participation=Euros.whole(150),
                                          late_cancellation_debit_rate=Fraction(1, 2))
    back = through_json(book)
    assert back == book
    assert back.at(date(2027, 6, 1)).late_cancellation_debit_rate == Fraction(1, 2)


# -- plain data --------------------------------------------------------------------------------

def test_an_entry_is_plain_data_with_cents_iso_dates_and_enum_values() -> None:
    entry = Entry(EntryId("t1"), EntryKind.TOP_UP, Euros(123456), date(2025, 6, 1),
                  Funder.REGION, earmarked_offers=frozenset({"O2", "O1"}))
    assert CODEC.encode(entry) == {"type": "Entry", "version": 1, "data": {
        "entry_id": "t1", "kind": "top-up", "amount": 123456, "effective": "2025-06-01",
        "source": "region", "earmarked_offers": ["O1", "O2"]}}


@SLOW
@given(fst.bookings().filter(lambda b: b.plan is not None))
def test_a_funding_plan_is_stored_without_its_rulebook(booking: Booking) -> None:
    data = CODEC.encode(booking)["data"]
    assert data["plan"]["rulebook"] is None
    assert isinstance(data["plan"]["price"], int)


# -- errors name the path of the bad field -----------------------------------------------------

def _account_document() -> dict[str, Any]:
    account = Account(AccountId("A1"), HolderId("H1"))
    account.credit(EntryId("c"), Euros.whole(100), date(2025, 4, 15))
    return CODEC.encode(account)


@pytest.mark.parametrize(("change", "path"), [
    (lambda d: d["data"]["entries"][0].update(amount=12.5), r"data\.entries\[0\]\.amount"),
    (lambda d: d["data"]["entries"][0].update(kind="gift"), r"data\.entries\[0\]\.kind"),
    (lambda d: d["data"]["entries"][0].update(effective="15/04/2025"),
     r"data\.entries\[0\]\.effective"),
    (lambda d: d["data"]["entries"][0].update(colour="red"), r"data\.entries\[0\]\.colour"),
    (lambda d: d["data"]["entries"][0].pop("entry_id"), r"data\.entries\[0\]\.entry_id"),
    (lambda d: d["data"].update(holder_id=7), r"data\.holder_id"),
    (lambda d: d.update(version=2), r"document\.version"),
    (lambda d: d.update(type="Wallet"), r"document\.type"),
])
def test_a_bad_field_is_an_invalid_value_naming_its_path(change: Any, path: str) -> None:
    document = _account_document()
    change(document)
    with pytest.raises(InvalidValue, match=path):
        CODEC.decode(document)


def test_a_ledger_that_overspends_is_refused_on_decoding() -> None:
    document = _account_document()
    document["data"]["entries"].append({"entry_id": "h", "kind": "hold", "amount": 20000,
                                        "effective": "2025-05-01", "source": "droits",
                                        "booking": "B1"})
    with pytest.raises(InvalidValue, match=r"data\.entries"):
        CODEC.decode(document, Account)


def test_a_rulebook_value_of_the_wrong_type_names_the_value() -> None:
    value = ParameterValue("flat_participation", Euros.whole(100), date(2024, 5, 2), "décret")
    document = CODEC.encode(value)
    document["data"]["value"] = "100 €"
    with pytest.raises(InvalidValue, match=r"data\.value"):
        CODEC.decode(document)
    document["data"]["name"] = "no_such_rule"
    with pytest.raises(InvalidValue, match=r"data\.name"):
        CODEC.decode(document)


def test_an_entry_with_an_unknown_source_names_the_source() -> None:
    data = entry_to_data(Entry(EntryId("c"), EntryKind.ANNUAL_CREDIT, Euros(1), date(2025, 1, 1),
                               Source.RIGHTS))
    with pytest.raises(InvalidValue, match=r"data\.source"):
        entry_from_data({**data, "source": "lottery"})


@SLOW
@given(fst.bookings().filter(lambda b: bool(b.history)))
def test_a_folder_with_a_broken_history_is_refused(booking: Booking) -> None:
    document = CODEC.encode(booking)
    document["data"]["history"][0]["at"] = "2026-03-02T09:00:00"  # a naive instant
    with pytest.raises(InvalidValue, match=r"data\.history\[0\]\.at"):
        CODEC.decode(document)


# -- the catalogue in bulk ---------------------------------------------------------------------

@SLOW
@given(fst.catalogs())
def test_a_catalogue_decoded_in_bulk_equals_the_records(catalog: Any) -> None:
    offers, sessions = catalog
    got = catalog_from_data([to_data(o) for o in offers], [to_data(s) for s in sessions])
    assert got == (list(offers), list(sessions))


def test_a_catalogue_in_bulk_shares_its_organisms_and_names_a_bad_field() -> None:
    offers, sessions = synthetic_catalog(200, seed=9)
    data = [to_data(o) for o in offers]
    got, _ = catalog_from_data(data, [])
    by_siret = {}
    for offer in got:
        assert by_siret.setdefault(offer.organism.siret, offer.organism) is offer.organism
    data[1]["price"] = 12.5
    with pytest.raises(InvalidValue, match=r"offer 2\.price"):
        catalog_from_data(data, [])
    bad_session = to_data(sessions[0])
    bad_session["start"] = "tomorrow"
    with pytest.raises(InvalidValue, match=r"session 1\.start"):
        catalog_from_data([], [bad_session])


# -- the entry decoder's fast path against its reference ----------------------------------

_ENTRY_VALUES: dict[str, list[Any]] = {
    "entry_id": ["e1", "", 7, None],
    "kind": [k.value for k in EntryKind] + ["nope", 3, ["hold"]],
    "amount": [0, 100, -100, True, 1.5, "100"],
    "effective": ["2020-01-02", "2020-13-01", "20200102", "2020-W01-3", 5],
    "source": ["droits", "dif", "opco", "employeur", "x", 1, ["droits"]],
    "top_up": ["T1", "", 3],
    "booking": ["B1", "", 4],
    "year": [2020, 1800, True, "2020"],
    "note": ["", "réservé", 4],
    "hours": ["1/2", "-3/1", "x"],
    "earmarked_offers": [["O1"], "O1"],
    "other": [1],
}


@st.composite
def _entry_data(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 20)) == 0:
        return draw(st.sampled_from([None, [], "entry", 3]))
    required = {"entry_id", "kind", "amount", "effective", "source"}
    keys = [k for k in _ENTRY_VALUES if k in required or draw(st.booleans())]
    keys = [k for k in keys if k not in required or draw(st.integers(0, 12))]
    return {k: draw(st.sampled_from(_ENTRY_VALUES[k])) for k in keys}


def _outcome(decode: Any, data: Any) -> tuple[str, object]:
    try:
        return "entry", decode(data, "data")
    except InvalidValue as error:
        return "error", str(error)


@settings(max_examples=600)
@given(_entry_data())
def test_the_fast_entry_decoder_agrees_with_the_reference(data: Any) -> None:
    from formation.adapters.documents import _checked_entry, _entry_from_plain_data

    fast = _outcome(_entry_from_plain_data, data)
    reference = _outcome(_checked_entry, data)
    if fast != ("entry", None):  # the fast path declines what it does not read
        assert fast == reference
    assert _outcome(entry_from_data, data) == reference
