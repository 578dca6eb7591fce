"""Recommendations and reviews: formation against a plain scan and SQLite, same data, one process.

Run: ``.venv/bin/python benchmarks/bench_recommend.py`` (``--quick`` for 100 000 sessions).

On a synthetic catalogue of 1 000 000 sessions (``formation.testing.synthetic_catalog``, seed 42,
with the synthetic ratings set in the index: each offer's mean, count and ranking score, the
Bayesian average of the mean and count with the documented prior ``DEFAULT_PRIOR``) it times:

1. ``recommend(needs, account, index, on=...)`` for several holders' needs (a Formacode near a
   city, with free periods and a budget; the same accepting distance learning; a free-text theme
   near a city; the word "anglais" near a city or at a distance anywhere in France, the broad
   case), median over repetitions, against the **peer**: a plain Python scan of every
   session that applies the same rules (reach, dates, seats, eligibility, funding plan, budget)
   and the same score, then sorts. The two must return the same sessions in the same order
   (checked); the ratio is ours / the scan's.
2. Adding a review and seeing it in search: ``ReviewBook.write`` (rules checked, summaries of the
   offer and organism updated) whose listener sets the offer's rating in the ``CatalogIndex``,
   then ``index.rating(offer)`` reading it back; median per review. The **peer** is SQLite in
   memory: insert the review row, upsert the offer's aggregate row (count and score sums), and
   read the aggregate back. A search with ``Sort.RATING`` over the offer's Formacode then shows
   the new rating (checked, and timed apart).

1b. ``recommend(..., resources=pool)`` with 100 000 synthetic learning resources (seed 42, each
   on the Formacodes and title of a random offer, 70 % free, a fifth leading to a
   certification) in a ``ResourceIndex`` built once, for the same needs with 6 hours a week;
   the **peer** lists the resources by a plain scan of the whole pool (the same fit rules and
   order, checked equal) after the same ``recommend`` without resources.

Targets (issue 8): a recommendation over 1 000 000 sessions under 50 ms; adding a review and
seeing it in search under 100 µs; (issue 20) the same with 100 000 resources under 50 ms.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction

from formation.catalog.eligibility import eligibility_violations
from formation.catalog.offers import Offer
from formation.catalog.search import CatalogIndex, Query, Sort
from formation.errors import RuleViolation
from formation.ids import BookingId, HolderId, OfferId, OrganismId, ReviewId
from formation.learning import LearningResource, ResourceId, ResourceIndex
from formation.matching import (
    DEFAULT_WEIGHTS,
    Needs,
    Period,
    Point,
    Recommendation,
    distance_km,
    locate,
    match_resources,
    recommend,
)
from formation.money import Euros
from formation.reviews import DEFAULT_PRIOR, FolderView, ReviewBook, Scores, bayesian_average
from formation.testing.catalog import synthetic_catalog, synthetic_ratings
from formation.text import words as words_of

TARGET_RECOMMEND_MS = 50.0
TARGET_REVIEW_US = 100.0
ON = date(2026, 3, 2)
BALANCE = Euros.whole(1500)


def median_ms(run: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def scan(needs: Needs, offers: dict[str, object], sessions: Sequence[object],
         index: CatalogIndex, limit: int = 10) -> list[tuple[float, int, str, str]]:
    """The peer: every session, the same rules and score, one at a time, then a sort."""
    from formation.calendar.business_days import BusinessCalendar
    from formation.catalog.offers import Modality
    from formation.funding import plan_funding
    from formation.rules.rulebook import Rulebook

    rules = Rulebook.default().at(ON)
    earliest = BusinessCalendar().add_business_days(ON, rules.minimum_lead_business_days or 0)
    if needs.free_periods:
        first = max(earliest, needs.free_periods[0].start)
        last = max(p.end for p in needs.free_periods)
    else:
        first, last = earliest, ON + timedelta(days=DEFAULT_WEIGHTS.horizon_days)
    w = DEFAULT_WEIGHTS
    total_w = w.rating + w.cost + w.distance + w.start + w.theme
    ceiling = BALANCE + needs.budget
    words = [t.lower() for t in needs.words]
    found = []
    for session in sessions:
        offer = offers[session.offer_id]  # type: ignore[attr-defined]
        if not (set(offer.formacodes) & set(needs.formacodes)  # type: ignore[attr-defined]
                or any(word in offer.title.lower() for word in words)):  # type: ignore[attr-defined]
            continue
        if session.start is None or not first <= session.start <= last:  # type: ignore[attr-defined]
            continue
        if needs.free_periods and not any(
            p.covers(session.start, session.end) for p in needs.free_periods  # type: ignore[attr-defined]
        ):
            continue
        if session.full:  # type: ignore[attr-defined]
            continue
        price = session.price_of(offer)  # type: ignore[attr-defined]
        if price > ceiling:
            continue
        if session.place is None or offer.modality is Modality.DISTANCE:  # type: ignore[attr-defined]
            if not needs.accept_distance:
                continue
            distance_part = 1.0
        else:
            place = session.place  # type: ignore[attr-defined]
            point = (Point(place.latitude, place.longitude) if place.latitude is not None
                     else None)
            if point is None or needs.near is None:
                continue
            km = distance_km(needs.near, point)
            if km > needs.radius_km:
                continue
            distance_part = 1.0 - km / needs.radius_km
        if eligibility_violations(offer, session.start):  # type: ignore[arg-type, attr-defined]
            continue
        try:
            plan = plan_funding(price, balance=BALANCE, on=ON,
                                action_type=offer.action_type)  # type: ignore[attr-defined]
        except RuleViolation:
            continue
        if plan.card_payment > needs.budget:
            continue
        extra = (plan.card_payment - plan.participation).cents
        cost = 1.0 if extra <= 0 else 1.0 - extra / needs.budget.cents
        mean, count = index.rating(offer.offer_id)  # type: ignore[attr-defined]
        exact = None if mean is None else Fraction(mean).limit_denominator(5 * count)
        rating = float((bayesian_average(exact, count, DEFAULT_PRIOR) - 1) / 4)
        start = max(0.0, 1.0 - (session.start - ON).days / w.horizon_days)  # type: ignore[attr-defined]
        theme = 1.0 if offer.formacodes[0] in needs.formacodes else 0.5  # type: ignore[attr-defined]
        score = round((w.rating * rating + w.cost * cost + w.distance * distance_part
                       + w.start * start + w.theme * theme) / total_w, 9)
        found.append((-score, session.start.toordinal(), offer.offer_id,  # type: ignore[attr-defined]
                      session.session_id))  # type: ignore[attr-defined]
    found.sort()
    return found[:limit]


RESOURCE_KINDS = ("MOOC d'initiation", "tutoriel vidéo", "cours ouvert", "exercices guidés")


def synthetic_resources(offers: Sequence[Offer], n: int, seed: int) -> list[LearningResource]:
    """``n`` resources, each on the Formacodes and the title of a random offer."""
    rng = random.Random(seed)
    found = []
    for i in range(n):
        offer = offers[rng.randrange(len(offers))]
        cost = Euros(0) if rng.random() < 0.7 else Euros.whole(rng.randint(5, 80))
        certification = offer.certification if rng.random() < 0.2 else None
        found.append(LearningResource(
            ResourceId(f"R{i:06d}"), f"{offer.title} — {rng.choice(RESOURCE_KINDS)}",
            "Ressource synthétique", f"https://example.org/r/{i}", offer.formacodes,
            rng.randint(2, 120), cost, certification))
    return found


def resource_scan(needs: Needs, pool: Sequence[LearningResource],
                  limit: int = 10) -> list[str]:
    """The peer for resources: every resource, the same fit rules and order, then a sort."""
    wanted = set(needs.formacodes)
    themes = [set(words_of(w)) for w in needs.words]
    found = []
    for r in pool:
        title = set(words_of(r.title))
        if not (wanted & set(r.formacodes) or any(t and t <= title for t in themes)):
            continue
        if r.cost > needs.budget:
            continue
        found.append((r.formacodes[0] not in wanted, r.certification is None, r.cost.cents,
                      r.effort_hours, r.resource_id))
    found.sort()
    return [key[4] for key in found[:limit]]


def keys(recs: Sequence[Recommendation]) -> list[tuple[float, int, str, str]]:
    return [(-r.score, r.session.start.toordinal() if r.session.start else 0, r.offer.offer_id,
             r.session.session_id) for r in recs]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 000 sessions, fewer repeats")
    args = parser.parse_args(argv)
    n = 100_000 if args.quick else 1_000_000
    repeat = 5 if args.quick else 11

    start = time.perf_counter()
    offers, sessions = synthetic_catalog(n, seed=42)
    index = CatalogIndex(offers, sessions)
    for offer_id, rating in synthetic_ratings(offers, seed=42).items():
        if rating.count and rating.mean is not None:
            score = bayesian_average(Fraction(rating.mean), rating.count, DEFAULT_PRIOR)
            index.set_rating(offer_id, rating.mean, rating.count, score)
    print(f"catalogue: {len(sessions):,} sessions, {len(offers):,} offers, built and rated in "
          f"{time.perf_counter() - start:.1f} s")
    by_id = {o.offer_id: o for o in offers}
    main_codes = Counter(o.formacodes[0] for o in offers).most_common()
    common, typical = main_codes[0][0], main_codes[len(main_codes) // 2][0]

    lyon = locate("69003")
    summer = (Period(date(2026, 4, 1), date(2026, 9, 30)),)
    scenarios = {
        f"Formacode {typical} near Lyon 30 km, Apr-Sep, budget 300 €": Needs(
            themes=(typical,), near=lyon, radius_km=30, accept_distance=False,
            free_periods=summer, budget=Euros.whole(300)),
        f"Formacode {common} (most common) near Lyon 30 km or distance, budget 300 €": Needs(
            themes=(common,), near=lyon, radius_km=30, budget=Euros.whole(300)),
        "text 'excel' near Lyon 50 km, Apr-Sep, budget 500 €": Needs(
            themes=("excel",), near=lyon, radius_km=50, accept_distance=False,
            free_periods=summer, budget=Euros.whole(500)),
        "text 'anglais' near Lyon 30 km or distance, budget 300 €": Needs(
            themes=("anglais",), near=lyon, radius_km=30, budget=Euros.whole(300)),
    }
    print(f"\n1. recommend(): median of {repeat} runs; peer = a plain scan of every session")
    print("   (all = max_candidates=None; same = our uncapped result equals the scan's, "
          "capped = the default result equals the uncapped one)")
    print(f"{'needs':<76} {'ours ms':>8} {'all ms':>8} {'scan ms':>8} {'ratio':>7}  same capped")
    figures: dict[str, float] = {}
    for label, needs in scenarios.items():
        ours = recommend(needs, BALANCE, index, on=ON)
        uncapped = recommend(needs, BALANCE, index, on=ON, max_candidates=None)
        peer = scan(needs, by_id, sessions, index)
        same = keys(uncapped) == peer
        capped = keys(ours) == keys(uncapped)
        ours_ms = median_ms(lambda needs=needs: recommend(needs, BALANCE, index, on=ON), repeat)
        all_ms = median_ms(lambda needs=needs: recommend(
            needs, BALANCE, index, on=ON, max_candidates=None), 3)
        scan_ms = median_ms(lambda needs=needs: scan(needs, by_id, sessions, index), 1)
        figures[label] = ours_ms
        print(f"{label:<76} {ours_ms:8.2f} {all_ms:8.1f} {scan_ms:8.1f} {ours_ms / scan_ms:7.4f}"
              f"  {'yes' if same else 'NO':>4} {'yes' if capped else 'no':>6}", flush=True)

    print(f"\n1b. recommend() with learning resources: median of {repeat} runs; peer = the "
          "same recommend() without resources, then a plain scan of every resource")
    t0 = time.perf_counter()
    pool = synthetic_resources(offers, 100_000 if not args.quick else 20_000, seed=42)
    made = time.perf_counter() - t0
    t0 = time.perf_counter()
    resources = ResourceIndex(pool)
    print(f"   {len(pool):,} resources made in {made:.1f} s, indexed once in "
          f"{time.perf_counter() - t0:.2f} s")
    print("   (alone = match_resources by itself: the part the resources add to recommend)")
    print(f"{'needs (6 h a week)':<76} {'ours ms':>8} {'alone ms':>8} {'peer ms':>8} "
          f"{'ratio':>7}  same found")
    with_resources: dict[str, float] = {}
    for label, plain in scenarios.items():
        needs = Needs(**{**{f: getattr(plain, f) for f in (
            "themes", "near", "radius_km", "distance_only", "accept_distance", "free_periods",
            "outside_working_time", "budget", "job_seeker")}, "hours_per_week": 6})
        ours = recommend(needs, BALANCE, index, on=ON, resources=resources)
        same = ([m.resource.resource_id for m in ours.resources] == resource_scan(needs, pool)
                and keys(ours) == keys(recommend(needs, BALANCE, index, on=ON)))
        ours_ms = median_ms(lambda needs=needs: recommend(
            needs, BALANCE, index, on=ON, resources=resources), repeat)

        def peer(needs: Needs = needs) -> object:
            recommend(needs, BALANCE, index, on=ON)
            return resource_scan(needs, pool)
        alone_ms = median_ms(lambda needs=needs: match_resources(needs, resources), repeat)
        peer_ms = median_ms(peer, 3)
        with_resources[label] = ours_ms
        print(f"{label:<76} {ours_ms:8.2f} {alone_ms:8.2f} {peer_ms:8.1f} "
              f"{ours_ms / peer_ms:7.4f}"
              f"  {'yes' if same else 'NO':>4} {len(ours.resources):>5}", flush=True)

    print("\n2. a review, from ReviewBook.write to the index's rating: median per review")
    book = ReviewBook.feeding(index)
    target = offers[len(offers) // 3]
    count = 2000 if args.quick else 10_000
    at = datetime(2026, 5, 1, 9, 0, tzinfo=timezone.utc)
    folders = [FolderView(BookingId(f"F{i}"), HolderId(f"H{i}"), target.offer_id,
                          OrganismId(target.organism.siret), "serviceDoneValidated")
               for i in range(count)]
    # all five stars: with thousands of them the ranking score nears 5 and the rating sort
    # (ranking score, then count) puts the offer first
    scores = [Scores.uniform(5)] * 3
    samples = []
    for i, folder in enumerate(folders):
        t0 = time.perf_counter()
        book.write(folder, author=folder.holder_id, review_id=ReviewId(f"R{i}"),
                   scores=scores[i % 3], at=at)
        seen = index.rating(target.offer_id)
        samples.append((time.perf_counter() - t0) * 1e6)
    assert seen[1] == count, seen
    ours_us = statistics.median(samples)

    db = sqlite3.connect(":memory:")
    db.executescript("""
        CREATE TABLE review (id TEXT PRIMARY KEY, folder TEXT UNIQUE, offer TEXT,
                             welcome INT, content INT, team INT, resources INT, support INT);
        CREATE TABLE rating (offer TEXT PRIMARY KEY, n INT, total INT);
    """)
    samples = []
    for i, folder in enumerate(folders):
        s = scores[i % 3]
        t0 = time.perf_counter()
        db.execute("INSERT INTO review VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (f"R{i}", folder.booking_id, target.offer_id, *s.as_tuple()))
        db.execute("INSERT INTO rating VALUES (?, 1, ?) ON CONFLICT(offer) DO UPDATE SET "
                   "n = n + 1, total = total + excluded.total", (target.offer_id, s.total))
        db.execute("SELECT total * 1.0 / (5 * n), n FROM rating WHERE offer = ?",
                   (target.offer_id,)).fetchone()
        samples.append((time.perf_counter() - t0) * 1e6)
    sqlite_us = statistics.median(samples)
    print(f"{'ours (rules + summaries + index) µs':<40} {ours_us:8.1f}")
    print(f"{'SQLite (insert + upsert + select) µs':<40} {sqlite_us:8.1f}")
    print(f"{'ratio ours / SQLite':<40} {ours_us / sqlite_us:8.2f}")

    query = Query(formacodes=(target.formacodes[0],), sort=Sort.RATING, page_size=20)
    hits = index.search(query).hits
    mean = book.summary_for_offer(OfferId(target.offer_id)).mean()
    shown = any(h.offer.offer_id == target.offer_id for h in hits)
    search_ms = median_ms(lambda: index.search(query), repeat)
    print(f"search by rating over Formacode {target.formacodes[0]}: {search_ms:.2f} ms; the "
          f"reviewed offer (mean {float(mean or 0):.2f}, {count} reviews) is on the first page: "
          f"{'yes' if shown else 'no'}")

    ok = True
    print()
    slowest = max(figures.values())  # the broad case (a common word, or at a distance) too
    for label, figure, target_value, unit in (
        ("slowest recommendation (every needs)", slowest, TARGET_RECOMMEND_MS, "ms"),
        ("slowest recommendation with resources", max(with_resources.values()),
         TARGET_RECOMMEND_MS, "ms"),
        ("review to search", ours_us, TARGET_REVIEW_US, "µs"),
    ):
        met = figure <= target_value
        ok = ok and met
        print(f"target {label}: {figure:.2f} {unit} <= {target_value:g} {unit}: "
              f"{'met' if met else 'NOT met'}")
    return 0 if ok or args.quick else 1


if __name__ == "__main__":
    raise SystemExit(main())
