"""Issue 12's failure classes as one corpus written by the tests: for each, the detected sheet,
header row, name column and row counts (accepted + rejected = every data row), or, for a file
that cannot be read without losing rows, the refusal with its row.

Complements test_intake_dialects.py and test_intake_headers.py (which test each mechanism):
here every class is read end to end through `read_portfolio`, in the formats it occurs in.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import openpyxl
import pytest

from kairo_scoring import IntakeError, read_portfolio
from tests.intake.test_intake_dialects import ods_bytes

LONG = 'Line one of a long description, with commas, and "quotes".\nLine two; more.\nLine three.'
TITLE_BLOCK = [["AI Use Case Inventory 2025"], ["Prepared by the CAIO office"], []]


def _csv(rows, delimiter=",", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def _xlsx(rows, sheet="Inventory", before: dict[str, list] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, other in (before or {}).items():
        target = workbook.create_sheet(name)
        for row in other:
            target.append(row)
    target = workbook.create_sheet(sheet)
    for row in rows:
        target.append([None if cell == "" else cell for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xls(rows, sheet="Inventory") -> bytes:
    xlwt = pytest.importorskip("xlwt", reason="xlwt (a test-only .xls writer) is not installed")
    workbook = xlwt.Workbook(encoding="utf-8")
    target = workbook.add_sheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value not in ("", None):
                target.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _ods(rows, sheet="Inventory") -> bytes:
    return ods_bytes([[None if cell == "" else cell for cell in row] for row in rows], sheet=sheet)


def _leading_empty(rows, empty=7):
    return [*TITLE_BLOCK, *[["", *[""] * (empty - 1), *row] for row in rows]]


MULTI_LINE = [
    ["Use Case ID", "Use Case Name", "Summary"],
    *[[f"UC-{i}", f"Case {i}, part {i}", LONG] for i in range(12)],
]
LEADING = [
    ["Use Case ID/Name", "Bureau", "Stage of work"],
    ["Chatbot", "HR", "pilot"],
    ["Triage", "IT", "idea"],
    ["", "", ""],
    ["Reader", "Legal", "pilot"],
]
NAMES = [
    ["Ref", "{header}", "Dept"],
    ["1", "Invoice bot", "HR"],
    ["2", "Triage helper", "IT"],
    ["3", "", "Legal"],
]
EUROPEAN = [
    ["Pilot name", "Monthly value", "Users"],
    ["Alpha", "1.000", "1.200"],
    ["Beta", "12.000,50", "3"],
    ["Gamma", "3,5", "40"],
]


@dataclass(frozen=True)
class Case:
    data: bytes
    filename: str
    sheet: str | None
    header_row: int
    name_column: str
    accepted: int
    rejected: int = 0


def _names(header: str) -> Case:
    rows = [[cell.format(header=header) for cell in row] for row in NAMES]
    return Case(_csv(rows), "register.csv", None, 1, header, accepted=2, rejected=1)  # row 4 has no name


CASES = {
    # CSV dialect: quoted multi-line cells holding delimiters, in each delimiter and as xlsx.
    "multi-line cells, comma": Case(_csv(MULTI_LINE), "inventory.csv", None, 1, "Use Case Name", 12),
    "multi-line cells, semicolon": Case(_csv(MULTI_LINE, ";"), "inventory.csv", None, 1, "Use Case Name", 12),
    "multi-line cells, tab, utf-16": Case(
        _csv(MULTI_LINE, "\t", "utf-16"), "inventory.txt", None, 1, "Use Case Name", 12
    ),
    "multi-line cells, a first kilobyte that is one cell": Case(
        _csv([MULTI_LINE[0], ["UC-0", "Long one", LONG * 400], *MULTI_LINE[2:]]),
        "inventory.csv",
        None,
        1,
        "Use Case Name",
        12,
    ),
    "multi-line cells, xlsx": Case(_xlsx(MULTI_LINE), "inventory.xlsx", "Inventory", 1, "Use Case Name", 12),
    # A header row that begins with empty cells, below a title block; a blank row is not a pilot.
    "leading empty header cells, csv": Case(
        _csv(_leading_empty(LEADING)), "inventory.csv", None, 4, "Use Case ID/Name", 3
    ),
    "leading empty header cells, xlsx after a lookup sheet": Case(
        _xlsx(_leading_empty(LEADING), before={"Lists": [["Stage"], ["pilot"], ["idea"]]}),
        "inventory.xlsx",
        "Inventory",
        4,
        "Use Case ID/Name",
        3,
    ),
    "leading empty header cells, ods": Case(
        _ods(_leading_empty(LEADING)), "inventory.ods", "Inventory", 4, "Use Case ID/Name", 3
    ),
    "leading empty header cells, xls": Case(
        _xls(_leading_empty(LEADING)), "inventory.xls", "Inventory", 4, "Use Case ID/Name", 3
    ),
    # The name column's header as registers write it (a row without a name is rejected, and said).
    "name header 'Use Case ID/Name'": _names("Use Case ID/Name"),
    "name header 'AI Use Case'": _names("AI Use Case"),
    "name header 'Title'": _names("Title"),
    "name header '2_use_case_name'": _names("2_use_case_name"),
    "name header 'Q3. Pilot name'": _names("Q3. Pilot name"),
    "name header in capitals": _names("USE CASE NAME"),
    "name header with a trailing note": _names("Use case name (as reported to OMB)"),
    # One bad byte in a UTF-8 file: the file stays UTF-8, no row is lost.
    "a Latin-1 byte in a UTF-8 semicolon csv": Case(
        "Pilot name;Unit\nZürich pilot;Ops\nGenève pilot;Ops\n".encode() + b"Caf\xe9;Ops\n",
        "register.csv",
        None,
        1,
        "Pilot name",
        3,
    ),
    # European numbers in a semicolon csv.
    "European numbers": Case(_csv(EUROPEAN, ";"), "register.csv", None, 1, "Pilot name", 3),
    # A true one-column list is one column, not a misread.
    "a one-column list with commas in values": Case(
        b'Pilot name\nAlpha\n"Beta, the second"\nGamma\n', "names.csv", None, 1, "Pilot name", 3
    ),
    # Legacy formats, read natively below a title block.
    "legacy .xls": Case(
        _xls([*TITLE_BLOCK, *MULTI_LINE]), "register.xls", "Inventory", 4, "Use Case Name", 12
    ),
    "legacy .ods": Case(
        _ods([*TITLE_BLOCK, *MULTI_LINE]), "register.ods", "Inventory", 4, "Use Case Name", 12
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_failure_class_is_read_with_its_sheet_header_name_column_and_every_row(case: Case):
    result = read_portfolio(case.data, filename=case.filename)

    assert result.sheet == case.sheet
    assert result.header_row == case.header_row
    assert result.column_mapping["name"] == case.name_column
    assert (len(result.pilots), len(result.rejected)) == (case.accepted, case.rejected)
    assert result.total_rows == case.accepted + case.rejected  # nothing lost, nothing invented
    assert result.pilots["source_row"].min() > case.header_row


def test_the_values_of_the_classes_that_were_misread_come_through():
    european = read_portfolio(CASES["European numbers"].data, filename="register.csv")
    assert european.pilots["monthly_value"].tolist() == [1000.0, 12000.5, 3.5]
    assert european.pilots["users"].tolist() == [1200.0, 3.0, 40.0]
    bad_byte = read_portfolio(CASES["a Latin-1 byte in a UTF-8 semicolon csv"].data, filename="register.csv")
    assert bad_byte.pilots["name"].tolist() == ["Zürich pilot", "Genève pilot", "Caf\ufffd"]
    assert bad_byte.issues[bad_byte.issues["code"] == "undecodable_text"]["row"].tolist() == [4]
    multi = read_portfolio(CASES["multi-line cells, semicolon"].data, filename="inventory.csv")
    assert multi.pilots["name"].tolist() == [f"Case {i}, part {i}" for i in range(12)]
    assert multi.pilots["source_row"].tolist() == list(range(2, 14))  # records, not physical lines
    nameless = read_portfolio(CASES["name header 'Title'"].data, filename="register.csv")
    assert nameless.rejected["source_row"].tolist() == [4]
    assert nameless.issues[nameless.issues["severity"] == "error"]["code"].tolist() == ["missing_name"]


STRAY = ["Pilot name{d}Unit", *[f"Pilot {i}{{d}}Ops" for i in range(2, 60)]]


def _stray(delimiter: str, at_row: int) -> bytes:
    lines = [line.format(d=delimiter) for line in STRAY]
    lines[at_row - 1] = f'"Pilot {at_row}{delimiter}Ops'  # opened, never closed
    return ("\n".join(lines) + "\n").encode()


REFUSED = {
    "a stray quote, semicolon": (_stray(";", 40), r"quote opened at row 40 \(line 40\), column A"),
    "a stray quote, tab": (_stray("\t", 7), r"quote opened at row 7 \(line 7\), column A"),
    "a stray quote, pipe": (_stray("|", 59), r"quote opened at row 59 \(line 59\), column A"),
    "one column whose header holds delimiters": (
        ("Pilot name;Unit;Stage;Owner\n" + "".join(f"P{i}{';x' * (i % 5)}\n" for i in range(30))).encode(),
        "reads as one single column, but its header row",
    ),
}


@pytest.mark.parametrize(("data", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_a_file_that_would_lose_rows_is_refused_with_its_row(data: bytes, message: str):
    with pytest.raises(IntakeError, match=message) as raised:
        read_portfolio(data, filename="register.csv")
    assert "\n" not in str(raised.value)
