"""PostgresStore against a real PostgreSQL server (a throwaway cluster of the test session).

The shipped store contract, the catalogue kept in each process's memory and refreshed in
place, the rules it keeps, and every failure of the server as a ``StorageError``.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import new_schema

from formation.accounts import Account
from formation.errors import InvalidValue, StorageError
from formation.ids import AccountId, EntryId, HolderId
from formation.money import Euros
from formation.ports import Store
from formation.rules.rulebook import Rulebook
from formation.testing.catalog import synthetic_catalog
from formation.testing.contracts import StoreContract



class TestPostgresStore(StoreContract):
    @pytest.fixture(autouse=True)
    def _server(self, postgres_dsn: str) -> None:
        self.dsn = postgres_dsn

    def make_store(self) -> Store:
        from formation.adapters.postgres import PostgresStore

        return PostgresStore(self.dsn, schema=new_schema())

    def same_storage(self, store: Store) -> Store:
        from formation.adapters.postgres import PostgresStore

        assert isinstance(store, PostgresStore)
        return PostgresStore(self.dsn, schema=store.schema)


def _store(dsn: str, schema: str | None = None, **options: object):  # type: ignore[no-untyped-def]
    from formation.adapters.postgres import PostgresStore

    return PostgresStore(dsn, schema=schema or new_schema(), **options)  # type: ignore[arg-type]


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
    _store(postgres_dsn, schema).close()
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
    with pytest.raises(StorageError, match="connecting failed.*nothing was changed"):
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
    store = _store(postgres_dsn, schema)
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
    with _store(postgres_dsn, schema) as again, again.unit_of_work() as uow:
        assert uow.accounts.get(AccountId("A1")).balance().rights == Euros.whole(500)
