"""Finding the data: which sheet holds the pilots, where its header row is, which mapping
profile fits its headers, and the proposed column mapping a page can show and edit."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from kairo_scoring.errors import IntakeError, Remedy
from kairo_scoring.intake.mapping import (
    ColumnMatch,
    MappingProfile,
    apply_overrides,
    builtin_mappings,
    headers_matched,
    load_mapping,
    match_columns,
    score_columns,
)
from kairo_scoring.intake.normalize import currency_hint, normalize_header
from kairo_scoring.intake.readers import RawSheet, Workbook
from kairo_scoring.intake.table import HeaderCandidate, find_header_row, header_labels
from kairo_scoring.schema import CANONICAL_COLUMNS, FIELD_BY_NAME

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
    # The header row chosen and its runner-up, with their evidence (best first).
    header_choices: tuple[HeaderCandidate, ...] = ()
    # The sheet's headers as matched (normalised, in order): sheets of the same layout share it.
    header_key: tuple[str, ...] = ()


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
    # The header row chosen and its runner-up, with the evidence for each (best first).
    header_choices: tuple[HeaderCandidate, ...] = ()
    # target → how its column was matched (score 0–1, alias, kind); a column chosen by hand
    # or through an accepted suggestion has none.
    matches: dict[str, ColumnMatch] = field(default_factory=dict)
    # Columns proposed from their content where no header matched (the pilot name): shown
    # with their confidence for the user to confirm, never applied unasked.
    suggestions: tuple[ColumnSuggestion, ...] = ()
    # Suggestions applied because the caller asked for confident ones (``accept_suggestions``).
    accepted: tuple[ColumnSuggestion, ...] = ()
    # The currency an amount header names ("Est. monthly benefit (£)" → "GBP"), and that header.
    currency: str | None = None
    currency_column: str | None = None
    # Sheets with the same headers as the chosen one (two or more), which can be read as one
    # register by passing them all as ``sheet``.
    same_layout_sheets: tuple[str, ...] = ()


# A suggestion at or above this confidence is what the CLI accepts (and says so).
CONFIDENT_SUGGESTION = 0.7
# Below this a column is not worth suggesting at all.
_MIN_SUGGESTION = 0.3


@dataclass(frozen=True)
class ColumnSuggestion:
    """A source column proposed for a field from its content, with the confidence (0–1) and
    the evidence in words."""

    field: str
    column: str
    confidence: float
    reason: str

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT_SUGGESTION


def suggest_name_columns(cells: pd.DataFrame, plan: Mapping[str, str]) -> tuple[ColumnSuggestion, ...]:
    """The columns that read like pilot names, best first (at most two): mostly filled, mostly
    distinct short texts (a few words, not sentences, not numbers, not e-mail addresses).
    Columns already mapped to another field count half; the first columns a little more."""
    mapped = set(plan.values())
    rows = len(cells)
    scored = []
    for position, column in enumerate(cells.columns):
        suggestion = _name_evidence(cells[column], rows, position, column in mapped)
        if suggestion is not None:
            scored.append(ColumnSuggestion("name", column, *suggestion))
    scored.sort(key=lambda s: -s.confidence)
    return tuple(s for s in scored[:2] if s.confidence >= _MIN_SUGGESTION)


def _name_evidence(column: pd.Series, rows: int, position: int, mapped: bool) -> tuple[float, str] | None:
    values = column.dropna()
    texts = [v.strip() for v in values if isinstance(v, str) and any(ch.isalpha() for ch in v)]
    if not rows or not texts:
        return None
    filled, text_share = len(values) / rows, len(texts) / len(values)
    distinct = len({t.casefold() for t in texts}) / len(texts)
    length = float(pd.Series([len(t) for t in texts]).median())
    words = float(pd.Series([len(t.split()) for t in texts]).median())
    addresses = sum(("@" in t or "://" in t) for t in texts) / len(texts)
    length_fit = 1.0 if 3 <= length <= 60 else (length / 3 if length < 3 else 60 / length)
    words_fit = 1.0 if words <= 8 else 8 / words
    few_rows = min(1.0, rows / 3)  # two rows of text say little
    confidence = filled * text_share * distinct * length_fit * words_fit * (1 - addresses) * few_rows
    confidence *= (0.5 if mapped else 1.0) * max(0.85, 1 - 0.03 * position)
    reason = (
        f"{filled:.0%} filled, {text_share:.0%} text, {distinct:.0%} distinct, "
        f"typically {words:.0f} word(s) ({length:.0f} characters)"
    )
    return round(confidence, 2), reason


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
    best, runner_up = find_header_row(sheet.rows, profiles)
    index = best.index
    labels = [label for label in header_labels(sheet.rows[index]) if label]
    has_name = any("name" in match_columns(labels, profile) for profile in profiles)
    data_rows = len(sheet.rows) - index - 1
    choices = tuple(
        dataclasses.replace(c, row=sheet.first_row + c.index) for c in (best, runner_up) if c is not None
    )
    key = tuple(sorted(normalize_header(label) for label in labels))
    return index, SheetCandidate(
        sheet.name, sheet.first_row + index, best.recognised, has_name, data_rows, lookup, choices, key
    )


def same_layout(candidates: Sequence[SheetCandidate], chosen: str | None) -> tuple[str, ...]:
    """The sheets with the chosen sheet's headers (itself first among them, in workbook
    order), when there are two or more: a register spread over one sheet per unit or quarter."""
    key = next((c.header_key for c in candidates if c.name == chosen), ())
    alike = tuple(c.name for c in candidates if key and c.header_key == key and c.data_rows > 0)
    return alike if len(alike) > 1 else ()


def choose_profile(headers: Sequence[str], profiles: Sequence[MappingProfile]) -> MappingProfile:
    """The profile that recognises the name column and the most columns (the first on ties:
    ``canonical`` comes first among the built-ins)."""
    ranked = [
        (
            "name" in match_columns(headers, profile),
            headers_matched(headers, profile),
            headers_matched(headers, profile, exact=False),
            -position,
            profile,
        )
        for position, profile in enumerate(profiles)
    ]
    return max(ranked, key=lambda entry: entry[:4])[4]


def plan_columns(
    headers: Sequence[str], profile: MappingProfile, overrides: Mapping[str, str] | None
) -> tuple[dict[str, str], dict[str, ColumnMatch]]:
    """target → source column: the profile's matches with the caller's overrides applied; and
    the matches the plan still uses (target → ``ColumnMatch``)."""
    matches = score_columns(headers, profile)
    matched = {target: match.column for target, match in matches.items()}
    plan = apply_overrides(matched, overrides or {}, headers, profile)
    kept = {target: match for target, match in matches.items() if plan.get(target) == match.column}
    return plan, kept


def currency_of(headers: Sequence[str], plan: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(ISO 4217 code, header) of the currency the monetary field's header names, if any."""
    for target, column in plan.items():
        spec = FIELD_BY_NAME.get(target)
        if spec is not None and spec.kind == "amount" and (code := currency_hint(column)) is not None:
            return code, column
    return None, None


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
