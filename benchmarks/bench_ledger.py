"""Benchmark: a CPF ledger of 1 000 000 entries against SQLite's indexed SUM, in one process.

Run: ``.venv/bin/python benchmarks/bench_ledger.py`` (``--quick`` for 100 000 entries).

The same entries go into a :class:`formation.Ledger` and into an in-memory SQLite table
``entries(account, day, rights, top_ups, held)`` with an index on ``(account, day)``. Measured:

Bulk rates are in CPU time of this process (other processes on the machine do not count);
single queries are timed one by one with the wall clock and reported as medians.

* appends: pre-built entries appended one by one (each checked: duplicates, money available),
  in date order, then the same with 1 % of the credits back-dated; SQLite ``INSERT`` in one
  transaction for comparison;
* the current balance: a repeated read, and a read right after an append (the fold is kept
  incrementally, so neither depends on the length);
* a balance as of a random day: ours against ``SELECT SUM(...) WHERE account = ? AND day <= ?``;
* the first balance as of a day after a back-dated append (the prefix sums rebuilt once).

Targets (issue 4): current balance < 1 µs, as-of balance < 20 µs and ≥ 20× faster than SQLite,
appends > 200 000 a second.
"""

from __future__ import annotations

import argparse
import gc
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

from formation import Entry, EntryKind, Euros, Funder, Ledger, Source
from formation.ids import BookingId, EntryId

START = date(2015, 1, 1)


def build_entries(n: int, per_day: int = 200, back_dated: float = 0.0,
                  seed: int = 4) -> list[Entry]:
    """``n`` valid entries in groups of six on the same day, with a top-up now and then.

    A group: a credit of 10 €, a hold of 5 € for a booking, its release, a hold of 3 €, then the
    booking's settlement (release 3 €, debit 3 €). With ``back_dated``, that share of the credits
    is dated up to two years earlier (credits may be back-dated; spending may not).
    """
    rng = random.Random(seed)
    entries: list[Entry] = []
    days = [START + timedelta(days=k) for k in range(n // per_day + 2)]
    group = 0
    hold5, hold3 = Euros(500), Euros(300)
    while len(entries) < n:
        day = days[len(entries) // per_day]
        booking = BookingId(f"B{group}")
        g = f"g{group}"
        credit_day = day
        if back_dated and rng.random() < back_dated:
            credit_day = max(START, day - timedelta(days=rng.randrange(1, 730)))
        entries.append(Entry(EntryId(g + "c"), EntryKind.ANNUAL_CREDIT, Euros(1000), credit_day,
                             Source.RIGHTS))
        entries.append(Entry(EntryId(g + "h1"), EntryKind.HOLD, hold5, day, booking=booking))
        entries.append(Entry(EntryId(g + "r1"), EntryKind.RELEASE, hold5, day, booking=booking))
        entries.append(Entry(EntryId(g + "h2"), EntryKind.HOLD, hold3, day, booking=booking))
        entries.append(Entry(EntryId(g + "r2"), EntryKind.RELEASE, hold3, day, booking=booking))
        entries.append(Entry(EntryId(g + "d"), EntryKind.DEBIT, hold3, day, booking=booking))
        if group % 1000 == 0:
            entries.append(Entry(EntryId(g + "t"), EntryKind.TOP_UP, Euros(300_00), day,
                                 Funder.OPCO))
        group += 1
    return entries[:n]


def sqlite_rows(entries: list[Entry]) -> list[tuple[str, int, int, int, int]]:
    rows = []
    for e in entries:
        c = e.amount.cents
        if e.kind is EntryKind.HOLD:
            row = (0, 0, c)
        elif e.kind is EntryKind.RELEASE:
            row = (0, 0, -c)
        elif e.kind is EntryKind.DEBIT:
            row = (-c, 0, 0)
        elif e.kind.is_top_up:
            row = (0, c, 0)
        else:
            row = (c, 0, 0)
        rows.append(("A1", e.effective.toordinal(), *row))
    return rows


# Bulk timings use the process's CPU time, so that other processes sharing the machine do not
# inflate them; single calls are timed with the wall clock and summarised by their median.
cpu = time.process_time


def per_call(fn: Callable[[], object], calls: int, repeats: int = 5) -> float:
    """Median CPU seconds per call of ``fn`` over ``repeats`` runs of ``calls`` calls."""
    results = []
    for _ in range(repeats):
        t0 = cpu()
        for _ in range(calls):
            fn()
        results.append((cpu() - t0) / calls)
    return statistics.median(results)


def median_each(fn: Callable[[date], object], days: list[date]) -> float:
    """Median seconds of ``fn(day)`` over the days, each timed alone."""
    times = []
    clock = time.perf_counter
    for day in days:
        t0 = clock()
        fn(day)
        times.append(clock() - t0)
    return statistics.median(times)


def fmt(seconds: float) -> str:
    if seconds < 1e-6:
        return f"{seconds * 1e9:,.0f} ns"
    if seconds < 1e-3:
        return f"{seconds * 1e6:,.2f} µs"
    return f"{seconds * 1e3:,.2f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 000 entries instead of 1 000 000")
    parser.add_argument("--entries", type=int, default=None)
    args = parser.parse_args(argv)
    n = args.entries or (100_000 if args.quick else 1_000_000)
    rng = random.Random(26)
    print(f"formation ledger benchmark: {n:,} entries, Python {sys.version.split()[0]}")

    t0 = time.perf_counter()
    entries = build_entries(n)
    built = time.perf_counter() - t0
    print(f"  built {n:,} Entry records in {built:.2f} s ({n / built:,.0f} a second)")

    # -- appends ------------------------------------------------------------------------
    gc.collect()
    gc.disable()  # as in a long-running service after warm-up; collections add noise here
    ledger = Ledger()
    append = ledger.append
    t0 = cpu()
    for entry in entries:
        append(entry)
    ours_append = n / (cpu() - t0)
    gc.enable()
    last_day = entries[-1].effective

    backdated_entries = build_entries(min(n, 200_000), back_dated=0.01, seed=5)
    gc.collect()
    gc.disable()
    other = Ledger()
    t0 = cpu()
    for entry in backdated_entries:
        other.append(entry)
    ours_append_back = len(backdated_entries) / (cpu() - t0)
    gc.enable()
    del other, backdated_entries

    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE entries (account TEXT, day INTEGER, rights INTEGER, "
               "top_ups INTEGER, held INTEGER)")
    db.execute("CREATE INDEX entries_account_day ON entries (account, day)")
    rows = sqlite_rows(entries)
    t0 = cpu()
    with db:
        db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?)", rows)
    sqlite_append = n / (cpu() - t0)
    del rows

    # -- current balance ----------------------------------------------------------------
    balance = ledger.balance
    current_cached = per_call(balance, 1_000_000 if not args.quick else 200_000)
    extra = build_entries(60_000, seed=7)
    shift = timedelta(days=(last_day - START).days + 1)
    extra = [Entry(EntryId("x" + e.entry_id), e.kind, e.amount, e.effective + shift, e.source,
                   booking=BookingId("x" + e.booking) if e.booking else None) for e in extra]
    half = len(extra) // 2
    t0 = cpu()
    for entry in extra[:half]:
        append(entry)
    appends_only = (cpu() - t0) / half
    t0 = cpu()
    for entry in extra[half:]:
        append(entry)
        balance()
    current_after_append = max((cpu() - t0) / (len(extra) - half) - appends_only, 0.0)
    sql_current = "SELECT SUM(rights), SUM(top_ups), SUM(held) FROM entries WHERE account = ?"
    sqlite_current = per_call(lambda: db.execute(sql_current, ("A1",)).fetchone(), 3, 3)

    # -- balance as of a day --------------------------------------------------------------
    span = (last_day - START).days
    days = [START + timedelta(days=rng.randrange(span)) for _ in range(2_000)]
    ledger.balance(as_of=days[0])  # the index is current after the appends above
    ours_as_of = median_each(lambda d: ledger.balance(as_of=d), days)
    sql = ("SELECT SUM(rights), SUM(top_ups), SUM(held) FROM entries "
           "WHERE account = ? AND day <= ?")
    sample = days[:60] if not args.quick else days[:200]
    sqlite_as_of = median_each(
        lambda d: db.execute(sql, ("A1", d.toordinal())).fetchone(), sample)
    # check both agree
    for d in sample[:20]:
        r, t, h = db.execute(sql, ("A1", d.toordinal())).fetchone()
        b = ledger.balance(as_of=d)
        assert (b.rights.cents, b.top_ups.cents, b.held.cents) == (r or 0, t or 0, h or 0), d

    # -- a back-dated credit, then a dated balance -----------------------------------------
    rebuilds = []
    for k in range(20):
        back = START + timedelta(days=rng.randrange(span))
        append(Entry(EntryId(f"late-{k}"), EntryKind.ANNUAL_CREDIT, Euros(100), back))
        t0 = time.perf_counter()
        ledger.balance(as_of=days[k])
        rebuilds.append(time.perf_counter() - t0)
    first_after_backdate = statistics.median(rebuilds)

    print()
    print(f"{'measure':<52}{'formation':>14}{'SQLite':>14}{'ratio':>13}")
    print(f"{'appends a second (in date order)':<52}{ours_append:>14,.0f}{sqlite_append:>14,.0f}"
          f"{ours_append / sqlite_append:>12.2f}x")
    print(f"{'appends a second (1 % back-dated credits)':<52}{ours_append_back:>14,.0f}")
    print(f"{'current balance (repeated read)':<52}{fmt(current_cached):>14}"
          f"{fmt(sqlite_current):>14}{sqlite_current / current_cached:>12,.0f}x")
    print(f"{'current balance (read after each append)':<52}{fmt(current_after_append):>14}")
    print(f"{'balance as of a random day (median)':<52}{fmt(ours_as_of):>14}"
          f"{fmt(sqlite_as_of):>14}{sqlite_as_of / ours_as_of:>12,.0f}x")
    print(f"{'first as-of balance after a back-dated credit':<52}{fmt(first_after_backdate):>14}")
    print()
    ok = [
        ("current balance < 1 µs", current_cached < 1e-6),
        ("as-of balance < 20 µs", ours_as_of < 20e-6),
        ("as-of ≥ 20x faster than SQLite", sqlite_as_of / ours_as_of >= 20),
        ("appends > 200 000/s", ours_append > 200_000),
    ]
    for label, passed in ok:
        print(f"  {'PASS' if passed else 'MISS'}  {label}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
