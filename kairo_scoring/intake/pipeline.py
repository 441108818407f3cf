"""The public entry points: ``detect`` (what would be read, and how) and ``read_portfolio``.

Over 400 lines because it wires the named stages of intake end to end (read, locate, map, skip
totals, validate, report) and the several-sheet path.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kairo_scoring.errors import IntakeError, Remedy
from kairo_scoring.intake.answers import answer_summary
from kairo_scoring.intake.codes import IssueCode, Severity
from kairo_scoring.intake.detect import (
    Detection,
    SheetCandidate,
    candidate_profiles,
    choose_profile,
    choose_sheet,
    currency_of,
    describe_derivations,
    plan_columns,
    same_layout,
    split_plan,
    suggest_name_columns,
)
from kairo_scoring.intake.issues import IssueLog
from kairo_scoring.intake.limits import IntakeLimits
from kairo_scoring.intake.mapping import MappingProfile
from kairo_scoring.intake.normalize.stage import normalise
from kairo_scoring.intake.readers import RawSheet, Workbook, formula_cells, load_bytes, read_workbook
from kairo_scoring.intake.result import IntakeResult
from kairo_scoring.intake.table import (
    SHEET_TARGET,
    SourceTable,
    build_table,
    combine_tables,
    totals_rows,
    with_sheet_column,
    without_rows,
)
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
    # A register read from several sheets: each sheet with its own table, and per row of the
    # combined table the sheet and Excel row it came from.
    parts: tuple[tuple[RawSheet, SourceTable], ...] = ()
    origin: pd.DataFrame | None = None


def detect(
    source: Source,
    *,
    filename: str | None = None,
    mapping: str | MappingProfile | None = None,
    sheet: str | Sequence[str] | None = None,
    column_overrides: Mapping[str, str] | None = None,
    limits: IntakeLimits | None = None,
    accept_suggestions: bool = False,
) -> Detection:
    """Find the sheet, header row and mapping profile, and propose the column mapping,
    without validating the rows: what an intake page shows for the user to confirm or edit."""
    return _prepare(source, filename, mapping, sheet, column_overrides, limits, accept_suggestions).detection


def read_portfolio(
    source: Source,
    *,
    filename: str | None = None,
    mapping: str | MappingProfile | None = None,
    sheet: str | Sequence[str] | None = None,
    column_overrides: Mapping[str, str] | None = None,
    limits: IntakeLimits | None = None,
    accept_suggestions: bool = False,
) -> IntakeResult:
    """Read a register (xlsx/xlsm/csv, as bytes or a path) into canonical pilots.

    ``filename`` names an upload (its extension is a hint; the content decides the format).
    ``sheet`` names the sheet to read, or several sheets of the same layout (one per unit or
    quarter) to read as one register: their rows in order, the sheet name kept as the
    ``sheet`` column (``SHEET_COLUMN`` in the source; an extra of the pilots), each issue and
    each pilot's ``source_row`` naming its own sheet and row.
    ``mapping`` is a built-in name, a TOML path or a profile; None detects it from the
    headers. ``column_overrides`` edits the proposed mapping (field or input → source
    column; "" unmaps). ``accept_suggestions`` applies a confident suggestion (a name column
    inferred from content, ``Detection.suggestions``) when no header names the pilot, and
    reports it (``suggested_column``); without it a suggestion is only proposed. Every data
    row ends in ``pilots`` or ``rejected``; every problem is in ``issues``. Raises
    ``IntakeError`` only when the file cannot be read as a register.
    """
    prepared = _prepare(source, filename, mapping, sheet, column_overrides, limits, accept_suggestions)
    table, detection = prepared.table, prepared.detection
    if "name" not in prepared.plan:
        # detect() still answers here, so a page can offer the headers to pick the name from.
        where = f"Sheet '{table.sheet}'" if table.sheet else "The file"
        offer = "".join(
            f" The column '{s.column}' reads like names (confidence {s.confidence:.0%})."
            for s in detection.suggestions[:1]
        )
        raise IntakeError(
            f"{where} has no column we can use as the pilot name; columns found: {', '.join(table.columns) or 'none'}."
            f"{offer} Choose the column that names each pilot.",
            remedy=Remedy.NAME_COLUMN,
        )
    log = IssueLog(table.sheet)
    for accepted in detection.accepted:
        reason = (
            f"no header names the {accepted.field}: column '{accepted.column}' was taken from its content "
            f"(confidence {accepted.confidence:.0%}: {accepted.reason})"
        )
        log.add_one(None, accepted.column, "", reason, Severity.INFO, IssueCode.SUGGESTED_COLUMN)
    layout = [IssueLog(part_sheet.name) for part_sheet, _ in prepared.parts]
    for part_log, (part_sheet, part_table) in zip(layout, prepared.parts, strict=True):
        _report_layout(dataclasses.replace(prepared, sheet=part_sheet, table=part_table), part_log)
    if not prepared.parts:
        _report_layout(prepared, log)
    table = _skip_totals(table, prepared.plan, log)
    normalised = normalise(table, prepared.profile, prepared.plan, detection.derived_fields, log)
    validated = validate(normalised, prepared.profile, prepared.plan, log)
    issues = log.frame()
    if prepared.origin is not None:
        validated, issues = _relocated(validated, issues, prepared.origin, [part.frame() for part in layout])
    return IntakeResult(
        pilots=validated.pilots,
        rejected=validated.rejected,
        issues=issues,
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
        provenance_source=_provenance(prepared, validated),
        answers=answer_summary(table.cells, prepared.profile, prepared.plan),
        skipped_blank=table.empty_rows,
        skipped_totals=table.totals_rows,
    )


def _skip_totals(table: SourceTable, plan: dict[str, str], log: IssueLog) -> SourceTable:
    """Total and subtotal rows leave the table before validation, each one reported (info),
    so they are neither scored as pilots nor rejected for having no name."""
    rows = totals_rows(table, plan["name"], plan.get("pilot_id"))
    if len(rows):
        labels = table.cells.loc[rows].bfill(axis=1).iloc[:, 0]
        reason = "a total or subtotal row, not a pilot: skipped"
        log.add(rows, plan["name"], labels.tolist(), reason, Severity.INFO, IssueCode.TOTALS_ROW)
    return without_rows(table, rows, totals=len(rows))


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


def _prepare(
    source: Source,
    filename: str | None,
    mapping: str | MappingProfile | None,
    sheet_name: str | Sequence[str] | None,
    overrides: Mapping[str, str] | None,
    limits: IntakeLimits | None,
    accept_suggestions: bool = False,
) -> _Prepared:
    """The stages up to *map*: read the file once, locate the data, map its columns."""
    limits = limits or IntakeLimits()
    data, name = load_bytes(source, filename, limits)
    workbook = read_workbook(data, name, limits)  # read: the only time the bytes are parsed
    profiles = candidate_profiles(mapping)
    located = _locate(workbook, profiles, sheet_name, limits)
    return _map(data, name, located, profiles, overrides, accept_suggestions)


@dataclass(frozen=True)
class _Located:
    """The *locate* stage's result: the sheet (or sheets) and header row chosen, as a table."""

    workbook: Workbook
    sheet: RawSheet
    table: SourceTable
    candidates: tuple[SheetCandidate, ...]
    parts: tuple[tuple[RawSheet, SourceTable], ...] = ()
    origin: pd.DataFrame | None = None


def _locate(
    workbook: Workbook,
    profiles: tuple[MappingProfile, ...],
    sheet_name: str | Sequence[str] | None,
    limits: IntakeLimits,
) -> _Located:
    """Choose the sheet and header row and build the table (several sheets: one table)."""
    names = (sheet_name,) if sheet_name is None or isinstance(sheet_name, str) else tuple(sheet_name)
    sheet, header_index, candidates = choose_sheet(workbook, profiles, names[0])
    table = build_table(sheet, header_index, limits)
    parts: tuple[tuple[RawSheet, SourceTable], ...] = ()
    origin = None
    if len(names) > 1:
        parts = ((sheet, table), *_more_sheets(workbook, profiles, names[1:], table, limits))
        table, origin = combine_tables(parts)
    if workbook.kind == "csv":
        # A csv's grid is not needed once it is a table (merged cells and formulas exist only
        # in xlsx): dropping its million row lists keeps a large file's peak memory down.
        sheet = dataclasses.replace(sheet, rows=[])
        workbook = dataclasses.replace(workbook, sheets=(sheet,))
    return _Located(workbook, sheet, table, candidates, parts, origin)


def _map(
    data: bytes,
    name: str,
    located: _Located,
    profiles: tuple[MappingProfile, ...],
    overrides: Mapping[str, str] | None,
    accept_suggestions: bool,
) -> _Prepared:
    """Choose the mapping profile, plan which column feeds each field, and say what was found."""
    workbook, sheet, table, origin = located.workbook, located.sheet, located.table, located.origin
    profile = choose_profile(table.columns, profiles)
    if origin is not None:  # the sheet name is kept as the pilots' `sheet` column
        profile = with_sheet_column(profile)
    plan, matches = plan_columns(table.columns, profile, overrides)
    suggestions = suggest_name_columns(table.cells, plan) if "name" not in plan else ()
    accepted = tuple(s for s in suggestions[:1] if accept_suggestions and s.confident)
    for suggestion in accepted:
        plan[suggestion.field] = suggestion.column
    fields, others = split_plan(plan)
    currency, currency_column = currency_of(table.columns, plan)
    candidates = located.candidates
    chosen = next((c for c in candidates if c.name == sheet.name), None)
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
        header_choices=chosen.header_choices if chosen is not None else (),
        matches=matches,
        suggestions=suggestions,
        accepted=accepted,
        currency=currency,
        currency_column=currency_column,
        same_layout_sheets=same_layout(candidates, sheet.name),
    )
    return _Prepared(data, name, workbook, sheet, table, profile, plan, detection, located.parts, origin)


def _more_sheets(
    workbook: Workbook,
    profiles: tuple[MappingProfile, ...],
    names: Sequence[str],
    first: SourceTable,
    limits: IntakeLimits,
) -> list[tuple[RawSheet, SourceTable]]:
    more = []
    for name in names:
        sheet, header_index, _ = choose_sheet(workbook, profiles, name)
        more.append((sheet, build_table(sheet, header_index, limits)))
    return more


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
