"""Finding the data: which sheet holds the pilots, where its header row is, which mapping
profile fits its headers, and the proposed column mapping a page can show and edit."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kairo_scoring.errors import IntakeError, Remedy
from kairo_scoring.intake.mapping import (
    MappingProfile,
    apply_overrides,
    builtin_mappings,
    headers_matched,
    load_mapping,
    match_columns,
)
from kairo_scoring.intake.readers import RawSheet, Workbook
from kairo_scoring.intake.table import find_header_row, header_labels
from kairo_scoring.schema import CANONICAL_COLUMNS

DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes"}

# Sheets that hold answer lists, notes or instructions rather than the register itself.
LOOKUP_SHEET = re.compile(
    r"select|lookup|look up|\blists?\b|note|instruction|read ?me|drop ?down|valid|option|guide|help|about|"
    r"cover|legend|definition|glossary|change ?log|field",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SheetCandidate:
    """One sheet as considered for the register."""

    name: str
    header_row: int | None
    recognised_columns: int
    has_name_column: bool
    data_rows: int
    looks_like_lookup: bool


@dataclass(frozen=True)
class Detection:
    """What intake found and proposes, before (or beside) reading the rows.

    ``column_mapping`` maps canonical fields to source columns; ``input_mapping`` maps the
    profile's other targets (derivation inputs, extra columns) to source columns;
    ``derived_fields`` says, per canonical field, how it is computed from which columns.
    """

    kind: str
    sheet: str | None
    header_row: int | None
    headers: tuple[str, ...]
    candidate_sheets: tuple[SheetCandidate, ...]
    mapping_name: str
    column_mapping: dict[str, str] = field(default_factory=dict)
    input_mapping: dict[str, str] = field(default_factory=dict)
    derived_fields: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None


def candidate_profiles(mapping: str | MappingProfile | None) -> tuple[MappingProfile, ...]:
    """The profile the caller chose, or every built-in one for auto-detection."""
    if mapping is None:
        return builtin_mappings()
    return (mapping,) if isinstance(mapping, MappingProfile) else (load_mapping(mapping),)


def choose_sheet(
    workbook: Workbook, profiles: Sequence[MappingProfile], requested: str | None
) -> tuple[RawSheet, int, tuple[SheetCandidate, ...]]:
    """The sheet holding the pilots and the index of its header row, with every candidate.

    A sheet with a recognisable name column beats one without; a sheet that looks like a
    lookup/notes sheet (or is hidden) only wins when nothing else qualifies; then the most
    recognised columns, then the most rows, then the first sheet."""
    if not workbook.sheets:  # a damaged workbook.xml can list none
        raise IntakeError(
            "The workbook has no worksheets: no header row or data found; open it in Excel, check that the "
            "register is there and save it again."
        )
    assessed = [(sheet, *_assess(sheet, profiles)) for sheet in workbook.sheets]
    candidates = tuple(candidate for _, _, candidate in assessed)
    if requested is not None:
        chosen = [item for item in assessed if item[0].name == requested]
        if not chosen:
            names = ", ".join(f"'{s.name}'" for s in workbook.sheets)
            raise IntakeError(
                f"The workbook has no sheet named '{requested}'; sheets found: {names}. Choose one of them.",
                remedy=Remedy.SHEET,
            )
    else:
        chosen = sorted(assessed, key=lambda item: _preference(item[2]), reverse=True)
    sheet, header_index, candidate = chosen[0]
    if not sheet.rows:
        where = f"Sheet '{sheet.name}'" if sheet.name else "The file"
        raise IntakeError(
            f"{where} is empty: no header row or data found; choose another sheet or file.",
            remedy=Remedy.SHEET,
        )
    if workbook.kind == "csv" and workbook.delimiter is None:
        _refuse_glued_header(sheet.rows[header_index])
    return sheet, header_index, candidates


def _refuse_glued_header(header: Sequence[object]) -> None:
    """A csv read as one column whose header holds delimiters is a file whose delimiter could
    not be decided: read as one column, every row would be one "pilot" of glued text."""
    text = str(header[0]) if header else ""
    found = [name for delimiter, name in DELIMITER_NAMES.items() if delimiter in text]
    if found:
        shown = text if len(text) <= 60 else text[:57] + "…"
        raise IntakeError(
            f"The file reads as one single column, but its header row ('{shown}') holds {' and '.join(found)}: "
            "its rows do not split into the same number of cells on any delimiter. Save it again from the "
            "spreadsheet as CSV (one delimiter, quoted cells) and import that file."
        )


def _preference(candidate: SheetCandidate) -> tuple[bool, bool, int, int]:
    return (
        candidate.has_name_column,
        not candidate.looks_like_lookup,
        candidate.recognised_columns,
        candidate.data_rows,
    )


def _assess(sheet: RawSheet, profiles: Sequence[MappingProfile]) -> tuple[int, SheetCandidate]:
    lookup = bool(LOOKUP_SHEET.search(sheet.name)) or not sheet.visible
    if not sheet.rows:
        return 0, SheetCandidate(sheet.name, None, 0, False, 0, lookup)
    index, recognised = find_header_row(sheet.rows, profiles)
    labels = [label for label in header_labels(sheet.rows[index]) if label]
    has_name = any("name" in match_columns(labels, profile) for profile in profiles)
    data_rows = len(sheet.rows) - index - 1
    return index, SheetCandidate(sheet.name, sheet.first_row + index, recognised, has_name, data_rows, lookup)


def choose_profile(headers: Sequence[str], profiles: Sequence[MappingProfile]) -> MappingProfile:
    """The profile that recognises the name column and the most columns (the first on ties:
    ``canonical`` comes first among the built-ins)."""
    ranked = [
        ("name" in match_columns(headers, profile), headers_matched(headers, profile), -position, profile)
        for position, profile in enumerate(profiles)
    ]
    return max(ranked, key=lambda entry: entry[:3])[3]


def plan_columns(
    headers: Sequence[str], profile: MappingProfile, overrides: Mapping[str, str] | None
) -> dict[str, str]:
    """target → source column: the profile's matches with the caller's overrides applied."""
    return apply_overrides(match_columns(headers, profile), overrides or {}, headers, profile)


def split_plan(plan: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(canonical field → column, other target → column), canonical fields in schema order."""
    fields = {name: plan[name] for name in CANONICAL_COLUMNS if name in plan}
    others = {target: column for target, column in plan.items() if target not in fields}
    return fields, others


def describe_derivations(profile: MappingProfile, plan: Mapping[str, str]) -> dict[str, str]:
    """For each field the profile derives (and the plan does not map directly), how and from
    which source columns: what a page shows next to the editable mapping."""
    described = {}
    for derivation in profile.derived:
        sources = [plan[name] for name in derivation.inputs if name in plan]
        if derivation.field in plan or not sources:
            continue
        if derivation.kind == "qualified_id" and derivation.inputs[1] not in plan:
            continue  # no local ID column: IDs are derived from content instead
        described[derivation.field] = f"{derivation.kind} of {', '.join(repr(s) for s in sources)}"
    return described
