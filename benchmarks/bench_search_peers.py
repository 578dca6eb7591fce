"""Catalogue search against three peers: SQLite (indexes + FTS5), DuckDB and tantivy.

Run: ``.venv/bin/python benchmarks/bench_search_peers.py`` (1 000 000 sessions) or ``--quick``
(100 000); ``--n`` for another size, ``--only`` to run the queries whose name holds a word.
Every engine gets the same sessions of ``synthetic_catalog(n, seed=42)`` with
``synthetic_ratings`` in the same process, and answers the same queries, one of each class of
issue 18: a common word, a rare word, two words, a prefix, each with and without filters
(region, department, modality, price bounds, dates, near a point, Formacode, eligibility),
sorted by relevance, price both ways, start date, rating and distance, on page 1 and page 50;
facets with and without a word; the empty query; a count alone.

Before timing, each peer's page (session ids, in order) and count are checked against
``CatalogIndex``; a peer that differs is reported, never timed silently. What the peers are
given so that the answers can be equal: the words of the title, the certification and the
organism's name already folded by ``formation.text`` (one string each, the words one space
apart), each session's eligibility on its start day (the CPF rules are not SQL), the ranking
score of each offer's rating, and for tantivy single sort keys that end with the session's rank
(tantivy orders by one fast field). The text score (3 title, 2 certification, 1 organism, per
word) is a ``CASE`` in SQL; in tantivy a disjunction-max of constant scores, read tier by tier
in start order. Distances are the same haversine in SQL; tantivy filters a box of latitudes and
longitudes, then measures in Python (it has no geographic sort).

Prints, per query, each engine's median in ms, ours over the fastest peer, and the build times;
then our updates (``add``, ``remove``, ``replace``, ``set_rating``) and memory per session.
"""

from __future__ import annotations

import argparse
import csv
import gc
import math
import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from fractions import Fraction
from typing import Any

import attrs
import duckdb
import tantivy

from formation import Euros, Modality
from formation.catalog.eligibility import eligibility_violations
from formation.catalog.search import CatalogIndex, Near, Query, Sort
from formation.catalog.search.geo import EARTH_RADIUS_KM
from formation.reviews import DEFAULT_PRIOR, bayesian_average
from formation.testing.catalog import synthetic_catalog, synthetic_ratings
from formation.text import words

NOSTART = 9_999_999  # the start key of a session without dates, after every real day
RANK_BITS = 21  # a session's rank (by id) fits in 21 bits up to 2 097 151 sessions


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


# -- the rows every peer loads ---------------------------------------------------------------

@attrs.frozen
class Row:
    rank: int  # the session's rank in session-id order: the tie-break of every order
    sid: str
    title: str  # folded words, one space apart
    cert: str
    org: str
    region: str | None
    department: str | None
    modality: str
    registry: str | None
    action: str
    formacodes: tuple[str, ...]
    start: int | None
    price: int
    hours: int | None
    lat: float | None
    lon: float | None
    mean: float | None
    count: int
    score: float | None
    eligible: bool


def make_rows(offers: Sequence[Any], sessions: Sequence[Any],
              ratings: dict[str, Any]) -> list[Row]:
    by_id = {o.offer_id: o for o in offers}
    folded: dict[str, str] = {}

    def fold(text: str) -> str:
        found = folded.get(text)
        if found is None:
            found = folded[text] = " ".join(words(text))
        return found

    verdicts: dict[tuple[str, date], bool] = {}
    rows = []
    for rank, s in enumerate(sorted(sessions, key=lambda s: s.session_id)):
        o = by_id[s.offer_id]
        r = ratings.get(o.offer_id)
        mean, count = (r.mean, r.count) if r is not None else (None, 0)
        place = s.place
        eligible = False
        if s.start is not None:
            key = (o.offer_id, s.start)
            if key not in verdicts:
                verdicts[key] = not eligibility_violations(o, s.start)
            eligible = verdicts[key]
        rows.append(Row(
            rank, s.session_id, fold(o.title),
            fold(o.certification.title) if o.certification else "", fold(o.organism.name),
            place.region if place else None, place.department if place else None,
            o.modality.value, o.certification.registry.value if o.certification else None,
            o.action_type.value, tuple(sorted(set(o.formacodes))),
            s.start.toordinal() if s.start else None, s.price_of(o).cents, o.duration_hours,
            place.latitude if place else None, place.longitude if place else None,
            mean if count else None, count,
            float(bayesian_average(Fraction(mean), count, DEFAULT_PRIOR)) if count else None,
            eligible))
    return rows


def rating_ranks(rows: Sequence[Row]) -> list[int]:
    """Each row's rank in the order of ``Sort.RATING`` (score, count, start, session id)."""
    order = sorted(rows, key=lambda r: (r.count == 0, -(r.score or 0.0), -r.count,
                                        NOSTART if r.start is None else r.start, r.rank))
    ranks = [0] * len(rows)
    for k, row in enumerate(order):
        ranks[row.rank] = k
    return ranks


# -- SQL (SQLite and DuckDB) ------------------------------------------------------------------

def _sql_where(query: Query, dialect: str) -> tuple[list[str], list[object]]:
    """The WHERE clauses and parameters of ``query`` (text included) over table ``s``."""
    clauses: list[str] = []
    params: list[object] = []
    found = query.words
    if found and dialect == "sqlite":  # FTS5 over the three fields: every word, the last a prefix
        match = " AND ".join(f'"{w}"' + ("*" if i == len(found) - 1 else "")
                             for i, w in enumerate(found))
        clauses.append("s.id IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
        params.append(match)
    elif found:
        for i, w in enumerate(found):
            tail = "" if i == len(found) - 1 else " "
            clauses.append("contains(s.words, ?)")
            params.append(f" {w}{tail}")

    def among(column: str, values: Sequence[str]) -> None:
        clauses.append(f"{column} IN ({','.join('?' * len(values))})")
        params.extend(values)

    if query.regions:
        among("s.region", query.regions)
    if query.departments:
        among("s.department", query.departments)
    if query.modalities:
        among("s.modality", [m.value for m in query.modalities])
    if query.registries:
        among("s.registry", [r.value for r in query.registries])
    if query.action_types:
        among("s.action", [a.value for a in query.action_types])
    if query.formacodes:
        if dialect == "sqlite":
            clauses.append(f"s.id IN (SELECT id FROM session_formacodes WHERE formacode IN "
                           f"({','.join('?' * len(query.formacodes))}))")
            params.extend(query.formacodes)
        else:
            clauses.append(f"list_has_any(s.formacodes, [{','.join('?' * len(query.formacodes))}])")
            params.extend(query.formacodes)
    for column, low, high in (
        ("s.start", query.start_from and query.start_from.toordinal(),
         query.start_until and query.start_until.toordinal()),
        ("s.price", query.price_min and query.price_min.cents,
         query.price_max and query.price_max.cents),
        ("s.hours", query.duration_min, query.duration_max),
    ):
        if low is not None:
            clauses.append(f"{column} >= ?")
            params.append(low)
        if high is not None:
            clauses.append(f"{column} <= ?")
            params.append(high)
    if query.min_rating is not None:
        clauses.append("s.mean >= ?")
        params.append(query.min_rating)
    if query.eligible_only:
        clauses.append("s.eligible")
    if query.near is not None:
        near = query.near
        dlat = near.radius_km / (math.pi * EARTH_RADIUS_KM / 180) * 1.001
        dlon = min(180.0, dlat / max(1e-9, math.cos(math.radians(abs(near.latitude) + dlat))))
        clauses.append("s.lat BETWEEN ? AND ? AND s.lon BETWEEN ? AND ?")
        params.extend((near.latitude - dlat, near.latitude + dlat,
                       near.longitude - dlon, near.longitude + dlon))
        clauses.append(f"{_distance_sql(near, dialect)} <= ?")
        params.append(near.radius_km)
    return clauses, params


def _distance_sql(near: Near, dialect: str) -> str:
    """The haversine distance, written as ``formation.catalog.search.geo.haversine_km``."""
    phi1 = math.radians(near.latitude)
    least = "min" if dialect == "sqlite" else "least"
    return (f"(2.0 * {EARTH_RADIUS_KM!r} * asin({least}(1.0, sqrt("
            f"pow(sin((radians(s.lat) - {phi1!r}) / 2.0), 2) + {math.cos(phi1)!r} * "
            f"cos(radians(s.lat)) * pow(sin(radians(s.lon - {near.longitude!r}) / 2.0), 2)))))")


def _score_sql(query: Query) -> str:
    found = query.words
    parts = []
    for i, w in enumerate(found):
        tail = "" if i == len(found) - 1 else " "
        needle = f"' {w}{tail}'"
        parts.append(f"(CASE WHEN instr(' ' || s.title || ' ', {needle}) > 0 THEN 3 "
                     f"WHEN instr(' ' || s.cert || ' ', {needle}) > 0 THEN 2 ELSE 1 END)")
    return " + ".join(parts) or "0"


def _order_sql(query: Query, dialect: str) -> str:
    start = f"coalesce(s.start, {NOSTART})"
    sort = query.sort
    if sort is Sort.RELEVANCE and query.words:
        return f"{_score_sql(query)} DESC, {start}, s.id"
    if sort in (Sort.RELEVANCE, Sort.START_DATE):
        return f"{start}, s.id"
    if sort is Sort.PRICE_ASC:
        return "s.price, s.id"
    if sort is Sort.PRICE_DESC:
        return "s.price DESC, s.id"
    if sort is Sort.RATING:
        return f"s.score IS NULL, s.score DESC, s.count DESC, {start}, s.id"
    assert query.near is not None
    return f"{_distance_sql(query.near, dialect)}, s.id"


def sql_page(query: Query, dialect: str) -> tuple[str, list[object]]:
    clauses, params = _sql_where(query, dialect)
    where = " AND ".join(clauses) or "1 = 1"
    return (f"SELECT s.sid, s.offer_title, s.price, s.start, s.region FROM sessions s "
            f"WHERE {where} ORDER BY {_order_sql(query, dialect)} "
            f"LIMIT {query.page_size} OFFSET {(query.page - 1) * query.page_size}", params)


def sql_count(query: Query, dialect: str) -> tuple[str, list[object]]:
    clauses, params = _sql_where(query, dialect)
    return f"SELECT count(*) FROM sessions s WHERE {' AND '.join(clauses) or '1 = 1'}", params


def sql_facet(query: Query, name: str, dialect: str) -> tuple[str, list[object]]:
    clauses, params = _sql_where(query, dialect)
    where = " AND ".join(clauses) or "1 = 1"
    if name == "formacode":
        if dialect == "sqlite":
            return (f"SELECT f.formacode, count(*) FROM session_formacodes f JOIN sessions s "
                    f"ON s.id = f.id WHERE {where} GROUP BY f.formacode", params)
        return (f"SELECT code, count(*) FROM (SELECT unnest(s.formacodes) AS code FROM sessions s "
                f"WHERE {where}) GROUP BY code", params)
    column = {"region": "s.region", "modality": "s.modality", "registry": "s.registry"}[name]
    return (f"SELECT {column}, count(*) FROM sessions s WHERE {where} AND {column} IS NOT NULL "
            f"GROUP BY {column}", params)


_COLUMNS = ("id INTEGER PRIMARY KEY, sid TEXT NOT NULL, offer_title TEXT, title TEXT, cert TEXT, "
            "org TEXT, region TEXT, department TEXT, modality TEXT, registry TEXT, action TEXT, "
            "start INTEGER, price INTEGER, hours INTEGER, lat DOUBLE, lon DOUBLE, mean DOUBLE, "
            "count INTEGER, score DOUBLE, eligible BOOLEAN")


def _tuple(row: Row) -> tuple[object, ...]:
    return (row.rank, row.sid, row.title, row.title, row.cert, row.org, row.region,
            row.department, row.modality, row.registry, row.action, row.start, row.price,
            row.hours, row.lat, row.lon, row.mean, row.count, row.score, row.eligible)


def build_sqlite(rows: Sequence[Row]) -> tuple[sqlite3.Connection, float]:
    data = [_tuple(r) for r in rows]
    themes = [(r.rank, code) for r in rows for code in r.formacodes]
    gc.collect()
    start = time.perf_counter()
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE sessions ({_COLUMNS})")
    db.execute("CREATE TABLE session_formacodes (id INTEGER, formacode TEXT)")
    db.executemany(f"INSERT INTO sessions VALUES ({','.join('?' * 20)})", data)
    db.executemany("INSERT INTO session_formacodes VALUES (?, ?)", themes)
    db.executescript("""
        CREATE INDEX s_start ON sessions (start, sid);
        CREATE INDEX s_price ON sessions (price, sid);
        CREATE INDEX s_region_start ON sessions (region, start);
        CREATE INDEX s_region_price ON sessions (region, price, sid);
        CREATE INDEX s_department_start ON sessions (department, start);
        CREATE INDEX s_lat_lon ON sessions (lat, lon);
        CREATE INDEX s_rating ON sessions (score, count);
        CREATE INDEX sf_code ON session_formacodes (formacode, id);
        CREATE VIRTUAL TABLE fts USING fts5 (title, cert, org, content='sessions',
                                             content_rowid='id');
        INSERT INTO fts (fts) VALUES ('rebuild');
        ANALYZE;
    """)
    db.commit()
    return db, time.perf_counter() - start


def build_duckdb(rows: Sequence[Row], folder: str) -> tuple[Any, float]:
    """DuckDB loads a CSV file of the rows (its ordinary bulk path; writing the file is not
    counted), the Formacodes as a list."""
    path = os.path.join(folder, "sessions.csv")
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        for r in rows:
            writer.writerow((r.rank, r.sid, r.title, r.title, r.cert, r.org,
                             f" {r.title} {r.cert} {r.org} ", r.region, r.department,
                             r.modality, r.registry, r.action, "|".join(r.formacodes), r.start,
                             r.price, r.hours, r.lat, r.lon, r.mean, r.count, r.score,
                             r.eligible))
    gc.collect()
    start = time.perf_counter()
    db = duckdb.connect(":memory:")
    db.execute(f"""
        CREATE TABLE sessions AS SELECT id, sid, offer_title, title, cert, org, words, region,
            department, modality, registry, action,
            CASE WHEN formacodes = '' THEN []::VARCHAR[] ELSE string_split(formacodes, '|')
            END AS formacodes, start, price, hours, lat, lon, mean, count, score, eligible
        FROM read_csv('{path}', header = false, nullstr = '', columns = {{
            'id': 'INTEGER', 'sid': 'VARCHAR', 'offer_title': 'VARCHAR', 'title': 'VARCHAR',
            'cert': 'VARCHAR', 'org': 'VARCHAR', 'words': 'VARCHAR', 'region': 'VARCHAR',
            'department': 'VARCHAR', 'modality': 'VARCHAR', 'registry': 'VARCHAR',
            'action': 'VARCHAR', 'formacodes': 'VARCHAR', 'start': 'INTEGER',
            'price': 'BIGINT', 'hours': 'INTEGER', 'lat': 'DOUBLE', 'lon': 'DOUBLE',
            'mean': 'DOUBLE', 'count': 'INTEGER', 'score': 'DOUBLE', 'eligible': 'BOOLEAN'}})
        ORDER BY id""")
    seconds = time.perf_counter() - start
    os.remove(path)
    return db, seconds


# -- tantivy ----------------------------------------------------------------------------------

def build_tantivy(rows: Sequence[Row], ranks: list[int]) -> tuple[Any, float]:
    gc.collect()
    start = time.perf_counter()
    schema = tantivy.SchemaBuilder()
    for name in ("title", "cert", "org"):
        schema.add_text_field(name, stored=False)
    for name in ("region", "department", "modality", "registry", "action", "formacode"):
        schema.add_text_field(name, stored=False, tokenizer_name="raw", fast=True)
    schema.add_text_field("sid", stored=True, tokenizer_name="raw")
    for name in ("start", "price", "hours", "k_start", "k_price", "k_price_desc",
                 "k_rating", "rank"):
        schema.add_integer_field(name, stored=name == "rank", fast=True, indexed=True)
    for name in ("lat", "lon", "mean"):
        schema.add_float_field(name, stored=name != "mean", fast=True, indexed=True)
    schema.add_boolean_field("eligible", stored=False, fast=True, indexed=True)
    index = tantivy.Index(schema.build())
    writer = index.writer(heap_size=512_000_000, num_threads=1)
    for r in rows:
        fields: dict[str, Any] = {
            "title": r.title, "cert": r.cert, "org": r.org, "modality": r.modality,
            "action": r.action, "sid": r.sid, "price": r.price,
            "k_start": ((NOSTART if r.start is None else r.start) << RANK_BITS) | r.rank,
            "k_price": (r.price << RANK_BITS) | r.rank,
            "k_price_desc": (r.price << RANK_BITS) | ((1 << RANK_BITS) - 1 - r.rank),
            "k_rating": ranks[r.rank],
            "rank": r.rank, "eligible": r.eligible}
        for name in ("region", "department", "registry", "start", "hours", "lat", "lon", "mean"):
            value = getattr(r, name)
            if value is not None:
                fields[name] = value
        if r.formacodes:
            fields["formacode"] = list(r.formacodes)
        writer.add_document(tantivy.Document(**fields))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index, time.perf_counter() - start


class Tantivy:
    """Queries of ``formation`` in tantivy's terms."""

    def __init__(self, index: Any) -> None:
        self.index = index
        self.schema = index.schema
        self.searcher = index.searcher()

    def term(self, field: str, value: object) -> Any:
        return tantivy.Query.term_query(self.schema, field, value)

    def word(self, field: str, word: str, prefix: bool) -> Any:
        if prefix:
            return tantivy.Query.regex_query(self.schema, field, word + ".*")
        return self.term(field, word)

    def filters(self, query: Query, text: bool = True) -> list[Any]:
        must: list[Any] = []
        schema = self.schema
        found = query.words
        if text:
            for i, w in enumerate(found):
                must.append(tantivy.Query.boolean_query([
                    (tantivy.Occur.Should, self.word(f, w, i == len(found) - 1))
                    for f in ("title", "cert", "org")]))

        def among(field: str, values: Sequence[str]) -> None:
            must.append(tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, self.term(field, v)) for v in values]))

        if query.regions:
            among("region", query.regions)
        if query.departments:
            among("department", query.departments)
        if query.modalities:
            among("modality", [m.value for m in query.modalities])
        if query.registries:
            among("registry", [r.value for r in query.registries])
        if query.action_types:
            among("action", [a.value for a in query.action_types])
        if query.formacodes:
            among("formacode", query.formacodes)
        ranges: list[tuple[str, Any, Any, Any]] = [
            ("start", int, query.start_from and query.start_from.toordinal(),
             query.start_until and query.start_until.toordinal()),
            ("price", int, query.price_min and query.price_min.cents,
             query.price_max and query.price_max.cents),
            ("hours", int, query.duration_min, query.duration_max),
            ("mean", float, query.min_rating, None),
        ]
        for field, kind, low, high in ranges:
            if low is not None or high is not None:
                low, high = (None if v is None else kind(v) for v in (low, high))
                must.append(tantivy.Query.range_query(schema, field, tantivy.FieldType.Integer
                                                      if kind is int else tantivy.FieldType.Float,
                                                      low, high))
        if query.eligible_only:
            must.append(self.term("eligible", True))
        if query.near is not None:
            near = query.near
            dlat = near.radius_km / (math.pi * EARTH_RADIUS_KM / 180) * 1.001
            dlon = min(180.0, dlat / max(1e-9, math.cos(math.radians(abs(near.latitude) + dlat))))
            for field, centre, span in (("lat", near.latitude, dlat), ("lon", near.longitude, dlon)):
                must.append(tantivy.Query.range_query(schema, field, tantivy.FieldType.Float,
                                                      centre - span, centre + span))
        if not must:
            return [tantivy.Query.all_query()]
        return must

    def both(self, parts: list[Any]) -> Any:
        if len(parts) == 1:
            return parts[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, p) for p in parts])

    def distances(self, query: Query, hits: list[Any]) -> list[tuple[float, int, str]]:
        """(distance, rank, sid) of the hits within the circle of ``query.near``."""
        near = query.near
        assert near is not None
        out = []
        lat1 = math.radians(near.latitude)
        for _, address in hits:
            doc = self.searcher.doc(address)
            lat, lon = doc["lat"][0], doc["lon"][0]
            phi2 = math.radians(lat)
            a = (math.sin((phi2 - lat1) / 2.0) ** 2 + math.cos(lat1) * math.cos(phi2)
                 * math.sin(math.radians(lon - near.longitude) / 2.0) ** 2)
            distance = 2.0 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
            if distance <= near.radius_km:
                out.append((distance, doc["rank"][0], doc["sid"][0]))
        return out

    def ordered(self, query: Query, parts: list[Any], needed: int) -> list[str]:
        """The session ids of the first ``needed`` matches, in the order of ``query.sort``."""
        sort = query.sort
        q = self.both(parts)
        if query.near is not None:  # the circle is checked here: read in order until enough
            key, order = self._key(sort)
            limit = max(needed * 4, 64)
            while True:
                if sort is Sort.DISTANCE:
                    hits = self.searcher.search(q, limit=self.searcher.num_docs, count=False).hits
                    found = sorted(self.distances(query, hits))
                    return [sid for _, _, sid in found[:needed]]
                hits = self.searcher.search(q, limit=limit, count=False, order_by_field=key,
                                            order=order).hits
                kept = self.distances(query, hits)
                if len(kept) >= needed or len(hits) < limit:
                    return [sid for _, _, sid in kept[:needed]]
                limit *= 4
        if sort is Sort.RELEVANCE and query.words:
            return self._tiers(query, parts, needed)
        key, order = self._key(sort)
        hits = self.searcher.search(q, limit=needed, count=False, order_by_field=key,
                                    order=order).hits
        return [self.searcher.doc(a)["sid"][0] for _, a in hits]

    @staticmethod
    def _key(sort: Sort) -> tuple[str, Any]:
        return {Sort.PRICE_ASC: ("k_price", tantivy.Order.Asc),
                Sort.PRICE_DESC: ("k_price_desc", tantivy.Order.Desc),
                Sort.RATING: ("k_rating", tantivy.Order.Asc)}.get(
                    sort, ("k_start", tantivy.Order.Asc))

    def _tiers(self, query: Query, parts: list[Any], needed: int) -> list[str]:
        """Relevance: for each way the words can sit in the fields (best field of each), by
        total score, the matches in start order; ties of score merged by start key."""
        found = query.words
        combos: list[tuple[int, list[Any]]] = [(0, [])]
        for i, w in enumerate(found):
            prefix = i == len(found) - 1
            t, c, o = (self.word(f, w, prefix) for f in ("title", "cert", "org"))
            exact = [(3, [t]), (2, [c, ("not", t)]), (1, [o, ("not", t), ("not", c)])]
            combos = [(s + ws, q + qs) for s, q in combos for ws, qs in exact]
        others = parts[len(found):]
        by_score: dict[int, list[tuple[int, str]]] = {}
        for score, clauses in combos:
            occurs = [(tantivy.Occur.MustNot, c[1]) if isinstance(c, tuple)
                      else (tantivy.Occur.Must, c) for c in clauses]
            occurs += [(tantivy.Occur.Must, p) for p in others]
            hits = self.searcher.search(tantivy.Query.boolean_query(occurs), limit=needed,
                                        count=False, order_by_field="k_start",
                                        order=tantivy.Order.Asc).hits
            by_score.setdefault(score, []).extend(
                (key, self.searcher.doc(a)["sid"][0]) for key, a in hits)
        out: list[str] = []
        for score in sorted(by_score, reverse=True):
            out.extend(sid for _, sid in sorted(by_score[score]))
            if len(out) >= needed:
                break
        return out[:needed]

    def page(self, query: Query) -> list[str]:
        needed = query.page * query.page_size
        return self.ordered(query, self.filters(query), needed)[needed - query.page_size:]

    def count(self, query: Query) -> int:
        parts = self.filters(query)
        if query.near is not None:
            hits = self.searcher.search(self.both(parts), limit=self.searcher.num_docs, count=False).hits
            return len(self.distances(query, hits))
        return int(self.searcher.search(self.both(parts), limit=1, count=True).count)

    def facets(self, query: Query) -> dict[str, dict[str, int]]:
        aggregations = {name: {"terms": {"field": name, "size": 1000}} for name in query.facets}
        found = self.searcher.aggregate(self.both(self.filters(query)), aggregations)
        return {name: {b["key"]: b["doc_count"] for b in found[name]["buckets"]}
                for name in query.facets}


# -- the queries -----------------------------------------------------------------------------

def queries(rare: str) -> list[tuple[str, Query, str]]:
    """(name, query, what is compared: "page", "count", "page+count" or "facets")."""
    lyon, paris = Near(45.7640, 4.8357, 50.0), Near(48.8566, 2.3522, 30.0)
    y2027 = {"start_from": date(2027, 1, 1), "start_until": date(2027, 12, 31)}
    filters = {"regions": ("84",), "modalities": (Modality.IN_PERSON,),
               "price_max": Euros.whole(2000), **y2027}
    return [
        ("common word, relevance", Query(text="anglais"), "page"),
        ("common word, relevance, page 50", Query(text="anglais", page=50), "page"),
        ("common word + filters, by price", Query(text="anglais", sort=Sort.PRICE_ASC,
                                                  **filters), "page"),
        ("common word + filters, by price desc, page 50",
         Query(text="anglais", sort=Sort.PRICE_DESC, page=50, regions=("84", "11"),
               price_min=Euros.whole(500)), "page"),
        ("common word + near, by price", Query(text="anglais", near=lyon,
                                               sort=Sort.PRICE_ASC), "page"),
        ("common word + near, by distance", Query(text="anglais", near=paris,
                                                  sort=Sort.DISTANCE), "page"),
        ("common word, by rating", Query(text="anglais", sort=Sort.RATING), "page"),
        ("common word + department + eligible, by start",
         Query(text="excel", departments=("69", "75"), eligible_only=True,
               sort=Sort.START_DATE), "page"),
        ("common word + formacode, by start date",
         Query(text="anglais", formacodes=("15234", "15235"), sort=Sort.START_DATE), "page"),
        ("rare word, relevance", Query(text=rare), "page+count"),
        ("rare word + region, by price", Query(text=rare, regions=("11", "84"),
                                               sort=Sort.PRICE_ASC), "page"),
        ("two words, relevance", Query(text="anglais toeic"), "page"),
        ("two words + dates, by start date", Query(text="excel tosa", sort=Sort.START_DATE,
                                                   **y2027), "page"),
        ("prefix, relevance", Query(text="compta"), "page"),
        ("prefix + region + price, by price desc",
         Query(text="management equi", regions=("11",), price_max=Euros.whole(3000),
               sort=Sort.PRICE_DESC), "page"),
        ("no word: region + dates + price, by price",
         Query(regions=("11",), start_from=date(2027, 3, 1), start_until=date(2027, 5, 31),
               price_max=Euros.whole(1500), sort=Sort.PRICE_ASC), "page"),
        ("no word, no filter, by price", Query(sort=Sort.PRICE_ASC), "page"),
        ("no word, by price desc, page 50", Query(sort=Sort.PRICE_DESC, page=50), "page"),
        ("no word: formacode + region + 2027", Query(formacodes=("15234",), regions=("84",),
                                                     **y2027), "page+count"),
        ("no word: near, by distance", Query(near=lyon, sort=Sort.DISTANCE), "page"),
        ("no word: by rating, page 50", Query(sort=Sort.RATING, page=50), "page"),
        ("empty query", Query(), "page+count"),
        ("count: common word + region", Query(text="anglais", regions=("11",)), "count"),
        ("facets: common word (region)", Query(text="anglais", facets=("region",)), "facets"),
        ("facets: common word (4 facets)",
         Query(text="anglais", facets=("region", "modality", "formacode", "registry")),
         "facets"),
        ("facets: no word (4 facets)",
         Query(facets=("region", "modality", "formacode", "registry")), "facets"),
    ]


def median_ms(run: Callable[[], object], repeat: int) -> float:
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 000 sessions")
    parser.add_argument("--n", type=int, default=None, help="number of sessions")
    parser.add_argument("--repeat", type=int, default=7, help="runs per median")
    parser.add_argument("--only", default="", help="only the queries whose name holds this")
    args = parser.parse_args()
    n = args.n or (100_000 if args.quick else 1_000_000)
    print(f"load average before: {os.getloadavg()}")
    start = time.perf_counter()
    offers, sessions = synthetic_catalog(n, seed=42)
    ratings = synthetic_ratings(offers, seed=42)
    held = {k: (r.mean, r.count) for k, r in ratings.items()}
    print(f"{n:,} sessions, {len(offers):,} offers generated in "
          f"{time.perf_counter() - start:.1f} s")

    gc.collect()
    before = rss_bytes()
    start = time.perf_counter()
    index = CatalogIndex(offers, sessions, ratings=held)
    ours_build = time.perf_counter() - start
    gc.collect()
    grown = rss_bytes() - before
    rows = make_rows(offers, sessions, ratings)
    lite, lite_build = build_sqlite(rows)
    with tempfile.TemporaryDirectory() as folder:
        duck, duck_build = build_duckdb(rows, folder)
    tan, tan_build = build_tantivy(rows, rating_ranks(rows))
    peers = Tantivy(tan)
    print(f"build: ours {ours_build:.2f} s (RSS +{grown / n:.0f} bytes a session), SQLite "
          f"insert + indexes + FTS5 {lite_build:.2f} s, DuckDB {duck_build:.2f} s, tantivy "
          f"{tan_build:.2f} s; ours / SQLite {ours_build / lite_build:.2f}")
    del rows
    gc.collect()

    counts: dict[str, int] = {}
    for w in ("anglais", "excel", "toeic", "tosa", "management"):
        counts[w] = index.search(Query(text=w)).total
    vocabulary = sorted({w for o in offers for w in words(o.title) if len(w) > 3})
    sizes = {w: index.search(Query(text=w)).total for w in vocabulary}
    rare = min((w for w in sizes if sizes[w] >= 20), key=lambda w: (sizes[w], w))
    print(f"sessions per word: {counts}; rare word {rare!r}: {sizes[rare]}")

    def run_sql(db: Any, sql: tuple[str, list[object]]) -> list[Any]:
        return db.execute(sql[0], sql[1]).fetchall()

    def ours(query: Query, what: str) -> Callable[[], object]:
        if what == "page":
            return lambda: index.search(query).hits
        if what == "count":
            return lambda: index.search(query).total
        if what == "facets":
            return lambda: index.search(query).facets
        return lambda: (index.search(query).hits, index.search(query).total)

    def sql_side(db: Any, dialect: str, query: Query, what: str) -> Callable[[], object]:
        if what == "page":
            page = sql_page(query, dialect)
            return lambda: run_sql(db, page)
        if what == "count":
            count = sql_count(query, dialect)
            return lambda: run_sql(db, count)
        if what == "facets":
            facets = [sql_facet(query, name, dialect) for name in query.facets]
            return lambda: [run_sql(db, f) for f in facets]
        page, count = sql_page(query, dialect), sql_count(query, dialect)
        return lambda: (run_sql(db, page), run_sql(db, count))

    def tantivy_side(query: Query, what: str) -> Callable[[], object]:
        if what == "page":
            return lambda: peers.page(query)
        if what == "count":
            return lambda: peers.count(query)
        if what == "facets":
            return lambda: peers.facets(query)
        return lambda: (peers.page(query), peers.count(query))

    def answer(engine: str, query: Query, what: str) -> object:
        """What is compared: the page's session ids, the count, the facet counts."""
        out: list[object] = []
        if engine == "ours":
            results = index.search(query)
            if "page" in what:
                out.append([h.session.session_id for h in results.hits])
            if "count" in what:
                out.append(results.total)
            if what == "facets":
                out.append({k: dict(v) for k, v in results.facets.items()})
            return out
        if engine == "tantivy":
            if "page" in what:
                out.append(peers.page(query))
            if "count" in what:
                out.append(peers.count(query))
            if what == "facets":
                out.append(peers.facets(query))
            return out
        db, dialect = (lite, "sqlite") if engine == "SQLite" else (duck, "duckdb")
        if "page" in what:
            out.append([r[0] for r in run_sql(db, sql_page(query, dialect))])
        if "count" in what:
            out.append(run_sql(db, sql_count(query, dialect))[0][0])
        if what == "facets":
            out.append({name: {k: v for k, v in run_sql(db, sql_facet(query, name, dialect))
                               if k is not None} for name in query.facets})
        return out

    engines = ("SQLite", "DuckDB", "tantivy")
    print(f"\n{'query':<48} {'ours':>9} {'SQLite':>9} {'DuckDB':>9} {'tantivy':>9} "
          f"{'ours/best':>9}  (ms; * = that peer's answer differs, not timed)")
    for name, query, what in queries(rare):
        if args.only and args.only not in name:
            continue
        expected = answer("ours", query, what)
        agree = {e: answer(e, query, what) == expected for e in engines}
        runs = {"ours": ours(query, what), "SQLite": sql_side(lite, "sqlite", query, what),
                "DuckDB": sql_side(duck, "duckdb", query, what),
                "tantivy": tantivy_side(query, what)}
        times = {e: median_ms(runs[e], args.repeat) for e in ("ours", *engines) if
                 e == "ours" or agree[e]}
        best = min((times[e] for e in engines if e in times), default=math.nan)
        cells = " ".join(f"{times[e]:>9.3f}" if e in times else f"{'*':>9}"
                         for e in ("ours", *engines))
        print(f"{name:<48} {cells} {times['ours'] / best:>9.2f}", flush=True)
        for e in engines:
            if not agree[e]:
                print(f"    {e} differs: {str(answer(e, query, what))[:160]} against ours "
                      f"{str(expected)[:160]}")

    # updates
    count = 200
    offer = offers[len(offers) // 2]
    spare = sessions[len(sessions) // 2]
    extra = [attrs.evolve(spare, session_id=f"S-bench-{k}") for k in range(count)]
    start = time.perf_counter()
    for session in extra:
        index.add(sessions=[session])
    add_us = (time.perf_counter() - start) / count * 1e6
    start = time.perf_counter()
    for session in extra:
        index.replace(sessions=[attrs.evolve(session, price=Euros(123_400))])
    replace_us = (time.perf_counter() - start) / count * 1e6
    start = time.perf_counter()
    for session in extra:
        index.remove(session_ids=[session.session_id])
    remove_us = (time.perf_counter() - start) / count * 1e6
    start = time.perf_counter()
    for k in range(count):
        index.set_rating(offer.offer_id, 4.0 + (k % 10) / 10, 10 + k)
    rating_us = (time.perf_counter() - start) / count * 1e6
    start = time.perf_counter()
    for _ in range(20):
        index.replace(offers=[offer])
    offer_us = (time.perf_counter() - start) / 20 * 1e6
    print(f"\nupdates: add {add_us:.0f} µs, replace a session {replace_us:.0f} µs, remove "
          f"{remove_us:.0f} µs, set_rating {rating_us:.1f} µs, replace an offer of "
          f"{len(index.sessions_of(offer.offer_id))} sessions {offer_us:.0f} µs")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
