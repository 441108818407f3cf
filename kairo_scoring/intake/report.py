"""The *report* stage of intake, apart from the ``IntakeResult`` that ``read_portfolio``
builds: the remarks on the located sheet's layout the values alone do not show
(``_report_layout``: reader notes, no data rows, unnamed columns, merged cells, formulas
without a calculated value), the issues and ``source_row`` of a register read from several
sheets put back on their own sheets (``_relocated``), and the recipe that builds the
result's provenance when it is first read (``_provenance``)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from kairo_scoring.intake.codes import IssueCode, Severity
from kairo_scoring.intake.issues import IssueLog
from kairo_scoring.intake.map_stage import _Prepared
from kairo_scoring.intake.readers import RawSheet, formula_cells
from kairo_scoring.intake.result import IntakeResult
from kairo_scoring.intake.table import SHEET_TARGET, SourceTable
from kairo_scoring.intake.validate import Validated
from kairo_scoring.provenance import provenance_of_pilots
from kairo_scoring.values import column_letter, is_missing


def _report_layout(prepared: _Prepared, log: IssueLog) -> None:
    """Sheet-level facts the values alone do not show: unnamed columns, merged cells and
    formulas whose result was never calculated."""
    table = prepared.table
    names_by_letter = {letter: column for column, letter in table.column_letters.items()}
    for note in prepared.workbook.notes:  # what the reader found: encoding, undecodable bytes
        column = names_by_letter.get(note.column, note.column)
        log.add_one(note.row, column, note.value, note.reason, note.severity, note.code)
    if table.cells.empty:
        reason = "no data rows below the header row: nothing to import"
        log.add_one(None, "", "", reason, Severity.WARNING, IssueCode.NO_DATA_ROWS)
    for column, letter in table.column_letters.items():
        if column == f"Column {letter}":
            reason = f"column {letter} has data but no header"
            log.add_one(table.header_row, column, "", reason, Severity.INFO, IssueCode.UNNAMED_COLUMN)
    if prepared.workbook.kind != "xlsx":
        return
    _report_merged(prepared.sheet, table, names_by_letter, log)
    _report_uncached_formulas(prepared, names_by_letter, log)


def _report_merged(
    sheet: RawSheet, table: SourceTable, names_by_letter: dict[str, str], log: IssueLog
) -> None:
    header_row = table.header_row or 0
    for first_row, first_col, last_row, last_col in sheet.merged:
        if last_row + 1 < header_row:
            continue  # a merged title above the header holds no data
        top_left = f"{column_letter(first_col)}{first_row + 1}"
        span = f"{top_left}:{column_letter(last_col)}{last_row + 1}"
        in_data = last_row + 1 > header_row
        column = names_by_letter.get(column_letter(first_col), column_letter(first_col))
        value = _cell(sheet, first_row, first_col)
        reason = (
            f"merged cells {span}: the value is read in {top_left} only and the other cells as empty "
            "(nothing is filled down); unmerge and fill them if they belong to each row"
        )
        severity = Severity.WARNING if in_data else Severity.INFO
        log.add_one(first_row + 1, column, value, reason, severity, IssueCode.MERGED_CELLS)


def _cell(sheet: RawSheet, row: int, col: int) -> object:
    """The value at absolute 0-based (row, col), or "" outside the read area."""
    r, c = row + 1 - sheet.first_row, col - sheet.first_col
    if 0 <= r < len(sheet.rows) and 0 <= c < len(sheet.rows[r]):
        return sheet.rows[r][c]
    return ""


def _report_uncached_formulas(prepared: _Prepared, names_by_letter: dict[str, str], log: IssueLog) -> None:
    if prepared.workbook.formulas is False:  # the extent scan saw none: no second pass over the XML
        return
    table = prepared.table
    for row, col, formula in formula_cells(prepared.data, prepared.sheet.name):
        letter = column_letter(col)
        column = names_by_letter.get(letter)
        if row <= (table.header_row or 0):
            continue
        cached = table.cells.at[row, column] if column is not None and row in table.cells.index else None
        if is_missing(cached):  # missing or NaN: no value was ever calculated
            reason = (
                f"formula in {letter}{row} has no calculated value (saved by a program that does not "
                "calculate): read as empty; open and save the file in Excel"
            )
            log.add_one(
                row, column or letter, formula, reason, Severity.WARNING, IssueCode.UNCALCULATED_FORMULA
            )


def _relocated(
    validated: Validated, issues: pd.DataFrame, origin: pd.DataFrame, layout: list[pd.DataFrame]
) -> tuple[Validated, pd.DataFrame]:
    """A register read from several sheets: rows numbered in the combined table get back the
    sheet and Excel row they came from (issues, ``source_row`` of pilots and rejected rows)."""
    sheets, rows = origin["sheet"], origin["row"]
    numbered = issues["row"].notna()
    issues = issues.copy()
    issues.loc[numbered, "sheet"] = issues.loc[numbered, "row"].map(sheets).astype("string")
    issues.loc[~numbered, "sheet"] = ", ".join(dict.fromkeys(sheets))
    issues["row"] = issues["row"].map(rows).astype("Int64").where(numbered, pd.NA)
    report = pd.concat([*layout, issues], ignore_index=True)
    order = {name: position for position, name in enumerate(dict.fromkeys(sheets))}
    report = report.assign(_sheet=report["sheet"].map(order).fillna(-1)).sort_values(
        ["_sheet", "row"], na_position="first", kind="stable"
    )
    report = report.drop(columns="_sheet").reset_index(drop=True)
    pilots, rejected = validated.pilots.copy(), validated.rejected.copy()
    pilots["source_row"] = pilots["source_row"].map(rows).astype("int64")
    rejected["source_row"] = rejected["source_row"].map(rows).astype("int64")
    return dataclasses.replace(validated, pilots=pilots, rejected=rejected), report


@dataclass(frozen=True)
class _ProvenanceRecipe:
    """How to build a result's provenance when it is asked for (a plain object, so that a
    result stays picklable for Streamlit's cache): register for the fields mapped to a
    column, derived (by name) for those a derivation computed and for IDs derived from name
    and unit. Only these small ingredients are kept, never the workbook."""

    source: str
    sheet: str | None
    column_mapping: dict[str, str]
    derivations: dict[str, str]
    derived_id_rows: pd.Series | None
    several_sheets: bool  # one register from several sheets: each value keeps its own sheet

    def __call__(self, result: IntakeResult) -> pd.DataFrame:
        provenance = provenance_of_pilots(
            result.pilots,
            source=self.source,
            sheet=self.sheet,
            column_mapping=self.column_mapping,
            derivations=self.derivations,
            derived_id_rows=self.derived_id_rows,
        )
        if self.several_sheets:
            by_pilot = dict(zip(result.pilots["pilot_id"], result.pilots[SHEET_TARGET], strict=True))
            provenance["sheet"] = provenance["pilot_id"].map(by_pilot).astype(provenance["sheet"].dtype)
        return provenance


def _provenance(prepared: _Prepared, validated: Validated) -> _ProvenanceRecipe:
    """The recipe of the result's provenance. The long table, one row per known value (12
    million for a million pilots, about 1 GB), is built only when something reads it."""
    detection = prepared.detection
    several_sheets = prepared.origin is not None
    return _ProvenanceRecipe(
        source=prepared.name,
        sheet=None if several_sheets else prepared.table.sheet,
        column_mapping=dict(detection.column_mapping),
        derivations={
            d.field: d.label for d in prepared.profile.derived if d.field in detection.derived_fields
        },
        derived_id_rows=validated.derived_id_rows,
        several_sheets=several_sheets,
    )
