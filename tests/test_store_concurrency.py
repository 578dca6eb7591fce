"""Several processes booking against the same accounts through the same file lose no cent.

Three worker processes run the booking services at once against two shared accounts of
5 000 € each (request, proposal, acceptance holding the rights, every other folder withdrawn).
Every acceptance reads the balance, plans the funding on it and holds the rights: two racing
acceptances on one account would hold the same euros twice without the optimistic version
check. A stale commit surfaces as ``ConflictError``, the worker retries it, and the retry
succeeds. At the end every folder is in the state its worker left it in, the rights are
exactly what was credited (money is conserved), no balance is below zero, and each folder's
history matches its ledger entries.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import attrs
import pytest

import store_workload
from formation.adapters.sqlite import SqliteStore
from formation.bookings import BookingStatus
from formation.errors import ConflictError
from formation.ids import AccountId, BookingId, EntryId
from formation.money import Euros
from formation.services import bookings as svc

WORKLOAD = Path(__file__).with_name("store_workload.py")
SEAT_RACE = Path(__file__).with_name("seat_race.py")
WORKERS = 3
FOLDERS = 40
ACCOUNTS = ["A1", "A2"]


def test_processes_racing_on_the_same_accounts_conserve_money(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    with SqliteStore(path) as store:
        store_workload.seed(store, ACCOUNTS)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "STORE_DURABLE": "0"}
    children = [
        subprocess.Popen([sys.executable, str(WORKLOAD), str(path), f"W{n}", str(FOLDERS),
                          *ACCOUNTS], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env)
        for n in range(WORKERS)
    ]
    outputs = [child.communicate(timeout=120) for child in children]
    for child, (_, errors) in zip(children, outputs, strict=True):
        assert child.returncode == 0, errors
    conflicts = sum(out.count("conflict") for out, _ in outputs)
    acks = sum(out.count("ack") for out, _ in outputs)
    # every call acknowledged, retries included: 3 or 4 calls a folder
    assert acks == WORKERS * FOLDERS * 3 + WORKERS * FOLDERS // 2
    folders, accounts = store_workload.check(str(path))
    assert (folders, accounts) == (WORKERS * FOLDERS, len(ACCOUNTS))
    with SqliteStore(path) as store, store.unit_of_work() as uow:
        found = uow.bookings.find()
        withdrawn = [b for b in found if int(b.booking_id.split("-")[1]) % 2 == 0]
        kept = [b for b in found if int(b.booking_id.split("-")[1]) % 2 == 1]
        assert all(b.status is BookingStatus.CANCELED_BY_ATTENDEE for b in withdrawn)
        assert all(b.status is BookingStatus.ACCEPTED for b in kept)
        held = 0
        for name in ACCOUNTS:
            balance = uow.accounts.get(AccountId(name)).balance()
            assert balance.rights == store_workload.CREDIT
            assert balance.available >= Euros(0)
            held += balance.held.cents
        rights_held = sum(m.amount.cents for b in kept for m in b.movements
                          if m.kind.value == "hold")
        assert held == rights_held
    print(f"{conflicts} conflicts retried")


def test_a_stale_commit_from_another_connection_is_a_conflict_and_a_retry_succeeds(
        tmp_path: Path) -> None:
    path = tmp_path / "two.db"
    with SqliteStore(path) as first:
        store_workload.seed(first, ["A1"])
    with SqliteStore(path) as first, SqliteStore(path) as second:
        with first.unit_of_work() as a, second.unit_of_work() as b:
            mine, theirs = a.accounts.get(AccountId("A1")), b.accounts.get(AccountId("A1"))
            mine.credit(EntryId("mine"), Euros.whole(1), date(2025, 5, 1))
            theirs.credit(EntryId("theirs"), Euros.whole(2), date(2025, 5, 1))
            a.accounts.save(mine)
            b.accounts.save(theirs)
            b.commit()
            with pytest.raises(ConflictError):
                a.commit()
        with first.unit_of_work() as retry:
            account = retry.accounts.get(AccountId("A1"))
            account.credit(EntryId("mine"), Euros.whole(1), date(2025, 5, 1))
            retry.accounts.save(account)
            retry.commit()
        with second.unit_of_work() as uow:
            assert uow.accounts.get(AccountId("A1")).balance().rights == Euros(500300)


RACERS = 4


@pytest.mark.parametrize("round_", range(2))
def test_processes_racing_for_the_last_seat_exactly_one_wins(tmp_path: Path, round_: int) -> None:
    # issue 15: two holders were both accepted on a session with one seat
    path = tmp_path / "seat.db"
    accounts = [f"A{n}" for n in range(RACERS)]
    last = attrs.evolve(store_workload.SESSION, seats=1)
    with SqliteStore(path) as store:
        store_workload.seed(store, accounts)
        store.save_catalog([store_workload.OFFER], [last])
        for name in accounts:
            holder = store_workload.Actor.holder(store_workload.holder_of(name))
            folder = BookingId(f"F-{name}")
            svc.book(store, holder, store_workload.at(2, 9), booking_id=folder,
                     account_id=AccountId(name), session_id=last.session_id)
            svc.accept(store, store_workload.ORGANISM, store_workload.at(3, 9), folder,
                       proposal=store_workload.PROPOSAL)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    start = time.time() + 3.0  # every child is started and has opened the store by then
    children = [subprocess.Popen(
        [sys.executable, str(SEAT_RACE), str(path), f"F-{name}",
         store_workload.holder_of(name), repr(start)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for name in accounts]
    outputs = [child.communicate(timeout=120) for child in children]
    for child, (_, errors) in zip(children, outputs, strict=True):
        assert child.returncode == 0, errors
    results = sorted(out.strip() for out, _ in outputs)
    assert results == ["booking.session_full"] * (RACERS - 1) + ["won"]
    with SqliteStore(path) as store, store.unit_of_work() as uow:
        (winner,) = uow.catalog.seat_holders(last.session_id)
        statuses = {b.booking_id: b.status for b in uow.bookings.find()}
        assert statuses[winner] is BookingStatus.ACCEPTED
        assert sorted(s.value for s in statuses.values()) == \
            ["accepted"] + ["validated"] * (RACERS - 1)
        for name in accounts:  # the losers hold nothing
            held = uow.accounts.get(AccountId(name)).balance().held
            assert (held.cents > 0) == (f"F-{name}" == winner)
