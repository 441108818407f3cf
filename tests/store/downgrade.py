"""Turn a store file back into what an older schema version wrote, step by step.

Each entry undoes one migration step of `kairo_scoring.store.sql_schema.MIGRATIONS`; the
migration tests use it to build the stores an older release left behind, then open them
with this code. A new migration step needs its undo here (the test below checks).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb

from tests.store.raw import raw_connection


def _undo_extra_values(connection: duckdb.DuckDBPyConnection) -> None:  # version 2
    connection.execute("ALTER TABLE pilots DROP COLUMN extra_values")


def _undo_issue_codes(connection: duckdb.DuckDBPyConnection) -> None:  # version 3
    connection.execute("ALTER TABLE issues DROP COLUMN code")
    for snapshot_id, text in connection.execute("SELECT snapshot_id, frame_dtypes FROM snapshots").fetchall():
        dtypes = json.loads(text)
        dtypes["issues"] = [pair for pair in dtypes["issues"] if pair[0] != "code"]
        connection.execute(
            "UPDATE snapshots SET frame_dtypes = ? WHERE snapshot_id = ?", [json.dumps(dtypes), snapshot_id]
        )


def _undo_provenance(connection: duckdb.DuckDBPyConnection) -> None:  # version 4
    connection.execute("DROP TABLE provenance")
    for column in ("provenance_count", "provenance_defaults", "base_snapshot_id"):
        connection.execute(f"ALTER TABLE snapshots DROP COLUMN {column}")


def _undo_as_of(connection: duckdb.DuckDBPyConnection) -> None:  # version 5
    connection.execute("ALTER TABLE snapshots DROP COLUMN as_of")


def _undo_decisions_and_audit(connection: duckdb.DuckDBPyConnection) -> None:  # version 6
    for name in ("audit", "decision_pilots", "decisions"):
        connection.execute(f"DROP TABLE {name}")
    for name in ("audit_id_seq", "decision_id_seq"):
        connection.execute(f"DROP SEQUENCE {name}")


# UNDO[i] takes a store from version i + 2 back to version i + 1.
UNDO: list[Callable[[duckdb.DuckDBPyConnection], None]] = [
    _undo_extra_values,
    _undo_issue_codes,
    _undo_provenance,
    _undo_as_of,
    _undo_decisions_and_audit,
]


def as_version(path: Path | str, version: int) -> None:
    """Turn the store at ``path`` (a file or a PostgreSQL URL, written by this code) back into schema ``version``."""
    with raw_connection(path) as connection:
        (current,) = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        for step in reversed(range(version - 1, int(current) - 1)):
            UNDO[step](connection)
        connection.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
