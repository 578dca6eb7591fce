"""What a catalogue search asks for and what it answers: :class:`Query`, :class:`SearchResults`.

A holder looks for a training "by date, region, price, theme" (``cpf-rules.md`` section 10: a
keyword over titles, certifications and trades; the place, near the user; session dates;
duration; price; rating; distance learning). A :class:`Query` says what is wanted, a
:class:`CatalogIndex` holds the offers and their sessions and answers with
:class:`SearchResults`: one page of :class:`Hit` (a session with its offer), the total number of
matching sessions, and facet counts.

What a query means, field by field (fields combine with *and*, the values inside one field
with *or*; every bound is inclusive):

- ``text``: every word must occur in the offer's title, its certification's title or its
  organism's name, compared as :mod:`formation.text` folds them (case and accents ignored,
  "comptabilite" finds "Comptabilité"); the last word may be the beginning of a word
  ("compta" finds "comptabilité"). A text without any word (blank, punctuation only) filters
  nothing.
- ``regions``, ``departments``: INSEE codes of the session's place. A distance session (no
  place) never matches them, nor ``near``.
- ``near``: the session's place lies within ``radius_km`` of a point (great-circle distance,
  :mod:`formation.catalog.search.geo`); a place without coordinates never matches.
- ``start_from``, ``start_until``: the session's first day; a session without dates never
  matches a date bound.
- ``price_min``, ``price_max``: what the session costs (``session.price_of(offer)``).
- ``duration_min``, ``duration_max``: the offer's hours; an offer without a duration never
  matches a duration bound.
- ``formacodes``: the offer has one of these codes among its Formacodes (a code matches its own
  sessions; there is no hierarchy of codes).
- ``modalities``, ``registries`` (of the offer's certification), ``action_types``.
- ``min_rating``: the offer's mean rating (the mean holders are shown), as last given to
  :meth:`CatalogIndex.set_rating`, is at least this; an offer without reviews never matches.
- ``eligible_only``: the session passes the CPF eligibility rules of
  :mod:`formation.catalog.eligibility` (Qualiopi, certification in force, eligible action type) on its
  start date, or on the ``on=`` date given to :meth:`CatalogIndex.search`; without ``on=`` a
  session without dates is left out.

Orders (``Sort``), each ending with the session id so that ties break the same way whatever the
order the offers were added in: ``RELEVANCE`` (the text score, then the start date; without text
it is the start date), ``PRICE_ASC`` and ``PRICE_DESC`` (the session's price), ``START_DATE``
(sessions without dates last), ``RATING`` (the offer's ranking score, then its number of
reviews, both descending, then the start date; unrated offers last), ``DISTANCE`` (from
``near``, which it needs). The ranking score is the Bayesian average of
:attr:`formation.reviews.RatingSummary.ranking_score` (a prior mean of 4.6 worth 10 reviews by
default), not the raw mean: two five-star reviews do not outrank two hundred averaging 4.7.

The text score of a hit is, for each word of the query, 3 when the word is in the offer's title,
2 when it is only in the certification's title, 1 when it is only in the organism's name,
summed over the words. It is 0 without text.

Facets (``Query.facets``) count the matching sessions (all of them, not only the page) by
``"region"``, ``"modality"``, ``"formacode"`` (every Formacode of the offer counts),
``"registry"`` (offers without certification are not counted) and ``"price_band"`` (the bands of
:data:`PRICE_BANDS`).
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from fractions import Fraction
from typing import Any

import attrs

from formation.catalog.offers import Modality, Offer, Registry, Session
from formation.errors import InvalidValue
from formation.money import Euros
from formation.rules.actions import ActionType
from formation.rules.rulebook import check_date
from formation.text import words

__all__ = [
    "FACETS",
    "Hit",
    "Near",
    "PRICE_BANDS",
    "Query",
    "SearchResults",
    "Sort",
]

FACETS = ("formacode", "modality", "price_band", "region", "registry")
"""The facet names a :class:`Query` may ask for."""

PRICE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-500", 0, 50_000),
    ("500-1000", 50_000, 100_000),
    ("1000-2000", 100_000, 200_000),
    ("2000-5000", 200_000, 500_000),
    ("5000+", 500_000, None),
)
"""The price bands of the ``"price_band"`` facet: a label (euros), the lowest price in cents
(included) and the highest in cents (excluded, ``None`` for no limit). A session costing exactly
500 € is in ``"500-1000"``."""


_REGION = re.compile(r"^\d{2}$")
_DEPARTMENT = re.compile(r"^(0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-8])$")
_FORMACODE = re.compile(r"^\d{5}$")
_MAX_PAGE_SIZE = 100


@enum.unique
class Sort(enum.Enum):
    """The orders of the results; every order ends with the session id (a stable tie-break)."""

    RELEVANCE = "relevance"  # text score descending, then start date (start date without text)
    PRICE_ASC = "price_asc"  # the session's price, cheapest first
    PRICE_DESC = "price_desc"  # the session's price, dearest first
    START_DATE = "start_date"  # the first day, soonest first, sessions without dates last
    RATING = "rating"  # ranking score then number of reviews, best first, unrated last
    DISTANCE = "distance"  # from the point of ``Query.near``, nearest first


def _number(value: object, name: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, Fraction)):
        raise InvalidValue(f"{name} must be a number, got {type(value).__name__} {value!r}")
    number = float(value)
    if not low <= number <= high or math.isnan(number):
        raise InvalidValue(f"{name} must be from {low} to {high}, got {value!r}")
    return number


@attrs.frozen
class Near:
    """A point and a radius: "within ``radius_km`` kilometres of here".

    Attributes:
        latitude, longitude: WGS 84 degrees.
        radius_km: the radius in kilometres, more than 0 and at most 20 000.
    """

    latitude: float
    longitude: float
    radius_km: float

    def __attrs_post_init__(self) -> None:
        _number(self.latitude, "Near.latitude", -90.0, 90.0)
        _number(self.longitude, "Near.longitude", -180.0, 180.0)
        radius = _number(self.radius_km, "Near.radius_km", 0.0, 20_000.0)
        if radius <= 0:
            raise InvalidValue(f"Near.radius_km must be more than 0, got {self.radius_km!r}")


def _codes(pattern: re.Pattern[str], accepted: str, name: str) -> Callable[[Any], tuple[str, ...]]:
    def convert(value: Any) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, (tuple, list, frozenset, set)):
            raise InvalidValue(f"Query.{name} must be a tuple of {accepted}, got {value!r}")
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        for code in items:
            if not isinstance(code, str) or not pattern.match(code):
                raise InvalidValue(f"Query.{name} takes {accepted}, got {code!r}")
        return tuple(items)
    return convert


def _members(kind: type[enum.Enum], name: str) -> Callable[[Any], tuple[Any, ...]]:
    def convert(value: Any) -> tuple[Any, ...]:
        if isinstance(value, (str, enum.Enum)) or not isinstance(
                value, (tuple, list, frozenset, set)):
            raise InvalidValue(
                f"Query.{name} must be a tuple of {kind.__name__}, got {value!r}")
        items = tuple(value)
        for item in items:
            if not isinstance(item, kind):
                raise InvalidValue(
                    f"Query.{name} takes {kind.__name__} members "
                    f"({', '.join(m.name for m in kind)}), got {item!r}")
        return tuple(sorted(items, key=lambda m: m.value)) if isinstance(
            value, (set, frozenset)) else items
    return convert


def _facet_names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (tuple, list, frozenset, set)):
        raise InvalidValue(f"Query.facets must be a tuple of facet names, got {value!r}")
    items = tuple(sorted(value)) if isinstance(value, (set, frozenset)) else tuple(value)
    for item in items:
        if item not in FACETS:
            raise InvalidValue(
                f"Query.facets takes {', '.join(FACETS)}; got {item!r}")
    return items


def _optional_date(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        check_date(value, f"Query.{attribute.name}")


def _optional_euros(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, Euros):
        raise InvalidValue(
            f"Query.{attribute.name} must be Euros or None, got {type(value).__name__} {value!r}")
    if value.cents < 0:
        raise InvalidValue(f"Query.{attribute.name} cannot be negative, got {value}")


def _optional_hours(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (type(value) is not int or value < 0):
        raise InvalidValue(
            f"Query.{attribute.name} must be a non-negative int of hours or None, got {value!r}")


_REGION_CODES = _codes(_REGION, "2-digit INSEE region codes", "regions")
_DEPARTMENT_CODES = _codes(_DEPARTMENT, "INSEE department codes", "departments")
_FORMACODE_CODES = _codes(_FORMACODE, "5-digit Formacodes", "formacodes")
_MODALITY_MEMBERS = _members(Modality, "modalities")
_REGISTRY_MEMBERS = _members(Registry, "registries")
_ACTION_MEMBERS = _members(ActionType, "action_types")


def _regions(value: Any) -> tuple[str, ...]:
    return _REGION_CODES(value)


def _departments(value: Any) -> tuple[str, ...]:
    return _DEPARTMENT_CODES(value)


def _formacodes(value: Any) -> tuple[str, ...]:
    return _FORMACODE_CODES(value)


def _modalities(value: Any) -> tuple[Modality, ...]:
    return _MODALITY_MEMBERS(value)


def _registries(value: Any) -> tuple[Registry, ...]:
    return _REGISTRY_MEMBERS(value)


def _action_types(value: Any) -> tuple[ActionType, ...]:
    return _ACTION_MEMBERS(value)


@attrs.frozen
class Query:
    """What a holder searches for. Every field is optional; see the module for their meaning.

    Attributes:
        text: words to find in the title, the certification or the organism's name.
        regions, departments: INSEE codes of the session's place.
        near: a point and a radius.
        start_from, start_until: bounds of the session's first day.
        price_min, price_max: bounds of the session's price.
        duration_min, duration_max: bounds of the offer's hours.
        formacodes: 5-digit Formacodes.
        modalities: in person, distance, mixed.
        registries: RNCP, RS (of the offer's certification).
        min_rating: the lowest mean rating, from 0 to 5.
        action_types: kinds of action.
        eligible_only: only sessions that pass the CPF eligibility rules.
        sort: the order of the hits.
        page: the page, from 1.
        page_size: hits per page, 1 to 100.
        facets: the facets to count (names from :data:`FACETS`).

    >>> Query(text="excel", page_size=500)
    Traceback (most recent call last):
    ...
    formation.errors.InvalidValue: Query.page_size must be an int from 1 to 100, got 500
    """

    text: str | None = attrs.field(default=None)
    regions: tuple[str, ...] = attrs.field(
        default=(), converter=_regions)
    departments: tuple[str, ...] = attrs.field(
        default=(), converter=_departments)
    near: Near | None = attrs.field(default=None)
    start_from: date | None = attrs.field(default=None, validator=_optional_date)
    start_until: date | None = attrs.field(default=None, validator=_optional_date)
    price_min: Euros | None = attrs.field(default=None, validator=_optional_euros)
    price_max: Euros | None = attrs.field(default=None, validator=_optional_euros)
    duration_min: int | None = attrs.field(default=None, validator=_optional_hours)
    duration_max: int | None = attrs.field(default=None, validator=_optional_hours)
    formacodes: tuple[str, ...] = attrs.field(
        default=(), converter=_formacodes)
    modalities: tuple[Modality, ...] = attrs.field(
        default=(), converter=_modalities)
    registries: tuple[Registry, ...] = attrs.field(
        default=(), converter=_registries)
    min_rating: float | None = attrs.field(default=None)
    action_types: tuple[ActionType, ...] = attrs.field(
        default=(), converter=_action_types)
    eligible_only: bool = attrs.field(default=False)
    sort: Sort = attrs.field(default=Sort.RELEVANCE)
    page: int = attrs.field(default=1)
    page_size: int = attrs.field(default=20)
    facets: tuple[str, ...] = attrs.field(default=(), converter=_facet_names)

    def __attrs_post_init__(self) -> None:
        if self.text is not None and not isinstance(self.text, str):
            raise InvalidValue(f"Query.text must be a str or None, got {self.text!r}")
        if self.near is not None and not isinstance(self.near, Near):
            raise InvalidValue(f"Query.near must be a Near or None, got {self.near!r}")
        if self.min_rating is not None:
            _number(self.min_rating, "Query.min_rating", 0.0, 5.0)
        if not isinstance(self.eligible_only, bool):
            raise InvalidValue(f"Query.eligible_only must be a bool, got {self.eligible_only!r}")
        if not isinstance(self.sort, Sort):
            raise InvalidValue(
                f"Query.sort must be a Sort ({', '.join(s.name for s in Sort)}), "
                f"got {self.sort!r}")
        if type(self.page) is not int or self.page < 1:
            raise InvalidValue(f"Query.page must be an int from 1, got {self.page!r}")
        if type(self.page_size) is not int or not 1 <= self.page_size <= _MAX_PAGE_SIZE:
            raise InvalidValue(
                f"Query.page_size must be an int from 1 to {_MAX_PAGE_SIZE}, "
                f"got {self.page_size!r}")
        for low, high, what in (
            (self.start_from, self.start_until, "start_from {} is after start_until {}"),
            (self.price_min, self.price_max, "price_min {} is above price_max {}"),
            (self.duration_min, self.duration_max, "duration_min {} is above duration_max {}"),
        ):
            if low is not None and high is not None and low > high:  # type: ignore[operator]
                raise InvalidValue("Query." + what.format(low, high))
        if self.sort is Sort.DISTANCE and self.near is None:
            raise InvalidValue("Query.sort Sort.DISTANCE needs Query.near (a point to measure from)")

    @property
    def words(self) -> tuple[str, ...]:
        """The words of :attr:`text`, folded (see :mod:`formation.text`)."""
        return words(self.text) if self.text else ()


@attrs.frozen
class Hit:
    """One session found, with its offer.

    Attributes:
        offer: the offer.
        session: the session.
        score: the text score (0 without text): per word of the query, 3 for the title, 2 for
            the certification, 1 for the organism's name.
        distance_km: the distance from ``Query.near`` in kilometres, ``None`` without ``near``.
    """

    offer: Offer
    session: Session
    score: float
    distance_km: float | None = None


class SearchResults:
    """One page of hits, the total number of matching sessions, and the facet counts.

    Attributes:
        query: the query answered.
        hits: the hits of the page, in order.
        facets: for each facet asked for, each value and how many matching sessions have it
            (read-only mappings, values ordered by count descending then value).

    :attr:`total` is counted when first read (or, at the latest, just before the index that
    answered changes), so a caller showing one page without the total does not pay for
    counting; the value is always the number of sessions that matched when the search ran.
    Written by hand rather than with attrs for this reason; it is immutable all the same.
    """

    __slots__ = ("__weakref__", "_count", "_total", "facets", "hits", "query")

    query: Query
    hits: tuple[Hit, ...]
    facets: Mapping[str, Mapping[str, int]]
    _total: int | None
    _count: Callable[[], int] | None

    def __init__(self, query: Query, hits: tuple[Hit, ...],
                 facets: Mapping[str, Mapping[str, int]], total: int | None,
                 count: Callable[[], int] | None = None) -> None:
        object.__setattr__(self, "query", query)
        object.__setattr__(self, "hits", hits)
        object.__setattr__(self, "facets", facets)
        object.__setattr__(self, "_total", total)
        object.__setattr__(self, "_count", count)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"SearchResults is immutable; cannot set {name!r}")

    @property
    def total(self) -> int:
        """How many sessions match the query, over all pages."""
        total = self._total
        if total is None:
            count = self._count
            assert count is not None
            total = count()
            object.__setattr__(self, "_total", total)
            object.__setattr__(self, "_count", None)
        return total

    @property
    def pages(self) -> int:
        """How many pages of ``query.page_size`` hits the total makes."""
        return -(-self.total // self.query.page_size)

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def __repr__(self) -> str:
        return (f"SearchResults(total={self.total}, page={self.query.page}, "
                f"hits={len(self.hits)}, facets={sorted(self.facets)})")
