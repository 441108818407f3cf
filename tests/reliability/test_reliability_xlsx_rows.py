"""Tall workbooks: a workbook costs more memory per row than a csv (the reader's grid of the
whole sheet, then a row list per row), so an xlsx has its own row limit, ``max_xlsx_rows``,
refused from the XML before the reader allocates, with the way out (csv reads twice as many
rows). Every workbook within it is read under 1 GiB; the scan that judges it is a regex pass
per row, not a Python step per tag."""

from __future__ import annotations

import io
import zipfile
from array import array
from pathlib import Path

import pytest

from kairo_scoring.errors import IntakeError
from kairo_scoring.intake import IntakeLimits, read_portfolio
from kairo_scoring.intake.readers import _scan_sheet_part
from tests.reliability import corpus
from tests.reliability.test_reliability_memory import PEAK_LIMIT_MIB, _read_in_child

LIMITS = IntakeLimits()
CSV_WAY_OUT = "Save the sheet as .csv (csv reads up to 1,000,000 rows)"


def test_a_workbook_over_the_xlsx_row_limit_is_refused_with_the_csv_way_out() -> None:
    data = corpus.dense_register_xlsx(1_300, 3, cell_references=False)
    with pytest.raises(IntakeError) as refused:
        read_portfolio(data, filename="tall.xlsx", limits=IntakeLimits(max_xlsx_rows=1_000))
    assert str(refused.value) == (
        "Sheet 'Pilots' has 1,300 rows; the limit for a workbook is 1,000. Save the sheet as .csv "
        "(csv reads up to 1,000,000 rows) and read that instead, or split the register."
    )
    # Title rows above the header have the same headroom as the general row limit.
    accepted = read_portfolio(data, filename="tall.xlsx", limits=IntakeLimits(max_xlsx_rows=1_200))
    assert len(accepted.pilots) == 1_299


def test_plain_and_irregular_rows_are_placed_by_the_same_rules() -> None:
    # Plain rows (read a row at a time) between rows the scan walks tag by tag: a row with
    # its r last, a cell whose quoted attribute hides a '<c', rich text, formatting only.
    sheet = (
        b"<sheetData>"
        b'<row r="2"><c r="B2"><v>1</v></c><c r="C2" s="1"/></row>'  # plain, referenced
        b'<row spans="1:3" r="5"><c><v>1</v></c><c><v>2</v></c></row>'  # r not first: walked
        b"<row><c/><c><v>1</v></c><c><v>2</v></c></row>"  # plain, no r: row 6, B6:C6
        b'<row><c x="&lt;" y="<c r=\'Z99\'>"><v>1</v></c></row>'  # quoted '<': walked, A7 only
        b'<row><c><is><r><t>rich</t></r></is></c><c r="E3"><v>1</v></c></row>'  # walked: A8, E3
        b'<row r="9"/><row><c><v>1</v></c><c s="2"/></row>'  # empty row 9, then A10 (B10 format only)
        b"</sheetData>"
    )
    data = corpus.xlsx_from_parts([("Pilots", [sheet])])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        extent = _scan_sheet_part(archive, info, "Sheet 'Pilots'", array("I"), 0, LIMITS)
    assert extent is not None
    placed = (extent.cells, extent.top, extent.left, extent.bottom, extent.right)
    # B2; A5 B5; B6 C6; A7; A8 E3; A10 → 9 cells, rows 2..10 (0-based 1..9), columns A..E.
    assert placed == (9, 1, 0, 9, 4)
    assert (extent.farthest_down, extent.farthest_right) == ((9, 0), (2, 4))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("rows", "columns"), [(1_000_000, 10), (1_000_000, 5)], ids=["1000000x10", "1000000x5"]
)
def test_a_million_row_workbook_is_refused_before_allocating(tmp_path: Path, rows: int, columns: int) -> None:
    # Within max_rows, max_cells and the file limit, but read it peaked at 1,352 / 1,120 MiB.
    path = tmp_path / "tall.xlsx"
    path.write_bytes(corpus.dense_register_xlsx(rows, columns, cell_references=False))
    size_mib = path.stat().st_size / 2**20
    assert rows <= LIMITS.max_rows and rows * columns <= LIMITS.max_cells and size_mib < 50
    figures = _read_in_child(path, "tall.xlsx", address_space_mib=4096)
    assert figures["outcome"] == "refused" and CSV_WAY_OUT in figures["reason"], figures
    assert f"has {rows:,} rows; the limit for a workbook is 500,000" in figures["reason"]
    # The file's bytes and the streamed scan's buffers: nothing sized by the sheet's cells.
    assert figures["peak_mib"] - figures["baseline_mib"] < size_mib + 48
    assert figures["seconds"] < 60  # the streamed scan; a shared 2-core machine


@pytest.mark.slow
def test_a_workbook_at_the_xlsx_row_limit_and_the_cell_limit_is_read_under_1_gib(tmp_path: Path) -> None:
    rows, columns = LIMITS.max_xlsx_rows, LIMITS.max_cells // LIMITS.max_xlsx_rows
    path = tmp_path / "tall.xlsx"
    path.write_bytes(corpus.dense_register_xlsx(rows, columns, cell_references=False))
    figures = _read_in_child(path, "tall.xlsx", address_space_mib=4096)
    assert (figures["outcome"], figures["pilots"], figures["rejected"]) == ("accepted", rows - 1, 0)
    assert figures["peak_mib"] < PEAK_LIMIT_MIB
