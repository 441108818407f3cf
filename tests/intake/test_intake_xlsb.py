"""An .xlsb register, written by the test: no Python library writes the binary workbook
format, so ``xlsb_bytes`` writes the BIFF12 records themselves ([MS-XLSB]: a zip holding
``xl/workbook.bin`` with one BrtBundleSh per sheet, its relationships, and per sheet a record
stream BrtWsDim, BrtBeginSheetData, then BrtRowHdr and BrtCellSt / BrtCellReal / BrtCellBool
records, BrtEndSheetData). It reads as the same register written as csv, and a stray cell far
from the data is refused from the records before calamine allocates."""

from __future__ import annotations

import csv
import io
import struct
import zipfile
from collections.abc import Sequence

import pandas as pd
import pytest

from kairo_scoring.errors import IntakeError
from kairo_scoring.intake import read_portfolio

# BIFF12 record types (MS-XLSB 2.3.2).
ROW_HEADER, CELL_BOOL, CELL_REAL, CELL_STRING = 0x0000, 0x0004, 0x0005, 0x0006
BUNDLE_SHEET, END_BUNDLE_SHEETS, END_BOOK = 0x009C, 0x0090, 0x0084
SHEET_DIMENSION, BEGIN_SHEET_DATA, END_SHEET_DATA = 0x0094, 0x0091, 0x0092
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

Cell = str | float | bool | None


def _record(kind: int, payload: bytes = b"") -> bytes:
    """A record: its type and size as 7-bit varints (a type takes at most two bytes)."""
    head = bytes([kind]) if kind < 0x80 else bytes([(kind & 0x7F) | 0x80, kind >> 7])
    size, length = len(payload), bytearray()
    while True:
        byte = size & 0x7F
        size >>= 7
        length.append(byte | (0x80 if size else 0))
        if not size:
            break
    return head + bytes(length) + payload


def _wide(text: str) -> bytes:
    """XLWideString: a character count, then UTF-16LE."""
    encoded = text.encode("utf-16-le")
    return struct.pack("<I", len(encoded) // 2) + encoded


def _sheet_stream(rows: Sequence[tuple[int, Sequence[tuple[int, Cell]]]]) -> bytes:
    """(0-based row, [(0-based column, value)]) → a worksheet part."""
    cells = [(r, c) for r, row in rows for c, _ in row] or [(0, 0)]
    last_row, last_col = max(r for r, _ in cells), max(c for _, c in cells)
    parts = [
        _record(SHEET_DIMENSION, struct.pack("<4I", 0, last_row, 0, last_col)),
        _record(BEGIN_SHEET_DATA),
    ]
    for row, values in rows:
        parts.append(_record(ROW_HEADER, struct.pack("<IIHHBBB", row, 0, 0x0F0, 0, 0, 0, 0)))
        for col, value in values:
            head = struct.pack("<II", col, 0)  # column, style 0
            if value is None:
                continue
            if isinstance(value, bool):
                parts.append(_record(CELL_BOOL, head + bytes([value])))
            elif isinstance(value, float | int):
                parts.append(_record(CELL_REAL, head + struct.pack("<d", float(value))))
            else:
                parts.append(_record(CELL_STRING, head + _wide(value)))
    parts.append(_record(END_SHEET_DATA))
    return b"".join(parts)


def xlsb_bytes(sheets: dict[str, Sequence[tuple[int, Sequence[tuple[int, Cell]]]]]) -> bytes:
    """A minimal valid .xlsb holding ``sheets`` (name → rows of placed cells)."""
    book = [
        _record(
            BUNDLE_SHEET,
            struct.pack("<II", 0, i) + _wide(f"rId{i}") + _wide(name),  # visible, tab id, relation, name
        )
        for i, name in enumerate(sheets, start=1)
    ]
    book += [_record(END_BUNDLE_SHEETS), _record(END_BOOK)]
    relations = "".join(
        f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.bin"/>'
        for i in range(1, len(sheets) + 1)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.'
            'macroEnabled.main"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" '
            'Target="xl/workbook.bin"/></Relationships>',
        )
        archive.writestr("xl/workbook.bin", b"".join(book))
        archive.writestr(
            "xl/_rels/workbook.bin.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships">{relations}</Relationships>',
        )
        for i, rows in enumerate(sheets.values(), start=1):
            archive.writestr(f"xl/worksheets/sheet{i}.bin", _sheet_stream(rows))
    return buffer.getvalue()


def _grid(rows: Sequence[Sequence[Cell]], first_row: int = 0) -> list[tuple[int, list[tuple[int, Cell]]]]:
    return [(first_row + r, list(enumerate(row))) for r, row in enumerate(rows)]


HEADER = ["Pilot ID", "Use case", "Business unit", "Process maturity", "Users", "Live?"]
ROWS: list[list[Cell]] = [
    ["P-1", "Invoice matcher", "Finance", 4.0, 1200.0, True],
    ["P-2", "Zürich tax triage", "Tax", "3", 30.0, False],
    ["P-3", "Contract reader", "Legal", "n/a", None, None],
    ["P-4", "", "Legal", 2.0, 5.0, None],  # no name: rejected, not lost
]


def _csv_of(rows: Sequence[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(
            ["" if v is None else ("TRUE" if v is True else "FALSE" if v is False else v) for v in row]
        )
    return out.getvalue().encode()


def test_a_register_saved_as_xlsb_reads_as_the_same_register_in_csv() -> None:
    title = [["Pilot register, Q3"], []]
    data = xlsb_bytes({"Notes": _grid([["read me first"]]), "Pilots": _grid([*title, HEADER, *ROWS])})

    result = read_portfolio(data, filename="register.xlsb", sheet="Pilots")
    from_csv = read_portfolio(_csv_of([*title, HEADER, *ROWS]), filename="register.csv")

    assert result.detection.kind == "xlsb"
    assert (result.sheet, result.header_row) == ("Pilots", 3)
    assert result.column_mapping["name"] == "Use case"
    assert result.pilots["name"].tolist() == ["Invoice matcher", "Zürich tax triage", "Contract reader"]
    assert result.pilots["source_row"].tolist() == [4, 5, 6]
    assert result.rejected["source_row"].tolist() == [7]
    assert result.source_rows == 4
    canonical = [c for c in result.pilots.columns if c in from_csv.pilots.columns]
    pd.testing.assert_frame_equal(result.pilots[canonical], from_csv.pilots[canonical])
    assert result.pilots["process_maturity"].tolist()[:2] == [4.0, 3.0]
    assert pd.isna(result.pilots["process_maturity"].iloc[2])


def test_the_sheet_is_found_without_being_named() -> None:
    data = xlsb_bytes({"Lists": _grid([["Finance"], ["Tax"]]), "Pilots": _grid([HEADER, *ROWS])})

    result = read_portfolio(data, filename="register.xlsb")

    assert result.sheet == "Pilots" and len(result.pilots) == 3


def test_an_xlsb_with_a_stray_cell_far_below_is_refused_before_calamine_allocates() -> None:
    rows = [*_grid([HEADER, *ROWS]), (900_000, [(400, "stray")])]
    data = xlsb_bytes({"Pilots": rows})

    with pytest.raises(IntakeError, match="far beyond its data") as refused:
        read_portfolio(data, filename="register.xlsb")

    assert "The workbook part xl/worksheets/sheet1.bin has a cell at" in str(refused.value)
