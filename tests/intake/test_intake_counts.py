"""Nothing lost, visibly: every row a person sees below the header is usable, rejected, or
skipped as blank or as a total, and the counts add up (csv and xlsx alike); the workbook is
read once per command; the intake benchmark runs."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from kairo_scoring import IssueCode, read_portfolio
from kairo_scoring.cli import main
from kairo_scoring.intake import pipeline, readers, report
from kairo_scoring.intake.limits import IntakeLimits

ROOT = Path(__file__).resolve().parents[2]

# pilot_id, name, business_unit, users: 5 pilots (one without a name), 3 blank rows, 3 totals.
ROWS: list[list[object]] = [
    ["P1", "Invoice bot", "Finance", 3],
    [None, None, None, None],
    ["P2", "Triage", "HR", 4],
    [None, "Total", None, 7],  # the label where the name goes
    [None, None, "Subtotal Finance", 7],  # the label first in a row without a name
    [None, None, None, None],
    [None, None, None, None],
    ["P3", "Total Rewards bot", "HR", 2],  # a pilot whose name begins with the word
    ["P4", "Total", "Ops", 1],  # "Total" with a pilot ID is a pilot
    ["P5", None, "Ops", 1],  # no name: rejected, not skipped
    [None, "Grand total:", None, 17],
]
HEADER = ["pilot_id", "name", "business_unit", "users"]


def _csv_bytes(rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row] if any(row) else [])
    return buffer.getvalue().encode()


def _xlsx_bytes(rows: list[list[object]], title_rows: int = 0) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for i in range(title_rows):
        sheet.cell(row=i + 1, column=1, value=f"Register, part {i + 1}")
    for j, header in enumerate(HEADER):
        sheet.cell(row=title_rows + 1, column=j + 1, value=header)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if cell is not None:
                sheet.cell(row=title_rows + 2 + i, column=j + 1, value=cell)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rows_a_person_sees(rows: list[list[object]]) -> int:
    """Counted independently of intake: rows below the header up to the last filled one."""
    last = max(i for i, row in enumerate(rows) if any(cell is not None for cell in row))
    return last + 1


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_blank_and_total_rows_are_counted_apart_and_the_counts_add_up(kind: str) -> None:
    data = _csv_bytes(ROWS) if kind == "csv" else _xlsx_bytes(ROWS, title_rows=2)

    result = read_portfolio(data, filename=f"register.{kind}")

    assert (result.skipped_blank, result.skipped_totals) == (3, 3)
    assert len(result.pilots) == 4 and len(result.rejected) == 1
    assert result.source_rows == _rows_a_person_sees(ROWS) == 11
    assert len(result.pilots) + len(result.rejected) + 3 + 3 == result.source_rows
    assert result.skipped_phrase() == "skipped: 3 blank, 3 totals"
    assert sorted(result.pilots["name"]) == ["Invoice bot", "Total", "Total Rewards bot", "Triage"]
    totals = result.issues[result.issues["code"] == IssueCode.TOTALS_ROW.value]
    first_data_row = 2 if kind == "csv" else 4
    assert totals["row"].tolist() == [first_data_row + 3, first_data_row + 4, first_data_row + 10]
    assert totals["value"].tolist() == ["Total", "Subtotal Finance", "Grand total:"]
    assert (totals["severity"] == "info").all()


def test_trailing_blank_rows_are_not_counted() -> None:
    data = _csv_bytes([["P1", "A", "Ops", 1], [None] * 4, [None] * 4])

    result = read_portfolio(data, filename="register.csv")

    assert (result.skipped_blank, result.source_rows, result.skipped_phrase()) == (0, 1, "")


def test_validate_prints_the_skipped_rows(tmp_path: Path, capsys) -> None:
    source = tmp_path / "register.csv"
    source.write_bytes(_csv_bytes(ROWS))

    assert main(["validate", str(source)]) == 0

    assert "Rows: 5 read, 4 usable, 1 rejected; skipped: 3 blank, 3 totals" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["validate", "score"])
def test_the_workbook_is_read_once_per_command(tmp_path: Path, monkeypatch, command: str) -> None:
    source = tmp_path / "register.xlsx"
    source.write_bytes(_xlsx_bytes(ROWS))
    calls = []
    real = pipeline.read_workbook

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "read_workbook", counting)
    argv = [command, str(source)] + (["-o", str(tmp_path / "scored.csv")] if command == "score" else [])

    assert main(argv) == 0

    assert calls == ["register.xlsx"]


def test_the_intake_benchmark_runs_in_its_smoke_mode() -> None:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_intake.py"), "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    for line in ("kairo validate (xlsx)", "pandas.read_excel(engine='openpyxl')", "kairo validate (csv)"):
        assert line in out, out
    assert "pandas.read_csv" in out and "ratio" in out


def _workbook_with(cells: dict[str, object]) -> bytes:
    workbook = openpyxl.Workbook()
    for address, value in {"A1": "name", "B1": "controls", "A2": "A", **cells}.items():
        workbook.active[address] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("cells", "expected"), [({"B2": 3}, False), ({"B2": "=1+2"}, True)])
def test_the_extent_scan_sees_formulas_as_the_formula_scan_does(cells, expected) -> None:
    data = _workbook_with(cells)

    workbook = readers.read_workbook(data, "register.xlsx", IntakeLimits())

    assert workbook.formulas is readers.has_formulas(data) is expected


def test_a_workbook_without_formulas_is_not_scanned_for_them_again(monkeypatch) -> None:
    calls = []
    # The layout remarks (report.py) ask for the formula cells.
    monkeypatch.setattr(report, "formula_cells", lambda *args: calls.append(args) or [])

    read_portfolio(_workbook_with({"B2": 3}), filename="register.xlsx")
    assert calls == []
    read_portfolio(_workbook_with({"B2": "=1+2"}), filename="register.xlsx")
    assert len(calls) == 1
