"""Benchmark: durable booking operations a second, PostgresStore against SqliteStore, with 1, 4
and 16 client processes.

Run: ``.venv/bin/python benchmarks/bench_postgres.py`` (``--seconds`` per run, ``--clients``).

Each client process opens its own store and, for ``--seconds``, commits units of work of the
booking services' shape on 50 shared accounts: read an account, hold rights for a folder of its
own (or release a hold it made), save, commit; a ``ConflictError`` is retried, as an app does.
Every commit is durable: PostgreSQL 15 with ``fsync`` on and ``synchronous_commit = on`` (a
throwaway cluster started here, on a Unix socket), SQLite with ``synchronous=FULL`` in WAL mode
(``SqliteStore(durable=True)``), on the same disk. The count is of committed units; the money is
checked afterwards from the store (every acknowledged hold held, no balance negative).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import pg_cluster
from formation.accounts import Account
from formation.adapters.postgres import PostgresStore
from formation.adapters.sqlite import SqliteStore
from formation.errors import ConflictError, InsufficientCredit
from formation.ids import AccountId, BookingId, EntryId, HolderId
from formation.money import Euros

DAY = date(2026, 3, 2)
ACCOUNTS = 50


def _open(kind: str, target: str):  # type: ignore[no-untyped-def]
    if kind == "postgres":
        return PostgresStore(target, schema="bench", index_catalog=False)
    return SqliteStore(target, durable=True, index_catalog=False)


def _client(kind: str, target: str, worker: int, seconds: float) -> tuple[int, int, int]:
    rng = random.Random(worker)
    store = _open(kind, target)
    held: dict[str, str] = {}
    done = conflicts = held_cents = 0
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        n += 1
        folder = f"w{worker}-{n}"
        release = held and rng.random() < 0.5
        while True:
            try:
                with store.unit_of_work() as uow:
                    if release:
                        old = next(iter(held))
                        account = uow.accounts.get(AccountId(held[old]))
                        account.release(EntryId(f"{old}:release"), BookingId(old), DAY)
                    else:
                        account_id = f"A{rng.randrange(ACCOUNTS)}"
                        account = uow.accounts.get(AccountId(account_id))
                        account.hold(EntryId(f"{folder}:hold"), BookingId(folder), DAY,
                                     rights=Euros(100))
                    uow.accounts.save(account)
                    uow.commit()
                if release:
                    del held[old]
                else:
                    held[folder] = account_id
                done += 1
                break
            except ConflictError:
                conflicts += 1
            except InsufficientCredit:
                break
    store.close()
    held_cents = 100 * len(held)
    return done, conflicts, held_cents


def _seed(kind: str, target: str) -> None:
    store = _open(kind, target)
    with store.unit_of_work() as uow:
        for n in range(ACCOUNTS):
            account = Account(AccountId(f"A{n}"), HolderId(f"H{n}"))
            account.credit(EntryId("credit"), Euros.whole(100_000), date(2025, 4, 15),
                           year=2024)
            uow.accounts.add(account)
        uow.commit()
    store.close()


def _held(kind: str, target: str) -> int:
    store = _open(kind, target)
    with store.unit_of_work() as uow:
        total = 0
        for n in range(ACCOUNTS):
            balance = uow.accounts.get(AccountId(f"A{n}")).balance()
            assert balance.available.cents >= 0
            total += balance.held.cents
    store.close()
    return total


def run(kind: str, target: str, clients: int, seconds: float) -> tuple[float, int]:
    _seed(kind, target)
    context = multiprocessing.get_context("spawn")
    with context.Pool(clients) as pool:
        results = pool.starmap(_client, [(kind, target, w, seconds) for w in range(clients)])
    done = sum(r[0] for r in results)
    assert _held(kind, target) == sum(r[2] for r in results), "money not conserved"
    return done / seconds, sum(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    args = parser.parse_args()
    bindir = pg_cluster.find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL binaries not found (pg_config --bindir)")
    print(f"{'clients':>7}  {'PostgreSQL ops/s':>16}  {'SQLite ops/s':>12}  {'ratio':>6}  "
          "conflicts (pg / sqlite)")
    with pg_cluster.Cluster(bindir, durable=True) as cluster:
        import psycopg

        for clients in args.clients:
            with psycopg.connect(cluster.dsn, autocommit=True) as db:
                db.execute("DROP SCHEMA IF EXISTS bench CASCADE")
            pg, pg_conflicts = run("postgres", cluster.dsn, clients, args.seconds)
            with tempfile.TemporaryDirectory() as folder:
                lite, lite_conflicts = run("sqlite", str(Path(folder) / "bench.db"), clients,
                                           args.seconds)
            print(f"{clients:>7}  {pg:>16.0f}  {lite:>12.0f}  {pg / lite:>6.2f}  "
                  f"{pg_conflicts} / {lite_conflicts}")


if __name__ == "__main__":
    main()
