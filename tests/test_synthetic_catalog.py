"""The synthetic catalogue: deterministic for a seed, and shaped like the reference generator.

Reference: ``shared/bench/gen_catalog.py`` (18 regions weighted by population, about 200
Formacodes, 1 to 6 sessions an offer, dates 2026–2028, prices 80–15 000 € skewed right).
"""

from __future__ import annotations

import collections
import statistics
import subprocess
import sys
from datetime import date

import pytest

from formation import ActionType, Modality, Registry
from formation.catalog.geography import department, region
from formation.catalog.offers import is_valid_siret
from formation.errors import InvalidValue
from formation.testing import synthetic_catalog, synthetic_ratings

N = 4000
OFFERS, SESSIONS = synthetic_catalog(N, seed=11)
BY_ID = {o.offer_id: o for o in OFFERS}


def test_the_catalogue_has_exactly_n_sessions_and_every_offer_has_one_to_six() -> None:
    assert len(SESSIONS) == N
    per_offer = collections.Counter(s.offer_id for s in SESSIONS)
    assert set(per_offer) == set(BY_ID)
    assert min(per_offer.values()) >= 1
    assert max(per_offer.values()) <= 6


@pytest.mark.parametrize("n", [0, 1, 2, 7, 100])
def test_small_catalogues_have_exactly_n_sessions(n: int) -> None:
    offers, sessions = synthetic_catalog(n, seed=3)
    assert len(sessions) == n
    assert {s.offer_id for s in sessions} == {o.offer_id for o in offers}


def test_the_same_seed_gives_equal_catalogues_and_another_seed_another() -> None:
    assert synthetic_catalog(N, seed=11) == (OFFERS, SESSIONS)
    assert synthetic_catalog(N, seed=12) != (OFFERS, SESSIONS)


def test_the_catalogue_is_the_same_in_another_process_with_another_hash_seed() -> None:
    code = ("from formation.testing import synthetic_catalog, synthetic_ratings\n"
            "o, s = synthetic_catalog(300, seed=5)\n"
            "print(repr((o[-1], s[-1], sorted(synthetic_ratings(o, 5).items())[:3])))\n")
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={"PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


def test_ids_are_unique() -> None:
    assert len({s.session_id for s in SESSIONS}) == N
    assert len(BY_ID) == len(OFFERS)


def test_every_siret_passes_the_check_digit() -> None:
    assert all(is_valid_siret(o.organism.siret) for o in OFFERS)


def test_places_are_real_departments_of_their_region_and_distance_offers_have_none() -> None:
    for session in SESSIONS:
        offer = BY_ID[session.offer_id]
        if offer.modality is Modality.DISTANCE:
            assert session.place is None
        else:
            assert session.place is not None
            assert department(session.place.department).region == session.place.region
            assert session.place.latitude is not None


def test_regions_follow_population_ile_de_france_first_and_all_eighteen_present() -> None:
    _, sessions = synthetic_catalog(30_000, seed=2)
    counts = collections.Counter(s.place.region for s in sessions if s.place is not None)
    assert len(counts) == 18
    assert counts.most_common(1)[0][0] == region("Île-de-France").code
    assert counts["11"] > 5 * counts["94"]  # 12.3 million against 0.35 (INSEE 2023)


def test_about_two_hundred_formacodes_in_a_large_catalogue() -> None:
    offers, _ = synthetic_catalog(30_000, seed=2)
    codes = {c for o in offers for c in o.formacodes}
    assert 150 <= len(codes) <= 230


def test_dates_fall_in_2026_to_2028_and_end_after_start() -> None:
    for session in SESSIONS:
        assert session.start is not None and session.end is not None
        assert date(2026, 1, 1) <= session.start <= session.end <= date(2028, 12, 31)


def test_prices_are_skewed_right_between_80_and_15000_euros() -> None:
    prices = [o.price.cents for o in OFFERS]
    assert min(prices) >= 8000
    assert max(prices) <= 1_500_000
    assert statistics.mean(prices) > statistics.median(prices)
    within = sum(50_000 <= p <= 300_000 for p in prices) / len(prices)
    assert within > 0.5


def test_some_sessions_have_their_own_price_different_from_the_offer() -> None:
    own = [s for s in SESSIONS if s.price is not None]
    assert 0.05 < len(own) / N < 0.3
    assert all(s.price != BY_ID[s.offer_id].price for s in own)


@pytest.mark.parametrize(("word", "action"), [
    ("Bilan de compétences", ActionType.SKILLS_ASSESSMENT),
    ("VAE", ActionType.VAE),
    ("Permis B", ActionType.DRIVING_LICENCE_LIGHT),
    ("Permis CE", ActionType.DRIVING_LICENCE_HEAVY),
])
def test_action_types_follow_the_theme(word: str, action: ActionType) -> None:
    # cpf-rules.md 7.1: bilan, VAE and driving licences are action types of their own
    matching = [o for o in OFFERS if word in o.title and not (word == "Permis C" and "CE" in o.title)]
    assert matching
    assert {o.action_type for o in matching} == {action}


def test_certifying_offers_carry_a_certification_of_the_matching_registry() -> None:
    for offer in OFFERS:
        if offer.action_type is ActionType.RS:
            assert offer.certification is not None
            assert offer.certification.registry is Registry.RS
        elif offer.action_type in (ActionType.RNCP, ActionType.VAE):
            assert offer.certification is not None
            assert offer.certification.registry is Registry.RNCP
        elif offer.action_type is ActionType.SKILLS_ASSESSMENT:
            assert offer.certification is None


def test_most_organisms_are_qualiopi_certified_and_a_few_are_not() -> None:
    organisms = {o.organism.siret: o.organism for o in OFFERS}.values()
    missing = sum(o.qualiopi is None for o in organisms) / len(organisms)
    assert 0.0 < missing < 0.15


def test_ratings_cover_every_offer_and_do_not_depend_on_order_or_subset() -> None:
    ratings = synthetic_ratings(OFFERS, seed=11)
    assert set(ratings) == set(BY_ID)
    assert synthetic_ratings(OFFERS[::-1], seed=11) == ratings
    assert synthetic_ratings(OFFERS[:10], seed=11) == {o.offer_id: ratings[o.offer_id]
                                                        for o in OFFERS[:10]}
    assert synthetic_ratings(OFFERS, seed=12) != ratings


def test_ratings_are_one_decimal_between_1_and_5_and_none_without_reviews() -> None:
    ratings = synthetic_ratings(OFFERS, seed=11).values()
    unrated = [r for r in ratings if r.count == 0]
    assert all(r.mean is None for r in unrated)
    assert 0.2 < len(unrated) / len(ratings) < 0.4
    for rating in ratings:
        if rating.mean is not None:
            assert 1.0 <= rating.mean <= 5.0
            assert round(rating.mean, 1) == rating.mean
            assert 1 <= rating.count <= 2500


@pytest.mark.parametrize("n", [-1, 1.5, "10", True])
def test_a_bad_size_is_refused(n: object) -> None:
    with pytest.raises(InvalidValue):
        synthetic_catalog(n, seed=1)  # type: ignore[arg-type]


def test_most_sessions_are_cpf_eligible_and_some_are_not_for_each_reason() -> None:
    # cpf-rules.md 7.1: Qualiopi on the day, certification in force (synthetic registrations
    # and certifications lapse during 2026-2028 on purpose, so that eligible_only filters)
    from formation.catalog.eligibility import session_eligibility_violations

    codes: collections.Counter[str] = collections.Counter()
    eligible = 0
    for session in SESSIONS:
        found = session_eligibility_violations(BY_ID[session.offer_id], session)
        eligible += not found
        codes.update(v.code for v in found)
    assert 0.6 < eligible / N < 0.98
    assert codes["eligibility.qualiopi_missing"] > 0
    assert codes["eligibility.qualiopi_not_valid"] > 0
    assert codes["eligibility.certification_expired"] > 0
    assert codes["eligibility.action_type"] == 0  # every synthetic action type is eligible
