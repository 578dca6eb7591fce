"""PostgresStore against a real PostgreSQL server (a throwaway cluster of the test session).

The shipped store contract, the catalogue kept in each process's memory and refreshed in
place, the rules it keeps, and every failure of the server as a ``StorageError``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest

from conftest import new_schema
from formation.accounts import Account
from formation.errors import FormationError, InvalidValue, StorageError
from formation.ids import AccountId, EntryId, HolderId, SessionId
from formation.money import Euros
from formation.ports import Store
from formation.rules.rulebook import Rulebook
from formation.testing.catalog import synthetic_catalog
from formation.testing.contracts import StoreContract


class TestPostgresStore(StoreContract):
    @pytest.fixture(autouse=True)
    def _server(self, postgres_dsn: str) -> Iterator[None]:
        self.dsn = postgres_dsn
        self.opened: list[Any] = []
        yield
        for store in self.opened:
            store.close()

    def make_store(self) -> Store:
        return self._open(new_schema())

    def same_storage(self, store: Store) -> Store:
        return self._open(getattr(store, "schema"))  # noqa: B009

    def _open(self, schema: str) -> Store:
        from formation.adapters.postgres import PostgresStore

        store = PostgresStore(self.dsn, schema=schema)
        self.opened.append(store)
        return store


def _store(dsn: str, schema: str | None = None, **options: object):  # type: ignore[no-untyped-def]
    from formation.adapters.postgres import PostgresStore

    if "schema" not in options:
        options["schema"] = new_schema() if schema is None else schema
    return PostgresStore(dsn, **options)  # type: ignore[arg-type]


def test_everything_committed_is_there_after_reopening(postgres_dsn: str) -> None:
    schema = new_schema()
    with _store(postgres_dsn, schema) as store:
        account = Account(AccountId("A1"), HolderId("H1"))
        account.credit(EntryId("c1"), Euros.whole(700), date(2025, 4, 15), year=2024)
        with store.unit_of_work() as uow:
            uow.accounts.add(account)
            uow.commit()
    with _store(postgres_dsn, schema) as again, again.unit_of_work() as uow:
        assert uow.accounts.get(AccountId("A1")).balance().rights == Euros.whole(700)
        assert again.schema_version == 1


def test_the_catalogue_of_another_process_is_followed_in_place(postgres_dsn: str) -> None:
    schema = new_schema()
    offers, sessions = synthetic_catalog(60, seed=3)
    half = len(offers) // 2
    first = {o.offer_id for o in offers[:half]}
    with _store(postgres_dsn, schema) as a, _store(postgres_dsn, schema) as b:
        a.save_catalog(offers[:half], [s for s in sessions if s.offer_id in first])
        index = b.catalog
        assert index.offer_count == half
        b.save_catalog(offers[half:], [s for s in sessions if s.offer_id not in first])
        assert a.catalog.offer_count == len(offers)
        assert b.catalog is index  # the same index, brought up to date, not rebuilt
        assert len(b.catalog) == len(sessions)


def test_a_store_keeps_its_rulebook_and_refuses_another(postgres_dsn: str) -> None:
    schema = new_schema()
    what_if = Rulebook.default().with_change(effective=date(2027, 1, 1),
                                             flat_participation=Euros.whole(150))
    with _store(postgres_dsn, schema, rulebook=what_if) as store:
        assert store.rulebook == what_if
    with _store(postgres_dsn, schema) as again:
        assert again.rulebook == what_if
    with pytest.raises(StorageError, match="keeps its own rulebook"):
        _store(postgres_dsn, schema, rulebook=Rulebook.default().with_change(
            effective=date(2027, 1, 1), flat_participation=Euros.whole(120)))


def test_a_newer_schema_is_refused_untouched(postgres_dsn: str) -> None:
    import psycopg

    schema = new_schema()
    _store(postgres_dsn, schema).close()  # created at the current schema
    with psycopg.connect(postgres_dsn, autocommit=True) as db:
        db.execute(f"INSERT INTO {schema}.schema_version VALUES (99, 'from the future')")
    with pytest.raises(StorageError, match="newer than this library"):
        _store(postgres_dsn, schema)


def test_a_schema_of_another_application_is_refused_untouched(postgres_dsn: str) -> None:
    import psycopg

    schema = new_schema()
    with psycopg.connect(postgres_dsn, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
        db.execute(f"CREATE TABLE {schema}.invoices (id INTEGER)")
    with pytest.raises(StorageError, match="another application"):
        _store(postgres_dsn, schema)
    with psycopg.connect(postgres_dsn, autocommit=True) as db:
        tables = db.execute("SELECT table_name FROM information_schema.tables "
                            "WHERE table_schema = %s", (schema,)).fetchall()
    assert tables == [("invoices",)]


@pytest.mark.parametrize("dsn", [
    "host=/nonexistent-socket-folder dbname=nothing",
    "postgresql://nobody@localhost:1/nothing?connect_timeout=2",
])
def test_an_unreachable_server_is_a_storage_error_naming_it(dsn: str) -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StorageError, match=r"connecting failed.*nothing was changed"):
        _store(dsn)


def test_a_refused_login_is_a_storage_error_without_the_password(postgres_dsn: str) -> None:
    import psycopg

    with psycopg.connect(postgres_dsn, autocommit=True) as db:
        db.execute("DROP ROLE IF EXISTS nologin_user")
        db.execute("CREATE ROLE nologin_user NOLOGIN")
    with pytest.raises(StorageError) as caught:
        _store(postgres_dsn + " user=nologin_user password=s3cret")
    assert "s3cret" not in str(caught.value)
    assert "nologin_user" in str(caught.value)


@pytest.mark.parametrize("options", [{"schema": "no spaces"}, {"schema": ""},
                                     {"connect_timeout": 0}, {"rulebook": "default"}])
def test_bad_options_are_invalid_values(postgres_dsn: str, options: dict[str, object]) -> None:
    with pytest.raises(InvalidValue):
        _store(postgres_dsn, **options)


def test_a_killed_backend_is_a_storage_error_and_loses_nothing_acknowledged(
        postgres_dsn: str) -> None:
    import psycopg

    schema = new_schema()
    store = _store(postgres_dsn, schema, index_catalog=False)
    account = Account(AccountId("A1"), HolderId("H1"))
    account.credit(EntryId("c1"), Euros.whole(500), date(2025, 4, 15), year=2024)
    with store.unit_of_work() as uow:
        uow.accounts.add(account)
        uow.commit()
    pid = store._db.info.backend_pid
    with psycopg.connect(postgres_dsn, autocommit=True) as db:
        db.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(StorageError, match="nothing was changed"), store.unit_of_work() as uow:
        uow.accounts.get(AccountId("A1"))
    store.close()
    with _store(postgres_dsn, schema) as again, again.unit_of_work() as uow:
        assert uow.accounts.get(AccountId("A1")).balance().rights == Euros.whole(500)


def test_an_export_imports_into_another_schema_equal(postgres_dsn: str) -> None:
    offers, sessions = synthetic_catalog(30, seed=9)
    with _store(postgres_dsn) as source:
        source.save_catalog(offers, sessions)
        account = Account(AccountId("A1"), HolderId("H1"))
        account.credit(EntryId("c1"), Euros.whole(900), date(2025, 4, 15), year=2024)
        with source.unit_of_work() as uow:
            uow.accounts.add(account)
            uow.commit()
        lines = list(source.export_lines())
    with _store(postgres_dsn) as target:
        summary = target.import_lines(lines)
        assert (summary.accounts, summary.entries, summary.offers, summary.sessions) == (
            1, 1, len(offers), len(sessions))
        assert list(target.export_lines()) == lines
        with pytest.raises(FormationError):
            target.import_lines(lines)  # every id is stored already: nothing more
        assert target.counts()["offers"] == len(offers)


def test_processes_racing_on_accounts_and_seats_conserve_money_and_never_oversell(
        postgres_dsn: str) -> None:
    import multiprocessing

    import postgres_race
    from formation.catalog.offers import Session

    schema = new_schema()
    workers, operations, accounts, sessions = 8, 60, 5, 4
    offers, catalog_sessions = synthetic_catalog(4, seed=11)
    one_seat = [attrs.evolve(catalog_sessions[i % len(catalog_sessions)], session_id=f"S{i}",
                             seats=1) for i in range(sessions)]
    with _store(postgres_dsn, schema) as store:
        store.save_catalog(offers, one_seat)
        with store.unit_of_work() as uow:
            for n in range(accounts):
                account = Account(AccountId(f"A{n}"), HolderId(f"H{n}"))
                account.credit(EntryId("credit"), Euros.whole(2000), date(2025, 4, 15),
                               year=2024)
                uow.accounts.add(account)
            uow.commit()
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        results = pool.starmap(postgres_race.work, [
            (postgres_dsn, schema, w, operations, accounts, sessions) for w in range(workers)])
    with _store(postgres_dsn, schema) as store, store.unit_of_work() as uow:
        for n in range(accounts):
            account = uow.accounts.get(AccountId(f"A{n}"))
            still_held = sum(cents for r in results for account_id, cents in r["held"].values()
                             if account_id == f"A{n}")
            balance = account.balance()
            assert balance.held == Euros(still_held)  # every acknowledged hold, nothing lost
            assert balance.available == Euros.whole(2000) - Euros(still_held)
            assert balance.available.cents >= 0
        for n in range(sessions):
            holders = uow.catalog.seat_holders(SessionId(f"S{n}"))
            assert len(holders) <= 1  # never oversold
            won = [folder for r in results for session, folder in r["seats"]
                   if session == f"S{n}"]
            assert sorted(holders) == sorted(won)  # exactly the acknowledged winner
        assert isinstance(one_seat[0], Session)


def test_the_cli_exports_and_imports_a_postgresql_database(postgres_dsn: str,
                                                            tmp_path: Path) -> None:
    from psycopg.conninfo import conninfo_to_dict

    from formation.cli import main

    parts = conninfo_to_dict(postgres_dsn)
    url = f"postgresql:///{parts['dbname']}?host={parts['host']}&user={parts['user']}"
    offers, sessions = synthetic_catalog(20, seed=12)
    with _store(postgres_dsn, "formation") as store:
        store.save_catalog(offers, sessions)
    out = io.StringIO()
    assert main(["export", "--db", url, "--out", str(tmp_path / "all.jsonl")], out) == 0
    lines = (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(offers) + len(sessions)
    # into a new database of the same server
    import psycopg

    with psycopg.connect(postgres_dsn, autocommit=True) as db:
        db.execute("DROP DATABASE IF EXISTS cli_copy")
        db.execute("CREATE DATABASE cli_copy")
    copy = url.replace(f"///{parts['dbname']}?", "///cli_copy?")
    assert main(["import", "--db", copy, str(tmp_path / "all.jsonl")], io.StringIO()) == 0
    with _store(postgres_dsn.replace(f"dbname={parts['dbname']}", "dbname=cli_copy"),
                "formation") as again:
        assert again.counts()["sessions"] == len(sessions)
