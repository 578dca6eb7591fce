"""Benchmark: the checkout's quote on an account with 1 000 ledger entries.

Run: ``.venv/bin/python benchmarks/bench_checkout.py`` (``--quick`` for a smaller run).

:func:`formation.services.bookings.quote` opens a unit of work, reads the account (1 000 entries:
yearly credits, top-ups, holds and releases of earlier folders), the session and its offer from
the store's catalogue, the holder's pending requests and the seats taken, checks every rule that
would forbid the booking (eligibility, seats, pending requests, lead time, funding conditions)
and plans the funding. The peer is what a screen would have to do by hand with the same
library: the account already in memory, its available rights and top-ups on the day, and
:func:`formation.funding.plan_funding` alone, with no store, no checks and no catalogue.
Both give the same plan (checked before timing). Target: a quote under 100 µs on a
``MemoryStore``; the ``SqliteStore`` figure (the account read and decoded from the file) is
printed beside it.

Times are medians of batches, wall clock and CPU time of this process (other processes on a
loaded machine count much less in the latter).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from formation.accounts import Account
from formation.adapters.memory import MemoryStore
from formation.adapters.sqlite import SqliteStore
from formation.bookings import Actor
from formation.catalog.offers import (
    Certification,
    Modality,
    Offer,
    Organism,
    QualiopiCertification,
    Registry,
    Session,
)
from formation.funding import plan_funding
from formation.ids import AccountId, BookingId, EntryId, HolderId, OfferId, SessionId
from formation.money import Euros
from formation.ports import Store
from formation.rules.actions import ActionType
from formation.rules.funders import Funder
from formation.services import bookings as svc

PARIS = ZoneInfo("Europe/Paris")
TARGET_US = 100.0
ENTRIES = 1000
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)
OFFER = Offer(offer_id=OfferId("OF1"),
              organism=Organism("73282932000074", "Formations Exemple", qualiopi=(
                  QualiopiCertification(date(2022, 1, 1), date(2030, 12, 31)))),
              title="Anglais des affaires",
              certification=Certification(Registry.RNCP, "35000", "Anglais", 5, None),
              formacodes=("15254",), price=Euros.whole(1500), duration_hours=35,
              modality=Modality.IN_PERSON, action_type=ActionType.RNCP)
SESSION = Session(session_id=SessionId("S1"), offer_id=OfferId("OF1"), start=date(2026, 4, 13),
                  end=date(2026, 4, 24), seats=12)
HOLDER = Actor.holder(HolderId("H1"))


def big_account() -> Account:
    """An account with ``ENTRIES`` entries: credits, top-ups, and holds released since."""
    account = Account(AccountId("A1"), HolderId("H1"))
    day = date(2019, 1, 1)
    n = 0
    while len(account.entries) < ENTRIES:
        account.credit(EntryId(f"c{n}"), Euros(10_00), day)
        if n % 10 == 0:
            account.top_up(EntryId(f"t{n}"), Funder.REGION, Euros(5_00), day)
        if n % 4 == 0 and len(account.entries) < ENTRIES - 1:
            folder = BookingId(f"old-{n}")
            account.hold(EntryId(f"h{n}"), folder, day, rights=Euros(1_00))
            account.release(EntryId(f"r{n}"), folder, day)
        n += 1
        day = day + timedelta(days=2)
    return account


def seeded(store: Store) -> Store:
    store.save_catalog([OFFER], [SESSION])
    with store.unit_of_work() as uow:
        uow.accounts.add(big_account())
        uow.commit()
    return store


def _time(call: Callable[[], object], batch: int, repeat: int) -> tuple[float, float]:
    """Median µs per call, wall and CPU."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        for _ in range(batch):
            call()
        wall.append((time.perf_counter() - start) / batch * 1e6)
        cpu.append((time.process_time() - start_cpu) / batch * 1e6)
    return statistics.median(wall), statistics.median(cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller, faster run")
    args = parser.parse_args(argv)
    batch, repeat = (200, 3) if args.quick else (2000, 7)
    day = NOW.date()
    with tempfile.TemporaryDirectory() as folder:
        memory = seeded(MemoryStore())
        sqlite = seeded(SqliteStore(Path(folder) / "quote.db", durable=False))
        account = big_account()

        def peer() -> object:
            return plan_funding(
                OFFER.price, balance=account.ledger.rights_available(day), on=day,
                top_ups=account.available_top_ups(day, offer_id=OFFER.offer_id,
                                                  certification_code="RNCP35000"),
                action_type=OFFER.action_type, offer_id=OFFER.offer_id,
                certification_code="RNCP35000")

        def quote(store: Store) -> Callable[[], object]:
            return lambda: svc.quote(store, HOLDER, NOW, account_id=AccountId("A1"),
                                     session_id=SESSION.session_id)

        shown = svc.quote(memory, HOLDER, NOW, account_id=AccountId("A1"),
                          session_id=SESSION.session_id)
        if not shown.bookable or shown.plan != peer():
            raise SystemExit("the quote and the peer disagree")
        print(f"bench_checkout ({'quick' if args.quick else 'full'} run): a quote on an account "
              f"of {len(account.entries)} entries, {batch} calls × {repeat}")
        results = {"plan_funding alone (peer)": _time(peer, batch, repeat),
                   "quote, MemoryStore": _time(quote(memory), batch, repeat),
                   "quote, SqliteStore": _time(quote(sqlite), batch, repeat)}
        sqlite.close()  # type: ignore[attr-defined]
    base = results["plan_funding alone (peer)"][1]
    for name, (wall, cpu) in results.items():
        print(f"   {name:<28} {wall:>8.1f} µs wall  {cpu:>8.1f} µs CPU  ({cpu / base:.1f}× the "
              "peer, CPU)")
    memory_cpu = results["quote, MemoryStore"][1]
    print(f"   target: a quote under {TARGET_US:.0f} µs: "
          f"{'met' if memory_cpu < TARGET_US else 'NOT met'} ({memory_cpu:.1f} µs CPU)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
