"""SqliteStore: holders, reviews and consent requests survive a restart with the ratings they
give; a store of schema 3 is migrated with its folders; a damaged row of any kind is a
StorageError naming it."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pytest

import formation.adapters.sqlite as sqlite_module
from formation.adapters.migrations import MIGRATIONS
from formation.adapters.sqlite import SqliteStore, _booking_text
from formation.bookings import Booking, request
from formation.consent import request_consent
from formation.errors import InvalidValue, StorageError
from formation.holders import Holder, HolderStatus, Recognition
from formation.ids import (
    AccountId,
    BookingId,
    ConsentId,
    HolderId,
    OfferId,
    OrganismId,
    ReviewId,
    SessionId,
)
from formation.money import Euros
from formation.query import Query, Sort
from formation.reviews import Review, Scores
from formation.testing.catalog import synthetic_catalog

_PARIS = ZoneInfo("Europe/Paris")


def _holder() -> Holder:
    return (Holder(HolderId("H1"))
            .with_status(HolderStatus.EMPLOYEE, date(2019, 9, 1), date(2024, 3, 31))
            .with_status(HolderStatus.JOB_SEEKER, date(2024, 4, 1))
            .with_recognition(Recognition.DISABLED_WORKER, date(2022, 6, 1)))


def _review(n: int, offer_id: str, score: int) -> Review:
    return Review(ReviewId(f"R{n}"), BookingId(f"F{n}"), HolderId(f"H{n}"), OfferId(offer_id),
                  OrganismId("78959578200051"), Scores.uniform(score),
                  datetime(2026, 6, 1, 9, tzinfo=_PARIS), comment="Très bien")


def test_a_restart_reads_back_holders_reviews_consents_and_the_same_ratings(
        tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    offers, sessions = synthetic_catalog(200, seed=4)
    consent = request_consent("H1", "employer-1", requested_on=date(2026, 1, 5),
                              start=date(2026, 3, 9), end=date(2026, 4, 30),
                              during_working_time=True)
    with SqliteStore(path, durable=False) as store:
        store.save_catalog(offers, sessions)
        with store.unit_of_work() as uow:
            uow.holders.add(_holder())
            uow.consents.add(ConsentId("C1"), consent)
            for n, offer in enumerate(offers[:30]):
                uow.reviews.add(_review(n, offer.offer_id, 1 + n % 5))
            uow.commit()
        with store.unit_of_work() as uow:
            review = uow.reviews.get(ReviewId("R3"))
            corrected = review.corrected(Scores(5, 5, 4, 5, 5),
                                         at=datetime(2026, 6, 8, tzinfo=_PARIS))
            uow.reviews.save(corrected)
            uow.commit()
        query = Query(sort=Sort.RATING, page_size=40)
        before = store.catalog.search(query).hits
        filtered = store.catalog.search(Query(min_rating=4, page_size=100)).total
    with SqliteStore(path) as again:
        with again.unit_of_work() as uow:
            assert uow.holders.get(HolderId("H1")) == _holder()
            assert uow.consents.get(ConsentId("C1")) == consent
            assert uow.reviews.get(ReviewId("R3")) == corrected
            assert uow.reviews.get(ReviewId("R3")).history[0].scores == Scores.uniform(4)
        assert again.catalog.search(query).hits == before
        assert again.catalog.search(Query(min_rating=4, page_size=100)).total == filtered
        assert again.catalog.rating(offers[3].offer_id) == (4.8, 1)


def test_another_process_sees_a_new_review_in_its_index_after_its_next_read(
        tmp_path: Path) -> None:
    path = tmp_path / "two.db"
    offers, sessions = synthetic_catalog(40, seed=9)
    with SqliteStore(path) as writer, SqliteStore(path) as reader:
        writer.save_catalog(offers, sessions)
        index = reader.catalog
        assert index.rating(offers[0].offer_id) == (None, 0)
        with writer.unit_of_work() as uow:
            uow.reviews.add(_review(1, offers[0].offer_id, 3))
            uow.commit()
        assert reader.catalog is index  # updated in place, not rebuilt
        assert index.rating(offers[0].offer_id) == (3.0, 1)


def _folder() -> Booking:
    return attrs.evolve(request(
        BookingId("F-old"), holder_id=HolderId("H1"), account_id=AccountId("A1"),
        organism_id=OrganismId("73282932000074"), offer_id=OfferId("O1"),
        session_id=SessionId("S1"), price=Euros.whole(900),
        requested_at=datetime(2026, 3, 2, 9, tzinfo=_PARIS)), version=1)


def test_a_store_of_schema_3_is_migrated_with_its_folders_found_by_organism(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "schema3.db"
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_module, "MIGRATIONS", MIGRATIONS[:3])
        with SqliteStore(path) as old:
            assert old.schema_version == 3
    folder = _folder()
    with sqlite3.connect(path) as raw:  # a folder as schema 3 stored it
        raw.execute("INSERT INTO bookings (booking_id, holder_id, status, version, data) "
                    "VALUES (?, ?, ?, ?, ?)", (folder.booking_id, folder.holder_id,
                                               folder.status.value, 1, _booking_text(folder)))
    raw.close()
    with SqliteStore(path) as store:
        assert store.schema_version == len(MIGRATIONS) == 5
        with store.unit_of_work() as uow:
            assert uow.bookings.get(folder.booking_id) == folder
            assert uow.bookings.find(organism_id=folder.organism_id) == (folder,)
            assert uow.bookings.find(organism_id=OrganismId("other")) == ()
            uow.holders.add(_holder())
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.holders.get(HolderId("H1")) == _holder()


@pytest.mark.parametrize(("table", "column", "value", "named"), [
    ("holders", "data", "not json", "holder H1"),
    ("holders", "data", '{"holder_id": "H1", "statuses": 3}', "holder H1"),
    ("holders", "data", '{"holder_id": "H2"}', "holder H1"),
    ("consents", "data", '{"holder_id": "H1"}', "consent request C1"),
    ("consents", "employer_id", "someone else", "consent request C1"),
    ("reviews", "data", "[]", "review R1"),
    ("reviews", "offer_id", "another offer", "review R1"),
])
def test_a_damaged_row_is_a_storage_error_naming_it(tmp_path: Path, table: str, column: str,
                                                    value: str, named: str) -> None:
    path = tmp_path / "damaged.db"
    offers, _ = synthetic_catalog(5, seed=2)
    with SqliteStore(path) as store, store.unit_of_work() as uow:
        uow.holders.add(_holder())
        uow.reviews.add(_review(1, offers[0].offer_id, 4))
        uow.consents.add(ConsentId("C1"), request_consent(
            "H1", "employer-1", requested_on=date(2026, 1, 5), start=date(2026, 3, 9),
            end=date(2026, 4, 30), during_working_time=False))
        uow.commit()
    with sqlite3.connect(path) as raw:
        raw.execute(f"UPDATE {table} SET {column} = ?", (value,))
    raw.close()
    reads = {"holders": lambda uow: uow.holders.get(HolderId("H1")),
             "consents": lambda uow: uow.consents.get(ConsentId("C1")),
             "reviews": lambda uow: uow.reviews.get(ReviewId("R1"))}
    with SqliteStore(path) as store, store.unit_of_work() as uow, \
            pytest.raises(StorageError, match=named):
        reads[table](uow)


def test_a_score_outside_one_to_five_cannot_be_stored(tmp_path: Path) -> None:
    path = tmp_path / "scores.db"
    with SqliteStore(path) as store, store.unit_of_work() as uow:
        uow.reviews.add(_review(1, "O1", 4))
        uow.commit()
    with sqlite3.connect(path) as raw, pytest.raises(sqlite3.IntegrityError):
        raw.execute("UPDATE reviews SET welcome = 6")
    raw.close()


def _everything(path: Path | str) -> SqliteStore:
    offers, sessions = synthetic_catalog(12, seed=6)
    store = SqliteStore(path, durable=False)
    store.save_catalog(offers, sessions)
    with store.unit_of_work() as uow:
        uow.holders.add(_holder())
        uow.reviews.add(_review(1, offers[0].offer_id, 4))
        uow.consents.add(ConsentId("C1"), request_consent(
            "H1", "employer-1", requested_on=date(2026, 1, 5), start=date(2026, 3, 9),
            end=date(2026, 4, 30), during_working_time=True))
        uow.catalog.take_seat(sessions[0].session_id, BookingId("F1"))
        uow.bookings.add(attrs.evolve(_folder(), version=0))
        uow.commit()
    with store.unit_of_work() as uow:
        uow.holders.save(uow.holders.get(HolderId("H1")).with_status(
            HolderStatus.SELF_EMPLOYED, date(2025, 1, 1), date(2025, 12, 31)))
        uow.commit()
    return store


def test_export_then_import_carries_every_kind_of_record_with_its_version(
        tmp_path: Path) -> None:
    with _everything(tmp_path / "all.db") as store:
        lines = list(store.export_lines())
        rated = store.catalog.search(Query(sort=Sort.RATING)).hits[0].offer.offer_id
        rating = store.catalog.rating(rated)
        assert rating == (4.0, 1)
    with SqliteStore(tmp_path / "copy.db") as copy:
        summary = copy.import_lines(lines)
        assert (summary.holders, summary.reviews, summary.consents, summary.seats) == \
            (1, 1, 1, 1)
        assert list(copy.export_lines()) == lines
        with copy.unit_of_work() as uow:
            assert uow.holders.version(HolderId("H1")) == 2
            assert uow.holders.get(HolderId("H1")).statuses[-1].status is \
                HolderStatus.SELF_EMPLOYED
            assert uow.consents.get(ConsentId("C1")).employer_id == "employer-1"
            assert uow.catalog.seats_taken(SessionId("S0000001")) == 1
        assert copy.catalog.rating(rated) == rating


@pytest.mark.parametrize("line", [
    '{"type": "Stored", "version": 1, "data": {"kind": "pets", "id": "x", "version": 1, '
    '"record": {}}}',
    '{"type": "Stored", "version": 1, "data": {"kind": "holders", "id": "H2", "version": 1, '
    '"record": {"holder_id": "H1"}}}',
    '{"type": "Stored", "version": 1, "data": {"kind": "holders", "id": "H1", "version": 0, '
    '"record": {"holder_id": "H1"}}}',
    '{"type": "Seat", "version": 1, "data": {"session_id": "S1"}}',
])
def test_a_bad_stored_document_imports_nothing(line: str) -> None:
    with SqliteStore(":memory:") as store:
        good = '{"type": "Seat", "version": 1, "data": {"session_id": "S1", "booking_id": "F1"}}'
        with pytest.raises(InvalidValue, match="line 2"):
            store.import_lines([good, line])
        with store.unit_of_work() as uow:
            assert uow.catalog.seats_taken(SessionId("S1")) == 0
