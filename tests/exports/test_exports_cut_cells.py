"""Texts longer than an Excel cell holds (32,767 characters) are never cut silently: the xlsx
cell says it was cut, how long the text was and where it is whole; a 'Cut cells' sheet lists
every such cell; the csv and parquet keep the text whole; the CLI says so in one line."""

from __future__ import annotations

import csv
import io
import warnings

import openpyxl
import pandas as pd
import pytest

from kairo_scoring import cut_cells_sentence, export_csv, export_xlsx, write_scored, xlsx_cut_cells
from kairo_scoring.cli import main
from kairo_scoring.scoring import score
from kairo_scoring.synthetic import sample_portfolio

LIMIT = 32_767
LONG_NAME = "Claims triage " + "é" * 99_986  # 100,000 characters
LONG_OWNER = "😀" * 20_000  # 20,000 characters, 40,000 UTF-16 units: Excel counts the units
FITS = "y" * LIMIT  # exactly the limit: kept whole


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.fixture(scope="module")
def long_result():
    frame = sample_portfolio().head(6).copy()
    frame.loc[1, "name"] = LONG_NAME
    frame.loc[3, "owner"] = LONG_OWNER
    frame.loc[4, "business_unit"] = FITS
    return score(frame)


@pytest.fixture(scope="module")
def book(long_result):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no Python warning either: the cut is said in the file
        data = export_xlsx(long_result.table, long_result.profile)
    return openpyxl.load_workbook(io.BytesIO(data))


def _cell(book, header: str, row: int) -> str:
    pilots = book["Pilots"]
    column = [c.value for c in pilots[1]].index(header) + 1
    return pilots.cell(row=row, column=column).value


def test_a_cut_cell_keeps_what_fits_and_ends_with_a_visible_marker(book):
    name = _cell(book, "Name", 3)
    kept, marker = name.split("… [cut: ")
    assert marker == "100,000 characters; full text in the csv export]"
    assert LONG_NAME.startswith(kept) and len(kept) > 32_000
    assert _utf16(name) == LIMIT


def test_excel_s_limit_is_counted_in_utf16_units(book):
    owner = _cell(book, "Owner", 5)
    assert owner.endswith("… [cut: 20,000 characters; full text in the csv export]")
    assert _utf16(owner) <= LIMIT and LONG_OWNER.startswith(owner.split("…")[0])
    assert "\ufffd" not in owner  # no half of a surrogate pair left at the cut


def test_a_text_of_exactly_the_limit_is_not_cut(book):
    assert _cell(book, "Business unit", 6) == FITS


def test_the_workbook_lists_every_cut_cell_as_the_library_does(long_result, book):
    assert book.sheetnames[-1] == "Cut cells"
    rows = [[c.value for c in row] for row in book["Cut cells"].iter_rows()]
    assert rows == [
        ["Sheet", "Cell", "Column", "Characters", "Full text in"],
        ["Pilots", "B3", "Name", 100_000, "the csv export"],
        ["Pilots", "D5", "Owner", 20_000, "the csv export"],
    ]
    listed = xlsx_cut_cells(long_result.table, long_result.profile)
    assert listed.values.tolist() == rows[1:]
    pilots = book["Pilots"]
    for sheet, cell, *_ in rows[1:]:  # each listed cell holds the marker
        assert sheet == "Pilots"
        assert "… [cut: " in pilots[cell].value


def test_a_long_cell_of_the_rejected_rows_points_to_the_source_file(long_result):
    rejected = pd.DataFrame({"Pilot": ["P9"], "Notes": ["n" * 50_000], "reject_reason": ["no name"]})
    book = openpyxl.load_workbook(
        io.BytesIO(export_xlsx(long_result.table, long_result.profile, rejected=rejected))
    )
    assert book["Rejected"]["B2"].value.endswith("… [cut: 50,000 characters; full text in the source file]")
    listed = xlsx_cut_cells(long_result.table, long_result.profile, rejected=rejected)
    assert listed[["Sheet", "Cell"]].values.tolist() == [
        ["Pilots", "B3"],
        ["Pilots", "D5"],
        ["Rejected", "B2"],
    ]


def test_the_csv_and_parquet_keep_the_full_text(long_result, tmp_path):
    rows = list(csv.DictReader(io.StringIO(export_csv(long_result.table).decode("utf-8-sig"), newline="")))
    assert rows[1]["name"] == LONG_NAME and rows[3]["owner"] == LONG_OWNER
    [parquet] = write_scored(long_result.table, long_result.profile, tmp_path / "scored.parquet")
    back = pd.read_parquet(parquet)
    assert back["name"].iloc[1] == LONG_NAME and back["owner"].iloc[3] == LONG_OWNER


def test_nothing_cut_means_no_sheet_and_nothing_said():
    result = score(sample_portfolio().head(4))
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(result.table, result.profile)))
    assert "Cut cells" not in book.sheetnames
    assert xlsx_cut_cells(result.table, result.profile).empty
    assert cut_cells_sentence(0) == ""


def test_kairo_score_to_xlsx_says_in_one_line_how_many_cells_were_cut(tmp_path, capsys):
    register = tmp_path / "register.csv"
    register.write_text(
        f"pilot_id,name,owner\nP1,{LONG_NAME},Ann\nP2,Short,{'o' * 40_000}\nP3,Fine,Bo\n", encoding="utf-8"
    )
    assert main(["score", str(register), "-o", str(tmp_path / "scored.xlsx")]) == 0
    said = [line for line in capsys.readouterr().out.splitlines() if "cut" in line]
    assert said == [
        "2 cells longer than an Excel cell holds (32,767 characters) are cut in the xlsx, marked "
        "'[cut: …]' and listed on its 'Cut cells' sheet; the csv export keeps them whole."
    ]

    assert main(["score", str(register), "-o", str(tmp_path / "scored.csv")]) == 0
    assert not [line for line in capsys.readouterr().out.splitlines() if "cut" in line]
    assert pd.read_csv(tmp_path / "scored.csv", encoding="utf-8-sig")["name"].iloc[0] == LONG_NAME
