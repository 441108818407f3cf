"""A register spread over sheets of one layout (one per unit or quarter) read as one: rows in
order, the sheet name kept as a column, every issue and row naming its own sheet and row."""

from __future__ import annotations

import io

import openpyxl
import pytest

from kairo_scoring import IntakeError, IssueCode, Remedy, detect, read_portfolio


def _workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


QUARTERS = _workbook(
    {
        "Q1": [["Pilot ID", "Pilot name", "Controls"], ["P1", "Invoice bot", 3], ["P2", "HR helper", "lots"]],
        # a title row above, other case and order: the same layout
        "Q2": [
            ["Q2 register"],
            ["controls", "pilot name", "pilot id"],
            [4, "Contract review", "P3"],
            [2, None, "P4"],
        ],
        "Read me": [["How to fill this in"]],
        "Q3": [["Pilot ID", "Pilot name", "Controls"], ["P1", "Invoice bot again", 5]],
    }
)


def test_sheets_of_the_same_layout_are_listed() -> None:
    found = detect(QUARTERS, filename="quarters.xlsx")

    assert found.sheet == "Q1"
    assert found.same_layout_sheets == ("Q1", "Q2", "Q3")


def test_they_read_as_one_register_with_the_sheet_kept() -> None:
    result = read_portfolio(QUARTERS, filename="quarters.xlsx", sheet=("Q1", "Q2"))

    pilots = result.pilots
    assert pilots["name"].tolist() == ["Invoice bot", "HR helper", "Contract review"]
    assert pilots["sheet"].tolist() == ["Q1", "Q1", "Q2"]
    assert pilots["source_row"].tolist() == [2, 3, 3]  # each sheet's own Excel rows
    assert pilots["controls"].tolist()[::2] == [3.0, 4.0]
    assert result.sheet == "Q1, Q2"
    assert result.rejected["source_row"].tolist() == [4] and result.rejected["Sheet"].tolist() == ["Q2"]
    where = {(r.sheet, int(r.row), r.code) for r in result.issues.dropna(subset=["row"]).itertuples()}
    assert where == {("Q1", 3, IssueCode.NOT_A_SCORE.value), ("Q2", 4, IssueCode.MISSING_NAME.value)}
    provenance = result.provenance
    assert set(zip(provenance["pilot_id"], provenance["sheet"], strict=True)) == {
        ("P1", "Q1"),
        ("P2", "Q1"),
        ("P3", "Q2"),
    }
    assert result.total_rows == 4


def test_an_id_repeated_on_another_sheet_is_a_duplicate() -> None:
    result = read_portfolio(QUARTERS, filename="quarters.xlsx", sheet=("Q1", "Q3"))

    duplicate = result.issues[result.issues["code"] == IssueCode.DUPLICATE_ID.value]
    assert duplicate[["sheet", "row"]].values.tolist() == [["Q3", 2]]


def test_a_sheet_with_other_columns_is_refused_naming_them() -> None:
    workbook = _workbook(
        {
            "North": [["Pilot name", "Unit"], ["Bot", "HR"]],
            "South": [["Pilot name", "Owner"], ["Triage", "Ann"]],
        }
    )
    with pytest.raises(
        IntakeError, match="Sheet 'South' does not have the columns of sheet 'North'"
    ) as raised:
        read_portfolio(workbook, filename="units.xlsx", sheet=["North", "South"])
    assert "missing: Unit" in str(raised.value) and raised.value.remedy is Remedy.SHEET
    assert detect(workbook, filename="units.xlsx").same_layout_sheets == ()


def test_sheet_layout_issues_name_their_own_sheet() -> None:
    workbook = _workbook(
        {
            "North": [["Pilot name", "Controls"], ["Bot", 3]],
            "South": [["Pilot name", "Controls"], ["Triage", "=1+2"]],
        }
    )
    result = read_portfolio(workbook, filename="units.xlsx", sheet=("North", "South"))

    formula = result.issues[result.issues["code"] == IssueCode.UNCALCULATED_FORMULA.value]
    assert formula[["sheet", "row", "column"]].values.tolist() == [["South", 2, "Controls"]]
