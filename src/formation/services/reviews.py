"""The review services: a holder rates the training of a folder, then may correct the rating.

Over any :class:`~formation.ports.Store`: the folder is read in the unit of work, the rules
of :mod:`formation.reviews` decide (only the folder's holder, only once the training is over,
once per folder; a later change is a correction that keeps the earlier versions in
:attr:`~formation.reviews.Review.history`; ``cpf-rules.md`` section 8), and the review is
committed with a version of its own. The store then gives the offer its new rating in its
search index (:attr:`Store.catalog`), in place: in this process at once, in another process
sharing the store on its next read of the index.

>>> from datetime import datetime, timezone
>>> from formation.adapters.memory import MemoryStore
>>> from formation.bookings import Actor
>>> from formation.ids import BookingId, ReviewId
>>> from formation.reviews import Scores
>>> store = MemoryStore()
>>> review(store, Actor.holder("H1"), datetime(2026, 6, 1, tzinfo=timezone.utc),
...        booking_id=BookingId("missing"), review_id=ReviewId("R1"), scores=Scores.uniform(5))
Traceback (most recent call last):
...
formation.errors.NotFound: no folder 'missing'
"""

from __future__ import annotations

from datetime import datetime

from formation.bookings import Actor, Role
from formation.errors import InvalidValue, NotAuthorized, NotFound
from formation.ids import BookingId, HolderId, ReviewId
from formation.ports import Store
from formation.reviews import Review, Scores, check_review

__all__ = ["correct_review", "review"]


def _author(actor: Actor, booking_id: BookingId) -> HolderId:
    if not isinstance(actor, Actor):
        raise InvalidValue(f"actor must be an Actor, got {actor!r}")
    if actor.role is not Role.HOLDER:
        raise NotAuthorized(f"{actor} may not review folder {booking_id}: only its holder may")
    return HolderId(actor.party)


def _comment(comment: str) -> str | None:
    if not isinstance(comment, str):
        raise InvalidValue(f"comment must be a string, got {comment!r}")
    return comment if comment.strip() else None


def review(store: Store, actor: Actor, now: datetime, *, booking_id: BookingId,
           review_id: ReviewId, scores: Scores, comment: str = "") -> Review:
    """The holder reviews the training of a folder; return the stored review.

    Args:
        store: where the folder is and the review goes.
        actor: the folder's holder.
        now: when the review is written (aware).
        booking_id: the folder.
        review_id: the review's identifier (chosen by the caller).
        scores: the five scores.
        comment: an optional comment (an empty one is none).

    Raises:
        NotFound: no such folder.
        NotAuthorized: the actor is not the folder's holder.
        RuleViolation: the training is not over (``review.training_not_over``), or the folder
            has a review already (``review.already_reviewed``: correct it instead).
        DuplicateEntry: ``review_id`` is used already.
        InvalidValue: a bad score, instant or comment.
    """
    author = _author(actor, booking_id)
    text = _comment(comment)
    with store.unit_of_work() as uow:
        folder = uow.bookings.get(booking_id)
        check_review(folder, author=author, existing=uow.reviews.for_folder(booking_id))
        written = Review(review_id=review_id, booking_id=folder.booking_id, holder_id=author,
                         offer_id=folder.offer_id, organism=folder.organism_id, scores=scores,
                         written_at=now, comment=text)
        uow.reviews.add(written)
        uow.commit()
    return written


def correct_review(store: Store, actor: Actor, now: datetime, *, booking_id: BookingId,
                   scores: Scores, comment: str = "") -> Review:
    """The holder corrects the review of a folder; the replaced version goes to its history.

    Raises:
        NotFound: no such folder.
        NotAuthorized: the actor is not the folder's holder.
        RuleViolation: the folder has no review to correct (``review.not_reviewed``).
        ConflictError: the review was corrected meanwhile (read it again and retry).
        InvalidValue: a bad score or comment, or ``now`` before the current version.
    """
    author = _author(actor, booking_id)
    text = _comment(comment)
    with store.unit_of_work() as uow:
        folder = uow.bookings.get(booking_id)
        existing = uow.reviews.for_folder(booking_id)
        check_review(folder, author=author, existing=existing, correction=True)
        if existing is None:  # pragma: no cover - review.not_reviewed was raised above
            raise NotFound(f"folder {booking_id} has no review to correct")
        corrected = existing.corrected(scores, at=now, comment=text)
        uow.reviews.save(corrected)
        uow.commit()
    return corrected
