"""integrity_check passes on a sound store and names what is wrong in a damaged one."""

from __future__ import annotations

from pathlib import Path

from kairo_scoring.store import PortfolioStore
from tests.store.raw import raw_connection
from tests.store.store_fixtures import make_result


def _import_two(store_path: Path) -> tuple[int, int]:
    with PortfolioStore(store_path) as store:
        first = store.import_snapshot(make_result(content_hash="one"), portfolio="Acme")
        second = store.import_snapshot(make_result(content_hash="two"), portfolio="Acme")
        assert store.integrity_check() == []
    return first.snapshot_id, second.snapshot_id


def _tamper(store_path: Path, sql: str, params: list[object]) -> None:
    # Behind the store's back: a second program editing the file while the store is closed.
    with raw_connection(store_path) as connection:
        connection.execute(sql, params)


def _problems(store_path: Path) -> list[str]:
    with PortfolioStore(store_path) as store:
        return store.integrity_check()


def test_a_sound_store_has_no_problems(store: PortfolioStore) -> None:
    assert store.integrity_check() == []
    store.import_snapshot(make_result(), portfolio="Acme")
    assert store.integrity_check() == []


def test_a_pilot_row_deleted_behind_the_stores_back_is_reported(store_path: Path) -> None:
    first, _second = _import_two(store_path)
    _tamper(store_path, "DELETE FROM pilots WHERE snapshot_id = ? AND row_order = 1", [first])

    assert _problems(store_path) == [f"Snapshot {first} records 3 rows in pilots but holds 2."]


def test_rows_of_a_missing_snapshot_are_reported(store_path: Path) -> None:
    first, second = _import_two(store_path)
    _tamper(store_path, "DELETE FROM snapshots WHERE snapshot_id = ?", [second])

    problems = _problems(store_path)

    assert f"pilots holds 3 rows of snapshot {second}, which does not exist." in problems
    assert f"rejected_rows holds 2 rows of snapshot {second}, which does not exist." in problems
    assert f"issues holds 3 rows of snapshot {second}, which does not exist." in problems
    assert not any(f"snapshot {first}" in problem.lower() for problem in problems)


def test_a_snapshot_without_portfolio_is_reported(store_path: Path) -> None:
    first, second = _import_two(store_path)
    _tamper(store_path, "DELETE FROM portfolios WHERE name = ?", ["Acme"])

    assert _problems(store_path) == [
        f"Snapshot {first} belongs to no portfolio.",
        f"Snapshot {second} belongs to no portfolio.",
    ]


def test_a_tampered_rejected_count_is_reported(store_path: Path) -> None:
    first, _second = _import_two(store_path)
    _tamper(store_path, "UPDATE snapshots SET rejected_count = 5 WHERE snapshot_id = ?", [first])

    assert _problems(store_path) == [f"Snapshot {first} records 5 rows in rejected_rows but holds 2."]
