"""Filling assessment workbooks as a respondent would, from what the workbook itself offers.

The dropdown lists are read from the workbook (each answer column's data validation and the
Rubric range it points at), never from the library, so a workbook whose validation is
missing or points at the wrong list fails here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
from openpyxl.utils import range_boundaries

KEY_ROW, FIRST_ROW = 2, 3


def keys(sheet) -> dict[str, int]:
    """Row 2's field keys → 1-based column."""
    return {cell.value: cell.column for cell in sheet[KEY_ROW] if cell.value}


def validations(book) -> dict[int, dict]:
    """Per 1-based column of the Answers sheet: the validation covering it, with the dropdown
    list read from the range it points at ('options'), and the cells it covers."""
    sheet = book["Answers"]
    out: dict[int, dict] = {}
    for dv in sheet.data_validations.dataValidation:
        cells = set()
        for ref in str(dv.sqref).split():
            min_col, min_row, max_col, max_row = range_boundaries(ref)
            cells |= {(r, c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)}
        rule = {"type": dv.type, "operator": dv.operator, "formula1": dv.formula1, "cells": cells}
        if dv.type == "list":
            sheet_name, ref = re.fullmatch(r"=?'?([^'!]+)'?!(.+)", dv.formula1).groups()
            source = book[sheet_name]
            min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
            rule["options"] = [source.cell(row, min_col).value for row in range(min_row, max_row + 1)]
        for _, col in cells:
            out[col] = rule
    return out


def pick(seed: str, n: int) -> int:
    return int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16) % n


def valid_value(rule: dict, current, seed: str):
    """A valid answer the validation allows, different from the cell's current value."""
    if rule["type"] == "list":
        options = [o for o in rule["options"] if o != current]
        return options[pick(seed, len(options))]
    assert rule["operator"] == "greaterThanOrEqual", rule
    low = float(rule["formula1"])
    value = int(low) + pick(seed, 5000) if rule["type"] == "whole" else low + pick(seed, 100_000) + 0.5
    return value + 1 if value == current else value


def fill(
    path: Path,
    answer: Callable[[str, str, dict, object], object] | None = None,
    check: Callable[[object], None] | None = None,
) -> dict:
    """Fill every answer cell of the workbook at `path` (in place) with a valid value
    (or `answer(pilot_id, field, rule, current)`); returns {(pilot_id, field): written}.
    `check(book)` first looks at the workbook as it was sent."""
    book = openpyxl.load_workbook(path)
    if check is not None:
        check(book)
    sheet = book["Answers"]
    columns = keys(sheet)
    rules = validations(book)
    written = {}
    answer_fields = [
        k for k in columns if k not in ("pilot_id", "name", "business_unit", "owner", "deciding_questions")
    ]
    for row in range(FIRST_ROW, sheet.max_row + 1):
        pilot_id = sheet.cell(row, columns["pilot_id"]).value
        if pilot_id is None:
            continue
        for name in answer_fields:
            col = columns[name]
            rule = rules[col]
            assert (row, col) in rule["cells"], f"{path.name} {name} row {row} has no data validation"
            current = sheet.cell(row, col).value
            value = (
                answer(pilot_id, name, rule, current)
                if answer
                else valid_value(rule, current, f"{pilot_id}|{name}")
            )
            sheet.cell(row, col).value = value
            written[(pilot_id, name)] = value
    book.save(path)
    return written


def set_cells(path: Path, changes: dict[tuple[str, str], object]) -> None:
    """Set Answers cells by (pilot_id, field key)."""
    book = openpyxl.load_workbook(path)
    sheet = book["Answers"]
    columns = keys(sheet)
    rows = {sheet.cell(r, columns["pilot_id"]).value: r for r in range(FIRST_ROW, sheet.max_row + 1)}
    for (pilot_id, name), value in changes.items():
        sheet.cell(rows[pilot_id], columns[name]).value = value
    book.save(path)


def cell_of(path: Path, pilot_id: str, name: str) -> str:
    book = openpyxl.load_workbook(path)
    sheet = book["Answers"]
    columns = keys(sheet)
    for r in range(FIRST_ROW, sheet.max_row + 1):
        if sheet.cell(r, columns["pilot_id"]).value == pilot_id:
            return sheet.cell(r, columns[name]).coordinate
    raise KeyError(pilot_id)
