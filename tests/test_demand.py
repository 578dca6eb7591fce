"""Demand for organisms: the anonymous log and views that never show a count below the threshold."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formation.catalog.offers import Place, Session
from formation.demand import (
    DEFAULT_DEMAND_SETTINGS,
    BudgetBand,
    DemandEvent,
    DemandKind,
    DemandSettings,
    budget_band,
    price_position,
    rating_trend,
    unmet_demand,
)
from formation.errors import InvalidValue
from formation.examples import personalised_offer
from formation.ids import BookingId, HolderId, OfferId, OrganismId, ReviewId, SessionId
from formation.matching import Needs, Period, locate
from formation.money import Euros
from formation.reviews import Review, Scores
from formation.search import CatalogIndex, Query
from formation.testing import strategies as fst

E = Euros.whole
JAN = date(2026, 1, 1)


def search(day: date = date(2026, 1, 10), results: int = 0, region: str | None = "84",
           codes: tuple[str, ...] = ("15234",)) -> DemandEvent:
    return DemandEvent(DemandKind.SEARCH, day, results, region=region, formacodes=codes)


def test_the_default_threshold_is_eleven_and_unmet_means_two_results_or_fewer() -> None:
    assert (DEFAULT_DEMAND_SETTINGS.threshold, DEFAULT_DEMAND_SETTINGS.few_results) == (11, 2)
    with pytest.raises(InvalidValue, match="threshold"):
        DemandSettings(threshold=0)


def test_budget_bands_are_bounded_inclusively() -> None:
    assert [budget_band(Euros(c)) for c in (0, 1, 15000, 15001, 150000, 150001)] == [
        BudgetBand.NOTHING, BudgetBand.UP_TO_150, BudgetBand.UP_TO_150, BudgetBand.UP_TO_500,
        BudgetBand.UP_TO_1500, BudgetBand.ABOVE_1500]
    with pytest.raises(InvalidValue):
        budget_band(Euros(-1))


def test_an_event_keeps_no_holder_and_checks_its_fields() -> None:
    fields = {f.name for f in attrs.fields(DemandEvent)}
    assert not fields & {"holder_id", "account_id", "near", "holder"}
    with pytest.raises(InvalidValue, match="region"):
        search(region="99")
    with pytest.raises(InvalidValue, match="results"):
        search(results=-1)
    assert DemandEvent(DemandKind.SEARCH, JAN, 0, words="Anglais Débutant").words == (
        "anglais", "debutant")


def test_a_search_and_a_need_become_anonymous_events() -> None:
    query = Query(text="Anglais pro", departments=("69",), formacodes=("15234",),
                  price_max=E(300), start_from=date(2026, 4, 1))
    event = DemandEvent.of_search(query, on=JAN, results=3)
    assert (event.kind, event.region, event.words, event.formacodes, event.budget,
            event.start_from) == (DemandKind.SEARCH, "84", ("anglais", "pro"), ("15234",),
                                  BudgetBand.UP_TO_500, date(2026, 4, 1))
    needs = Needs(themes=("15234", "anglais"), near=locate("06000"), budget=E(100),
                  free_periods=(Period(date(2026, 5, 1), date(2026, 6, 30)),))
    need = DemandEvent.of_needs(needs, on=JAN, results=0)
    assert (need.kind, need.region, need.words, need.formacodes, need.budget,
            need.start_from, need.start_until) == (
        DemandKind.NEED, "93", ("anglais",), ("15234",), BudgetBand.UP_TO_150,
        date(2026, 5, 1), date(2026, 6, 30))
    assert DemandEvent.of_needs(Needs(themes=("x",), distance_only=True), on=JAN,
                                results=1).region is None


def test_unmet_demand_counts_by_region_theme_and_month() -> None:
    events = ([search(results=0)] * 9 + [search(results=2)] * 3 + [search(results=7)] * 2
              + [search(day=date(2026, 2, 3), results=9)] * 12
              + [search(region="11", results=0)] * 10)
    cells = unmet_demand(events)
    assert [(c.region, c.formacode, c.month, c.searches, c.unmet) for c in cells] == [
        ("84", "15234", date(2026, 1, 1), 14, 12),
        ("84", "15234", date(2026, 2, 1), 12, None),  # no unmet search: 0 is hidden too
    ]  # Île-de-France has 10 searches, fewer than 11: left out


def test_an_event_of_several_formacodes_counts_in_each_and_words_only_under_none() -> None:
    events = [search(codes=("15234", "70322"))] * 3 + [search(codes=())] * 3
    cells = unmet_demand(events, settings=DemandSettings(threshold=3))
    assert sorted((c.formacode or "", c.searches) for c in cells) == [
        ("", 3), ("15234", 3), ("70322", 3)]


@settings(max_examples=150, deadline=None)
@given(st.lists(fst.demand_events(), max_size=80), fst.demand_settings())
def test_unmet_demand_never_shows_a_count_below_the_threshold(
        events: list[DemandEvent], chosen: DemandSettings) -> None:
    cells = unmet_demand(events, settings=chosen)
    expected: Counter[tuple[object, ...]] = Counter()
    unmet: Counter[tuple[object, ...]] = Counter()
    for event in events:
        for code in event.formacodes or (None,):
            key = (event.region, code, event.day.replace(day=1))
            expected[key] += 1
            unmet[key] += event.results <= chosen.few_results
    for cell in cells:
        assert cell.searches >= chosen.threshold
        assert cell.unmet is None or cell.unmet >= chosen.threshold
        key = (cell.region, cell.formacode, cell.month)
        assert cell.searches == expected[key]
        assert cell.unmet == (unmet[key] if unmet[key] >= chosen.threshold else None)
    shown = {(c.region, c.formacode, c.month) for c in cells}
    assert shown == {k for k, n in expected.items() if n >= chosen.threshold}


# -- price position -------------------------------------------------------------------------


def _catalogue(prices: list[int]) -> CatalogIndex:
    base = personalised_offer()
    offers, sessions = [], []
    for n, price in enumerate(prices):
        offer = attrs.evolve(base, offer_id=OfferId(f"O{n:02d}"), price=E(price))
        offers.append(offer)
        sessions.append(Session(SessionId(f"S{n:02d}"), offer.offer_id, date(2026, 5, 4),
                                date(2026, 5, 29), Place.in_department("69")))
    far = attrs.evolve(base, offer_id=OfferId("FAR"), price=E(1))
    offers.append(far)
    sessions.append(Session(SessionId("SFAR"), far.offer_id, date(2026, 5, 4),
                            date(2026, 5, 29), Place.in_department("75")))
    return CatalogIndex(offers, sessions)


def test_an_offer_sees_its_price_among_similar_offers_of_its_region() -> None:
    index = _catalogue([1000 + 100 * n for n in range(12)])  # 1 000 € to 2 100 €
    found = price_position(OfferId("O03"), index, region="84")
    assert (found.similar, found.price, found.percentile) == (12, E(1300), 25)
    assert (found.lower_quartile, found.median, found.upper_quartile) == (
        E(1200), E(1500), E(1800))
    everywhere = price_position(OfferId("O03"), index)
    assert (everywhere.similar, everywhere.percentile) == (13, 4 * 100 // 13)


def test_too_few_similar_offers_show_no_figures() -> None:
    found = price_position(OfferId("O01"), _catalogue([900, 1000, 1100]), region="84")
    assert found.hidden and found.similar is None and found.median is None
    assert found.price == E(1000)
    with pytest.raises(InvalidValue, match="no session in region"):
        price_position(OfferId("O00"), _catalogue([900]), region="11")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 5000), min_size=1, max_size=25), fst.demand_settings(),
       st.data())
def test_a_price_position_shows_counts_at_or_above_the_threshold_and_true_quantiles(
        prices: list[int], chosen: DemandSettings, data: st.DataObject) -> None:
    index = _catalogue(prices)
    n = data.draw(st.integers(0, len(prices) - 1))
    found = price_position(OfferId(f"O{n:02d}"), index, region="84", settings=chosen)
    if len(prices) < chosen.threshold:
        assert found.hidden and found.percentile is None
        return
    assert found.similar == len(prices) >= chosen.threshold
    assert found.percentile == sum(p < prices[n] for p in prices) * 100 // len(prices)
    for quantile, share in ((found.lower_quartile, 25), (found.median, 50),
                            (found.upper_quartile, 75)):
        assert quantile is not None
        at_or_below = sum(E(p) <= quantile for p in prices)
        assert at_or_below * 100 >= share * len(prices)
        assert (at_or_below - sum(E(p) == quantile for p in prices)) * 100 < share * len(prices)


# -- rating trend ---------------------------------------------------------------------------


def review(n: int, at: datetime, score: int, offer: str = "O1") -> Review:
    return Review(ReviewId(f"R{n}"), BookingId(f"F{n}"), HolderId(f"h{n}"), OfferId(offer),
                  OrganismId("78959578200051"), Scores.uniform(score), at)


def test_ratings_move_by_periods_of_enough_reviews() -> None:
    jan = datetime(2026, 1, 15, 9, tzinfo=timezone.utc)
    reviews = ([review(i, jan, 5) for i in range(8)]
               + [review(10 + i, jan + timedelta(days=31), 3) for i in range(4)]
               + [review(20 + i, jan + timedelta(days=62), 4) for i in range(11)]
               + [review(40 + i, jan + timedelta(days=93), 2) for i in range(5)]
               + [review(60, jan, 1, offer="O2")])
    periods = rating_trend(reviews, OfferId("O1"))
    assert [(p.first_month, p.last_month, p.reviews, p.mean) for p in periods] == [
        (date(2026, 1, 1), date(2026, 2, 1), 12, Fraction(8 * 5 + 4 * 3, 12)),
        (date(2026, 3, 1), date(2026, 3, 1), 11, Fraction(4)),
    ]  # April's 5 reviews are too few: not shown


def test_a_review_counts_in_the_paris_month_it_was_first_written() -> None:
    new_year = datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc)  # 00:30 in Paris
    (period,) = rating_trend([review(i, new_year, 4) for i in range(11)], OfferId("O1"))
    assert period.first_month == date(2026, 1, 1)


@settings(max_examples=80, deadline=None)
@given(st.lists(fst.reviews(), max_size=60), fst.demand_settings())
def test_a_rating_trend_never_shows_a_count_below_the_threshold(
        reviews: list[Review], chosen: DemandSettings) -> None:
    by_offer = Counter(r.offer_id for r in reviews)
    for offer_id in by_offer:
        periods = rating_trend(reviews, offer_id, settings=chosen)
        assert all(p.reviews >= chosen.threshold for p in periods)
        assert sum(p.reviews for p in periods) > by_offer[offer_id] - chosen.threshold
        assert all(a.last_month < b.first_month for a, b in itertools.pairwise(periods))
