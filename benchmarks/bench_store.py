"""Benchmark: the SQLite store — booking operations, a bulk import, opening a big catalogue.

Run: ``.venv/bin/python benchmarks/bench_store.py`` (``--quick`` for a smaller run).

Three measures, each against a peer run in the same process on the same data:

* *booking operations a second*: the booking services (request, organism's proposal, holder's
  acceptance holding the rights, withdrawal releasing them) on 1 000 accounts, each call one
  committed unit of work, on ``SqliteStore(durable=True)`` (each commit flushed to the disk,
  ``synchronous=FULL``), on ``SqliteStore(durable=False)`` (``synchronous=NORMAL``: a commit
  survives the process being killed, not a power loss) and on ``MemoryStore`` (the peer: the
  same services with no file at all). Target: above 2 000 a second, each committed.
* *a bulk import of 1 000 000 ledger entries* (10 000 accounts of 100 entries, JSON lines, one
  transaction, every entry decoded and every ledger replayed through its checks) against the
  peer: the same rows inserted with ``executemany`` into the same table with no decoding nor
  checks. Target: under 10 s.
* *opening a store of 100 000 offers ready to search* (``SqliteStore(path)`` reads the
  stored offers and sessions (typed columns and shared JSON parts), builds every record with
  its checks, and builds the :class:`~formation.catalog.search.CatalogIndex`, then one
  search) against the peer: the same index built from the records already in memory.
  Target: under 3 s.

Times are wall-clock medians of the repeats (``--repeat``), taken in one process, with the CPU
time of this process beside them (other processes on a loaded machine do not count in it).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from formation.accounts import Account
from formation.adapters.memory import MemoryStore
from formation.adapters.sqlite import SqliteStore
from formation.bookings import Actor, Proposal
from formation.catalog.offers import (
    Certification,
    Modality,
    Offer,
    Organism,
    QualiopiCertification,
    Registry,
    Session,
)
from formation.catalog.search import CatalogIndex
from formation.catalog.search.query import Query
from formation.ids import AccountId, BookingId, EntryId, HolderId, OfferId, OrganismId, SessionId
from formation.money import Euros
from formation.ports import Store
from formation.rules.actions import ActionType
from formation.services import bookings as svc
from formation.testing.catalog import synthetic_catalog

PARIS = ZoneInfo("Europe/Paris")
SIRET = "73282932000074"
OFFER = Offer(offer_id=OfferId("OF1"),
              organism=Organism(siret=SIRET, name="Formations Exemple", qualiopi=(
                  QualiopiCertification(date(2022, 1, 1), date(2030, 12, 31)))),
              title="Anglais des affaires",
              certification=Certification(Registry.RNCP, "35000", "Anglais", 5, None),
              formacodes=("15254",),
              price=Euros.whole(1500), duration_hours=35, modality=Modality.IN_PERSON,
              action_type=ActionType.RNCP)
SESSION = Session(session_id=SessionId("S1"), offer_id=OfferId("OF1"), start=date(2026, 4, 13),
                  end=date(2026, 4, 24))
PROPOSAL = Proposal(start=date(2026, 4, 13), end=date(2026, 4, 24), price=Euros.whole(1500))
ORGANISM = Actor.organism(OrganismId(SIRET))
ACCOUNTS = 1000


def _at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=PARIS)


def _median(samples: list[float]) -> float:
    return statistics.median(samples)


def _fresh(folder: Path, name: str) -> Path:
    path = folder / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


# -- 1. booking operations ------------------------------------------------------------------

def _seed(store: Store) -> None:
    store.save_catalog([OFFER], [SESSION])
    with store.unit_of_work() as uow:
        for n in range(ACCOUNTS):
            account = Account(AccountId(f"A{n}"), HolderId(f"H{n}"))
            account.credit(EntryId("credit"), Euros.whole(5000), date(2025, 4, 15), year=2024)
            uow.accounts.add(account)
        uow.commit()


def _operations(store: Store, prefix: str, folders: int) -> int:
    """Run ``folders`` folder cycles (4 committed operations each); return the operations."""
    done = 0
    for n in range(folders):
        account = n % ACCOUNTS
        holder = Actor.holder(HolderId(f"H{account}"))
        folder = BookingId(f"{prefix}-{n}")
        svc.book(store, holder, _at(2, 9), booking_id=folder, account_id=AccountId(f"A{account}"),
                 session_id=SESSION.session_id)
        svc.accept(store, ORGANISM, _at(3, 9), folder, proposal=PROPOSAL)
        svc.accept(store, holder, _at(4, 9), folder)
        svc.withdraw(store, holder, _at(4, 10), folder)
        done += 4
    return done


def bench_operations(folder: Path, folders: int, durable_folders: int, repeat: int) -> None:
    print(f"\n1. Booking operations (4 committed calls a folder, {ACCOUNTS} accounts)")
    makers: list[tuple[str, Callable[[], Store], int]] = [
        ("MemoryStore (peer)", MemoryStore, folders),
        ("SqliteStore durable=False", lambda: SqliteStore(_fresh(folder, "ops-normal.db"),
                                                          durable=False), folders),
        ("SqliteStore durable=True", lambda: SqliteStore(_fresh(folder, "ops-full.db")),
         durable_folders),
    ]
    rates: dict[str, float] = {}
    for name, make, count in makers:
        samples, cpu = [], []
        for r in range(repeat):
            store = make()
            _seed(store)
            _operations(store, "warm", 20)
            start, start_cpu = time.perf_counter(), time.process_time()
            ops = _operations(store, f"r{r}", count)
            samples.append(ops / (time.perf_counter() - start))
            cpu.append(ops / (time.process_time() - start_cpu))
            if isinstance(store, SqliteStore):
                store.close()
        rates[name] = _median(samples)
        print(f"   {name:<28} {rates[name]:>9,.0f} operations/s wall, {_median(cpu):>9,.0f} "
              f"a CPU second  ({count * 4} operations, median of {repeat})")
    peer = rates["MemoryStore (peer)"]
    for name, rate in rates.items():
        if name != "MemoryStore (peer)":
            print(f"   {name:<28} {rate / peer:>9.2f} × the in-memory peer")


# -- 2. bulk import --------------------------------------------------------------------------

def _account_lines(entries: int, per_account: int = 100) -> Iterator[str]:
    """Accounts of ``per_account`` valid entries: 20 yearly credits, then holds and releases."""
    first = date(2016, 4, 15)
    for a in range(entries // per_account):
        rows: list[dict[str, object]] = [
            {"entry_id": f"credit-{y}", "kind": "annual-credit", "amount": 50000,
             "effective": (first + timedelta(days=y)).isoformat(), "source": "droits",
             "year": 2015}
            for y in range(per_account // 5)]
        n = 0
        while len(rows) < per_account:
            day = (date(2020, 1, 1) + timedelta(days=n)).isoformat()
            for kind in ("hold", "release"):
                rows.append({"entry_id": f"B{n}:{kind}:rights", "kind": kind, "amount": 100 + n,
                             "effective": day, "source": "droits", "booking": f"B{n}"})
            n += 1
        data = {"account_id": f"A{a:07}", "holder_id": f"H{a:07}", "entries": rows[:per_account]}
        yield json.dumps({"type": "Account", "version": 1, "data": data},
                         separators=(",", ":")) + "\n"


def bench_import(folder: Path, entries: int, repeat: int) -> None:
    print(f"\n2. Bulk import of {entries:,} ledger entries (JSON lines, one transaction)")
    lines = list(_account_lines(entries))
    ours, peer, ours_cpu = [], [], []
    for _ in range(repeat):
        store = SqliteStore(_fresh(folder, "import.db"))
        start, start_cpu = time.perf_counter(), time.process_time()
        summary = store.import_lines(lines)
        ours.append(time.perf_counter() - start)
        ours_cpu.append(time.process_time() - start_cpu)
        store.close()
        assert summary.entries == entries, summary
        # the peer: the same rows, no decoding, no checks
        path = _fresh(folder, "import-raw.db")
        SqliteStore(path).close()  # the same schema
        raw = sqlite3.connect(path, isolation_level=None)
        raw.execute("PRAGMA synchronous = FULL")
        start = time.perf_counter()
        raw.execute("BEGIN")
        for line in lines:
            data = json.loads(line)["data"]
            raw.execute("INSERT INTO accounts VALUES (?, ?, ?)",
                        (data["account_id"], data["holder_id"], len(data["entries"])))
            raw.executemany("INSERT INTO entries VALUES (?, ?, ?, ?)",
                            ((data["account_id"], i, e["entry_id"], json.dumps(e))
                             for i, e in enumerate(data["entries"])))
        raw.execute("COMMIT")
        peer.append(time.perf_counter() - start)
        raw.close()
    a, b = _median(ours), _median(peer)
    print(f"   SqliteStore.import_lines      {a:>7.2f} s  ({entries / a:>10,.0f} entries/s; "
          f"{_median(ours_cpu):.2f} s of CPU)")
    print(f"   raw executemany (peer)        {b:>7.2f} s  ({entries / b:>10,.0f} entries/s)")
    print(f"   ratio                         {a / b:>7.2f} × the peer's time")


# -- 3. opening a big catalogue --------------------------------------------------------------

def bench_open(folder: Path, offers_wanted: int, repeat: int) -> None:
    sessions_asked = int(offers_wanted * 2.2)
    offers, sessions = synthetic_catalog(sessions_asked, seed=7)
    while len(offers) < offers_wanted:
        sessions_asked = int(sessions_asked * 1.05)
        offers, sessions = synthetic_catalog(sessions_asked, seed=7)
    kept = {o.offer_id for o in offers[:offers_wanted]}
    offers = offers[:offers_wanted]
    sessions = tuple(s for s in sessions if s.offer_id in kept)
    print(f"\n3. Opening a store of {len(offers):,} offers and {len(sessions):,} sessions, "
          "ready to search")
    path = _fresh(folder, "catalog.db")
    with SqliteStore(path, durable=False) as store:
        store.save_catalog(offers, sessions)
    query = Query(text="anglais", regions=("11",))
    ours, peer, ours_cpu = [], [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        store = SqliteStore(path)
        total = store.catalog.search(query).total
        ours.append(time.perf_counter() - start)
        ours_cpu.append(time.process_time() - start_cpu)
        store.close()
        start = time.perf_counter()
        index = CatalogIndex(offers, sessions)
        assert index.search(query).total == total
        peer.append(time.perf_counter() - start)
    a, b = _median(ours), _median(peer)
    print(f"   SqliteStore(path) + search    {a:>7.2f} s  ({_median(ours_cpu):.2f} s of CPU)")
    print(f"   CatalogIndex from memory      {b:>7.2f} s  (peer: no file, no decoding)")
    print(f"   ratio                         {a / b:>7.2f} × the peer's time")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller, faster run")
    parser.add_argument("--repeat", type=int, default=None, help="repeats (default 3, quick 1)")
    parser.add_argument("--only", choices=("operations", "import", "open"), default=None)
    args = parser.parse_args(argv)
    repeat = args.repeat or (1 if args.quick else 3)
    with tempfile.TemporaryDirectory(prefix="bench-store-",
                                     dir=os.environ.get("BENCH_DIR")) as tmp:
        folder = Path(tmp)
        print(f"bench_store ({'quick' if args.quick else 'full'} run), files in {folder}, "
              f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}")
        if args.only in (None, "operations"):
            bench_operations(folder, 150 if args.quick else 600, 40 if args.quick else 150,
                             repeat)
        if args.only in (None, "import"):
            bench_import(folder, 100_000 if args.quick else 1_000_000, repeat)
        if args.only in (None, "open"):
            bench_open(folder, 10_000 if args.quick else 100_000, repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
