"""What the parts of :class:`~formation.catalog.search.CatalogIndex` share: the codes of the
columns, the keys of the postings, the rating keys, the compiled query (:class:`Plan`) and the
small helpers of ranking and filtering."""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping
from datetime import date
from fractions import Fraction
from types import MappingProxyType

from formation.catalog.offers import Modality, Registry
from formation.catalog.search._postings import SortedPosting
from formation.catalog.search.geo import latitude_span_deg, longitude_span_deg
from formation.catalog.search.query import (
    PRICE_BANDS,
    Near,
    Query,
)
from formation.errors import DuplicateEntry, InvalidValue
from formation.reviews import RatingPrior, bayesian_average
from formation.rules.actions import ActionType

__all__ = [
    "ACTIONS",
    "ACTION_CODE",
    "ALL",
    "BAND_LABELS",
    "BAND_LIMITS",
    "BITS_MIN",
    "CERTIFICATION",
    "FIVE_BITS",
    "Fields",
    "Key",
    "MODALITIES",
    "MODALITY_CODE",
    "NODATE",
    "NO_DATES",
    "NO_RATING",
    "ORGANISM",
    "Plan",
    "REGISTRIES",
    "REGISTRY_CODE",
    "Source",
    "TITLE",
    "UNCHECKED",
    "UNRATED",
    "WALK_MIN",
    "WEIGHTS",
    "best_weights",
    "box_around",
    "check_rating",
    "check_unique",
    "empty_facets",
    "field_weight",
    "float_bits",
    "has_filters",
    "no_score",
    "rating_key",
    "read_size",
]


NODATE = 2**31 - 1  # the start key of a session without dates: after every real day
TITLE, CERTIFICATION, ORGANISM = 3, 2, 1  # the weights of the text score
WEIGHTS = (TITLE, CERTIFICATION, ORGANISM)
UNRATED = (1 << 95) - 1  # the rating key of an offer without reviews: after every rated one
NO_RATING = (math.nan, 0, math.nan)  # mean, count, ranking score of an offer without reviews
BAND_LIMITS = tuple(low for _, low, _ in PRICE_BANDS[1:])
BAND_LABELS = tuple(label for label, _, _ in PRICE_BANDS)
BITS_MIN = 4096  # from this many candidates on, sets of bits beat lists of slots
WALK_MIN = 512  # below this many candidates, filtering them all beats reading in order
NO_DATES, UNCHECKED = 2, 3
MODALITIES = tuple(Modality)
MODALITY_CODE = {m: i for i, m in enumerate(MODALITIES)}
REGISTRIES: tuple[Registry | None, ...] = (None, *Registry)
REGISTRY_CODE = {r: i for i, r in enumerate(REGISTRIES) if r is not None}
ACTIONS = tuple(ActionType)
ACTION_CODE = {a: i for i, a in enumerate(ACTIONS)}

Key = tuple[str, str] | tuple[str, str, str] | tuple[str, int, int] | tuple[str]
ALL: tuple[str] = ("*",)
Fields = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def float_bits(value: float) -> int:
    """An int that orders like the non-negative float ``value``."""
    return int(struct.unpack("<q", struct.pack("<d", value))[0])


FIVE_BITS = float_bits(5.0)


def rating_key(score: float, count: int) -> int:
    """An int ordering offers by ranking score then count of reviews, best first, unrated last."""
    if count == 0:
        return UNRATED
    return ((FIVE_BITS - float_bits(score)) << 32) | ((1 << 32) - 1 - min(count, 2**32 - 1))


class Plan:
    """A query compiled against the index: the filters the driver has not applied yet."""

    __slots__ = (
        "date_high", "date_low", "departments", "durations", "eligible_on", "formacodes",
        "member", "min_rating", "near", "offer_codes", "price_high", "price_low", "regions",
        "words",
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
        self.member: bytes | None = None  # the slots left by sets of bits (see _bitsets)


Source = tuple[int, tuple[str, ...], list[tuple[SortedPosting, int, int]]]



def check_rating(offer_id: str, mean: float | Fraction | None, count: int,
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
        return NO_RATING
    if mean is None:
        raise InvalidValue(f"the rating of {offer_id!r} has {count} reviews but no mean")
    if isinstance(mean, bool) or not isinstance(mean, (int, float, Fraction)) or not (
            1 <= mean <= 5):
        raise InvalidValue(f"the rating mean of {offer_id!r} must be from 1 to 5, got {mean!r}")
    if score is None:
        score = bayesian_average(Fraction(mean), count, prior)
    return float(mean), count, float(score)


def best_weights(fields: Fields) -> dict[str, int]:
    """Each word of an offer with the weight of the best field holding it."""
    title, certification, organism = fields
    out = dict.fromkeys(organism, ORGANISM)
    out.update(dict.fromkeys(certification, CERTIFICATION))
    out.update(dict.fromkeys(title, TITLE))
    return out


def field_weight(fields: Fields, word: str, prefix: bool) -> int:
    """The weight of ``word`` in an offer: 3 title, 2 certification, 1 organism, 0 absent."""
    for weight, terms in zip(WEIGHTS, fields, strict=True):
        if word in terms or (prefix and any(t.startswith(word) for t in terms)):
            return weight
    return 0


def box_around(near: Near) -> tuple[float, float, float, float]:
    """Latitudes and longitudes (degrees) of a box holding the circle of ``near``, with a margin
    for rounding; longitudes ``(1, 0)`` (an empty range) when the box would wrap around the
    antimeridian or reach a pole, where only latitudes are bounded."""
    dlat = latitude_span_deg(near.radius_km) * (1 + 1e-9) + 1e-9
    dlon = longitude_span_deg(near.latitude, near.radius_km) * (1 + 1e-9) + 1e-9
    low, high = near.longitude - dlon, near.longitude + dlon
    if dlon >= 180.0 or low < -180.0 or high > 180.0:
        low, high = 1.0, 0.0
    return near.latitude - dlat, near.latitude + dlat, low, high


def read_size(needed: int, rate: float) -> int:
    """How many entries to read next to find ``needed`` matches at ``rate``, with a margin."""
    if rate <= 0:
        return 1 << 12
    return min(1 << 16, int(needed / rate * 1.25) + 16)


def check_unique(ids: list[str], what: str) -> None:
    if len(set(ids)) == len(ids):
        return
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise DuplicateEntry(f"{what} id {item!r} is given twice")
        seen.add(item)


def has_filters(plan: Plan) -> bool:
    return bool(
        plan.regions is not None or plan.departments is not None or plan.formacodes is not None
        or plan.offer_codes or plan.durations is not None or plan.min_rating is not None
        or plan.words or plan.date_low is not None or plan.price_low is not None
        or plan.near is not None or plan.eligible_on is not False or plan.member is not None
    )


def no_score(offer_slot: int) -> int:
    return 0


def empty_facets(query: Query) -> Mapping[str, Mapping[str, int]]:
    return MappingProxyType({name: MappingProxyType({}) for name in query.facets})

