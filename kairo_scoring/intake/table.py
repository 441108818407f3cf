"""From a grid of cells to a table: find the header row below titles, name the columns,
drop fully empty rows and columns, and keep Excel row numbers as the index."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from kairo_scoring.errors import IntakeError, Remedy
from kairo_scoring.intake.limits import IntakeLimits
from kairo_scoring.intake.mapping import MappingProfile, headers_matched
from kairo_scoring.intake.normalize import cell_text, nfc_texts, normalize_header
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
    empty_rows: int  # blank rows between the header and the last data row, skipped
    totals_rows: int = 0  # total and subtotal rows, skipped (``without_totals``)


def header_labels(row: Sequence[object]) -> list[str]:
    """A header row's cells as display names: line breaks and runs of spaces collapsed."""
    return [" ".join(cell_text(cell).split()) if not is_blank(cell) else "" for cell in row]


@dataclass(frozen=True)
class HeaderCandidate:
    """A row considered as the header row, with the evidence for it.

    ``index`` is the position in the sheet's rows (``row`` the Excel row, once known);
    ``score`` adds two points per header a profile recognises to the row's filled cells
    weighted by how header-like they are: text, distinct, with data below them, and not
    repeated in their column below (a data row's unit or stage repeats; a header does not)."""

    index: int
    score: float
    recognised: int
    cells: int
    text_share: float
    distinct_share: float
    data_below: float
    repeated_below: float
    row: int | None = None

    @property
    def evidence(self) -> str:
        """The evidence in words, for a page or the CLI."""
        return (
            f"{self.recognised} recognised header(s), {self.cells} filled cells, "
            f"{self.text_share:.0%} text, {self.distinct_share:.0%} distinct, "
            f"{self.data_below:.0%} with data below, {self.repeated_below:.0%} repeated below"
        )


# Rows below a candidate header that are looked at for evidence.
_BELOW = 20
# A later row must beat an earlier one by this share to be taken instead: on near-ties the
# first row is the header (a data row of distinct texts reads much like one).
_TIE_MARGIN = 0.05


def find_header_row(
    rows: Sequence[Sequence[object]], profiles: Sequence[MappingProfile]
) -> tuple[HeaderCandidate, HeaderCandidate | None]:
    """The header row among the first ``HEADER_SCAN_ROWS`` rows, and the runner-up.

    Every row is scored on its evidence (``HeaderCandidate``), so a title block above, a
    "SECTION 1" row, leading empty cells and a data row holding a word such as "Pilot"
    do not win; the best score is taken, the earlier row on a near-tie."""
    scanned = rows[:HEADER_SCAN_ROWS]
    candidates = [
        candidate
        for index in range(len(scanned))
        if (candidate := _header_evidence(rows, index, profiles)) is not None
    ]
    if not candidates:
        return HeaderCandidate(0, 0.0, 0, 0, 0.0, 0.0, 0.0, 0.0), None
    best = candidates[0]
    for candidate in candidates[1:]:
        if candidate.score > best.score * (1 + _TIE_MARGIN):
            best = candidate
    others = [c for c in candidates if c.index != best.index]
    runner_up = max(others, key=lambda c: c.score) if others else None
    return best, runner_up


def _header_evidence(
    rows: Sequence[Sequence[object]], index: int, profiles: Sequence[MappingProfile]
) -> HeaderCandidate | None:
    row = rows[index]
    filled = [j for j, cell in enumerate(row) if not is_blank(cell)]
    if not filled:
        return None
    labels = header_labels([row[j] for j in filled])
    keys = [label.casefold() for label in labels]
    text = sum(isinstance(row[j], str) and any(ch.isalpha() for ch in row[j]) for j in filled)
    below = [r for r in rows[index + 1 : index + 1 + _BELOW] if any(not is_blank(c) for c in r)]
    with_data = sum(any(j < len(r) and not is_blank(r[j]) for r in below) for j in filled)
    repeated = sum(
        any(j < len(r) and not is_blank(r[j]) and cell_text(r[j]).strip().casefold() == key for r in below)
        for j, key in zip(filled, keys, strict=True)
    )
    recognised = max((headers_matched(labels, p, exact=False) for p in profiles), default=0)
    cells = len(filled)
    text_share, distinct_share = text / cells, len(set(keys)) / cells
    data_below = with_data / cells if below else 0.0
    repeated_below = repeated / cells
    header_like = text_share * distinct_share * (0.5 + 0.5 * data_below) * (1 - repeated_below)
    score = 2 * recognised + cells * header_like
    return HeaderCandidate(
        index, round(score, 3), recognised, cells, text_share, distinct_share, data_below, repeated_below
    )


def build_table(sheet: RawSheet, header_index: int, limits: IntakeLimits) -> SourceTable:
    """The rows below ``header_index`` as a table with unique display names for columns."""
    body = sheet.rows[header_index + 1 :]
    original = pd.DataFrame(body, dtype=object) if body else pd.DataFrame()
    width = max(original.shape[1], len(sheet.rows[header_index]) if sheet.rows else 0)
    original = original.reindex(columns=range(width))
    original.index = pd.RangeIndex(len(original)) + sheet.first_row + header_index + 1
    cells, filled = _clean_cells(original)
    filled_rows = filled.any(axis=1)
    # Blank rows a person sees between the header and the last data row (none after it).
    last_filled = int(np.flatnonzero(filled_rows)[-1]) + 1 if filled_rows.any() else 0
    blank_rows = int((~filled_rows[:last_filled]).sum())
    cells, original = cells[filled_rows], original[filled_rows]
    if len(cells) > limits.max_rows:
        raise IntakeError(f"The sheet has {len(cells):,} data rows; the limit is {limits.max_rows:,}.")
    labels = header_labels(list(sheet.rows[header_index]) + [None] * width)[:width] if sheet.rows else []
    # The blank rows dropped hold nothing, so a column's filled cells are the same without them.
    filled_columns = filled.any(axis=0)
    keep = [j for j in range(width) if labels[j] or filled_columns[j]]
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
        empty_rows=blank_rows,
    )


def _clean_cells(original: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The cells cleaned, and where they are filled (not missing). Strip text, bring it to one
    Unicode form (NFC: an ID typed with a combining accent is the same ID as one typed
    precomposed) and turn blank cells into missing; numbers and dates stay as they are.

    Each distinct value is cleaned once (a register repeats a few answers in most columns:
    100,000 rows of 17 columns hold about 200,000 distinct values in 1.7 million cells), and
    only the cells that change are replaced: the others stay the very objects of the
    original frame, so a million-row sheet does not hold every string twice. A grid holding
    a value that cannot be hashed is cleaned cell by cell (``_clean_each_cell``, the same result)."""
    # Column after column (a frame's block is column-major, so this is a view, not a copy).
    flat = original.to_numpy(dtype=object, copy=True).ravel(order="F")
    try:
        codes, distinct = _factorize_by_column(flat, original.shape)
    except TypeError:
        return _clean_each_cell(original)
    missing = np.zeros(len(distinct) + 1, dtype=bool)  # per distinct value; the last slot is code -1's
    missing[-1] = True
    is_text = np.fromiter(map(str.__instancecheck__, distinct), dtype=bool, count=len(distinct))
    positions = np.flatnonzero(is_text)
    text = pd.Series(distinct[positions], dtype=str)
    stripped = nfc_texts(text.str.strip())
    changed_text = (stripped.ne(text) | stripped.eq("")).to_numpy(dtype=bool)
    if not changed_text.any():
        return original, ~missing[codes].reshape(original.shape, order="F")
    # Per distinct value: whether its cells change and into what (a blank text into None).
    changes = np.zeros(len(distinct) + 1, dtype=bool)
    changes[positions[changed_text]] = True
    replacement = np.full(len(distinct) + 1, None, dtype=object)
    new_texts = stripped[changed_text].to_numpy(dtype=object)
    blank = new_texts == ""
    new_texts[blank] = None
    replacement[positions[changed_text]] = new_texts
    missing[positions[changed_text][blank]] = True
    changed = changes[codes]
    flat[changed] = replacement[codes[changed]]
    shape = original.shape
    cells = pd.DataFrame(
        flat.reshape(shape, order="F"), index=original.index, columns=original.columns, dtype=object
    )
    return cells, ~missing[codes].reshape(shape, order="F")


def _factorize_by_column(flat: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """A code per cell of the column-major ``flat`` grid (-1 where missing: what ``pd.isna``
    calls missing, as factorize asks the same ``checknull``) into the distinct values.

    Each column is factorised on its own and the codes offset (a value found in two columns
    is two entries, cleaned alike): a column's hash table stays small enough for the cache,
    which made the whole a third faster than one table for the grid (0.14 → 0.08 s for
    100,000 × 17 cells)."""
    rows, width = shape
    codes = np.empty(flat.size, dtype=np.intp)
    distinct: list[np.ndarray] = []
    offset = 0
    for j in range(width):
        column_codes, column_distinct = pd.factorize(flat[j * rows : (j + 1) * rows])
        codes[j * rows : (j + 1) * rows] = np.where(column_codes >= 0, column_codes + offset, -1)
        distinct.append(np.asarray(column_distinct, dtype=object))
        offset += len(column_distinct)
    return codes, (np.concatenate(distinct) if distinct else np.empty(0, dtype=object))


def _clean_each_cell(original: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """``_clean_cells`` one cell at a time: for a grid whose values cannot all be hashed."""
    cells = _cleaned_each_cell(original)
    return cells, cells.notna().to_numpy(dtype=bool)


def _cleaned_each_cell(original: pd.DataFrame) -> pd.DataFrame:
    flat = original.to_numpy(dtype=object, copy=True).ravel(order="F")
    is_text = np.fromiter(map(str.__instancecheck__, flat), dtype=bool, count=flat.size)
    if not is_text.any():
        return original
    positions = np.flatnonzero(is_text)
    text = pd.Series(flat[positions], dtype=str)
    stripped = nfc_texts(text.str.strip())
    changed = (stripped.ne(text) | stripped.eq("")).to_numpy(dtype=bool)
    if not changed.any():
        return original
    replacement = stripped[changed].to_numpy(dtype=object)
    replacement[replacement == ""] = None
    flat[positions[changed]] = replacement
    grid = flat.reshape(original.shape, order="F")
    return pd.DataFrame(grid, index=original.index, columns=original.columns, dtype=object)


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


# A register read from several sheets keeps each row's sheet name in this source column,
# which the profile maps to the pilots' ``sheet`` extra (a page may map it to a field instead).
SHEET_COLUMN = "Sheet"
SHEET_TARGET = "sheet"


def combine_tables(parts: Sequence[tuple[RawSheet, SourceTable]]) -> tuple[SourceTable, pd.DataFrame]:
    """Several sheets of the same layout as one table, rows numbered 1… in order, with the
    ``SHEET_COLUMN``; and per row the sheet and Excel row it came from (``sheet``, ``row``).

    The sheets' columns must be the same headers (case, spacing, order aside): otherwise
    ``IntakeError`` names the first sheet that differs and how."""
    first = parts[0][1]
    keys = {normalize_header(column): column for column in first.columns}
    cells, original, origins = [], [], []
    for sheet, table in parts:
        theirs = {normalize_header(column): column for column in table.columns}
        if set(theirs) != set(keys):
            missing = [keys[k] for k in keys if k not in theirs]
            extra = [theirs[k] for k in theirs if k not in keys]
            raise IntakeError(
                f"Sheet '{sheet.name}' does not have the columns of sheet '{parts[0][0].name}' "
                f"(missing: {', '.join(missing) or 'none'}; not in the first: {', '.join(extra) or 'none'}); "
                "make their headers the same, or import the sheets one at a time.",
                remedy=Remedy.SHEET,
            )
        order = [theirs[k] for k in keys]
        for frame, into in ((table.cells, cells), (table.original, original)):
            aligned = frame[order].set_axis(list(first.columns), axis=1)
            into.append(aligned.assign(**{SHEET_COLUMN: sheet.name}))
        origins.append(pd.DataFrame({"sheet": sheet.name, "row": table.cells.index.to_numpy(dtype="int64")}))
    column = SHEET_COLUMN if SHEET_COLUMN not in first.columns else f"{SHEET_COLUMN} (source)"
    combined_cells = pd.concat(cells, ignore_index=True).rename(columns={SHEET_COLUMN: column})
    combined_original = pd.concat(original, ignore_index=True).rename(columns={SHEET_COLUMN: column})
    origin = pd.concat(origins, ignore_index=True)
    index = pd.RangeIndex(1, len(origin) + 1)
    combined = SourceTable(
        sheet=", ".join(sheet.name for sheet, _ in parts),
        header_row=first.header_row,
        columns=(*first.columns, column),
        column_letters={**first.column_letters, column: ""},
        cells=combined_cells.set_axis(index),
        original=combined_original.set_axis(index),
        empty_rows=sum(table.empty_rows for _, table in parts),
        totals_rows=sum(table.totals_rows for _, table in parts),
    )
    return combined, origin.set_axis(index)


def with_sheet_column(profile: MappingProfile) -> MappingProfile:
    """The profile with the ``SHEET_COLUMN`` kept as the pilots' ``sheet`` extra (text)."""
    columns = {**profile.columns, SHEET_TARGET: (SHEET_COLUMN, f"{SHEET_COLUMN} (source)")}
    return replace(profile, columns=columns, extras={**profile.extras, SHEET_TARGET: "text"})


# A row that adds up the rows above it: its label, alone in the name cell ("Total",
# "Sub-total:", "Grand total") or, when the name cell is empty, first in the row ("Total
# Finance"). A name that merely begins with the word ("Total Rewards bot") is a pilot.
_TOTALS_LABEL = re.compile(r"(?:grand\s+|sub[\s-]?)?totals?\s*:?", re.IGNORECASE)
_TOTALS_FIRST = re.compile(r"(?:(?:grand\s+|sub[\s-]?)?totals?|sum)\b", re.IGNORECASE)


def totals_rows(table: SourceTable, name_column: str, id_column: str | None) -> pd.Index:
    """The Excel rows of ``table`` that are totals or subtotals, not pilots: the name cell
    holds only a totals label, or it is empty and the row's first filled cell starts with
    one; and the ID cell (when there is an ID column) is empty."""
    cells = table.cells
    if cells.empty or name_column not in cells.columns:
        return cells.index[:0]
    names = cells[name_column]
    named = names.notna().to_numpy(dtype=bool)
    label = np.zeros(len(cells), dtype=bool)
    texts = names[named].astype(str)
    # Every totals label holds the word "total" (in any case): the pattern, which Python's re
    # runs one name at a time, only reads the names that do (found in Arrow, all at once).
    worded = texts.str.contains("total", case=False, regex=False).to_numpy(dtype=bool)
    label[np.flatnonzero(named)[worded]] = [
        _TOTALS_LABEL.fullmatch(text) is not None for text in texts[worded]
    ]
    unnamed = cells[~named]
    if len(unnamed):
        first = unnamed.bfill(axis=1).iloc[:, 0]
        first_text = first.where(first.map(type).eq(str))
        found = first_text.dropna().astype(str).str.match(_TOTALS_FIRST)
        label[cells.index.get_indexer(found.index[found.to_numpy(dtype=bool)])] = True
    if id_column is not None and id_column in cells.columns:
        label &= cells[id_column].isna().to_numpy(dtype=bool)
    return cells.index[label]


def without_rows(table: SourceTable, rows: pd.Index, *, totals: int = 0) -> SourceTable:
    """The table without ``rows`` (Excel row numbers), ``totals`` of them counted as totals."""
    if len(rows) == 0:
        return table
    return replace(
        table,
        cells=table.cells.drop(index=rows),
        original=table.original.drop(index=rows),
        totals_rows=table.totals_rows + totals,
    )
