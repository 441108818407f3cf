"""Shared fixtures: paths, the federal inventory (skipped when ../shared is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pg_server import (  # noqa: F401 - fixtures for every test folder
    DUCKDB_ONLY,
    parametrize_backends,
    postgres_server,
    postgres_url,
    store_backend,
    store_path,
)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FEDERAL_DIR = SHARED / "data" / "us-federal-ai-inventory-2025"


@pytest.fixture
def federal_dir() -> Path:
    if not FEDERAL_DIR.is_dir():
        pytest.skip(f"the federal inventory is not present at {FEDERAL_DIR} (../shared/ is absent)")
    return FEDERAL_DIR


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{DUCKDB_ONLY}(reason): a store test that cannot run on PostgreSQL")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_backends(metafunc)  # the store fixtures run on DuckDB and PostgreSQL
