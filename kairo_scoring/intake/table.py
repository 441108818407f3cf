"""From a grid of cells to a table: find the header row below titles, name the columns,
drop fully empty rows and columns, and keep Excel row numbers as the index."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kairo_scoring.errors import IntakeError
from kairo_scoring.intake.limits import IntakeLimits
from kairo_scoring.intake.mapping import MappingProfile, headers_matched
from kairo_scoring.intake.normalize import cell_text, nfc_texts
from kairo_scoring.intake.readers import RawSheet
from kairo_scoring.values import column_letter, is_blank

HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class SourceTable:
    """The data area of one sheet: ``cells`` holds cleaned values (strings stripped and in
    NFC, blanks missing) and ``original`` the values as read; both are indexed by Excel row number."""

    sheet: str | None
    header_row: int | None
    columns: tuple[str, ...]
    column_letters: dict[str, str]
    cells: pd.DataFrame
    original: pd.DataFrame
    empty_rows: int


def header_labels(row: Sequence[object]) -> list[str]:
    """A header row's cells as display names: line breaks and runs of spaces collapsed."""
    return [" ".join(cell_text(cell).split()) if not is_blank(cell) else "" for cell in row]


def find_header_row(rows: Sequence[Sequence[object]], profiles: Sequence[MappingProfile]) -> tuple[int, int]:
    """(index into ``rows``, recognised columns) of the header row among the first rows.

    The row most profiles' aliases recognise wins (the first on ties). With no recognised
    header at all, the first row filled like a header (at least two text cells and half the
    widest row) is taken, which skips title and "SECTION 1" rows."""
    scanned = rows[:HEADER_SCAN_ROWS]
    best_index, best_matches = -1, 0
    for index, row in enumerate(scanned):
        labels = [label for label in header_labels(row) if label]
        matches = max((headers_matched(labels, profile) for profile in profiles), default=0)
        if matches > best_matches:
            best_index, best_matches = index, matches
    if best_index >= 0:
        return best_index, best_matches
    return _first_header_like_row(scanned), 0


def _first_header_like_row(rows: Sequence[Sequence[object]]) -> int:
    text_counts = [sum(isinstance(c, str) and bool(c.strip()) for c in row) for row in rows]
    widest = max(text_counts, default=0)
    for index, count in enumerate(text_counts):
        if count >= max(2, widest / 2):
            return index
    return next((i for i, row in enumerate(rows) if any(not is_blank(c) for c in row)), 0)


def build_table(sheet: RawSheet, header_index: int, limits: IntakeLimits) -> SourceTable:
    """The rows below ``header_index`` as a table with unique display names for columns."""
    body = sheet.rows[header_index + 1 :]
    original = pd.DataFrame(body, dtype=object) if body else pd.DataFrame()
    width = max(original.shape[1], len(sheet.rows[header_index]) if sheet.rows else 0)
    original = original.reindex(columns=range(width))
    original.index = pd.RangeIndex(len(original)) + sheet.first_row + header_index + 1
    cells = original.apply(_clean_column)
    filled_rows = cells.notna().any(axis=1)
    cells, original = cells[filled_rows], original[filled_rows]
    if len(cells) > limits.max_rows:
        raise IntakeError(f"The sheet has {len(cells):,} data rows; the limit is {limits.max_rows:,}.")
    labels = header_labels(list(sheet.rows[header_index]) + [None] * width)[:width] if sheet.rows else []
    keep = [j for j in range(width) if labels[j] or cells[j].notna().any()]
    letters = [column_letter(sheet.first_col + j) for j in keep]
    names = _unique_names([labels[j] or f"Column {letter}" for j, letter in zip(keep, letters, strict=True)])
    cells = cells[keep].set_axis(names, axis=1)
    original = original[keep].set_axis(names, axis=1)
    return SourceTable(
        sheet=sheet.name or None,
        header_row=sheet.first_row + header_index if sheet.rows else None,
        columns=tuple(names),
        column_letters=dict(zip(names, letters, strict=True)),
        cells=cells,
        original=original,
        empty_rows=int((~filled_rows).sum()),
    )


def _clean_column(column: pd.Series) -> pd.Series:
    """Strip text, bring it to one Unicode form (NFC: an ID typed with a combining accent is
    the same ID as one typed precomposed) and turn blank cells into missing; numbers and
    dates stay as they are.

    Only the cells that change are replaced: the others stay the very objects of the
    original frame, so a million-row sheet does not hold every string twice."""
    is_text = column.map(type).eq(str).to_numpy(dtype=bool)
    if not is_text.any():
        return column
    text = column[is_text].astype(str)
    stripped = nfc_texts(text.str.strip())
    changed = (stripped.ne(text) | stripped.eq("")).to_numpy(dtype=bool)
    if not changed.any():
        return column
    replacement = stripped[changed]
    cleaned = column.copy()
    cleaned.iloc[np.flatnonzero(is_text)[changed]] = replacement.where(replacement != "", None).astype(object)
    return cleaned


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique
