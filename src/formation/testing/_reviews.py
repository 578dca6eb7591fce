"""Hypothesis strategies for reviews, rating summaries and a holder's needs."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import strategies as st

from formation.catalog.geography import DEPARTMENTS
from formation.ids import BookingId, HolderId, OfferId, OrganismId, ReviewId
from formation.matching import Needs, Period, Point
from formation.money import Euros
from formation.reviews import (
    DEFAULT_PRIOR,
    REVIEWABLE_STATUSES,
    FolderView,
    RatingPrior,
    RatingSummary,
    Review,
    Scores,
)

__all__ = [
    "aware_instants",
    "folder_views",
    "needs",
    "periods",
    "points",
    "rating_summaries",
    "review_scores",
    "reviews",
]

_NOT_OVER = ("notProcessed", "validated", "waitingAcceptation", "accepted", "inTraining",
             "canceledByAttendee", "canceledByAttendeeNotRealized", "canceledByOrganism",
             "canceledByFinancer", "refusedByAttendee", "refusedByOrganism", "refusedByFinancer",
             "rejectedWithoutTitulaireSuite", "rejectedWithoutOfSuite")


def review_scores(min_score: int = 1, max_score: int = 5) -> st.SearchStrategy[Scores]:
    """Five scores, each between ``min_score`` and ``max_score`` (1 to 5 by default)."""
    one = st.integers(min_score, max_score)
    return st.builds(Scores, one, one, one, one, one)


# Hypothesis takes naive bounds and attaches the zone itself.
_FIRST = datetime(2021, 4, 8)  # noqa: DTZ001
_LAST = datetime(2030, 12, 31)  # noqa: DTZ001


def aware_instants(
    min_value: datetime = _FIRST, max_value: datetime = _LAST
) -> st.SearchStrategy[datetime]:
    """Timezone-aware instants (UTC or a fixed offset), by default since ratings went public.

    The bounds are naive (Hypothesis attaches the zone).
    """
    zones = st.sampled_from([timezone.utc, timezone(timedelta(hours=1)),
                             timezone(timedelta(hours=2)), timezone(timedelta(hours=-4))])
    return st.datetimes(min_value=min_value, max_value=max_value, timezones=zones)


def folder_views(*, over: bool | None = None) -> st.SearchStrategy[FolderView]:
    """Minimal folders; ``over=True`` only reviewable states, ``False`` only others."""
    if over is None:
        statuses = st.sampled_from(sorted(REVIEWABLE_STATUSES) + list(_NOT_OVER))
    elif over:
        statuses = st.sampled_from(sorted(REVIEWABLE_STATUSES))
    else:
        statuses = st.sampled_from(_NOT_OVER)
    ident = st.integers(0, 10_000)
    return st.builds(
        FolderView,
        ident.map(lambda n: BookingId(f"F{n:05d}")),
        ident.map(lambda n: HolderId(f"h{n:05d}")),
        ident.map(lambda n: OfferId(f"O{n:05d}")),
        st.just(OrganismId("78959578200051")),
        statuses,
    )


@st.composite
def reviews(draw: st.DrawFn, *, corrections: int = 2) -> Review:
    """Reviews, possibly corrected up to ``corrections`` times (with a consistent history)."""
    n = draw(st.integers(0, 10_000))
    first_at = draw(aware_instants(max_value=_LAST - timedelta(days=700)))
    comment = draw(st.none() | st.text(min_size=1, max_size=40).filter(str.strip))
    review = Review(
        review_id=ReviewId(f"R{n:05d}"), booking_id=BookingId(f"F{n:05d}"),
        holder_id=HolderId(f"h{n:05d}"), offer_id=OfferId(f"O{draw(st.integers(0, 50)):03d}"),
        organism=OrganismId("78959578200051"), scores=draw(review_scores()),
        written_at=first_at, comment=comment,
    )
    for _ in range(draw(st.integers(0, corrections))):
        later = review.written_at + timedelta(minutes=draw(st.integers(0, 60 * 24 * 30)))
        review = review.corrected(draw(review_scores()), at=later, comment=review.comment)
    return review


def rating_summaries(
    max_reviews: int = 300, prior: RatingPrior = DEFAULT_PRIOR
) -> st.SearchStrategy[RatingSummary]:
    """Summaries of up to ``max_reviews`` reviews."""
    return st.lists(review_scores(), max_size=max_reviews).map(
        lambda scores: RatingSummary.of(scores, prior)
    )


def points() -> st.SearchStrategy[Point]:
    """Points in France: a department's chief town, moved by up to about 30 km."""
    towns = st.sampled_from([(d.latitude, d.longitude, d.chief_town) for d in DEPARTMENTS])
    shift = st.floats(-0.3, 0.3, allow_nan=False)
    return st.builds(
        lambda town, dlat, dlon: Point(round(town[0] + dlat, 4), round(town[1] + dlon, 4),
                                       town[2]),
        towns, shift, shift)


@st.composite
def periods(draw: st.DrawFn, min_value: date = date(2026, 1, 1),
            max_value: date = date(2028, 12, 31)) -> Period:
    """A period a holder is free, of 1 day to about a year."""
    start = draw(st.dates(min_value, max_value))
    length = draw(st.integers(0, 365))
    return Period(start, min(max_value, start + timedelta(days=length)))


_THEMES = ("anglais", "excel", "comptabilite", "permis", "bilan", "python", "soudure",
           "management", "word", "photoshop")


@st.composite
def needs(
    draw: st.DrawFn,
    formacodes: tuple[str, ...] = (),
    words: tuple[str, ...] = _THEMES,
    near: st.SearchStrategy[Point] | None = None,
    max_budget_cents: int = 300_000,
) -> Needs:
    """What a holder may want: themes (among ``words`` and ``formacodes``), a place (from
    ``near``, default :func:`points`) and a radius, or distance only, or anywhere; free
    periods; working time or not; a budget up to ``max_budget_cents``."""
    pool = list(words) + list(formacodes)
    themes = tuple(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2, unique=True)))
    where = draw(st.sampled_from(["near", "near", "distance", "anywhere"]))
    point = draw(near if near is not None else points()) if where == "near" else None
    return Needs(
        themes=themes,
        near=point,
        radius_km=draw(st.sampled_from([5, 15, 30, 60, 150])),
        distance_only=where == "distance",
        accept_distance=draw(st.booleans()),
        free_periods=tuple(draw(st.lists(periods(), max_size=2))),
        outside_working_time=draw(st.booleans()),
        budget=draw(st.integers(0, max_budget_cents).map(Euros)),
        job_seeker=draw(st.booleans()),
    )
