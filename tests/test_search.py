"""The catalogue search: the index answers exactly what a plain filter-and-sort answers.

The reference below reads every session, applies the meaning of each ``Query`` field as
``formation.query`` documents it, sorts with the documented keys and cuts the page; the
property tests compare it with ``CatalogIndex.search`` on random catalogues and queries, after
random changes too. Example tests pin each filter and each order on a small hand-made catalogue.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from random import Random
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from formation import (
    ActionType,
    Certification,
    DuplicateEntry,
    Euros,
    InvalidValue,
    Modality,
    NotFound,
    Offer,
    Organism,
    Place,
    QualiopiCertification,
    Registry,
    Session,
)
from formation.catalog.search import CatalogIndex, _bitsets, _layout, _postings
from formation.catalog.search import reference as plain
from formation.catalog.search.query import Near, Query, SearchResults, Sort
from formation.catalog.search.reference import Ratings
from formation.ids import BookingId, HolderId, OfferId, OrganismId, ReviewId
from formation.reviews import (
    FolderView,
    RatingPrior,
    RatingSummary,
    ReviewBook,
    Scores,
)
from formation.testing import strategies as fst
from formation.testing.catalog import synthetic_catalog

# -- the reference: a plain filter-and-sort (formation.catalog.search.reference) ----------------

def reference(offers: Sequence[Offer], sessions: Sequence[Session], query: Query,
              ratings: Ratings | None = None, on: date | None = None
              ) -> tuple[list[tuple[str, float]], int, list[tuple[str, list[tuple[str, int]]]]]:
    """The page (session ids and scores), the total and the facets, by reading everything."""
    return observed(plain.search(offers, sessions, query, ratings=ratings, on=on))


def _ordered_ids(offers: Sequence[Offer], sessions: Sequence[Session], query: Query,
                 ratings: Ratings | None = None, on: date | None = None) -> list[str]:
    return list(plain.matching(offers, sessions, query, ratings=ratings, on=on))


def observed(results: SearchResults
             ) -> tuple[list[tuple[str, float]], int, list[tuple[str, list[tuple[str, int]]]]]:
    """The page, the total and the facets (values in their order) of some results."""
    return ([(h.session.session_id, h.score) for h in results.hits], results.total,
            [(name, list(counts.items())) for name, counts in results.facets.items()])


# -- random catalogues with ratings -------------------------------------------------------------

@st.composite
def rated_catalogs(draw: st.DrawFn, max_offers: int = 6
                   ) -> tuple[tuple[Offer, ...], tuple[Session, ...], dict[str, tuple]]:  # type: ignore[type-arg]
    """Catalogues with ratings: few or many reviews (so that the ranking score and the mean
    disagree on the order), the score left to the index or given (equal scores, to tie)."""
    offers, sessions = draw(fst.catalogs(max_offers=max_offers))
    ratings: dict[str, tuple] = {}  # type: ignore[type-arg]
    for offer in offers:
        if draw(st.booleans()):
            rating = (draw(st.sampled_from((1.0, 3.5, 4.0, 4.5, 4.7, 5.0))),
                      draw(st.integers(1, 3) | st.sampled_from((200, 230))))
            if draw(st.booleans()):
                rating = (*rating, draw(st.sampled_from((4.0, 4.6, Fraction(14, 3)))))
            ratings[offer.offer_id] = rating
    return offers, sessions, ratings


def _index(offers: Sequence[Offer], sessions: Sequence[Session], ratings: Ratings
           ) -> CatalogIndex:
    return CatalogIndex(offers, sessions, ratings=ratings)  # type: ignore[arg-type]


@given(rated_catalogs(), fst.queries(), st.none() | st.dates(date(2025, 1, 1), date(2029, 1, 1)))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_search_answers_what_a_plain_filter_and_sort_answers(catalog, query, on) -> None:
    offers, sessions, ratings = catalog
    index = _index(offers, sessions, ratings)
    assert observed(index.search(query, on=on)) == reference(offers, sessions, query, ratings, on)


@given(rated_catalogs(), fst.queries(), st.none() | st.dates(date(2025, 1, 1), date(2029, 1, 1)),
       st.none() | st.integers(1, 12))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_matching_gives_every_match_in_the_order_of_the_sort_at_once(
        catalog, query, on, limit) -> None:
    offers, sessions, ratings = catalog
    index = _index(offers, sessions, ratings)
    expected = _ordered_ids(offers, sessions, query, ratings, on)
    assert list(index.matching(query, on=on, limit=limit)) == expected[:limit]
    if query.start_from is None and query.start_until is None:
        assert list(index.matching(query, on=on, limit=limit, undated=True)) == [
            sid for sid in expected if index.session(sid).start is None][:limit]


def bits_everywhere() -> contextlib.ExitStack:
    """Sets of bits for every query (not only those with thousands of candidates), cut in
    chunks of 64 slots so that every set spans several chunks."""
    stack = contextlib.ExitStack()
    stack.enter_context(mock.patch.object(_layout, "BITS_MIN", 0))
    stack.enter_context(mock.patch.object(_bitsets, "CHUNK", 64))
    return stack


@given(rated_catalogs(), fst.queries(), st.none() | st.dates(date(2025, 1, 1), date(2029, 1, 1)))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_sets_of_bits_answer_what_a_plain_filter_and_sort_answers(catalog, query, on) -> None:
    offers, sessions, ratings = catalog
    with bits_everywhere():
        index = _index(offers, sessions, ratings)
        assert observed(index.search(query, on=on)) == reference(offers, sessions, query,
                                                                 ratings, on)


@given(rated_catalogs(), st.lists(fst.queries(), min_size=1, max_size=4), st.randoms(),
       st.booleans())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_sets_of_bits_stay_right_through_changes(catalog, queries, random, bits) -> None:
    # the sets made by a first search are then kept up to date by every change
    with bits_everywhere() if bits else contextlib.nullcontext():
        test_search_stays_right_through_additions_removals_replacements_and_ratings.hypothesis.inner_test(  # type: ignore[attr-defined]
            catalog, queries, random)


@given(rated_catalogs(), st.lists(fst.queries(), min_size=1, max_size=4), st.randoms())
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_search_stays_right_through_additions_removals_replacements_and_ratings(
        catalog, queries, random) -> None:
    offers, sessions, ratings = catalog
    index = _index(offers, sessions, ratings)
    live_offers = {o.offer_id: o for o in offers}
    live_sessions = {s.session_id: s for s in sessions}
    live_ratings = dict(ratings)
    for query in queries:
        before = index.search(query)  # its total is counted before the index changes
        expected = reference(list(live_offers.values()), list(live_sessions.values()), query,
                             live_ratings)
        move = random.randrange(5)
        if move == 0 and live_sessions:
            gone = random.choice(sorted(live_sessions))
            index.remove(session_ids=[gone])
            del live_sessions[gone]
        elif move == 1 and live_offers:
            gone = random.choice(sorted(live_offers))
            index.remove(offer_ids=[gone])
            del live_offers[gone]
            live_sessions = {k: s for k, s in live_sessions.items() if s.offer_id != gone}
        elif move == 2 and live_sessions and live_offers:
            old = live_sessions[random.choice(sorted(live_sessions))]
            moved = Session(old.session_id, random.choice(sorted(live_offers)),
                            old.start and old.start + timedelta(days=3),
                            old.end and old.end + timedelta(days=3), old.place, old.seats,
                            Euros(random.randrange(0, 300_000)))
            index.replace(sessions=[moved])
            live_sessions[moved.session_id] = moved
        elif move == 3 and live_offers:
            old = live_offers[random.choice(sorted(live_offers))]
            new = Offer(old.offer_id, old.organism, "Anglais " + old.title, old.certification,
                        tuple(reversed(old.formacodes)), Euros(old.price.cents + 100),
                        old.duration_hours, old.modality, old.action_type)
            index.replace(offers=[new])
            live_offers[new.offer_id] = new
        elif live_offers:
            rated = random.choice(sorted(live_offers))
            live_ratings[rated] = (random.choice((1.0, 4.0, 4.5)), random.randrange(1, 4))
            index.set_rating(rated, *live_ratings[rated])
        assert observed(before) == expected
        now = reference(list(live_offers.values()), list(live_sessions.values()), query,
                        live_ratings)
        assert observed(index.search(query)) == now


@given(rated_catalogs(), fst.queries(), st.randoms())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_results_do_not_depend_on_the_order_records_were_added_in(catalog, query, random) -> None:
    offers, sessions, ratings = catalog
    built = _index(offers, sessions, ratings)
    shuffled_offers, shuffled_sessions = list(offers), list(sessions)
    random.shuffle(shuffled_offers)
    random.shuffle(shuffled_sessions)
    grown = CatalogIndex(ratings=ratings)  # type: ignore[arg-type]
    for offer in shuffled_offers:
        grown.add(offers=[offer])
    for session in shuffled_sessions:
        grown.add(sessions=[session])
    assert observed(grown.search(query)) == observed(built.search(query))


def test_the_differential_property_holds_on_a_synthetic_catalogue() -> None:
    # larger than the random catalogues: the sorted postings are read in chunks here
    offers, sessions = synthetic_catalog(3000, seed=11)
    index = CatalogIndex(offers, sessions)
    for query in (
        Query(regions=("11",), start_from=date(2027, 3, 1), start_until=date(2027, 5, 31),
              price_max=Euros.whole(1500), sort=Sort.PRICE_ASC, page=2, page_size=7),
        Query(regions=("84",), sort=Sort.PRICE_DESC, page=3),
        Query(sort=Sort.PRICE_DESC, price_min=Euros.whole(2000)),
        Query(text="anglais", modalities=(Modality.DISTANCE,), sort=Sort.RATING),
        Query(formacodes=("15234",), regions=("84",), start_from=date(2027, 1, 1)),
        Query(text="anglais", facets=("region", "price_band", "formacode")),
        Query(text="excel tos", sort=Sort.START_DATE, page_size=100),
        Query(departments=("75", "69"), sort=Sort.START_DATE, page=4),
        Query(near=Near(45.76, 4.84, 60), sort=Sort.DISTANCE),
        Query(eligible_only=True, regions=("93",)),
    ):
        assert observed(index.search(query)) == reference(offers, sessions, query), query


# -- a small hand-made catalogue ----------------------------------------------------------------

ORG = Organism("78959578200051", "Formaltic Conseil",
               qualiopi=QualiopiCertification(date(2022, 1, 1), date(2028, 12, 31)))
TOSA = Certification(Registry.RS, "6204", "Tosa Excel", None, date(2030, 1, 1))
COMPTA = Certification(Registry.RNCP, "37873", "Gestionnaire comptable et fiscal", 5)
LYON = Place("69", "84", "Lyon", "69001", 45.7640, 4.8357)
PARIS = Place("75", "11", "Paris", "75001", 48.8566, 2.3522)
NICE = Place("06", "93", "Nice", None, None, None)


def _offer(offer_id: str, title: str, certification: Certification | None, price: int,
           modality: Modality = Modality.IN_PERSON, formacodes: tuple[str, ...] = ("70322",),
           hours: int | None = 21, action: ActionType = ActionType.RS) -> Offer:
    return Offer(offer_id, ORG, title, certification, formacodes, Euros.whole(price), hours,
                 modality, action)


OFFERS = (
    _offer("AF1", "Excel initiation", TOSA, 900),
    _offer("AF2", "Comptabilité générale", COMPTA, 2400, formacodes=("32663",), hours=300,
           action=ActionType.RNCP),
    _offer("AF3", "Anglais des affaires", None, 1500, Modality.DISTANCE, ("15234",), None,
           ActionType.SKILLS_ASSESSMENT),
)
SESSIONS = (
    Session("S1", "AF1", date(2027, 1, 4), date(2027, 1, 8), LYON),
    Session("S2", "AF1", date(2027, 2, 1), date(2027, 2, 5), PARIS, price=Euros.whole(1100)),
    Session("S3", "AF2", date(2027, 1, 4), date(2027, 6, 30), PARIS),
    Session("S4", "AF2", None, None, NICE),
    Session("S5", "AF3", date(2026, 12, 1), date(2027, 2, 1), None),
)


def ids(index: CatalogIndex, **fields: object) -> list[str]:
    return [h.session.session_id for h in index.search(Query(**fields)).hits]  # type: ignore[arg-type]


@pytest.fixture
def index() -> CatalogIndex:
    return CatalogIndex(OFFERS, SESSIONS, ratings={"AF1": (4.5, 10), "AF2": (4.5, 30)})


def test_text_ignores_case_and_accents_and_lets_the_last_word_be_a_beginning(index) -> None:
    assert ids(index, text="comptabilite") == ["S3", "S4"]
    assert ids(index, text="COMPTA") == ["S3", "S4"]
    assert ids(index, text="compta generale") == []  # only the last word may be a beginning
    assert ids(index, text="generale compta") == ["S3", "S4"]


def test_text_searches_the_certification_and_the_organism_with_lower_scores(index) -> None:
    hits = index.search(Query(text="tosa")).hits
    assert [(h.session.session_id, h.score) for h in hits] == [("S1", 2.0), ("S2", 2.0)]
    hits = index.search(Query(text="formaltic")).hits
    assert {h.score for h in hits} == {1.0} and len(hits) == 5
    assert ids(index, text="excel formaltic") == ["S1", "S2"]


def test_every_word_must_match(index) -> None:
    assert ids(index, text="excel anglais") == []


def test_regions_and_departments_never_match_a_distance_session(index) -> None:
    assert ids(index, regions=("11",)) == ["S3", "S2"]
    assert ids(index, departments=("69", "06")) == ["S1", "S4"]
    assert "S5" not in ids(index, regions=("11", "84", "93"))


def test_near_keeps_places_within_the_radius_and_never_those_without_coordinates(index) -> None:
    assert ids(index, near=Near(45.75, 4.85, 10)) == ["S1"]
    assert ids(index, near=Near(46.5, 3.5, 500), sort=Sort.DISTANCE) == ["S1", "S2", "S3"]
    hits = index.search(Query(near=Near(45.75, 4.85, 10))).hits
    assert hits[0].distance_km is not None and hits[0].distance_km < 10


def test_date_bounds_are_inclusive_and_never_match_a_session_without_dates(index) -> None:
    assert ids(index, start_from=date(2027, 1, 4), start_until=date(2027, 2, 1)) == [
        "S1", "S3", "S2"]
    assert "S4" not in ids(index, start_from=date(2000, 1, 1))


def test_price_bounds_use_the_session_own_price_and_are_inclusive(index) -> None:
    assert ids(index, price_min=Euros.whole(1100), price_max=Euros.whole(1500),
               sort=Sort.PRICE_ASC) == ["S2", "S5"]
    assert ids(index, price_max=Euros.whole(900)) == ["S1"]


def test_duration_bounds_never_match_an_offer_without_hours(index) -> None:
    assert ids(index, duration_min=0) == ["S1", "S3", "S2", "S4"]
    assert ids(index, duration_min=22, duration_max=300) == ["S3", "S4"]


def test_formacodes_modalities_registries_and_action_types(index) -> None:
    assert ids(index, formacodes=("15234", "32663")) == ["S5", "S3", "S4"]
    assert ids(index, modalities=(Modality.DISTANCE,)) == ["S5"]
    assert ids(index, registries=(Registry.RNCP,)) == ["S3", "S4"]
    assert ids(index, action_types=(ActionType.RS, ActionType.SKILLS_ASSESSMENT)) == [
        "S5", "S1", "S2"]


def test_min_rating_uses_the_rating_held_and_never_matches_an_unrated_offer(index) -> None:
    assert ids(index, min_rating=4.5) == ["S1", "S3", "S2", "S4"]
    index.set_rating("AF1", 3.9, 11)
    assert ids(index, min_rating=4.0) == ["S3", "S4"]
    assert index.rating("AF3") == (None, 0)


def test_eligible_only_applies_the_rules_on_the_start_day_or_on_a_given_day(index) -> None:
    # AF2 names an RNCP certification in force; AF1 too; a bilan is eligible; S4 has no dates
    assert ids(index, eligible_only=True) == ["S5", "S1", "S3", "S2"]
    after = CatalogIndex(OFFERS, SESSIONS)
    # the organism's Qualiopi ends on 2028-12-31
    assert [h.session.session_id for h in after.search(Query(eligible_only=True),
                                                       on=date(2029, 1, 1)).hits] == []
    assert len(after.search(Query(eligible_only=True), on=date(2027, 1, 1)).hits) == 5


def test_sorts_break_ties_by_session_id(index) -> None:
    assert ids(index, sort=Sort.PRICE_ASC) == ["S1", "S2", "S5", "S3", "S4"]
    assert ids(index, sort=Sort.PRICE_DESC) == ["S3", "S4", "S5", "S2", "S1"]
    assert ids(index, sort=Sort.START_DATE) == ["S5", "S1", "S3", "S2", "S4"]
    # AF1 and AF2 both average 4.5, below the prior's 4.6: AF2's 30 reviews pull its ranking
    # score (181/40 = 4.525) further from the prior than AF1's 10 (91/20 = 4.55); unrated last
    assert ids(index, sort=Sort.RATING) == ["S1", "S2", "S3", "S4", "S5"]
    # equal ranking scores: the offer with more reviews first
    index.set_rating("AF1", 4.5, 10, 4.525)
    assert ids(index, sort=Sort.RATING) == ["S3", "S4", "S1", "S2", "S5"]
    assert ids(index) == ids(index, sort=Sort.START_DATE)


def test_pages_cut_the_order_and_the_total_counts_every_page(index) -> None:
    first = index.search(Query(sort=Sort.PRICE_ASC, page_size=2))
    third = index.search(Query(sort=Sort.PRICE_ASC, page_size=2, page=3))
    assert [h.session.session_id for h in first.hits] == ["S1", "S2"]
    assert [h.session.session_id for h in third.hits] == ["S4"]
    assert first.total == third.total == 5 and first.pages == 3
    assert index.search(Query(page=9)).hits == ()


def test_facets_count_every_matching_session(index) -> None:
    facets = index.search(Query(facets=("region", "modality", "formacode", "registry",
                                        "price_band"))).facets
    assert dict(facets["region"]) == {"11": 2, "84": 1, "93": 1}
    assert dict(facets["modality"]) == {"presentiel": 4, "distanciel": 1}
    assert dict(facets["registry"]) == {"RNCP": 2, "RS": 2}
    assert dict(facets["price_band"]) == {"500-1000": 1, "1000-2000": 2, "2000-5000": 2}
    assert list(facets["formacode"]) == ["32663", "70322", "15234"]


def test_a_total_read_after_a_change_is_the_total_when_the_search_ran(index) -> None:
    results = index.search(Query(sort=Sort.PRICE_ASC, page_size=1))
    index.remove(offer_ids=["AF2"])
    assert results.total == 5
    assert index.search(Query(sort=Sort.PRICE_ASC, page_size=1)).total == 3


def test_add_refuses_known_ids_and_unknown_offers_and_then_changes_nothing(index) -> None:
    extra = Session("S9", "AF3", date(2027, 5, 1), date(2027, 5, 2), None)
    with pytest.raises(DuplicateEntry):
        index.add(sessions=[extra, SESSIONS[0]])
    with pytest.raises(NotFound):
        index.add(sessions=[Session("S8", "AF9", None, None)])
    with pytest.raises(DuplicateEntry):
        index.add(offers=[OFFERS[0]])
    assert len(index) == 5
    index.add(sessions=[extra])
    assert len(index) == 6 and index.session("S9") == extra


def test_remove_and_replace_refuse_unknown_ids_and_then_change_nothing(index) -> None:
    with pytest.raises(NotFound):
        index.remove(session_ids=["S1", "S404"])
    with pytest.raises(NotFound):
        index.replace(offers=[_offer("AF404", "X", None, 1)])
    assert len(index) == 5 and index.offer_count == 3
    index.replace(offers=[_offer("AF1", "Word avancé", TOSA, 700)])
    assert ids(index, text="initiation") == []
    assert ids(index, text="word", sort=Sort.PRICE_ASC) == ["S1", "S2"]
    assert index.search(Query(text="word", sort=Sort.PRICE_ASC)).hits[0].session.price_of(
        index.offer("AF1")) == Euros.whole(700)
    assert index.rating("AF1") == (4.5, 10)
    index.remove(offer_ids=["AF1"])
    assert [s.session_id for s in index.sessions_of("AF2")] == ["S3", "S4"]
    with pytest.raises(NotFound):
        index.session("S1")


def test_a_rating_may_arrive_before_its_offer(index) -> None:
    index.set_rating("AF7", 5, 2)
    index.add(offers=[_offer("AF7", "Python", None, 100)],
              sessions=[Session("S7", "AF7", None, None, LYON)])
    assert ids(index, sort=Sort.RATING)[0] == "S7"


@pytest.mark.parametrize(("fields", "named"), [
    ({"regions": ("111",)}, "'111'"),
    ({"regions": "11"}, "'11'"),
    ({"departments": ("20",)}, "'20'"),
    ({"formacodes": ("1523",)}, "'1523'"),
    ({"modalities": ("distanciel",)}, "'distanciel'"),
    ({"registries": (Modality.MIXED,)}, "Modality.MIXED"),
    ({"action_types": ("rs",)}, "'rs'"),
    ({"text": 12}, "12"),
    ({"near": (45.0, 5.0, 10.0)}, "(45.0, 5.0, 10.0)"),
    ({"start_from": date(2027, 2, 1), "start_until": date(2027, 1, 1)}, "2027-02-01"),
    ({"start_from": "2027-01-01"}, "2027-01-01"),
    ({"price_min": 100}, "100"),
    ({"price_min": Euros(-1)}, "-0,01"),
    ({"price_min": Euros(200), "price_max": Euros(100)}, "2,00"),
    ({"duration_min": -1}, "-1"),
    ({"duration_min": 1.5}, "1.5"),
    ({"duration_min": 5, "duration_max": 4}, "5"),
    ({"min_rating": 6}, "6"),
    ({"min_rating": True}, "True"),
    ({"eligible_only": 1}, "1"),
    ({"sort": "price"}, "'price'"),
    ({"sort": Sort.DISTANCE}, "Sort.DISTANCE"),
    ({"page": 0}, "0"),
    ({"page_size": 101}, "101"),
    ({"page_size": 0}, "0"),
    ({"facets": ("city",)}, "'city'"),
])
def test_a_query_refuses_every_bad_field_and_names_the_value(fields, named) -> None:
    with pytest.raises(InvalidValue, match=named.replace("(", r"\(").replace(")", r"\)")
                       .replace(".", r"\.").replace("+", r"\+")):
        Query(**fields)


@pytest.mark.parametrize(("args", "named"), [
    ((91.0, 0.0, 1.0), "91.0"),
    ((0.0, -181.0, 1.0), "-181.0"),
    ((0.0, 0.0, 0.0), "0.0"),
    ((0.0, 0.0, math.nan), "nan"),
    (("45", 0.0, 1.0), "'45'"),
])
def test_near_refuses_points_off_the_earth_and_empty_radii(args, named) -> None:
    with pytest.raises(InvalidValue, match=named):
        Near(*args)


def test_ratings_are_checked(index) -> None:
    for mean, count, score in ((0.5, 3, None), (4.0, 0, None), (None, 2, None), (4.0, -1, None),
                               (True, 1, None), (4.0, 2, 0.5), (4.0, 2, 5.5), (4.0, 2, True),
                               (4.0, 2, "4.2")):
        with pytest.raises(InvalidValue):
            index.set_rating("AF1", mean, count, score)  # type: ignore[arg-type]
    assert index.rating("AF1") == (4.5, 10)
    assert index.ranking_score("AF1") == 4.55
    with pytest.raises(InvalidValue):
        CatalogIndex(ratings={"AF1": (4.5,)})  # type: ignore[dict-item]
    with pytest.raises(InvalidValue):
        CatalogIndex(prior=4.6)  # type: ignore[arg-type]


def test_the_ranking_score_is_the_bayesian_average_of_the_index_prior_unless_given(index) -> None:
    # DEFAULT_PRIOR: mean 4.6 worth 10 reviews; (10 × 4.6 + 2 × 5) / 12 = 14/3
    index.set_rating("AF3", 5, 2)
    assert index.ranking_score("AF3") == float(Fraction(14, 3))
    index.set_rating("AF3", Fraction(47, 10), 200, Fraction(493, 105))
    assert index.ranking_score("AF3") == float(Fraction(493, 105))
    assert index.rating("AF3") == (4.7, 200) and index.ranking_score("AF4") is None
    index.set_rating("AF3", None, 0)
    assert index.ranking_score("AF3") is None
    strict = CatalogIndex(OFFERS, SESSIONS, ratings={"AF1": (5.0, 2)},
                          prior=RatingPrior(Fraction(3), 1))
    assert strict.prior == RatingPrior(Fraction(3), 1)
    assert strict.ranking_score("AF1") == float(Fraction(13, 3))


@st.composite
def crowds(draw: st.DrawFn) -> RatingSummary:
    """From 200 to 400 reviews whose overall mean is at least 4.7, scores spread at random."""
    n = draw(st.integers(200, 400))
    # a mean of at least 4.7 is at most 0.3 × 5 = 1.5 points below 5 per review, in all
    deficit = draw(st.integers(0, 3 * n // 2))
    cells = [[5] * 5 for _ in range(n)]
    rng = draw(st.randoms(use_true_random=False))
    while deficit:
        row, column = rng.randrange(n), rng.randrange(5)
        if cells[row][column] > 1:
            cells[row][column] -= 1
            deficit -= 1
    return RatingSummary.of(Scores(*row) for row in cells)


@given(crowds(), st.integers(1, 2), st.lists(st.dates(date(2026, 1, 1), date(2028, 1, 1)),
                                             min_size=1, max_size=3))
@settings(max_examples=40, deadline=None)
def test_two_five_star_reviews_never_sort_above_two_hundred_averaging_four_point_seven(
        crowd: RatingSummary, few: int, days: list[date]) -> None:
    # issue 8: the rating sort reads the summaries' ranking score, not the raw mean; the
    # few-reviews offer starts sooner, so only the score can put the crowd's first
    perfect = RatingSummary.of([Scores.uniform(5)] * few)
    index = CatalogIndex(OFFERS, SESSIONS[:3])
    later = max(days) + timedelta(days=1)
    index.add(offers=[_offer("AF8", "Excel expert", TOSA, 900), _offer("AF9", "Excel", TOSA, 900)],
              sessions=[Session(f"S8{k}", "AF8", day, day, LYON) for k, day in enumerate(days)]
              + [Session("S90", "AF9", later, later, LYON)])
    for offer_id, summary in (("AF8", perfect), ("AF9", crowd)):
        index.set_rating(offer_id, summary.mean(), summary.count, summary.ranking_score)
    order = ids(index, text="excel", sort=Sort.RATING)
    assert order.index("S90") < min(order.index(f"S8{k}") for k in range(len(days)))
    # the score the index works out from the mean and count alone orders them the same way
    for offer_id, summary in (("AF8", perfect), ("AF9", crowd)):
        index.set_rating(offer_id, summary.mean(), summary.count)
        assert index.ranking_score(offer_id) == float(summary.ranking_score)
    assert ids(index, text="excel", sort=Sort.RATING) == order
    # the minimum rating filter still reads the mean holders are shown
    assert "S80" in ids(index, min_rating=5)
    assert ("S90" in ids(index, min_rating=4.7)) and (
        ("S90" in ids(index, min_rating=5)) == (crowd.mean() == 5))


def test_a_review_book_feeds_the_index_the_ranking_score_of_its_prior() -> None:
    index = CatalogIndex(OFFERS, SESSIONS)
    strict = RatingPrior(Fraction(3), 1)
    book = ReviewBook.feeding(index, prior=strict)
    at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    for k, (offer_id, score) in enumerate((("AF3", 5), ("AF3", 5), ("AF1", 4))):
        folder = FolderView(BookingId(f"F{k}"), HolderId(f"h{k}"), OfferId(offer_id),
                            OrganismId(ORG.siret), "terminated")
        book.write(folder, author=HolderId(f"h{k}"), review_id=ReviewId(f"R{k}"),
                   scores=Scores.uniform(score), at=at)
    # with the book's prior (3, worth 1): AF3 (3 + 10) / 3 = 13/3, AF1 (3 + 4) / 2 = 7/2
    assert index.ranking_score(OfferId("AF3")) == float(Fraction(13, 3))
    assert index.ranking_score(OfferId("AF1")) == 3.5
    assert index.rating(OfferId("AF3")) == (5.0, 2)
    assert ids(index, sort=Sort.RATING)[:2] == ["S5", "S1"]


def test_matching_refuses_bad_arguments(index) -> None:
    for kwargs in ({"limit": 0}, {"limit": 2.0}, {"on": "2026-01-01"}):
        with pytest.raises(InvalidValue):
            index.matching(Query(), **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InvalidValue):
        index.matching(Query(start_from=date(2026, 1, 1)), undated=True)
    with pytest.raises(InvalidValue):
        index.matching("anglais")  # type: ignore[arg-type]
    assert index.matching(Query(regions=("01",))) == ()
    assert index.matching(Query(), undated=True) == ("S4",)


def test_lists_become_tuples_and_sets_are_ordered() -> None:
    query = Query(regions=["84", "11"], modalities={Modality.MIXED, Modality.DISTANCE})
    assert query.regions == ("84", "11")
    assert query.modalities == (Modality.DISTANCE, Modality.MIXED)


def test_results_are_immutable_and_say_what_they_hold(index) -> None:
    results = index.search(Query(page_size=2))
    with pytest.raises(AttributeError):
        results.total = 3  # type: ignore[misc]
    assert repr(results) == "SearchResults(total=5, page=1, hits=2, facets=[])"
    assert len(results) == 2 and list(results) == list(results.hits)


def test_a_text_without_words_filters_nothing(index) -> None:
    assert index.search(Query(text=" -- ")).total == index.search(Query()).total == 5


# -- a stateful machine: any sequence of changes keeps every answer right -----------------------

class IndexMachine(RuleBasedStateMachine):
    """Adds, removes, replaces and rates at random; after each step, a few queries answer as
    the plain filter-and-sort over the records the index should hold."""

    def __init__(self) -> None:
        super().__init__()
        self.index = CatalogIndex()
        self.offers: dict[str, Offer] = {}
        self.sessions: dict[str, Session] = {}
        self.ratings: dict[str, tuple[float, int]] = {}
        self.made = 0

    @rule(offer=fst.offers(offer_id=st.sampled_from([f"AF{i}" for i in range(6)])))
    def add_offer(self, offer: Offer) -> None:
        if offer.offer_id in self.offers:
            with pytest.raises(DuplicateEntry):
                self.index.add(offers=[offer])
        else:
            self.index.add(offers=[offer])
            self.offers[offer.offer_id] = offer

    @precondition(lambda self: bool(self.offers))
    @rule(data=st.data())
    def add_session(self, data: st.DataObject) -> None:
        offer_id = data.draw(st.sampled_from(sorted(self.offers)))
        self.made += 1
        session = data.draw(fst.sessions(offer_id=offer_id,
                                         session_id=st.just(f"S{self.made:03d}")))
        self.index.add(sessions=[session])
        self.sessions[session.session_id] = session

    @precondition(lambda self: bool(self.sessions))
    @rule(data=st.data())
    def remove_session(self, data: st.DataObject) -> None:
        gone = data.draw(st.sampled_from(sorted(self.sessions)))
        self.index.remove(session_ids=[gone])
        del self.sessions[gone]

    @precondition(lambda self: bool(self.offers))
    @rule(data=st.data())
    def replace_or_remove_offer(self, data: st.DataObject) -> None:
        chosen = data.draw(st.sampled_from(sorted(self.offers)))
        if data.draw(st.booleans()):
            new = data.draw(fst.offers(offer_id=st.just(chosen)))
            self.index.replace(offers=[new])
            self.offers[chosen] = new
        else:
            self.index.remove(offer_ids=[chosen])
            del self.offers[chosen]
            self.sessions = {k: s for k, s in self.sessions.items() if s.offer_id != chosen}

    @rule(offer_id=st.sampled_from([f"AF{i}" for i in range(6)]),
          mean=st.sampled_from((1.0, 3.5, 4.5, 5.0)), count=st.integers(0, 3))
    def rate(self, offer_id: str, mean: float, count: int) -> None:
        self.index.set_rating(offer_id, None if count == 0 else mean, count)
        self.ratings[offer_id] = (math.nan, 0) if count == 0 else (mean, count)

    @invariant()
    def answers_match_the_reference(self) -> None:
        offers, sessions = list(self.offers.values()), list(self.sessions.values())
        assert len(self.index) == len(sessions) and self.index.offer_count == len(offers)
        for query in MACHINE_QUERIES:
            assert observed(self.index.search(query)) == reference(
                offers, sessions, query, self.ratings), query


MACHINE_QUERIES = (
    Query(sort=Sort.PRICE_ASC, page_size=3, facets=("region", "formacode")),
    Query(text="anglais", sort=Sort.RATING),
    Query(text="compta", regions=("11", "84"), sort=Sort.PRICE_DESC),
    Query(start_from=date(2026, 1, 1), sort=Sort.START_DATE, page=2, page_size=2),
    Query(min_rating=4.0, eligible_only=True),
)

IndexMachine.TestCase.settings = settings(
    max_examples=30, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_the_index_machine = IndexMachine.TestCase


def test_descending_prices_with_long_runs_of_ties_count_every_match_once() -> None:
    # 1 200 sessions at three prices: the page ends inside a run the backward read cut
    offers = tuple(_offer(f"AF{k}", "Excel", TOSA, price) for k, price in
                   enumerate((900, 1000, 1100)))
    sessions = tuple(
        Session(f"S{n:05d}", f"AF{n % 3}", date(2027, 1, 1) + timedelta(days=n % 300),
                date(2027, 1, 1) + timedelta(days=n % 300), (LYON, PARIS)[n % 2])
        for n in range(1200))
    index = CatalogIndex(offers, sessions)
    for query in (Query(sort=Sort.PRICE_DESC, regions=("84",), page=3, page_size=100),
                  Query(sort=Sort.PRICE_DESC, start_from=date(2027, 3, 1), page_size=7),
                  Query(sort=Sort.PRICE_ASC, start_from=date(2027, 3, 1), page=5)):
        assert observed(index.search(query)) == reference(offers, sessions, query), query


@st.composite
def large_catalogs(draw: st.DrawFn) -> tuple[tuple[Offer, ...], tuple[Session, ...]]:
    """Hundreds of sessions on few offers, prices, days and places: sorted postings are read
    in order here (the walks start above 512 candidates), with long runs of ties."""
    offers = tuple(draw(fst.offers(offer_id=st.just(f"AF{k}"))) for k in range(draw(
        st.integers(2, 5))))
    random = Random(draw(st.integers(0, 2**32)))  # varied even in the simplest examples
    places = [None, LYON, PARIS, NICE, Place("13", "93", "Marseille", None, 43.30, 5.37)]
    days = [None] + [date(2026, 1, 1) + timedelta(days=7 * k) for k in range(60)]
    prices = [None, Euros(50_000), Euros(99_900), Euros(150_000)]
    sessions = []
    for n in range(draw(st.integers(550, 1400))):
        day = random.choice(days)
        sessions.append(Session(f"S{random.randrange(10**6):06d}-{n}",
                                random.choice(offers).offer_id, day, day,
                                random.choice(places), None, random.choice(prices)))
    return offers, tuple(sessions)


@given(large_catalogs(), st.builds(
    Query,
    regions=st.sampled_from(((), ("84",), ("11", "93"))),
    start_from=st.none() | st.sampled_from((date(2026, 3, 1), date(2026, 9, 1))),
    price_max=st.none() | st.sampled_from((Euros(99_900), Euros(150_000))),
    modalities=st.sampled_from(((), (Modality.IN_PERSON,))),
    sort=st.sampled_from((Sort.PRICE_DESC, Sort.START_DATE, Sort.PRICE_ASC)),
    page=st.integers(1, 4), page_size=st.sampled_from((1, 7, 20, 100))))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.data_too_large,
                                                                 HealthCheck.large_base_example])
def test_reading_sorted_postings_in_order_answers_like_the_reference(catalog, query) -> None:
    offers, sessions = catalog
    index = CatalogIndex(offers, sessions)
    assert observed(index.search(query)) == reference(offers, sessions, query)


@given(large_catalogs(), st.lists(fst.queries(max_page=2), min_size=1, max_size=3),
       st.integers(0, 2**32))
@settings(max_examples=25, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
def test_postings_cut_in_tiny_blocks_stay_right_through_changes(catalog, queries, seed) -> None:
    # blocks of 2 to 4 entries: every insertion and deletion splits or drops blocks
    offers, sessions = catalog
    random = Random(seed)
    with mock.patch.object(_postings, "BLOCK", 2):
        kept = list(sessions)
        random.shuffle(kept)
        index = CatalogIndex(offers, kept[: len(kept) // 2])
        index.add(sessions=kept[len(kept) // 2:])
        gone = random.sample([s.session_id for s in kept], len(kept) // 3)
        index.remove(session_ids=gone)
        left = [s for s in kept if s.session_id not in set(gone)]
        for query in queries:
            assert observed(index.search(query)) == reference(offers, left, query), query


def test_matching_with_a_limit_is_the_start_of_every_match_on_a_synthetic_catalogue() -> None:
    # a common word leaves far more sessions than the limit: they are then read in start order
    offers, sessions = synthetic_catalog(3000, seed=11)
    index = CatalogIndex(offers, sessions)
    for query in (
        Query(text="anglais", sort=Sort.START_DATE),
        Query(text="anglais", modalities=(Modality.DISTANCE,), price_max=Euros.whole(1800),
              start_from=date(2026, 6, 1), start_until=date(2027, 6, 1), sort=Sort.START_DATE),
        Query(text="excel tos", regions=("11", "84"), sort=Sort.START_DATE),
        Query(text="formation", eligible_only=True, sort=Sort.START_DATE),
        Query(text="anglais", sort=Sort.PRICE_DESC),
        # a price few sessions have: reading in start order gives up, every session is filtered
        Query(text="anglais", price_min=Euros.whole(2500), sort=Sort.START_DATE),
    ):
        every = index.matching(query)
        assert list(every) == _ordered_ids(offers, sessions, query)
        for limit in (1, 7, 50, 200):
            assert index.matching(query, limit=limit) == every[:limit], (query, limit)
