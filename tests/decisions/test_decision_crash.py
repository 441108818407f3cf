"""A decision or sign-off killed with SIGKILL mid-write leaves neither the decision (or its
new status) nor its audit row, or both: they are one transaction. On both backends
(``store_path``: a DuckDB file, or a fresh PostgreSQL database whose server sees the killed
client's connection drop and rolls its transaction back)."""

from __future__ import annotations

import getpass
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kairo_scoring import Actor, AuditAction, DecisionStatus, PortfolioStore, record_decisions, score
from kairo_scoring.cli import main
from kairo_scoring.store.postgres_backend import is_database_url
from tests.conftest import REPO
from tests.decisions.conftest import PORTFOLIO, make_intake
from tests.pg_server import wait_for_no_open_transaction


def _run_until_killed(store_path: Path | str, point: str, *command: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.decisions.decide_child", str(store_path), point, *command],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        ready, _, _ = select.select([child.stdout], [], [], 120)
        assert ready, "the child never reached the pause point"
        assert child.stdout.readline().strip() == "paused"
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    if is_database_url(store_path):  # a DuckDB file has no server to wait for
        wait_for_no_open_transaction(str(store_path))


def _prepared(store_path: Path | str) -> int:
    """A store with one snapshot and one decision proposed by 'Setup'; returns its id."""
    with PortfolioStore(store_path) as store:
        info = store.import_snapshot(make_intake(), portfolio=PORTFOLIO)
        scored = score(store.load_pilots(info.snapshot_id))
        return record_decisions(
            store, scored, info.snapshot_id, ["P2"], "accept", actor=Actor.open_mode("Setup")
        )[0]


def _decision_writes(store: PortfolioStore) -> tuple[int, int, int]:
    """(decisions, propose audit rows, approve audit rows)."""
    trail = store.audit()["action"]
    return (
        len(store.decisions()),
        int((trail == AuditAction.PROPOSE_DECISION).sum()),
        int((trail == AuditAction.APPROVE_DECISION).sum()),
    )


@pytest.mark.slow
@pytest.mark.parametrize("point", ["before_audit", "before_commit", "after_commit"])
def test_a_decision_killed_mid_write_leaves_both_or_neither(store_path: Path | str, point: str) -> None:
    _prepared(store_path)

    _run_until_killed(store_path, point, "decide", "--portfolio", PORTFOLIO, "P1", "--accept")

    with PortfolioStore(store_path) as store:
        decisions, proposed, _ = _decision_writes(store)
        assert store.integrity_check() == []
        if point == "after_commit":
            assert (decisions, proposed) == (2, 2)  # both landed
            assert store.decisions(pilot_id="P1").iloc[0]["proposed_by"] == getpass.getuser()
        else:
            assert (decisions, proposed) == (1, 1)  # neither: only the setup's decision and its row
            assert store.decisions(pilot_id="P1").empty
    # The interrupted decision can simply be taken again.
    assert main(["decide", "--db", str(store_path), "--portfolio", PORTFOLIO, "P1", "--retire"]) == 0
    with PortfolioStore(store_path) as store:
        decisions, proposed, _ = _decision_writes(store)
        assert decisions == proposed
        assert store.decisions(pilot_id="P1", in_force=True)["kind"].tolist() == ["retire"]


@pytest.mark.slow
@pytest.mark.parametrize("point", ["before_audit", "before_commit"])
def test_a_sign_off_killed_mid_write_leaves_the_decision_proposed_and_no_audit_row(
    store_path: Path | str, point: str
) -> None:
    decision_id = _prepared(store_path)

    _run_until_killed(store_path, point, "approve", str(decision_id), "--comment", "fine")

    with PortfolioStore(store_path) as store:
        assert store.decisions().iloc[0]["status"] == DecisionStatus.PROPOSED
        assert _decision_writes(store)[2] == 0
        assert store.integrity_check() == []
        store.approve_decisions(decision_id, actor=Actor.open_mode("Kim"))
        assert store.decisions().iloc[0]["status"] == DecisionStatus.APPROVED
        assert _decision_writes(store)[2] == 1
