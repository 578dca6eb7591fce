"""The catalogue in memory, indexed for search: :class:`CatalogIndex`.

:class:`CatalogIndex` answers a :class:`~formation.query.Query` (whose fields, orders, text
score and facets :mod:`formation.query` describes) with :class:`~formation.query.SearchResults`,
and stays right through :meth:`~CatalogIndex.add`, :meth:`~CatalogIndex.remove`,
:meth:`~CatalogIndex.replace` and :meth:`~CatalogIndex.set_rating` without being rebuilt.
Source: ``cpf-rules.md`` section 10 (what the platform lets a holder search by).

How it is laid out (pure Python, standard library only), so that a search reads little:

- *columns*: each session has a slot, and lists hold, per slot, the offer's slot, the start
  day (ordinal), the price in cents, the region and department codes (each distinct number is
  one shared int object, so a slot costs 8 bytes a column) and the coordinates; per offer
  slot, the modality, registry, action type, hours, mean rating (what ``min_rating`` reads)
  and rating key (the ranking score then the number of reviews: what ``Sort.RATING`` reads);
- *sorted postings*: for the whole catalogue and for every region, department, Formacode,
  Formacode and region pair and one-degree cell of places, the session slots ordered by start
  day then session id, with their start days beside them, so that a date range is two
  bisections; by price then session id for the whole catalogue and every region;
- *word postings*: for every folded word, the offer slots whose title (weight 3),
  certification (2) or organism's name (1) holds it, one array per weight.

A search starts from the smallest source that applies (a posting cut to the date range, or the
offers of the rarest word), filters what is left with the columns, a whole list at a time
(one list comprehension per filter), then ranks: when the order is the
posting's own (start day, or price), it reads the posting in order and stops as soon as the page
is full; otherwise it keeps the best ``page × page_size`` with a threshold from
``heapq.nsmallest``. The total is counted when :attr:`SearchResults.total` is read (before the
index next changes at the latest): a page alone costs only the page.
:meth:`~CatalogIndex.matching` gives every match of a query at once, as session ids in the
order of its sort (for a caller that would otherwise read page after page); with a limit and
the start-date order, the offers of a common word are met by reading the start-day posting in
order, which stops at the limit.

Results never depend on the order offers and sessions were added in: every posting is kept in
the order of its key then of the session id, and every ranking ends with the session id.

Costs: :meth:`~CatalogIndex.set_rating` is constant time (a review reaches the next search in
microseconds); adding or removing a session finds its place in each of its sorted postings by
bisection and moves the tail of one block of each (:class:`~formation.postings.SortedPosting`);
building at once from the records sorts each list once (see ``docs/performance.md``).

>>> from formation.query import Query, Sort
>>> from formation.testing.catalog import synthetic_catalog
>>> offers, sessions = synthetic_catalog(400, seed=3)
>>> index = CatalogIndex(offers, sessions)
>>> results = index.search(Query(text="anglais", regions=("11",), sort=Sort.PRICE_ASC))
>>> all("anglais" in hit.offer.title.lower() for hit in results.hits)
True
>>> prices = [hit.session.price_of(hit.offer) for hit in results.hits]
>>> prices == sorted(prices)
True
"""

from __future__ import annotations

import gc
import heapq
import math
import struct
import weakref
from array import array
from bisect import bisect_left, bisect_right, insort
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from itertools import chain, repeat
from operator import attrgetter, itemgetter
from types import MappingProxyType
from typing import Any

from formation.catalog.eligibility import eligibility_violations
from formation.catalog.offers import Modality, Offer, Registry, Session
from formation.errors import DuplicateEntry, InvalidValue, NotFound
from formation.geo import haversine_km, latitude_span_deg, longitude_span_deg
from formation.ids import OfferId, SessionId
from formation.postings import SortedPosting, cell_of, cells_near, split_by_code
from formation.query import (
    FACETS,
    PRICE_BANDS,
    Hit,
    Near,
    Query,
    SearchResults,
    Sort,
)
from formation.reviews import DEFAULT_PRIOR, RatingPrior, bayesian_average
from formation.rules.actions import ActionType
from formation.rules.rulebook import Rulebook, check_date
from formation.text import words

__all__ = [
    "CatalogIndex",
    "FACETS",
    "Hit",
    "Near",
    "PRICE_BANDS",
    "Query",
    "SearchResults",
    "Sort",
]

_NODATE = 2**31 - 1  # the start key of a session without dates: after every real day
_TITLE, _CERTIFICATION, _ORGANISM = 3, 2, 1  # the weights of the text score
_WEIGHTS = (_TITLE, _CERTIFICATION, _ORGANISM)
_UNRATED = (1 << 95) - 1  # the rating key of an offer without reviews: after every rated one
_NO_RATING = (math.nan, 0, math.nan)  # mean, count, ranking score of an offer without reviews
_BAND_LIMITS = tuple(low for _, low, _ in PRICE_BANDS[1:])
_BAND_LABELS = tuple(label for label, _, _ in PRICE_BANDS)
_WALK_MIN = 512  # below this many candidates, filtering them all beats reading in order
_NO_DATES, _UNCHECKED = 2, 3
_MODALITIES = tuple(Modality)
_MODALITY_CODE = {m: i for i, m in enumerate(_MODALITIES)}
_REGISTRIES: tuple[Registry | None, ...] = (None, *Registry)
_REGISTRY_CODE = {r: i for i, r in enumerate(_REGISTRIES) if r is not None}
_ACTIONS = tuple(ActionType)
_ACTION_CODE = {a: i for i, a in enumerate(_ACTIONS)}

_Key = tuple[str, str] | tuple[str, str, str] | tuple[str, int, int] | tuple[str]
_ALL: tuple[str] = ("*",)
_Fields = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def _float_bits(value: float) -> int:
    """An int that orders like the non-negative float ``value``."""
    return int(struct.unpack("<q", struct.pack("<d", value))[0])


_FIVE_BITS = _float_bits(5.0)


def _rating_key(score: float, count: int) -> int:
    """An int ordering offers by ranking score then count of reviews, best first, unrated last."""
    if count == 0:
        return _UNRATED
    return ((_FIVE_BITS - _float_bits(score)) << 32) | ((1 << 32) - 1 - min(count, 2**32 - 1))


class _Plan:
    """A query compiled against the index: the filters the driver has not applied yet."""

    __slots__ = (
        "date_high", "date_low", "departments", "durations", "eligible_on", "formacodes",
        "min_rating", "near", "offer_codes", "price_high", "price_low", "regions", "words",
    )

    def __init__(self) -> None:
        self.regions: frozenset[int] | None = None
        self.departments: frozenset[int] | None = None
        self.formacodes: frozenset[str] | None = None
        self.offer_codes: list[tuple[list[int], frozenset[int]]] = []
        self.durations: range | None = None
        self.min_rating: float | None = None
        self.words: list[tuple[str, bool]] = []  # (word, may be a prefix)
        self.date_low: int | None = None
        self.date_high: int | None = None
        self.price_low: int | None = None
        self.price_high: int | None = None
        self.near: Near | None = None
        self.eligible_on: date | bool = False  # True: each session's own start day


_Source = tuple[int, tuple[str, ...], list[tuple[SortedPosting, int, int]]]


class CatalogIndex:
    """The catalogue in memory, indexed for :meth:`search` (see the module for the layout).

    Args:
        offers: the offers (ids unique).
        sessions: their sessions (ids unique, each of one of the offers).
        ratings: optional ratings by offer id, as ``(mean, count)`` or ``(mean, count,
            score)`` (see :meth:`set_rating`).
        rulebook: the rules ``eligible_only`` applies (default: ``Rulebook.default()``).
        prior: the prior of the ranking score worked out for a rating given without one
            (default :data:`~formation.reviews.DEFAULT_PRIOR`: mean 4.6, worth 10 reviews).

    Raises:
        DuplicateEntry: two offers or two sessions with the same id.
        NotFound: a session of an offer not given.
    """

    def __init__(self, offers: Iterable[Offer] = (), sessions: Iterable[Session] = (), *,
                 ratings: Mapping[OfferId, tuple[float | Fraction | None, int]
                                  | tuple[float | Fraction | None, int, float | Fraction | None]]
                 | None = None,
                 rulebook: Rulebook | None = None, prior: RatingPrior | None = None) -> None:
        if rulebook is not None and not isinstance(rulebook, Rulebook):
            raise InvalidValue(f"rulebook must be a Rulebook or None, got {rulebook!r}")
        if prior is not None and not isinstance(prior, RatingPrior):
            raise InvalidValue(f"prior must be a RatingPrior or None, got {prior!r}")
        self._rulebook = rulebook
        self._prior = DEFAULT_PRIOR if prior is None else prior
        # sessions, by slot
        self._s_session: list[Session | None] = []
        self._s_sid: list[str] = []
        # plain lists of shared int objects: read a whole list at a time, they are faster than
        # arrays (whose items are boxed on every read) and cost 8 bytes a slot
        self._s_offer: list[int] = []
        self._s_start: list[int] = []
        self._s_price: list[int] = []
        self._s_region: list[int] = []
        self._s_department: list[int] = []
        self._s_lat = array("d")
        self._s_lon = array("d")
        self._s_eligible = bytearray()  # on its start day: 1 eligible, 0 not, checked lazily
        self._slot_of: dict[str, int] = {}
        # offers, by slot
        self._o_offer: list[Offer | None] = []
        self._o_modality: list[int] = []
        self._o_registry: list[int] = []
        self._o_action: list[int] = []
        self._o_duration: list[int] = []
        self._o_mean = array("d")
        self._o_rating: list[int] = []
        self._o_fields: list[_Fields] = []
        self._o_formacodes: list[frozenset[str]] = []
        self._o_sessions: list[list[int]] = []
        self._offer_slot: dict[str, int] = {}
        self._ratings: dict[str, tuple[float, int, float]] = {}  # mean, count, ranking score
        # code tables
        self._regions: dict[str, int] = {}
        self._region_names: list[str] = []
        self._departments: dict[str, int] = {}
        self._department_names: list[str] = []
        # postings
        self._by_date: dict[_Key, SortedPosting] = {_ALL: SortedPosting("i")}
        self._by_price: dict[_Key, SortedPosting] = {_ALL: SortedPosting("q")}
        self._terms: dict[tuple[str, int], array[int]] = {}
        self._term_sessions: dict[str, int] = {}
        self._vocabulary: list[str] = []
        self._pending: weakref.WeakSet[SearchResults] = weakref.WeakSet()
        self._shared: dict[int, int] = {}
        self._share = self._shared.setdefault  # one int object per distinct day, price, hours
        for offer_id, rating in (ratings or {}).items():
            if not isinstance(rating, tuple) or len(rating) not in (2, 3):
                raise InvalidValue(f"the rating of {offer_id!r} must be (mean, count) or "
                                   f"(mean, count, score), got {rating!r}")
            self._ratings[offer_id] = _check_rating(offer_id, *rating, prior=self._prior)
        self._bulk(list(offers), list(sessions))

    # -- lookups -------------------------------------------------------------------------------
    def __len__(self) -> int:
        """How many sessions the index holds."""
        return len(self._slot_of)

    @property
    def offer_count(self) -> int:
        """How many offers the index holds."""
        return len(self._offer_slot)

    def offer(self, offer_id: OfferId) -> Offer:
        """The offer with this id.

        Raises:
            NotFound: no such offer.
        """
        slot = self._offer_slot.get(offer_id)
        found = None if slot is None else self._o_offer[slot]
        if found is None:
            raise NotFound(f"no offer {offer_id!r} in the index")
        return found

    def session(self, session_id: SessionId) -> Session:
        """The session with this id.

        Raises:
            NotFound: no such session.
        """
        slot = self._slot_of.get(session_id)
        found = None if slot is None else self._s_session[slot]
        if found is None:
            raise NotFound(f"no session {session_id!r} in the index")
        return found

    def sessions_of(self, offer_id: OfferId) -> tuple[Session, ...]:
        """The sessions of an offer, by session id.

        Raises:
            NotFound: no such offer.
        """
        self.offer(offer_id)
        found = [self._s_session[s] for s in self._o_sessions[self._offer_slot[offer_id]]]
        return tuple(sorted((s for s in found if s is not None), key=lambda s: s.session_id))

    def rating(self, offer_id: OfferId) -> tuple[float | None, int]:
        """The rating the index holds for an offer: ``(mean, count)``, ``(None, 0)`` if none."""
        mean, count, _ = self._ratings.get(offer_id, _NO_RATING)
        return (None if count == 0 else mean), count

    def ranking_score(self, offer_id: OfferId) -> float | None:
        """The ranking score ``Sort.RATING`` orders an offer by; ``None`` without reviews."""
        _, count, score = self._ratings.get(offer_id, _NO_RATING)
        return None if count == 0 else score

    @property
    def prior(self) -> RatingPrior:
        """The prior of the ranking scores the index works out itself (see :meth:`set_rating`)."""
        return self._prior

    # -- changes -------------------------------------------------------------------------------
    def set_rating(self, offer_id: OfferId, mean: float | Fraction | None, count: int,
                   score: float | Fraction | None = None) -> None:
        """Give an offer its rating, in constant time: the mean out of 5 that holders are
        shown, the number of reviews, and the ranking score.

        ``min_rating`` reads the mean (a holder asking for "4 and up" means the rating they
        see). ``Sort.RATING`` orders by the ranking score, then the number of reviews: a
        Bayesian average (:func:`~formation.reviews.bayesian_average`) that pulls an offer
        with few reviews toward a prior, so that two five-star reviews do not outrank two
        hundred averaging 4.7 (``cpf-rules.md`` section 8; issue 8). A
        :class:`~formation.reviews.RatingSummary` gives ``(summary.mean(), summary.count,
        summary.ranking_score)`` (:meth:`formation.reviews.ReviewBook.feeding` does so). Without
        ``score`` the index works it out from ``mean`` and ``count`` with its :attr:`prior`,
        exactly (the float mean as the exact fraction it is).

        The offer need not be indexed yet: the rating waits for it. ``(None, 0)`` means no
        review (``score`` is then ignored): such an offer matches no ``min_rating`` and comes
        after every rated one in ``Sort.RATING``. Searches from now on use the new rating.

        Raises:
            InvalidValue: a mean or score outside 1–5, a negative count, a mean without
                reviews.
        """
        checked = _check_rating(offer_id, mean, count, score, prior=self._prior)
        self._settle()
        self._ratings[offer_id] = checked
        slot = self._offer_slot.get(offer_id)
        if slot is not None:
            self._o_mean[slot] = checked[0]
            self._o_rating[slot] = _rating_key(checked[2], checked[1])

    def add(self, offers: Iterable[Offer] = (), sessions: Iterable[Session] = ()) -> None:
        """Add new offers and new sessions (of new or already indexed offers).

        Nothing is added when one of them is refused.

        Raises:
            DuplicateEntry: an offer or session id already in the index, or twice in the call.
            NotFound: a session of an offer that is neither indexed nor added.
        """
        new_offers, new_sessions = list(offers), list(sessions)
        self._check_new(new_offers, new_sessions)
        self._settle()
        for offer in new_offers:
            self._put_offer(offer)
        for session in new_sessions:
            self._put_session(session)

    def remove(self, offer_ids: Iterable[OfferId] = (),
               session_ids: Iterable[SessionId] = ()) -> None:
        """Remove sessions, and offers with all their sessions.

        Raises:
            NotFound: an id that is not in the index (then nothing is removed).
        """
        gone_offers, gone_sessions = list(offer_ids), list(session_ids)
        for offer_id in gone_offers:
            if offer_id not in self._offer_slot:
                raise NotFound(f"no offer {offer_id!r} in the index")
        for session_id in gone_sessions:
            if session_id not in self._slot_of:
                raise NotFound(f"no session {session_id!r} in the index")
        self._settle()
        for session_id in gone_sessions:
            if session_id in self._slot_of:
                self._drop_session(self._slot_of[session_id])
        for offer_id in gone_offers:
            if offer_id in self._offer_slot:
                self._drop_offer(self._offer_slot[offer_id])

    def replace(self, offers: Iterable[Offer] = (), sessions: Iterable[Session] = ()) -> None:
        """Replace indexed offers and sessions by new versions with the same ids.

        A replaced offer keeps its sessions (indexed again with the offer's new title, themes,
        modality, price…) and its rating; a replaced session may move to another indexed offer.

        Raises:
            NotFound: an id not in the index, or a session of an unknown offer (then nothing is
                replaced).
            DuplicateEntry: the same id twice in the call.
        """
        new_offers, new_sessions = list(offers), list(sessions)
        _unique([o.offer_id for o in new_offers], "offer")
        _unique([s.session_id for s in new_sessions], "session")
        for offer in new_offers:
            if not isinstance(offer, Offer):
                raise InvalidValue(f"replace() takes Offer records, got {offer!r}")
            if offer.offer_id not in self._offer_slot:
                raise NotFound(f"no offer {offer.offer_id!r} in the index to replace")
        for session in new_sessions:
            if not isinstance(session, Session):
                raise InvalidValue(f"replace() takes Session records, got {session!r}")
            if session.session_id not in self._slot_of:
                raise NotFound(f"no session {session.session_id!r} in the index to replace")
            if session.offer_id not in self._offer_slot:
                raise NotFound(f"session {session.session_id!r} is of offer "
                               f"{session.offer_id!r}, which is not in the index")
        self._settle()
        for offer in new_offers:
            slot = self._offer_slot[offer.offer_id]
            kept = [self._s_session[s] for s in self._o_sessions[slot]]
            self._drop_offer(slot)
            self._put_offer(offer)
            for old in kept:
                if old is not None:
                    self._put_session(old)
        for session in new_sessions:
            self._drop_session(self._slot_of[session.session_id])
            self._put_session(session)

    def _check_new(self, offers: list[Offer], sessions: list[Session]) -> None:
        if not all(map(isinstance, offers, repeat(Offer))):
            bad = next(o for o in offers if not isinstance(o, Offer))
            raise InvalidValue(f"the index takes Offer records, got {bad!r}")
        if not all(map(isinstance, sessions, repeat(Session))):
            stray = next(s for s in sessions if not isinstance(s, Session))
            raise InvalidValue(f"the index takes Session records, got {stray!r}")
        offer_ids = list(map(attrgetter("offer_id"), offers))
        session_ids = list(map(attrgetter("session_id"), sessions))
        _unique(offer_ids, "offer")
        _unique(session_ids, "session")
        if self._offer_slot and not self._offer_slot.keys().isdisjoint(offer_ids):
            known = next(i for i in offer_ids if i in self._offer_slot)
            raise DuplicateEntry(f"offer {known!r} is already in the index")
        if self._slot_of and not self._slot_of.keys().isdisjoint(session_ids):
            known = next(i for i in session_ids if i in self._slot_of)
            raise DuplicateEntry(f"session {known!r} is already in the index")
        known = self._offer_slot
        runs = set(map(attrgetter("offer_id"), sessions))
        runs.difference_update(offer_ids)
        runs = {offer_id for offer_id in runs if offer_id not in known}
        if runs:
            orphan = next(s for s in sessions if s.offer_id in runs)
            raise NotFound(f"session {orphan.session_id!r} is of offer "
                           f"{orphan.offer_id!r}, which is not in the index")

    def _settle(self) -> None:
        """Count the totals of earlier results before the index changes under them."""
        if self._pending:
            for results in list(self._pending):
                results.total  # noqa: B018 - reading it counts it and keeps it
            self._pending.clear()

    # -- offers --------------------------------------------------------------------------------
    def _put_offer(self, offer: Offer) -> int:
        slot = len(self._o_offer)
        self._offer_slot[offer.offer_id] = slot
        self._o_offer.append(offer)
        self._o_modality.append(_MODALITY_CODE[offer.modality])
        certification = offer.certification
        self._o_registry.append(0 if certification is None
                                else _REGISTRY_CODE[certification.registry])
        self._o_action.append(_ACTION_CODE[offer.action_type])
        self._o_duration.append(-1 if offer.duration_hours is None
                                else self._share(offer.duration_hours, offer.duration_hours))
        mean, count, score = self._ratings.get(offer.offer_id, _NO_RATING)
        self._o_mean.append(mean)
        self._o_rating.append(_rating_key(score, count))
        self._o_formacodes.append(frozenset(offer.formacodes))
        self._o_sessions.append([])
        fields: _Fields = (words(offer.title),
                           words(certification.title) if certification is not None else (),
                           words(offer.organism.name))
        self._o_fields.append(fields)
        terms = self._terms
        for term, weight in _best_weights(fields).items():
            posting = terms.get((term, weight))
            if posting is None:
                posting = terms[(term, weight)] = array("i")
                if term not in self._term_sessions:
                    self._term_sessions[term] = 0
                    insort(self._vocabulary, term)
            posting.append(slot)  # offer slots only grow: the posting stays sorted
        return slot

    def _drop_offer(self, slot: int) -> None:
        for session_slot in list(self._o_sessions[slot]):
            self._drop_session(session_slot)
        offer = self._o_offer[slot]
        assert offer is not None
        for term, weight in _best_weights(self._o_fields[slot]).items():
            posting = self._terms[(term, weight)]
            del posting[bisect_left(posting, slot)]
        self._o_fields[slot] = ((), (), ())
        self._o_offer[slot] = None
        del self._offer_slot[offer.offer_id]

    # -- sessions ------------------------------------------------------------------------------
    def _code(self, table: dict[str, int], names: list[str], code: str) -> int:
        found = table.get(code)
        if found is None:
            found = table[code] = len(names)
            names.append(code)
        return found

    def _put_session(self, session: Session, postings: bool = True) -> None:
        offer_slot = self._offer_slot[session.offer_id]
        offer = self._o_offer[offer_slot]
        assert offer is not None
        slot = len(self._s_session)
        self._slot_of[session.session_id] = slot
        self._s_session.append(session)
        self._s_sid.append(session.session_id)
        self._s_offer.append(offer_slot)
        start = session.start
        ordinal = _NODATE if start is None else start.toordinal()
        self._s_start.append(self._share(ordinal, ordinal))
        cents = session.price_of(offer).cents
        self._s_price.append(self._share(cents, cents))
        place = session.place
        if place is None:
            self._s_region.append(-1)
            self._s_department.append(-1)
            self._s_lat.append(math.nan)
            self._s_lon.append(math.nan)
        else:
            self._s_region.append(self._code(self._regions, self._region_names, place.region))
            self._s_department.append(
                self._code(self._departments, self._department_names, place.department))
            self._s_lat.append(math.nan if place.latitude is None else float(place.latitude))
            self._s_lon.append(math.nan if place.longitude is None else float(place.longitude))
        self._s_eligible.append(_NO_DATES if start is None else _UNCHECKED)
        self._o_sessions[offer_slot].append(slot)
        self._count_terms(offer_slot, 1)
        if postings:
            sids = self._s_sid
            start_key = self._s_start[slot]
            for key in self._date_keys(slot):
                posting = self._by_date.get(key)
                if posting is None:
                    posting = self._by_date[key] = SortedPosting("i")
                posting.insert(slot, start_key, sids)
            price = self._s_price[slot]
            for key in self._price_keys(slot):
                posting = self._by_price.get(key)
                if posting is None:
                    posting = self._by_price[key] = SortedPosting("q")
                posting.insert(slot, price, sids)

    def _count_terms(self, offer_slot: int, change: int) -> None:
        counts = self._term_sessions
        for term in _best_weights(self._o_fields[offer_slot]):
            counts[term] += change

    def _drop_session(self, slot: int) -> None:
        session = self._s_session[slot]
        assert session is not None
        sids = self._s_sid
        start = self._s_start[slot]
        for key in self._date_keys(slot):
            posting = self._by_date[key]
            posting.remove(slot, start, sids)
            if not posting and key != _ALL:
                del self._by_date[key]
        price = self._s_price[slot]
        for key in self._price_keys(slot):
            posting = self._by_price[key]
            posting.remove(slot, price, sids)
            if not posting and key != _ALL:
                del self._by_price[key]
        offer_slot = self._s_offer[slot]
        self._o_sessions[offer_slot].remove(slot)
        self._count_terms(offer_slot, -1)
        self._s_session[slot] = None
        del self._slot_of[session.session_id]

    def _date_keys(self, slot: int) -> list[_Key]:
        offer_slot = self._s_offer[slot]
        keys: list[_Key] = [_ALL]
        formacodes = sorted(self._o_formacodes[offer_slot])
        keys.extend(("f", code) for code in formacodes)
        region = self._s_region[slot]
        if region >= 0:
            region_name = self._region_names[region]
            keys.append(("r", region_name))
            keys.append(("d", self._department_names[self._s_department[slot]]))
            keys.extend(("fr", code, region_name) for code in formacodes)
            latitude = self._s_lat[slot]
            if not math.isnan(latitude):
                keys.append(cell_of(latitude, self._s_lon[slot]))
        return keys

    def _price_keys(self, slot: int) -> list[_Key]:
        region = self._s_region[slot]
        if region < 0:
            return [_ALL]
        return [_ALL, ("r", self._region_names[region])]

    def _eligible(self, offer: Offer, day: date) -> bool:
        return not eligibility_violations(offer, day, self._rulebook)

    # -- building at once ------------------------------------------------------------------------
    def _bulk_offers(self, offers: list[Offer]) -> None:
        """The offer columns and word postings of a whole catalogue, in one pass each."""
        first = len(self._o_offer)
        self._o_offer.extend(offers)
        self._offer_slot.update((o.offer_id, first + k) for k, o in enumerate(offers))
        # by the members' values: hashing a str is cheaper than hashing an enum member
        modality = {m.value: code for m, code in _MODALITY_CODE.items()}
        registry = {r.value: code for r, code in _REGISTRY_CODE.items()}
        action = {a.value: code for a, code in _ACTION_CODE.items()}
        self._o_modality.extend(modality[o.modality._value_] for o in offers)
        self._o_registry.extend(0 if o.certification is None
                                else registry[o.certification.registry._value_] for o in offers)
        self._o_action.extend(action[o.action_type._value_] for o in offers)
        share = self._share
        self._o_duration.extend(-1 if o.duration_hours is None
                                else share(o.duration_hours, o.duration_hours) for o in offers)
        ratings = self._ratings
        found = [ratings.get(o.offer_id, _NO_RATING) for o in offers]
        self._o_mean.extend(mean for mean, _, _ in found)
        self._o_rating.extend(_UNRATED if count == 0 else _rating_key(score, count)
                              for _, count, score in found)
        themes: dict[tuple[str, ...], frozenset[str]] = {}
        self._o_formacodes.extend(
            themes.get(o.formacodes) or themes.setdefault(o.formacodes, frozenset(o.formacodes))
            for o in offers)
        self._o_sessions.extend([] for _ in offers)
        # words by field: a title's words (weight 3), a certification's not in the title (2),
        # an organism's in neither (1). Offers are grouped by title and certification, and by
        # organism, so that each group's words are read once and its slots added at once.
        by_text: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
        by_organism: defaultdict[str, list[int]] = defaultdict(list)
        for slot, offer in enumerate(offers, start=first):
            certification = offer.certification
            by_text[(offer.title, "" if certification is None else certification.title)].append(
                slot)
            by_organism[offer.organism.name].append(slot)
        texts: dict[str, tuple[str, ...]] = {}

        def words_of(text: str) -> tuple[str, ...]:
            found = texts.get(text)
            if found is None:
                found = texts[text] = tuple(dict.fromkeys(words(text)))
            return found

        postings: defaultdict[tuple[str, int], list[int]] = defaultdict(list)
        named: list[tuple[tuple[str, ...], tuple[str, ...]]] = [((), ())] * len(offers)
        for (title, cert), slots in by_text.items():
            title_words, cert_words = words_of(title), words_of(cert)
            for word in title_words:
                postings[(word, _TITLE)].extend(slots)
            for word in cert_words:
                if word not in title_words:
                    postings[(word, _CERTIFICATION)].extend(slots)
            pair = (title_words, cert_words)
            for slot in slots:
                named[slot - first] = pair
        fields_of: list[_Fields] = [((), (), ())] * len(offers)
        for organism, slots in by_organism.items():
            organism_words = words_of(organism)
            plain = []
            shared: dict[int, bool] = {}  # by the pair of word tuples (shared by their group)
            for slot in slots:
                pair = named[slot - first]
                title_words, cert_words = pair
                fields_of[slot - first] = (title_words, cert_words, organism_words)
                overlaps = shared.get(id(pair))
                if overlaps is None:
                    overlaps = shared[id(pair)] = any(
                        w in title_words or w in cert_words for w in organism_words)
                if overlaps:
                    for word in organism_words:
                        if word not in title_words and word not in cert_words:
                            postings[(word, _ORGANISM)].append(slot)
                else:
                    plain.append(slot)
            for word in organism_words:
                postings[(word, _ORGANISM)].extend(plain)
        self._o_fields.extend(fields_of)
        terms, counts = self._terms, self._term_sessions
        for key, slots in postings.items():
            slots.sort()
            terms[key] = array("i", slots)
            counts.setdefault(key[0], 0)
        self._vocabulary = sorted(counts)

    def _bulk_sessions(self, ordered: list[Session]) -> None:
        """The session columns of a whole catalogue (sessions in id order), in one pass each."""
        offer_slot, offers = self._offer_slot, self._o_offer
        self._s_session.extend(ordered)
        sids = list(map(attrgetter("session_id"), ordered))
        self._s_sid.extend(sids)
        slots = list(range(len(sids)))  # one int object per slot, shared by the structures
        self._slot_of.update(zip(sids, slots, strict=True))
        del sids
        self._s_offer.extend(map(offer_slot.__getitem__, map(attrgetter("offer_id"), ordered)))
        share = self._share
        days = list(map(attrgetter("start"), ordered))
        ordinal_of = {day: share(day.toordinal(), day.toordinal())
                      for day in set(days) if day is not None}
        ordinal_of[None] = _NODATE
        self._s_start.extend(map(ordinal_of.__getitem__, days))
        self._s_eligible.extend(_NO_DATES if day is None else _UNCHECKED for day in days)
        del days
        base = [share(o.price.cents, o.price.cents) if o is not None else 0 for o in offers]
        self._s_price.extend(base[o] if s.price is None else share(s.price.cents, s.price.cents)
                             for s, o in zip(ordered, self._s_offer, strict=True))
        # places: many sessions share a Place object, so each is read once
        places = list(map(attrgetter("place"), ordered))
        distinct = {id(p): p for p in places if p is not None}
        for code in sorted({p.region for p in distinct.values()}):
            self._code(self._regions, self._region_names, code)
        for code in sorted({p.department for p in distinct.values()}):
            self._code(self._departments, self._department_names, code)
        regions, departments = self._regions, self._departments
        nan = math.nan
        columns = {key: (regions[p.region], departments[p.department],
                         nan if p.latitude is None else float(p.latitude),
                         nan if p.longitude is None else float(p.longitude))
                   for key, p in distinct.items()}
        columns[id(None)] = (-1, -1, nan, nan)
        rows = list(map(columns.__getitem__, map(id, places)))
        del places, distinct
        self._s_region.extend(map(itemgetter(0), rows))
        self._s_department.extend(map(itemgetter(1), rows))
        self._s_lat.extend(map(itemgetter(2), rows))
        self._s_lon.extend(map(itemgetter(3), rows))
        del rows
        sessions_of = self._o_sessions
        for slot, offer in zip(slots, self._s_offer, strict=True):
            sessions_of[offer].append(slot)
        # how many sessions each word reaches, for choosing where a search starts
        counts = self._term_sessions
        sizes = list(map(len, sessions_of))
        for (term, _), posting in self._terms.items():
            counts[term] += sum(map(sizes.__getitem__, posting))

    def _bulk(self, offers: list[Offer], sessions: list[Session]) -> None:
        """Build from scratch, with the cyclic garbage collector paused.

        The build makes millions of lists and tuples, none of them garbage, and each pass of
        the collector would walk the whole catalogue for nothing; it is switched back on (if it
        was) when the build ends, even by an error.
        """
        paused = gc.isenabled()
        gc.disable()
        try:
            self._build(offers, sessions)
        finally:
            if paused:
                gc.enable()

    def _build(self, offers: list[Offer], sessions: list[Session]) -> None:
        """Build from scratch: slots in id order, every posting filled in its final order."""
        self._check_new(offers, sessions)
        self._bulk_offers(sorted(offers, key=attrgetter("offer_id")))
        ordered = sorted(sessions, key=attrgetter("session_id"))
        self._bulk_sessions(ordered)
        count = len(ordered)
        if not count:
            return
        # slots are in session-id order here, so (key, slot) orders as (key, session id)
        starts, prices = self._s_start, self._s_price
        # a stable sort of slots by key keeps the slot (session id) order among equal keys
        by_start = array("i", sorted(range(count), key=starts.__getitem__))
        by_price = array("i", sorted(range(count), key=prices.__getitem__))
        start_of, price_of = starts.__getitem__, prices.__getitem__
        self._by_date[_ALL] = SortedPosting("i", map(start_of, by_start), by_start)
        self._by_price[_ALL] = SortedPosting("q", map(price_of, by_price), by_price)
        regions, departments = self._s_region, self._s_department
        region_names, department_names = self._region_names, self._department_names
        for code, slots in split_by_code(by_start, regions, len(region_names)):
            self._by_date[("r", region_names[code])] = SortedPosting("i", map(start_of, slots), slots)
        for code, slots in split_by_code(by_price, regions, len(region_names)):
            self._by_price[("r", region_names[code])] = SortedPosting("q", map(price_of, slots), slots)
        for code, slots in split_by_code(by_start, departments, len(department_names)):
            self._by_date[("d", department_names[code])] = SortedPosting(
                "i", map(start_of, slots), slots)
        # Formacodes, alone and with the region: each offer's set of codes (a few hundred
        # sets) has the appenders of its codes' lists, so one pass fills them all in order
        offer_of, formacodes = self._s_offer, self._o_formacodes
        set_ids: dict[frozenset[str], int] = {}
        offer_set = [set_ids.setdefault(codes, len(set_ids)) for codes in formacodes]
        session_set = [offer_set[o] for o in offer_of]
        sets = [sorted(codes) for codes in set_ids]
        themes: dict[str, list[int]] = {code: [] for codes in sets for code in codes}
        theme_appends = [tuple(themes[code].append for code in codes) for codes in sets]
        regions_count = len(region_names)
        pairs: dict[tuple[str, int], list[int]] = {}
        pair_appends: list[tuple[Callable[[int], None], ...]] = []
        for codes in sets:
            for region in range(regions_count):
                pair_appends.append(tuple(
                    pairs.setdefault((code, region), []).append for code in codes))
        for slot in by_start:
            set_id = session_set[slot]
            for append in theme_appends[set_id]:
                append(slot)
            region = regions[slot]
            if region >= 0:
                for append in pair_appends[set_id * regions_count + region]:
                    append(slot)
        for theme, slots in themes.items():
            self._by_date[("f", theme)] = SortedPosting("i", map(start_of, slots), slots)
        for (theme, region), slots in pairs.items():
            if slots:
                self._by_date[("fr", theme, region_names[region])] = SortedPosting(
                    "i", map(start_of, slots), slots)
        # cells of the grid, for the places with coordinates
        cell_ids: dict[tuple[str, int, int], int] = {}
        lats, lons = self._s_lat, self._s_lon
        cell_codes = [-1 if region < 0 or lat != lat  # NaN: no coordinates
                      else cell_ids.setdefault(cell_of(lat, lon), len(cell_ids))
                      for region, lat, lon in zip(regions, lats, lons, strict=True)]
        cells = list(cell_ids)
        for code, slots in split_by_code(by_start, cell_codes, len(cells)):
            self._by_date[cells[code]] = SortedPosting("i", map(start_of, slots), slots)

    # -- searching -----------------------------------------------------------------------------
    def search(self, query: Query, *, on: date | None = None) -> SearchResults:
        """The sessions matching ``query``: one page of hits, the total and the facets.

        Args:
            query: what to look for.
            on: the day ``eligible_only`` applies the eligibility rules on; by default each
                session's own start day (and sessions without dates are then left out).

        Raises:
            InvalidValue: ``query`` is not a :class:`Query`, ``on`` not a date.
        """
        if not isinstance(query, Query):
            raise InvalidValue(f"search() takes a Query, got {query!r}")
        if on is not None:
            check_date(on, "on")
        plan = self._compile(query, on)
        if plan is None:
            return SearchResults(query, (), _empty_facets(query), 0)
        return self._execute(query, plan)

    def matching(self, query: Query, *, on: date | None = None, limit: int | None = None,
                 undated: bool = False) -> tuple[SessionId, ...]:
        """The ids of every session matching ``query``, in the order of its sort, at once.

        What :meth:`search` would return page after page (the same sessions in the same order),
        but in one pass and as bare ids, without the hits, the total nor the facets: the text
        search and the filters run once, however many sessions match. ``query.page``,
        ``query.page_size`` and ``query.facets`` are ignored. For a caller that reads many
        matches in order and may stop early (:func:`formation.matching.recommend`), ``limit``
        bounds the work: only the first ``limit`` are put in order.

        Args:
            query: what to look for.
            on: as for :meth:`search`.
            limit: at most this many ids, the first in the order of the sort; ``None`` for all.
            undated: only the sessions without dates (which every date bound leaves out, and
                which ``Sort.START_DATE`` puts last); the query must then have no date bound.

        Raises:
            InvalidValue: ``query`` is not a :class:`Query`, ``on`` not a date, ``limit`` not
                a positive int, or ``undated`` with a date bound.

        >>> from formation.testing.catalog import synthetic_catalog
        >>> index = CatalogIndex(*synthetic_catalog(300, seed=5))
        >>> query = Query(text="anglais", sort=Sort.START_DATE, page_size=7, page=2)
        >>> ids = index.matching(query)
        >>> len(ids) == index.search(query).total, ids[7:14] == tuple(
        ...     h.session.session_id for h in index.search(query).hits)
        (True, True)
        >>> index.matching(query, limit=3) == ids[:3]
        True
        """
        if not isinstance(query, Query):
            raise InvalidValue(f"matching() takes a Query, got {query!r}")
        if on is not None:
            check_date(on, "on")
        if limit is not None and (type(limit) is not int or limit < 1):
            raise InvalidValue(f"limit must be a positive int or None, got {limit!r}")
        if undated and (query.start_from is not None or query.start_until is not None):
            raise InvalidValue("undated=True takes a query without start_from nor start_until")
        plan = self._compile(query, on)
        if plan is None:
            return ()
        if undated:  # the key of the sessions without dates, in the date postings too
            plan.date_low = plan.date_high = _NODATE
        score = self._scorer(list(plan.words))
        near = plan.near
        sort = query.sort
        if sort is Sort.RELEVANCE and not query.words:
            sort = Sort.START_DATE
        slots = self._all_matches(query, plan, limit if sort is Sort.START_DATE else None)
        needed = len(slots) if limit is None else min(limit, len(slots))
        if sort is Sort.START_DATE:
            starts = self._s_start
            if needed < len(slots):
                last = heapq.nsmallest(needed, map(starts.__getitem__, slots))[-1]
                slots = [s for s in slots if starts[s] <= last]
            # two stable sorts with keys read in C: by session id, then by start day
            slots.sort(key=self._s_sid.__getitem__)
            slots.sort(key=starts.__getitem__)
            del slots[needed:]
        else:
            distances = self._distances(slots, near) if near is not None else None
            slots = self._top(slots, sort, needed, score, distances)
        return tuple(map(self._s_sid.__getitem__, slots))  # type: ignore[arg-type]

    def _all_matches(self, query: Query, plan: _Plan, soonest: int | None = None) -> list[int]:
        """Every slot matching ``plan``, in no particular order, from the smallest source.

        With ``soonest``, the result may instead be only the first ``soonest`` matches in
        start order (start day, then session id), already in that order: when the text
        search leaves many more sessions than that, reading the start-day posting in order
        among the offers it found stops much sooner than filtering them all.
        """
        sources = self._posting_sources(query, plan)
        driver = min(sources, key=lambda g: g[0])
        text: tuple[int, str, bool] | None = min(
            ((sum(self._term_sessions[t] for t in self._terms_of(w, p)), w, p)
             for w, p in plan.words), default=None)
        if text is None or text[0] >= driver[0]:
            slots = self._materialize(driver)
            self._cover(plan, driver[1])
            return self._filter(slots, plan)
        offers = list(chain.from_iterable(
            kept for _, kept in self._text_offers(plan, text[1], text[2])))
        sessions = self._o_sessions
        # about how many sessions the offers have (the catalogue's mean per offer)
        count = len(offers) * len(self._slot_of) // max(1, len(self._offer_slot))
        if soonest is None or count < 4 * soonest:
            return self._filter(list(chain.from_iterable(map(sessions.__getitem__, offers))),
                                plan)
        return self._soonest(plan, offers, count, soonest)

    def _soonest(self, plan: _Plan, offers: list[int], count: int, needed: int) -> list[int]:
        """The first ``needed`` sessions of ``offers`` matching ``plan``, in start order, read
        from the start-day posting of the whole catalogue in chunks (``count``: about how many
        sessions ``offers`` have).

        When the other filters keep so few that this reads more than twice ``count`` entries,
        it gives up and returns every match of the offers' sessions instead, in no order."""
        posting = self._by_date[_ALL]
        date_low, date_high = plan.date_low, plan.date_high
        i, j = posting.bounds(date_low, date_high)
        plan.date_low = plan.date_high = None
        sessions, offer_of, having = self._o_sessions, self._s_offer, set(offers)
        found: list[int] = []
        chunk = _chunk(needed, count / max(1, len(posting)))
        read = 0
        while len(found) < needed and i < j:
            if read + min(chunk, j - i) > 2 * count:
                plan.date_low, plan.date_high = date_low, date_high
                return self._filter(list(chain.from_iterable(map(sessions.__getitem__, offers))),
                                    plan)
            high = min(j, i + chunk)
            part = [s for s in posting.slice(i, high) if offer_of[s] in having]
            found.extend(self._filter(part, plan))
            read += high - i
            i = high
            chunk = _chunk(needed - len(found), len(found) / read)
        return found[:needed]

    def _compile(self, query: Query, on: date | None) -> _Plan | None:
        """Turn ``query`` into the codes of the index; ``None`` when nothing can match."""
        plan = _Plan()
        if query.regions:
            plan.regions = frozenset(self._regions[r] for r in query.regions
                                     if r in self._regions)
            if not plan.regions:
                return None
        if query.departments:
            plan.departments = frozenset(self._departments[d] for d in query.departments
                                         if d in self._departments)
            if not plan.departments:
                return None
        if query.formacodes:
            plan.formacodes = frozenset(query.formacodes)
        if query.modalities:
            plan.offer_codes.append(
                (self._o_modality, frozenset(_MODALITY_CODE[m] for m in query.modalities)))
        if query.registries:
            plan.offer_codes.append(
                (self._o_registry, frozenset(_REGISTRY_CODE[r] for r in query.registries)))
        if query.action_types:
            plan.offer_codes.append(
                (self._o_action, frozenset(_ACTION_CODE[a] for a in query.action_types)))
        if query.duration_min is not None or query.duration_max is not None:
            plan.durations = range(query.duration_min or 0,
                                   2**31 - 1 if query.duration_max is None
                                   else query.duration_max + 1)
        if query.min_rating is not None:
            plan.min_rating = float(query.min_rating)
        found = query.words
        plan.words = [(word, i == len(found) - 1) for i, word in enumerate(found)]
        for word, prefix in plan.words:
            if not self._terms_of(word, prefix):
                return None
        if query.start_from is not None or query.start_until is not None:
            plan.date_low = -1 if query.start_from is None else query.start_from.toordinal()
            plan.date_high = (_NODATE - 1 if query.start_until is None
                              else query.start_until.toordinal())
        if query.price_min is not None or query.price_max is not None:
            plan.price_low = 0 if query.price_min is None else query.price_min.cents
            plan.price_high = 2**62 if query.price_max is None else query.price_max.cents
        plan.near = query.near
        if query.eligible_only:
            plan.eligible_on = on if on is not None else True
        return plan

    def _terms_of(self, word: str, prefix: bool) -> list[str]:
        """The indexed terms a query word stands for: itself, or those it begins."""
        if not prefix:
            return [word] if self._term_sessions.get(word) else []
        vocabulary, counts = self._vocabulary, self._term_sessions
        i = bisect_left(vocabulary, word)
        found = []
        while i < len(vocabulary) and vocabulary[i].startswith(word):
            if counts[vocabulary[i]]:
                found.append(vocabulary[i])
            i += 1
        return found

    def _execute(self, query: Query, plan: _Plan) -> SearchResults:
        needed = query.page * query.page_size
        sort = query.sort
        if sort is Sort.RELEVANCE and not plan.words:
            sort = Sort.START_DATE
        sources = self._posting_sources(query, plan)
        driver = min(sources, key=lambda g: g[0])
        text: tuple[int, str, bool] | None = min(
            ((sum(self._term_sessions[t] for t in self._terms_of(w, p)), w, p)
             for w, p in plan.words), default=None)
        use_text = text is not None and text[0] < driver[0]
        if not query.facets and not use_text and sort in (
                Sort.START_DATE, Sort.PRICE_ASC, Sort.PRICE_DESC):
            walk = self._walk_source(sort, plan, driver, needed)
            if walk is not None:
                return self._walk(query, plan, needed, *walk)
        words_ = list(plan.words)
        tiers: list[tuple[int, list[int]]]
        if use_text:
            assert text is not None
            tiers = self._text_candidates(plan, text[1], text[2])
        else:
            tiers = [(0, self._materialize(driver))]
            self._cover(plan, driver[1])
        tiers = [(weight, self._filter(slots, plan)) for weight, slots in tiers]
        matches = list(chain.from_iterable(slots for _, slots in tiers))
        facets = self._facets(query, matches)
        distances = self._distances(matches, plan.near) if plan.near is not None else None
        score = self._scorer(words_)
        if sort is Sort.RELEVANCE and use_text and len(words_) == 1:
            # one word: its weight is the whole score, the same across a tier
            page: list[int] = []
            for _, slots in sorted(tiers, key=lambda t: -t[0]):
                if len(page) >= needed:
                    break
                page.extend(self._top(slots, Sort.START_DATE, needed - len(page), score, None))
        else:
            page = self._top(matches, sort, needed, score, distances)
        hits = self._hits(page[needed - query.page_size:needed], plan, score, distances)
        return SearchResults(query, hits, facets, len(matches))

    # candidate sources ------------------------------------------------------------------------
    def _posting_sources(self, query: Query, plan: _Plan) -> list[_Source]:
        """Each filter with sorted postings: (sessions in the date range, what it covers, slices)."""
        low, high = plan.date_low, plan.date_high
        out: list[_Source] = []

        def source(keys: Iterable[_Key], covers: tuple[str, ...]) -> None:
            slices = []
            size = 0
            for key in keys:
                posting = self._by_date.get(key)
                if posting is not None:
                    i, j = posting.bounds(low, high)
                    if j > i:
                        slices.append((posting, i, j))
                        size += j - i
            out.append((size, covers, slices))

        source([_ALL], ("dates",))
        if query.regions:
            source([("r", r) for r in query.regions], ("dates", "regions"))
        if query.departments:
            source([("d", d) for d in query.departments], ("dates", "departments"))
        if query.formacodes:
            source([("f", f) for f in query.formacodes], ("dates", "formacodes"))
            if query.regions:
                source([("fr", f, r) for f in query.formacodes for r in query.regions],
                       ("dates", "formacodes", "regions"))
        if query.near is not None:
            near = query.near
            source(cells_near(near.latitude, near.longitude, near.radius_km), ("dates",))
        return out

    @staticmethod
    def _materialize(driver: _Source) -> list[int]:
        slices = driver[2]
        if len(slices) == 1:
            posting, i, j = slices[0]
            return posting.slice(i, j)
        combined = list(chain.from_iterable(p.slice(i, j) for p, i, j in slices))
        if "formacodes" in driver[1]:
            combined = list(dict.fromkeys(combined))  # an offer may have several of the codes
        return combined

    @staticmethod
    def _cover(plan: _Plan, covers: tuple[str, ...]) -> None:
        """Drop the filters the driver has applied."""
        if "dates" in covers:
            plan.date_low = plan.date_high = None
        if "regions" in covers:
            plan.regions = None
        if "departments" in covers:
            plan.departments = None
        if "formacodes" in covers:
            plan.formacodes = None

    def _text_candidates(self, plan: _Plan, word: str,
                         prefix: bool) -> list[tuple[int, list[int]]]:
        """The sessions of the offers having ``word``, by its weight, offer filters applied."""
        sessions = self._o_sessions
        return [(weight, list(chain.from_iterable(map(sessions.__getitem__, kept))))
                for weight, kept in self._text_offers(plan, word, prefix)]

    def _text_offers(self, plan: _Plan, word: str,
                     prefix: bool) -> list[tuple[int, list[int]]]:
        """The offers having ``word``, by its weight, with the offer filters (and the other
        words) applied; these filters are then dropped from ``plan``."""
        by_offer: dict[int, int] = {}
        tiers: list[tuple[int, Sequence[int]]] = []
        terms = self._terms_of(word, prefix)
        for weight in _WEIGHTS:
            postings = [p for t in terms if (p := self._terms.get((t, weight)))]
            if len(terms) == 1:
                if postings:
                    tiers.append((weight, postings[0]))
                continue
            for posting in postings:  # several terms: an offer counts at its best weight
                for offer_slot in posting:
                    if by_offer.get(offer_slot, 0) < weight:
                        by_offer[offer_slot] = weight
        if len(terms) > 1:
            tiers = [(weight, [o for o, w in by_offer.items() if w == weight])
                     for weight in _WEIGHTS]
        plan.words = [(w, p) for w, p in plan.words if (w, p) != (word, prefix)]
        out = [(weight, self._offer_filter(list(offers), plan)) for weight, offers in tiers]
        plan.words = []
        plan.offer_codes = []
        plan.durations = None
        plan.formacodes = None
        plan.min_rating = None
        return out

    def _offer_filter(self, offers: list[int], plan: _Plan) -> list[int]:
        for column, allowed in plan.offer_codes:
            offers = [o for o in offers if column[o] in allowed]
        if plan.durations is not None:
            low, high, hours = plan.durations.start, plan.durations.stop - 1, self._o_duration
            offers = [o for o in offers if low <= hours[o] <= high]
        if plan.formacodes is not None:
            codes, formacodes = plan.formacodes, self._o_formacodes
            offers = [o for o in offers if not codes.isdisjoint(formacodes[o])]
        if plan.min_rating is not None:
            least, means = plan.min_rating, self._o_mean
            offers = [o for o in offers if means[o] >= least]
        fields = self._o_fields
        for word, prefix in plan.words:
            offers = [o for o in offers if _weight(fields[o], word, prefix)]
        return offers

    # filtering --------------------------------------------------------------------------------
    def _filter(self, slots: list[int], plan: _Plan) -> list[int]:
        """The slots that pass every filter left in ``plan``, in the same order.

        Each filter is one list comprehension over the slots left: whole lists at a time.
        """
        offer_of = self._s_offer
        if plan.date_low is not None and plan.date_high is not None:
            low, high, starts = plan.date_low, plan.date_high, self._s_start
            slots = [s for s in slots if low <= starts[s] <= high]
        if plan.price_low is not None and plan.price_high is not None:
            low, high, prices = plan.price_low, plan.price_high, self._s_price
            slots = [s for s in slots if low <= prices[s] <= high]
        if plan.near is not None:  # a box around the circle first: two comparisons a slot
            lat_low, lat_high, lon_low, lon_high = _box(plan.near)
            lats, lons = self._s_lat, self._s_lon
            if lon_low <= lon_high:
                slots = [s for s in slots if lat_low <= lats[s] <= lat_high
                         and lon_low <= lons[s] <= lon_high]
            else:
                slots = [s for s in slots if lat_low <= lats[s] <= lat_high]
        for allowed, column in ((plan.regions, self._s_region),
                                (plan.departments, self._s_department)):
            if allowed is not None:
                if len(allowed) == 1:
                    (only,) = allowed
                    slots = [s for s in slots if column[s] == only]
                else:
                    slots = [s for s in slots if column[s] in allowed]
        for offer_column, codes in plan.offer_codes:
            slots = [s for s in slots if offer_column[offer_of[s]] in codes]
        if plan.durations is not None:
            low, high = plan.durations.start, plan.durations.stop - 1
            hours = self._o_duration
            slots = [s for s in slots if low <= hours[offer_of[s]] <= high]
        if plan.formacodes is not None:
            themes, formacodes = plan.formacodes, self._o_formacodes
            slots = [s for s in slots if not themes.isdisjoint(formacodes[offer_of[s]])]
        if plan.min_rating is not None:
            least, means = plan.min_rating, self._o_mean
            slots = [s for s in slots if means[offer_of[s]] >= least]
        for word, prefix in plan.words:
            terms = self._terms_of(word, prefix)
            having = self._offers_having(terms, len(slots))
            if having is None:  # whether the offer holds one of the terms, in any field
                every = frozenset(terms)
                fields = self._o_fields
                slots = [s for s in slots
                         if not (every.isdisjoint((f := fields[offer_of[s]])[0])
                                 and every.isdisjoint(f[1]) and every.isdisjoint(f[2]))]
            else:
                slots = [s for s in slots if offer_of[s] in having]
        if plan.near is not None:
            near = plan.near
            lat, lon, radius = near.latitude, near.longitude, near.radius_km
            lats, lons = self._s_lat, self._s_lon
            slots = [s for s in slots
                     if not math.isnan(lats[s])
                     and haversine_km(lat, lon, lats[s], lons[s]) <= radius]
        if plan.eligible_on is not False:
            slots = self._eligible_filter(slots, plan.eligible_on)
        return slots

    def _offers_having(self, terms: list[str], slots: int) -> set[int] | None:
        """The offer slots having one of ``terms`` (at any weight), from the word postings;
        ``None`` when these postings are longer than ``slots`` (the sessions to filter) and
        reading each session's offer's words is then cheaper.

        A session's offer has a word (:func:`_weight` above 0) exactly when it has one of the
        terms :meth:`_terms_of` gives for it: those are the indexed words it is or begins,
        each held by at least one session."""
        postings = [posting for term in terms for weight in _WEIGHTS
                    if (posting := self._terms.get((term, weight)))]
        if sum(map(len, postings)) > slots:
            return None
        return set(chain.from_iterable(postings))

    def _eligible_filter(self, slots: list[int], on: date | bool) -> list[int]:
        offers, offer_of = self._o_offer, self._s_offer
        if on is True:
            flags, starts = self._s_eligible, self._s_start
            for slot in slots:
                if flags[slot] == _UNCHECKED:  # checked once, on the session's start day
                    offer = offers[offer_of[slot]]
                    assert offer is not None
                    flags[slot] = self._eligible(offer, date.fromordinal(starts[slot]))
            return [s for s in slots if flags[s] == 1]
        assert isinstance(on, date)
        verdicts: dict[int, bool] = {}
        out = []
        for slot in slots:
            offer_slot = offer_of[slot]
            verdict = verdicts.get(offer_slot)
            if verdict is None:
                offer = offers[offer_slot]
                assert offer is not None
                verdict = verdicts[offer_slot] = self._eligible(offer, on)
            if verdict:
                out.append(slot)
        return out

    # reading a sorted posting in order ----------------------------------------------------------
    def _walk_source(self, sort: Sort, plan: _Plan, driver: _Source,
                     needed: int) -> tuple[SortedPosting, int, int, bool, float] | None:
        """A sorted posting to read in the order of ``sort``, stopping when the page is full,
        with the share of its entries expected to match."""
        if sort is Sort.START_DATE:
            if len(driver[2]) > 1:
                return None
            self._cover(plan, driver[1])
            if not driver[2]:
                return self._by_date[_ALL], 0, 0, False, 1.0
            posting, i, j = driver[2][0]
            return posting, i, j, False, 0.5
        size = driver[0]
        if size <= _WALK_MIN:
            return None
        key: _Key = _ALL
        if plan.regions is not None and len(plan.regions) == 1:
            key = ("r", self._region_names[next(iter(plan.regions))])
        found = self._by_price.get(key)
        if found is None:  # pragma: no cover - a known region has a price posting
            return None
        posting = found
        i, j = posting.bounds(plan.price_low, plan.price_high)
        # the matches expected in the price range if the filters are independent
        estimate = size * (j - i) / max(1, len(posting))
        if estimate < 1 or needed * (j - i) / estimate > size:
            return None
        plan.price_low = plan.price_high = None
        if key != _ALL:
            plan.regions = None
        return posting, i, j, sort is Sort.PRICE_DESC, estimate / max(1, j - i)

    def _walk(self, query: Query, plan: _Plan, needed: int, posting: SortedPosting,
              i: int, j: int, descending: bool, rate: float) -> SearchResults:
        read_slots = posting.slice
        score = self._scorer(plan.words)
        found: list[int] = []
        total: int | None = None
        if not _has_filters(plan):
            if descending:
                position = max(i, j - needed)
                found = read_slots(position, j)[::-1]
            else:
                position = min(j, i + needed)
                found = read_slots(i, position)
            total = j - i
        else:
            position = j if descending else i
            chunk = _chunk(needed, rate)
            read = 0
            while len(found) < needed and (position > i if descending else position < j):
                if descending:
                    low = max(i, position - chunk)
                    part = read_slots(low, position)[::-1]
                    position = low
                else:
                    high = min(j, position + chunk)
                    part = read_slots(position, high)
                    position = high
                found.extend(self._filter(part, plan))
                read += len(part)
                # read about what the rate seen so far says the rest of the page needs
                chunk = _chunk(needed - len(found), len(found) / read)
            if position == (i if descending else j):
                total = len(found)
        if descending and found:
            found, position = self._descending_ties(found, needed, posting, i, position, plan)
            if total is None and position == i:
                total = len(found)
        hits = self._hits(found[needed - query.page_size:needed], plan, score, None)
        if total is not None:
            return SearchResults(query, hits, _empty_facets(query), total)
        seen, low, high = len(found), (i if descending else position), (
            position if descending else j)

        def count() -> int:
            step = 1 << 16
            return seen + sum(len(self._filter(read_slots(k, min(high, k + step)), plan))
                              for k in range(low, high, step))

        results = SearchResults(query, hits, _empty_facets(query), None, count)
        self._pending.add(results)
        return results

    def _descending_ties(self, found: list[int], needed: int, posting: SortedPosting, i: int,
                         position: int, plan: _Plan) -> tuple[list[int], int]:
        """Read backward, equal prices come by descending session id: read the rest of the
        last price's run, put the matches back in order; return them and where reading
        stopped."""
        prices, sids = self._s_price, self._s_sid
        last = prices[found[min(needed, len(found)) - 1]]
        start = posting.first_at_least(last, i, position)
        if start < position:  # the rest of the boundary price's run, not read yet
            found = found + self._filter(posting.slice(start, position), plan)
            position = start
        return sorted(found, key=lambda s: (-prices[s], sids[s])), position

    # ranking, facets, hits ----------------------------------------------------------------------
    def _scorer(self, query_words: list[tuple[str, bool]]) -> Callable[[int], int]:
        """The text score of an offer slot, remembered for the search."""
        if not query_words:
            return _zero
        fields = self._o_fields
        cache: dict[int, int] = {}

        def score(offer_slot: int) -> int:
            found = cache.get(offer_slot)
            if found is None:
                found = cache[offer_slot] = sum(
                    _weight(fields[offer_slot], w, p) for w, p in query_words)
            return found

        return score

    def _top(self, matches: list[int], sort: Sort, needed: int, score: Callable[[int], int],
             distances: dict[int, float] | None) -> list[int]:
        """The first ``needed`` matches in the order of ``sort``, ties by session id.

        The order is a first key (price, day, rating, score or distance), for some sorts a
        second (the start day), then the session id. Only the matches that can reach the page
        are given the whole key: those whose first key is at most the ``needed``-th smallest.
        """
        if not matches or needed <= 0:
            return []
        starts = self._s_start
        offer_of = self._s_offer
        first: list[Any]
        second = False
        if sort is Sort.PRICE_ASC:
            first = list(map(self._s_price.__getitem__, matches))
        elif sort is Sort.PRICE_DESC:
            first = [-p for p in map(self._s_price.__getitem__, matches)]
        elif sort is Sort.START_DATE:
            first = list(map(starts.__getitem__, matches))
        elif sort is Sort.RATING:
            first = list(map(self._o_rating.__getitem__, map(offer_of.__getitem__, matches)))
            second = True
        elif sort is Sort.DISTANCE:
            assert distances is not None
            first = list(map(distances.__getitem__, matches))
        else:
            first = [-score(o) for o in map(offer_of.__getitem__, matches)]
            second = True
        chosen: Sequence[int] = range(len(first))
        if len(first) > needed:
            threshold = heapq.nsmallest(needed, first)[-1]
            chosen = [k for k, key in enumerate(first) if key <= threshold]
            if second and len(chosen) > needed:
                # many ties on the first key: keep those the start day lets reach the page
                better = [k for k in chosen if first[k] < threshold]
                tied = [k for k in chosen if first[k] == threshold]
                room = needed - len(better)
                days = [starts[matches[k]] for k in tied]
                latest = heapq.nsmallest(room, days)[-1]
                chosen = better + [k for k, day in zip(tied, days, strict=True) if day <= latest]
        sids = self._s_sid
        if second:
            ranked = sorted(chosen, key=lambda k: (first[k], starts[matches[k]],
                                                   sids[matches[k]]))
        else:
            ranked = sorted(chosen, key=lambda k: (first[k], sids[matches[k]]))
        return [matches[k] for k in ranked[:needed]]

    def _distances(self, matches: list[int], near: Near) -> dict[int, float]:
        lats, lons = self._s_lat, self._s_lon
        lat, lon = near.latitude, near.longitude
        return {s: haversine_km(lat, lon, lats[s], lons[s]) for s in matches}

    def _facets(self, query: Query, matches: list[int]) -> Mapping[str, Mapping[str, int]]:
        if not query.facets:
            return _empty_facets(query)
        out: dict[str, Mapping[str, int]] = {}
        per_offer: Counter[int] | None = None
        for name in query.facets:
            counts: Counter[str] = Counter()
            if name == "region":
                names = self._region_names
                for code, n in Counter(map(self._s_region.__getitem__, matches)).items():
                    if code >= 0:
                        counts[names[code]] = n
            elif name == "price_band":
                limits = _BAND_LIMITS
                for band, n in Counter(bisect_right(limits, p) for p in
                                       map(self._s_price.__getitem__, matches)).items():
                    counts[_BAND_LABELS[band]] = n
            else:
                if per_offer is None:
                    per_offer = Counter(map(self._s_offer.__getitem__, matches))
                for offer_slot, n in per_offer.items():
                    if name == "modality":
                        counts[_MODALITIES[self._o_modality[offer_slot]].value] += n
                    elif name == "registry":
                        registry = _REGISTRIES[self._o_registry[offer_slot]]
                        if registry is not None:
                            counts[registry.value] += n
                    else:
                        for theme in self._o_formacodes[offer_slot]:
                            counts[theme] += n
            out[name] = MappingProxyType(
                dict(sorted(counts.items(), key=lambda item: (-item[1], item[0]))))
        return MappingProxyType(out)

    def _hits(self, page: Sequence[int], plan: _Plan, score: Callable[[int], int],
              distances: dict[int, float] | None) -> tuple[Hit, ...]:
        sessions, offers, offer_of = self._s_session, self._o_offer, self._s_offer
        near = plan.near
        hits = []
        for slot in page:
            offer_slot = offer_of[slot]
            distance = None
            if near is not None:
                distance = (distances[slot] if distances is not None
                            else haversine_km(near.latitude, near.longitude,
                                              self._s_lat[slot], self._s_lon[slot]))
            hits.append(Hit(offers[offer_slot], sessions[slot],  # type: ignore[arg-type]
                            float(score(offer_slot)), distance))
        return tuple(hits)


def _check_rating(offer_id: str, mean: float | Fraction | None, count: int,
                  score: float | Fraction | None = None, *,
                  prior: RatingPrior) -> tuple[float, int, float]:
    """``(mean, count, ranking score)`` as floats, checked; the score worked out if not given."""
    if type(count) is not int or count < 0:
        raise InvalidValue(
            f"the rating count of {offer_id!r} must be a non-negative int, got {count!r}")
    if score is not None and (isinstance(score, bool) or not isinstance(
            score, (int, float, Fraction)) or not 1 <= score <= 5):
        raise InvalidValue(
            f"the ranking score of {offer_id!r} must be from 1 to 5, got {score!r}")
    if count == 0:
        if mean is not None:
            raise InvalidValue(f"the rating of {offer_id!r} has a mean {mean!r} but no review")
        return _NO_RATING
    if mean is None:
        raise InvalidValue(f"the rating of {offer_id!r} has {count} reviews but no mean")
    if isinstance(mean, bool) or not isinstance(mean, (int, float, Fraction)) or not (
            1 <= mean <= 5):
        raise InvalidValue(f"the rating mean of {offer_id!r} must be from 1 to 5, got {mean!r}")
    if score is None:
        score = bayesian_average(Fraction(mean), count, prior)
    return float(mean), count, float(score)


def _best_weights(fields: _Fields) -> dict[str, int]:
    """Each word of an offer with the weight of the best field holding it."""
    title, certification, organism = fields
    out = dict.fromkeys(organism, _ORGANISM)
    out.update(dict.fromkeys(certification, _CERTIFICATION))
    out.update(dict.fromkeys(title, _TITLE))
    return out


def _weight(fields: _Fields, word: str, prefix: bool) -> int:
    """The weight of ``word`` in an offer: 3 title, 2 certification, 1 organism, 0 absent."""
    for weight, terms in zip(_WEIGHTS, fields, strict=True):
        if word in terms or (prefix and any(t.startswith(word) for t in terms)):
            return weight
    return 0


def _box(near: Near) -> tuple[float, float, float, float]:
    """Latitudes and longitudes (degrees) of a box holding the circle of ``near``, with a margin
    for rounding; longitudes ``(1, 0)`` (an empty range) when the box would wrap around the
    antimeridian or reach a pole, where only latitudes are bounded."""
    dlat = latitude_span_deg(near.radius_km) * (1 + 1e-9) + 1e-9
    dlon = longitude_span_deg(near.latitude, near.radius_km) * (1 + 1e-9) + 1e-9
    low, high = near.longitude - dlon, near.longitude + dlon
    if dlon >= 180.0 or low < -180.0 or high > 180.0:
        low, high = 1.0, 0.0
    return near.latitude - dlat, near.latitude + dlat, low, high


def _chunk(needed: int, rate: float) -> int:
    """How many entries to read next to find ``needed`` matches at ``rate``, with a margin."""
    if rate <= 0:
        return 1 << 12
    return min(1 << 16, int(needed / rate * 1.25) + 16)


def _unique(ids: list[str], what: str) -> None:
    if len(set(ids)) == len(ids):
        return
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise DuplicateEntry(f"{what} id {item!r} is given twice")
        seen.add(item)


def _has_filters(plan: _Plan) -> bool:
    return bool(
        plan.regions is not None or plan.departments is not None or plan.formacodes is not None
        or plan.offer_codes or plan.durations is not None or plan.min_rating is not None
        or plan.words or plan.date_low is not None or plan.price_low is not None
        or plan.near is not None or plan.eligible_on is not False
    )


def _zero(offer_slot: int) -> int:
    return 0


def _empty_facets(query: Query) -> Mapping[str, Mapping[str, int]]:
    return MappingProxyType({name: MappingProxyType({}) for name in query.facets})
