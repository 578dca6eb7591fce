"""SqliteStore: the seats of a session across connections and processes, and the rules a store
file keeps (its rulebook and calendar)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import attrs
import pytest

from formation.adapters.memory import MemoryStore
from formation.adapters.sqlite import SqliteStore
from formation.calendar.business_days import BusinessCalendar
from formation.calendar.territories import Territory
from formation.errors import InvalidValue, RuleViolation, StorageError
from formation.ids import BookingId
from formation.ports import SESSION_FULL
from formation.rules.rulebook import Rulebook
from formation.testing.catalog import synthetic_catalog

_RACER = """
import sys
from formation.adapters.sqlite import SqliteStore
from formation.errors import ConflictError, RuleViolation
from formation.ids import BookingId, SessionId
path, name, session = sys.argv[1], sys.argv[2], SessionId(sys.argv[3])
won = 0
with SqliteStore(path, durable=False, index_catalog=False) as store:
    for n in range(10):
        try:
            with store.unit_of_work() as uow:
                uow.catalog.take_seat(session, BookingId(f"{name}-{n}"))
                uow.commit()
            won += 1
        except RuleViolation as refused:
            assert refused.codes == ("booking.session_full",)
print(won)
"""


def _store_with_a_session(path: Path, seats: int) -> BookingId:
    offers, sessions = synthetic_catalog(3, seed=5)
    session = attrs.evolve(sessions[0], seats=seats)
    with SqliteStore(path, durable=False) as store:
        store.save_catalog(offers, [session, *sessions[1:]])
    return BookingId(session.session_id)


def test_processes_racing_for_seats_never_take_more_than_offered(tmp_path: Path) -> None:
    path = tmp_path / "seats.db"
    session_id = _store_with_a_session(path, seats=12)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    children = [subprocess.Popen([sys.executable, "-c", _RACER, str(path), f"P{n}", session_id],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=env) for n in range(4)]
    outputs = [child.communicate(timeout=120) for child in children]
    for child, (_, errors) in zip(children, outputs, strict=True):
        assert child.returncode == 0, errors
    assert sum(int(out) for out, _ in outputs) == 12
    with SqliteStore(path) as store, store.unit_of_work() as uow:
        assert uow.catalog.seats_taken(session_id) == 12  # type: ignore[arg-type]


def test_threads_on_two_connections_racing_for_the_last_seat_one_wins(tmp_path: Path) -> None:
    path = tmp_path / "last.db"
    session_id = _store_with_a_session(path, seats=1)
    stores = [SqliteStore(path, durable=False), SqliteStore(path, durable=False)]
    units = [store.unit_of_work() for store in stores]
    for n, uow in enumerate(units):  # both see a free seat
        uow.catalog.take_seat(session_id, BookingId(f"F{n}"))  # type: ignore[arg-type]
    results: list[str] = []
    barrier = threading.Barrier(2)

    def commit(uow: object) -> None:
        barrier.wait()
        try:
            uow.commit()  # type: ignore[attr-defined]
            results.append("won")
        except RuleViolation as refused:
            results.append(refused.codes[0])

    threads = [threading.Thread(target=commit, args=(uow,)) for uow in units]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [SESSION_FULL, "won"]
    with stores[0].unit_of_work() as uow:
        assert uow.catalog.seats_taken(session_id) == 1  # type: ignore[arg-type]
    for store in stores:
        store.close()


def test_a_seat_change_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "kept.db"
    session_id = _store_with_a_session(path, seats=3)
    with SqliteStore(path) as store, store.unit_of_work() as uow:
        uow.catalog.take_seat(session_id, BookingId("F1"))  # type: ignore[arg-type]
        uow.catalog.take_seat(session_id, BookingId("F2"))  # type: ignore[arg-type]
        uow.commit()
    with SqliteStore(path) as store, store.unit_of_work() as uow:
        assert uow.catalog.seat_holders(session_id) == {"F1", "F2"}  # type: ignore[arg-type]


def test_the_index_follows_a_catalogue_save_in_place_and_in_another_connection(
        tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    offers, sessions = synthetic_catalog(20, seed=3)
    with SqliteStore(path) as first, SqliteStore(path) as second:
        first.save_catalog(offers[:2], [s for s in sessions if s.offer_id in
                                        {o.offer_id for o in offers[:2]}])
        index = first.catalog
        assert second.catalog.offer_count == 2
        first.save_catalog(offers[2:], [s for s in sessions if s.offer_id not in
                                        {o.offer_id for o in offers[:2]}])
        assert first.catalog is index  # updated in place, not rebuilt
        assert first.catalog.offer_count == second.catalog.offer_count == len(offers)
        renamed = attrs.evolve(offers[0], title="Comptabilité générale")
        second.save_catalog([renamed])
        assert first.catalog.offer(renamed.offer_id).title == "Comptabilité générale"


# -- the rules a store keeps -------------------------------------------------------------------



def _other_rulebook() -> Rulebook:
    return Rulebook.default().with_change(effective=date(2026, 1, 1), employer_answer_days=45)


def test_the_memory_store_carries_the_rules_it_is_made_with() -> None:
    rulebook = _other_rulebook()
    calendar = BusinessCalendar(Territory.ALSACE_MOSELLE)
    store = MemoryStore(rulebook=rulebook, calendar=calendar)
    assert store.rulebook is rulebook and store.calendar is calendar
    with pytest.raises(InvalidValue):
        MemoryStore(rulebook="default")  # type: ignore[arg-type]
    with pytest.raises(InvalidValue):
        SqliteStore(":memory:", calendar=Territory.METROPOLE)  # type: ignore[arg-type]


def test_a_store_file_keeps_a_rulebook_other_than_the_default(tmp_path: Path) -> None:
    path = tmp_path / "rules.db"
    rulebook = _other_rulebook()
    calendar = BusinessCalendar(Territory.LA_REUNION)
    SqliteStore(path, rulebook=rulebook, calendar=calendar).close()
    with SqliteStore(path) as again:
        assert again.rulebook == rulebook
        assert again.calendar == calendar
    with SqliteStore(path, rulebook=rulebook, calendar=calendar) as same:
        assert same.rulebook == rulebook
    for given in ({"rulebook": Rulebook.default()},
                  {"calendar": BusinessCalendar(Territory.GUYANE)}):
        with pytest.raises(StorageError, match="keeps its own"):
            SqliteStore(path, **given)  # type: ignore[arg-type]
    with SqliteStore(path) as again:
        assert again.rulebook == rulebook  # the refused openings changed nothing


def test_a_file_without_rules_follows_the_default_and_the_first_other_one_given(
        tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    SqliteStore(path, rulebook=Rulebook.default()).close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT COUNT(*) FROM settings").fetchone()[0] == 0
    raw.close()
    with SqliteStore(path) as again:
        assert again.rulebook is Rulebook.default()
        assert again.calendar == BusinessCalendar()
    rulebook = _other_rulebook()
    SqliteStore(path, rulebook=rulebook).close()
    with SqliteStore(path) as again:
        assert again.rulebook == rulebook


@pytest.mark.parametrize(("name", "data"), [
    ("rulebook", "not json"), ("rulebook", '{"type": "Rulebook", "version": 1, "data": 3}'),
    ("calendar", '{"territory": "atlantis", "worked_holidays": []}'),
    ("calendar", '{"territory": "metropole"}'),
])
def test_a_damaged_setting_is_a_storage_error_naming_it(tmp_path: Path, name: str,
                                                        data: str) -> None:
    path = tmp_path / "damaged.db"
    SqliteStore(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO settings (name, data) VALUES (?, ?)", (name, data))
    raw.close()
    with pytest.raises(StorageError, match=f"stored {name} cannot be read"):
        SqliteStore(path)
