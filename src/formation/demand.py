"""Demand for organisms: what holders look for, and what an organism can read of it.

An organism that answers needs rather than selling a catalogue wants to know what holders look
for and do not find. From the searches and the needs an app records, as an **anonymous log**
(:class:`DemandEvent`: the words, the Formacodes, the region, the dates, a budget band and the
number of bookable results; never who searched), this module gives aggregated views:

- :func:`unmet_demand`: by region × theme (Formacode) × month, how many searches there were and
  how many found few or no bookable sessions (at most ``DemandSettings.few_results``);
- :func:`price_position`: where an offer's price stands among the similar offers (the same main
  Formacode, with a session in the same region): its percentile and the quartiles;
- :func:`rating_trend`: how an offer's ratings move, period after period.

**Nothing in a view identifies a holder.** Every count a view shows is at least
``DemandSettings.threshold`` (:data:`DEFAULT_THRESHOLD`, 11 by default: the rule of the French
national health data system, which publishes no cell of fewer than 11 people; a choice of this
library, overridable). A cell of unmet demand with fewer searches is left out, and its count of
unmet searches is hidden (``None``) when below the threshold; a rating trend groups consecutive
months until a period holds enough reviews, and the last period, if it holds too few, is not
shown, so that no two periods differ by a few reviews; a price position among too few offers
shows no figures. A view never shows a total over hidden cells: an app that publishes such
totals beside a view may let them be worked out, and should not.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import date
from fractions import Fraction
from typing import Any

import attrs

from formation.calendar.business_days import BusinessCalendar
from formation.calendar.instants import check_date, local_date
from formation.catalog.geography import DEPARTMENTS, REGIONS, department
from formation.catalog.search import CatalogIndex, Query
from formation.errors import InvalidValue
from formation.ids import OfferId
from formation.matching import Needs, Point, distance_km
from formation.money import Euros
from formation.reviews import Review
from formation.text import words as words_of

__all__ = [
    "BUDGET_BANDS",
    "BudgetBand",
    "DEFAULT_DEMAND_SETTINGS",
    "DEFAULT_THRESHOLD",
    "DemandEvent",
    "DemandKind",
    "DemandSettings",
    "PricePosition",
    "RatingPeriod",
    "UnmetDemand",
    "budget_band",
    "price_position",
    "rating_trend",
    "unmet_demand",
]

DEFAULT_THRESHOLD = 11
"""The smallest count a view shows (the national health data system's rule of 11; a choice)."""


@enum.unique
class DemandKind(enum.Enum):
    """What an event of the log records."""

    SEARCH = "search"  # a search of the catalogue
    NEED = "need"  # a holder's needs (a recommendation asked for, a need published)


@enum.unique
class BudgetBand(enum.Enum):
    """How much a holder said they would pay, in bands (never the amount itself)."""

    NOTHING = "0"  # nothing beyond what the rights pay
    UP_TO_150 = "1-150"  # up to 150 €
    UP_TO_500 = "151-500"  # above 150 € and up to 500 €
    UP_TO_1500 = "501-1500"  # above 500 € and up to 1 500 €
    ABOVE_1500 = "1501+"  # above 1 500 €


BUDGET_BANDS: tuple[tuple[BudgetBand, int | None], ...] = (
    (BudgetBand.NOTHING, 0),
    (BudgetBand.UP_TO_150, 150_00),
    (BudgetBand.UP_TO_500, 500_00),
    (BudgetBand.UP_TO_1500, 1500_00),
    (BudgetBand.ABOVE_1500, None),
)
"""Each band with its upper bound in cents (inclusive; ``None``: no bound)."""


def budget_band(amount: Euros) -> BudgetBand:
    """The band of an amount.

    >>> budget_band(Euros.whole(150)), budget_band(Euros(15001))
    (<BudgetBand.UP_TO_150: '1-150'>, <BudgetBand.UP_TO_500: '151-500'>)
    """
    if not isinstance(amount, Euros) or amount.cents < 0:
        raise InvalidValue(f"a budget is non-negative Euros, got {amount!r}")
    for band, upper in BUDGET_BANDS:
        if upper is None or amount.cents <= upper:
            return band
    raise AssertionError("unreachable: the last band has no bound")  # pragma: no cover


# -- the log --------------------------------------------------------------------------------

_REGION_CODES = frozenset(r.code for r in REGIONS)
_FORMACODE = re.compile(r"^\d{5}$")


def _region(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and value not in _REGION_CODES:
        raise InvalidValue(f"region must be an INSEE region code ({sorted(_REGION_CODES)}) or "
                           f"None, got {value!r}")


def _words(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return words_of(value)
    if not isinstance(value, (tuple, list)) or not all(isinstance(w, str) for w in value):
        raise InvalidValue(f"words must be a text or a tuple of words, got {value!r}")
    return tuple(w for text in value for w in words_of(text))


def _formacodes(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (tuple, list)):
        raise InvalidValue(f"formacodes must be a tuple of 5-digit Formacodes, got {value!r}")
    for code in value:
        if not isinstance(code, str) or not _FORMACODE.match(code):
            raise InvalidValue(f"expected 5-digit Formacodes, got {code!r} in {value!r}")
    return tuple(dict.fromkeys(value))


def _day(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_date(value, attribute.name)


def _optional_day(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        check_date(value, attribute.name)


def _instance(kind: type, optional: bool = False) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not (optional and value is None) and not isinstance(value, kind):
            raise InvalidValue(f"{attribute.name} must be a {kind.__name__}"
                               f"{' or None' if optional else ''}, got {value!r}")
    return check


def _count(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int or value < 0:
        raise InvalidValue(f"{attribute.name} must be a non-negative int, got {value!r}")


_TOWNS = tuple((Point(d.latitude, d.longitude), d.region) for d in DEPARTMENTS)


def _region_near(point: Point) -> str:
    """The region of the department whose chief town is nearest to ``point``."""
    return min(_TOWNS, key=lambda town: distance_km(point, town[0]))[1]


@attrs.frozen
class DemandEvent:
    """One search or one need, as the anonymous log keeps it: nothing names the holder.

    Attributes:
        kind: a search or a need.
        day: the day it happened.
        results: how many bookable sessions it found.
        region: the INSEE region it was about, ``None`` when at a distance or not said.
        words: the words looked for, folded (:func:`formation.text.words`).
        formacodes: the Formacodes looked for.
        start_from, start_until: the dates wanted, when given.
        budget: the band of what the holder would pay, when given.
    """

    kind: DemandKind = attrs.field(validator=_instance(DemandKind))
    day: date = attrs.field(validator=_day)
    results: int = attrs.field(validator=_count)
    region: str | None = attrs.field(default=None, validator=_region)
    words: tuple[str, ...] = attrs.field(default=(), converter=_words)
    formacodes: tuple[str, ...] = attrs.field(default=(), converter=_formacodes)
    start_from: date | None = attrs.field(default=None, validator=_optional_day)
    start_until: date | None = attrs.field(default=None, validator=_optional_day)
    budget: BudgetBand | None = attrs.field(default=None,
                                            validator=_instance(BudgetBand, optional=True))

    @property
    def month(self) -> date:
        """The first day of the event's month."""
        return self.day.replace(day=1)

    @classmethod
    def of_search(cls, query: Query, *, on: date, results: int) -> DemandEvent:
        """The event of a catalogue search: its text, Formacodes, dates and price ceiling
        (as the budget band); its region when it names one region, or departments of one
        region."""
        if not isinstance(query, Query):
            raise InvalidValue(f"query must be a Query, got {query!r}")
        regions = set(query.regions) | {department(d).region for d in query.departments}
        return cls(DemandKind.SEARCH, on, results,
                   region=regions.pop() if len(regions) == 1 else None,
                   words=query.text or "", formacodes=query.formacodes,
                   start_from=query.start_from, start_until=query.start_until,
                   budget=None if query.price_max is None else budget_band(query.price_max))

    @classmethod
    def of_needs(cls, needs: Needs, *, on: date, results: int) -> DemandEvent:
        """The event of a holder's needs: their themes, the region of the department nearest
        to their place (none at a distance), their free periods and their budget band."""
        if not isinstance(needs, Needs):
            raise InvalidValue(f"needs must be a Needs, got {needs!r}")
        periods = needs.free_periods
        return cls(DemandKind.NEED, on, results,
                   region=None if needs.near is None else _region_near(needs.near),
                   words=needs.words, formacodes=needs.formacodes,
                   start_from=periods[0].start if periods else None,
                   start_until=max(p.end for p in periods) if periods else None,
                   budget=budget_band(needs.budget))


# -- settings ---------------------------------------------------------------------------------


def _positive(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int or value < 1:
        raise InvalidValue(f"{attribute.name} must be a positive int, got {value!r}")


@attrs.frozen
class DemandSettings:
    """The parameters of the demand views (a choice of this library, not a legal rule).

    Attributes:
        threshold: the smallest count a view shows (default :data:`DEFAULT_THRESHOLD`).
        few_results: a search or need with at most this many bookable results is unmet
            (default 2).
    """

    threshold: int = attrs.field(default=DEFAULT_THRESHOLD, validator=_positive)
    few_results: int = attrs.field(default=2, validator=_count)


DEFAULT_DEMAND_SETTINGS = DemandSettings()
"""The default settings: a threshold of 11, unmet at 2 bookable results or fewer."""


def _settings(settings: DemandSettings | None) -> DemandSettings:
    if settings is None:
        return DEFAULT_DEMAND_SETTINGS
    if not isinstance(settings, DemandSettings):
        raise InvalidValue(f"settings must be DemandSettings, got {settings!r}")
    return settings


def _hidden(count: int, threshold: int) -> int | None:
    return count if count >= threshold else None


# -- unmet demand -----------------------------------------------------------------------------


@attrs.frozen
class UnmetDemand:
    """One cell of demand: a region, a theme and a month.

    Attributes:
        region: the INSEE region, ``None`` for searches at a distance or without a place.
        formacode: the Formacode, ``None`` for searches by words only.
        month: the first day of the month.
        searches: how many searches and needs (at least the threshold).
        unmet: how many of them found few or no bookable sessions, ``None`` when fewer than
            the threshold (hidden).
    """

    region: str | None
    formacode: str | None
    month: date
    searches: int
    unmet: int | None


def _events(events: Iterable[DemandEvent]) -> list[DemandEvent]:
    if isinstance(events, (str, DemandEvent)):
        raise InvalidValue(f"events is a collection of DemandEvent, got {events!r}")
    try:
        found = list(events)
    except TypeError:
        raise InvalidValue(f"events is a collection of DemandEvent, got {events!r}") from None
    for event in found:
        if not isinstance(event, DemandEvent):
            raise InvalidValue(f"events holds DemandEvent records, got {event!r}")
    return found


def unmet_demand(events: Iterable[DemandEvent], *,
                 settings: DemandSettings | None = None) -> tuple[UnmetDemand, ...]:
    """The demand by region × Formacode × month, most unmet first.

    An event with several Formacodes counts in each of them; one without counts under
    ``formacode=None``. Cells with fewer searches than the threshold are left out; an unmet
    count below it is ``None``.

    Order: the unmet count (hidden last), then the searches, both descending, then the month,
    the region and the Formacode (``None`` first).
    """
    chosen = _settings(settings)
    counts: dict[tuple[str | None, str | None, date], list[int]] = {}
    for event in _events(events):
        unmet = 1 if event.results <= chosen.few_results else 0
        for code in event.formacodes or (None,):
            cell = counts.setdefault((event.region, code, event.month), [0, 0])
            cell[0] += 1
            cell[1] += unmet
    threshold = chosen.threshold
    cells = [UnmetDemand(region, code, month, searches, _hidden(unmet, threshold))
             for (region, code, month), (searches, unmet) in counts.items()
             if searches >= threshold]
    cells.sort(key=lambda c: (-(c.unmet if c.unmet is not None else -1), -c.searches,
                              c.month, c.region or "", c.formacode or ""))
    return tuple(cells)


# -- price position ---------------------------------------------------------------------------


@attrs.frozen
class PricePosition:
    """Where an offer's price stands among the similar offers.

    Attributes:
        offer_id: the offer.
        formacode: its main Formacode.
        region: the region compared in, ``None`` for the whole catalogue.
        price: its price there (its cheapest session there).
        similar: how many offers are compared, itself included; ``None`` when fewer than the
            threshold (then no figure below is shown).
        percentile: the share of the similar offers strictly cheaper, in whole percent
            (rounded down).
        lower_quartile, median, upper_quartile: the prices of the similar offers at 25, 50
            and 75 % (nearest rank).
    """

    offer_id: OfferId
    formacode: str
    region: str | None
    price: Euros
    similar: int | None
    percentile: int | None = None
    lower_quartile: Euros | None = None
    median: Euros | None = None
    upper_quartile: Euros | None = None

    @property
    def hidden(self) -> bool:
        """Whether too few offers are similar for the figures to be shown."""
        return self.similar is None


def _nearest_rank(sorted_cents: list[int], percent: int) -> int:
    """The ``percent``-th percentile of sorted amounts by the nearest-rank method: the
    smallest amount with at least ``percent`` % of them at or below it (whole numbers only)."""
    n = len(sorted_cents)
    rank = max(1, -(-percent * n // 100))  # ceil(percent × n / 100), at least the first
    return sorted_cents[rank - 1]


def price_position(offer_id: OfferId, index: CatalogIndex, *, region: str | None = None,
                   settings: DemandSettings | None = None) -> PricePosition:
    """The position of an offer's price among the offers of the same main Formacode that have
    a session in ``region`` (``None``: anywhere, distance included).

    Each offer counts once, at the price of its cheapest session in the region.

    Raises:
        NotFound: no such offer in the index.
        InvalidValue: a bad region, or the offer has no session in the region.
    """
    chosen = _settings(settings)
    if region is not None and region not in _REGION_CODES:
        raise InvalidValue(f"region must be an INSEE region code or None, got {region!r}")
    offer = index.offer(offer_id)
    if not offer.formacodes:
        raise InvalidValue(f"offer {offer_id!r} has no Formacode to compare on")
    main = offer.formacodes[0]
    query = Query(formacodes=(main,), regions=() if region is None else (region,))
    ids = set(index.matching(query)) | set(index.matching(query, undated=True))
    cheapest: dict[OfferId, int] = {}
    for session_id in ids:
        session = index.session(session_id)
        other = index.offer(session.offer_id)
        if not other.formacodes or other.formacodes[0] != main:
            continue
        cents = session.price_of(other).cents
        if cents < cheapest.get(other.offer_id, cents + 1):
            cheapest[other.offer_id] = cents
    if offer.offer_id not in cheapest:
        raise InvalidValue(f"offer {offer_id!r} has no session in region {region!r}")
    price = cheapest[offer.offer_id]
    n = len(cheapest)
    if n < chosen.threshold:
        return PricePosition(offer.offer_id, main, region, Euros(price), None)
    prices = sorted(cheapest.values())
    below = sum(1 for c in prices if c < price)
    return PricePosition(
        offer.offer_id, main, region, Euros(price), n, below * 100 // n,
        Euros(_nearest_rank(prices, 25)), Euros(_nearest_rank(prices, 50)),
        Euros(_nearest_rank(prices, 75)))


# -- rating trend -----------------------------------------------------------------------------


@attrs.frozen
class RatingPeriod:
    """The reviews of an offer over consecutive months.

    Attributes:
        first_month, last_month: the first days of its first and last months.
        reviews: how many reviews were first written in it (at least the threshold).
        mean: their exact mean overall score (each review's current scores).
    """

    first_month: date
    last_month: date
    reviews: int
    mean: Fraction


def rating_trend(reviews: Iterable[Review], offer_id: OfferId, *,
                 settings: DemandSettings | None = None,
                 calendar: BusinessCalendar | None = None) -> tuple[RatingPeriod, ...]:
    """How an offer's ratings move: its reviews grouped into periods of whole months, oldest
    first, each closed as soon as it holds ``threshold`` reviews; the reviews after the last
    closed period (fewer than the threshold) are not shown.

    A review belongs to the month it was first written in (local date in the calendar's
    territory, metropole by default), with its current scores.
    """
    chosen = _settings(settings)
    by_month: dict[date, list[Fraction]] = {}
    for review in reviews:
        if not isinstance(review, Review):
            raise InvalidValue(f"reviews holds Review records, got {review!r}")
        if review.offer_id != offer_id:
            continue
        first = review.history[0].written_at if review.history else review.written_at
        by_month.setdefault(local_date(first, calendar).replace(day=1), []).append(
            review.overall)
    periods: list[RatingPeriod] = []
    start: date | None = None
    scores: list[Fraction] = []
    for month in sorted(by_month):
        start = month if start is None else start
        scores.extend(by_month[month])
        if len(scores) >= chosen.threshold:
            periods.append(RatingPeriod(start, month, len(scores),
                                        sum(scores, Fraction(0)) / len(scores)))
            start, scores = None, []
    return tuple(periods)

