"""The catalogue in memory, indexed for search: :class:`CatalogIndex`.

:class:`CatalogIndex` answers a :class:`~formation.catalog.search.query.Query` (whose fields, orders, text
score and facets :mod:`formation.catalog.search.query` describes) with :class:`~formation.catalog.search.query.SearchResults`,
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
  certification (2) or organism's name (1) holds it, one array per weight;
- *sets of bits* (:mod:`formation.catalog.search._bitsets`): for a word at each weight, a
  region, a department, a Formacode, a modality, a registry, an action type, a price band or a
  cell of places, the session slots as the bits of Python integers, made the first time a
  search needs them and then kept up to date by every change.

A search with many candidates (the smallest source holds thousands of sessions) intersects the
sets of bits of its words and code filters; a total and each facet value is then one
intersection counted, relevance cuts the set by the field each word is found in, and a page in
date or price order is read from a sorted posting with the set as a filter. Otherwise a search
starts from the smallest source that applies (a posting cut to the date range, or the
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
bisection and moves the tail of one block of each (:class:`~formation.catalog.search._postings.SortedPosting`)
and flips its bit in each set of bits made;
building at once from the records sorts each list once (see ``docs/performance.md``).

>>> from formation.catalog.search.query import Query, Sort
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

import copy
import heapq
import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from itertools import chain
from types import MappingProxyType
from typing import Any

from formation.catalog.offers import Offer, Session
from formation.catalog.search import _layout
from formation.catalog.search._bitsets import (
    count,
    difference,
    intersection,
    membership,
    positions,
    union,
)
from formation.catalog.search._layout import (
    ACTION_CODE,
    ALL,
    BAND_LABELS,
    BAND_LIMITS,
    MODALITIES,
    MODALITY_CODE,
    NO_RATING,
    NODATE,
    REGISTRIES,
    REGISTRY_CODE,
    UNCHECKED,
    WALK_MIN,
    WEIGHTS,
    Key,
    Plan,
    Source,
    box_around,
    check_rating,
    check_unique,
    empty_facets,
    field_weight,
    has_filters,
    no_score,
    rating_key,
    read_size,
)
from formation.catalog.search._postings import SortedPosting, cells_near
from formation.catalog.search._store import Store
from formation.catalog.search.geo import haversine_km
from formation.catalog.search.query import (
    FACETS,
    PRICE_BANDS,
    Hit,
    Near,
    Query,
    SearchResults,
    Sort,
)
from formation.errors import InvalidValue, NotFound
from formation.ids import OfferId, SessionId
from formation.reviews import DEFAULT_PRIOR, RatingPrior
from formation.rules.rulebook import Rulebook, check_date

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

_MAX_TIERED_WORDS = 3  # up to 27 ways the words can sit in the fields


class CatalogIndex(Store):
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
        super().__init__(rulebook, DEFAULT_PRIOR if prior is None else prior)
        for offer_id, rating in (ratings or {}).items():
            if not isinstance(rating, tuple) or len(rating) not in (2, 3):
                raise InvalidValue(f"the rating of {offer_id!r} must be (mean, count) or "
                                   f"(mean, count, score), got {rating!r}")
            self._ratings[offer_id] = check_rating(offer_id, *rating, prior=self._prior)
        self._build(list(offers), list(sessions))


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
        mean, count, _ = self._ratings.get(offer_id, NO_RATING)
        return (None if count == 0 else mean), count

    def ranking_score(self, offer_id: OfferId) -> float | None:
        """The ranking score ``Sort.RATING`` orders an offer by; ``None`` without reviews."""
        _, count, score = self._ratings.get(offer_id, NO_RATING)
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
        checked = check_rating(offer_id, mean, count, score, prior=self._prior)
        self._settle()
        self._ratings[offer_id] = checked
        slot = self._offer_slot.get(offer_id)
        if slot is not None:
            self._o_mean[slot] = checked[0]
            self._o_rating[slot] = rating_key(checked[2], checked[1])

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
        check_unique([o.offer_id for o in new_offers], "offer")
        check_unique([s.session_id for s in new_sessions], "session")
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
            return SearchResults(query, (), empty_facets(query), 0)
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
            plan.date_low = plan.date_high = NODATE
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

    def _all_matches(self, query: Query, plan: Plan, soonest: int | None = None) -> list[int]:
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

    def _soonest(self, plan: Plan, offers: list[int], count: int, needed: int) -> list[int]:
        """The first ``needed`` sessions of ``offers`` matching ``plan``, in start order, read
        from the start-day posting of the whole catalogue in chunks (``count``: about how many
        sessions ``offers`` have).

        When the other filters keep so few that this reads more than twice ``count`` entries,
        it gives up and returns every match of the offers' sessions instead, in no order."""
        posting = self._by_date[ALL]
        date_low, date_high = plan.date_low, plan.date_high
        i, j = posting.bounds(date_low, date_high)
        plan.date_low = plan.date_high = None
        sessions, offer_of, having = self._o_sessions, self._s_offer, set(offers)
        found: list[int] = []
        chunk = read_size(needed, count / max(1, len(posting)))
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
            chunk = read_size(needed - len(found), len(found) / read)
        return found[:needed]

    def _compile(self, query: Query, on: date | None) -> Plan | None:
        """Turn ``query`` into the codes of the index; ``None`` when nothing can match."""
        plan = Plan()
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
                (self._o_modality, frozenset(MODALITY_CODE[m] for m in query.modalities)))
        if query.registries:
            plan.offer_codes.append(
                (self._o_registry, frozenset(REGISTRY_CODE[r] for r in query.registries)))
        if query.action_types:
            plan.offer_codes.append(
                (self._o_action, frozenset(ACTION_CODE[a] for a in query.action_types)))
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
            plan.date_high = (NODATE - 1 if query.start_until is None
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

    def _execute(self, query: Query, plan: Plan) -> SearchResults:
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
        smallest = text[0] if use_text and text is not None else driver[0]
        if smallest >= _layout.BITS_MIN and (plan.words or query.facets or plan.offer_codes
                                     or query.regions or query.departments or query.formacodes):
            return self._execute_bits(query, plan, needed, sort)
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
    def _posting_sources(self, query: Query, plan: Plan) -> list[Source]:
        """Each filter with sorted postings: (sessions in the date range, what it covers, slices)."""
        low, high = plan.date_low, plan.date_high
        out: list[Source] = []

        def source(keys: Iterable[Key], covers: tuple[str, ...]) -> None:
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

        source([ALL], ("dates",))
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
    def _materialize(driver: Source) -> list[int]:
        slices = driver[2]
        if len(slices) == 1:
            posting, i, j = slices[0]
            return posting.slice(i, j)
        combined = list(chain.from_iterable(p.slice(i, j) for p, i, j in slices))
        if "formacodes" in driver[1]:
            combined = list(dict.fromkeys(combined))  # an offer may have several of the codes
        return combined

    @staticmethod
    def _cover(plan: Plan, covers: tuple[str, ...]) -> None:
        """Drop the filters the driver has applied."""
        if "dates" in covers:
            plan.date_low = plan.date_high = None
        if "regions" in covers:
            plan.regions = None
        if "departments" in covers:
            plan.departments = None
        if "formacodes" in covers:
            plan.formacodes = None

    def _text_candidates(self, plan: Plan, word: str,
                         prefix: bool) -> list[tuple[int, list[int]]]:
        """The sessions of the offers having ``word``, by its weight, offer filters applied."""
        sessions = self._o_sessions
        return [(weight, list(chain.from_iterable(map(sessions.__getitem__, kept))))
                for weight, kept in self._text_offers(plan, word, prefix)]

    def _text_offers(self, plan: Plan, word: str,
                     prefix: bool) -> list[tuple[int, list[int]]]:
        """The offers having ``word``, by its weight, with the offer filters (and the other
        words) applied; these filters are then dropped from ``plan``."""
        by_offer: dict[int, int] = {}
        tiers: list[tuple[int, Sequence[int]]] = []
        terms = self._terms_of(word, prefix)
        for weight in WEIGHTS:
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
                     for weight in WEIGHTS]
        plan.words = [(w, p) for w, p in plan.words if (w, p) != (word, prefix)]
        out = [(weight, self._offer_filter(list(offers), plan)) for weight, offers in tiers]
        plan.words = []
        plan.offer_codes = []
        plan.durations = None
        plan.formacodes = None
        plan.min_rating = None
        return out

    def _offer_filter(self, offers: list[int], plan: Plan) -> list[int]:
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
            offers = [o for o in offers if field_weight(fields[o], word, prefix)]
        return offers

    # filtering --------------------------------------------------------------------------------
    def _filter(self, slots: list[int], plan: Plan) -> list[int]:
        """The slots that pass every filter left in ``plan``, in the same order.

        Each filter is one list comprehension over the slots left: whole lists at a time.
        """
        offer_of = self._s_offer
        if plan.member is not None:
            member = plan.member
            slots = [s for s in slots if member[s >> 3] >> (s & 7) & 1]
        if plan.date_low is not None and plan.date_high is not None:
            low, high, starts = plan.date_low, plan.date_high, self._s_start
            slots = [s for s in slots if low <= starts[s] <= high]
        if plan.price_low is not None and plan.price_high is not None:
            low, high, prices = plan.price_low, plan.price_high, self._s_price
            slots = [s for s in slots if low <= prices[s] <= high]
        if plan.near is not None:  # a box around the circle first: two comparisons a slot
            lat_low, lat_high, lon_low, lon_high = box_around(plan.near)
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

        A session's offer has a word (:func:`field_weight` above 0) exactly when it has one of the
        terms :meth:`_terms_of` gives for it: those are the indexed words it is or begins,
        each held by at least one session."""
        postings = [posting for term in terms for weight in WEIGHTS
                    if (posting := self._terms.get((term, weight)))]
        if sum(map(len, postings)) > slots:
            return None
        return set(chain.from_iterable(postings))

    def _eligible_filter(self, slots: list[int], on: date | bool) -> list[int]:
        offers, offer_of = self._o_offer, self._s_offer
        if on is True:
            flags, starts = self._s_eligible, self._s_start
            for slot in slots:
                if flags[slot] == UNCHECKED:  # checked once, on the session's start day
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

    # sets of bits ----------------------------------------------------------------------------
    def _execute_bits(self, query: Query, plan: Plan, needed: int, sort: Sort) -> SearchResults:
        """Many candidates: intersect sets of bits for the words and the filters on codes, then
        count, count the facets and read the page from them (see :mod:`._bitsets`); the other
        filters (bounds, distance, rating, eligibility) are checked session by session."""
        words_ = list(plan.words)
        score = self._scorer(words_)
        bits = self._match_bits(query, plan)
        if query.facets and has_filters(plan):
            matches = self._filter(positions(bits), plan)
            distances = self._distances(matches, plan.near) if plan.near is not None else None
            ranked = self._top(matches, sort, needed, score, distances)
            hits = self._hits(ranked[needed - query.page_size:needed], plan, score, distances)
            return SearchResults(query, hits, self._facets(query, matches), len(matches))
        exact = not has_filters(plan)
        facets = self._facets_bits(query, bits, words_)
        if sort is Sort.RELEVANCE and len(words_) <= _MAX_TIERED_WORDS:
            page: list[int] = []
            for tier in self._score_tiers(bits, words_):
                if len(page) >= needed:
                    break
                page.extend(self._ordered(tier, plan, Sort.START_DATE, needed - len(page),
                                          score))
        else:
            page = self._ordered(bits, plan, sort, needed, score)
        distances = (None if plan.near is None else
                     self._distances(page[needed - query.page_size:needed], plan.near))
        hits = self._hits(page[needed - query.page_size:needed], plan, score, distances)
        if exact:
            return SearchResults(query, hits, facets, count(bits))
        plan.member = None

        def total() -> int:
            return len(self._filter(positions(bits), plan))

        results = SearchResults(query, hits, facets, None, total)
        self._pending.add(results)
        return results

    def _word_bits(self, word: str, prefix: bool, weights: Sequence[int] = WEIGHTS) -> list[int]:
        return union(self._bitset(("t", term, weight)) for term in self._terms_of(word, prefix)
                     for weight in weights if (term, weight) in self._terms)

    def _match_bits(self, query: Query, plan: Plan) -> list[int]:
        """The slots passing the words and the filters on codes (which leave ``plan``)."""
        sets = [self._word_bits(word, prefix) for word, prefix in plan.words]
        for kind, values in (("r", query.regions), ("d", query.departments),
                             ("f", query.formacodes)):
            if values:
                sets.append(union(self._bitset((kind, v)) for v in values))
        columns = {id(self._o_modality): "m", id(self._o_registry): "g", id(self._o_action): "a"}
        for column, codes in plan.offer_codes:
            sets.append(union(self._bitset((columns[id(column)], c)) for c in sorted(codes)))
        if plan.near is not None:  # the cells the circle touches; the circle is checked after
            near = plan.near
            sets.append(union(self._bitset(cell) for cell in
                              cells_near(near.latitude, near.longitude, near.radius_km)))
        if not sets:
            sets.append(self._bitset(ALL))
        plan.words = []
        plan.regions = plan.departments = plan.formacodes = None
        plan.offer_codes = []
        return intersection(sets)

    def _score_tiers(self, bits: list[int], words_: list[tuple[str, bool]]) -> list[list[int]]:
        """``bits`` cut by text score, best first: the score sums each word's weight, so each
        way the words can sit in their best fields is one intersection of their tiers."""
        by_score: dict[int, list[list[int]]] = {}
        combos: list[tuple[int, list[int]]] = [(0, bits)]
        for word, prefix in words_:
            tiers = self._tiers(bits, word, prefix)
            combos = [(score + weight, intersection([part, tier]))
                      for score, part in combos
                      for weight, tier in zip(WEIGHTS, tiers, strict=True)]
        for score, part in combos:
            by_score.setdefault(score, []).append(part)
        return [union(parts) for _, parts in sorted(by_score.items(), reverse=True)]

    def _tiers(self, bits: list[int], word: str, prefix: bool) -> list[list[int]]:
        """``bits`` cut by the weight of ``word`` (its best field), best first."""
        out, higher = [], None
        for weight in WEIGHTS:
            tier = intersection([bits, self._word_bits(word, prefix, (weight,))])
            if higher is not None:
                tier = difference(tier, higher)
            higher = tier if higher is None else union([higher, tier])
            out.append(tier)
        return out

    def _ordered(self, bits: list[int], plan: Plan, sort: Sort, needed: int,
                 score: Callable[[int], int]) -> list[int]:
        """The first ``needed`` slots of ``bits`` passing ``plan``, in the order of ``sort``:
        read in the order of a sorted posting when the set is dense (about ``needed × size /
        total`` entries read), else taken out of the set, filtered and ranked."""
        total = count(bits)
        if not total or needed <= 0:
            return []
        if sort in (Sort.START_DATE, Sort.PRICE_ASC, Sort.PRICE_DESC) and (
                16 * total * total >= needed * max(1, len(self))):
            walk = copy.copy(plan)
            walk.member = membership(bits, len(self._s_session))
            if sort is Sort.START_DATE:  # the bounds of the posting's own key are bisected
                posting = self._by_date[ALL]
                i, j = posting.bounds(walk.date_low, walk.date_high)
                walk.date_low = walk.date_high = None
            else:
                posting = self._by_price[ALL]
                i, j = posting.bounds(walk.price_low, walk.price_high)
                walk.price_low = walk.price_high = None
            descending = sort is Sort.PRICE_DESC
            found, position = self._in_order(walk, posting, i, j, descending,
                                             total / max(1, len(posting)), needed)
            if descending and found:
                found, _ = self._descending_ties(found, needed, posting, i, position, walk)
            return found[:needed]
        matches = self._filter(positions(bits), plan)
        distances = self._distances(matches, plan.near) if plan.near is not None else None
        return self._top(matches, sort, needed, score, distances)

    def _facets_bits(self, query: Query, bits: list[int],
                     words_: list[tuple[str, bool]]) -> Mapping[str, Mapping[str, int]]:
        """The facets of the slots of ``bits``: one intersection counted per value."""
        if not query.facets:
            return empty_facets(query)

        def among(key: tuple[object, ...]) -> int:
            return count(intersection([bits, self._bitset(key)]))

        out: dict[str, Mapping[str, int]] = {}
        for name in query.facets:
            counts: dict[str, int] = {}
            values: list[tuple[str, tuple[object, ...]]]
            if name == "region":
                values = [(r, ("r", r)) for r in self._region_names]
            elif name == "modality":
                values = [(m.value, ("m", i)) for i, m in enumerate(MODALITIES)]
            elif name == "registry":
                values = [(r.value, ("g", i)) for i, r in enumerate(REGISTRIES) if r is not None]
            elif name == "price_band":
                values = [(label, ("b", i)) for i, label in enumerate(BAND_LABELS)]
            else:  # only the Formacodes some offer of the first word has can count
                codes: Iterable[str] = self._all_formacodes()
                if words_:
                    found: Counter[str] = Counter()
                    for term in self._terms_of(*words_[0]):
                        found.update(self._codes_of(term))
                    codes = sorted(c for c, n in found.items() if n > 0)
                values = [(code, ("f", code)) for code in codes]
            for value, key in values:
                n = among(key)
                if n:
                    counts[value] = n
            out[name] = MappingProxyType(
                dict(sorted(counts.items(), key=lambda item: (-item[1], item[0]))))
        return MappingProxyType(out)

    def _all_formacodes(self) -> list[str]:
        return sorted(key[1] for key in self._by_date if key[0] == "f" and len(key) == 2)

    # reading a sorted posting in order ----------------------------------------------------------
    def _walk_source(self, sort: Sort, plan: Plan, driver: Source,
                     needed: int) -> tuple[SortedPosting, int, int, bool, float] | None:
        """A sorted posting to read in the order of ``sort``, stopping when the page is full,
        with the share of its entries expected to match."""
        if sort is Sort.START_DATE:
            if len(driver[2]) > 1:
                return None
            self._cover(plan, driver[1])
            if not driver[2]:
                return self._by_date[ALL], 0, 0, False, 1.0
            posting, i, j = driver[2][0]
            return posting, i, j, False, 0.5
        size = driver[0]
        if size <= WALK_MIN:
            return None
        key: Key = ALL
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
        if key != ALL:
            plan.regions = None
        return posting, i, j, sort is Sort.PRICE_DESC, estimate / max(1, j - i)

    def _walk(self, query: Query, plan: Plan, needed: int, posting: SortedPosting,
              i: int, j: int, descending: bool, rate: float) -> SearchResults:
        read_slots = posting.slice
        score = self._scorer(plan.words)
        found: list[int] = []
        total: int | None = None
        if not has_filters(plan):
            if descending:
                position = max(i, j - needed)
                found = read_slots(position, j)[::-1]
            else:
                position = min(j, i + needed)
                found = read_slots(i, position)
            total = j - i
        else:
            found, position = self._in_order(plan, posting, i, j, descending, rate, needed)
            if position == (i if descending else j):
                total = len(found)
        if descending and found:
            found, position = self._descending_ties(found, needed, posting, i, position, plan)
            if total is None and position == i:
                total = len(found)
        hits = self._hits(found[needed - query.page_size:needed], plan, score, None)
        if total is not None:
            return SearchResults(query, hits, empty_facets(query), total)
        seen, low, high = len(found), (i if descending else position), (
            position if descending else j)

        def count() -> int:
            step = 1 << 16
            return seen + sum(len(self._filter(read_slots(k, min(high, k + step)), plan))
                              for k in range(low, high, step))

        results = SearchResults(query, hits, empty_facets(query), None, count)
        self._pending.add(results)
        return results

    def _in_order(self, plan: Plan, posting: SortedPosting, i: int, j: int, descending: bool,
                  rate: float, needed: int) -> tuple[list[int], int]:
        """At least ``needed`` slots of positions ``i`` to ``j`` of ``posting`` passing ``plan``,
        read in order (backward if ``descending``) a chunk at a time, unless fewer pass; and
        the position where reading stopped. ``rate``: the share expected to pass."""
        read_slots = posting.slice
        found: list[int] = []
        position = j if descending else i
        chunk = read_size(needed, rate)
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
            chunk = read_size(needed - len(found), len(found) / read)
        return found, position

    def _descending_ties(self, found: list[int], needed: int, posting: SortedPosting, i: int,
                         position: int, plan: Plan) -> tuple[list[int], int]:
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
            return no_score
        fields = self._o_fields
        cache: dict[int, int] = {}

        def score(offer_slot: int) -> int:
            found = cache.get(offer_slot)
            if found is None:
                found = cache[offer_slot] = sum(
                    field_weight(fields[offer_slot], w, p) for w, p in query_words)
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
            return empty_facets(query)
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
                limits = BAND_LIMITS
                for band, n in Counter(bisect_right(limits, p) for p in
                                       map(self._s_price.__getitem__, matches)).items():
                    counts[BAND_LABELS[band]] = n
            else:
                if per_offer is None:
                    per_offer = Counter(map(self._s_offer.__getitem__, matches))
                for offer_slot, n in per_offer.items():
                    if name == "modality":
                        counts[MODALITIES[self._o_modality[offer_slot]].value] += n
                    elif name == "registry":
                        registry = REGISTRIES[self._o_registry[offer_slot]]
                        if registry is not None:
                            counts[registry.value] += n
                    else:
                        for theme in self._o_formacodes[offer_slot]:
                            counts[theme] += n
            out[name] = MappingProxyType(
                dict(sorted(counts.items(), key=lambda item: (-item[1], item[0]))))
        return MappingProxyType(out)

    def _hits(self, page: Sequence[int], plan: Plan, score: Callable[[int], int],
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


