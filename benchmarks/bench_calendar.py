"""Business-day arithmetic: formation against numpy and workalendar, same dates, same process.

Run: ``.venv/bin/python benchmarks/bench_calendar.py`` (``--quick`` for a smaller run).

On the same random dates (2000–2100, seeded) and offsets (10 and 250 business days) it times,
per call with dates in and out:

- ``BusinessCalendar().add_business_days(day, n)`` and ``count_business_days(day, end)``;
- ``numpy.busday_offset`` / ``numpy.busday_count`` on one ``datetime64`` scalar, with the same
  metropolitan holidays loaded in a ``numpy.busdaycalendar`` (``.item()`` gives the date back);
- workalendar's ``France().add_working_days(day, n)`` (on the first dates only: it walks day by
  day, so the whole set would take minutes; ``--full`` runs it on every date).

Calls are timed in batches of 1 000, each library over all the dates in turn, for several rounds;
the figure printed is the median over batches of the time per call, in CPU time of the thread (``time.thread_time``, so
that the other processes of a shared machine do not count; ``--wall`` for wall-clock time).
It also times a cold calendar (the first call for each territory, in a fresh interpreter) and
checks that the three libraries agree where their conventions meet (a start that is a business
day).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta

import numpy as np
from workalendar.europe import France

from formation import BusinessCalendar, Territory

TARGET_NUMPY = 4.0  # ours at most a quarter of numpy's per-call time
TARGET_WORKALENDAR = 50.0  # ours at least 50 times faster than workalendar
TARGET_COLD_MS = 50.0
# CPU time of this thread: the time the other processes of a shared machine take is not counted
# (their effect on the caches still is); --wall for wall-clock time
CLOCK = time.thread_time


def per_call(runners: Sequence[Callable[[int, int], None]], size: int, batch: int,
             rounds: int) -> list[float]:
    """Median seconds per call of each runner over batches; ``runner(lo, hi)`` makes the calls
    lo..hi-1. Each round runs every runner over all the dates in turn (a runner's batches in a
    row, so each is measured in its steady state, its tables in the processor's caches)."""
    samples: list[list[float]] = [[] for _ in runners]
    for _ in range(rounds):
        for runner, found in zip(runners, samples, strict=True):
            for lo in range(0, size, batch):
                hi = min(lo + batch, size)
                start = CLOCK()
                runner(lo, hi)
                found.append((CLOCK() - start) / (hi - lo))
    return [statistics.median(found) for found in samples]


def cold_start_ms(territory: Territory) -> tuple[float, float]:
    """Milliseconds (wall, CPU) of the first call for ``territory`` in a fresh interpreter,
    import excluded."""
    code = (
        "import time; from datetime import date\n"
        "from formation import BusinessCalendar, Territory\n"
        "w, c = time.perf_counter(), time.thread_time()\n"
        f"BusinessCalendar(Territory.{territory.name}).add_business_days(date(2026, 1, 2), 10)\n"
        "print((time.perf_counter() - w) * 1000, (time.thread_time() - c) * 1000)\n"
    )
    wall, cpu = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                               text=True).stdout.split()
    return float(wall), float(cpu)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 000 dates, fewer rounds")
    parser.add_argument("--full", action="store_true",
                        help="run workalendar on every date (minutes)")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--wall", action="store_true",
                        help="time with the wall clock instead of this thread's CPU time")
    args = parser.parse_args(argv)
    if args.wall:
        global CLOCK
        CLOCK = time.perf_counter

    size = 10_000 if args.quick else 100_000
    rounds = 2 if args.quick else 5
    wk_size = size if args.full else (300 if args.quick else 2_000)
    rng = random.Random(args.seed)
    first, last = date(2000, 1, 1).toordinal(), date(2100, 12, 31).toordinal()
    days = [date.fromordinal(rng.randint(first, last)) for _ in range(size)]

    ours = BusinessCalendar()
    holidays = [d for y in range(1950, 2201) for d in ours.holidays(y)]
    busdaycal = np.busdaycalendar(weekmask="1111100",
                                  holidays=np.array(holidays, dtype="datetime64[D]"))
    workalendar = France()
    busday_offset, busday_count, datetime64 = np.busday_offset, np.busday_count, np.datetime64

    print(f"{size} random dates 2000–2100 (seed {args.seed}); workalendar on the first "
          f"{wk_size}; median {'wall' if args.wall else 'CPU'} time per call over batches, "
          f"{rounds} rounds")
    print(f"{'operation':<34}{'formation':>12}{'numpy':>12}{'workalendar':>14}"
          f"{'numpy/ours':>12}{'wk/ours':>10}")
    failures = []
    add = ours.add_business_days
    count = ours.count_business_days
    for n in (10, 250):
        ends = [add(d, n) for d in days]

        def ours_add(lo: int, hi: int, n: int = n) -> None:
            for d in days[lo:hi]:
                add(d, n)

        def numpy_add(lo: int, hi: int, n: int = n) -> None:
            for d in days[lo:hi]:
                busday_offset(datetime64(d, "D"), n, roll="forward",
                              busdaycal=busdaycal).item()

        def ours_count(lo: int, hi: int, ends: list[date] = ends) -> None:
            for d, e in zip(days[lo:hi], ends[lo:hi], strict=True):
                count(d, e)

        def numpy_count(lo: int, hi: int, ends: list[date] = ends) -> None:
            for d, e in zip(days[lo:hi], ends[lo:hi], strict=True):
                int(busday_count(datetime64(d, "D"), datetime64(e, "D"), busdaycal=busdaycal))

        def wk_add(lo: int, hi: int, n: int = n) -> None:
            for d in days[lo:hi]:
                workalendar.add_working_days(d, n)

        # agreement where conventions meet: a start that is a business day
        for d in days[:wk_size]:
            if ours.is_business_day(d):
                expected = add(d, n)
                assert busday_offset(datetime64(d, "D"), n, busdaycal=busdaycal).item() == expected
                assert workalendar.add_working_days(d, n) == expected, d
                assert int(busday_count(datetime64(d + timedelta(days=1), "D"),
                                        datetime64(expected + timedelta(days=1), "D"),
                                        busdaycal=busdaycal)) == count(d, expected) == n

        t_add, t_np_add = per_call([ours_add, numpy_add], size, 1_000, rounds)
        # workalendar on its subset; the ratio is against our median over every date
        (t_wk,) = per_call([wk_add], wk_size, 20, 1)
        t_count, t_np_count = per_call([ours_count, numpy_count], size, 1_000, rounds)
        print(f"{f'add_business_days(day, {n})':<34}{t_add * 1e9:>9.0f} ns{t_np_add * 1e9:>9.0f} ns"
              f"{t_wk * 1e6:>11.1f} µs{t_np_add / t_add:>11.1f}x{t_wk / t_add:>9.0f}x")
        print(f"{f'count_business_days (~{n} days)':<34}{t_count * 1e9:>9.0f} ns"
              f"{t_np_count * 1e9:>9.0f} ns{'—':>14}{t_np_count / t_count:>11.1f}x{'—':>10}")
        if t_np_add / t_add < TARGET_NUMPY:
            failures.append(f"add {n}: {t_np_add / t_add:.1f}x numpy, target {TARGET_NUMPY}x")
        if t_np_count / t_count < TARGET_NUMPY:
            failures.append(f"count {n}: {t_np_count / t_count:.1f}x numpy, "
                            f"target {TARGET_NUMPY}x")
        if t_wk / t_add < TARGET_WORKALENDAR:
            failures.append(f"add {n}: {t_wk / t_add:.0f}x workalendar, "
                            f"target {TARGET_WORKALENDAR}x")

    colds = {t: cold_start_ms(t) for t in Territory}
    print("cold calendar (first call, fresh interpreter, import excluded), wall/CPU: "
          + ", ".join(f"{t.value} {w:.1f}/{c:.1f} ms" for t, (w, c) in colds.items()))
    # judged on CPU time: on a shared machine the wall clock also counts the waits for a core
    worst = max((w if args.wall else c) for w, c in colds.values())
    if worst > TARGET_COLD_MS:
        failures.append(f"cold start {worst:.1f} ms, target {TARGET_COLD_MS} ms")
    print("targets: " + ("all met" if not failures else "MISSED: " + "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
