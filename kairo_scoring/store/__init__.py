"""The portfolio store: every import kept as a snapshot, plus scoring and mapping profiles,
and the start-up work that fills a new store (default profile, bundled sample).

Embedded DuckDB by default (``data/kairo.duckdb``, or ``$KAIRO_STORE``), PostgreSQL for a
``postgresql://`` URL; see docs/store.md.
"""

from kairo_scoring.store import governance
from kairo_scoring.store.backend import SnapshotRecord, StoreBackend
from kairo_scoring.store.copy import TableCheck, compare_stores, copy_store
from kairo_scoring.store.governance import *  # noqa: F403
from kairo_scoring.store.location import is_database_url
from kairo_scoring.store.sql_schema import STORE_SCHEMA_VERSION
from kairo_scoring.store.startup import SAMPLE_PORTFOLIO, ensure_default_profile, ensure_sample_portfolio
from kairo_scoring.store.store import (
    DEFAULT_STORE_PATH,
    STORE_PATH_ENV,
    PortfolioStore,
    SavedAnswers,
    SnapshotInfo,
    resolve_store_path,
)

__all__ = [
    *governance.__all__,
    "DEFAULT_STORE_PATH",
    "SAMPLE_PORTFOLIO",
    "STORE_PATH_ENV",
    "STORE_SCHEMA_VERSION",
    "PortfolioStore",
    "SavedAnswers",
    "SnapshotInfo",
    "SnapshotRecord",
    "StoreBackend",
    "TableCheck",
    "compare_stores",
    "copy_store",
    "ensure_default_profile",
    "ensure_sample_portfolio",
    "is_database_url",
    "resolve_store_path",
]
