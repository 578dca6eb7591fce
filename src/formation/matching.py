"""Matching offers to a holder's needs: ranked sessions, each with its funding plan and reasons.

A holder does not want "the catalogue": they want *a* training on a theme, near home or at a
distance, while they are free, that their rights pay for. :class:`Needs` says so; and
:func:`recommend` answers with ranked :class:`Recommendation`\\ s, each carrying the session, its
:class:`~formation.funding.FundingPlan` (who pays what, from :func:`~formation.funding.plan_funding`)
and the :class:`Reason`\\ s it fits or falls short, in French and English:

- "entièrement financée par vos droits, sauf la participation forfaitaire",
- "hors temps de travail : pas d'accord de l'employeur nécessaire",
- "commence dans 3 semaines, à 12 km",
- "noté 4,6 par 230 titulaires".

**Never an offer the holder cannot book.** A session is *bookable* when its offer is eligible to
the CPF on the session's first day (:func:`formation.catalog.eligibility.eligibility_violations`; on
the day of the recommendation for a session without dates), it has a seat left, it starts late enough for the registration deadlines (the minimum lead time
of ``minimum_lead_business_days`` business days, ``cpf-rules.md`` section 5; and, during working
time, the employer's notice of ``consent_notice_days``, section 6), it fits one of the holder's
free periods, it lies within reach, and the card payment of its funding plan is within the
budget. By default :func:`recommend` returns bookable sessions only; with
``include_unbookable=True`` it appends the others *after* them, each marked ``bookable=False``
with the blocking reasons.

**Ranking.** Each recommendation's score is a weighted mean (:class:`RankingWeights`, a
parameter) of five components in [0, 1], each kept on the record (:attr:`Recommendation.components`)
so that the order can be explained:

========== =============================================================================
rating     the offer's Bayesian average (:func:`~formation.reviews.bayesian_average`), 1..5 → 0..1
cost       ``1 - (card payment - participation) / budget``: 1 when the rights and top-ups pay
           everything but the flat participation, 0 at the budget
distance   ``1 - km / radius`` (1 at a distance, or without a place in the needs)
start      ``1 - days until the start / horizon`` (0.5 when the dates are not published)
theme      1 when a wanted Formacode is the offer's main theme, else 0.5
========== =============================================================================

Ties break on the start date, then the offer and session ids: the same inputs always give the
same order. The ratings are those the search index holds (fed by a
:class:`~formation.reviews.ReviewBook`), or the summaries given to :func:`recommend`.

**Places.** A holder's place is a point (:class:`Point`): given as latitude and longitude, or as
a postcode, which this module places at the chief town (prefecture) of the postcode's
department, from :mod:`formation.catalog.geography`. That is a coarse position: typically within 20 to
60 km of the real address in metropolitan France, up to about 150 km in the largest departments
(Gironde, Landes) and much more in French Guiana; give coordinates for anything finer. A
session's place is its coordinates when the catalogue has them, else its department's chief
town, with the same precision.
"""

from __future__ import annotations

import enum
import heapq
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, timedelta
from fractions import Fraction
from typing import Any, NamedTuple, Protocol

import attrs

from formation.calendar.business_days import BusinessCalendar
from formation.calendar.instants import check_date, date_field
from formation.catalog.eligibility import eligibility_violations
from formation.catalog.geography import DEPARTMENTS, department
from formation.catalog.offers import Certification, Modality, Offer, Session
from formation.catalog.search import CatalogIndex, Near, Query, Sort
from formation.catalog.search.geo import haversine_km
from formation.checks import FIRST_DAY, check_instance, instance_of, shown
from formation.consent import consent_notice_due_by
from formation.errors import InvalidType, InvalidValue, RuleViolation, Violation
from formation.funding import FundingPlan, plan_funding
from formation.ids import OfferId, SessionId
from formation.learning import LearningResource, ResourceIndex
from formation.money import Euros
from formation.reviews import (
    DEFAULT_PRIOR,
    RatingPrior,
    RatingSummary,
    shown_rating,
)
from formation.rules.rulebook import Rulebook, Rules
from formation.topups import TopUp

__all__ = [
    "DEFAULT_WEIGHTS",
    "Fit",
    "Funds",
    "Needs",
    "Period",
    "Point",
    "RankingWeights",
    "Reason",
    "Recommendation",
    "Recommendations",
    "ResourceMatch",
    "distance_km",
    "locate",
    "match_resources",
    "recommend",
]

# -- places ----------------------------------------------------------------------------------


def _latitude(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not -90 <= value <= 90:
        raise InvalidValue(f"latitude must be a number from -90 to 90, got {shown(value)}")


def _longitude(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
        -180 <= value <= 180
    ):
        raise InvalidValue(f"longitude must be a number from -180 to 180, got {shown(value)}")


@attrs.frozen
class Point:
    """A point on Earth, WGS 84 degrees.

    Attributes:
        latitude, longitude: the coordinates.
        label: what it stands for (``"06000 → Nice"``: a postcode placed at its chief town).
    """

    latitude: float = attrs.field(validator=_latitude)
    longitude: float = attrs.field(validator=_longitude)
    label: str = attrs.field(default="", eq=False)


_POSTCODE = re.compile(r"^\d{5}$")
_LAT_LON = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)\s*$")


def _department_of_postcode(postcode: str) -> str:
    """The department a postcode belongs to (its first digits; Corsica and overseas apart)."""
    if postcode.startswith("20"):
        # Corse-du-Sud 200xx-201xx, Haute-Corse 202xx and 206xx (La Poste)
        return "2A" if postcode[2] in "01" else "2B"
    if postcode.startswith("97"):
        return postcode[:3]
    return postcode[:2]


def locate(text: str) -> Point:
    """A point from a postcode (``"69003"``) or coordinates (``"45.76,4.84"``).

    A postcode is placed at the chief town of its department (see the module docstring for the
    precision).

    >>> locate("06000").label, locate("45.76, 4.84").latitude
    ('06000 → Nice', 45.76)

    Raises:
        InvalidValue: neither a French postcode of a known department nor ``LAT,LON``.
    """
    if not isinstance(text, str):
        raise InvalidValue(f"a place is a postcode or 'LAT,LON' text, got {shown(text)}")
    cleaned = text.strip()
    if _POSTCODE.match(cleaned):
        try:
            found = department(_department_of_postcode(cleaned))
        except InvalidValue:
            raise InvalidValue(
                f"postcode {shown(cleaned)} is not in a French department (01-95, 2A, 2B, 971-976)"
            ) from None
        return Point(found.latitude, found.longitude, f"{cleaned} → {found.chief_town}")
    match = _LAT_LON.match(cleaned)
    if match:
        return Point(float(match.group(1)), float(match.group(2)), cleaned)
    raise InvalidValue(
        f"{shown(text)} is neither a 5-digit postcode nor coordinates 'LAT,LON' such as '45.76,4.84'"
    )


def distance_km(a: Point, b: Point) -> float:
    """The great-circle distance between two points, in kilometres (:func:`formation.catalog.search.geo.haversine_km`).

    >>> round(distance_km(locate("75001"), locate("69001")))
    392
    """
    return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)


_CHIEF_TOWNS = {d.code: Point(d.latitude, d.longitude, d.chief_town) for d in DEPARTMENTS}


def _session_point(session: Session) -> Point | None:
    place = session.place
    if place is None:
        return None
    if place.latitude is not None and place.longitude is not None:
        return Point(place.latitude, place.longitude)
    return _CHIEF_TOWNS.get(place.department)


# -- needs -----------------------------------------------------------------------------------



@attrs.frozen
class Period:
    """Days a holder is free, ``start`` to ``end`` inclusive."""

    start: date = attrs.field(validator=date_field)
    end: date = attrs.field(validator=date_field)

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidValue(f"a period ends on or after its start, got {self.start}..{self.end}")

    def covers(self, start: date, end: date) -> bool:
        """Whether ``start..end`` lies inside this period."""
        return self.start <= check_date(start, "start") and check_date(end, "end") <= self.end


_FORMACODE = re.compile(r"^\d{5}$", re.ASCII)


def _themes(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, (tuple, list)) or not value:
        raise InvalidValue(f"themes must be a non-empty tuple of Formacodes or words, got {shown(value)}")
    for theme in value:
        if not isinstance(theme, str) or not theme.strip():
            raise InvalidValue(f"a theme is a Formacode or free text, got {shown(theme)}")
    return tuple(t.strip() for t in value)


def _periods(value: object) -> tuple[Period, ...]:
    if not isinstance(value, (tuple, list)) or not all(isinstance(p, Period) for p in value):
        raise InvalidValue(f"free_periods must be a tuple of Period, got {shown(value)}")
    return tuple(sorted(value, key=lambda p: (p.start, p.end)))


def _radius(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 2000:
        raise InvalidValue(f"radius_km must be a number of km above 0 and at most 2000, got {shown(value)}")


def _budget(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Euros) or value.cents < 0:
        raise InvalidValue(f"budget must be non-negative Euros, got {shown(value)}")


def _flag(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidValue(f"{attribute.name} must be a bool, got {shown(value)}")


_HOURS_IN_A_WEEK = 168


def _weekly(value: object) -> None:
    if value is not None and (type(value) is not int or not 1 <= value <= _HOURS_IN_A_WEEK):
        raise InvalidValue(f"hours_per_week must be a whole number of hours from 1 to "
                           f"{_HOURS_IN_A_WEEK}, or None, got {value!r}")


@attrs.frozen
class Needs:
    """What a holder wants.

    Attributes:
        themes: what to learn: Formacodes (``"15234"``) or free text (``"anglais"``); an offer
            matching any of them is a candidate.
        near: where the holder is, or ``None``: a place anywhere (or ``distance_only``).
        radius_km: how far they will travel from ``near``.
        distance_only: only trainings at a distance (``near`` is then not needed).
        accept_distance: with ``near``, also trainings at a distance (default yes).
        free_periods: the periods they are free; a dated session must lie inside one.
            Empty: any time.
        outside_working_time: the training is followed outside working time (no employer
            consent needed); ``False``: during working time, the employer must be asked in time.
        budget: the most they accept to pay by card (the flat participation included).
        job_seeker: the holder is a job seeker (no flat participation).
        hours_per_week: the hours a week they can give to learning, or ``None`` when not
            said; a learning resource's effort is then also shown in weeks.
    """

    themes: tuple[str, ...] = attrs.field(converter=_themes)
    near: Point | None = attrs.field(
        default=None, validator=instance_of(Point, optional=True))
    radius_km: float = attrs.field(default=30, validator=_radius)
    distance_only: bool = attrs.field(default=False, validator=_flag)
    accept_distance: bool = attrs.field(default=True, validator=_flag)
    free_periods: tuple[Period, ...] = attrs.field(default=(), converter=_periods)
    outside_working_time: bool = attrs.field(default=True, validator=_flag)
    budget: Euros = attrs.field(default=Euros(0), validator=_budget)
    job_seeker: bool = attrs.field(default=False, validator=_flag)
    hours_per_week: int | None = attrs.field(default=None, validator=lambda i, a, v: _weekly(v))

    def __attrs_post_init__(self) -> None:
        if self.distance_only and self.near is not None:
            raise InvalidValue("distance_only needs no place: give near=None")

    @property
    def formacodes(self) -> tuple[str, ...]:
        """The themes that are Formacodes."""
        return tuple(t for t in self.themes if _FORMACODE.match(t))

    @property
    def words(self) -> tuple[str, ...]:
        """The themes that are free text."""
        return tuple(t for t in self.themes if not _FORMACODE.match(t))


# -- reasons and recommendations -----------------------------------------------------------


@enum.unique
class Fit(enum.Enum):
    """Whether a reason speaks for or against a session."""

    FITS = "fits"  # a reason to choose it
    NOTE = "note"  # something to know
    SHORT = "short"  # it falls short; with blocking=True the holder cannot book it


@attrs.frozen
class Reason:
    """One reason a session fits the needs or falls short, in French and English.

    Attributes:
        code: a stable identifier (``"funding.fully_covered"``).
        fit: for, neutral or against.
        fr, en: the sentence.
        blocking: the holder cannot book the session for this reason.
    """

    code: str
    fit: Fit
    fr: str
    en: str
    blocking: bool = False

    def text(self, lang: str = "fr") -> str:
        """The sentence in ``lang`` (``"fr"`` or ``"en"``)."""
        return self.fr if lang == "fr" else self.en


@attrs.frozen
class Recommendation:
    """One session recommended for the needs.

    Attributes:
        offer, session: what is recommended.
        plan: its funding plan, or ``None`` when no plan is possible (see the reasons).
        score: its ranking score, from 0 to 1 (weighted mean of :attr:`components`).
        components: each component of the score (name, value from 0 to 1), in the order of
            :class:`RankingWeights`.
        reasons: why it fits or falls short.
        bookable: whether the holder can book it; ``False`` only with ``include_unbookable``.
        distance_km: how far it is from the holder (``None`` at a distance or without a place).
        rating_mean: its offer's exact mean rating, ``None`` when not rated.
        rating_count: how many holders rated it.
    """

    offer: Offer
    session: Session
    plan: FundingPlan | None
    score: float
    components: tuple[tuple[str, float], ...]
    reasons: tuple[Reason, ...]
    bookable: bool
    distance_km: float | None = None
    rating_mean: Fraction | None = None
    rating_count: int = 0

    def component(self, name: str) -> float:
        """One component of the score (``"rating"``, ``"cost"``, ``"distance"``…)."""
        for key, value in self.components:
            if key == name:
                return value
        raise InvalidValue(f"no score component {shown(name)}; known: {[k for k, _ in self.components]}")

    def explain(self, lang: str = "fr") -> str:
        """The reasons as one line each, with the score."""
        head = (f"{self.offer.title} — score {self.score:.3f}" if lang == "en"
                else f"{self.offer.title} — score {self.score:.3f}".replace(".", ",", 1))
        marks = {Fit.FITS: "+", Fit.NOTE: "·", Fit.SHORT: "−"}
        return "\n".join([head, *(f"  {marks[r.fit]} {r.text(lang)}" for r in self.reasons)])

    @property
    def blocking(self) -> tuple[Reason, ...]:
        """The reasons the holder cannot book it."""
        return tuple(r for r in self.reasons if r.blocking)


@attrs.frozen
class ResourceMatch:
    """A learning resource that fits the needs, beside the funded sessions.

    Attributes:
        resource: the resource.
        theme: 1 when a wanted Formacode is its main theme, 0.5 when it fits otherwise.
        weeks: the weeks its effort asks at the needs' ``hours_per_week`` (rounded up), or
            ``None`` when the needs do not say.
        reasons: what it asks and gives, against what the best funded session asks.
    """

    resource: LearningResource
    theme: float
    weeks: int | None
    reasons: tuple[Reason, ...]

    @property
    def effort_hours(self) -> int:
        """The hours of effort it asks."""
        return self.resource.effort_hours

    @property
    def cost(self) -> Euros:
        """What it costs (never paid by CPF rights)."""
        return self.resource.cost

    @property
    def certification(self) -> Certification | None:
        """The certification it can lead to, or ``None``."""
        return self.resource.certification

    def explain(self, lang: str = "fr") -> str:
        """The reasons as one line each, under the title."""
        marks = {Fit.FITS: "+", Fit.NOTE: "·", Fit.SHORT: "−"}
        return "\n".join([f"{self.resource.title} ({self.resource.provider})",
                          *(f"  {marks[r.fit]} {r.text(lang)}" for r in self.reasons)])


class Recommendations(tuple[Recommendation, ...]):
    """What :func:`recommend` returns: the recommended sessions, as a tuple, best first, and
    the learning resources that fit the same needs (:attr:`resources`).

    It is a tuple of :class:`Recommendation` (so ``len``, indexing, unpacking and comparing to
    a tuple work as before the resources existed); equality compares the sessions only.
    """

    __resources: tuple[ResourceMatch, ...]

    def __new__(cls, sessions: Iterable[Recommendation] = (),
                resources: Iterable[ResourceMatch] = ()) -> Recommendations:
        made = super().__new__(cls, sessions)
        object.__setattr__(made, "_Recommendations__resources", tuple(resources))
        return made

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Recommendations are immutable; cannot set {name}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Recommendations are immutable; cannot delete {name}")

    def __repr__(self) -> str:
        return f"Recommendations({tuple(self)!r}, resources={self.__resources!r})"

    @property
    def sessions(self) -> tuple[Recommendation, ...]:
        """The recommended sessions, as a plain tuple."""
        return tuple(self)

    @property
    def resources(self) -> tuple[ResourceMatch, ...]:
        """The learning resources that fit the needs, best first (theme, then a
        certification, then the cost, the effort and the id)."""
        return self.__resources


def _weight(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int or value < 0:
        raise InvalidValue(f"weight {attribute.name} must be a non-negative int, got {shown(value)}")


@attrs.frozen
class RankingWeights:
    """The weights of the ranking components (see the module docstring); a parameter.

    Attributes:
        rating, cost, distance, start, theme: each component's weight (non-negative ints,
            not all zero).
        horizon_days: the start component reaches 0 this many days ahead.
    """

    rating: int = attrs.field(default=3, validator=_weight)
    cost: int = attrs.field(default=3, validator=_weight)
    distance: int = attrs.field(default=2, validator=_weight)
    start: int = attrs.field(default=1, validator=_weight)
    theme: int = attrs.field(default=1, validator=_weight)
    horizon_days: int = attrs.field(default=365, validator=_weight)

    def __attrs_post_init__(self) -> None:
        if self.rating + self.cost + self.distance + self.start + self.theme == 0:
            raise InvalidValue("at least one ranking weight must be positive")
        if self.horizon_days == 0:
            raise InvalidValue("horizon_days must be positive")

    def as_mapping(self) -> dict[str, int]:
        """The component weights by name."""
        return {"rating": self.rating, "cost": self.cost, "distance": self.distance,
                "start": self.start, "theme": self.theme}


DEFAULT_WEIGHTS = RankingWeights()
"""The default weights: rating and cost 3, distance 2, start and theme 1 (a choice)."""


class _Balance(Protocol):
    @property
    def available(self) -> Euros: ...


class Funds(Protocol):
    """What :func:`recommend` reads of an account: a :class:`formation.accounts.Account` has it.

    The rights available are the balance's ``available`` less the top-ups still available.
    """

    def balance(self, as_of: date | None = None) -> _Balance: ...

    def available_top_ups(self, as_of: date | None = None) -> tuple[TopUp, ...]: ...


_QUALIOPI_UNKNOWN = "eligibility.qualiopi_missing"

# -- evaluation of one candidate -------------------------------------------------------------


@attrs.define
class _Context:
    """One recommendation's inputs, and its caches (eligibility, plans, rating components)."""

    needs: Needs
    on: date
    rules: Rules
    rulebook: Rulebook
    rights: Euros
    top_ups: tuple[TopUp, ...]
    earliest_start: date
    weights: RankingWeights
    ratings: Callable[[OfferId], tuple[float | None, int]]
    exact_mean: Callable[[OfferId], Fraction | None]
    prior: RatingPrior
    keep_unbookable: bool
    trust_listing: bool
    top_up_total: int = attrs.field(init=False)
    eligibility: dict[tuple[str, date], tuple[Violation, ...]] = attrs.field(
        factory=dict, eq=False)
    plans: dict[tuple[int, str, str, str | None], FundingPlan | RuleViolation] = attrs.field(
        factory=dict, eq=False)
    rating_parts: dict[str, tuple[float, int]] = attrs.field(factory=dict, eq=False)
    theme_codes: frozenset[str] = attrs.field(init=False)
    prior_mean: float = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.top_up_total = sum(t.amount.cents for t in self.top_ups)
        self.theme_codes = frozenset(self.needs.formacodes)  # read once, not per candidate
        self.prior_mean = float(self.prior.mean)

    def rating_part(self, offer_id: OfferId) -> tuple[float, int]:
        """The rating component of an offer (its Bayesian average from 1..5 to 0..1, computed
        in floating point once per offer) and its number of reviews."""
        found = self.rating_parts.get(offer_id)
        if found is None:
            mean, count = self.ratings(offer_id)
            weight, prior = self.prior.weight, self.prior_mean
            bayes = prior if mean is None or count <= 0 else (
                (weight * prior + count * mean) / (weight + count))
            found = self.rating_parts[offer_id] = ((bayes - 1) / 4, count if mean else 0)
        return found


def _funds(account: Funds | Euros, on: date) -> tuple[Euros, tuple[TopUp, ...]]:
    """The rights available on ``on`` and the top-ups, from an account or a bare balance."""
    if isinstance(account, Euros):
        if account.cents < 0:
            raise InvalidValue(f"a balance is not negative, got {account}")
        return account, ()
    top_ups = tuple(account.available_top_ups(on))
    available = account.balance(on).available
    rights = available - Euros(sum(t.amount.cents for t in top_ups))
    return (rights if rights.cents > 0 else Euros(0)), top_ups


def _plan(ctx: _Context, offer: Offer, session: Session) -> FundingPlan | RuleViolation:
    price = session.price_of(offer)
    certification = offer.certification.key if offer.certification is not None else None
    earmarked = any(t.earmarked for t in ctx.top_ups)
    key = (price.cents, offer.action_type.value, offer.offer_id if earmarked else "",
           certification if earmarked else None)
    found = ctx.plans.get(key)
    if found is None:
        try:
            found = plan_funding(
                price, balance=ctx.rights, on=ctx.on, top_ups=ctx.top_ups,
                job_seeker=ctx.needs.job_seeker, action_type=offer.action_type,
                rulebook=ctx.rulebook, offer_id=offer.offer_id,
                certification_code=certification,
            )
        except RuleViolation as refused:
            found = refused
        ctx.plans[key] = found
    return found


def _money_reasons(plan: FundingPlan, budget: Euros) -> tuple[list[Reason], bool]:
    reasons: list[Reason] = []
    card = plan.card_payment
    if card.cents == 0:
        reasons.append(Reason("funding.fully_covered", Fit.FITS,
                              "entièrement financée par vos droits",
                              "fully covered by your rights"))
    elif card == plan.participation:
        reasons.append(Reason(
            "funding.covered_but_participation", Fit.FITS,
            f"entièrement financée par vos droits, sauf la participation forfaitaire ({card})",
            f"fully covered by your rights except the participation ({card})"))
    else:
        paid = plan.rights_used + plan.top_ups_used
        reasons.append(Reason(
            "funding.partly_covered", Fit.NOTE,
            f"vos droits et abondements paient {paid}, vous payez {card} par carte",
            f"your rights and top-ups pay {paid}, you pay {card} by card"))
    if card > budget:
        reasons.append(Reason(
            "funding.over_budget", Fit.SHORT,
            f"reste à payer {card}, au-delà de votre budget de {budget}",
            f"{card} left to pay, over your budget of {budget}", blocking=True))
    return reasons, card <= budget


def _weeks(days: int) -> tuple[str, str]:
    if days < 14:
        return f"dans {days} jours", f"in {days} days"
    if days < 60:
        return f"dans {days // 7} semaines", f"in {days // 7} weeks"
    return f"dans {days // 30} mois", f"in {days // 30} months"


def _km(value: float) -> str:
    return f"{round(value)} km"


def _stars(mean: Fraction, count: int) -> tuple[str, str]:
    shown = shown_rating(mean)
    holders_fr = "titulaire" if count == 1 else "titulaires"
    holders_en = "holder" if count == 1 else "holders"
    return (f"noté {str(shown).replace('.', ',')} par {count} {holders_fr}",
            f"rated {shown} by {count} {holders_en}")


def _eligibility(ctx: _Context, offer: Offer, session: Session) -> tuple[Violation, ...]:
    """The offer's eligibility on the session's first day (on ``ctx.on`` when undated)."""
    day = session.start if session.start is not None else ctx.on
    key = (offer.offer_id, day)
    found = ctx.eligibility.get(key)
    if found is None:
        found = ctx.eligibility[key] = eligibility_violations(offer, day, ctx.rulebook)
    return found


class _Candidate(NamedTuple):
    """A session within reach, with the components that need no funding plan."""

    offer: Offer
    session: Session
    km: float | None
    distance: float
    start: float
    theme: float
    rating_count: int
    rating: float
    optimistic: float


def _score(weights: RankingWeights, parts: tuple[float, float, float, float, float]) -> float:
    w = weights
    total = w.rating + w.cost + w.distance + w.start + w.theme
    rating, cost, distance, start, theme = parts
    return round((w.rating * rating + w.cost * cost + w.distance * distance + w.start * start
                  + w.theme * theme) / total, 9)


def _cost_part(extra: int, budget: Euros) -> float:
    """The cost component: 1 when the holder pays no more than the participation."""
    if extra <= 0:
        return 1.0
    if budget.cents <= 0 or extra > budget.cents:
        return 0.0
    return 1.0 - extra / budget.cents


def _reach(ctx: _Context, offer: Offer, session: Session) -> _Candidate | None:
    """The session as a candidate, or ``None`` when it is out of reach of the needs.

    Out of reach: the wrong kind of place or too far (never returned, bookable or not); and,
    unless ``ctx.keep_unbookable``, full, starting too soon or outside the free periods.
    """
    needs = ctx.needs
    # -- where ------------------------------------------------------------------------------
    km: float | None = None
    if session.place is None or offer.modality is Modality.DISTANCE:
        if not (needs.distance_only or needs.accept_distance or needs.near is None):
            return None
        distance_part = 1.0
    elif needs.distance_only:
        return None
    elif needs.near is not None:
        where = _session_point(session)
        if where is None:
            return None
        km = distance_km(needs.near, where)
        if km > needs.radius_km:
            return None
        distance_part = 1.0 - km / needs.radius_km
    else:
        distance_part = 1.0
    # -- when -------------------------------------------------------------------------------
    start, end = session.start, session.end
    if start is None or end is None:
        start_part = 0.5
    else:
        if not ctx.keep_unbookable and (
            start < ctx.earliest_start
            or (needs.free_periods
                and not any(p.covers(start, end) for p in needs.free_periods))
        ):
            return None
        start_part = max(0.0, 1.0 - (start - ctx.on).days / ctx.weights.horizon_days)
    if session.full and not ctx.keep_unbookable:
        return None
    # -- rating, theme, and the best the cost could be ----------------------------------------
    rating_part, count = ctx.rating_part(offer.offer_id)
    theme_part = 1.0 if offer.formacodes and offer.formacodes[0] in ctx.theme_codes else 0.5
    least_extra = (session.price_of(offer).cents - ctx.rights.cents - ctx.top_up_total
                   - ctx.rules.flat_participation.cents)
    optimistic = _score(ctx.weights, (rating_part, _cost_part(least_extra, needs.budget),
                                      distance_part, start_part, theme_part))
    return _Candidate(offer, session, km, distance_part, start_part, theme_part, count,
                      rating_part, optimistic)


def _place_text(session: Session, km: float | None) -> tuple[str, str]:
    place = session.place
    if place is None or km is None:
        if place is None:
            return "à distance", "at a distance"
        city = place.city or place.department
        return f"à {city}", f"in {city}"
    if place.latitude is None:
        name = department(place.department).name
        return f"en {name} (à {_km(km)} de sa préfecture)", f"in {name} ({_km(km)} from its chief town)"
    return f"à {_km(km)}", f"{_km(km)} away"


def _evaluate(ctx: _Context, c: _Candidate) -> Recommendation | None:
    """The full recommendation of a candidate, or ``None`` when the holder cannot book it
    (unless ``ctx.keep_unbookable``)."""
    needs, offer, session = ctx.needs, c.offer, c.session
    keep = ctx.keep_unbookable
    place_fr, place_en = (("à distance", "at a distance")
                          if offer.modality is Modality.DISTANCE
                          else _place_text(session, c.km))
    reasons: list[Reason] = []
    bookable = True
    ineligible = _eligibility(ctx, offer, session)
    if ctx.trust_listing and any(v.code == _QUALIOPI_UNKNOWN for v in ineligible):
        ineligible = tuple(v for v in ineligible if v.code != _QUALIOPI_UNKNOWN)
        reasons.append(Reason(
            _QUALIOPI_UNKNOWN, Fit.NOTE,
            "certification Qualiopi non renseignée par le catalogue (la plateforme ne publie "
            "que des organismes certifiés)",
            "Qualiopi certification not given by the catalogue (the platform lists certified "
            "organisms only)"))
    if ineligible:
        if not keep:
            return None
        bookable = False
        reasons.extend(
            Reason(v.code, Fit.SHORT, f"non éligible au CPF : {v.message}",
                   f"not eligible to the CPF: {v.message}", blocking=True)
            for v in ineligible)
    # -- when -------------------------------------------------------------------------------
    start, end = session.start, session.end
    if start is None or end is None:
        reasons.append(Reason("dates.unpublished", Fit.NOTE,
                              f"dates à convenir avec l'organisme, {place_fr}",
                              f"dates to agree with the organism, {place_en}"))
    else:
        if start < ctx.earliest_start:
            bookable = False
            reasons.append(Reason(
                "dates.too_soon", Fit.SHORT,
                f"commence le {start:%d/%m/%Y}, trop tôt : une inscription faite le "
                f"{ctx.on:%d/%m/%Y} permet d'entrer au plus tôt le {ctx.earliest_start:%d/%m/%Y}",
                f"starts on {start.isoformat()}, too soon: a registration made on "
                f"{ctx.on.isoformat()} allows a start on {ctx.earliest_start.isoformat()} at "
                "the earliest", blocking=True))
        else:
            when_fr, when_en = _weeks((start - ctx.on).days)
            reasons.append(Reason("dates.start", Fit.FITS, f"commence {when_fr}, {place_fr}",
                                  f"starts {when_en}, {place_en}"))
        if needs.free_periods and not any(p.covers(start, end) for p in needs.free_periods):
            bookable = False
            reasons.append(Reason(
                "dates.not_free", Fit.SHORT,
                f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}, hors de vos périodes disponibles",
                f"from {start.isoformat()} to {end.isoformat()}, outside the periods you are "
                "free", blocking=True))
    # -- employer consent -------------------------------------------------------------------
    if needs.outside_working_time:
        reasons.append(Reason("consent.not_needed", Fit.FITS,
                              "hors temps de travail : pas d'accord de l'employeur nécessaire",
                              "outside working time: no employer consent needed"))
    elif start is not None and end is not None:
        due = consent_notice_due_by(start, end, on=ctx.on, rulebook=ctx.rulebook)
        if ctx.on > due:
            bookable = False
            reasons.append(Reason(
                "consent.too_late", Fit.SHORT,
                "pendant le temps de travail : l'accord de l'employeur devait être demandé au "
                f"plus tard le {due:%d/%m/%Y}",
                f"during working time: the employer had to be asked by {due.isoformat()}",
                blocking=True))
        else:
            reasons.append(Reason(
                "consent.ask_by", Fit.NOTE,
                "pendant le temps de travail : demandez l'accord de l'employeur au plus tard "
                f"le {due:%d/%m/%Y}",
                f"during working time: ask your employer's consent by {due.isoformat()}"))
    else:
        reasons.append(Reason(
            "consent.ask", Fit.NOTE,
            f"pendant le temps de travail : demandez l'accord de l'employeur "
            f"{ctx.rules.consent_notice_days} jours avant l'entrée "
            f"({ctx.rules.consent_notice_days_long} pour une formation longue)",
            f"during working time: ask your employer's consent {ctx.rules.consent_notice_days} "
            f"days before the start ({ctx.rules.consent_notice_days_long} for a long training)"))
    # -- seats ------------------------------------------------------------------------------
    if session.full:
        bookable = False
        reasons.append(Reason("session.full", Fit.SHORT, "complet : plus aucune place",
                              "full: no seat left", blocking=True))
    if not bookable and not keep:
        return None
    # -- money ------------------------------------------------------------------------------
    planned = _plan(ctx, offer, session)
    plan: FundingPlan | None
    if isinstance(planned, RuleViolation):
        plan, cost_part, bookable = None, 0.0, False
        reasons.extend(
            Reason(v.code, Fit.SHORT, f"financement impossible : {v.message}",
                   f"cannot be funded: {v.message}", blocking=True)
            for v in planned.violations)
    else:
        plan = planned
        money, affordable = _money_reasons(plan, needs.budget)
        reasons.extend(money)
        bookable = bookable and affordable
        cost_part = _cost_part((plan.card_payment - plan.participation).cents, needs.budget)
    if not bookable and not keep:
        return None
    # -- rating -----------------------------------------------------------------------------
    rating_mean = ctx.exact_mean(offer.offer_id) if c.rating_count else None
    if rating_mean is not None:
        fr, en = _stars(rating_mean, c.rating_count)
        reasons.append(Reason("rating.rated", Fit.FITS if c.rating >= 0.75 else Fit.NOTE,
                              fr, en))
    else:
        reasons.append(Reason("rating.none", Fit.NOTE, "pas encore noté", "not rated yet"))
    parts = (c.rating, cost_part, c.distance, c.start, c.theme)
    return Recommendation(
        offer=offer, session=session, plan=plan, score=_score(ctx.weights, parts),
        components=tuple(zip(("rating", "cost", "distance", "start", "theme"), parts,
                             strict=True)),
        reasons=tuple(reasons), bookable=bookable, distance_km=c.km,
        rating_mean=rating_mean, rating_count=c.rating_count,
    )


# -- recommend -------------------------------------------------------------------------------

_PAGE = 100  # how many sessions recommend reads between two checks that a later one can still enter


_REACH_KM: Mapping[str, float] = {"973": 450.0}
"""How far a place of a department may lie from its chief town, where more than
:data:`_DEFAULT_REACH_KM` (French Guiana: Saint-Laurent-du-Maroni and Maripasoula are about 250
and 400 km from Cayenne)."""
_DEFAULT_REACH_KM = 150.0
"""How far a place of a department may lie from its chief town: the largest metropolitan
departments (Gironde, Landes, Dordogne) stay within about 130 km of their prefecture."""


def _departments_within(point: Point, radius_km: float, *, reach: bool = False
                        ) -> tuple[str, ...]:
    """The departments whose chief town is within ``radius_km`` of ``point``; with ``reach``,
    every department that may hold a place within ``radius_km`` of it."""
    return tuple(sorted(
        code for code, town in _CHIEF_TOWNS.items()
        if distance_km(point, town) <= radius_km + (
            _REACH_KM.get(code, _DEFAULT_REACH_KM) if reach else 0.0)
    ))


def _queries(needs: Needs, ceiling: Euros | None) -> list[Query]:
    """The searches whose union holds every candidate: each theme, times each kind of place.

    Near a point, two searches cover the sessions within reach: the index's ``near`` for the
    sessions whose place has coordinates, and the departments whose chief town is within the
    radius for those without (which are placed at that chief town).
    """
    themes: list[dict[str, Any]] = []
    if needs.formacodes:
        themes.append({"formacodes": needs.formacodes})
    themes.extend({"text": word} for word in needs.words)
    places: list[dict[str, Any]] = []
    in_place = (Modality.IN_PERSON, Modality.MIXED)
    if needs.distance_only:
        places.append({"modalities": (Modality.DISTANCE,)})
    elif needs.near is not None:
        point = needs.near
        # the departments narrow the index's distance filter to the places that may be near
        places.append({"near": Near(point.latitude, point.longitude, needs.radius_km),
                       "departments": _departments_within(point, needs.radius_km, reach=True),
                       "modalities": in_place})
        departments = _departments_within(point, needs.radius_km)
        if departments:
            places.append({"departments": departments, "modalities": in_place})
        if needs.accept_distance:
            places.append({"modalities": (Modality.DISTANCE,)})
    else:
        places.append({})
    return [
        Query(**theme, **place, price_max=ceiling, sort=Sort.START_DATE, page_size=_PAGE)
        for theme in themes for place in places
    ]


def _found(index: CatalogIndex, ids: tuple[SessionId, ...]) -> Iterator[tuple[Offer, Session]]:
    """The sessions of ``ids`` with their offers, read from the index as they are asked for."""
    for session_id in ids:
        session = index.session(session_id)
        yield index.offer(session.offer_id), session


def _hits(index: CatalogIndex, query: Query, window: tuple[date, date],
          undated: bool, most: int | None) -> Iterator[tuple[Offer, Session]]:
    """The sessions of ``query`` that start in ``window``, soonest first, at most ``most``;
    then, when the catalogue has sessions without dates (``undated``), those of them that
    match, at most ``most``.

    Each is one call to :meth:`CatalogIndex.matching`: the text search and the filters run
    once, not once per page.
    """
    dated = attrs.evolve(query, start_from=window[0], start_until=window[1])
    yield from _found(index, index.matching(dated, limit=most))
    if undated:
        yield from _found(index, index.matching(query, limit=most, undated=True))


def _has_undated(index: CatalogIndex) -> bool:
    """Whether some session of the catalogue has no dates."""
    probe = Query(page_size=1)
    return bool(index.search(probe).total > index.search(
        attrs.evolve(probe, start_from=FIRST_DAY)).total)


def _window(needs: Needs, earliest: date, on: date, horizon_days: int) -> tuple[date, date]:
    """The days a bookable session may start: from the earliest start to the end of the last
    free period (without periods: the ranking horizon)."""
    if needs.free_periods:
        first = max(earliest, needs.free_periods[0].start)
        last = max(p.end for p in needs.free_periods)
    else:
        first, last = earliest, on + timedelta(days=horizon_days)
    return first, max(first, last)


def _index_ratings(index: CatalogIndex) -> tuple[Callable[[OfferId], tuple[float | None, int]],
                                                   Callable[[OfferId], Fraction | None]]:
    """The ratings the index holds, and their exact means (a mean of ``count`` reviews of five
    whole scores has a denominator dividing ``5 × count``, so it is recovered exactly)."""
    def exact(offer_id: OfferId) -> Fraction | None:
        mean, count = index.rating(offer_id)
        if mean is None or count == 0:
            return None
        return Fraction(mean).limit_denominator(5 * count)
    return index.rating, exact


def _summary_ratings(
    ratings: Mapping[OfferId, RatingSummary],
) -> tuple[Callable[[OfferId], tuple[float | None, int]], Callable[[OfferId], Fraction | None]]:
    def rating(offer_id: OfferId) -> tuple[float | None, int]:
        summary = ratings.get(offer_id)
        if summary is None or summary.count == 0:
            return None, 0
        return summary.total() / (5 * summary.count), summary.count

    def exact(offer_id: OfferId) -> Fraction | None:
        summary = ratings.get(offer_id)
        return None if summary is None else summary.mean()
    return rating, exact


def recommend(
    needs: Needs,
    account: Funds | Euros,
    index: CatalogIndex,
    *,
    on: date,
    ratings: Mapping[OfferId, RatingSummary] | None = None,
    weights: RankingWeights = DEFAULT_WEIGHTS,
    prior: RatingPrior = DEFAULT_PRIOR,
    limit: int = 10,
    include_unbookable: bool = False,
    trust_listing: bool = False,
    max_candidates: int | None = 1000,
    calendar: BusinessCalendar | None = None,
    rulebook: Rulebook | None = None,
    resources: Iterable[LearningResource] | ResourceIndex = (),
) -> Recommendations:
    """The sessions of ``index`` that best answer ``needs``, best first, and the learning
    resources that fit them.

    Args:
        needs: what the holder wants.
        account: their account (its available rights and top-ups on ``on``), or just the
            available rights as ``Euros``.
        index: the catalogue to search.
        on: the day of the recommendation (the rules, the deadlines and the seats of that day).
        ratings: the rating summary of each offer (a :class:`~formation.reviews.ReviewBook`'s
            :meth:`~formation.reviews.ReviewBook.offer_summaries`); default: the ratings the
            index holds (:meth:`CatalogIndex.rating`, which a ``ReviewBook`` keeps up to date).
        weights: the ranking weights.
        prior: the prior of the Bayesian average that turns a rating into its component.
        limit: how many bookable sessions to return at most.
        include_unbookable: also return, after the bookable ones, up to ``limit`` sessions the
            holder cannot book, each with ``bookable=False`` and its blocking reasons.
        trust_listing: the catalogue is the platform's own listing (the open-data export),
            which carries no Qualiopi data but holds only offers of certified organisms: an
            unknown Qualiopi certification (``eligibility.qualiopi_missing``) is then a note,
            not a reason to leave the offer out. Default ``False``: unknown means not eligible.
        max_candidates: the most sessions considered per search (one search per theme and
            kind of place), the soonest first; ``None`` for all of them. A search finds more
            only for very broad needs (a common word, at a distance, anywhere in France); the
            result is then the best among the soonest ``max_candidates``.
        calendar: the business-day calendar for the registration lead time (default: the
            metropole's).
        rulebook: the rules (default :meth:`Rulebook.default`).
        resources: learning resources outside the catalogue (:mod:`formation.learning`): a
            :class:`~formation.learning.ResourceIndex` built once for a large set, or any
            collection of :class:`~formation.learning.LearningResource` (indexed on each call).
            Those that fit the needs (see :func:`match_resources`) are listed in
            :attr:`Recommendations.resources`, at most ``limit``.

    Returns:
        The recommendations: bookable ones first, ranked by score (then start date, offer and
        session id), then the unbookable ones if asked for, ranked the same way; and the
        resources that fit (:attr:`Recommendations.resources`).

    Only sessions that start by the end of the last free period (without periods: within
    ``weights.horizon_days`` of ``on``) and sessions without published dates are considered;
    with ``include_unbookable``, from ``on`` and at least to the horizon (to mark those starting
    too soon or outside the periods), else from the earliest start a registration made on
    ``on`` allows.
    Within them (and ``max_candidates``), the result is exactly the ``limit`` best by score: candidates are scored first without
    their funding plan, with the best cost they could have, and a funding plan is computed only
    for those whose best possible score can still enter the result; and since each search
    returns its sessions in start order, it is read no further once even a perfect session
    starting later could not enter the result.

    Raises:
        InvalidValue: a bad argument.
    """
    check_date(on, "on")
    if not isinstance(needs, Needs):
        raise InvalidValue(f"needs must be a Needs, got {shown(needs)}")
    if not isinstance(account, Euros):
        for method in ("balance", "available_top_ups"):
            if not callable(getattr(account, method, None)):
                raise InvalidType(code="value.wrong_type", field="account", value=shown(account),
                                  accepted="an Account or Euros",
                                  accepted_fr="un compte (Account) ou un montant (Euros)")
    check_instance(index, CatalogIndex, "index")
    if ratings is not None:
        check_instance(ratings, Mapping, "ratings")
    if calendar is not None:
        check_instance(calendar, BusinessCalendar, "calendar")
    if rulebook is not None:
        check_instance(rulebook, Rulebook, "rulebook")
    if type(limit) is not int or limit < 1:
        raise InvalidValue(f"limit must be a positive int, got {shown(limit)}")
    if not isinstance(weights, RankingWeights):
        raise InvalidValue(f"weights must be RankingWeights, got {shown(weights)}")
    if max_candidates is not None and (type(max_candidates) is not int or max_candidates < 1):
        raise InvalidValue(f"max_candidates must be a positive int or None, got {shown(max_candidates)}")
    if not isinstance(prior, RatingPrior):
        raise InvalidValue(f"prior must be a RatingPrior, got {shown(prior)}")
    book = rulebook if rulebook is not None else Rulebook.default()
    rules = book.at(on)
    rights, top_ups = _funds(account, on)
    lead = rules.minimum_lead_business_days or 0
    days = calendar if calendar is not None else BusinessCalendar()
    earliest = days.add_business_days(on, lead) if lead else on + timedelta(days=1)
    lookup, exact = _index_ratings(index) if ratings is None else _summary_ratings(ratings)
    ctx = _Context(
        needs=needs, on=on, rules=rules, rulebook=book, rights=rights, top_ups=top_ups,
        earliest_start=earliest, weights=weights, ratings=lookup, exact_mean=exact, prior=prior,
        keep_unbookable=include_unbookable, trust_listing=trust_listing,
    )
    # the most an order can cost: everything the rights, top-ups and budget can pay
    ceiling = None if include_unbookable else (
        rights + Euros(ctx.top_up_total) + needs.budget)
    window = _window(needs, earliest, on, weights.horizon_days)
    if include_unbookable:  # also the sessions too soon or outside the periods, to mark them
        window = (on, max(window[1], on + timedelta(days=weights.horizon_days)))
    undated = _has_undated(index)
    ranking = _Ranking(ctx, limit)
    seen: set[str] = set()
    best_theme = 1.0 if needs.formacodes else 0.5
    for query in _queries(needs, ceiling):
        hits = _hits(index, query, window, undated, max_candidates)
        for fetched, (offer, session) in enumerate(hits, start=1):
            if session.session_id not in seen:
                seen.add(session.session_id)
                candidate = _reach(ctx, offer, session)
                if candidate is not None:
                    ranking.pending.append(candidate)
            if fetched % _PAGE == 0 and not include_unbookable:
                # hits come in start order: every later one starts no sooner (or has no dates)
                ranking.settle()
                later = 0.5 if session.start is None else max(
                    0.5 if undated else 0.0,
                    1.0 - (session.start - on).days / weights.horizon_days)
                if ranking.full and _score(weights, (1.0, 1.0, 1.0, later, best_theme)) < (
                        ranking.worst[0]):
                    break  # no later hit of this search can enter the result
    ranking.settle()
    bookable = sorted(ranking.bookable, key=_order_key)[:limit]
    others = sorted(ranking.others, key=_order_key)
    found = tuple(bookable) + (tuple(others[:limit]) if include_unbookable else ())
    free = match_resources(needs, resources, limit=limit,
                           versus=bookable[0] if bookable else None)
    return Recommendations(found, free)


# -- learning resources ----------------------------------------------------------------------


def _resource_index(resources: Iterable[LearningResource] | ResourceIndex) -> ResourceIndex:
    return resources if isinstance(resources, ResourceIndex) else ResourceIndex(resources)


def _resource_reasons(resource: LearningResource, weeks: int | None, needs: Needs,
                      versus: Recommendation | None) -> tuple[Reason, ...]:
    hours = resource.effort_hours
    if weeks is None:
        effort = Reason("resource.effort", Fit.NOTE, f"environ {hours} h d'effort",
                        f"about {hours} h of effort")
    else:
        per_week = needs.hours_per_week
        plural_fr, plural_en = ("semaine", "week") if weeks == 1 else ("semaines", "weeks")
        effort = Reason(
            "resource.effort", Fit.NOTE,
            f"environ {hours} h d'effort, soit {weeks} {plural_fr} à {per_week} h par semaine",
            f"about {hours} h of effort: {weeks} {plural_en} at {per_week} h a week")
    if resource.free:
        cost = Reason("resource.free", Fit.FITS, "gratuit : vos droits CPF restent intacts",
                      "free: your CPF rights stay untouched")
    else:
        cost = Reason("resource.cost", Fit.NOTE,
                      f"coûte {resource.cost}, payé par vous (le CPF ne le finance pas)",
                      f"costs {resource.cost}, paid by you (the CPF does not fund it)")
    reasons = [effort, cost]
    certification = resource.certification
    if certification is not None:
        reasons.append(Reason(
            "resource.certification", Fit.FITS,
            f"peut mener à la certification {certification.key} ({certification.title}), "
            "passée à part",
            f"can lead to the certification {certification.key} ({certification.title}), "
            "taken apart"))
    else:
        reasons.append(Reason("resource.no_certification", Fit.NOTE,
                              "ne mène à aucune certification", "leads to no certification"))
    if versus is not None and versus.plan is not None:
        plan = versus.plan
        rights = plan.rights_used + plan.top_ups_used
        duration = versus.offer.duration_hours
        hours_fr = f", {duration} h" if duration is not None else ""
        hours_en = f", {duration} h" if duration is not None else ""
        reasons.append(Reason(
            "resource.versus_session", Fit.NOTE,
            f"contre « {versus.offer.title} »{hours_fr} : {rights} de droits et "
            f"{plan.card_payment} par carte",
            f"against \"{versus.offer.title}\"{hours_en}: {rights} of rights and "
            f"{plan.card_payment} by card"))
    return tuple(reasons)


def match_resources(
    needs: Needs,
    resources: Iterable[LearningResource] | ResourceIndex,
    *,
    limit: int = 10,
    versus: Recommendation | None = None,
) -> tuple[ResourceMatch, ...]:
    """The learning resources that fit ``needs``, best first, at most ``limit``.

    A resource fits when one of its Formacodes is wanted, or when its title holds every word
    of a free-text theme (folded as the search folds it), and it costs no more than the
    needs' budget (a free resource always does). Place and dates do not apply: the resources
    are followed at one's own pace. Order: the main theme first, then those leading to a
    certification, then the cost, the effort and the id.

    Args:
        needs: what the holder wants.
        resources: a :class:`~formation.learning.ResourceIndex`, or the resources.
        limit: how many to return at most.
        versus: the funded session to compare with (its rights and card payment), if any.

    Raises:
        InvalidValue: a bad argument.
    """
    if not isinstance(needs, Needs):
        raise InvalidValue(f"needs must be a Needs, got {needs!r}")
    if type(limit) is not int or limit < 1:
        raise InvalidValue(f"limit must be a positive int, got {limit!r}")
    index = _resource_index(resources)
    if not len(index):
        return ()
    per_week = needs.hours_per_week
    matches = []
    for main, resource in index.best(needs.formacodes, needs.words, budget=needs.budget,
                                     limit=limit):
        weeks = None if per_week is None else -(-resource.effort_hours // per_week)
        matches.append(ResourceMatch(resource, 1.0 if main else 0.5, weeks,
                                     _resource_reasons(resource, weeks, needs, versus)))
    return tuple(matches)


class _Ranking:
    """The recommendations so far, and the candidates still to evaluate.

    ``worst`` is a heap of the ``limit`` best scores of bookable recommendations; it only rises,
    so a candidate whose best possible score is below its smallest can never enter the result.
    """

    def __init__(self, ctx: _Context, limit: int) -> None:
        self.ctx, self.limit = ctx, limit
        self.pending: list[_Candidate] = []
        self.bookable: list[Recommendation] = []
        self.others: list[Recommendation] = []
        self.worst: list[float] = []

    @property
    def full(self) -> bool:
        """Whether ``limit`` bookable recommendations are found."""
        return len(self.worst) == self.limit

    def settle(self) -> None:
        """Evaluate the pending candidates, best possible score first, while they can enter."""
        pending, self.pending = self.pending, []
        pending.sort(key=lambda c: (-c.optimistic, *_tie(c.offer, c.session)))
        prune = not self.ctx.keep_unbookable
        for candidate in pending:
            if prune and self.full and candidate.optimistic < self.worst[0]:
                return  # nothing further can enter the result
            found = _evaluate(self.ctx, candidate)
            if found is None:
                continue
            if not found.bookable:
                self.others.append(found)
            elif not self.full:
                self.bookable.append(found)
                heapq.heappush(self.worst, found.score)
            else:
                self.bookable.append(found)
                if found.score > self.worst[0]:
                    heapq.heapreplace(self.worst, found.score)


def _tie(offer: Offer, session: Session) -> tuple[int, str, str]:
    start = session.start.toordinal() if session.start is not None else 10**7
    return (start, offer.offer_id, session.session_id)


def _order_key(r: Recommendation) -> tuple[float, int, str, str]:
    return (-r.score, *_tie(r.offer, r.session))
