"""The review services over every store: the holder reviews the folder's training once it is
over, corrects it later, and the store's index carries the offer's rating, in this process at
once and in another one sharing the file on its next read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from formation import bookings as folders
from formation.adapters.memory import MemoryStore
from formation.adapters.sqlite import SqliteStore
from formation.bookings import Actor, Booking, Proposal
from formation.errors import DuplicateEntry, NotAuthorized, RuleViolation
from formation.ids import AccountId, BookingId, HolderId, OfferId, OrganismId, ReviewId, SessionId
from formation.money import Euros
from formation.ports import Store
from formation.reviews import Scores
from formation.services.reviews import correct_review, review
from formation.testing.catalog import synthetic_catalog

PARIS = ZoneInfo("Europe/Paris")
HOLDER = Actor.holder(HolderId("H1"))


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=PARIS)


def _folder(number: int, offer_id: OfferId, organism: OrganismId, *, over: bool) -> Booking:
    """A folder of holder H1, its training over (exit declared) or not yet started."""
    org = Actor.organism(organism)
    folder = folders.request(
        BookingId(f"F{number}"), holder_id=HolderId("H1"), account_id=AccountId("A1"),
        organism_id=organism, offer_id=offer_id, session_id=SessionId("S1"),
        price=Euros.whole(900), requested_at=at(3, 2, 9))
    folder = folders.propose(folder, org, at(3, 3), Proposal(
        start=date(2026, 4, 13), end=date(2026, 4, 24), price=Euros.whole(900)))
    folder = folders.accept_proposal(folder, HOLDER, at(3, 4))
    if over:
        folder = folders.declare_entry(folder, org, at(4, 13), date(2026, 4, 13))
        folder = folders.declare_exit(folder, org, at(4, 24, 18), date(2026, 4, 24))
    return folder


@pytest.fixture(params=["memory", "sqlite"])
def make(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], Store]:
    if request.param == "memory":
        return MemoryStore
    return lambda: SqliteStore(tmp_path / "reviews.db", durable=False)


def _store(make: Callable[[], Store]) -> tuple[Store, OfferId]:
    store = make()
    offers, sessions = synthetic_catalog(10, seed=21)
    store.save_catalog(offers, sessions)
    offer = offers[0]
    with store.unit_of_work() as uow:
        uow.bookings.add(_folder(1, offer.offer_id, offer.organism.siret, over=True))
        uow.bookings.add(_folder(2, offer.offer_id, offer.organism.siret, over=False))
        uow.commit()
    return store, offer.offer_id


def test_a_review_is_stored_and_rates_its_offer_at_once(make: Callable[[], Store]) -> None:
    store, offer_id = _store(make)
    written = review(store, HOLDER, at(5, 2), booking_id=BookingId("F1"),
                     review_id=ReviewId("R1"), scores=Scores(5, 4, 5, 4, 5), comment="Bien")
    assert written.offer_id == offer_id and written.comment == "Bien"
    with store.unit_of_work() as uow:
        assert uow.reviews.get(ReviewId("R1")) == written
    assert store.catalog.rating(offer_id) == (4.6, 1)
    corrected = correct_review(store, HOLDER, at(5, 9), booking_id=BookingId("F1"),
                               scores=Scores.uniform(2))
    assert corrected.history[0].scores == Scores(5, 4, 5, 4, 5)
    assert corrected.comment is None
    assert store.catalog.rating(offer_id) == (2.0, 1)


def test_only_the_holder_after_the_training_and_once(make: Callable[[], Store]) -> None:
    store, _ = _store(make)
    scores = Scores.uniform(4)
    with pytest.raises(NotAuthorized):
        review(store, Actor.holder(HolderId("H2")), at(5, 2), booking_id=BookingId("F1"),
               review_id=ReviewId("R1"), scores=scores)
    with pytest.raises(NotAuthorized):
        review(store, Actor.organism(OrganismId("73282932000074")), at(5, 2),
               booking_id=BookingId("F1"), review_id=ReviewId("R1"), scores=scores)
    with pytest.raises(RuleViolation) as early:
        review(store, HOLDER, at(5, 2), booking_id=BookingId("F2"), review_id=ReviewId("R2"),
               scores=scores)
    assert early.value.codes == ("review.training_not_over",)
    with pytest.raises(RuleViolation) as nothing:
        correct_review(store, HOLDER, at(5, 2), booking_id=BookingId("F1"), scores=scores)
    assert nothing.value.codes == ("review.not_reviewed",)
    review(store, HOLDER, at(5, 2), booking_id=BookingId("F1"), review_id=ReviewId("R1"),
           scores=scores)
    with pytest.raises(RuleViolation) as twice:
        review(store, HOLDER, at(5, 3), booking_id=BookingId("F1"), review_id=ReviewId("R9"),
               scores=scores)
    assert twice.value.codes == ("review.already_reviewed",)
    with store.unit_of_work() as uow:
        assert [r.review_id for r in uow.reviews.find(holder_id=HolderId("H1"))] == ["R1"]


def test_a_used_review_id_is_a_duplicate(make: Callable[[], Store]) -> None:
    store, offer_id = _store(make)
    with store.unit_of_work() as uow:
        uow.bookings.add(_folder(3, offer_id, OrganismId("73282932000074"), over=True))
        uow.commit()
    review(store, HOLDER, at(5, 2), booking_id=BookingId("F1"), review_id=ReviewId("R1"),
           scores=Scores.uniform(3))
    with pytest.raises(DuplicateEntry):
        review(store, HOLDER, at(5, 2), booking_id=BookingId("F3"), review_id=ReviewId("R1"),
               scores=Scores.uniform(3))


def test_another_process_rates_the_offer_after_its_next_read(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    store, offer_id = _store(lambda: SqliteStore(path, durable=False))
    with SqliteStore(path) as other:
        assert other.catalog.rating(offer_id) == (None, 0)
        review(store, HOLDER, at(5, 2), booking_id=BookingId("F1"), review_id=ReviewId("R1"),
               scores=Scores.uniform(4))
        assert other.catalog.rating(offer_id) == (4.0, 1)
        assert other.catalog.ranking_score(offer_id) == store.catalog.ranking_score(offer_id)
