"""MemoryStore passes the store contract of formation.ports (formation.testing.contracts)."""

from __future__ import annotations

from formation.adapters.memory import MemoryStore
from formation.ports import Store
from formation.testing.contracts import StoreContract


class TestMemoryStore(StoreContract):
    def make_store(self) -> Store:
        return MemoryStore()
