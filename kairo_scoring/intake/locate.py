"""The *locate* stage of intake: which sheet (or sheets of one layout) holds the register and
on which row its header is, turned into one ``SourceTable`` (``_Located``). The choices
themselves are made in ``detect.choose_sheet`` and ``table.build_table``; ``pipeline`` calls
``_locate`` between *read* and *map*."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from kairo_scoring.intake.detect import SheetCandidate, choose_sheet
from kairo_scoring.intake.limits import IntakeLimits
from kairo_scoring.intake.mapping import MappingProfile
from kairo_scoring.intake.readers import RawSheet, Workbook
from kairo_scoring.intake.table import SourceTable, build_table, combine_tables


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
