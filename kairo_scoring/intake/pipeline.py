"""The public entry points: ``detect`` (what would be read, and how) and ``read_portfolio``."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kairo_scoring.errors import IntakeError, Remedy
from kairo_scoring.intake.codes import IssueCode, Severity
from kairo_scoring.intake.detect import (
    Detection,
    candidate_profiles,
    choose_profile,
    choose_sheet,
    describe_derivations,
    plan_columns,
    split_plan,
)
from kairo_scoring.intake.issues import IssueLog
from kairo_scoring.intake.limits import IntakeLimits
from kairo_scoring.intake.mapping import MappingProfile
from kairo_scoring.intake.readers import RawSheet, Workbook, formula_cells, load_bytes, read_workbook
from kairo_scoring.intake.result import IntakeResult
from kairo_scoring.intake.table import SourceTable, build_table
from kairo_scoring.intake.validate import Validated, validate
from kairo_scoring.provenance import provenance_of_pilots
from kairo_scoring.values import column_letter, is_missing

Source = bytes | str | Path


@dataclass(frozen=True)
class _Prepared:
    data: bytes
    name: str
    workbook: Workbook
    sheet: RawSheet
    table: SourceTable
    profile: MappingProfile
    plan: dict[str, str]
    detection: Detection


def detect(
    source: Source,
    *,
    filename: str | None = None,
    mapping: str | MappingProfile | None = None,
    sheet: str | None = None,
    column_overrides: Mapping[str, str] | None = None,
    limits: IntakeLimits | None = None,
) -> Detection:
    """Find the sheet, header row and mapping profile, and propose the column mapping,
    without validating the rows: what an intake page shows for the user to confirm or edit."""
    return _prepare(source, filename, mapping, sheet, column_overrides, limits).detection


def read_portfolio(
    source: Source,
    *,
    filename: str | None = None,
    mapping: str | MappingProfile | None = None,
    sheet: str | None = None,
    column_overrides: Mapping[str, str] | None = None,
    limits: IntakeLimits | None = None,
) -> IntakeResult:
    """Read a register (xlsx/xlsm/csv, as bytes or a path) into canonical pilots.

    ``filename`` names an upload (its extension is a hint; the content decides the format).
    ``mapping`` is a built-in name, a TOML path or a profile; None detects it from the
    headers. ``column_overrides`` edits the proposed mapping (field or input → source
    column; "" unmaps). Every data row ends in ``pilots`` or ``rejected``; every problem is
    in ``issues``. Raises ``IntakeError`` only when the file cannot be read as a register.
    """
    prepared = _prepare(source, filename, mapping, sheet, column_overrides, limits)
    table, detection = prepared.table, prepared.detection
    if "name" not in prepared.plan:
        # detect() still answers here, so a page can offer the headers to pick the name from.
        where = f"Sheet '{table.sheet}'" if table.sheet else "The file"
        raise IntakeError(
            f"{where} has no column we can use as the pilot name; columns found: {', '.join(table.columns) or 'none'}. "
            "Choose the column that names each pilot.",
            remedy=Remedy.NAME_COLUMN,
        )
    log = IssueLog(table.sheet)
    _report_layout(prepared, log)
    validated = validate(table, prepared.profile, prepared.plan, detection.derived_fields, log)
    return IntakeResult(
        pilots=validated.pilots,
        rejected=validated.rejected,
        issues=log.frame(),
        source_name=prepared.name,
        content_hash=hashlib.sha256(prepared.data).hexdigest(),
        sheet=table.sheet,
        header_row=table.header_row,
        mapping_name=prepared.profile.name,
        column_mapping=detection.column_mapping,
        unmapped_columns=tuple(c for c in table.columns if c not in set(prepared.plan.values())),
        missing_inputs=validated.missing_inputs,
        derived_id=validated.derived_id,
        detection=detection,
        derived_fields=detection.derived_fields,
        provenance=_provenance(prepared, validated),
    )


def _provenance(prepared: _Prepared, validated: Validated):
    """Register for the fields mapped to a column, derived (by name) for those a derivation
    computed and for IDs derived from name and unit."""
    detection = prepared.detection
    derivations = {d.field: d.label for d in prepared.profile.derived if d.field in detection.derived_fields}
    return provenance_of_pilots(
        validated.pilots,
        source=prepared.name,
        sheet=prepared.table.sheet,
        column_mapping=detection.column_mapping,
        derivations=derivations,
        derived_id_rows=validated.derived_id_rows,
    )


def _prepare(
    source: Source,
    filename: str | None,
    mapping: str | MappingProfile | None,
    sheet_name: str | None,
    overrides: Mapping[str, str] | None,
    limits: IntakeLimits | None,
) -> _Prepared:
    limits = limits or IntakeLimits()
    data, name = load_bytes(source, filename, limits)
    workbook = read_workbook(data, name, limits)
    profiles = candidate_profiles(mapping)
    sheet, header_index, candidates = choose_sheet(workbook, profiles, sheet_name)
    table = build_table(sheet, header_index, limits)
    if workbook.kind == "csv":
        # A csv's grid is not needed once it is a table (merged cells and formulas exist only
        # in xlsx): dropping its million row lists keeps a large file's peak memory down.
        sheet = dataclasses.replace(sheet, rows=[])
        workbook = dataclasses.replace(workbook, sheets=(sheet,))
    profile = choose_profile(table.columns, profiles)
    plan = plan_columns(table.columns, profile, overrides)
    fields, others = split_plan(plan)
    detection = Detection(
        kind=workbook.kind,
        sheet=table.sheet,
        header_row=table.header_row,
        headers=table.columns,
        candidate_sheets=candidates,
        mapping_name=profile.name,
        column_mapping=fields,
        input_mapping=others,
        derived_fields=describe_derivations(profile, plan),
        encoding=workbook.encoding,
        delimiter=workbook.delimiter,
    )
    return _Prepared(data, name, workbook, sheet, table, profile, plan, detection)


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
