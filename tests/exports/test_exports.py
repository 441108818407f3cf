"""Exports: formatted workbook, and no formula from user text in xlsx or csv (read back to check)."""

from __future__ import annotations

import csv
import errno
import io
import zipfile

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from kairo_scoring.errors import OutputError
from kairo_scoring.exports import (
    FORMULA_TRIGGERS,
    export_csv,
    export_xlsx,
    neutralise_formulas,
    people_frame,
    write_outputs,
    write_scored,
)
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
    # The 40,000-character business unit is cut to fit: the 'Cut cells' sheet lists it.
    assert book.sheetnames == ["Pilots", "Summary", "Rejected", "Profile", "Cut cells"]
    formulas = [c.coordinate for s in book for row in s.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    pilots = book["Pilots"]
    headers = [c.value for c in pilots[1]]
    name_col = headers.index("Name") + 1
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
    # Headed by labels, not codes (issue 9: the xlsx is for people; the csv keeps the codes).
    assert headers[:9] == [
        "Pilot ID", "Name", "Business unit", "Owner", "Stage", "Current mode", "Recommended now", "Target", "Verdict",
    ]  # fmt: skip
    assert len(pilots.conditional_formatting) >= 1  # verdict colours
    long_cell = pilots.cell(row=len(HOSTILE) + 2, column=headers.index("Business unit") + 1).value
    assert len(long_cell) == 32_767
    assert long_cell.endswith("… [cut: 40,000 characters; full text in the csv export]")
    summary = {r[0].value: r[1].value for r in book["Summary"].iter_rows(min_row=2)}
    verdicts = hostile_result.table["verdict"].value_counts()
    assert summary["Promote"] == verdicts.get("promote", 0)
    assert sum(summary.values()) == len(hostile_result.table)
    profile_rows = {(r[0].value, r[1].value): r[2].value for r in book["Profile"].iter_rows(min_row=2)}
    assert profile_rows[("Profile", "Content hash")] == hostile_result.profile.content_hash


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


def test_xlsx_reads_back_the_same_values_as_the_table(hostile_result):
    # calamine decodes Excel's _xHHHH_ escapes of control characters as Excel does; openpyxl does not.
    # The workbook holds what people_frame shows (labels, rounded scores), cell for cell.
    table = people_frame(hostile_result.table, hostile_result.profile)
    data = export_xlsx(hostile_result.table, hostile_result.profile)
    read = pd.read_excel(io.BytesIO(data), sheet_name="Pilots", engine="calamine", dtype=object)
    assert list(read.columns) == list(table.columns) and len(read) == len(table)
    for column in table.columns:
        for expected, cell in zip(table[column].astype(object), read[column], strict=True):
            if pd.isna(expected) or expected == "":
                assert pd.isna(cell), column
            elif isinstance(expected, str) and len(expected) > 32_767:
                kept, marker = cell.split("… [cut: ", 1)  # cut to fit, and says so
                assert expected.startswith(kept) and len(cell) == 32_767, column
                assert marker == f"{len(expected):,} characters; full text in the csv export]", column
            elif isinstance(expected, str):
                assert cell == expected, column
            else:
                assert float(cell) == pytest.approx(float(expected)), column


def test_xlsx_is_streamed_row_by_row(hostile_result, monkeypatch):
    # constant_memory: each row is flushed to disk as the next begins, so memory stays flat
    # however long the table (bench/bench_export.py measures it on 200,000 pilots).
    options = []
    original = xlsxwriter.Workbook.__init__

    def record(self, filename=None, opts=None):
        options.append(dict(opts or {}))
        original(self, filename, opts)

    monkeypatch.setattr(xlsxwriter.Workbook, "__init__", record)
    export_xlsx(hostile_result.table, hostile_result.profile)
    assert options and options[0]["constant_memory"] and not options[0].get("in_memory")
    sheet = zipfile.ZipFile(io.BytesIO(export_xlsx(hostile_result.table, hostile_result.profile)))
    assert b't="inlineStr"' in sheet.read("xl/worksheets/sheet1.xml")  # written as it streamed


def test_write_outputs_writes_all_files_or_leaves_every_one_as_it_was(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(b"old a")

    def fail(temp):
        temp.write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError, match=r"cannot write .*b\.csv: No space left on device; free some space"):
        write_outputs({first: lambda temp: temp.write_bytes(b"new a"), second: fail})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"] and first.read_bytes() == b"old a"
    assert write_outputs(
        {first: lambda t: t.write_bytes(b"new a"), second: lambda t: t.write_bytes(b"b")}
    ) == [
        first,
        second,
    ]
    assert first.read_bytes() == b"new a" and second.read_bytes() == b"b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]


def test_write_outputs_unwraps_xlsxwriter_errors_and_never_overwrites_an_input(tmp_path, hostile_result):
    register = tmp_path / "r.xlsx"
    register.write_bytes(b"the register")
    with pytest.raises(OutputError, match="is the input"):
        write_scored(hostile_result.table, hostile_result.profile, register, inputs=[register])
    assert register.read_bytes() == b"the register"

    def xlsxwriter_fails(temp):
        raise xlsxwriter.exceptions.FileCreateError(OSError(errno.EFBIG, "File too large"))

    with pytest.raises(OutputError, match=r"out\.xlsx: File too large; free some space"):
        write_outputs({tmp_path / "out.xlsx": xlsxwriter_fails})
    with pytest.raises(OutputError, match="folder .*missing does not exist"):
        write_outputs({tmp_path / "missing" / "out.xlsx": xlsxwriter_fails})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]


def test_every_markup_payload_reads_back_as_typed_text_from_xlsx_and_csv():
    from tests.security.test_output_safety import FIGURE_PAYLOADS, JS_LINK

    payloads = [*FIGURE_PAYLOADS, JS_LINK, "\u202eevil\u2028line", '=HYPERLINK("http://evil.example")']
    frame = sample_portfolio().head(len(payloads)).copy()
    frame["name"] = payloads
    result = score(frame)
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(result.table, result.profile)))
    names = [row[1] for row in book["Pilots"].iter_rows(min_row=2, values_only=True)]
    assert names == payloads  # text, never a formula or a link: HTML means nothing in a cell
    assert [c.hyperlink for row in book["Pilots"].iter_rows() for c in row if c.hyperlink] == []
    rows = list(csv.DictReader(io.StringIO(export_csv(result.table).decode("utf-8-sig"), newline="")))
    assert [row["name"] for row in rows] == [p if not p.startswith("=") else "'" + p for p in payloads]


def test_the_xlsx_for_people_shows_labels_and_rounded_numbers():
    # issue 9: codes and 16.66666666666667 stayed in the workbook; they stay only in the csv.
    result = score(sample_portfolio())
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(result.table, result.profile)))
    pilots = book["Pilots"]
    headers = [c.value for c in pilots[1]]
    assert "Monthly value (USD)" in headers and "Recommended now" in headers and "Shared assets" in headers
    codes = {"not_ready", "needs_data", "shared_workspace", "api_pipeline", "assisted_desktop", "at_risk"}
    texts = [c.value for row in pilots.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if any(code in t for code in codes)][:5]
    assert "unknown" in texts  # a missing answer reads unknown, not blank or None
    for name in ("Readiness", "Completeness", "Fit: Shared AI workspace"):
        col = headers.index(name)
        numbers = [r[col].value for r in pilots.iter_rows(min_row=2) if isinstance(r[col].value, float | int)]
        assert numbers and all(float(n).is_integer() for n in numbers), name
    verdicts = {r[headers.index("Verdict")].value for r in pilots.iter_rows(min_row=2)}
    assert verdicts <= {
        "At risk",
        "Not ready",
        "Simplify",
        "Promote",
        "Build readiness",
        "Hold",
        "Needs data",
    }
    blockers = [r[headers.index("What blocks it")].value for r in pilots.iter_rows(min_row=2)]
    assert any(b and "at least" in b for b in blockers)
    summary_header = [c.value for c in book["Summary"][1]]
    assert summary_header == ["Verdict", "Pilots", "Monthly value (USD)"]
    gates = [r[2].value for r in book["Profile"].iter_rows(min_row=2) if r[0].value == "Gate"]
    assert "Shared assets at least 3" in gates
    # the csv keeps the codes for other tools
    text = export_csv(result.table).decode("utf-8-sig")
    assert "shared_workspace" in text and "verdict" in text.splitlines()[0]
