"""The xlsx extent scan places a run of Excel-written rows in one step (counts over the run's
bytes) instead of a regex match and a Python step per row; it must place every cell where the
tag-by-tag walk places it. The oracle: the same sheet with an attribute before each row's
``r``, which makes no row plain, so the token walk places every cell."""

from __future__ import annotations

import io
import random
import zipfile
from array import array

import pytest

from kairo_scoring.intake import IntakeLimits
from kairo_scoring.intake.readers.xlsx import _EXCEL_ROWS, _scan_sheet_part
from kairo_scoring.values import column_letter
from tests.reliability import corpus

LIMITS = IntakeLimits()


def _placed(sheet: bytes) -> tuple[object, ...]:
    data = corpus.xlsx_from_parts([("Pilots", [sheet])])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        extent = _scan_sheet_part(archive, info, "Sheet 'Pilots'", array("I"), 0, LIMITS)
    assert extent is not None
    return (
        extent.cells,
        extent.top,
        extent.left,
        extent.bottom,
        extent.right,
        extent.farthest_down,
        extent.farthest_right,
    )


def _walked(sheet: bytes) -> bytes:
    return sheet.replace(b"<row ", b'<row spans="1:1" ')


def _row(number: int, columns: list[int], *, ref_row: int | None = None, text: bool = False) -> bytes:
    cells = b"".join(
        (b'<c r="%s%d" t="inlineStr"><is><t>x</t></is></c>' if text else b'<c r="%s%d"><v>1</v></c>')
        % (column_letter(col).encode(), ref_row or number)
        for col in columns
    )
    return b'<row r="%d">%s</row>' % (number, cells)


CASES = {
    "dense": b"".join(_row(n, list(range(17)), text=n % 2 == 0) for n in range(1, 60)),
    "stray-far-cell": _row(1, [0, 1]) + _row(2, [0, 1]) + _row(1_048_576, [16_383]),
    "rows-out-of-order": _row(5, [3, 1]) + _row(2, [0, 7]) + _row(9, [7, 2]) + _row(9, [1]),
    "widest-cell-in-a-later-row": _row(1, [0]) + _row(2, [0, 4]) + _row(3, [4, 2]),
    "cell-of-another-row": _row(1, [0, 1]) + _row(2, [0, 2], ref_row=7) + _row(3, [1]),
    "excel-rows-then-rows-without-r": _row(3, [0, 1])
    + b"<row><c><v>1</v></c><c><v>2</v></c></row>"
    + _row(8, [2])
    + b'<row><c r="B9" s="1"/><c><v>1</v></c></row>',
    "formatting-only-cell-in-a-row": _row(1, [0])
    + b'<row r="2"><c r="A2"><v>1</v></c><c r="C2" s="1"/></row>',
    "lower-case-and-long-references": b'<row r="1"><c r="a1"><v>1</v></c></row>'
    + b'<row r="2"><c r="AAAA2"><v>1</v></c></row>'
    + _row(3, [1]),
    "empty-row-between": _row(1, [0, 1]) + b'<row r="4"/>' + b'<row r="5"></row>' + _row(6, [2]),
}


@pytest.mark.parametrize("rows", CASES.values(), ids=CASES.keys())
def test_a_run_of_excel_rows_is_placed_as_the_token_walk_places_it(rows: bytes) -> None:
    sheet = b"<sheetData>" + rows + b"</sheetData>"
    assert _placed(sheet) == _placed(_walked(sheet))


def test_random_sheets_are_placed_as_the_token_walk_places_them() -> None:
    rng = random.Random(12)
    for _ in range(300):
        rows = []
        for _ in range(rng.randint(1, 12)):
            number = rng.choice((rng.randint(1, 30), rng.randint(1, 1_048_576)))
            columns = [
                rng.choice((rng.randint(0, 20), rng.randint(0, 16_383))) for _ in range(rng.randint(1, 6))
            ]
            kind = rng.random()
            if kind < 0.7:
                rows.append(_row(number, columns, text=rng.random() < 0.5))
            elif kind < 0.85:
                rows.append(_row(number, columns, ref_row=rng.randint(1, 40)))
            else:
                rows.append(b"<row>" + b"<c><v>1</v></c>" * len(columns) + b"</row>")
        sheet = b"<sheetData>" + b"".join(rows) + b"</sheetData>"
        assert _placed(sheet) == _placed(_walked(sheet)), sheet


def test_a_register_as_excel_writes_it_is_one_run() -> None:
    # The speed comes from this: the whole sheet is matched by one regex, not row by row.
    rows = b"".join(_row(n, list(range(17)), text=True) for n in range(1, 2_001))
    match = _EXCEL_ROWS.match(rows)
    assert match is not None and match.end() == len(rows)
