"""A fresh store for every store test, on each backend: a DuckDB file and a PostgreSQL database.

``store_path`` is where the store lives (a DuckDB file path, or a PostgreSQL URL); tests
that open DuckDB files themselves are marked ``duckdb_only`` with the reason and run once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kairo_scoring.store import PortfolioStore


@pytest.fixture
def store(store_path: Path | str) -> Iterator[PortfolioStore]:
    with PortfolioStore(store_path) as opened:
        yield opened
