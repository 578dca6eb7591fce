"""Holders' reviews of their trainings, and the rating summaries that search and matching read.

Since April 2021 Mon Compte Formation shows the ratings holders give to the trainings they
followed through the CPF (``cpf-rules.md`` section 8, confirmed): a holder rates a training
*after* following it, on five criteria, each from 1 ("très insuffisant") to 5 ("excellent"):

========================  ==========================================
:class:`Criterion`        on the platform
========================  ==========================================
``WELCOME``               l'accueil
``CONTENT``               le contenu de la formation
``TRAINING_TEAM``         l'équipe de formation
``RESOURCES``             les moyens matériels et pédagogiques
``SUPPORT``               l'accompagnement
========================  ==========================================

Ratings are anonymous once published: a :class:`RatingSummary` carries counts only, never who
rated. Free-text comments were announced as a later addition (status unverified, section 8);
a :class:`Review` may carry one, optional.

The rules of a review (:func:`review_violations`), each a :class:`~formation.errors.Violation`:

- ``review.not_holder``: only the holder of the registration folder may review it (the service
  raises :class:`~formation.errors.NotAuthorized`);
- ``review.training_not_over``: only once the training is over, that is once the organism has
  declared the exit (``terminated``) or the service done (``serviceDoneDeclared``,
  ``serviceDoneValidated``; EDOF states, ``cpf-rules.md`` section 5);
- ``review.already_reviewed``: once per folder; a later change is a *correction*
  (:meth:`ReviewBook.correct`), which replaces the review and keeps the earlier versions in
  :attr:`Review.history`;
- ``review.not_reviewed``: a correction needs a review to correct.

A :class:`ReviewBook` keeps the reviews and, as each one arrives or is corrected, the
:class:`RatingSummary` of its offer and of its organism, updated in constant time (no
recomputation over all reviews), and tells a listener (the search index) the new summary.

Means are exact :class:`~fractions.Fraction`\\ s: the mean shown is rounded once, half up, from
the exact value (:meth:`RatingSummary.shown_mean`), so 230 reviews never drift by a float error.
The ranking score is a Bayesian average (:class:`RatingPrior`): an offer with few reviews is
pulled toward a prior mean, so two five-star reviews do not outrank two hundred averaging 4.7.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Protocol

import attrs

from formation.calendar.instants import instant_field
from formation.checks import (
    check_bool,
    check_id,
    check_instance,
    check_int,
    check_iterable,
    instance_of,
    shown,
)
from formation.errors import (
    DuplicateEntry,
    InvalidType,
    InvalidValue,
    NotAuthorized,
    NotFound,
    RuleViolation,
    Violation,
)
from formation.ids import BookingId, HolderId, OfferId, OrganismId, ReviewId

__all__ = [
    "Criterion",
    "DEFAULT_PRIOR",
    "FolderView",
    "REVIEWABLE_STATUSES",
    "RatingPrior",
    "RatingSink",
    "RatingSummary",
    "Review",
    "ReviewBook",
    "ReviewVersion",
    "ReviewableFolder",
    "Scores",
    "bayesian_average",
    "check_review",
    "review_violations",
    "shown_rating",
]

MIN_SCORE = 1
MAX_SCORE = 5
_STARS = range(MIN_SCORE, MAX_SCORE + 1)


@enum.unique
class Criterion(enum.Enum):
    """The five criteria a holder rates (``cpf-rules.md`` section 8); values are field names."""

    WELCOME = "welcome"  # l'accueil
    CONTENT = "content"  # le contenu
    TRAINING_TEAM = "training_team"  # l'équipe de formation
    RESOURCES = "resources"  # les moyens matériels et pédagogiques
    SUPPORT = "support"  # l'accompagnement

    @property
    def label_fr(self) -> str:
        """The criterion as the platform names it."""
        return _LABELS_FR[self]


_LABELS_FR = {
    Criterion.WELCOME: "Accueil",
    Criterion.CONTENT: "Contenu",
    Criterion.TRAINING_TEAM: "Équipe de formation",
    Criterion.RESOURCES: "Moyens matériels et pédagogiques",
    Criterion.SUPPORT: "Accompagnement",
}
_CRITERIA = tuple(Criterion)

REVIEWABLE_STATUSES: frozenset[str] = frozenset(
    {"terminated", "serviceDoneDeclared", "serviceDoneValidated"}
)
"""The folder states (EDOF strings) in which the training is over and may be reviewed."""


def _score(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int or not MIN_SCORE <= value <= MAX_SCORE:
        raise InvalidValue(
            f"{attribute.name} must be a whole score from {MIN_SCORE} to {MAX_SCORE}, got {shown(value)}"
        )


def _text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(f"{attribute.name} must be a non-empty string, got {shown(value)}")


def _comment(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InvalidValue(f"comment must be a non-empty string or None, got {shown(value)}")




@attrs.frozen
class Scores:
    """The five scores of one review, each a whole number from 1 to 5.

    >>> s = Scores(welcome=5, content=4, training_team=5, resources=3, support=4)
    >>> s.overall, s[Criterion.RESOURCES]
    (Fraction(21, 5), 3)
    """

    welcome: int = attrs.field(validator=_score)
    content: int = attrs.field(validator=_score)
    training_team: int = attrs.field(validator=_score)
    resources: int = attrs.field(validator=_score)
    support: int = attrs.field(validator=_score)

    @classmethod
    def uniform(cls, score: int) -> Scores:
        """The same score on every criterion."""
        return cls(score, score, score, score, score)

    def __getitem__(self, criterion: Criterion) -> int:
        if not isinstance(criterion, Criterion):
            raise InvalidValue(f"expected a Criterion, got {shown(criterion)}")
        value: int = getattr(self, criterion.value)
        return value

    def as_tuple(self) -> tuple[int, int, int, int, int]:
        """The scores in the order of :class:`Criterion`."""
        return (self.welcome, self.content, self.training_team, self.resources, self.support)

    @property
    def total(self) -> int:
        """The sum of the five scores (5 to 25)."""
        return sum(self.as_tuple())

    @property
    def overall(self) -> Fraction:
        """The review's overall rating: the exact mean of its five scores."""
        return Fraction(self.total, len(_CRITERIA))


@attrs.frozen
class ReviewVersion:
    """An earlier version of a review, replaced by a correction.

    Attributes:
        scores: the scores it gave.
        comment: its comment, if any.
        written_at: when it was written.
        replaced_at: when the correction replaced it.
    """

    scores: Scores = attrs.field(validator=instance_of(Scores))
    comment: str | None = attrs.field(validator=_comment)
    written_at: datetime = attrs.field(validator=instant_field)
    replaced_at: datetime = attrs.field(validator=instant_field)


def _history(value: object) -> tuple[ReviewVersion, ...]:
    if not isinstance(value, (tuple, list)) or not all(
        isinstance(v, ReviewVersion) for v in value
    ):
        raise InvalidValue(f"history must be a tuple of ReviewVersion, got {shown(value)}")
    return tuple(value)


@attrs.frozen
class Review:
    """A holder's review of the training of one registration folder.

    Attributes:
        review_id: its identifier (chosen by the caller).
        booking_id: the folder (*dossier de formation*) it comes from; one review per folder.
        holder_id: who wrote it, the folder's holder (never published).
        offer_id: the offer that was followed.
        organism: the organism that gave it (its SIRET).
        scores: the five scores.
        comment: an optional free-text comment.
        written_at: when this version was written (aware datetime).
        history: the versions it replaced, oldest first (empty for a review never corrected).
    """

    review_id: ReviewId = attrs.field(validator=_text)
    booking_id: BookingId = attrs.field(validator=_text)
    holder_id: HolderId = attrs.field(validator=_text)
    offer_id: OfferId = attrs.field(validator=_text)
    organism: OrganismId = attrs.field(validator=_text)
    scores: Scores = attrs.field(validator=instance_of(Scores))
    written_at: datetime = attrs.field(validator=instant_field)
    comment: str | None = attrs.field(default=None, validator=_comment)
    history: tuple[ReviewVersion, ...] = attrs.field(default=(), converter=_history)

    @property
    def welcome(self) -> int:
        """The score for the welcome (*accueil*)."""
        return self.scores.welcome

    @property
    def content(self) -> int:
        """The score for the content."""
        return self.scores.content

    @property
    def training_team(self) -> int:
        """The score for the training team."""
        return self.scores.training_team

    @property
    def resources(self) -> int:
        """The score for the material and teaching resources."""
        return self.scores.resources

    @property
    def support(self) -> int:
        """The score for the support (*accompagnement*)."""
        return self.scores.support

    @property
    def overall(self) -> Fraction:
        """The exact mean of the five scores."""
        return self.scores.overall

    def corrected(self, scores: Scores, *, at: datetime, comment: str | None = None) -> Review:
        """This review replaced by new scores and comment; the current version goes to history.

        Raises:
            InvalidValue: ``at`` is not aware, or is before the current version was written.
        """
        check_instance(scores, Scores, "scores")
        instant_field(self, attrs.fields(Review).written_at, at)
        if at < self.written_at:
            raise InvalidValue(
                f"a correction at {at.isoformat()} cannot precede the version it replaces, "
                f"written at {self.written_at.isoformat()}"
            )
        earlier = ReviewVersion(self.scores, self.comment, self.written_at, at)
        return attrs.evolve(
            self, scores=scores, comment=comment, written_at=at, history=(*self.history, earlier)
        )


class ReviewableFolder(Protocol):
    """What the review rules read of a registration folder (a ``Booking`` has all of it).

    ``status`` is a ``BookingStatus`` (whose ``.value`` is the EDOF string) or the EDOF string.
    :class:`formation.bookings.Booking` satisfies it.
    """

    @property
    def booking_id(self) -> BookingId: ...

    @property
    def holder_id(self) -> HolderId: ...

    @property
    def offer_id(self) -> OfferId: ...

    @property
    def organism_id(self) -> OrganismId: ...

    @property
    def status(self) -> object: ...


@attrs.frozen
class FolderView:
    """A minimal folder for the review rules, when the caller has no ``Booking`` at hand.

    ``status`` is the EDOF state string (``"terminated"``) or any enum whose value is one.
    """

    booking_id: BookingId = attrs.field(validator=_text)
    holder_id: HolderId = attrs.field(validator=_text)
    offer_id: OfferId = attrs.field(validator=_text)
    organism_id: OrganismId = attrs.field(validator=_text)
    status: object = attrs.field()


def _status_text(status: object) -> str:
    value = status.value if isinstance(status, enum.Enum) else status
    if not isinstance(value, str):
        raise InvalidValue(
            f"a folder status is an EDOF state string or a BookingStatus, got {shown(status)}"
        )
    return value


def review_violations(
    folder: ReviewableFolder, *, author: HolderId, existing: Review | None = None,
    correction: bool = False,
) -> tuple[Violation, ...]:
    """Every rule a review (or its correction) by ``author`` of ``folder`` would break.

    Args:
        folder: the registration folder the review is about.
        author: the holder who writes.
        existing: the folder's current review, if there is one.
        correction: ``True`` to check a correction of ``existing`` rather than a first review.

    Returns:
        The violations, empty when the review is allowed. ``review.not_holder`` means the
        author has no right at all (the service raises ``NotAuthorized``).

    >>> folder = FolderView(BookingId("F1"), HolderId("h1"), OfferId("O1"),
    ...                     OrganismId("78959578200051"), "inTraining")
    >>> [v.code for v in review_violations(folder, author=HolderId("h2"))]
    ['review.not_holder', 'review.training_not_over']
    """
    for attribute in ("booking_id", "holder_id", "offer_id", "organism_id", "status"):
        if not hasattr(folder, attribute):
            raise InvalidType(code="value.wrong_type", field="folder", value=shown(folder),
                              accepted="a registration folder (a Booking or a FolderView)",
                              accepted_fr="un dossier de formation (Booking ou FolderView)")
    check_id(author, "author")
    if existing is not None:
        check_instance(existing, Review, "existing")
    check_bool(correction, "correction")
    found: list[Violation] = []
    subject = str(folder.booking_id)
    if author != folder.holder_id:
        found.append(Violation(
            "review.not_holder",
            f"only the holder of folder {folder.booking_id} may review it; "
            f"{shown(author)} is not its holder",
            subject,
        ))
    status = _status_text(folder.status)
    if status not in REVIEWABLE_STATUSES:
        found.append(Violation(
            "review.training_not_over",
            f"folder {folder.booking_id} is {shown(status)}: a training may be reviewed only once "
            f"it is over ({', '.join(sorted(REVIEWABLE_STATUSES))})",
            subject,
        ))
    if existing is not None and existing.booking_id != folder.booking_id:
        raise InvalidValue(
            f"review {existing.review_id} is about folder {existing.booking_id}, "
            f"not {folder.booking_id}"
        )
    if correction and existing is None:
        found.append(Violation(
            "review.not_reviewed",
            f"folder {folder.booking_id} has no review to correct; write one first",
            subject,
        ))
    if not correction and existing is not None:
        found.append(Violation(
            "review.already_reviewed",
            f"folder {folder.booking_id} already has review {existing.review_id}: one review "
            "per folder; correct it instead",
            subject,
        ))
    return tuple(found)


def _raise_for(violations: tuple[Violation, ...]) -> None:
    refused = [v for v in violations if v.code == "review.not_holder"]
    if refused:
        raise NotAuthorized(refused[0].message)
    if violations:
        raise RuleViolation(violations)


def check_review(
    folder: ReviewableFolder, *, author: HolderId, existing: Review | None = None,
    correction: bool = False,
) -> None:
    """Refuse a review (a correction) that :func:`review_violations` forbids, as a service does.

    Raises:
        NotAuthorized: ``author`` is not the folder's holder.
        RuleViolation: every other rule broken (the training is not over, the folder is
            reviewed already, there is no review to correct).
    """
    _raise_for(review_violations(folder, author=author, existing=existing,
                                 correction=correction))


# -- summaries -----------------------------------------------------------------------------


def _fraction(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Fraction) or not MIN_SCORE <= value <= MAX_SCORE:
        raise InvalidValue(
            f"{attribute.name} must be a Fraction from {MIN_SCORE} to {MAX_SCORE}, got {shown(value)}"
        )


def _weight(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int or value < 1:
        raise InvalidValue(f"{attribute.name} must be a positive int, got {shown(value)}")


@attrs.frozen
class RatingPrior:
    """The prior of the Bayesian average that ranks offers by rating.

    The ranking score of ``n`` reviews whose overall ratings sum to ``S`` is
    ``(weight × mean + S) / (weight + n)``: as if every offer started with ``weight`` reviews
    rating ``mean``. Few reviews stay close to ``mean``; many reviews speak for themselves.

    Attributes:
        mean: the prior mean. Default 4.6, the platform-wide average published at launch
            (about 106 000 ratings, ``cpf-rules.md`` section 8, confirmed).
        weight: how many reviews the prior is worth. Default 10, a choice (not a legal
            number): with it, up to three five-star reviews rank below two hundred reviews
            averaging 4.7. Override it to taste.
    """

    mean: Fraction = attrs.field(validator=_fraction)
    weight: int = attrs.field(validator=_weight)


DEFAULT_PRIOR = RatingPrior(Fraction(23, 5), 10)
"""The default prior: mean 4.6 (the platform's published average), worth 10 reviews."""


def _distribution(value: object) -> tuple[tuple[int, ...], ...]:
    if (
        not isinstance(value, tuple)
        or len(value) != len(_CRITERIA)
        or not all(
            isinstance(row, tuple) and len(row) == len(_STARS)
            and all(type(c) is int and c >= 0 for c in row)
            for row in value
        )
    ):
        raise InvalidValue(
            "distribution must be 5 tuples (one per criterion) of 5 non-negative counts "
            f"(one per score 1 to 5), got {shown(value)}"
        )
    return value


_EMPTY_ROWS: tuple[tuple[int, ...], ...] = tuple((0,) * len(_STARS) for _ in _CRITERIA)


@attrs.frozen
class RatingSummary:
    """The ratings of one offer or one organism: counts only, everything else derived.

    Attributes:
        count: how many reviews.
        counts: for each criterion (in :class:`Criterion` order), how many reviews gave it each
            score from 1 to 5.
        prior: the prior of the ranking score.

    >>> s = RatingSummary.empty().add(Scores.uniform(5)).add(Scores(4, 4, 5, 3, 4))
    >>> s.count, s.mean(), s.mean(Criterion.RESOURCES), str(s.shown_mean())
    (2, Fraction(9, 2), Fraction(4, 1), '4.5')
    >>> s.distribution(Criterion.RESOURCES)
    {1: 0, 2: 0, 3: 1, 4: 0, 5: 1}
    """

    count: int = attrs.field(default=0)
    counts: tuple[tuple[int, ...], ...] = attrs.field(default=_EMPTY_ROWS, converter=_distribution)
    prior: RatingPrior = attrs.field(
        default=DEFAULT_PRIOR, validator=instance_of(RatingPrior))

    def __attrs_post_init__(self) -> None:
        if type(self.count) is not int or self.count < 0:
            raise InvalidValue(f"count must be a non-negative int, got {shown(self.count)}")
        for criterion, row in zip(_CRITERIA, self.counts, strict=True):
            if sum(row) != self.count:
                raise InvalidValue(
                    f"the {criterion.value} counts {shown(row)} do not sum to "
                    f"count={shown(self.count)}"
                )

    @classmethod
    def empty(cls, prior: RatingPrior = DEFAULT_PRIOR) -> RatingSummary:
        """No review yet."""
        return cls(0, _EMPTY_ROWS, check_instance(prior, RatingPrior, "prior"))

    @classmethod
    def of(cls, scores: Iterable[Scores], prior: RatingPrior = DEFAULT_PRIOR) -> RatingSummary:
        """The summary of some reviews' scores, from scratch."""
        summary = cls.empty(prior)
        for item in check_iterable(scores, "scores", Scores):
            summary = summary.add(item)
        return summary

    def _moved(self, scores: Scores, step: int) -> RatingSummary:
        if not isinstance(scores, Scores):
            raise InvalidValue(f"expected Scores, got {shown(scores)}")
        rows = []
        for row, score in zip(self.counts, scores.as_tuple(), strict=True):
            changed = list(row)
            changed[score - MIN_SCORE] += step
            if changed[score - MIN_SCORE] < 0:
                raise InvalidValue(f"cannot remove scores {scores.as_tuple()}: never added")
            rows.append(tuple(changed))
        return RatingSummary(self.count + step, tuple(rows), self.prior)

    def add(self, scores: Scores) -> RatingSummary:
        """This summary with one more review."""
        return self._moved(scores, 1)

    def remove(self, scores: Scores) -> RatingSummary:
        """This summary without one review that was added (for a correction).

        Raises:
            InvalidValue: no review with these scores is counted.
        """
        return self._moved(scores, -1)

    def replace(self, old: Scores, new: Scores) -> RatingSummary:
        """This summary with one review's scores corrected from ``old`` to ``new``."""
        return self.remove(old).add(new)

    def __add__(self, other: RatingSummary) -> RatingSummary:
        """The summary of both sets of reviews (same prior)."""
        if not isinstance(other, RatingSummary):
            return NotImplemented
        rows = tuple(
            tuple(a + b for a, b in zip(mine, theirs, strict=True))
            for mine, theirs in zip(self.counts, other.counts, strict=True)
        )
        return RatingSummary(self.count + other.count, rows, self.prior)

    def total(self, criterion: Criterion | None = None) -> int:
        """The sum of the scores given for ``criterion``, or for all five."""
        rows = self.counts if criterion is None else (
            self.counts[_CRITERIA.index(_criterion(criterion))],)
        return sum(star * n for row in rows for star, n in zip(_STARS, row, strict=True))

    def mean(self, criterion: Criterion | None = None) -> Fraction | None:
        """The exact mean for ``criterion``, or overall (the mean of the five); ``None`` if empty.

        The overall mean is the mean of every review's overall rating, which equals the mean of
        the five criteria's means.
        """
        if self.count == 0:
            return None
        per = 1 if criterion is not None else len(_CRITERIA)
        return Fraction(self.total(criterion), self.count * per)

    def means(self) -> Mapping[Criterion, Fraction | None]:
        """The mean of each criterion."""
        return {criterion: self.mean(criterion) for criterion in _CRITERIA}

    def shown_mean(self, criterion: Criterion | None = None, places: int = 1) -> Decimal | None:
        """The mean as shown to people: rounded half up once, from the exact value.

        >>> RatingSummary.of([Scores.uniform(5), Scores.uniform(4)] * 115).shown_mean()
        Decimal('4.5')
        """
        check_int(places, "places", 0, _MAX_PLACES)
        exact = self.mean(criterion)
        if exact is None:
            return None
        return _round_half_up(exact, places)

    def distribution(self, criterion: Criterion | None = None) -> dict[int, int]:
        """How many scores of each value 1 to 5 were given for ``criterion`` (or all five)."""
        rows = self.counts if criterion is None else (
            self.counts[_CRITERIA.index(_criterion(criterion))],)
        return {star: sum(row[star - MIN_SCORE] for row in rows) for star in _STARS}

    @property
    def ranking_score(self) -> Fraction:
        """The Bayesian average that ranks by rating (see :class:`RatingPrior`), exact.

        >>> two_perfect = RatingSummary.of([Scores.uniform(5)] * 2)
        >>> many_good = RatingSummary.of([Scores.uniform(5)] * 140 + [Scores.uniform(4)] * 60)
        >>> many_good.mean(), two_perfect.ranking_score < many_good.ranking_score
        (Fraction(47, 10), True)
        """
        return bayesian_average(Fraction(self.total(), len(_CRITERIA) * self.count)
                                if self.count else None, self.count, self.prior)


def bayesian_average(
    mean: Fraction | None, count: int, prior: RatingPrior = DEFAULT_PRIOR
) -> Fraction:
    """The ranking score of ``count`` reviews of exact mean ``mean`` (see :class:`RatingPrior`).

    ``(prior.weight × prior.mean + count × mean) / (prior.weight + count)``; the prior's mean
    when there is no review.

    >>> bayesian_average(Fraction(5), 2), bayesian_average(Fraction(47, 10), 200)
    (Fraction(14, 3), Fraction(493, 105))
    """
    if type(count) is not int or count < 0:
        raise InvalidValue(f"count must be a non-negative int, got {shown(count)}")
    if count == 0 or mean is None:
        return prior.mean
    return (prior.weight * prior.mean + count * mean) / (prior.weight + count)


def shown_rating(mean: Fraction, places: int = 1) -> Decimal:
    """A mean as shown to people: rounded half up once, from the exact value.

    >>> shown_rating(Fraction(83, 20)), shown_rating(Fraction(83, 20), 2)
    (Decimal('4.2'), Decimal('4.15'))
    """
    if not isinstance(mean, Fraction):
        raise InvalidValue(f"a mean to show is an exact Fraction, got {shown(mean)}")
    return _round_half_up(mean, check_int(places, "places", 0, _MAX_PLACES))


_MAX_PLACES = 6  # a mean of scores 1 to 5 is never shown with more decimals


def _criterion(value: object) -> Criterion:
    if isinstance(value, Criterion):
        return value
    raise InvalidValue(code="enum.unknown", field="criterion",
                       value=f"{type(value).__name__} {shown(value)}",
                       accepted=shown([f"Criterion.{c.name}" for c in Criterion]) + " or None")


def _round_half_up(value: Fraction, places: int) -> Decimal:
    """``value`` rounded half up (away from zero; scores are positive) to ``places`` decimals."""
    scaled = value * 10**places
    whole = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    return (Decimal(whole) / Decimal(10**places)).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
    )


# -- the book of reviews ---------------------------------------------------------------------

Listener = Callable[[OfferId, OrganismId, RatingSummary], None]


class RatingSink(Protocol):
    """Where offers' ratings go: :class:`formation.catalog.search.CatalogIndex` is one."""

    def set_rating(self, offer_id: OfferId, mean: Fraction | None, count: int,
                   score: Fraction | None = None) -> None: ...


class ReviewBook:
    """Every review, one per folder, with the rating summaries of each offer and organism.

    The summaries are kept as reviews arrive: writing or correcting a review updates its offer's
    and organism's summaries in constant time, then calls ``listener(offer_id, organism,
    offer_summary)`` (typically to set the offer's rating in the search index) before
    returning. A refused operation changes nothing.

    Args:
        prior: the prior of every summary's ranking score.
        listener: called after each change with the offer, its organism and the offer's new
            summary.

    >>> from datetime import datetime, timezone
    >>> book = ReviewBook()
    >>> folder = FolderView(BookingId("F1"), HolderId("h1"), OfferId("O1"),
    ...                     OrganismId("78959578200051"), "serviceDoneValidated")
    >>> at = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    >>> review = book.write(folder, author=HolderId("h1"), review_id=ReviewId("R1"),
    ...                     scores=Scores.uniform(4), at=at)
    >>> book.summary_for_offer(OfferId("O1")).count, book.summary_for_organism(folder.organism_id).count
    (1, 1)
    >>> book.write(folder, author=HolderId("h1"), review_id=ReviewId("R2"),
    ...            scores=Scores.uniform(5), at=at)
    Traceback (most recent call last):
    ...
    formation.errors.RuleViolation: [review.already_reviewed] (F1) folder F1 already has review R1: one review per folder; correct it instead
    """

    __slots__ = ("_by_folder", "_by_id", "_listener", "_offers", "_organisms", "_prior")

    def __init__(
        self, *, prior: RatingPrior = DEFAULT_PRIOR, listener: Listener | None = None
    ) -> None:
        if not isinstance(prior, RatingPrior):
            raise InvalidValue(f"prior must be a RatingPrior, got {shown(prior)}")
        self._prior = prior
        self._listener = listener
        self._by_folder: dict[BookingId, Review] = {}
        self._by_id: dict[ReviewId, BookingId] = {}
        self._offers: dict[OfferId, RatingSummary] = {}
        self._organisms: dict[OrganismId, RatingSummary] = {}

    @classmethod
    def feeding(cls, sink: RatingSink, *, prior: RatingPrior = DEFAULT_PRIOR) -> ReviewBook:
        """A book that gives each offer's new mean, count and ranking score to ``sink`` (a
        search index) as soon as a review is written or corrected, so that its rating filter
        (the mean) and its rating sort (the ranking score, with this book's ``prior``) stay
        right without a rebuild."""
        def listener(offer_id: OfferId, organism: OrganismId, summary: RatingSummary) -> None:
            sink.set_rating(offer_id, summary.mean(), summary.count, summary.ranking_score)

        return cls(prior=prior, listener=listener)

    @property
    def prior(self) -> RatingPrior:
        """The prior of the summaries' ranking scores."""
        return self._prior

    def __len__(self) -> int:
        return len(self._by_folder)

    def __iter__(self) -> Iterator[Review]:
        return iter(tuple(self._by_folder.values()))

    def for_folder(self, booking_id: BookingId) -> Review | None:
        """The folder's review, or ``None``."""
        return self._by_folder.get(booking_id)

    def get(self, review_id: ReviewId) -> Review:
        """The review with this id.

        Raises:
            NotFound: no such review.
        """
        folder = self._by_id.get(review_id)
        if folder is None:
            raise NotFound(f"no review {shown(review_id)}")
        return self._by_folder[folder]

    def summary_for_offer(self, offer_id: OfferId) -> RatingSummary:
        """The ratings of an offer (empty when none)."""
        return self._offers.get(offer_id) or RatingSummary.empty(self._prior)

    def summary_for_organism(self, organism: OrganismId) -> RatingSummary:
        """The ratings of every offer of an organism (empty when none)."""
        return self._organisms.get(organism) or RatingSummary.empty(self._prior)

    def offer_summaries(self) -> Mapping[OfferId, RatingSummary]:
        """Every rated offer's summary."""
        return dict(self._offers)

    def write(
        self,
        folder: ReviewableFolder,
        *,
        author: HolderId,
        review_id: ReviewId,
        scores: Scores,
        at: datetime,
        comment: str | None = None,
    ) -> Review:
        """Record the first review of ``folder`` by ``author``; return it.

        Args:
            folder: the folder (a ``Booking`` or a :class:`FolderView`); the review is about
                its offer and organism.
            author: the holder writing.
            review_id: the review's identifier.
            scores: the five scores.
            at: when it is written (aware).
            comment: an optional comment.

        Raises:
            NotAuthorized: ``author`` is not the folder's holder.
            RuleViolation: the training is not over, or the folder already has a review.
            DuplicateEntry: ``review_id`` is already used.
            InvalidValue: a bad score or instant.
        """
        existing = self._by_folder.get(folder.booking_id)
        _raise_for(review_violations(folder, author=author, existing=existing))
        if review_id in self._by_id:
            raise DuplicateEntry(f"review id {shown(review_id)} is already used")
        review = Review(
            review_id=review_id, booking_id=folder.booking_id, holder_id=author,
            offer_id=folder.offer_id, organism=folder.organism_id, scores=scores, written_at=at,
            comment=comment,
        )
        self._apply(None, review)
        return review

    def correct(
        self,
        folder: ReviewableFolder,
        *,
        author: HolderId,
        scores: Scores,
        at: datetime,
        comment: str | None = None,
    ) -> Review:
        """Replace the review of ``folder`` by a corrected one, keeping the old in its history.

        Raises:
            NotAuthorized: ``author`` is not the folder's holder.
            RuleViolation: the folder has no review, or its training is not over.
            InvalidValue: a bad score, or ``at`` before the current version.
        """
        existing = self._by_folder.get(folder.booking_id)
        _raise_for(review_violations(folder, author=author, existing=existing, correction=True))
        if existing is None:  # pragma: no cover - review.not_reviewed was raised above
            raise NotFound(f"folder {folder.booking_id} has no review to correct")
        review = existing.corrected(scores, at=at, comment=comment)
        self._apply(existing, review)
        return review

    def _apply(self, old: Review | None, new: Review) -> None:
        offer = self._offers.get(new.offer_id) or RatingSummary.empty(self._prior)
        organism = self._organisms.get(new.organism) or RatingSummary.empty(self._prior)
        if old is None:
            offer, organism = offer.add(new.scores), organism.add(new.scores)
        else:
            offer = offer.replace(old.scores, new.scores)
            organism = organism.replace(old.scores, new.scores)
        self._by_folder[new.booking_id] = new
        self._by_id[new.review_id] = new.booking_id
        self._offers[new.offer_id] = offer
        self._organisms[new.organism] = organism
        if self._listener is not None:
            self._listener(new.offer_id, new.organism, offer)
