"""`kairo store copy` / `copy_store`: a whole store to another backend, ids and sequences kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kairo_scoring import ROLES_ENV, PortfolioStore, compare_stores, copy_store
from kairo_scoring.cli import main
from kairo_scoring.store.copy import ID_SEQUENCES
from kairo_scoring.store.sql_schema import TABLES
from tests.decisions.conftest import PORTFOLIO, ROLES, make_intake
from tests.store.raw import raw_connection

# A child process holding a DuckDB store open read-write, as the running app does.
HOLD_STORE = (
    "import sys, time\n"
    "from kairo_scoring import PortfolioStore\n"
    "store = PortfolioStore(sys.argv[1])\n"
    "print('open', flush=True)\n"
    "time.sleep(60)\n"
)


@pytest.fixture
def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A DuckDB store with two imports, a deleted third (its id used up), a decision and its audit."""
    roles = tmp_path / "roles.toml"
    roles.write_text(ROLES, encoding="utf-8")
    monkeypatch.setenv(ROLES_ENV, str(roles))
    path = tmp_path / "source.duckdb"
    with PortfolioStore(path) as store:
        store.import_snapshot(make_intake(), portfolio=PORTFOLIO)
        store.import_snapshot(make_intake(2.0), portfolio=PORTFOLIO)
        third = store.import_snapshot(make_intake(3.0), portfolio=PORTFOLIO)
        store.delete_snapshot(third.snapshot_id)
    code = main(
        ["decide", "--db", str(path), "--portfolio", PORTFOLIO, "P1", "--accept", "--user", "ed@example.com"]
    )
    assert code == 0
    return str(path)


def _run(capsys, *argv: str) -> tuple[int, list[str], list[str]]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def test_duckdb_to_postgresql_and_back_keeps_every_table(source, postgres_url, tmp_path):
    checks = copy_store(source, postgres_url)
    assert all(check.matches for check in checks), [c for c in checks if not c.matches]
    counts = {check.table: check.target_rows for check in checks}
    assert counts["snapshots"] == 2 and counts["pilots"] == 6 and counts["decisions"] == 1
    assert counts["audit"] >= 4  # three imports, a deletion, a decision
    back = tmp_path / "back.duckdb"
    assert all(check.matches for check in copy_store(postgres_url, back))
    assert all(check.matches for check in compare_stores(source, back))
    with PortfolioStore(back, read_only=True) as copied, PortfolioStore(source, read_only=True) as original:
        assert copied.snapshots().equals(original.snapshots())
        assert copied.load_pilots(2).equals(original.load_pilots(2))
        assert copied.integrity_check() == []


def test_the_cli_copy_verifies_and_hides_the_password(source, postgres_url, capsys):
    code, out, err = _run(capsys, "store", "copy", "--from", source, "--to", postgres_url, "--verify")
    assert (code, err) == (0, [])
    assert out[0].startswith(f"Copied {source} to postgresql://kairo@127.0.0.1:")
    assert out[-1].startswith("Verified: every table of postgresql://")
    assert "kairo-test-secret" not in "\n".join(out)
    assert sum(line.endswith(", matches") for line in out) == len(TABLES)


def test_a_tampered_copy_fails_verify(source, postgres_url, capsys):
    copy_store(source, postgres_url)
    with raw_connection(postgres_url) as raw:
        raw.execute("UPDATE pilots SET name = ? WHERE pilot_id = ? AND snapshot_id = ?", ["Changed", "P1", 2])
    checks = {check.table: check for check in compare_stores(source, postgres_url)}
    assert not checks["pilots"].matches
    assert checks["pilots"].source_rows == checks["pilots"].target_rows  # same count, other content
    assert [name for name, check in checks.items() if not check.matches] == ["pilots"]
    code, out, err = _run(capsys, "store", "verify", "--from", source, "--to", postgres_url)
    assert code == 2
    assert len(err) == 1 and "differs from" in err[0] and "in pilots" in err[0], err
    assert any(line.strip().startswith("pilots:") and "DIFFERS" in line for line in out)


def test_a_non_empty_target_is_refused_and_left_alone(source, postgres_url, capsys):
    with PortfolioStore(postgres_url) as target:
        target.import_snapshot(make_intake(9.0), portfolio="Other")
        before = target.row_counts()
    code, out, err = _run(capsys, "store", "copy", "--from", source, "--to", postgres_url)
    assert (code, out) == (2, [])
    assert len(err) == 1 and "is not empty" in err[0] and "new, empty store" in err[0], err
    assert "kairo-test-secret" not in err[0]
    with PortfolioStore(postgres_url) as target:
        assert target.row_counts() == before


@pytest.mark.parametrize("direction", ["duckdb_to_postgresql", "postgresql_to_duckdb"])
def test_writes_continue_on_the_copy_with_the_next_ids(direction, source, postgres_url, tmp_path):
    if direction == "postgresql_to_duckdb":
        copy_store(source, postgres_url)
        origin, copy = postgres_url, str(tmp_path / "copy.duckdb")
    else:
        origin, copy = source, postgres_url
    copy_store(origin, copy)
    new_ids = []
    for location in (origin, copy):
        with PortfolioStore(location) as store:
            info = store.import_snapshot(make_intake(4.0), portfolio=PORTFOLIO)
            new_portfolio = store.import_snapshot(make_intake(5.0), portfolio="Second")
        code = main(
            [
                "decide",
                "--db",
                location,
                "--portfolio",
                PORTFOLIO,
                "P2",
                "--accept",
                "--user",
                "eve@example.com",
            ]
        )
        assert code == 0
        with PortfolioStore(location, read_only=True) as store:
            decisions = store.decisions(PORTFOLIO)
            assert store.integrity_check() == []
        with raw_connection(location) as raw:
            audit_ids = [
                row[0] for row in raw.execute("SELECT audit_id FROM audit ORDER BY audit_id").fetchall()
            ]
        new_ids.append(
            (info.snapshot_id, new_portfolio.snapshot_id, sorted(decisions["decision_id"]), audit_ids)
        )
    assert new_ids[0] == new_ids[1]
    assert new_ids[1][0] == 4  # the deleted snapshot 3 keeps its id used up on the copy too


@pytest.mark.parametrize("backend", ["duckdb", "postgresql"])
def test_every_id_sequence_of_the_schema_is_copied(backend, postgres_url, tmp_path):
    location = postgres_url if backend == "postgresql" else tmp_path / "fresh.duckdb"
    PortfolioStore(location).close()
    query = (
        "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
        if backend == "postgresql"
        else "SELECT sequence_name FROM duckdb_sequences()"
    )
    with raw_connection(location) as raw:
        names = {row[0] for row in raw.execute(query).fetchall()}
    assert names == set(ID_SEQUENCES)


def test_a_source_held_by_the_running_app_is_one_line_and_nothing_is_created(source, tmp_path, capsys):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_STORE, source], stdout=subprocess.PIPE, text=True, cwd=Path.cwd()
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        target = tmp_path / "target.duckdb"
        code, out, err = _run(capsys, "store", "copy", "--from", source, "--to", str(target))
        assert (code, out) == (2, [])
        assert len(err) == 1 and "is open in another program" in err[0], err
        assert not target.exists()
    finally:
        holder.kill()
        holder.wait()
