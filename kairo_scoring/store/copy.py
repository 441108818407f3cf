"""Copy a whole store into an empty one, either backend to either (`kairo store copy`).

The way up from the embedded DuckDB file to a PostgreSQL database shared by several app
replicas (docs/deploy.md), and back down for a local look. Every table of
`sql_schema.TABLES` is copied row for row, ids included, and every id sequence is moved
on to where the source's stood, so the next import, profile or decision on the copy gets
the id it would have got on the source. The source is read in one read (one consistent
snapshot on PostgreSQL) and the target written in one transaction: a copy lands whole
or not at all.

`compare_stores` (``--verify``) compares each table's row count and a content hash that
does not depend on the backend (values written canonically, rows sorted), so a DuckDB
store and its PostgreSQL copy hash alike.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import pandas as pd

from kairo_scoring.errors import Remedy, StoreError
from kairo_scoring.store.sql_backend import Cursor, SqlBackend
from kairo_scoring.store.sql_schema import TABLES, table
from kairo_scoring.store.store import PortfolioStore

__all__ = ["ID_SEQUENCES", "TableCheck", "compare_stores", "copy_store"]

# Each id sequence of the store and the id column it numbers. tests/store/test_store_copy.py
# checks that this names every sequence the migrations create.
ID_SEQUENCES: dict[str, tuple[str, str]] = {
    "portfolio_id_seq": ("portfolios", "portfolio_id"),
    "snapshot_id_seq": ("snapshots", "snapshot_id"),
    "decision_id_seq": ("decisions", "decision_id"),
    "audit_id_seq": ("audit", "audit_id"),
}
# The schema version row the target's own migrations wrote; every other table starts empty.
_META = "meta"


@dataclasses.dataclass(frozen=True)
class TableCheck:
    """One table of a copy: its rows and content hash in the source and in the target."""

    table: str
    source_rows: int
    target_rows: int
    source_hash: str
    target_hash: str

    @property
    def matches(self) -> bool:
        return self.source_rows == self.target_rows and self.source_hash == self.target_hash


# --- reading and hashing -----------------------------------------------------------------
def _canonical(value: object) -> object:
    """A cell as both backends' drivers return it, written one way (JSON-safe)."""
    if value is None:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else repr(value)
    if isinstance(value, Decimal):
        return repr(float(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (bool, int, str)):
        return value
    return str(value)


def _table_rows(cursor: Cursor, name: str) -> tuple[list[str], list[tuple[object, ...]]]:
    result = cursor.execute(f"SELECT * FROM {table(name)}")
    columns = [str(column[0]) for column in result.description]
    return columns, result.fetchall()


def _content_hash(columns: list[str], rows: list[tuple[object, ...]]) -> str:
    """sha256 over the rows as sorted canonical JSON (column names sorted too): backend-neutral."""
    order = sorted(range(len(columns)), key=columns.__getitem__)
    lines = sorted(
        json.dumps([[columns[i], _canonical(row[i])] for i in order], ensure_ascii=False) for row in rows
    )
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _backend(store: PortfolioStore) -> SqlBackend:
    backend = store._backend  # the copy works below the store's units of work, on its tables
    if not isinstance(backend, SqlBackend):
        raise StoreError(f"The store {store!r} is not an SQL store and cannot be copied.")
    return backend


def _read_all(store: PortfolioStore) -> dict[str, tuple[list[str], list[tuple[object, ...]]]]:
    """Every table's columns and rows, in one read."""
    return _backend(store)._read(lambda cursor: {name: _table_rows(cursor, name) for name in TABLES})


def _sequence_values(store: PortfolioStore) -> dict[str, int]:
    """The last id each sequence handed out (0 when none), read through nextval's own rule:
    the next id is at least one past the largest id stored."""
    backend = _backend(store)
    if backend.dialect == "DuckDB":
        query = "SELECT sequence_name, last_value FROM duckdb_sequences() WHERE database_name = current_database()"
    else:
        query = "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()"

    def work(cursor: Cursor) -> dict[str, int]:
        last = {str(name): int(value or 0) for name, value in cursor.execute(query).fetchall()}
        values = {}
        for sequence, (table_name, column) in ID_SEQUENCES.items():
            (largest,) = cursor.execute(
                f"SELECT coalesce(max({column}), 0) FROM {table(table_name)}"
            ).fetchone()
            values[sequence] = max(last.get(sequence, 0), int(largest))
        return values

    return backend._read(work)


# --- the copy ------------------------------------------------------------------------------
def _refuse_non_empty(cursor: Cursor, label: str) -> None:
    filled = [
        name
        for name in TABLES
        if name != _META and cursor.execute(f"SELECT count(*) FROM {table(name)}").fetchall()[0][0]
    ]
    if filled:
        raise StoreError(
            f"The target store {label} is not empty (it holds rows in {', '.join(filled)}): "
            "copy into a new, empty store.",
            remedy=Remedy.STORE_PATH,
        )


def _advance_sequence(cursor: Cursor, dialect: str, sequence: str, last_value: int) -> None:
    """Make the sequence's next value ``last_value + 1`` (the target's is fresh: nothing handed out)."""
    if last_value <= 0:
        return
    if dialect == "DuckDB":
        # DuckDB cannot set a sequence; drawing the ids once in one vectorised query moves it on.
        cursor.execute(f"SELECT max(nextval('{sequence}')) FROM range(?)", [last_value]).fetchall()
    else:
        cursor.execute("SELECT setval(?, ?)", [sequence, last_value]).fetchall()


def copy_store(source: str | Path, target: str | Path) -> list[TableCheck]:
    """Copy every table of the store at ``source`` into the new, empty store at ``target``.

    Either may be a DuckDB file or a ``postgresql://`` URL. Ids are kept and sequences moved
    on, so writes continue on the copy. Raises StoreError (nothing written) when the target
    already holds data; returns `compare_stores` of the two afterwards.
    """
    with PortfolioStore(source, read_only=True) as source_store:
        tables = _read_all(source_store)
        sequences = _sequence_values(source_store)
    with PortfolioStore(target) as target_store:
        backend = _backend(target_store)
        label = backend._shown_path

        def work(cursor: Cursor) -> None:
            _refuse_non_empty(cursor, label)
            for name, (columns, rows) in tables.items():
                if name == _META or not rows:
                    continue
                # Object columns keep each driver's Python values (None, not NaN, for NULL).
                frame = pd.DataFrame(rows, columns=columns, dtype=object)
                cursor.append(name, frame, by_name=True)
            for sequence, last_value in sequences.items():
                _advance_sequence(cursor, backend.dialect, sequence, last_value)

        backend._write(work)
    return compare_stores(source, target)


def compare_stores(source: str | Path, target: str | Path) -> list[TableCheck]:
    """Row count and content hash of every table in both stores (`TableCheck.matches`)."""
    with PortfolioStore(source, read_only=True) as source_store:
        left = _read_all(source_store)
    with PortfolioStore(target, read_only=True) as target_store:
        right = _read_all(target_store)
    return [
        TableCheck(
            table=name,
            source_rows=len(left[name][1]),
            target_rows=len(right[name][1]),
            source_hash=_content_hash(*left[name]),
            target_hash=_content_hash(*right[name]),
        )
        for name in TABLES
    ]
