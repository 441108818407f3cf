"""Exports: formatted workbook, and no formula from user text in xlsx or csv (read back to check)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from kairo_scoring.exports import FORMULA_TRIGGERS, export_csv, export_xlsx, neutralise_formulas, write_scored
from kairo_scoring.scoring import score
from kairo_scoring.synthetic import sample_portfolio

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "\x00=1+1",
    "=cmd|' /C calc'!A0",
]


@pytest.fixture(scope="module")
def hostile_result():
    frame = sample_portfolio().head(len(HOSTILE) + 2).copy()
    for i, text in enumerate(HOSTILE):
        frame.loc[i, "name"] = text
        frame.loc[i, "owner"] = text
    frame.loc[len(HOSTILE), "business_unit"] = "x" * 40_000  # longer than an Excel cell holds
    return score(frame)


def test_xlsx_holds_no_formula_and_quote_prefixes_risky_text(hostile_result):
    rejected = pd.DataFrame({"Pilot name": ["=1+1"], "reject_reason": ["no name"]})
    book = openpyxl.load_workbook(
        io.BytesIO(export_xlsx(hostile_result.table, hostile_result.profile, rejected=rejected))
    )
    assert book.sheetnames == ["Pilots", "Summary", "Rejected", "Profile"]
    formulas = [c.coordinate for s in book for row in s.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    pilots = book["Pilots"]
    headers = [c.value for c in pilots[1]]
    name_col = headers.index("name") + 1
    for row, _text in enumerate(HOSTILE, start=2):
        cell = pilots.cell(row=row, column=name_col)
        assert cell.data_type == "s"
        assert cell.quotePrefix, cell.value
    assert book["Rejected"]["A2"].data_type == "s" and book["Rejected"]["A2"].quotePrefix


def test_xlsx_is_formatted_for_reading(hostile_result):
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(hostile_result.table, hostile_result.profile)))
    pilots = book["Pilots"]
    assert pilots.freeze_panes == "A2"
    assert pilots.auto_filter.ref is not None
    headers = [c.value for c in pilots[1]]
    assert headers[:9] == [
        "pilot_id", "name", "business_unit", "owner", "stage", "current_mode", "recommended", "target", "verdict",
    ]  # fmt: skip
    assert len(pilots.conditional_formatting) >= 1  # verdict colours
    long_cell = pilots.cell(row=len(HOSTILE) + 2, column=headers.index("business_unit") + 1).value
    assert len(long_cell) == 32_767
    summary = {r[0].value: r[1].value for r in book["Summary"].iter_rows(min_row=2)}
    verdicts = hostile_result.table["verdict"].value_counts()
    assert summary["Promote"] == verdicts.get("promote", 0)
    assert sum(summary.values()) == len(hostile_result.table)
    profile_rows = {(r[0].value, r[1].value): r[2].value for r in book["Profile"].iter_rows(min_row=2)}
    assert profile_rows[("Profile", "content hash")] == hostile_result.profile.content_hash


def test_csv_prefixes_every_risky_cell_with_an_apostrophe(hostile_result):
    text = export_csv(hostile_result.table).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    for row, original in zip(rows, HOSTILE, strict=False):
        assert row["name"] == "'" + original
        assert row["owner"].startswith("'")
    for row in rows:
        for value in row.values():
            assert not value or value[0] not in FORMULA_TRIGGERS, value


def test_numbers_stay_numbers_and_safe_text_is_untouched():
    frame = pd.DataFrame({"name": ["Invoice triage", "-", "=x"], "monthly_volume": [-5.0, 3.0, 1.0]})
    safe = neutralise_formulas(frame)
    assert list(safe["name"]) == ["Invoice triage", "'-", "'=x"]
    assert list(safe["monthly_volume"]) == [-5.0, 3.0, 1.0]


def test_write_scored_puts_rejected_rows_beside_a_csv(tmp_path, hostile_result):
    rejected = pd.DataFrame({"name": ["@evil"], "reject_reason": ["duplicate"]})
    written = write_scored(
        hostile_result.table, hostile_result.profile, tmp_path / "out.csv", rejected=rejected
    )
    assert [p.name for p in written] == ["out.csv", "out.rejected.csv"]
    assert pd.read_csv(written[1], encoding="utf-8-sig")["name"].tolist() == ["'@evil"]
