"""An import is one transaction: a failure anywhere in it leaves the store exactly as it was."""

from __future__ import annotations

import pandas as pd
import pytest

from kairo_scoring.errors import StoreError
from kairo_scoring.store import PortfolioStore
from kairo_scoring.store.sql_backend import SqlBackend
from tests.store.store_fixtures import make_result


class RejectedInsertFailed(RuntimeError):
    pass


def _fail_rejected_insert(*_args: object) -> None:
    raise RejectedInsertFailed("disk full while writing rejected rows")


def _state(store: PortfolioStore) -> tuple[dict[str, int], pd.DataFrame, pd.DataFrame]:
    return store.row_counts(), store.portfolios(), store.snapshots()


def test_failure_while_writing_rejected_rows_leaves_store_unchanged(
    store: PortfolioStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = store.import_snapshot(make_result(content_hash="earlier"), portfolio="Acme")
    counts_before, portfolios_before, snapshots_before = _state(store)
    monkeypatch.setattr(SqlBackend, "_insert_rejected", _fail_rejected_insert)

    with pytest.raises(RejectedInsertFailed):
        store.import_snapshot(make_result(content_hash="later"), portfolio="Acme")

    counts_after, portfolios_after, snapshots_after = _state(store)
    assert counts_after == counts_before
    pd.testing.assert_frame_equal(portfolios_after, portfolios_before)
    pd.testing.assert_frame_equal(snapshots_after, snapshots_before)
    assert store.latest_snapshot_id("Acme") == existing.snapshot_id
    assert store.integrity_check() == []


def test_failed_first_import_does_not_create_the_portfolio(
    store: PortfolioStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SqlBackend, "_insert_rejected", _fail_rejected_insert)

    with pytest.raises(RejectedInsertFailed):
        store.import_snapshot(make_result(), portfolio="Brand new")

    assert set(store.row_counts().values()) == {0, 1}  # only meta holds its version row
    assert store.row_counts()["meta"] == 1
    assert store.portfolios().empty


def test_database_error_in_the_last_step_rolls_back_and_is_a_store_error(
    store: PortfolioStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts_before = store.row_counts()

    def broken_issue_insert(self: SqlBackend, cursor, *_args: object) -> None:
        cursor.execute("INSERT INTO issues (snapshot_id) VALUES (?)", ["not a number"])

    monkeypatch.setattr(SqlBackend, "_insert_issues", broken_issue_insert)

    with pytest.raises(StoreError, match="could not complete"):
        store.import_snapshot(make_result(), portfolio="Acme")

    assert store.row_counts() == counts_before


def test_store_is_usable_and_the_import_succeeds_after_a_failure(
    store: PortfolioStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(SqlBackend, "_insert_rejected", _fail_rejected_insert)
        with pytest.raises(RejectedInsertFailed):
            store.import_snapshot(make_result(), portfolio="Acme")

    info = store.import_snapshot(make_result(), portfolio="Acme")

    assert info.is_new
    assert store.row_counts()["rejected_rows"] == 2
    assert store.integrity_check() == []
