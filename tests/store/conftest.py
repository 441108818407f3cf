"""A fresh store for every store test, on each backend: a DuckDB file and a PostgreSQL database.

``store_path`` is where the store lives (a DuckDB file path, or a PostgreSQL URL); tests
that open DuckDB files themselves are marked ``duckdb_only`` with the reason and run once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kairo_scoring.store import PortfolioStore
from tests.pg_server import store_location


@pytest.fixture
def store_backend(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "duckdb")


@pytest.fixture
def store_path(request: pytest.FixtureRequest, store_backend: str, tmp_path: Path) -> Path | str:
    return store_location(request, store_backend, tmp_path)


@pytest.fixture
def store(store_path: Path | str) -> Iterator[PortfolioStore]:
    with PortfolioStore(store_path) as opened:
        yield opened
