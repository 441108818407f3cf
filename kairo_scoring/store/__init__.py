"""The portfolio store: every import kept as a snapshot, plus scoring and mapping profiles.

Embedded DuckDB by default (``data/kairo.duckdb``, or ``$KAIRO_STORE``); see docs/store.md.
"""

from kairo_scoring.store.backend import STORE_SCHEMA_VERSION, SnapshotRecord, StoreBackend
from kairo_scoring.store.store import (
    DEFAULT_STORE_PATH,
    STORE_PATH_ENV,
    PortfolioStore,
    SnapshotInfo,
    resolve_store_path,
)

__all__ = [
    "DEFAULT_STORE_PATH",
    "STORE_PATH_ENV",
    "STORE_SCHEMA_VERSION",
    "PortfolioStore",
    "SnapshotInfo",
    "SnapshotRecord",
    "StoreBackend",
    "resolve_store_path",
]
