"""The columns and postings of :class:`~formation.catalog.search.CatalogIndex`, and how they
are filled: a whole catalogue at once (:meth:`Store._build`) or one record at a time."""

from __future__ import annotations

import math
import weakref
from array import array
from bisect import bisect_left, bisect_right, insort
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from itertools import chain, repeat
from operator import attrgetter, itemgetter

from formation.catalog.eligibility import eligibility_violations
from formation.catalog.offers import Offer, Session
from formation.catalog.search._bitsets import add, bits_of, discard
from formation.catalog.search._layout import (
    ACTION_CODE,
    ALL,
    BAND_LIMITS,
    CERTIFICATION,
    MODALITY_CODE,
    NO_DATES,
    NO_RATING,
    NODATE,
    ORGANISM,
    REGISTRY_CODE,
    TITLE,
    UNCHECKED,
    UNRATED,
    WEIGHTS,
    Fields,
    Key,
    best_weights,
    check_unique,
    rating_key,
)
from formation.catalog.search._postings import SortedPosting, cell_of, split_by_code
from formation.catalog.search.query import (
    SearchResults,
)
from formation.errors import DuplicateEntry, InvalidValue, NotFound
from formation.reviews import RatingPrior
from formation.rules.rulebook import Rulebook
from formation.text import words

__all__ = ["Store"]


class Store:
    """The index's data: session and offer columns, code tables, sorted and word postings."""

    def __init__(self, rulebook: Rulebook | None, prior: RatingPrior) -> None:
        self._rulebook = rulebook
        self._prior = prior
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
        self._o_fields: list[Fields] = []
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
        self._by_date: dict[Key, SortedPosting] = {ALL: SortedPosting("i")}
        self._by_price: dict[Key, SortedPosting] = {ALL: SortedPosting("q")}
        self._terms: dict[tuple[str, int], array[int]] = {}
        self._term_sessions: dict[str, int] = {}
        self._vocabulary: list[str] = []
        self._pending: weakref.WeakSet[SearchResults] = weakref.WeakSet()
        # sets of session slots as bits (see _bitsets), made on first use by a search and then
        # kept up to date by every change: by the keys of the date postings, ("m", modality),
        # ("g", registry), ("a", action type), ("b", price band) and ("t", word, weight)
        self._bits: dict[tuple[object, ...], list[int]] = {}
        # per word, how many of the offers holding it have each Formacode (facet candidates)
        self._term_codes: dict[str, Counter[str]] = {}
        self._shared: dict[int, int] = {}
        self._share = self._shared.setdefault  # one int object per distinct day, price, hours


    def _check_new(self, offers: list[Offer], sessions: list[Session]) -> None:
        if not all(map(isinstance, offers, repeat(Offer))):
            bad = next(o for o in offers if not isinstance(o, Offer))
            raise InvalidValue(f"the index takes Offer records, got {bad!r}")
        if not all(map(isinstance, sessions, repeat(Session))):
            stray = next(s for s in sessions if not isinstance(s, Session))
            raise InvalidValue(f"the index takes Session records, got {stray!r}")
        offer_ids = list(map(attrgetter("offer_id"), offers))
        session_ids = list(map(attrgetter("session_id"), sessions))
        check_unique(offer_ids, "offer")
        check_unique(session_ids, "session")
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
        self._o_modality.append(MODALITY_CODE[offer.modality])
        certification = offer.certification
        self._o_registry.append(0 if certification is None
                                else REGISTRY_CODE[certification.registry])
        self._o_action.append(ACTION_CODE[offer.action_type])
        self._o_duration.append(-1 if offer.duration_hours is None
                                else self._share(offer.duration_hours, offer.duration_hours))
        mean, count, score = self._ratings.get(offer.offer_id, NO_RATING)
        self._o_mean.append(mean)
        self._o_rating.append(rating_key(score, count))
        self._o_formacodes.append(frozenset(offer.formacodes))
        self._o_sessions.append([])
        fields: Fields = (words(offer.title),
                           words(certification.title) if certification is not None else (),
                           words(offer.organism.name))
        self._o_fields.append(fields)
        terms = self._terms
        for term, weight in best_weights(fields).items():
            posting = terms.get((term, weight))
            if posting is None:
                posting = terms[(term, weight)] = array("i")
                if term not in self._term_sessions:
                    self._term_sessions[term] = 0
                    insort(self._vocabulary, term)
            posting.append(slot)  # offer slots only grow: the posting stays sorted
        self._count_codes(slot, 1)
        return slot

    def _count_codes(self, offer_slot: int, change: int) -> None:
        """Keep the Formacode counts of the words already counted (see :meth:`_codes_of`)."""
        if not self._term_codes:
            return
        codes = self._o_formacodes[offer_slot]
        for term in best_weights(self._o_fields[offer_slot]):
            counts = self._term_codes.get(term)
            if counts is not None:
                for code in codes:
                    counts[code] += change

    def _codes_of(self, term: str) -> Counter[str]:
        """How many offers holding ``term`` have each Formacode, counted on first use."""
        found = self._term_codes.get(term)
        if found is None:
            formacodes = self._o_formacodes
            found = Counter(chain.from_iterable(
                formacodes[o] for weight in WEIGHTS
                for o in self._terms.get((term, weight), ())))
            self._term_codes[term] = found
        return found

    def _drop_offer(self, slot: int) -> None:
        for session_slot in list(self._o_sessions[slot]):
            self._drop_session(session_slot)
        offer = self._o_offer[slot]
        assert offer is not None
        self._count_codes(slot, -1)
        for term, weight in best_weights(self._o_fields[slot]).items():
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
        ordinal = NODATE if start is None else start.toordinal()
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
        self._s_eligible.append(NO_DATES if start is None else UNCHECKED)
        self._o_sessions[offer_slot].append(slot)
        self._count_terms(offer_slot, 1)
        if self._bits:
            self._mark(slot, present=True)
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
        for term in best_weights(self._o_fields[offer_slot]):
            counts[term] += change

    def _drop_session(self, slot: int) -> None:
        session = self._s_session[slot]
        assert session is not None
        if self._bits:
            self._mark(slot, present=False)
        sids = self._s_sid
        start = self._s_start[slot]
        for key in self._date_keys(slot):
            posting = self._by_date[key]
            posting.remove(slot, start, sids)
            if not posting and key != ALL:
                del self._by_date[key]
        price = self._s_price[slot]
        for key in self._price_keys(slot):
            posting = self._by_price[key]
            posting.remove(slot, price, sids)
            if not posting and key != ALL:
                del self._by_price[key]
        offer_slot = self._s_offer[slot]
        self._o_sessions[offer_slot].remove(slot)
        self._count_terms(offer_slot, -1)
        self._s_session[slot] = None
        del self._slot_of[session.session_id]

    def _date_keys(self, slot: int) -> list[Key]:
        offer_slot = self._s_offer[slot]
        keys: list[Key] = [ALL]
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

    def _bit_keys(self, slot: int) -> list[tuple[object, ...]]:
        """The keys of every set of bits ``slot`` belongs to."""
        offer_slot = self._s_offer[slot]
        keys: list[tuple[object, ...]] = list(self._date_keys(slot))
        keys.append(("m", self._o_modality[offer_slot]))
        keys.append(("g", self._o_registry[offer_slot]))
        keys.append(("a", self._o_action[offer_slot]))
        keys.append(("b", bisect_right(BAND_LIMITS, self._s_price[slot])))
        keys.extend(("t", term, weight)
                    for term, weight in best_weights(self._o_fields[offer_slot]).items())
        return keys

    def _mark(self, slot: int, *, present: bool) -> None:
        """Put ``slot`` in (or take it out of) every set of bits already made that holds it."""
        change = add if present else discard
        bits = self._bits
        for key in self._bit_keys(slot):
            found = bits.get(key)
            if found is not None:
                change(found, slot)

    def _bitset(self, key: tuple[object, ...]) -> list[int]:
        """The set of bits of ``key``, made from the postings on first use."""
        found = self._bits.get(key)
        if found is None:
            found = self._bits[key] = bits_of(self._slots_with(key), len(self._s_session))
        return found

    def _slots_with(self, key: tuple[object, ...]) -> Iterable[int]:
        kind = key[0]
        offers: Iterable[int]
        if kind in ("m", "g", "a"):
            column = {"m": self._o_modality, "g": self._o_registry, "a": self._o_action}[kind]
            live = self._o_offer
            offers = [o for o, code in enumerate(column) if code == key[1] and live[o] is not None]
        elif kind == "t":
            offers = self._terms.get((str(key[1]), int(key[2])), ())  # type: ignore[call-overload]
        elif kind == "b":
            posting = self._by_price[ALL]
            band = int(key[1])  # type: ignore[call-overload]
            low = 0 if band == 0 else BAND_LIMITS[band - 1]
            high = None if band == len(BAND_LIMITS) else BAND_LIMITS[band] - 1
            return posting.slice(*posting.bounds(low, high))
        else:
            found = self._by_date.get(key)  # type: ignore[arg-type]
            return () if found is None else found.slice(0, len(found))
        return chain.from_iterable(map(self._o_sessions.__getitem__, offers))

    def _price_keys(self, slot: int) -> list[Key]:
        region = self._s_region[slot]
        if region < 0:
            return [ALL]
        return [ALL, ("r", self._region_names[region])]

    def _eligible(self, offer: Offer, day: date) -> bool:
        return not eligibility_violations(offer, day, self._rulebook)

    # -- building at once ------------------------------------------------------------------------
    def _bulk_offers(self, offers: list[Offer]) -> None:
        """The offer columns and word postings of a whole catalogue, in one pass each."""
        first = len(self._o_offer)
        self._o_offer.extend(offers)
        self._offer_slot.update((o.offer_id, first + k) for k, o in enumerate(offers))
        # by the members' values: hashing a str is cheaper than hashing an enum member
        modality = {m.value: code for m, code in MODALITY_CODE.items()}
        registry = {r.value: code for r, code in REGISTRY_CODE.items()}
        action = {a.value: code for a, code in ACTION_CODE.items()}
        self._o_modality.extend(modality[o.modality._value_] for o in offers)
        self._o_registry.extend(0 if o.certification is None
                                else registry[o.certification.registry._value_] for o in offers)
        self._o_action.extend(action[o.action_type._value_] for o in offers)
        share = self._share
        self._o_duration.extend(-1 if o.duration_hours is None
                                else share(o.duration_hours, o.duration_hours) for o in offers)
        ratings = self._ratings
        found = [ratings.get(o.offer_id, NO_RATING) for o in offers]
        self._o_mean.extend(mean for mean, _, _ in found)
        self._o_rating.extend(UNRATED if count == 0 else rating_key(score, count)
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
                postings[(word, TITLE)].extend(slots)
            for word in cert_words:
                if word not in title_words:
                    postings[(word, CERTIFICATION)].extend(slots)
            pair = (title_words, cert_words)
            for slot in slots:
                named[slot - first] = pair
        fields_of: list[Fields] = [((), (), ())] * len(offers)
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
                            postings[(word, ORGANISM)].append(slot)
                else:
                    plain.append(slot)
            for word in organism_words:
                postings[(word, ORGANISM)].extend(plain)
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
        ordinal_of[None] = NODATE
        self._s_start.extend(map(ordinal_of.__getitem__, days))
        self._s_eligible.extend(NO_DATES if day is None else UNCHECKED for day in days)
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
        self._by_date[ALL] = SortedPosting("i", map(start_of, by_start), by_start)
        self._by_price[ALL] = SortedPosting("q", map(price_of, by_price), by_price)
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

