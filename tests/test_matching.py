"""Matching offers to a holder's needs: places, reasons, ranking, and never an unbookable offer.

Rules behind the reasons: cpf-rules.md section 4 (the flat participation: 103,20 € in 2026),
section 5 (at least 11 business days between the proposal and the start), section 6 (employer
consent 60 days before the start, none outside working time), section 7 (eligibility), section 8
(ratings).
"""

from __future__ import annotations

import functools
import random
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formation.accounts import Account
from formation.calendar.business_days import BusinessCalendar
from formation.catalog.eligibility import eligibility_violations
from formation.catalog.offers import (
    Certification,
    Modality,
    Offer,
    Organism,
    Place,
    QualiopiCertification,
    Registry,
    Session,
)
from formation.errors import InvalidValue
from formation.examples import EXAMPLE_RESOURCES
from formation.ids import (
    AccountId,
    BookingId,
    EntryId,
    HolderId,
    OfferId,
    OrganismId,
    ReviewId,
    SessionId,
)
from formation.learning import LearningResource, ResourceId, ResourceIndex
from formation.matching import (
    DEFAULT_WEIGHTS,
    Fit,
    Needs,
    Period,
    Point,
    RankingWeights,
    Recommendation,
    Recommendations,
    ResourceMatch,
    distance_km,
    locate,
    match_resources,
    recommend,
)
from formation.money import Euros
from formation.reviews import FolderView, RatingSummary, ReviewBook, Scores
from formation.rules.actions import ActionType
from formation.rules.funders import Funder
from formation.rules.rulebook import Rulebook
from formation.search import CatalogIndex
from formation.testing import strategies as fst
from formation.testing._reviews import needs as needs_strategy
from formation.testing.catalog import synthetic_catalog, synthetic_ratings
from formation.text import words

ON = date(2026, 3, 2)  # a Monday; 11 business days later is 2026-03-17
LYON = Point(45.764, 4.8357, "Lyon")
SIRET = "78959578200051"
QUALIOPI = QualiopiCertification(date(2022, 1, 1), date(2029, 12, 31))
TOSA = Certification(Registry.RS, "5252", "TOSA Excel", None, date(2029, 12, 31))


def offer(offer_id: str = "O1", *, price: int = 900, modality: Modality = Modality.IN_PERSON,
          title: str = "Excel - certification TOSA", formacodes: tuple[str, ...] = ("70322",),
          qualiopi: QualiopiCertification | None = QUALIOPI,
          action: ActionType = ActionType.RS) -> Offer:
    return Offer(OfferId(offer_id), Organism(SIRET, "FORMA", qualiopi=qualiopi), title,
                 TOSA if action is ActionType.RS else None, formacodes, Euros.whole(price), 21,
                 modality, action)


def session(session_id: str, offer_id: str = "O1", *, start: date | None = date(2026, 3, 23),
            days: int = 4, km_east: float | None = 12.0, seats: int | None = 5,
            department: str = "69") -> Session:
    place = None
    if km_east is not None:
        place = Place(department, "84", "Lyon", "69003", LYON.latitude,
                      LYON.longitude + km_east / 77.7)
    end = None if start is None else start + timedelta(days=days)
    return Session(SessionId(session_id), OfferId(offer_id), start, end, place, seats)


def index_of(offers: list[Offer], sessions: list[Session]) -> CatalogIndex:
    return CatalogIndex(offers, sessions)


def codes(found: Recommendation) -> list[str]:
    return [r.code for r in found.reasons]


def texts(found: Recommendation, lang: str = "en") -> list[str]:
    return [r.text(lang) for r in found.reasons]


# -- places -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "town"), [
    ("69003", "Lyon"), ("75001", "Paris"), ("06000", "Nice"), ("20000", "Ajaccio"),
    ("20200", "Bastia"), ("20600", "Bastia"), ("97400", "Saint-Denis"), ("01000", "Bourg-en-Bresse"),
])
def test_a_postcode_is_placed_at_its_departments_chief_town(text: str, town: str) -> None:
    # INSEE code officiel géographique: chief towns; La Poste: 200xx-201xx Corse-du-Sud
    assert locate(text).label == f"{text} → {town}"


def test_coordinates_are_read_as_they_are() -> None:
    point = locate(" 45.76 , 4.84 ")
    assert (point.latitude, point.longitude) == (45.76, 4.84)
    assert locate("-21.1;55.5").latitude == -21.1


@pytest.mark.parametrize("bad", ["9900", "99000", "98000", "lyon", "45.7", "91,200", ""])
def test_an_unknown_place_is_refused(bad: str) -> None:
    with pytest.raises(InvalidValue):
        locate(bad)


def test_distances_are_great_circle_kilometres() -> None:
    assert round(distance_km(locate("75001"), locate("69001"))) == 392
    assert distance_km(LYON, LYON) == 0


# -- needs --------------------------------------------------------------------------------


def test_needs_split_formacodes_from_words() -> None:
    needs = Needs(themes=("70322", "excel avancé"))
    assert needs.formacodes == ("70322",) and needs.words == ("excel avancé",)


@pytest.mark.parametrize("kwargs", [
    {"themes": ()}, {"themes": ("",)}, {"themes": ("x",), "radius_km": 0},
    {"themes": ("x",), "budget": 100}, {"themes": ("x",), "budget": Euros(-1)},
    {"themes": ("x",), "near": LYON, "distance_only": True},
    {"themes": ("x",), "free_periods": ((ON, ON),)},
    {"themes": ("x",), "outside_working_time": 1},
])
def test_bad_needs_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidValue):
        Needs(**kwargs)  # type: ignore[arg-type]


def test_a_period_ends_after_it_starts() -> None:
    with pytest.raises(InvalidValue):
        Period(date(2026, 5, 2), date(2026, 5, 1))


# -- reasons (the examples) --------------------------------------------------------


def test_the_reasons_of_a_good_match() -> None:
    index = index_of([offer()], [session("S1")])
    book = ReviewBook(listener=lambda o, _, s: index.set_rating(o, s.mean(), s.count,
                                                                s.ranking_score))
    at = datetime(2026, 2, 1, tzinfo=timezone.utc)
    for i in range(230):  # 138 × 5 and 92 × 4: a mean of 4.6 exactly
        folder = FolderView(BookingId(f"F{i}"), HolderId(f"h{i}"), OfferId("O1"),
                            OrganismId(SIRET), "serviceDoneValidated")
        book.write(folder, author=folder.holder_id, review_id=ReviewId(f"R{i}"),
                   scores=Scores.uniform(5 if i < 138 else 4), at=at)
    needs = Needs(themes=("70322",), near=LYON, radius_km=30, budget=Euros.whole(150))
    (found,) = recommend(needs, Euros.whole(2000), index, on=ON)
    assert found.bookable and found.session.session_id == "S1"
    assert texts(found) == [
        "starts in 3 weeks, 12 km away",
        "outside working time: no employer consent needed",
        "fully covered by your rights except the participation (103,20 €)",
        "rated 4.6 by 230 holders",
    ]
    assert texts(found, "fr")[3] == "noté 4,6 par 230 titulaires"
    assert found.rating_mean == Fraction(23, 5) and found.rating_count == 230
    assert found.plan is not None and found.plan.card_payment == Euros(10320)
    assert round(found.distance_km or 0) == 12


def test_a_job_seeker_pays_nothing() -> None:
    # décret 2024-394: job seekers are exempt from the participation
    index = index_of([offer()], [session("S1")])
    needs = Needs(themes=("excel",), near=LYON, job_seeker=True)
    (found,) = recommend(needs, Euros.whole(2000), index, on=ON)
    assert "funding.fully_covered" in codes(found)
    assert found.component("cost") == 1.0


def test_during_working_time_the_employer_is_asked_in_time() -> None:
    # Code du travail R6323-4: 60 days before the start
    index = index_of([offer()], [session("soon"), session("later", start=date(2026, 6, 1))])
    needs = Needs(themes=("excel",), near=LYON, outside_working_time=False,
                  budget=Euros.whole(200))
    found = recommend(needs, Euros.whole(2000), index, on=ON, include_unbookable=True)
    by_id = {r.session.session_id: r for r in found}
    assert by_id["later"].bookable
    assert "during working time: ask your employer's consent by 2026-04-02" in texts(
        by_id["later"])
    assert not by_id["soon"].bookable
    assert [r.code for r in by_id["soon"].blocking] == ["consent.too_late"]
    assert [r.session.session_id for r in recommend(needs, Euros.whole(2000), index, on=ON)] == [
        "later"]


def test_a_session_starting_before_the_minimum_lead_time_is_not_bookable() -> None:
    # 11 business days between the proposal and the start (since 10 June 2021)
    index = index_of([offer()], [session("S1", start=date(2026, 3, 16)),
                                 session("S2", start=date(2026, 3, 17))])
    needs = Needs(themes=("excel",), near=LYON, budget=Euros.whole(200))
    assert BusinessCalendar().add_business_days(ON, 11) == date(2026, 3, 17)
    found = recommend(needs, Euros.whole(2000), index, on=ON, include_unbookable=True)
    assert [(r.session.session_id, r.bookable) for r in found] == [("S2", True), ("S1", False)]
    assert found[1].blocking[0].code == "dates.too_soon"


def test_full_ineligible_over_budget_and_busy_sessions_are_marked() -> None:
    offers = [offer(), offer("O2", qualiopi=None), offer("O3", price=3000)]
    sessions = [session("full", seats=0), session("nocert", "O2"), session("dear", "O3"),
                session("busy", start=date(2026, 9, 7))]
    index = index_of(offers, sessions)
    needs = Needs(themes=("excel",), near=LYON, budget=Euros.whole(500),
                  free_periods=(Period(date(2026, 3, 1), date(2026, 6, 30)),))
    assert recommend(needs, Euros.whole(1000), index, on=ON) == ()
    found = recommend(needs, Euros.whole(1000), index, on=ON, include_unbookable=True)
    blocking = {r.session.session_id: [b.code for b in r.blocking] for r in found}
    assert blocking == {
        "full": ["session.full"],
        "nocert": ["eligibility.qualiopi_missing"],
        "dear": ["funding.over_budget"],
        "busy": ["dates.not_free"],
    }
    assert all(not r.bookable for r in found)


def test_the_platforms_own_listing_is_trusted_for_qualiopi_when_asked() -> None:
    index = index_of([offer(qualiopi=None)], [session("S1")])
    needs = Needs(themes=("excel",), near=LYON, budget=Euros.whole(200))
    assert recommend(needs, Euros.whole(2000), index, on=ON) == ()
    (found,) = recommend(needs, Euros.whole(2000), index, on=ON, trust_listing=True)
    assert found.bookable and "eligibility.qualiopi_missing" in codes(found)
    assert found.reasons[0].fit is Fit.NOTE


def test_places_and_distance_learning() -> None:
    offers = [offer(), offer("O2", modality=Modality.DISTANCE)]
    sessions = [session("near"), session("far", km_east=60.0), session("online", "O2",
                                                                       km_east=None)]
    index = index_of(offers, sessions)

    def ids(**kwargs: object) -> list[str]:
        needs = Needs(themes=("excel",), budget=Euros.whole(200), **kwargs)  # type: ignore[arg-type]
        return sorted(r.session.session_id for r in recommend(needs, Euros.whole(2000), index,
                                                              on=ON))

    assert ids(near=LYON, radius_km=30) == ["near", "online"]
    assert ids(near=LYON, radius_km=30, accept_distance=False) == ["near"]
    assert ids(near=LYON, radius_km=100, accept_distance=False) == ["far", "near"]
    assert ids(distance_only=True) == ["online"]
    assert ids() == ["far", "near", "online"]


def test_a_session_without_coordinates_is_placed_at_its_departments_chief_town() -> None:
    place = Place("69", "84")
    sessions = [Session(SessionId("S1"), OfferId("O1"), date(2026, 4, 6), date(2026, 4, 9),
                        place)]
    index = index_of([offer()], sessions)
    needs = Needs(themes=("excel",), near=locate("69007"), budget=Euros.whole(200))
    (found,) = recommend(needs, Euros.whole(2000), index, on=ON)
    assert "in Rhône (0 km from its chief town)" in texts(found)[0]
    far = Needs(themes=("excel",), near=locate("38000"), radius_km=50, budget=Euros.whole(200))
    assert recommend(far, Euros.whole(2000), index, on=ON) == ()  # Grenoble–Lyon is ~95 km


def test_sessions_without_dates_are_recommended_with_a_note() -> None:
    index = index_of([offer()], [session("S1", start=None)])
    needs = Needs(themes=("excel",), near=LYON, budget=Euros.whole(200),
                  free_periods=(Period(date(2026, 4, 1), date(2026, 5, 1)),))
    (found,) = recommend(needs, Euros.whole(2000), index, on=ON)
    assert found.reasons[0].code == "dates.unpublished"
    assert found.component("start") == 0.5


def test_an_account_pays_with_its_rights_and_top_ups() -> None:
    account = Account(AccountId("A1"), HolderId("H1"))
    account.credit(EntryId("2025"), Euros.whole(500), date(2026, 1, 15), year=2025)
    account.top_up(EntryId("region"), Funder.REGION, Euros.whole(600), date(2026, 2, 1))
    index = index_of([offer(price=1000)], [session("S1")])
    needs = Needs(themes=("excel",), near=LYON, budget=Euros.whole(200))
    (found,) = recommend(needs, account, index, on=ON)
    assert found.plan is not None
    assert found.plan.rights_used + found.plan.top_ups_used == Euros.whole(1000) - Euros(10320)
    assert found.plan.top_ups_used.cents > 0


# -- ranking ------------------------------------------------------------------------------


def test_the_score_is_the_weighted_mean_of_its_components() -> None:
    offers, sessions = synthetic_catalog(400, seed=5)
    index = index_of(list(offers), list(sessions))
    needs = Needs(themes=("anglais", "excel"), budget=Euros.whole(500))
    weights = RankingWeights(rating=2, cost=5, distance=0, start=3, theme=1)
    found = recommend(needs, Euros.whole(1500), index, on=ON, weights=weights, limit=20)
    assert found
    for r in found:
        parts = dict(r.components)
        expected = sum(getattr(weights, k) * v for k, v in parts.items()) / 11
        assert r.score == round(expected, 9)
        assert all(0.0 <= v <= 1.0 for v in parts.values())
    scores = [r.score for r in found]
    assert scores == sorted(scores, reverse=True)


def test_weights_decide_the_order() -> None:
    offers = [offer(), offer("O2", price=1800)]
    sessions = [session("cheap-late", start=date(2026, 9, 7)),
                session("dear-soon", "O2", start=date(2026, 3, 23))]
    index = index_of(offers, sessions)
    needs = Needs(themes=("excel",), near=LYON, budget=Euros.whole(1000))
    by_cost = recommend(needs, Euros.whole(1000), index, on=ON,
                        weights=RankingWeights(rating=0, cost=1, distance=0, start=0, theme=0))
    by_start = recommend(needs, Euros.whole(1000), index, on=ON,
                         weights=RankingWeights(rating=0, cost=0, distance=0, start=1, theme=0))
    assert [r.session.session_id for r in by_cost] == ["cheap-late", "dear-soon"]
    assert [r.session.session_id for r in by_start] == ["dear-soon", "cheap-late"]


def test_the_rating_component_uses_the_bayesian_average() -> None:
    # two five-star reviews do not outrank two hundred averaging 4.7 (cpf-rules.md section 8)
    offers = [offer(), offer("O2")]
    sessions = [session("few"), session("many", "O2")]
    index = index_of(offers, sessions)
    ratings = {OfferId("O1"): RatingSummary.of([Scores.uniform(5)] * 2),
               OfferId("O2"): RatingSummary.of([Scores.uniform(5)] * 140
                                               + [Scores.uniform(4)] * 60)}
    needs = Needs(themes=("excel",), near=LYON, budget=Euros.whole(200))
    found = recommend(needs, Euros.whole(2000), index, on=ON, ratings=ratings,
                      weights=RankingWeights(rating=1, cost=0, distance=0, start=0, theme=0))
    assert [r.session.session_id for r in found] == ["many", "few"]


def test_bad_arguments_are_refused() -> None:
    index = index_of([offer()], [session("S1")])
    needs = Needs(themes=("excel",))
    for kwargs in ({"limit": 0}, {"max_candidates": 0}, {"weights": {}}, {"prior": 4}):
        with pytest.raises(InvalidValue):
            recommend(needs, Euros(0), index, on=ON, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InvalidValue):
        recommend(needs, Euros(0), index, on=datetime(2026, 3, 2, tzinfo=timezone.utc))
    with pytest.raises(InvalidValue):
        RankingWeights(0, 0, 0, 0, 0)


# -- properties on random catalogues ------------------------------------------------------

CATALOGUE = synthetic_catalog(1500, seed=11)
INDEX = CatalogIndex(*CATALOGUE)
for _offer_id, _rating in synthetic_ratings(CATALOGUE[0], seed=11).items():
    if _rating.count:
        INDEX.set_rating(_offer_id, _rating.mean, _rating.count)
OFFERS = {o.offer_id: o for o in CATALOGUE[0]}
CODES = tuple(sorted({o.formacodes[0] for o in CATALOGUE[0]}))[:60]
WORDS = ("anglais", "excel", "comptabilite", "permis", "bilan", "python", "vae", "word")
SESSION_POINTS = st.sampled_from(sorted(
    (s.place.latitude, s.place.longitude) for s in CATALOGUE[1]
    if s.place is not None and s.place.latitude is not None and s.place.longitude is not None
)).map(lambda ll: Point(ll[0], ll[1]))
NEEDS = needs_strategy(formacodes=CODES, words=WORDS, near=SESSION_POINTS,
                       max_budget_cents=400_000)
DAYS = st.dates(date(2025, 12, 1), date(2027, 6, 30))
BALANCES = st.sampled_from([0, 50_000, 150_000, 300_000, 500_000, 1_000_000]).map(Euros)


def _really_bookable(r: Recommendation, needs: Needs, balance: Euros, on: date) -> list[str]:
    """What an independent check finds wrong with a recommendation said to be bookable."""
    wrong = []
    s, o = r.session, r.offer
    rules = Rulebook.default().at(on)
    earliest = BusinessCalendar().add_business_days(on, rules.minimum_lead_business_days or 0)
    if s.full:
        wrong.append("full")
    if eligibility_violations(o, s.start or on):
        wrong.append("ineligible")
    if s.start is not None and s.end is not None:
        if s.start < earliest:
            wrong.append("past or too soon")
        if needs.free_periods and not any(p.covers(s.start, s.end) for p in needs.free_periods):
            wrong.append("not free")
    if r.plan is None or r.plan.card_payment > needs.budget:
        wrong.append("over budget")
    if r.plan is not None and r.plan.price != s.price_of(o):
        wrong.append("wrong price")
    if s.place is not None and o.modality is not Modality.DISTANCE:
        if needs.distance_only:
            wrong.append("not at a distance")
        elif needs.near is not None and (r.distance_km is None
                                          or r.distance_km > needs.radius_km):
            wrong.append("too far")
    elif needs.near is not None and not needs.accept_distance:
        wrong.append("at a distance")
    return wrong


@settings(max_examples=150, deadline=None)
@given(NEEDS, BALANCES, DAYS)
def test_a_recommendation_never_includes_an_offer_the_holder_cannot_book(
    needs: Needs, balance: Euros, on: date,
) -> None:
    found = recommend(needs, balance, INDEX, on=on, limit=15)
    assert all(r.bookable and not r.blocking for r in found)
    for r in found:
        assert _really_bookable(r, needs, balance, on) == [], (r.session, r.reasons)


@settings(max_examples=25, deadline=None)
@given(NEEDS, BALANCES, DAYS)
def test_unbookable_offers_come_last_each_with_its_reason(
    needs: Needs, balance: Euros, on: date,
) -> None:
    found = recommend(needs, balance, INDEX, on=on, limit=8, include_unbookable=True)
    flags = [r.bookable for r in found]
    assert flags == sorted(flags, reverse=True)
    for r in found:
        if r.bookable:
            assert not r.blocking and _really_bookable(r, needs, balance, on) == []
        else:
            assert r.blocking and all(b.fit is Fit.SHORT for b in r.blocking)
    bookable = [r for r in found if r.bookable]
    assert bookable == list(recommend(needs, balance, INDEX, on=on, limit=8))[:len(bookable)]


@settings(max_examples=25, deadline=None)
@given(NEEDS, BALANCES, DAYS, st.integers(1, 6))
def test_the_best_k_are_the_first_k_of_the_best_n(
    needs: Needs, balance: Euros, on: date, k: int,
) -> None:
    # the pruning by best possible score never changes the result
    many = recommend(needs, balance, INDEX, on=on, limit=40, max_candidates=None)
    few = recommend(needs, balance, INDEX, on=on, limit=k, max_candidates=None)
    assert few == many[:k]


@settings(max_examples=10, deadline=None)
@given(NEEDS, DAYS, st.integers(0, 2**32))
def test_the_ranking_is_deterministic_whatever_the_insertion_order(
    needs: Needs, on: date, seed: int,
) -> None:
    rng = random.Random(seed)
    offers, sessions = list(CATALOGUE[0]), list(CATALOGUE[1])
    rng.shuffle(offers)
    rng.shuffle(sessions)
    other = CatalogIndex(offers, sessions)
    for offer_id in OFFERS:
        mean, count = INDEX.rating(offer_id)
        if count:
            other.set_rating(offer_id, mean, count)
    first = recommend(needs, Euros.whole(1500), INDEX, on=on)
    assert recommend(needs, Euros.whole(1500), INDEX, on=on) == first
    assert recommend(needs, Euros.whole(1500), other, on=on) == first


def test_the_default_weights_are_documented() -> None:
    assert DEFAULT_WEIGHTS.as_mapping() == {"rating": 3, "cost": 3, "distance": 2, "start": 1,
                                            "theme": 1}


def test_a_review_is_seen_by_the_search_without_a_rebuild() -> None:
    from formation.search import Query, Sort

    index = index_of([offer(), offer("O2")], [session("S1"), session("S2", "O2")])
    book = ReviewBook.feeding(index)
    query = Query(text="excel", min_rating=4.5, sort=Sort.RATING)
    assert index.search(query).total == 0
    folder = FolderView(BookingId("F1"), HolderId("h1"), OfferId("O2"), OrganismId(SIRET),
                        "terminated")
    book.write(folder, author=HolderId("h1"), review_id=ReviewId("R1"),
               scores=Scores(5, 5, 4, 5, 5), at=datetime(2026, 2, 1, tzinfo=timezone.utc))
    assert [h.session.session_id for h in index.search(query).hits] == ["S2"]
    book.correct(folder, author=HolderId("h1"), scores=Scores.uniform(3),
                 at=datetime(2026, 2, 2, tzinfo=timezone.utc))
    assert index.search(query).total == 0
    assert index.rating(OfferId("O2")) == (3.0, 1)


@functools.cache
def _larger_index() -> CatalogIndex:
    offers, sessions = synthetic_catalog(20_000, seed=3)
    index = CatalogIndex(offers, sessions)
    for offer_id, rating in synthetic_ratings(offers, seed=3).items():
        if rating.count:
            index.set_rating(offer_id, rating.mean, rating.count)
    return index


@pytest.mark.parametrize("themes", [("anglais",), ("excel", "anglais"), (CODES[0], "permis")])
def test_stopping_a_search_early_never_changes_the_result(themes: tuple[str, ...]) -> None:
    # broad needs over a larger catalogue: searches return many pages, and recommend stops
    # reading one when no later session can enter the result; the exhaustive evaluation
    # (include_unbookable, which reads everything) must rank the same bookable sessions first
    index = _larger_index()
    needs = Needs(themes=themes, budget=Euros.whole(400))
    best = recommend(needs, Euros.whole(2500), index, on=ON, limit=5, max_candidates=None)
    everything = recommend(needs, Euros.whole(2500), index, on=ON, limit=10_000,
                           include_unbookable=True, max_candidates=None)
    assert len(best) == 5
    assert best == tuple(r for r in everything if r.bookable)[:5]


# -- learning resources beside the funded sessions ----------------------------------------


TOSA = Certification(Registry.RS, "5252", "Tosa Excel")
FREE = Euros(0)
FREE = Euros(0)


def resource(number: int, codes: tuple[str, ...] = ("70322",), hours: int = 12,
             cost: Euros = FREE, certification: Certification | None = None,
             title: str = "Excel pas à pas") -> LearningResource:
    return LearningResource(ResourceId(f"R{number}"), title, "Cours ouvert",
                            f"https://example.org/{number}", codes, hours, cost, certification)


def test_a_learning_resource_checks_its_fields() -> None:
    with pytest.raises(InvalidValue, match="url"):
        LearningResource(ResourceId("R"), "T", "P", "ftp://x", ("70322",), 3)
    with pytest.raises(InvalidValue, match="effort_hours"):
        resource(1, hours=0)
    with pytest.raises(InvalidValue, match="Formacodes"):
        resource(1, codes=("7032",))
    with pytest.raises(InvalidValue, match="cost"):
        resource(1, cost=Euros(-1))
    with pytest.raises(InvalidValue, match="twice"):
        ResourceIndex([resource(1), resource(1)])
    assert resource(1).free and not resource(2, cost=Euros(100)).free


def test_needs_say_the_hours_a_week_or_nothing() -> None:
    assert Needs(themes=("excel",)).hours_per_week is None
    for bad in (0, 169, 2.5, True):
        with pytest.raises(InvalidValue, match="hours_per_week"):
            Needs(themes=("excel",), hours_per_week=bad)  # type: ignore[arg-type]


def test_recommend_lists_the_free_resources_beside_the_funded_sessions() -> None:
    index = index_of([offer()], [session("S1")])
    needs = Needs(themes=("70322",), near=LYON, budget=Euros.whole(150), hours_per_week=5)
    found = recommend(needs, Euros.whole(2000), index, on=ON, resources=[
        resource(1, hours=12), resource(2, hours=40, certification=TOSA),
        resource(3, codes=("15234",)), resource(4, cost=Euros.whole(200))])
    assert isinstance(found, Recommendations)
    (paid,) = found
    assert paid.session.session_id == "S1" and found.sessions == (paid,)
    assert [m.resource.resource_id for m in found.resources] == ["R2", "R1"]
    certified, plain = found.resources
    assert (certified.effort_hours, certified.weeks, certified.cost) == (40, 8, Euros(0))
    assert certified.certification == TOSA and plain.weeks == 3
    assert [r.en for r in certified.reasons] == [
        "about 40 h of effort: 8 weeks at 5 h a week",
        "free: your CPF rights stay untouched",
        "can lead to the certification RS5252 (Tosa Excel), taken apart",
        f'against "{paid.offer.title}", 21 h: 796,80 € of rights and 103,20 € by card',
    ]
    assert "8 semaines à 5 h par semaine" in certified.explain("fr")


def test_resources_are_found_by_words_and_fit_the_budget_even_without_a_session() -> None:
    index = index_of([offer()], [session("S1")])
    needs = Needs(themes=("tableaux croisés",), budget=Euros.whole(20))
    pool = ResourceIndex([resource(1, title="Tableaux croisés dynamiques", codes=("15234",)),
                          resource(2, title="Tableaux simples"),
                          resource(3, title="Les tableaux croisés", cost=Euros.whole(15)),
                          resource(4, title="Tableaux croisés avancés", cost=Euros.whole(25))])
    found = recommend(needs, Euros.whole(2000), index, on=ON, resources=pool)
    assert found == ()  # no session has these words
    assert [m.resource.resource_id for m in found.resources] == ["R1", "R3"]
    assert found.resources[0].weeks is None
    assert [r.code for r in found.resources[1].reasons] == [
        "resource.effort", "resource.cost", "resource.no_certification"]


def test_recommendations_stay_a_tuple_and_cannot_be_changed() -> None:
    found = Recommendations((), [])
    assert found == () and found.resources == ()
    with pytest.raises(AttributeError):
        found.resources = ()  # type: ignore[misc]


@settings(max_examples=200, deadline=None)
@given(st.lists(fst.learning_resources(), max_size=30, unique_by=lambda r: r.resource_id),
       st.lists(st.one_of(fst.resource_formacodes(), fst.resource_words(),
                          st.just("excel avancé"), st.just("anglais")), min_size=1, max_size=3),
       st.sampled_from((0, 500, 3000, 10_000)), st.one_of(st.none(), st.integers(1, 40)),
       st.integers(1, 6))
def test_the_matched_resources_are_the_best_of_a_plain_scan(
        pool: list[LearningResource], themes: list[str], budget: int, per_week: int | None,
        limit: int) -> None:
    needs = Needs(themes=tuple(themes), budget=Euros(budget), hours_per_week=per_week)
    found = match_resources(needs, pool, limit=limit)
    wanted = set(needs.formacodes)

    def fits(r: LearningResource) -> bool:
        title = set(words(r.title))
        return (bool(wanted & set(r.formacodes))
                or any(set(words(w)) <= title for w in needs.words)) and r.cost <= needs.budget
    expected = sorted((r for r in pool if fits(r)), key=lambda r: (
        not (r.formacodes and r.formacodes[0] in wanted), r.certification is None, r.cost,
        r.effort_hours, r.resource_id))[:limit]
    assert [m.resource for m in found] == expected
    for match in found:
        assert isinstance(match, ResourceMatch)
        assert match.theme == (1.0 if match.resource.formacodes
                               and match.resource.formacodes[0] in wanted else 0.5)
        assert match.weeks == (None if per_week is None
                               else -(-match.effort_hours // per_week))


def test_the_example_resources_are_labelled_as_examples() -> None:
    for example in EXAMPLE_RESOURCES:
        assert "(exemple)" in example.title and example.provider.startswith("Exemple")
        assert example.url.startswith("https://example.org/")
