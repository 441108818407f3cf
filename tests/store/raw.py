"""A raw connection to a store behind its back (tampering, downgrades), on either backend.

``execute(sql, params)`` takes the store's own SQL (``?`` placeholders) on DuckDB and
PostgreSQL alike, and returns something with ``fetchone``/``fetchall``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from kairo_scoring.store.postgres_backend import is_database_url, postgres_sql


class _PostgresConnection:
    def __init__(self, url: str):
        import psycopg

        self._connection = psycopg.connect(url, autocommit=True)

    def execute(self, statement: str, parameters: Any = None) -> Any:
        return self._connection.execute(postgres_sql(statement), parameters)

    def close(self) -> None:
        self._connection.close()


@contextlib.contextmanager
def raw_connection(location: Path | str, *, read_only: bool = False) -> Iterator[Any]:
    """A DB-API-like connection to the store at ``location`` (a DuckDB file or a PostgreSQL URL)."""
    if is_database_url(location):
        connection = _PostgresConnection(str(location))
        try:
            yield connection
        finally:
            connection.close()
        return
    with duckdb.connect(str(location), read_only=read_only) as connection:
        yield connection
