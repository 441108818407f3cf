"""A store is built through `__init__`, whether it opens a path or wraps an opened backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from kairo_scoring.store import PortfolioStore
from kairo_scoring.store.duckdb_backend import DuckDBBackend
from tests.store.store_fixtures import make_result


class _CountingStore(PortfolioStore):
    built = 0

    def __init__(self, *args, **kwargs):
        type(self).built += 1
        super().__init__(*args, **kwargs)


@pytest.mark.duckdb_only(reason="wraps a DuckDBBackend; test_postgres_backend wraps a PostgresBackend")
def test_from_backend_goes_through_init(store_path: Path) -> None:
    with _CountingStore.from_backend(DuckDBBackend(store_path), label="wrapped") as store:
        assert _CountingStore.built == 1
        assert store.path == "wrapped" and not store.read_only
        info = store.import_snapshot(make_result(), portfolio="Acme")
        assert store.snapshot_info(info.snapshot_id).pilots == 3


@pytest.mark.duckdb_only(reason="argument check, no database involved")
def test_a_backend_and_a_path_together_are_refused(store_path: Path, tmp_path: Path) -> None:
    backend = DuckDBBackend(store_path)
    try:
        with pytest.raises(TypeError, match="either a path"):
            PortfolioStore(tmp_path / "other.duckdb", backend=backend)
    finally:
        backend.close()
