"""The store's bulk import path gives exactly what decoding record by record gives.

``plain_account_rows`` (used by ``SqliteStore.import_lines``) decodes an account with
``account_from_data`` (every ``Entry`` built and the ledger replayed at once) and writes each
entry's stored text with ``entry_text``, the fast path of ``json.dumps(entry_to_data(e))``:
these properties compare them with their references (Code du travail L6323-4, L6323-11: a
hold, a debit never above the rights available).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formation.adapters import sqlite as sqlite_module
from formation.adapters.codec import from_data, to_data
from formation.adapters.documents import (
    CODEC,
    OFFER_COLUMNS,
    SESSION_COLUMNS,
    account_from_data,
    catalog_from_data,
    catalog_from_rows,
    entry_text,
    entry_to_data,
    offer_row_data,
    plain_account_rows,
    session_row_data,
)
from formation.adapters.migrations import MIGRATIONS
from formation.adapters.sqlite import SqliteStore
from formation.catalog.offers import Offer, Session
from formation.errors import FormationError, InvalidValue, StorageError
from formation.ids import AccountId, EntryId
from formation.ledger import Entry, EntryKind, Source
from formation.money import Euros
from formation.query import Query
from formation.rules.funders import Funder
from formation.search import CatalogIndex
from formation.testing.catalog import synthetic_catalog
from formation.testing.strategies import accounts

PLAIN_KINDS = ("annual-credit", "hold", "release", "debit", "refund")
PLAIN_KEYS = {"entry_id", "kind", "amount", "effective", "source", "booking", "year", "note"}


def _text(entry: Any) -> str:
    return json.dumps(entry_to_data(entry), ensure_ascii=False, separators=(",", ":"))


DAYS = ["2019-12-30", "2019-12-31", "2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04"]
SPENT = {"hold": [25, 60, 100], "debit": [25, 60, 100], "release": [25, 26, 10],
         "refund": [25, 26, 10]}
ODD: list[tuple[str, Any]] = [
    ("amount", -5), ("amount", True), ("amount", 1.5), ("booking", ""), ("booking", None),
    ("booking", "B1"), ("booking", 7), ("year", 1800), ("year", True), ("year", "2020"),
    ("kind", "correction"), ("kind", "top-up"), ("kind", 3), ("kind", "hold"), ("kind", "debit"),
    ("source", "dif"), ("source", "opco"), ("effective", "20200101"),
    ("effective", "2020-13-01"), ("effective", "2020-W01-3"), ("effective", 5), ("note", 4),
    ("entry_id", ""), ("entry_id", 9), ("entry_id", "e0"), ("entry_id", "e1"), ("entry_id", "e2"), ("top_up", "T"), ("hours", "1/2"),
    ("other", 1)]


@st.composite
def ledger_data(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A ledger's entries, mostly plain and valid (credits back-dated at will, spending in date
    order), sometimes with one odd field or an entry out of order."""
    entries: list[dict[str, Any]] = []
    last_spend = 2
    for i in range(draw(st.integers(0, 10))):
        kind = draw(st.sampled_from(["annual-credit", "annual-credit", "hold", *PLAIN_KINDS]))
        if i == 0 and draw(st.integers(0, 4)):
            kind = "annual-credit"  # most ledgers start with a credit
        if kind == "annual-credit":
            day = draw(st.sampled_from([0, 1, 2, 2, 3, 5]))
        else:
            day = min(len(DAYS) - 1, max(0, last_spend + draw(st.sampled_from([0, 0, 1, 2, -1]))))
            last_spend = max(last_spend, day)
        data: dict[str, Any] = {
            "entry_id": f"e{i}", "kind": kind, "effective": DAYS[day], "source": "droits",
            "amount": draw(st.sampled_from([150, 300, 0]) if kind == "annual-credit"
                            else st.sampled_from(SPENT[kind])),
        }
        if kind != "annual-credit":
            data["booking"] = draw(st.sampled_from(["B1", "B2"]))
        if draw(st.booleans()):
            data["year"] = draw(st.sampled_from([2019, 2020]))
        if draw(st.integers(0, 3)) == 0:
            data["note"] = draw(st.sampled_from(["", "calcul : 500 €", "ligne\n\"citée\" \\"]))
        entries.append(data)
    if entries and draw(st.integers(0, 3)) == 0:
        target = draw(st.sampled_from(entries))
        key, value = draw(st.sampled_from(ODD))
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
    return entries


def _signature(data: dict[str, Any]) -> tuple[list[str], list[str]] | None:
    """What account_from_data builds: the entries' ids and stored texts, or None if refused."""
    try:
        account = account_from_data(data)
    except (FormationError, TypeError, ValueError):
        return None
    if account.version != len(data["entries"]):
        return None  # an entry given twice, identical: a no-op the bulk path leaves to it
    return [e.entry_id for e in account.entries], [_text(e) for e in account.entries]


@settings(max_examples=500)
@given(ledger_data())
def test_the_bulk_path_accepts_exactly_the_plain_ledgers_the_ledger_accepts(
    entries: list[dict[str, Any]],
) -> None:
    data = {"account_id": "A1", "holder_id": "H1", "entries": entries}
    expected = _signature(data)
    found = plain_account_rows(data)
    plain = all(e.keys() <= PLAIN_KEYS and e.get("kind") in PLAIN_KINDS
                and e.get("source") == "droits" for e in entries)
    if found is None:
        assert expected is None or not plain
    else:
        assert expected is not None, "the bulk path took a ledger the ledger refuses"
        account_id, holder_id, rows = found
        assert (account_id, holder_id) == ("A1", "H1")
        assert ([r[0] for r in rows], [r[1] for r in rows]) == expected


@given(st.sampled_from([
    {"account_id": "", "holder_id": "H1", "entries": []},
    {"account_id": "A1", "holder_id": 5, "entries": []},
    {"account_id": "A1", "holder_id": "H1", "entries": {}},
    {"account_id": "A1", "holder_id": "H1", "entries": [], "extra": 1},
    {"account_id": "A1", "holder_id": "H1", "entries": [[1]]},
    ["A1"],
]))
def test_the_bulk_path_leaves_every_bad_account_to_the_codec(data: Any) -> None:
    assert plain_account_rows(data) is None
    with pytest.raises(InvalidValue):
        account_from_data(data)


def test_an_import_by_the_bulk_path_reads_back_as_the_same_account(tmp_path: Path) -> None:
    entries = [
        {"entry_id": "c1", "kind": "annual-credit", "amount": 50000, "effective": "2021-04-15",
         "source": "droits", "year": 2020},
        {"kind": "hold", "entry_id": "h1", "amount": 20000, "effective": "2021-05-01",
         "source": "droits", "booking": "B1", "note": "réservé"},
        {"entry_id": "r1", "kind": "release", "amount": 5000, "effective": "2021-05-02",
         "source": "droits", "booking": "B1"},
    ]
    data = {"account_id": "A1", "holder_id": "H1", "entries": entries}
    line = json.dumps({"type": "Account", "version": 1, "data": data})
    with SqliteStore(tmp_path / "s.db") as store:
        summary = store.import_lines([line])
        assert (summary.accounts, summary.entries) == (1, 3)
        with store.unit_of_work() as uow:
            account = uow.accounts.get(AccountId("A1"))
        assert account.entries == account_from_data(data).entries
        assert account.balance().available.cents == 35000
        # foreign keys are checked again once the import is over
        assert store._db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_plain_ledger_that_overspends_imports_nothing(tmp_path: Path) -> None:
    good = {"account_id": "A1", "holder_id": "H1", "entries": [
        {"entry_id": "c1", "kind": "annual-credit", "amount": 100, "effective": "2021-04-15",
         "source": "droits"}]}
    bad = {"account_id": "A2", "holder_id": "H2", "entries": [
        {"entry_id": "c1", "kind": "annual-credit", "amount": 100, "effective": "2021-04-15",
         "source": "droits"},
        {"entry_id": "h1", "kind": "hold", "amount": 101, "effective": "2021-05-01",
         "source": "droits", "booking": "B1"}]}
    lines = [json.dumps({"type": "Account", "version": 1, "data": d}) for d in (good, bad)]
    with SqliteStore(tmp_path / "s.db") as store:
        with pytest.raises(FormationError, match="line 2"):
            store.import_lines(lines)
        assert store.counts()["accounts"] == store.counts()["entries"] == 0


def _e(entry_id: str, kind: str, amount: int, day: str, **more: Any) -> dict[str, Any]:
    return {"entry_id": entry_id, "kind": kind, "amount": amount, "effective": day,
            "source": "droits", **more}


CREDIT = _e("c", "annual-credit", 100, "2020-01-01")


@pytest.mark.parametrize(("entries", "taken"), [
    # Code du travail L6323-4: a booking spends only what the account holds
    ([CREDIT, _e("h", "hold", 100, "2020-01-02", booking="B")], True),
    ([CREDIT, _e("h", "hold", 101, "2020-01-02", booking="B")], False),
    ([CREDIT, _e("h", "hold", 60, "2020-01-02", booking="B"),
      _e("r", "release", 60, "2020-01-03", booking="B")], True),
    ([CREDIT, _e("h", "hold", 60, "2020-01-02", booking="B"),
      _e("r", "release", 61, "2020-01-03", booking="B")], False),
    ([CREDIT, _e("d", "debit", 60, "2020-01-02", booking="B"),
      _e("r", "refund", 60, "2020-01-03", booking="B")], True),
    ([CREDIT, _e("d", "debit", 60, "2020-01-02", booking="B"),
      _e("r", "refund", 61, "2020-01-03", booking="B")], False),
    ([CREDIT, _e("d", "debit", 60, "2020-01-02", booking="B"),
      _e("h", "hold", 41, "2020-01-03", booking="C")], False),
    # a credit dated after the hold does not pay for it; spending goes in date order
    ([CREDIT, _e("c2", "annual-credit", 100, "2020-02-01"),
      _e("h", "hold", 101, "2020-01-02", booking="B")], False),
    ([CREDIT, _e("h", "hold", 10, "2020-01-03", booking="B"),
      _e("h2", "hold", 10, "2020-01-02", booking="B")], False),
    # an id used twice: another entry is a duplicate, the same entry a no-op (left to the codec)
    ([CREDIT, _e("c", "annual-credit", 50, "2020-01-01")], False),
    ([CREDIT, CREDIT], False),
    ([_e("c", "annual-credit", 100, "2020-01-01", booking="B")], False),
])
def test_the_bulk_path_on_the_edges_of_the_ledger_checks(
    entries: list[dict[str, Any]], taken: bool,
) -> None:
    data = {"account_id": "A1", "holder_id": "H1", "entries": entries}
    assert (plain_account_rows(data) is not None) is taken
    if taken:
        assert _signature(data) is not None


@settings(max_examples=200)
@given(accounts(), st.sampled_from(["", "réservé", 'ligne\n"citée" \\ \u2028', "€ 😀"]))
def test_entry_text_writes_exactly_the_json_of_entry_to_data(account: Any, note: str) -> None:
    entries = [*account.entries,
               Entry(EntryId("t"), EntryKind.TOP_UP, Euros(100), date(2025, 5, 1), Funder.OPCO,
                     earmarked_offers=frozenset({"O2", "O1\"x"}),
                     earmarked_certifications=frozenset({"RS6204"}), note=note),
               Entry(EntryId("d"), EntryKind.DIF, Euros(0), date(2018, 5, 1), Source.DIF,
                     hours=Fraction(7, 2), year=2018, note=note)]
    for entry in entries:
        assert entry_text(entry) == _text(entry)
        assert json.loads(entry_text(entry)) == entry_to_data(entry)


# -- the catalogue read in bulk (SqliteStore opening a store) ------------------------------

_CATALOG = synthetic_catalog(60, seed=5)
_OFFERS = [to_data(o) for o in _CATALOG[0]]
_SESSIONS = [to_data(s) for s in _CATALOG[1]]
_ODD_VALUES: list[Any] = [None, True, False, 1, 0, -1, 1.5, 45, "", " ", "x", "2020-01-01",
                          "2020-W01-3", "75", "75001", "11", "RS", "presentiel", "15234", [], ["15234"],
                          [1], {}, {"x": 1}, _MISSING := object()]


def _outcome(decode: Any, data: Any, path: str) -> Any:
    try:
        return decode(data, path)
    except InvalidValue as error:
        return f"error: {error}"


def _mutate(data: dict[str, Any], draw: st.DrawFn) -> dict[str, Any]:
    """A deep copy of ``data`` with one to three fields (top-level or nested) made odd."""
    data = json.loads(json.dumps(data))
    for _ in range(draw(st.integers(1, 3))):
        target = data
        for _ in range(2):  # a field of the record, of a record inside it, or one level deeper
            nested = [k for k, v in target.items() if isinstance(v, dict)]
            if nested and draw(st.booleans()):
                target = target[draw(st.sampled_from(sorted(nested)))]
        key = draw(st.sampled_from([*sorted(target), "extra"]))
        value = draw(st.sampled_from(_ODD_VALUES))
        if value is _MISSING:
            target.pop(key, None)
        else:
            target[key] = json.loads(json.dumps(value))
    return data


@settings(max_examples=1000)
@given(st.data())
def test_the_catalogue_read_in_bulk_gives_what_the_codec_gives(data: st.DataObject) -> None:
    original_offer = data.draw(st.sampled_from(_OFFERS))
    original_session = data.draw(st.sampled_from(_SESSIONS))
    offer, session = _mutate(original_offer, data.draw), _mutate(original_session, data.draw)
    expected_offer = _outcome(lambda d, p: from_data(Offer, d, p), offer, "offer 2")
    expected_session = _outcome(lambda d, p: from_data(Session, d, p), session, "session 2")
    # the original offer and session fill the bulk reader's caches of organisms and places
    try:
        offers, sessions = catalog_from_data([original_offer, offer],
                                             [original_session, session])
        got: Any = (offers[1], sessions[1])
    except InvalidValue as error:
        got = f"error: {error}"
    if isinstance(expected_offer, str):
        assert got == expected_offer
    elif isinstance(expected_session, str):
        assert got == expected_session
    else:
        assert got == (expected_offer, expected_session)
        assert type(got[0].organism.name) is str


def _paths(data: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for key, value in data.items():
        found.append((*prefix, key))
        if isinstance(value, dict):
            found.extend(_paths(value, (*prefix, key)))
    return [*found, (*prefix, "extra")]


def test_every_single_odd_field_reads_in_bulk_as_the_codec_reads_it() -> None:
    originals = [
        (Offer, "offer", next(o for o in _OFFERS if o["certification"] and o["options"]
                              and o["organism"].get("qualiopi"))),
        (Session, "session", next(s for s in _SESSIONS if s["place"])),
    ]
    checked = 0
    for cls, kind, original in originals:
        for path in _paths(original):
            for value in _ODD_VALUES:
                data = json.loads(json.dumps(original))
                target = data
                for key in path[:-1]:
                    target = target[key]
                if value is _MISSING:
                    target.pop(path[-1], None)
                else:
                    target[path[-1]] = json.loads(json.dumps(value))
                expected = _outcome(lambda d, p, c=cls: from_data(c, d, p), data, f"{kind} 2")
                pair = ([original, data], []) if cls is Offer else ([], [original, data])
                try:
                    offers, sessions = catalog_from_data(*pair)
                    got: Any = (offers or sessions)[1]
                except InvalidValue as error:
                    got = f"error: {error}"
                assert got == expected, (path, value)
                checked += 1
    assert checked > 900


# -- the catalogue in typed rows (schema 3): what SqliteStore reads on open -------------------

_OFFER_PARTS = {"organism", "certification", "formacodes", "nsf_codes", "options"}


def _rows(data: dict[str, Any], columns: tuple[str, ...], parts: dict[int, str],
          part_columns: set[str]) -> tuple[object, ...]:
    """The row standing for ``data`` (an extra field is not a column; a missing one is NULL)."""
    row: list[object] = []
    for name in columns:
        value = data.get(name)
        if name in part_columns and value is not None:
            parts[len(parts) + 1] = json.dumps(value, ensure_ascii=False)
            value = len(parts)
        row.append(value)
    return tuple(row)


@settings(max_examples=1000)
@given(st.data())
def test_the_catalogue_read_from_rows_gives_what_the_codec_gives_on_the_rows_data(
        data: st.DataObject) -> None:
    original_offer = data.draw(st.sampled_from(_OFFERS))
    original_session = data.draw(st.sampled_from(_SESSIONS))
    offer, session = _mutate(original_offer, data.draw), _mutate(original_session, data.draw)
    parts: dict[int, str] = {}
    offer_rows = [_rows(o, OFFER_COLUMNS, parts, _OFFER_PARTS) for o in (original_offer, offer)]
    session_rows = [_rows(s, SESSION_COLUMNS, parts, {"place"})
                    for s in (original_session, session)]
    expected_offer = _outcome(lambda d, p: from_data(Offer, d, p),
                              offer_row_data(offer_rows[1], parts), "offer 2")
    expected_session = _outcome(lambda d, p: from_data(Session, d, p),
                                session_row_data(session_rows[1], parts), "session 2")
    try:
        offers, sessions = catalog_from_rows(parts, offer_rows, session_rows)
        got: Any = (offers[1], sessions[1])
    except InvalidValue as error:
        got = f"error: {error}"
    if isinstance(expected_offer, str):
        assert got == expected_offer
    elif isinstance(expected_session, str):
        assert got == expected_session
    else:
        assert got == (expected_offer, expected_session)


def test_a_row_naming_a_missing_or_unreadable_part_is_an_invalid_value() -> None:
    parts: dict[int, str] = {}
    row = _rows(_OFFERS[0], OFFER_COLUMNS, parts, _OFFER_PARTS)
    with pytest.raises(InvalidValue, match=r"offer 1\.organism: part 99 is not stored"):
        catalog_from_rows(parts, [(row[0], 99, *row[2:])], [])
    parts[99] = "{not json"
    with pytest.raises(InvalidValue, match=r"offer 1\.organism: part 99 is not JSON"):
        catalog_from_rows(parts, [(row[0], 99, *row[2:])], [])


def test_a_store_opens_with_the_same_catalogue_and_search_results_as_its_records(
        tmp_path: Path) -> None:
    offers, sessions = synthetic_catalog(400, seed=11)
    with SqliteStore(tmp_path / "store.db") as store:
        store.save_catalog(offers, sessions)
    fresh = CatalogIndex(offers, sessions)
    with SqliteStore(tmp_path / "store.db") as store:
        index = store.catalog
        assert [index.offer(o.offer_id) for o in offers] == list(offers)
        assert [index.session(s.session_id) for s in sessions] == list(sessions)
        for query in (Query(), Query(text="anglais"), Query(regions=("11",)),
                      Query(text="excel", page=2)):
            got, want = index.search(query), fresh.search(query)
            assert (got.total, got.hits, got.facets) == (want.total, want.hits, want.facets)
        exported = [d for d in store.export_documents() if d["type"] in ("Offer", "Session")]
    assert exported == [CODEC.encode(r) for r in (*sorted(offers, key=lambda o: o.offer_id),
                                                  *sorted(sessions, key=lambda s: s.session_id))]


def _schema_2_store(path: Path, offers: Any, sessions: Any, monkeypatch: pytest.MonkeyPatch,
                    documents: list[tuple[str, str]] | None = None) -> None:
    """A store of schema 2, its catalogue written as that release wrote it (JSON documents)."""
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_module, "MIGRATIONS", MIGRATIONS[:2])
        SqliteStore(path, index_catalog=False).close()
    with sqlite3.connect(path) as raw:
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        raw.executemany("INSERT INTO offers (offer_id, data) VALUES (?, ?)",
                        [(o.offer_id, dumps(CODEC.encode(o)["data"])) for o in offers])
        raw.executemany("INSERT INTO sessions (session_id, offer_id, data) VALUES (?, ?, ?)",
                        [(s.session_id, s.offer_id, dumps(CODEC.encode(s)["data"]))
                         for s in sessions])
        for offer_id, document in documents or []:
            raw.execute("INSERT INTO offers (offer_id, data) VALUES (?, ?)",
                        (offer_id, document))
        raw.execute("UPDATE counters SET value = value + 1 WHERE name = 'catalog'")
        raw.execute("INSERT INTO accounts VALUES ('A1', 'H1', 0)")
    raw.close()


def test_a_store_of_schema_2_opens_migrated_with_the_same_content(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    offers, sessions = synthetic_catalog(300, seed=12)
    path = tmp_path / "old.db"
    _schema_2_store(path, offers, sessions, monkeypatch)
    with SqliteStore(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        index = store.catalog
        assert [index.offer(o.offer_id) for o in offers] == list(offers)
        assert [index.session(s.session_id) for s in sessions] == list(sessions)
        fresh = CatalogIndex(offers, sessions)
        query = Query(text="anglais")
        assert index.search(query).hits == fresh.search(query).hits
        exported = list(store.export_documents())
        assert exported[:len(offers)] == [CODEC.encode(o)
                                          for o in sorted(offers, key=lambda o: o.offer_id)]
        assert {"type": "Account", "version": exported[-1]["version"],
                "data": {"account_id": "A1", "holder_id": "H1", "entries": []}} in exported
        more_offers, more_sessions = synthetic_catalog(20, seed=13)
        store.save_catalog(more_offers, more_sessions)
        assert store.catalog.offer_count == len(offers) + len(more_offers)


@pytest.mark.parametrize("document", [
    '{"title": 5}', "not json", '{"price": true}', '{"title": {"a": 1}}', '{"extra": 1}',
    '{"modality": 3}', '{"formacodes": null}', '{"organism": "x"}', '{"summary": null}',
])
def test_a_bad_document_of_schema_2_fails_its_migration_and_changes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, document: str) -> None:
    offers, sessions = synthetic_catalog(10, seed=14)
    good = CODEC.encode(offers[0])["data"]
    try:
        bad = json.dumps({**good, "offer_id": "BAD", **json.loads(document)})
    except ValueError:
        bad = document
    path = tmp_path / "old.db"
    _schema_2_store(path, offers[1:], [s for s in sessions if s.offer_id != good["offer_id"]],
                    monkeypatch, [("BAD", bad)])
    with pytest.raises(StorageError):
        SqliteStore(path).catalog  # noqa: B018
    with sqlite3.connect(path) as raw:
        versions = [v for (v,) in raw.execute("SELECT version FROM schema_version")]
        tables = {t for (t,) in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    raw.close()
    if 3 not in versions:  # the migration refused it: schema 2 untouched
        assert "catalog_parts" not in tables
        assert versions == [1, 2]


@pytest.mark.parametrize(("table", "change"), [
    ("catalog_parts", "data = data || '}'"),
    ("catalog_parts", "data = '[' || part_id || ']'"),
    ("offers", "title = X'00'"),
    ("offers", "title = ''"),
    ("offers", "organism = 12345"),
    ("offers", "price = 'cher'"),
    ("offers", "modality = 'nowhere'"),
    ("sessions", "start = '2020-02-30'"),
    ("sessions", "seats = -3"),
    ("sessions", "place = 999999"),
])
def test_a_damaged_catalogue_row_or_part_is_a_storage_error(
        tmp_path: Path, table: str, change: str) -> None:
    offers, sessions = synthetic_catalog(30, seed=15)
    path = tmp_path / "store.db"
    with SqliteStore(path) as store:
        store.save_catalog(offers, sessions)
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute(f"UPDATE {table} SET {change}")
    raw.close()
    with pytest.raises(StorageError, match="catalogue"):
        SqliteStore(path)
