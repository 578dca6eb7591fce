"""Personalisable offers: option groups, requirements and exclusions, prices, hours, funding."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formation.adapters.documents import CODEC, catalog_from_data, catalog_from_rows, offer_to_row
from formation.catalog.choices import PricedChoice, choice_violations, price_choice
from formation.catalog.offers import Offer, Option, OptionGroup, Pick, Session
from formation.errors import InvalidValue, RuleViolation
from formation.examples import modular_offer, personalised_offer
from formation.funding import plan_funding
from formation.ids import OfferId, SessionId
from formation.money import Euros
from formation.testing import strategies as fst

E = Euros.whole
ON = date(2026, 3, 2)


def codes(violations: object) -> list[str]:
    return [v.code for v in violations]  # type: ignore[attr-defined]


# -- the records ---------------------------------------------------------------------------


def test_a_group_holds_at_least_one_option_of_unique_ids() -> None:
    with pytest.raises(InvalidValue, match="at least one"):
        OptionGroup("g", "Groupe", (), Pick.ANY)
    twice = Option("a", "A", E(1))
    with pytest.raises(InvalidValue, match="unique"):
        OptionGroup("g", "Groupe", (twice, twice), Pick.ANY)
    with pytest.raises(InvalidValue, match="Pick"):
        OptionGroup("g", "Groupe", (twice,), "any")  # type: ignore[arg-type]


def test_an_option_cannot_require_itself_nor_require_and_exclude_the_same() -> None:
    with pytest.raises(InvalidValue, match="itself"):
        Option("a", "A", E(1), requires=("a",))
    with pytest.raises(InvalidValue, match="both requires and excludes"):
        Option("a", "A", E(1), requires=("b",), excludes=("b",))
    with pytest.raises(InvalidValue, match="option ids"):
        Option("a", "A", E(1), requires="b")  # type: ignore[arg-type]
    with pytest.raises(InvalidValue, match="non-negative int"):
        Option("a", "A", E(1), hours=-1)


def test_an_offer_refuses_repeated_option_ids_and_unknown_references() -> None:
    offer = personalised_offer()
    repeated = OptionGroup("autre", "Autre", (Option("soirs", "Encore", E(1)),))
    with pytest.raises(InvalidValue, match="unique across"):
        attrs.evolve(offer, option_groups=(*offer.option_groups, repeated))
    dangling = OptionGroup("autre", "Autre", (Option("x", "X", E(1), requires=("absent",)),))
    with pytest.raises(InvalidValue, match="absent"):
        attrs.evolve(offer, option_groups=(*offer.option_groups, dangling))
    with pytest.raises(InvalidValue, match="group ids"):
        attrs.evolve(offer, option_groups=(offer.option_groups[0], offer.option_groups[0]))
    with pytest.raises(InvalidValue, match="absent"):
        attrs.evolve(offer, options=(Option("y", "Y", E(1), excludes=("absent",)),))


def test_an_offer_finds_its_grouped_options_and_lists_them_all() -> None:
    offer = personalised_offer()
    assert offer.option("examen").price == E(150)
    assert [o.option_id for o in offer.all_options] == [
        "soirs", "samedis", "intensif", "examen", "coaching", "manuel", "numerique"]
    with pytest.raises(InvalidValue, match="no option 'absent'"):
        offer.option("absent")


# -- the rules of a choice ---------------------------------------------------------------


def test_every_violation_of_a_choice_is_reported_at_once() -> None:
    offer = personalised_offer()
    found = choice_violations(offer, ["intensif", "samedis", "coaching", "manuel", "numerique",
                                      "manuel", "absent"])
    assert [(v.code, v.subject) for v in found] == [
        ("choice.repeated_option", "manuel"),
        ("choice.unknown_option", "absent"),
        ("choice.too_many_picks", "format"),
        ("choice.missing_requirement", "coaching"),
        ("choice.excluded_together", "manuel"),
    ]
    with pytest.raises(RuleViolation) as refused:
        price_choice(offer, ["intensif", "samedis", "coaching", "manuel", "numerique",
                             "manuel", "absent"])
    assert refused.value.violations == found


def test_a_group_of_exactly_one_or_at_least_one_needs_a_pick() -> None:
    assert codes(choice_violations(personalised_offer(), [])) == ["choice.missing_pick"]
    assert codes(choice_violations(modular_offer(), [])) == ["choice.missing_pick"]
    assert choice_violations(modular_offer(), ["html"]) == ()


def test_an_exclusion_holds_both_ways_and_is_reported_once() -> None:
    one_way = Offer(**{**attrs.asdict(personalised_offer(), recurse=False),
                       "option_groups": (), "options": (
                           Option("a", "A", E(1), excludes=("b",)), Option("b", "B", E(1)))})
    assert codes(choice_violations(one_way, ["b", "a"])) == ["choice.excluded_together"]
    both_ways = attrs.evolve(one_way, options=(
        Option("a", "A", E(1), excludes=("b",)), Option("b", "B", E(1), excludes=("a",))))
    assert codes(choice_violations(both_ways, ["a", "b"])) == ["choice.excluded_together"]


def test_an_option_record_given_must_be_the_offers_own() -> None:
    offer = personalised_offer()
    assert choice_violations(offer, [offer.option("soirs")]) == ()
    cheaper = attrs.evolve(offer.option("intensif"), price=E(1))
    assert [(v.code, v.subject) for v in choice_violations(offer, [cheaper])] == [
        ("choice.changed_option", "intensif"), ("choice.missing_pick", "format")]


def test_a_flat_list_of_options_allows_every_choice() -> None:
    offer = attrs.evolve(personalised_offer(), option_groups=(), options=(
        Option("a", "A", E(10)), Option("b", "B", E(20), cpf_fundable=False)))
    for chosen in ([], ["a"], ["b"], ["a", "b"]):
        assert choice_violations(offer, chosen) == ()


def test_bad_arguments_are_invalid_values() -> None:
    offer = personalised_offer()
    with pytest.raises(InvalidValue):
        choice_violations(offer, "soirs")
    with pytest.raises(InvalidValue):
        choice_violations(offer, 3)  # type: ignore[arg-type]
    with pytest.raises(InvalidValue):
        choice_violations(offer, [3])  # type: ignore[list-item]
    with pytest.raises(InvalidValue):
        choice_violations("offer", [])  # type: ignore[arg-type]


# -- prices and hours -----------------------------------------------------------------------


def test_a_personalised_choice_prices_its_options_and_adds_their_hours() -> None:
    offer = personalised_offer()
    priced = price_choice(offer, ["coaching", "examen", "intensif", "manuel"])
    assert priced == PricedChoice(offer.offer_id, tuple(
        offer.option(i) for i in ("intensif", "examen", "coaching", "manuel")), E(1440), 40)
    assert priced.price == E(1440 + 120 + 150 + 300 + 35)
    assert priced.duration_hours == 40 + 2 + 10
    assert priced.not_fundable == E(35)
    assert priced.fundable == priced.price - E(35)


def test_a_modular_path_lasts_and_costs_what_its_modules_add_up_to() -> None:
    offer = modular_offer()
    short = price_choice(offer, ["html"])
    assert (short.price, short.duration_hours) == (E(900), 42)
    full = price_choice(offer, ["html", "js", "react", "projet"])
    assert (full.price, full.duration_hours, full.not_fundable) == (E(3890), 196, E(90))
    assert codes(choice_violations(offer, ["react"])) == ["choice.missing_requirement"]


def test_the_price_of_a_choice_starts_from_the_sessions_own_price() -> None:
    offer = personalised_offer()
    session = Session(SessionId("S1"), offer.offer_id, date(2026, 5, 4), date(2026, 6, 26),
                      price=E(1300))
    assert price_choice(offer, ["soirs"], session=session).price == E(1300)
    with pytest.raises(InvalidValue, match="belongs to offer"):
        price_choice(offer, ["soirs"], session=attrs.evolve(session, offer_id=OfferId("X")))


def test_a_choice_funds_part_by_part() -> None:
    offer = personalised_offer()
    priced = price_choice(offer, ["soirs", "manuel"])
    plan = plan_funding(priced.price, balance=E(5000), on=ON, options=priced.options,
                        action_type=offer.action_type)
    assert plan.not_fundable == E(35)
    assert plan.rights_used + plan.top_ups_used + plan.card_payment == E(1475)


@settings(max_examples=60, deadline=None)
@given(st.data(), fst.personalisable_offers(), fst.euros(max_cents=800_000),
       fst.funding_days(), st.booleans())
def test_every_valid_choice_prices_and_funds_to_the_cent(
        data: st.DataObject, offer: Offer, balance: Euros, on: date, job_seeker: bool) -> None:
    allowed = fst.valid_choices(offer)
    if not allowed:
        return
    chosen = data.draw(st.sampled_from(allowed))
    priced = price_choice(offer, chosen)
    options = [offer.option(i) for i in chosen]
    assert priced.price.cents == offer.price.cents + sum(o.price.cents for o in options)
    assert priced.not_fundable.cents == sum(o.price.cents for o in options if not o.cpf_fundable)
    assert priced.fundable + priced.not_fundable == priced.price
    hours = sum(o.hours for o in options)
    assert priced.duration_hours == (
        offer.duration_hours + hours if offer.duration_hours is not None else hours or None)
    try:
        plan = plan_funding(priced.price, balance=balance, on=on, options=priced.options,
                            job_seeker=job_seeker, action_type=offer.action_type)
    except RuleViolation:
        return  # a funding rule (not the choice) forbids it: checked in test_funding.py
    assert plan.price == priced.price
    assert sum(line.amount.cents for line in plan.lines) == priced.price.cents
    assert plan.not_fundable == priced.not_fundable
    assert plan.rights_used + plan.top_ups_used <= priced.fundable


def _expected(offer: Offer, chosen: list[str]) -> set[tuple[str, str]]:
    """The violations, worked out another way: by counting."""
    known = {o.option_id for o in offer.all_options}
    found: set[tuple[str, str]] = set()
    for option_id in set(chosen):
        if chosen.count(option_id) > 1:
            found.add(("choice.repeated_option", option_id))
        if option_id not in known:
            found.add(("choice.unknown_option", option_id))
    picked = set(chosen) & known
    for group in offer.option_groups:
        count = sum(o.option_id in picked for o in group.options)
        if count == 0 and group.pick in (Pick.EXACTLY_ONE, Pick.AT_LEAST_ONE):
            found.add(("choice.missing_pick", group.group_id))
        if count > 1 and group.pick in (Pick.EXACTLY_ONE, Pick.AT_MOST_ONE):
            found.add(("choice.too_many_picks", group.group_id))
    for option in offer.all_options:
        if option.option_id in picked and not set(option.requires) <= picked:
            found.add(("choice.missing_requirement", option.option_id))
    pairs = {frozenset((o.option_id, x)) for o in offer.all_options for x in o.excludes
             if o.option_id in picked and x in picked}
    found.update(("choice.excluded_together", "pair") for _ in pairs)
    return {f for f in found if f[0] != "choice.excluded_together"} | (
        {("choice.excluded_together", str(len(pairs)))} if pairs else set())


@settings(max_examples=150, deadline=None)
@given(st.data(), fst.personalisable_offers())
def test_an_invalid_choice_is_refused_with_all_its_violations(
        data: st.DataObject, offer: Offer) -> None:
    chosen = data.draw(fst.any_choices(offer))
    found = choice_violations(offer, chosen)
    got = {(v.code, v.subject) for v in found if v.code != "choice.excluded_together"}
    exclusions = sum(v.code == "choice.excluded_together" for v in found)
    if exclusions:
        got.add(("choice.excluded_together", str(exclusions)))
    assert got == _expected(offer, chosen)
    assert len(found) == len({(v.code, v.subject, v.message) for v in found})
    if found:
        with pytest.raises(RuleViolation) as refused:
            price_choice(offer, chosen)
        assert refused.value.violations == found
    else:
        assert price_choice(offer, chosen).offer_id == offer.offer_id


# -- persistence ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(fst.personalisable_offers())
def test_the_codec_keeps_the_option_groups(offer: Offer) -> None:
    document = CODEC.encode(offer)
    assert CODEC.decode(document, Offer) == offer
    (decoded,), _ = catalog_from_data([document["data"]], [])
    assert decoded == offer


@settings(max_examples=60, deadline=None)
@given(st.one_of(fst.personalisable_offers(), fst.offers()))
def test_a_stores_rows_keep_the_option_groups_in_the_options_part(offer: Offer) -> None:
    parts: dict[int, str] = {}
    numbers: dict[str, int] = {}

    def part(data: object) -> int:
        import json
        text = json.dumps(data, sort_keys=True)
        if text not in numbers:
            numbers[text] = len(numbers) + 1
            parts[numbers[text]] = text
        return numbers[text]

    row = offer_to_row(offer, part)
    (decoded,), _ = catalog_from_rows(parts, [row], [])
    assert decoded == offer


def test_an_offer_of_round_one_reads_as_before() -> None:
    data = CODEC.encode(personalised_offer())["data"]
    data.update(option_groups=[], options=[
        {"option_id": "examen", "label": "Examen", "price": 9000, "cpf_fundable": True}])
    old = dict(data)
    del old["option_groups"]
    (decoded,), _ = catalog_from_data([old], [])
    assert decoded.option_groups == () and decoded.option("examen").hours == 0


def test_a_sqlite_store_keeps_a_personalisable_offer_without_a_schema_change(
        tmp_path: object) -> None:
    from pathlib import Path

    from formation.adapters.migrations import MIGRATIONS
    from formation.adapters.sqlite import SqliteStore

    offers = [personalised_offer(), modular_offer()]
    sessions = [Session(SessionId(f"S{n}"), o.offer_id, date(2026, 5, 4), date(2026, 6, 26))
                for n, o in enumerate(offers)]
    path = Path(str(tmp_path)) / "store.db"
    with SqliteStore(path) as store:
        store.save_catalog(offers, sessions)
    with SqliteStore(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert [store.catalog.offer(o.offer_id) for o in offers] == offers
        exported = [d for d in store.export_documents() if d["type"] == "Offer"]
    assert exported == [CODEC.encode(o) for o in sorted(offers, key=lambda o: o.offer_id)]
