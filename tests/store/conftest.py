"""A fresh store file for every store test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kairo_scoring.store import PortfolioStore


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()  # the store never creates folders
    return tmp_path / "data" / "kairo.duckdb"


@pytest.fixture
def store(store_path: Path) -> Iterator[PortfolioStore]:
    with PortfolioStore(store_path) as opened:
        yield opened
