"""The public entry points: ``detect`` (what would be read, and how) and ``read_portfolio``.

This module wires the named stages of intake end to end, each in its own module: read
(``readers.read_workbook``), locate (``locate._locate``), map (``map_stage._map``), skip totals
(``_skip_totals``, here), normalise (``normalize/stage.normalise``), validate
(``validate.validate``) and report (``report``: layout remarks, several-sheet relocation,
provenance; the ``IntakeResult`` itself is built here). The stages are called through this
module's names, so a test or the benchmark can wrap each one here.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from kairo_scoring.errors import IntakeError, Remedy
from kairo_scoring.intake.answers import answer_summary
from kairo_scoring.intake.codes import IssueCode, Severity
from kairo_scoring.intake.detect import Detection, candidate_profiles
from kairo_scoring.intake.issues import IssueLog
from kairo_scoring.intake.limits import IntakeLimits
from kairo_scoring.intake.locate import _locate
from kairo_scoring.intake.map_stage import _map, _Prepared
from kairo_scoring.intake.mapping import MappingProfile
from kairo_scoring.intake.normalize.stage import normalise
from kairo_scoring.intake.readers import load_bytes, read_workbook
from kairo_scoring.intake.report import _provenance, _relocated, _report_layout
from kairo_scoring.intake.result import IntakeResult
from kairo_scoring.intake.table import SourceTable, totals_rows, without_rows
from kairo_scoring.intake.validate import validate

Source = bytes | str | Path


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
