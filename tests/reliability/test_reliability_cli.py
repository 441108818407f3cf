"""The command line under hostile input: formula-safe outputs read back, a locked store, and
file contents that must not reach the terminal as control sequences."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from kairo_scoring.cli import main
from kairo_scoring.exports import FORMULA_TRIGGERS
from kairo_scoring.store import PortfolioStore
from tests.cli.test_cli import SAMPLE
from tests.conftest import REPO
from tests.reliability import corpus
from tests.store.test_store_concurrency import held_by_another_process

HOSTILE_HEADER = "=cmd|' /C calc'!A0"
HOSTILE_TEXT = ['=HYPERLINK("http://evil.example","click")', "+SUM(1,2)", "-2+3", "@SUM(A1)", "=1+1\r\nline"]


def _hostile_register(path: Path) -> Path:
    rows = [["pilot_id", "name", "owner", HOSTILE_HEADER]]
    rows += [[f"P{i}", text, text, text] for i, text in enumerate(HOSTILE_TEXT)]
    rows += [["=X1", "", "@owner", "-1"]]  # no name: rejected, its values kept as typed
    path.write_bytes(corpus.csv_bytes(rows))
    return path


def _risky(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def test_score_to_csv_writes_no_cell_or_header_that_starts_a_formula(tmp_path: Path) -> None:
    output = tmp_path / "scored.csv"
    assert main(["score", str(_hostile_register(tmp_path / "r.csv")), "-o", str(output)]) == 0
    rejected_file = tmp_path / "scored.rejected.csv"
    for written in (output, rejected_file):
        rows = list(csv.reader(io.StringIO(written.read_bytes().decode("utf-8-sig"), newline="")))
        assert len(rows) > 1
        assert [cell for row in rows for cell in row if _risky(cell)] == []
    scored = list(csv.DictReader(io.StringIO(output.read_bytes().decode("utf-8-sig"), newline="")))
    assert [row["name"] for row in scored] == ["'" + text for text in HOSTILE_TEXT]
    rejected = list(csv.reader(io.StringIO(rejected_file.read_bytes().decode("utf-8-sig"), newline="")))
    assert rejected[0][:4] == ["pilot_id", "name", "owner", "'" + HOSTILE_HEADER]
    assert rejected[1][:4] == ["'=X1", "", "'@owner", "'-1"]


def test_score_to_xlsx_holds_no_formula_and_quote_prefixes_every_risky_text(tmp_path: Path) -> None:
    output = tmp_path / "scored.xlsx"
    assert main(["score", str(_hostile_register(tmp_path / "r.csv")), "-o", str(output)]) == 0
    book = openpyxl.load_workbook(output)
    assert book.sheetnames == ["Pilots", "Summary", "Rejected", "Profile"]
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    risky = [c for c in cells if isinstance(c.value, str) and _risky(c.value)]
    assert {c.parent.title for c in risky} == {"Pilots", "Rejected"}
    assert [f"{c.parent.title}!{c.coordinate}" for c in risky if not c.quotePrefix] == []
    rejected = book["Rejected"]
    assert [c.value for c in rejected[1]][:4] == ["pilot_id", "name", "owner", HOSTILE_HEADER]
    assert rejected["D1"].quotePrefix and rejected["A2"].value == "=X1"


def _kairo(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kairo_scoring.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)},
    )


def test_import_into_a_store_held_by_another_process_exits_2_with_one_line(tmp_path: Path) -> None:
    store_path = tmp_path / "kairo.duckdb"
    PortfolioStore(store_path).close()
    with held_by_another_process(store_path) as holder:
        completed = _kairo("import", str(SAMPLE), "--db", str(store_path), cwd=tmp_path)
    assert completed.returncode == 2
    lines = completed.stderr.strip().splitlines()
    assert lines == [
        f"kairo: The store kairo.duckdb is open in another program (pid {holder.pid}): "
        "close it or choose another store path."
    ]
    assert completed.stdout == ""
    with PortfolioStore(store_path) as store:
        assert store.row_counts()["snapshots"] == 0


def test_validate_prints_control_characters_from_the_file_escaped(tmp_path: Path, capsys) -> None:
    register = tmp_path / "r.csv"
    register.write_bytes(
        corpus.csv_bytes([["name", "risk_level"], ["A", "\x1b[2J\x1b]0;pwned\x07"], ["B", "\u202eabc"]])
    )
    assert main(["validate", str(register)]) == 0
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "\x07" not in printed and "\u202e" not in printed
    assert "\\u001b[2J" in printed and "\\u202eabc" in printed


@pytest.mark.parametrize(
    "sheet", ["Line one\nLine two", "Bell\x07\x1b[31m"], ids=["line-break", "terminal-escape"]
)
def test_an_error_quoting_the_command_line_stays_one_escaped_line(tmp_path: Path, capsys, sheet: str) -> None:
    register = tmp_path / "r.xlsx"
    register.write_bytes(corpus.xlsx_bytes([["name"], ["A"]]))
    assert main(["validate", str(register), "--sheet", sheet]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith("kairo: The workbook has no sheet named")
    assert "\x1b" not in error and "\x07" not in error
