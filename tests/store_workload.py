"""A booking workload against a SqliteStore file, run in child processes by the crash and
concurrency tests (``python tests/store_workload.py DB PREFIX COUNT [ACCOUNTS...]``).

Each folder goes request → organism's proposal → holder's acceptance (rights held, card paid)
and then, every other folder, the holder's withdrawal (the hold released). After each service
call that returned, the worker prints ``ack <folder> <version>`` and flushes: what it printed
was acknowledged as saved. A ``ConflictError`` is retried (it prints ``conflict``).
"""

from __future__ import annotations

import os
import sys
from datetime import date, datetime
from zoneinfo import ZoneInfo

from formation.accounts import Account
from formation.adapters.sqlite import SqliteStore
from formation.bookings import Actor, Booking, BookingStatus, MovementKind, Proposal
from formation.catalog.offers import (
    Certification,
    Modality,
    Offer,
    Organism,
    QualiopiCertification,
    Registry,
    Session,
)
from formation.errors import ConflictError
from formation.ids import AccountId, BookingId, EntryId, HolderId, OfferId, OrganismId, SessionId
from formation.ledger import EntryKind
from formation.money import Euros
from formation.rules.actions import ActionType
from formation.services import bookings as svc

PARIS = ZoneInfo("Europe/Paris")
SIRET = "73282932000074"
OFFER = Offer(offer_id=OfferId("OF1"),
              organism=Organism(siret=SIRET, name="Formations Exemple", qualiopi=(
                  QualiopiCertification(date(2022, 1, 1), date(2030, 12, 31)))),
              title="Anglais des affaires",
              certification=Certification(Registry.RNCP, "35000", "Anglais professionnel", 5,
                                          None),
              formacodes=("15254",), price=Euros.whole(1500), duration_hours=35,
              modality=Modality.IN_PERSON, action_type=ActionType.RNCP)
SESSION = Session(session_id=SessionId("S1"), offer_id=OfferId("OF1"), start=date(2026, 4, 13),
                  end=date(2026, 4, 24))
PROPOSAL = Proposal(start=date(2026, 4, 13), end=date(2026, 4, 24), price=Euros.whole(1500))
ORGANISM = Actor.organism(OrganismId(SIRET))
CREDIT = Euros.whole(5000)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=PARIS)


def holder_of(account: str) -> HolderId:
    return HolderId(f"H-{account}")


def seed(store: SqliteStore, accounts: list[str]) -> None:
    """Accounts with 5 000 € of rights each, and the catalogue's offer and session."""
    store.save_catalog([OFFER], [SESSION])
    with store.unit_of_work() as uow:
        for name in accounts:
            account = Account(AccountId(name), holder_of(name))
            account.credit(EntryId("credit-2025"), CREDIT, date(2025, 4, 15), year=2024)
            uow.accounts.add(account)
        uow.commit()


def retried(call, out) -> Booking:  # type: ignore[no-untyped-def]
    while True:
        try:
            return call()  # type: ignore[no-any-return]
        except ConflictError:
            print("conflict", file=out, flush=True)


def run(path: str, prefix: str, count: int, accounts: list[str], out=sys.stdout,  # type: ignore[no-untyped-def]
        durable: bool = True, settling: bool = False) -> None:
    store = SqliteStore(path, durable=durable)
    if settling:
        settle(store, out)
    for n in range(count):
        name = accounts[n % len(accounts)]
        holder = Actor.holder(holder_of(name))
        folder = BookingId(f"{prefix}-{n}")
        steps = [
            lambda: svc.book(store, holder, at(2, 9), booking_id=folder,  # noqa: B023
                             account_id=AccountId(name), offer=OFFER,  # noqa: B023
                             session=SESSION),
            lambda: svc.accept(store, ORGANISM, at(3, 9), folder,  # noqa: B023
                               proposal=PROPOSAL),
            lambda: svc.accept(store, holder, at(4, 9), folder),  # noqa: B023
        ]
        if n % 2 == 0:
            steps.append(lambda: svc.withdraw(store, holder, at(4, 10), folder))  # noqa: B023
        for step in steps:
            booking = retried(step, out)
            print(f"ack {booking.booking_id} {booking.version}", file=out, flush=True)
    store.close()


def settle(store: SqliteStore, out) -> None:  # type: ignore[no-untyped-def]
    """Refuse the requests and proposals a killed worker left pending (at most 5 may wait)."""
    with store.unit_of_work() as uow:
        pending = uow.bookings.find(statuses=[BookingStatus.NOT_PROCESSED,
                                              BookingStatus.VALIDATED])
    for folder in pending:
        if folder.status is BookingStatus.NOT_PROCESSED:
            booking = retried(lambda f=folder: svc.refuse(store, ORGANISM, at(3, 9),
                                                          f.booking_id, "complet"), out)
        else:
            booking = retried(lambda f=folder: svc.refuse(
                store, Actor.holder(f.holder_id), at(4, 9), f.booking_id, "plus disponible"),
                out)
        print(f"ack {booking.booking_id} {booking.version}", file=out, flush=True)


def check(path: str) -> tuple[int, int]:
    """Every folder's history matches its ledger entries; return (folders, accounts).

    For each folder, the holds, releases and debits its transitions recorded are exactly the
    ledger entries for it; what it holds now matches its state; no account has less than
    nothing available.
    """
    store = SqliteStore(path)
    with store.unit_of_work() as uow:
        folders = uow.bookings.find()
        names = {b.account_id for b in folders}
        accounts = {name: uow.accounts.get(name) for name in names}
    for account in accounts.values():
        balance = account.balance()
        assert balance.available.cents >= 0, (account.account_id, balance)
        assert balance.rights == CREDIT, (account.account_id, balance)
    for folder in folders:
        account = accounts[folder.account_id]
        recorded = dict.fromkeys((MovementKind.HOLD, MovementKind.RELEASE, MovementKind.DEBIT), 0)
        for movement in folder.movements:
            if movement.kind in recorded:
                recorded[movement.kind] += movement.amount.cents
        ledger = {MovementKind.HOLD: 0, MovementKind.RELEASE: 0, MovementKind.DEBIT: 0}
        kinds = {EntryKind.HOLD: MovementKind.HOLD, EntryKind.RELEASE: MovementKind.RELEASE,
                 EntryKind.DEBIT: MovementKind.DEBIT}
        for entry in account.entries:
            if entry.booking == folder.booking_id and entry.kind in kinds:
                ledger[kinds[entry.kind]] += entry.amount.cents
        assert recorded == ledger, (folder.booking_id, folder.status, recorded, ledger)
        held = account.held_for(folder.booking_id).total.cents
        if folder.status is BookingStatus.ACCEPTED:
            assert held == recorded[MovementKind.HOLD], (folder.booking_id, held)
        else:
            assert held == 0, (folder.booking_id, folder.status, held)
    store.close()
    return len(folders), len(accounts)


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:],
        durable=os.environ.get("STORE_DURABLE", "1") == "1",
        settling=os.environ.get("STORE_SETTLE", "0") == "1")
