"""Catalogue search: our in-memory ``CatalogIndex`` against an indexed in-memory SQLite database.

Run: ``.venv/bin/python benchmarks/bench_search.py`` (1 000 000 sessions) or ``--quick``
(100 000). Both sides get the same sessions from ``formation.testing.synthetic_catalog`` (with
``synthetic_ratings``), in the same process, and answer the same four queries:

- Q1: region 11 + start between 2027-03-01 and 2027-05-31 + price at most 1 500 €, by price,
  first page of 20;
- Q2: the word "anglais" + distance modality, by rating (the ranking score, a Bayesian average
  of the mean and count with ``formation.reviews.DEFAULT_PRIOR``, then the count), first page
  of 20;
- Q3: Formacode 15234 + region 84 + start in 2027, the total count and the first page (by start
  date);
- Q4: the number of sessions per region for the word "anglais".

SQLite holds one row per session (the offer's fields copied in, as a careful engineer would
denormalize for reads), a row per (session, Formacode) for the theme filter, the composite
indexes these queries need, and an FTS5 table over the titles. Our side answers with
``CatalogIndex.search(Query(...))``; for Q1 and Q2 the total is not read, as SQLite's
``LIMIT 20`` query does not count either (``SearchResults.total`` is counted when read); a
"Q1+count" line compares both sides with the count as well. A page is the whole row on the
SQLite side (the session with its offer's fields), as our hits carry the records; Q1 reads the
(region, price, session id, start) index in order (``INDEXED BY``: left alone, the planner
takes the (region, start) index and sorts every row of the date range).

Prints each median, the ratio ours/SQLite (below 1 means faster), the build times and the
memory our index adds per session (RSS growth while building it).
"""

from __future__ import annotations

import argparse
import gc
import sqlite3
import statistics
import time
from collections.abc import Callable
from datetime import date
from fractions import Fraction

import attrs

from formation import Euros, Modality
from formation.catalog.search import CatalogIndex, Hit, Query, SearchResults, Sort
from formation.reviews import DEFAULT_PRIOR, bayesian_average
from formation.testing.catalog import synthetic_catalog, synthetic_ratings


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    import os

    return pages * os.sysconf("SC_PAGE_SIZE")


def medians_ms(ours: Callable[[], object], theirs: Callable[[], object],
               repeat: int) -> tuple[float, float]:
    """The median wall time of each, in ms, the two run in turn so that a change in the load
    of the machine weighs on both alike."""
    ours()  # warm the caches
    theirs()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for run, found in ((ours, times[0]), (theirs, times[1])):
            start = time.perf_counter()
            run()
            found.append(time.perf_counter() - start)
    return statistics.median(times[0]) * 1000, statistics.median(times[1]) * 1000


def ranking_score(mean: float | None, count: int) -> float | None:
    """The ranking score of a synthetic rating: the Bayesian average with the documented prior
    (mean 4.6 worth 10 reviews), exactly as the index works it out."""
    if mean is None or count == 0:
        return None
    return float(bayesian_average(Fraction(mean), count, DEFAULT_PRIOR))


def build_sqlite(offers, sessions, ratings):  # type: ignore[no-untyped-def]
    by_id = {o.offer_id: o for o in offers}
    scores = {k: ranking_score(r.mean, r.count) for k, r in ratings.items()}
    rows = []
    theme_rows = []
    for rowid, s in enumerate(sessions, start=1):
        o = by_id[s.offer_id]
        r = ratings[o.offer_id]
        place = s.place
        rows.append((
            rowid, s.session_id, o.offer_id, o.title, o.formacodes[0],
            place.region if place else None, place.department if place else None,
            o.modality.value, s.start.toordinal() if s.start else None,
            s.price_of(o).cents, o.duration_hours, r.mean, r.count, scores[o.offer_id],
        ))
        for code in o.formacodes:
            theme_rows.append((code, place.region if place else None,
                               s.start.toordinal() if s.start else None, rowid))
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    db = sqlite3.connect(":memory:")
    db.executescript("""
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY, session_id TEXT NOT NULL UNIQUE, offer_id TEXT NOT NULL,
            title TEXT NOT NULL, formacode TEXT, region TEXT, department TEXT, modality TEXT,
            start_date INTEGER, price_cents INTEGER, duration_hours INTEGER,
            rating_avg REAL, rating_count INTEGER, rating_score REAL);
        CREATE TABLE session_formacodes (
            formacode TEXT, region TEXT, start_date INTEGER, id INTEGER);
    """)
    db.executemany("INSERT INTO sessions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.executemany("INSERT INTO session_formacodes VALUES (?,?,?,?)", theme_rows)
    db.executescript("""
        CREATE INDEX s_region_start ON sessions (region, start_date);
        CREATE INDEX s_region_price ON sessions (region, price_cents, session_id, start_date);
        CREATE INDEX s_modality_rating ON sessions (modality, rating_score, rating_count);
        CREATE INDEX sf_code_region_start ON session_formacodes (formacode, region, start_date, id);
        CREATE VIRTUAL TABLE titles USING fts5 (title, content='sessions', content_rowid='id');
        INSERT INTO titles (titles) VALUES ('rebuild');
        ANALYZE;
    """)
    db.commit()
    return db, time.perf_counter() - start, time.process_time() - cpu


# a page shows the session with its offer: SQLite returns the whole row, as we return records
_ROW = ("s.session_id, s.offer_id, s.title, s.formacode, s.region, s.department, s.modality, "
        "s.start_date, s.price_cents, s.duration_hours, s.rating_avg, s.rating_count, s.rating_score")
SQL = {
    # the planner prefers (region, start_date) then sorts; read in price order, it stops at 20
    "Q1": (f"SELECT {_ROW} FROM sessions s INDEXED BY s_region_price WHERE region = ? "
           "AND start_date BETWEEN ? AND ? AND price_cents <= ? "
           "ORDER BY price_cents, session_id LIMIT 20"),
    "Q1count": ("SELECT count(*) FROM sessions WHERE region = ? AND start_date BETWEEN ? AND ? "
                "AND price_cents <= ?"),
    "Q2": (f"SELECT {_ROW} FROM titles JOIN sessions s ON s.id = titles.rowid "
           "WHERE titles MATCH 'anglais' AND s.modality = 'distanciel' "
           "ORDER BY s.rating_score IS NULL, s.rating_score DESC, s.rating_count DESC, "
           "s.start_date, s.session_id LIMIT 20"),
    "Q3count": ("SELECT count(*) FROM session_formacodes WHERE formacode = ? AND region = ? "
                "AND start_date BETWEEN ? AND ?"),
    "Q3page": (f"SELECT {_ROW} FROM session_formacodes f JOIN sessions s ON s.id = f.id "
               "WHERE f.formacode = ? AND f.region = ? AND f.start_date BETWEEN ? AND ? "
               "ORDER BY f.start_date, s.session_id LIMIT 20"),
    "Q4": ("SELECT s.region, count(*) FROM titles JOIN sessions s ON s.id = titles.rowid "
           "WHERE titles MATCH 'anglais' GROUP BY s.region"),
}


def _total_and_page(results: SearchResults) -> tuple[int, tuple[Hit, ...]]:
    return results.total, results.hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 000 sessions instead of 1 000 000")
    parser.add_argument("--n", type=int, default=None, help="number of sessions")
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--builds", type=int, default=2, help="builds of each side, in turn")
    args = parser.parse_args()
    n = args.n or (100_000 if args.quick else 1_000_000)

    start = time.perf_counter()
    offers, sessions = synthetic_catalog(n, seed=42)
    ratings = synthetic_ratings(offers, seed=42)
    print(f"{n:,} sessions, {len(offers):,} offers generated in "
          f"{time.perf_counter() - start:.1f} s")

    ratings_held = {k: (r.mean, r.count, ranking_score(r.mean, r.count))
                    for k, r in ratings.items()}
    gc.collect()
    before = rss_bytes()
    start, cpu = time.perf_counter(), time.process_time()
    index = CatalogIndex(offers, sessions, ratings=ratings_held)
    ours_wall, ours_cpu = [time.perf_counter() - start], [time.process_time() - cpu]
    gc.collect()
    grown = rss_bytes() - before
    print(f"our index: RSS +{grown / 2**20:.0f} MiB = {grown / n:.0f} bytes per session")
    db, sqlite_build, sqlite_cpu = build_sqlite(offers, sessions, ratings)
    sqlite_wall, sqlite_cpus = [sqlite_build], [sqlite_cpu]
    for _ in range(args.builds - 1):  # in turn, so that the load of the machine hits both
        start, cpu = time.perf_counter(), time.process_time()
        CatalogIndex(offers, sessions, ratings=ratings_held)
        ours_wall.append(time.perf_counter() - start)
        ours_cpu.append(time.process_time() - cpu)
        gc.collect()
        other, wall, spent = build_sqlite(offers, sessions, ratings)
        other.close()
        sqlite_wall.append(wall)
        sqlite_cpus.append(spent)
    print(f"build, best of {args.builds} in turn: ours {min(ours_wall):.2f} s "
          f"({min(ours_cpu):.2f} s of CPU), SQLite insert + indexes + FTS5 "
          f"{min(sqlite_wall):.2f} s ({min(sqlite_cpus):.2f} s of CPU); ratio ours/SQLite "
          f"{min(ours_wall) / min(sqlite_wall):.2f} (CPU {min(ours_cpu) / min(sqlite_cpus):.2f})")

    d = date.fromordinal
    q1 = Query(regions=("11",), start_from=date(2027, 3, 1), start_until=date(2027, 5, 31),
               price_max=Euros.whole(1500), sort=Sort.PRICE_ASC)
    q1_args = ("11", date(2027, 3, 1).toordinal(), date(2027, 5, 31).toordinal(), 150_000)
    q2 = Query(text="anglais", modalities=(Modality.DISTANCE,), sort=Sort.RATING)
    q3 = Query(formacodes=("15234",), regions=("84",), start_from=date(2027, 1, 1),
               start_until=date(2027, 12, 31))
    q3_args = ("15234", "84", date(2027, 1, 1).toordinal(), date(2027, 12, 31).toordinal())
    q4 = Query(text="anglais", facets=("region",))
    del d

    def sql(name: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        return db.execute(SQL[name], params).fetchall()

    def q1_count() -> int:
        return index.search(q1).total

    cases: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
        ("Q1", lambda: index.search(q1).hits, lambda: sql("Q1", q1_args)),
        ("Q1+count", lambda: (index.search(q1).total),
         lambda: (sql("Q1", q1_args), sql("Q1count", q1_args))),
        ("Q2", lambda: index.search(q2).hits, lambda: sql("Q2")),
        ("Q3", lambda: _total_and_page(index.search(q3)),
         lambda: (sql("Q3count", q3_args), sql("Q3page", q3_args))),
        ("Q4", lambda: index.search(q4).facets, lambda: sql("Q4")),
    ]
    # the same answers on both sides
    ours1 = [h.session.session_id for h in index.search(q1).hits]
    assert ours1 == [r[0] for r in sql("Q1", q1_args)], "Q1 differs"
    assert index.search(q1).total == sql("Q1count", q1_args)[0][0], "Q1 count differs"
    ours3 = index.search(q3)
    assert ours3.total == sql("Q3count", q3_args)[0][0], "Q3 count differs"
    assert [h.session.session_id for h in ours3.hits] == [r[0] for r in sql("Q3page", q3_args)]
    ours2 = [h.session.session_id for h in index.search(q2).hits]
    theirs2 = [r[0] for r in sql("Q2")]
    ours4 = dict(index.search(q4).facets["region"])
    theirs4 = {r: c for r, c in sql("Q4") if r is not None}
    print(f"Q2 same page: {ours2 == theirs2}; Q4 same counts: {ours4 == theirs4} "
          "(our text also searches certification and organism names)")

    print("\nSQLite plans:")
    for name, params in (("Q1", q1_args), ("Q1count", q1_args), ("Q2", ()), ("Q3count", q3_args),
                         ("Q3page", q3_args), ("Q4", ())):
        plan = db.execute("EXPLAIN QUERY PLAN " + SQL[name], params).fetchall()
        print(f"  {name}: " + "; ".join(row[3] for row in plan))

    print(f"\n{'query':<9} {'ours ms':>10} {'SQLite ms':>10} {'ratio':>7}")
    for name, ours, theirs in cases:
        a, b = medians_ms(ours, theirs, args.repeat)
        print(f"{name:<9} {a:>10.3f} {b:>10.3f} {a / b:>7.2f}")
    del q1_count

    # keeping the index up to date: a rating, and a session added then removed
    offer = offers[len(offers) // 2]
    spare = sessions[len(sessions) // 2]
    moved = attrs.evolve(spare, session_id="S-bench-extra")
    count = 200
    given = [(4.0 + (k % 10) / 10, 10 + k) for k in range(count)]
    given_scores = [ranking_score(mean, n) for mean, n in given]
    start = time.perf_counter()
    for (mean, n), score in zip(given, given_scores, strict=True):  # as ReviewBook.feeding does
        index.set_rating(offer.offer_id, mean, n, score)
    rating_us = (time.perf_counter() - start) / count * 1e6
    start = time.perf_counter()
    for mean, n in given:  # the index works the ranking score out
        index.set_rating(offer.offer_id, mean, n)
    rating_worked_us = (time.perf_counter() - start) / count * 1e6
    start = time.perf_counter()
    for _ in range(count):
        index.add(sessions=[moved])
        index.remove(session_ids=[moved.session_id])
    add_remove_us = (time.perf_counter() - start) / count * 1e6
    start = time.perf_counter()
    for _ in range(count):
        index.replace(offers=[offer])
    replace_us = (time.perf_counter() - start) / count * 1e6
    print(f"\nset_rating: {rating_us:.1f} µs with the ranking score given, "
          f"{rating_worked_us:.1f} µs worked out from mean and count; "
          f"add + remove a session: {add_remove_us:.0f} µs; "
          f"replace an offer ({len(index.sessions_of(offer.offer_id))} sessions): "
          f"{replace_us:.0f} µs")


if __name__ == "__main__":
    main()
