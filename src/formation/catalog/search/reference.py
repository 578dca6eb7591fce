"""The search as its specification: every session read, every field applied as written.

:func:`search` answers a :class:`~formation.catalog.search.query.Query` by reading every session
of a catalogue, keeping those that match each field as :mod:`formation.catalog.search.query`
documents it, sorting them with the documented keys and cutting the page; :func:`matching` gives
every match in order. Nothing is indexed, so nothing can be out of step: this is the executable
specification of :class:`~formation.catalog.search.CatalogIndex`, whose fast paths the
differential property tests (``tests/test_search.py``) hold equal to it. It is slow on purpose
(a linear scan per query) and meant for tests and for checking a peer in the benchmarks.

>>> from formation.catalog.search.query import Query, Sort
>>> from formation.testing.catalog import synthetic_catalog
>>> offers, sessions = synthetic_catalog(200, seed=3)
>>> plain = search(offers, sessions, Query(text="anglais", sort=Sort.PRICE_ASC, page_size=3))
>>> from formation.catalog.search import CatalogIndex
>>> fast = CatalogIndex(offers, sessions).search(plain.query)
>>> [h.session for h in plain.hits] == [h.session for h in fast.hits], plain.total == fast.total
(True, True)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from types import MappingProxyType

from formation.catalog.eligibility import eligibility_violations
from formation.catalog.offers import Offer, Session
from formation.catalog.search.geo import haversine_km
from formation.catalog.search.query import PRICE_BANDS, Hit, Query, SearchResults, Sort
from formation.errors import InvalidValue
from formation.reviews import DEFAULT_PRIOR, RatingPrior, bayesian_average
from formation.rules.rulebook import Rulebook
from formation.text import words

__all__ = ["Ratings", "matching", "search"]

Ratings = Mapping[str, tuple[float | Fraction | None, int]
                  | tuple[float | Fraction | None, int, float | Fraction | None]]
"""Ratings by offer id: ``(mean, count)``, or ``(mean, count, ranking score)``, as
:class:`~formation.catalog.search.CatalogIndex` takes them."""


class _Reader:
    """One query read against a catalogue: the rules of each field, applied to one session."""

    def __init__(self, offers: Iterable[Offer], ratings: Ratings | None, rulebook: Rulebook | None,
                 prior: RatingPrior | None, on: date | None) -> None:
        self.offers = {offer.offer_id: offer for offer in offers}
        self.ratings = ratings or {}
        self.rulebook = rulebook
        self.prior = DEFAULT_PRIOR if prior is None else prior
        self.on = on
        self.folded: dict[str, tuple[str, ...]] = {}

    def rating(self, offer_id: str) -> tuple[float, int, float]:
        """The mean, count and ranking score of an offer (``(nan, 0, nan)`` if unrated): the
        score given, or the Bayesian average of the mean and count with the prior."""
        found = self.ratings.get(offer_id)
        if found is None or found[1] == 0 or found[0] is None:
            return math.nan, 0, math.nan
        mean, count = found[0], found[1]
        score = found[2] if len(found) == 3 else None
        if score is None:
            score = bayesian_average(Fraction(mean), count, self.prior)
        return float(mean), count, float(score)

    def words_of(self, text: str) -> tuple[str, ...]:
        found = self.folded.get(text)
        if found is None:
            found = self.folded[text] = words(text)
        return found

    def weight(self, offer: Offer, word: str, prefix: bool) -> int:
        """3 when ``word`` is in the title, 2 in the certification's title, 1 in the organism's
        name, 0 if in none; as a prefix, any word it begins counts."""
        fields = (offer.title, offer.certification.title if offer.certification else "",
                  offer.organism.name)
        for weight, text in zip((3, 2, 1), fields, strict=True):
            found = self.words_of(text)
            if word in found or (prefix and any(w.startswith(word) for w in found)):
                return weight
        return 0

    def score(self, offer: Offer, query: Query) -> int:
        query_words = query.words
        return sum(self.weight(offer, w, i == len(query_words) - 1)
                   for i, w in enumerate(query_words))

    def matches(self, offer: Offer, session: Session, query: Query) -> bool:
        place = session.place
        query_words = query.words
        for i, word in enumerate(query_words):
            if not self.weight(offer, word, i == len(query_words) - 1):
                return False
        if query.regions and (place is None or place.region not in query.regions):
            return False
        if query.departments and (place is None or place.department not in query.departments):
            return False
        if query.near is not None:
            if place is None or place.latitude is None or place.longitude is None:
                return False
            near = query.near
            if haversine_km(near.latitude, near.longitude, place.latitude,
                            place.longitude) > near.radius_km:
                return False
        start = session.start
        if query.start_from is not None and (start is None or start < query.start_from):
            return False
        if query.start_until is not None and (start is None or start > query.start_until):
            return False
        price = session.price_of(offer)
        if query.price_min is not None and price < query.price_min:
            return False
        if query.price_max is not None and price > query.price_max:
            return False
        hours = offer.duration_hours
        if query.duration_min is not None and (hours is None or hours < query.duration_min):
            return False
        if query.duration_max is not None and (hours is None or hours > query.duration_max):
            return False
        if query.formacodes and not set(query.formacodes) & set(offer.formacodes):
            return False
        if query.modalities and offer.modality not in query.modalities:
            return False
        if query.registries and (offer.certification is None
                                 or offer.certification.registry not in query.registries):
            return False
        if query.action_types and offer.action_type not in query.action_types:
            return False
        if query.min_rating is not None:  # the mean shown, not the ranking score
            mean, count, _ = self.rating(offer.offer_id)
            if count == 0 or mean < query.min_rating:
                return False
        if query.eligible_only:
            day = self.on if self.on is not None else start
            if day is None or eligibility_violations(offer, day, self.rulebook):
                return False
        return True

    def key(self, offer: Offer, session: Session, query: Query) -> tuple[object, ...]:
        start = session.start.toordinal() if session.start is not None else math.inf
        sort = query.sort
        if sort is Sort.RELEVANCE:
            return (-self.score(offer, query), start, session.session_id)
        if sort is Sort.PRICE_ASC:
            return (session.price_of(offer).cents, session.session_id)
        if sort is Sort.PRICE_DESC:
            return (-session.price_of(offer).cents, session.session_id)
        if sort is Sort.START_DATE:
            return (start, session.session_id)
        if sort is Sort.RATING:  # the ranking score, then the number of reviews
            _, count, score = self.rating(offer.offer_id)
            rated = (0, -score, -count) if count else (1, 0.0, 0)
            return (*rated, start, session.session_id)
        return (self.distance(session, query), session.session_id)

    @staticmethod
    def distance(session: Session, query: Query) -> float:
        near, place = query.near, session.place
        if near is None or place is None or place.latitude is None or place.longitude is None:
            raise InvalidValue("a distance needs Query.near and a place with coordinates")
        return haversine_km(near.latitude, near.longitude, place.latitude, place.longitude)

    def ordered(self, sessions: Iterable[Session], query: Query) -> list[tuple[Offer, Session]]:
        pairs = [(self.offers[s.offer_id], s) for s in sessions
                 if self.matches(self.offers[s.offer_id], s, query)]
        pairs.sort(key=lambda pair: self.key(pair[0], pair[1], query))
        return pairs


def _facets(pairs: list[tuple[Offer, Session]],
            names: Sequence[str]) -> Mapping[str, Mapping[str, int]]:
    out = {}
    for name in names:
        counts: Counter[str] = Counter()
        for offer, session in pairs:
            if name == "region" and session.place is not None:
                counts[session.place.region] += 1
            elif name == "modality":
                counts[offer.modality.value] += 1
            elif name == "formacode":
                counts.update(set(offer.formacodes))
            elif name == "registry" and offer.certification is not None:
                counts[offer.certification.registry.value] += 1
            elif name == "price_band":
                cents = session.price_of(offer).cents
                label = next(label for label, low, high in PRICE_BANDS
                             if low <= cents and (high is None or cents < high))
                counts[label] += 1
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        out[name] = MappingProxyType(dict(ordered))
    return MappingProxyType(out)


def search(offers: Iterable[Offer], sessions: Iterable[Session], query: Query, *,
           ratings: Ratings | None = None, on: date | None = None,
           rulebook: Rulebook | None = None, prior: RatingPrior | None = None) -> SearchResults:
    """The page, the total and the facets of ``query``, by reading every session.

    Args:
        offers: the catalogue's offers.
        sessions: its sessions (each of one of ``offers``).
        query: what to look for.
        ratings: the offers' ratings, as :class:`~formation.catalog.search.CatalogIndex`
            takes them.
        on: the day ``eligible_only`` applies the rules on (default: each session's start).
        rulebook: the rules of ``eligible_only`` (default: ``Rulebook.default()``).
        prior: the prior of the ranking scores not given (default ``DEFAULT_PRIOR``).
    """
    reader = _Reader(offers, ratings, rulebook, prior, on)
    pairs = reader.ordered(sessions, query)
    start = (query.page - 1) * query.page_size
    hits = tuple(
        Hit(offer, session, float(reader.score(offer, query)),
            None if query.near is None else reader.distance(session, query))
        for offer, session in pairs[start:start + query.page_size])
    return SearchResults(query, hits, _facets(pairs, query.facets), len(pairs))


def matching(offers: Iterable[Offer], sessions: Iterable[Session], query: Query, *,
             ratings: Ratings | None = None, on: date | None = None,
             rulebook: Rulebook | None = None, prior: RatingPrior | None = None
             ) -> tuple[str, ...]:
    """The ids of every session matching ``query``, in the order of its sort (the arguments
    as for :func:`search`; the page and the facets are ignored)."""
    reader = _Reader(offers, ratings, rulebook, prior, on)
    return tuple(session.session_id for _, session in reader.ordered(sessions, query))
