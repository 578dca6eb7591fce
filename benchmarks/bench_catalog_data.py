"""Catalogue data: the synthetic generator and the open-data importer, against their floors.

Run: ``.venv/bin/python benchmarks/bench_catalog_data.py`` (``--quick`` for a smaller run).

- ``synthetic_catalog(n, seed)`` (validated ``Offer``/``Session`` records) against the team's
  reference generator ``shared/bench/gen_catalog.py`` (plain namedtuples, no validation), same
  ``n``, same process, when that file is present; and the memory the records take per session
  (the growth of the resident memory, offers, organisms and places included).
- ``load_open_data_catalog`` on the real export rows (``shared/data``, else the packaged sample)
  repeated to ``--rows`` rows, against ``csv.DictReader`` reading the same text (the floor: parse
  only, no mapping nor validation). Medians of ``--rounds`` runs.
"""

from __future__ import annotations

import argparse
import csv
import gc
import importlib.util
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from formation.adapters.opendata import load_open_data_catalog
from formation.testing import synthetic_catalog

SHARED = Path(__file__).resolve().parents[2] / "shared"
TARGET_SYNTHETIC_S = 30.0  # 1 000 000 sessions well under 30 s


def resident_bytes() -> int:
    """This process's resident memory (Linux ``/proc/self/statm``)."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def median_seconds(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def reference_generator() -> ModuleType | None:
    path = SHARED / "bench" / "gen_catalog.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("gen_catalog", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def export_text(rows: int) -> str:
    """The real export rows (header once), repeated until ``rows`` rows."""
    path = SHARED / "data" / "mcf_catalogue_sample_rs_full.csv"
    if path.exists():
        with path.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
    else:
        from importlib.resources import files

        with files("formation").joinpath("data").joinpath("mcf_sample.csv").open(
                "r", encoding="utf-8", newline="") as handle:
            text = handle.read()
    header, *records = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    numero = header.index("numero_formation")
    for index in range(rows):
        record = list(records[index % len(records)])
        if record[numero]:  # distinct offers, so that the import keeps every row
            record[numero] = f"{record[numero]}-{index // len(records)}"
        writer.writerow(record)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 000 sessions, 10 000 rows")
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    n = 100_000 if args.quick else args.sessions
    rows = 10_000 if args.quick else args.rows

    print(f"Python {sys.version.split()[0]}; {n:,} sessions, {rows:,} export rows, "
          f"median of {args.rounds}")
    gc.collect()
    before = resident_bytes()
    offers, sessions = synthetic_catalog(n, seed=42)
    gc.collect()
    grown = resident_bytes() - before
    print(f"records: {len(offers):,} offers, {len(sessions):,} sessions, RSS growth "
          f"{grown / len(sessions):.0f} bytes per session (offers, organisms, places included)")
    del offers, sessions
    gc.collect()
    ours = median_seconds(lambda: synthetic_catalog(n, seed=42), args.rounds)
    reference = reference_generator()
    line = f"synthetic_catalog({n:,}): {ours:.2f} s"
    if reference is not None:
        theirs = median_seconds(lambda: reference.generate(n, seed=42), args.rounds)
        line += f"; gen_catalog.generate: {theirs:.2f} s; ours/reference {ours / theirs:.2f}"
    print(line)

    text = export_text(rows)
    imported = median_seconds(lambda: load_open_data_catalog(io.StringIO(text)), args.rounds)
    parsed = median_seconds(lambda: list(csv.DictReader(io.StringIO(text, newline=""))),
                            args.rounds)
    result = load_open_data_catalog(io.StringIO(text))
    if result.rows != rows or result.rejected:
        raise SystemExit(f"the import lost rows: {result.rows} {result.rejected[:3]}")
    print(f"load_open_data_catalog({rows:,} rows): {imported:.3f} s "
          f"({imported / rows * 1e6:.1f} µs a row); csv.DictReader alone: {parsed:.3f} s; "
          f"ratio {imported / parsed:.1f}")
    if n == 1_000_000:
        verdict = "met" if ours < TARGET_SYNTHETIC_S else "MISSED"
        print(f"target: 1 000 000 sessions under {TARGET_SYNTHETIC_S:.0f} s: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
