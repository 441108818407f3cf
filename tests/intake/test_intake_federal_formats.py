"""The 2025 US Federal AI Use Case Inventory (../shared/) written by the tests in every other
format the reader supports: .ods, .xls, and a csv whose header sits below a three-row title
block with leading empty columns. Each imports 3,611/3,611 rows (accepted + rejected) with
the same pilots as the published xlsx.

The cells come from the xlsx as calamine reads them; the writers are test-only: OpenDocument
XML by hand (as `test_intake_dialects.ods_bytes`, with escaping and one paragraph per line)
and xlwt for .xls.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from kairo_scoring import read_portfolio

pytestmark = [pytest.mark.shared, pytest.mark.timeout(120)]

XLSX_NAME = "2025_individually_reported_AI_use_cases.xlsx"
ROWS_IN_INVENTORY = 3611
SHEET = "Consolidated Inventory"
TITLE_BLOCK = [["2025 AI Use Case Inventory"], ["Consolidated by OMB, written again by the tests"], []]
LEADING_EMPTY_COLUMNS = 2


@pytest.fixture(scope="module")
def federal_xlsx():
    from tests.conftest import FEDERAL_DIR

    path = FEDERAL_DIR / XLSX_NAME
    if not path.is_file():
        pytest.skip(f"the federal inventory is not present at {path} (../shared/ is absent)")
    return path


@pytest.fixture(scope="module")
def grid(federal_xlsx) -> list[list[object]]:
    """The published sheet's cells, row by row (its empty first row left out, as calamine does)."""
    rows = CalamineWorkbook.from_path(str(federal_xlsx)).get_sheet_by_name(SHEET).to_python()
    assert len(rows) == ROWS_IN_INVENTORY + 1  # the header and one row per use case
    return rows


@pytest.fixture(scope="module")
def from_xlsx(federal_xlsx):
    return read_portfolio(federal_xlsx)


def _text(value: object) -> str:
    """A cell as a person would type it in a csv: whole numbers without '.0', dates in ISO."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def ods_bytes(rows: list[list[object]], sheet: str) -> bytes:
    """An OpenDocument spreadsheet: text cells escaped, a paragraph per line, dates as dates."""

    def paragraphs(text: str) -> str:
        return "".join(f"<text:p>{escape(line)}</text:p>" for line in text.split("\n"))

    def cell(value: object) -> str:
        if value is None or value == "":
            return "<table:table-cell/>"
        if isinstance(value, float):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value!r}">'
                f"{paragraphs(_text(value))}</table:table-cell>"
            )
        if isinstance(value, dt.datetime | dt.date):
            return (
                f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                f"{paragraphs(value.isoformat())}</table:table-cell>"
            )
        return f'<table:table-cell office:value-type="string">{paragraphs(str(value))}</table:table-cell>'

    body = "".join("<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet><table:table table:name={quoteattr(sheet)}>{body}"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>',
        )
    return buffer.getvalue()


def xls_bytes(rows: list[list[object]], sheet: str) -> bytes:
    xlwt = pytest.importorskip("xlwt", reason="xlwt (a test-only .xls writer) is not installed")
    workbook = xlwt.Workbook(encoding="utf-8")
    target = workbook.add_sheet(sheet[:31])
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, dt.datetime | dt.date):
                target.write(r, c, value, date_style)
            else:
                target.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def titled_csv_bytes(rows: list[list[object]]) -> bytes:
    """The sheet as csv below a three-row title block, every row after two empty columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(TITLE_BLOCK)
    writer.writerows([*([""] * LEADING_EMPTY_COLUMNS), *map(_text, row)] for row in rows)
    return buffer.getvalue().encode("utf-8")


FORMATS = {
    # file name → (writer, the header row it puts the header on)
    "inventory.ods": (lambda rows: ods_bytes(rows, SHEET), 1),
    "inventory.xls": (lambda rows: xls_bytes(rows, SHEET), 1),
    "inventory.csv": (titled_csv_bytes, len(TITLE_BLOCK) + 1),
}


@pytest.mark.parametrize("filename", list(FORMATS))
def test_the_inventory_in_every_format_imports_every_row_as_the_xlsx_does(filename, grid, from_xlsx):
    write, header_row = FORMATS[filename]

    result = read_portfolio(write(grid), filename=filename)

    assert result.mapping_name == "us-federal-2025"
    assert result.header_row == header_row
    assert result.sheet == (None if filename.endswith(".csv") else SHEET)
    assert result.column_mapping["name"] == "Use Case Name"
    assert result.total_rows == ROWS_IN_INVENTORY
    assert len(result.pilots) + len(result.rejected) == ROWS_IN_INVENTORY
    assert len(result.rejected) == 3
    assert result.counts_by_severity == from_xlsx.counts_by_severity
    # The same pilots, field for field; rows shift by where the header now is.
    shift = from_xlsx.header_row - header_row
    pd.testing.assert_frame_equal(
        result.pilots.drop(columns="source_row"), from_xlsx.pilots.drop(columns="source_row")
    )
    assert (result.pilots["source_row"] + shift).tolist() == from_xlsx.pilots["source_row"].tolist()
    assert (result.rejected["source_row"] + shift).tolist() == from_xlsx.rejected["source_row"].tolist()
