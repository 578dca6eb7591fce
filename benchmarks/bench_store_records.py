"""Benchmark: an organism's inbox among a million folders, and the ratings of many reviews on
opening a SQLite store.

Run: ``.venv/bin/python benchmarks/bench_store_records.py`` (``--quick`` for a smaller run).

Two measures, each against a peer run in the same process on the same file:

* *an organism's inbox page*: ``uow.bookings.find(organism_id=…, statuses=…, limit=50,
  after=…)`` on a fresh ``SqliteStore`` (nothing decoded yet: every folder of the page is read
  and decoded with every check of its records) among 1 000 000 folders of 1 000 organisms,
  first page and a page further on, against the peer: the same page's rows fetched with a bare
  ``SELECT … LIMIT 50`` on the same index, nothing decoded. Target: under 5 ms a page.
* *100 000 reviews on opening*: ``SqliteStore(path)`` ready to search (its catalogue of
  20 000 offers indexed) on a file with 100 000 reviews of those offers, whose ratings the
  index then carries, against the peer: the same file without reviews. Target: under 0.5 s
  more.

The rows are written with ``executemany`` from one real folder (review) encoded once, its ids
changed, so that the set-up does not dominate the run. Times are wall-clock medians of the
repeats, with the CPU time of this process beside them.
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
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from formation.adapters.codec import to_data
from formation.adapters.sqlite import SqliteStore, _booking_text
from formation.bookings import BookingStatus, request
from formation.ids import AccountId, BookingId, HolderId, OfferId, OrganismId, ReviewId, SessionId
from formation.money import Euros
from formation.query import Query, Sort
from formation.reviews import Review, Scores
from formation.testing.catalog import synthetic_catalog

_PARIS = ZoneInfo("Europe/Paris")
_STATUSES = (BookingStatus.NOT_PROCESSED, BookingStatus.VALIDATED, BookingStatus.ACCEPTED)


def _median(samples: list[float]) -> float:
    return statistics.median(samples)


def _organism(n: int) -> str:
    return f"{n:014d}"


def _fill_folders(path: Path, folders: int, organisms: int) -> None:
    template = request(BookingId("FXXXXXXXXX"), holder_id=HolderId("HXXXXXXXXX"),
                       account_id=AccountId("AXXXXXXXXX"), organism_id=OrganismId("O" * 14),
                       offer_id=OfferId("OF1"), session_id=SessionId("S1"),
                       price=Euros.whole(900), requested_at=datetime(2026, 3, 2, 9,
                                                                     tzinfo=_PARIS))
    text = _booking_text(template)
    SqliteStore(path, durable=False, index_catalog=False).close()
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA synchronous = OFF")
        batch = []
        for n in range(folders):
            folder, holder, organism = f"F{n:09d}", f"H{n:09d}", _organism(n % organisms)
            row_text = (text.replace("FXXXXXXXXX", folder).replace("HXXXXXXXXX", holder)
                        .replace("AXXXXXXXXX", f"A{n:09d}").replace("O" * 14, organism))
            batch.append((folder, holder, organism, "notProcessed", 1, row_text))
            if len(batch) == 50_000:
                raw.executemany("INSERT INTO bookings (booking_id, holder_id, organism_id, "
                                "status, version, data) VALUES (?, ?, ?, ?, ?, ?)", batch)
                batch.clear()
        raw.executemany("INSERT INTO bookings (booking_id, holder_id, organism_id, status, "
                        "version, data) VALUES (?, ?, ?, ?, ?, ?)", batch)
        # a third in each waiting state, so that the status filter has work to do
        raw.execute("UPDATE bookings SET status = CASE CAST(substr(booking_id, 2) AS INTEGER)"
                    " % 3 WHEN 0 THEN 'notProcessed' WHEN 1 THEN 'terminated' ELSE "
                    "'inTraining' END")
    raw.close()


def bench_inbox(folder: Path, folders: int, organisms: int, repeat: int) -> None:
    print(f"\n1. An organism's inbox page of 50 among {folders:,} folders of {organisms:,} "
          "organisms")
    path = folder / "inbox.db"
    start = time.perf_counter()
    _fill_folders(path, folders, organisms)
    print(f"   (set-up: {time.perf_counter() - start:.1f} s, "
          f"{path.stat().st_size / 1e6:,.0f} MB)")
    organism = OrganismId(_organism(organisms // 2))
    waiting = [BookingStatus.NOT_PROCESSED, BookingStatus.IN_TRAINING]
    ours: dict[str, list[float]] = {"first": [], "tenth": []}
    cpu: dict[str, list[float]] = {"first": [], "tenth": []}
    peer: dict[str, list[float]] = {"first": [], "tenth": []}
    after_tenth: BookingId | None = None
    with SqliteStore(path, index_catalog=False) as warm, warm.unit_of_work() as uow:
        after = None
        for _ in range(9):
            after = uow.bookings.find(organism_id=organism, statuses=waiting, limit=50,
                                      after=after)[-1].booking_id
        after_tenth = after
    for _ in range(repeat):
        for name, after in (("first", None), ("tenth", after_tenth)):
            with SqliteStore(path, index_catalog=False) as store:  # nothing decoded yet
                start, start_cpu = time.perf_counter(), time.process_time()
                with store.unit_of_work() as uow:
                    page = uow.bookings.find(organism_id=organism, statuses=waiting,
                                             limit=50, after=after)
                ours[name].append(time.perf_counter() - start)
                cpu[name].append(time.process_time() - start_cpu)
                assert len(page) == 50
            with sqlite3.connect(path) as raw:
                start = time.perf_counter()
                rows = raw.execute(
                    "SELECT booking_id, version, data FROM bookings WHERE status IN (?, ?) "
                    "AND organism_id = ? AND booking_id > ? ORDER BY booking_id LIMIT 50",
                    (*(s.value for s in waiting), organism, after or "")).fetchall()
                peer[name].append(time.perf_counter() - start)
                assert [r[0] for r in rows] == [b.booking_id for b in page]
            raw.close()
    for name in ("first", "tenth"):
        a, b = _median(ours[name]), _median(peer[name])
        print(f"   {name} page, find() and decode  {a * 1e3:>7.2f} ms  "
              f"({_median(cpu[name]) * 1e3:.2f} ms of CPU)")
        print(f"   {name} page, bare SELECT        {b * 1e3:>7.2f} ms  (peer: nothing decoded)")
        print(f"   ratio                          {a / b:>7.1f} × the peer's time")


def bench_reviews(folder: Path, reviews: int, offers_wanted: int, repeat: int) -> None:
    print(f"\n2. Opening a store of {offers_wanted:,} offers with {reviews:,} reviews")
    offers, sessions = synthetic_catalog(int(offers_wanted * 2.2), seed=7)
    offers = offers[:offers_wanted]
    kept = {o.offer_id for o in offers}
    sessions = tuple(s for s in sessions if s.offer_id in kept)
    plain, rated = folder / "plain.db", folder / "rated.db"
    for path in (plain, rated):
        with SqliteStore(path, durable=False) as store:
            store.save_catalog(offers, sessions)
    sample = Review(ReviewId("R"), BookingId("F"), HolderId("H"), OfferId("O"),
                    OrganismId("78959578200051"), Scores.uniform(4),
                    datetime(2026, 6, 1, 9, tzinfo=_PARIS))
    data = to_data(sample)
    rows = []
    for n in range(reviews):
        offer = offers[n % len(offers)]
        scores = [1 + (n * k) % 5 for k in (1, 2, 3, 5, 7)]
        data.update(review_id=f"R{n:07d}", booking_id=f"F{n:07d}", holder_id=f"H{n:07d}",
                    offer_id=offer.offer_id, organism=offer.organism.siret,
                    scores=dict(zip(("welcome", "content", "training_team", "resources",
                                     "support"), scores, strict=True)))
        rows.append((data["review_id"], data["booking_id"], data["holder_id"], offer.offer_id,
                     offer.organism.siret, *scores, 1, 1, json.dumps(data)))
    with sqlite3.connect(rated) as raw:
        raw.executemany("INSERT INTO reviews (review_id, booking_id, holder_id, offer_id, "
                        "organism, welcome, content, training_team, resources, support, "
                        "version, change, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        rows)
        raw.execute("UPDATE counters SET value = 1 WHERE name = 'ratings'")
    raw.close()
    query = Query(text="anglais", sort=Sort.RATING)
    times: dict[Path, list[float]] = {plain: [], rated: []}
    cpu: dict[Path, list[float]] = {plain: [], rated: []}
    for _ in range(repeat):
        for path in (plain, rated):
            start, start_cpu = time.perf_counter(), time.process_time()
            with SqliteStore(path) as store:
                store.catalog.search(query)
                times[path].append(time.perf_counter() - start)
                cpu[path].append(time.process_time() - start_cpu)
                if path is rated:
                    assert store.catalog.rating(offers[0].offer_id)[1] > 0
    a, b = _median(times[rated]), _median(times[plain])
    print(f"   with the reviews     {a:>7.2f} s  ({_median(cpu[rated]):.2f} s of CPU)")
    print(f"   without (peer)       {b:>7.2f} s  ({_median(cpu[plain]):.2f} s of CPU)")
    print(f"   the reviews add      {a - b:>7.2f} s  "
          f"({_median(cpu[rated]) - _median(cpu[plain]):.2f} s of CPU)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller, faster run")
    parser.add_argument("--repeat", type=int, default=None, help="repeats (default 3, quick 1)")
    parser.add_argument("--only", choices=("inbox", "reviews"), default=None)
    args = parser.parse_args(argv)
    repeat = args.repeat or (1 if args.quick else 3)
    with tempfile.TemporaryDirectory(prefix="bench-records-",
                                     dir=os.environ.get("BENCH_DIR")) as tmp:
        folder = Path(tmp)
        print(f"bench_store_records ({'quick' if args.quick else 'full'} run), files in "
              f"{folder}, Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}")
        if args.only in (None, "inbox"):
            bench_inbox(folder, 100_000 if args.quick else 1_000_000,
                        100 if args.quick else 1_000, repeat)
        if args.only in (None, "reviews"):
            bench_reviews(folder, 10_000 if args.quick else 100_000,
                          2_000 if args.quick else 20_000, repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
