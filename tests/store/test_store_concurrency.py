"""Several threads share one store (as Streamlit sessions do); another process is told the file is taken."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import duckdb
import pytest

from kairo_scoring.errors import StoreError, StoreLockedError
from kairo_scoring.store import PortfolioStore, SnapshotInfo, duckdb_backend, sql_units
from kairo_scoring.store.duckdb_backend import DuckDBBackend
from tests.store.store_fixtures import make_result

T = TypeVar("T")
THREADS = 8


def _run_together(work: Callable[[int], T], count: int = THREADS) -> list[T]:
    """Run ``work(i)`` in ``count`` threads released at the same moment; re-raise the first failure."""
    barrier = threading.Barrier(count)
    results: list[T | None] = [None] * count
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    assert all(not thread.is_alive() for thread in threads)
    return results  # type: ignore[return-value]


def test_different_imports_from_eight_threads_all_land_once(store: PortfolioStore) -> None:
    def import_one(i: int) -> SnapshotInfo:
        names = [f"Pilot {i}-{k}" for k in range(i + 1)]
        return store.import_snapshot(make_result(names, content_hash=f"file-{i}"), portfolio="Shared")

    infos = _run_together(import_one)

    assert all(info.is_new for info in infos)
    assert len({info.snapshot_id for info in infos}) == THREADS
    assert len(store.snapshots("Shared")) == THREADS
    assert store.portfolios()["portfolio"].tolist() == ["Shared"]
    for i, info in enumerate(infos):
        assert store.load_pilots(info.snapshot_id)["name"].tolist() == [
            f"Pilot {i}-{k}" for k in range(i + 1)
        ]
    assert store.row_counts()["pilots"] == sum(range(1, THREADS + 1))
    assert store.integrity_check() == []


def test_the_same_import_from_several_threads_lands_exactly_once(store: PortfolioStore) -> None:
    infos = _run_together(lambda _i: store.import_snapshot(make_result(), portfolio="Shared"))

    assert sum(info.is_new for info in infos) == 1
    assert len({info.snapshot_id for info in infos}) == 1
    assert store.row_counts()["snapshots"] == 1
    assert store.row_counts()["pilots"] == 3
    assert store.integrity_check() == []


def test_readers_and_writers_share_the_store(store: PortfolioStore) -> None:
    seed = store.import_snapshot(make_result(content_hash="seed"), portfolio="Shared")

    def mixed(i: int) -> int:
        if i % 2:
            return len(store.load_pilots(seed.snapshot_id)) + len(store.snapshots())
        return store.import_snapshot(make_result(content_hash=f"w{i}"), portfolio="Shared").pilots

    results = _run_together(mixed)

    assert all(r >= 3 for r in results)
    assert store.row_counts()["snapshots"] == 1 + THREADS // 2
    assert store.integrity_check() == []


HOLD_LOCK = textwrap.dedent(
    """
    import sys, duckdb
    connection = duckdb.connect(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.readline()
    connection.close()
    """
)


@contextlib.contextmanager
def held_by_another_process(store_path: Path) -> Iterator[subprocess.Popen]:
    """A second process holding the store file open (and so its lock) until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(store_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        yield holder
    finally:
        assert holder.stdin is not None
        holder.stdin.write("done\n")
        holder.stdin.flush()
        holder.wait(timeout=30)


@pytest.mark.duckdb_only(reason="a DuckDB file lock; a PostgreSQL database is shared by design")
def test_a_store_held_by_another_process_raises_store_locked_error(store_path: Path) -> None:
    PortfolioStore(store_path).close()
    with held_by_another_process(store_path) as holder, pytest.raises(StoreLockedError) as raised:
        PortfolioStore(store_path)

    message = str(raised.value)
    assert f"pid {holder.pid}" in message
    assert "is open in another program" in message
    assert "close it or choose another store path" in message
    assert "kairo.duckdb" in message

    with PortfolioStore(store_path) as reopened:  # free again once the other program closed it
        assert reopened.schema_version() >= 1


@pytest.mark.duckdb_only(reason="raises DuckDB conflicts; test_postgres_backend has the PostgreSQL one")
def test_a_conflicting_unit_of_work_is_retried_then_reported_as_busy(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql_units, "_BACKOFF_SECONDS", 0.0)
    backend = DuckDBBackend(store_path)
    attempts: list[int] = []

    def conflicts_twice(cursor: duckdb.DuckDBPyConnection) -> str:
        attempts.append(1)
        cursor.execute("INSERT INTO meta (key, value) VALUES (?, ?)", [f"probe-{len(attempts)}", "x"])
        if len(attempts) <= 2:
            raise duckdb.TransactionException("TransactionContext Error: Conflict on update!")
        return "committed"

    def always_conflicts(_cursor: duckdb.DuckDBPyConnection) -> None:
        raise duckdb.TransactionException("TransactionContext Error: Conflict on update!")

    try:
        assert backend._write(conflicts_twice) == "committed"
        assert len(attempts) == 3
        # Only the attempt that committed left its row; the two conflicting ones were rolled back.
        assert backend.row_counts()["meta"] == 2

        with pytest.raises(StoreError, match=f"busy: {duckdb_backend.MAX_ATTEMPTS} attempts conflicted"):
            backend._write(always_conflicts)
    finally:
        backend.close()
