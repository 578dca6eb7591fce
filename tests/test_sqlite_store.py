"""SqliteStore: the store contract in memory and on a file, what survives reopening, numbered
migrations, the catalogue index, export and import, and bad files that change nothing."""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from formation.accounts import Account
from formation.adapters.migrations import APPLICATION_ID, MIGRATIONS
from formation.adapters.sqlite import ImportSummary, SqliteStore
from formation.bookings import BookingStatus
from formation.errors import (
    DuplicateEntry,
    FormationError,
    InvalidValue,
    NotFound,
    StorageError,
)
from formation.ids import AccountId, BookingId, EntryId, HolderId
from formation.money import Euros
from formation.ports import Store
from formation.query import Query
from formation.search import CatalogIndex
from formation.testing.catalog import synthetic_catalog
from formation.testing.contracts import StoreContract

_FILES = itertools.count()


class TestSqliteStoreInMemory(StoreContract):
    def make_store(self) -> Store:
        return SqliteStore(":memory:")


class TestSqliteStoreOnFile(StoreContract):
    @pytest.fixture(autouse=True)
    def _folder(self, tmp_path: Path) -> None:
        self.folder = tmp_path

    def make_store(self) -> Store:
        return SqliteStore(self.folder / f"store-{next(_FILES)}.db", durable=False)

    def same_storage(self, store: Store) -> Store:
        assert isinstance(store, SqliteStore)
        return SqliteStore(store.path, durable=False)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _account(name: str = "A1", euros: int = 1000) -> Account:
    account = Account(AccountId(name), HolderId(f"H-{name}"))
    account.credit(EntryId("credit"), Euros.whole(euros), date(2025, 4, 15), year=2024)
    return account


def _filled(path: Path | str, accounts: int = 3) -> SqliteStore:
    store = SqliteStore(path, durable=False)
    with store.unit_of_work() as uow:
        for n in range(accounts):
            uow.accounts.add(_account(f"A{n}", 1000 + n))
        uow.commit()
    return store


# -- what survives -----------------------------------------------------------------------------

def test_everything_committed_is_there_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    with _filled(path) as store, store.unit_of_work() as uow:
        account = uow.accounts.get(AccountId("A1"))
        account.credit(EntryId("more"), Euros.whole(5), date(2025, 5, 1))
        uow.accounts.save(account)
        uow.commit()
    with SqliteStore(path) as again, again.unit_of_work() as uow:
        assert uow.accounts.get(AccountId("A1")).balance().rights == Euros.whole(1006)
        assert uow.accounts.get(AccountId("A2")).version == 1


def test_the_file_uses_a_write_ahead_log_and_is_marked_as_a_formation_store(
        tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    _filled(path).close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_a_reader_sees_what_another_connection_committed(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    with _filled(path) as writer, SqliteStore(path) as reader:
        with reader.unit_of_work() as uow:
            assert uow.accounts.get(AccountId("A1")).version == 1
        with writer.unit_of_work() as uow:
            account = uow.accounts.get(AccountId("A1"))
            account.credit(EntryId("later"), Euros.whole(1), date(2025, 5, 1))
            uow.accounts.save(account)
            uow.commit()
        with reader.unit_of_work() as uow:
            assert [e.entry_id for e in uow.accounts.get(AccountId("A1")).entries] == \
                ["credit", "later"]


# -- migrations ------------------------------------------------------------------------------

def test_migrations_are_numbered_from_one_without_gaps() -> None:
    assert [m.number for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


def test_a_store_at_an_older_schema_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as raw:  # a store as the first release wrote it
        raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        raw.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                    "description TEXT NOT NULL)")
        for statement in MIGRATIONS[0].statements:
            raw.execute(statement)
        raw.execute("INSERT INTO schema_version VALUES (1, 'first')")
        raw.execute("INSERT INTO accounts VALUES ('A1', 'H1', 0)")
    with SqliteStore(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        with store.unit_of_work() as uow:
            assert uow.accounts.get(AccountId("A1")).holder_id == "H1"
        offers, sessions = synthetic_catalog(10, seed=1)
        store.save_catalog(offers, sessions)
        assert len(store.catalog) == len(sessions)


def test_a_store_with_a_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    _filled(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO schema_version VALUES (99, 'from the future')")
    before = _digest(path)
    with pytest.raises(StorageError, match="newer"):
        SqliteStore(path)
    assert _digest(path) == before


# -- bad files -----------------------------------------------------------------------------------

def test_a_file_that_is_not_a_database_is_a_storage_error_and_stays_as_it_was(
        tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database\n" * 200)
    before = _digest(path)
    with pytest.raises(StorageError, match="damaged or is not a formation store"):
        SqliteStore(path)
    assert _digest(path) == before


def test_a_foreign_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other-app.db"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE users (name TEXT)")
        raw.execute("INSERT INTO users VALUES ('alice')")
    raw.close()
    before = _digest(path)
    with pytest.raises(StorageError, match="another application"):
        SqliteStore(path)
    assert _digest(path) == before


def test_a_store_whose_header_is_damaged_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    _filled(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    data = bytearray(path.read_bytes())
    data[0:16] = b"garbage garbage!"
    path.write_bytes(bytes(data))
    with pytest.raises(StorageError):
        SqliteStore(path)


def test_a_damaged_record_is_a_storage_error_naming_it_and_the_others_still_read(
        tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    _filled(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE entries SET data = '{\"kind\": \"gift\"}' WHERE account_id = 'A1'")
    raw.close()
    with SqliteStore(path) as store, store.unit_of_work() as uow:
        with pytest.raises(StorageError, match="'A1'"):
            uow.accounts.get(AccountId("A1"))
        assert uow.accounts.get(AccountId("A2")).balance().rights == Euros.whole(1002)


def test_a_ledger_that_spends_money_it_does_not_have_is_refused_on_reading(
        tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    _filled(path).close()
    hold = {"entry_id": "h", "kind": "hold", "amount": 999_999_00, "effective": "2025-06-01",
            "source": "droits", "booking": "B1"}
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO entries VALUES ('A1', 1, 'h', ?)", (json.dumps(hold),))
        raw.execute("UPDATE accounts SET version = 2 WHERE account_id = 'A1'")
    raw.close()
    with SqliteStore(path) as store, store.unit_of_work() as uow, \
            pytest.raises(StorageError, match="ledger of account 'A1'"):
        uow.accounts.get(AccountId("A1"))


def _fill_until_full(store: SqliteStore) -> tuple[int, StorageError]:
    """Add accounts of 21 entries until the store is full; return how many were saved."""
    for n in range(10_000):
        account = _account(f"X{n:05}")
        for k in range(20):
            account.credit(EntryId(f"c{k}"), Euros(1), date(2025, 5, 1), note="x" * 200)
        try:
            with store.unit_of_work() as uow:
                uow.accounts.add(account)
                uow.commit()
        except StorageError as error:
            return n, error
    raise AssertionError("the store never filled up")


def test_a_full_disk_is_a_storage_error_and_keeps_everything_committed_before(
        tmp_path: Path) -> None:
    path = tmp_path / "small.db"
    _filled(path, accounts=1).close()
    size = path.stat().st_size + 64 * 1024
    with SqliteStore(path, max_size=size) as store:
        saved, error = _fill_until_full(store)
        assert "full" in str(error)
        assert saved > 0
        with store.unit_of_work() as uow:  # still readable, nothing half-written
            assert uow.accounts.get(AccountId(f"X{saved - 1:05}")).version == 21
            with pytest.raises(NotFound):
                uow.accounts.get(AccountId(f"X{saved:05}"))
    with SqliteStore(path) as store:  # without the limit, writing works again
        assert store.counts()["accounts"] == saved + 1
        with store.unit_of_work() as uow:
            uow.accounts.add(_account("after"))
            uow.commit()


_READ_ONLY_CHILD = """
import sys
from datetime import date
from formation.adapters.sqlite import SqliteStore
from formation.errors import StorageError
from formation.ids import AccountId, EntryId
from formation.money import Euros
try:
    store = SqliteStore(sys.argv[1])
    with store.unit_of_work() as uow:
        account = uow.accounts.get(AccountId("A1"))
        account.credit(EntryId("more"), Euros(1), date(2025, 5, 1))
        uow.accounts.save(account)
        uow.commit()
except StorageError as error:
    print("StorageError", error)
else:
    print("written")
"""


def _make_read_only(folder: Path, path: Path) -> list[list[str]]:
    """Make ``folder`` and ``path`` read-only; return the commands that undo it.

    Permission bits do not stop root, so as root the folder and the file are made immutable
    (``chattr +i``) instead.
    """
    if os.geteuid() != 0:
        os.chmod(path, 0o444)
        os.chmod(folder, 0o555)
        return [["chmod", "755", str(folder)], ["chmod", "644", str(path)]]
    done = subprocess.run(["chattr", "+i", str(path), str(folder)], capture_output=True,
                          check=False)
    if done.returncode != 0:
        pytest.skip("running as root without chattr: cannot make a directory read-only")
    return [["chattr", "-i", str(path), str(folder)]]


def test_a_read_only_directory_is_a_storage_error_and_leaves_the_data_intact(
        tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    path = folder / "store.db"
    _filled(path).close()  # closing checkpoints the log: the file alone holds everything
    before = _digest(path)
    undo = _make_read_only(folder, path)
    try:
        child = subprocess.run(
            [sys.executable, "-c", _READ_ONLY_CHILD, str(path)], capture_output=True,
            text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
            timeout=60, check=False)
        assert child.stdout.startswith("StorageError"), child.stdout + child.stderr
        assert "nothing was changed" in child.stdout
        assert _digest(path) == before
    finally:
        for command in undo:
            subprocess.run(command, check=True)
    with SqliteStore(path) as store, store.unit_of_work() as uow:
        assert uow.accounts.get(AccountId("A1")).version == 1


def test_a_missing_directory_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="cannot be opened"):
        SqliteStore(tmp_path / "no" / "such" / "folder" / "store.db")


# -- the catalogue ---------------------------------------------------------------------------

def test_the_catalogue_index_is_built_on_open_and_answers_as_a_fresh_index(
        tmp_path: Path) -> None:
    path = tmp_path / "catalog.db"
    offers, sessions = synthetic_catalog(300, seed=4)
    with SqliteStore(path, durable=False) as store:
        store.save_catalog(offers, sessions)
    fresh = CatalogIndex(offers, sessions)
    with SqliteStore(path) as store:
        for query in (Query(text="anglais"), Query(regions=("11",)), Query(page_size=50)):
            got, want = store.catalog.search(query), fresh.search(query)
            assert [h.session.session_id for h in got.hits] == \
                [h.session.session_id for h in want.hits]
            assert got.total == want.total


def test_the_catalogue_index_follows_changes_made_by_another_connection(
        tmp_path: Path) -> None:
    path = tmp_path / "catalog.db"
    offers, sessions = synthetic_catalog(60, seed=5)
    half = len(offers) // 2
    first_offers = {o.offer_id for o in offers[:half]}
    with SqliteStore(path, durable=False) as a, SqliteStore(path, durable=False) as b:
        a.save_catalog(offers[:half], [s for s in sessions if s.offer_id in first_offers])
        assert b.catalog.offer_count == half
        b.save_catalog(offers[half:], [s for s in sessions if s.offer_id not in first_offers])
        assert a.catalog.offer_count == len(offers)
        assert len(a.catalog) == len(sessions)


def test_a_session_of_an_unknown_offer_stores_nothing() -> None:
    offers, sessions = synthetic_catalog(10, seed=6)
    with SqliteStore(":memory:") as store:
        with pytest.raises(FormationError):
            store.save_catalog(offers[1:], sessions)
        assert store.counts()["offers"] == 0


def test_a_catalogue_save_after_a_rolled_back_one_stores_its_parts(tmp_path: Path) -> None:
    # regression: one part writer per connection kept the numbers of parts rolled back
    offers, sessions = synthetic_catalog(40, seed=7)
    with SqliteStore(tmp_path / "c.db", durable=False) as store:
        with pytest.raises(NotFound):
            store.save_catalog(offers[1:], sessions)  # a session names offers[0]: rolled back
        assert store.counts()["offers"] == 0
        store.save_catalog(offers, sessions)
        assert store.counts()["offers"] == len(offers)
        assert store.catalog.offer_count == len(offers)


def test_two_stores_on_one_file_add_new_catalogue_parts_in_turn(tmp_path: Path) -> None:
    # regression: a part writer with a stale map of part numbers collided on catalog_parts.data
    offers, sessions = synthetic_catalog(90, seed=8)
    thirds = [offers[i::3] for i in range(3)]
    path = tmp_path / "c.db"
    with SqliteStore(path, durable=False) as a, SqliteStore(path, durable=False) as b:
        for store, part in zip((a, b, a), thirds, strict=True):
            ids = {o.offer_id for o in part}
            store.save_catalog(part, [s for s in sessions if s.offer_id in ids])
        assert b.catalog.offer_count == len(offers)
    with SqliteStore(path) as store:
        fresh = CatalogIndex(offers, sessions)
        got, want = store.catalog.search(Query(page_size=100)), fresh.search(Query(page_size=100))
        assert [h.session.session_id for h in got.hits] == [h.session.session_id for h in want.hits]


# -- export and import -----------------------------------------------------------------------

def _busy_store() -> SqliteStore:
    import store_workload

    store = SqliteStore(":memory:")
    store_workload.seed(store, ["A1", "A2"])
    store.save_catalog([store_workload.OFFER], [store_workload.SESSION])
    holder = store_workload.Actor.holder(store_workload.holder_of("A1"))
    svc = store_workload.svc
    for n in range(3):
        folder = BookingId(f"F{n}")
        svc.book(store, holder, store_workload.at(2, 9), booking_id=folder,
                 account_id=AccountId("A1"), offer=store_workload.OFFER,
                 session=store_workload.SESSION)
        svc.accept(store, store_workload.ORGANISM, store_workload.at(3, 9), folder,
                   proposal=store_workload.PROPOSAL)
        if n:
            svc.accept(store, holder, store_workload.at(4, 9), folder)
    return store


def test_export_then_import_gives_the_same_store() -> None:
    with _busy_store() as store:
        lines = list(store.export_lines())
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)
    with SqliteStore(":memory:") as copy:
        summary = copy.import_lines(lines)
        assert summary == ImportSummary(accounts=2, entries=2 + 2 * 1, bookings=3, offers=1,
                                        sessions=1)
        assert list(copy.export_lines()) == lines
        with copy.unit_of_work() as uow:
            folder = uow.bookings.get(BookingId("F1"))
            assert folder.status is BookingStatus.ACCEPTED
            assert folder.version == 3
            assert uow.accounts.get(AccountId("A1")).held_for(folder.booking_id)
        assert copy.catalog.offer_count == 1


def test_an_imported_folder_keeps_its_version_for_the_next_optimistic_check() -> None:
    with _busy_store() as store:
        lines = list(store.export_lines())
    with SqliteStore(":memory:") as copy:
        copy.import_lines(lines)
        with copy.unit_of_work() as uow:
            assert uow.bookings.get(BookingId("F0")).version == 2


def test_a_bad_line_names_its_number_and_the_field_and_imports_nothing() -> None:
    with _busy_store() as store:
        lines = list(store.export_lines())
    document = json.loads(lines[3])
    document["data"]["entries"][0]["amount"] = "12.50"
    lines[3] = json.dumps(document) + "\n"
    with SqliteStore(":memory:") as copy:
        with pytest.raises(InvalidValue, match=r"line 4: data\.entries\[0\]\.amount"):
            copy.import_lines(lines)
        assert copy.counts() == dict.fromkeys(copy.counts(), 0)


def test_a_line_that_is_not_json_or_of_a_newer_version_is_refused() -> None:
    with SqliteStore(":memory:") as store:
        with pytest.raises(InvalidValue, match="line 2: not a JSON document"):
            store.import_lines(["\n", "{oops\n"])
        newer = {"type": "Account", "version": 99, "data": {}}
        with pytest.raises(InvalidValue, match=r"line 1: document\.version"):
            store.import_lines([json.dumps(newer)])


def test_importing_records_stored_already_is_a_duplicate_and_imports_nothing() -> None:
    with _busy_store() as store:
        lines = list(store.export_lines())
        with pytest.raises(DuplicateEntry):
            store.import_lines(lines)
        assert store.counts()["bookings"] == 3


def test_documents_can_be_imported_as_objects_too() -> None:
    with _busy_store() as store:
        documents = list(store.export_documents())
    with SqliteStore(":memory:") as copy:
        assert copy.import_documents(documents).bookings == 3
        with pytest.raises(InvalidValue, match="document 1"):
            SqliteStore(":memory:").import_documents([{"type": "Nope"}])


# -- threads ---------------------------------------------------------------------------------

def test_threads_sharing_one_store_conserve_money(tmp_path: Path) -> None:
    import threading

    import store_workload as w

    path = tmp_path / "threads.db"
    store = SqliteStore(path, durable=False)
    w.seed(store, ["A1"])
    holder = w.Actor.holder(w.holder_of("A1"))
    errors: list[BaseException] = []

    def work(prefix: str) -> None:
        try:
            for n in range(6):
                folder = BookingId(f"{prefix}-{n}")
                out = io.StringIO()
                w.retried(lambda f=folder: w.svc.book(
                    store, holder, w.at(2, 9), booking_id=f, account_id=AccountId("A1"),
                    offer=w.OFFER, session=w.SESSION), out)
                w.retried(lambda f=folder: w.svc.accept(store, w.ORGANISM, w.at(3, 9), f,
                                                        proposal=w.PROPOSAL), out)
                w.retried(lambda f=folder: w.svc.accept(store, holder, w.at(4, 9), f), out)
                if n % 2 == 0:
                    w.retried(lambda f=folder: w.svc.withdraw(store, holder, w.at(4, 10), f),
                              out)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(f"T{t}",)) for t in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.close()
    assert errors == []
    assert w.check(str(path)) == (18, 1)
