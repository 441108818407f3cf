"""The store records its schema version and migrates older stores forward, one step at a time."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kairo_scoring import schema
from kairo_scoring.errors import StoreError
from kairo_scoring.store import (
    STORE_SCHEMA_VERSION,
    PortfolioStore,
    duckdb_backend,
    postgres_backend,
    sql_schema,
)
from tests.store.raw import raw_connection
from tests.store.store_fixtures import make_result


def _meta_version(path: Path) -> str:
    with raw_connection(path) as connection:
        return connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]


def test_the_migration_list_reaches_the_declared_schema_version() -> None:
    assert len(duckdb_backend.MIGRATIONS) == STORE_SCHEMA_VERSION
    assert duckdb_backend.MIGRATIONS is sql_schema.MIGRATIONS  # one list, shared by every backend
    assert postgres_backend.MIGRATIONS is sql_schema.MIGRATIONS


def test_the_schema_version_is_written_once() -> None:
    # The number of migration steps is the version: no second literal to keep in step.
    package = Path(sql_schema.__file__).parent
    assignments = [
        (path.name, line.strip())
        for path in sorted(package.glob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("STORE_SCHEMA_VERSION")
    ]
    assert assignments == [("sql_schema.py", "STORE_SCHEMA_VERSION = len(MIGRATIONS)")]


def test_stored_pilot_columns_match_the_canonical_schema() -> None:
    # A new canonical field needs a migration step that adds its column to `pilots`.
    assert sql_schema.PILOT_FIELDS == schema.CANONICAL_COLUMNS
    for name, sql_type in sql_schema.PILOT_FIELD_COLUMNS:
        assert sql_type == ("DOUBLE" if schema.FIELD_BY_NAME[name].is_numeric else "VARCHAR"), name


def test_a_new_store_records_the_current_version(store_path: Path) -> None:
    with PortfolioStore(store_path) as store:
        assert store.schema_version() == STORE_SCHEMA_VERSION

    assert _meta_version(store_path) == str(STORE_SCHEMA_VERSION)


def test_reopening_a_store_keeps_its_version_and_data(store_path: Path) -> None:
    with PortfolioStore(store_path) as store:
        info = store.import_snapshot(make_result(), portfolio="Acme")

    with PortfolioStore(store_path) as reopened:
        assert reopened.schema_version() == STORE_SCHEMA_VERSION
        assert reopened.snapshot_info(info.snapshot_id).pilots == 3
    assert _meta_version(store_path) == str(STORE_SCHEMA_VERSION)


def test_a_store_newer_than_the_code_is_refused(store_path: Path) -> None:
    PortfolioStore(store_path).close()
    with raw_connection(store_path) as connection:
        connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")

    with pytest.raises(StoreError, match="schema version 99, newer than this version of Kairo"):
        PortfolioStore(store_path)
    assert _meta_version(store_path) == "99"  # refused, not rewritten


def _append_step(monkeypatch: pytest.MonkeyPatch, step) -> None:
    """A release with one more migration step, on both backends."""
    for module in (duckdb_backend, postgres_backend):
        monkeypatch.setattr(module, "MIGRATIONS", [*module.MIGRATIONS, step])


def _add_review_status(cursor) -> None:
    cursor.execute("ALTER TABLE snapshots ADD COLUMN review_status VARCHAR DEFAULT 'open'")


def test_an_appended_step_migrates_a_store_to_the_next_version(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with PortfolioStore(store_path) as store:
        info = store.import_snapshot(make_result(), portfolio="Acme")
    _append_step(monkeypatch, _add_review_status)

    with PortfolioStore(store_path) as migrated:
        assert migrated.schema_version() == STORE_SCHEMA_VERSION + 1
        pd.testing.assert_frame_equal(migrated.load_pilots(info.snapshot_id), make_result().pilots)
        assert migrated.integrity_check() == []

    with raw_connection(store_path) as connection:
        assert connection.execute("SELECT review_status FROM snapshots").fetchall() == [("open",)]


def test_a_failing_step_leaves_the_store_at_its_previous_version(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    PortfolioStore(store_path).close()

    def broken_step(cursor) -> None:
        cursor.execute("ALTER TABLE snapshots ADD COLUMN half_done VARCHAR")
        cursor.execute("SELECT * FROM no_such_table")

    _append_step(monkeypatch, broken_step)

    with pytest.raises(StoreError, match="Cannot prepare the store"):
        PortfolioStore(store_path)

    assert _meta_version(store_path) == str(STORE_SCHEMA_VERSION)
    with raw_connection(store_path) as connection:
        columns = [
            row[0]
            for row in connection.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'snapshots'"
            ).fetchall()
        ]
    assert "half_done" not in columns


def test_a_read_only_open_does_not_migrate(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    PortfolioStore(store_path).close()
    _append_step(monkeypatch, _add_review_status)

    with pytest.raises(
        StoreError, match=f"needs an upgrade to {STORE_SCHEMA_VERSION + 1}: open it once read-write"
    ):
        PortfolioStore(store_path, read_only=True)
    assert _meta_version(store_path) == str(STORE_SCHEMA_VERSION)


def test_a_duckdb_file_that_is_not_a_kairo_store_is_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "analytics.duckdb"
    with duckdb.connect(str(foreign)) as connection:
        connection.execute("CREATE TABLE sales (amount DOUBLE)")

    with pytest.raises(StoreError, match="not a Kairo store"):
        PortfolioStore(foreign)
