"""A `kairo import` killed with SIGKILL inside its transaction: on restart the store opens,
holds no partial snapshot, and the interrupted import can simply be repeated (and lands once).
On both backends (``store_path``: a DuckDB file, or a fresh PostgreSQL database, whose server
sees the killed client's connection drop and rolls its transaction back)."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from kairo_scoring.cli import main
from kairo_scoring.intake import read_portfolio
from kairo_scoring.store import PortfolioStore
from kairo_scoring.store.postgres_backend import is_database_url
from kairo_scoring.synthetic import generate_portfolio
from tests.cli.test_cli import SAMPLE
from tests.conftest import REPO
from tests.pg_server import wait_for_no_open_transaction

# More than one DuckDB row group (122,880 rows), so the import writes row groups to the
# database file before it commits: the kill leaves real, uncommitted blocks behind (on
# PostgreSQL, the COPY has written the rows' heap pages).
REGISTER_ROWS = 130_000
PORTFOLIO = "Quarterly review"


def _store_bytes(store_path: Path | str) -> int:
    """The DuckDB file's size, or the PostgreSQL database's (uncommitted rows take space too)."""
    if not is_database_url(store_path):
        return Path(store_path).stat().st_size
    import psycopg

    with psycopg.connect(str(store_path), autocommit=True) as connection:
        return int(connection.execute("SELECT pg_database_size(current_database())").fetchone()[0])


def _store_state(store_path: Path | str) -> tuple[dict[str, int], pd.DataFrame, list[str]]:
    with PortfolioStore(store_path) as store:
        snapshots = store.snapshots().drop(columns="created_at")
        return store.row_counts(), snapshots, store.integrity_check()


def _wait_for_pause(child: subprocess.Popen[str], timeout: float) -> None:
    assert child.stdout is not None
    ready, _, _ = select.select([child.stdout], [], [], timeout)
    assert ready, "the child never reached the pause point"
    assert child.stdout.readline().strip() == "paused"


@pytest.mark.slow
@pytest.mark.parametrize("pause_at", ["after_pilots", "before_commit"])
def test_an_import_killed_mid_transaction_leaves_no_trace_and_can_be_repeated(
    tmp_path: Path,
    store_path: Path | str,
    store_backend: str,
    capsys: pytest.CaptureFixture[str],
    pause_at: str,
) -> None:
    register = tmp_path / "register.csv"
    generate_portfolio(REGISTER_ROWS, seed=11).to_csv(register, index=False)
    assert main(["import", str(SAMPLE), "--db", str(store_path), "--portfolio", PORTFOLIO]) == 0
    with PortfolioStore(store_path) as store:
        earlier_pilots = store.load_pilots(1)
    counts_before, snapshots_before, problems = _store_state(store_path)
    assert problems == [] and len(snapshots_before) == 1
    size_before = _store_bytes(store_path)

    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.import_child", str(register), str(store_path), pause_at],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_pause(child, timeout=180)
        time_to_kill = time.perf_counter() - started
        size_at_kill = _store_bytes(store_path)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
    if is_database_url(store_path):  # a DuckDB file has no server to wait for
        wait_for_no_open_transaction(str(store_path))

    counts_after, snapshots_after, problems = _store_state(store_path)
    assert problems == []
    assert counts_after == counts_before
    pd.testing.assert_frame_equal(snapshots_after, snapshots_before)
    with PortfolioStore(store_path) as store:  # the import committed before the crash is intact
        pd.testing.assert_frame_equal(store.load_pilots(1), earlier_pilots)

    intake = read_portfolio(register)  # the same file again: read once, imported twice
    with PortfolioStore(store_path) as store:
        repeated = store.import_snapshot(intake, portfolio=PORTFOLIO)
        again = store.import_snapshot(intake, portfolio=PORTFOLIO)
    assert repeated.is_new and repeated.pilots == REGISTER_ROWS
    assert not again.is_new and again.snapshot_id == repeated.snapshot_id
    counts_final, snapshots_final, problems = _store_state(store_path)
    assert problems == []
    assert len(snapshots_final) == 2 and snapshots_final["source_name"].tolist().count("register.csv") == 1
    assert counts_final["pilots"] == counts_before["pilots"] + REGISTER_ROWS
    with capsys.disabled():  # the figures docs/reliability.md quotes
        print(
            f"\ncrash run ({store_backend}, {pause_at}): {REGISTER_ROWS:,} rows, killed {time_to_kill:.1f} s after start, "
            f"store {size_before / 1e6:.1f} MB before, {size_at_kill / 1e6:.1f} MB at the kill; snapshots "
            f"{len(snapshots_before)} before, {len(snapshots_after)} after restart, {len(snapshots_final)} after "
            f"the repeat; pilot rows {counts_before['pilots']:,} → {counts_after['pilots']:,} → "
            f"{counts_final['pilots']:,}; imports lost: {len(snapshots_before) - len(snapshots_after)}"
        )
