"""The store is built from one module per family of operations (store.py, snapshots.py, …;
sql_backend.py, sql_snapshots.py, …): no family may silently shadow another's method."""

from __future__ import annotations

import pytest

from kairo_scoring.store import PortfolioStore, StoreBackend
from kairo_scoring.store.duckdb_backend import DuckDBBackend
from kairo_scoring.store.postgres_backend import PostgresBackend
from kairo_scoring.store.sql_backend import SqlBackend


def _families(cls: type) -> list[type]:
    return [c for c in cls.__mro__ if c.__module__.startswith("kairo_scoring.store.")]


def _shadowed(cls: type) -> list[str]:
    """Names defined by more than one class ``cls`` is built from (the first one wins unseen)."""
    homes: dict[str, list[str]] = {}
    for family in _families(cls):
        for name in vars(family):
            if not name.startswith("__"):
                homes.setdefault(name, []).append(family.__name__)
    return sorted(f"{name}: {', '.join(where)}" for name, where in homes.items() if len(where) > 1)


@pytest.mark.parametrize("cls", [PortfolioStore, SqlBackend], ids=lambda c: c.__name__)
def test_no_family_of_the_store_shadows_another(cls):
    assert _families(cls)[0] is cls
    assert _shadowed(cls) == []


def test_the_shadow_check_sees_a_method_defined_twice():
    class Reads:
        __module__ = "kairo_scoring.store.fake"

        def load(self): ...

    class Writes(Reads):
        __module__ = "kairo_scoring.store.fake"

        def load(self): ...

    assert _shadowed(Writes) == ["load: Writes, Reads"]


@pytest.mark.parametrize("backend", [DuckDBBackend, PostgresBackend], ids=lambda c: c.__name__)
def test_each_backend_still_has_every_backend_method(backend):
    missing = [
        name
        for name in dir(StoreBackend)
        if not name.startswith("_") and callable(getattr(StoreBackend, name)) and not hasattr(backend, name)
    ]
    assert missing == []
