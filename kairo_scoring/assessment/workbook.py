"""Assessment workbooks: one .xlsx per owner (or business unit) asking for each pilot's answers.

A workbook has four sheets:

- ``Instructions``: what to do, in plain words, and what the colours mean;
- ``Answers``: one row per pilot. Row 1 holds the field labels, row 2 the canonical field
  keys (small and grey: the import matches columns on them, never on the labels). The
  pilot's ID, name, unit and owner are locked (sheet protection without a password, so
  nobody edits them by accident). Every answer cell has Excel data validation: a dropdown
  of the rubric's levels (the lists are a range on the Rubric sheet: level texts contain
  commas, and an inline list is limited to 255 characters), whole numbers of 0 or more for
  volume, 1 or more for users, an amount of 0 or more for value. Known values are prefilled
  (blue, italic); the cells of the pilot's deciding questions are highlighted (yellow), and
  the columns that decide the most of the workbook's pilots come first;
- ``Rubric``: every question and what each answer means (the dropdowns' source);
- ``About`` (hidden): the portfolio, the snapshot it was made from, the profile name,
  version and hash, when it was made, who it is for, and the IDs of its pilots, so the
  import can tell a deleted row, another portfolio's workbook and the order of returns.

Workbooks are written with xlsxwriter; `write_assessment` writes them all and the index
csv through `write_outputs` (all or nothing).

The plan (`plan`) says what goes into which workbook; the layout both ends share (sheet
names, key row, locked fields, how answers show in cells) is in `layout`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import UTC
from pathlib import Path
from typing import IO

import pandas as pd
import xlsxwriter

from kairo_scoring.assessment.layout import (
    ABOUT_SHEET,
    ANSWER_FIELDS,
    ANSWERS_SHEET,
    ASSESSMENT_FORMAT,
    FIRST_ANSWER_ROW,
    INSTRUCTIONS_SHEET,
    LOCKED_FIELDS,
    PILOT_LIST_COLUMN,
    QUESTIONS_KEY,
    RUBRIC_SHEET,
    _level_label,
    answer_display,
)
from kairo_scoring.assessment.plan import INDEX_NAME, AssessmentPlan
from kairo_scoring.exports import WORKBOOK_OPTIONS, neutralise_formulas, write_outputs
from kairo_scoring.present.labels import field_label
from kairo_scoring.profile import Rubric
from kairo_scoring.schema import FIELD_BY_NAME

MAX_VALIDATION_MESSAGE = 250  # Excel refuses a data validation's input message over 255 characters
PREFILLED_FILL, DECIDING_FILL, LOCKED_FILL, KEY_FILL = "#DDEBF7", "#FFF2CC", "#F2F2F2", "#EDEDED"


def answer_columns(pilots: pd.DataFrame, field_rank: Sequence[str]) -> list[str]:
    """The answer fields in a workbook's column order: those its pilots' deciding questions
    ask most often first (ties in the portfolio's ranking), then the others in schema order."""
    asked: dict[str, int] = {}
    for questions in pilots["questions"]:
        for name in questions:
            asked[name] = asked.get(name, 0) + 1
    rank = {name: i for i, name in enumerate(field_rank)}
    first = sorted(asked, key=lambda f: (-asked[f], rank.get(f, len(rank)), ANSWER_FIELDS.index(f)))
    return [*first, *(f for f in ANSWER_FIELDS if f not in asked)]


def about_entries(plan: AssessmentPlan, file_name: str, respondent: str) -> list[tuple[str, str]]:
    """The hidden About sheet's key/value rows for one workbook."""
    profile = plan.profile
    return [
        ("format", ASSESSMENT_FORMAT),
        ("portfolio", plan.portfolio),
        ("snapshot_id", str(plan.snapshot.snapshot_id)),
        ("snapshot_hash", plan.snapshot.content_hash),
        ("profile_name", profile.name),
        ("profile_version", str(profile.version)),
        ("profile_hash", profile.content_hash),
        ("made_at", plan.made_at.astimezone(UTC).isoformat()),
        ("by", plan.by),
        ("respondent", respondent),
        ("workbook", file_name),
    ]


def write_assessment_workbook(target: str | Path | IO[bytes], plan: AssessmentPlan, file_name: str) -> None:
    """Write the workbook ``file_name`` of ``plan`` (one of ``plan.index["file"]``) to ``target``."""
    pilots = plan.pilots[plan.pilots["file"] == file_name]
    if pilots.empty:
        raise ValueError(f"{file_name} is not a workbook of this plan")
    respondent = str(pilots["respondent"].iloc[0])
    options = {**WORKBOOK_OPTIONS, "in_memory": True}
    book = xlsxwriter.Workbook(target, options)
    try:
        _write_book(book, plan, pilots, file_name, respondent)
    finally:
        book.close()


def _write_book(book, plan: AssessmentPlan, pilots: pd.DataFrame, file_name: str, respondent: str) -> None:
    rubric = plan.profile.rubric
    fmt = _formats(book)
    instructions = book.add_worksheet(INSTRUCTIONS_SHEET)
    answers = book.add_worksheet(ANSWERS_SHEET)
    lists = _write_rubric(book.add_worksheet(RUBRIC_SHEET), rubric, fmt)
    about = book.add_worksheet(ABOUT_SHEET)
    fields = answer_columns(pilots, plan.field_rank)
    _write_instructions(instructions, plan, respondent, len(pilots), fmt)
    _write_answers(answers, pilots, fields, rubric, lists, fmt)
    for row, (key, value) in enumerate(about_entries(plan, file_name, respondent)):
        about.write_string(row, 0, key)
        about.write_string(row, 1, value)
    about.write_string(0, PILOT_LIST_COLUMN, "pilot_id")
    for row, pilot_id in enumerate(pilots["pilot_id"].astype(str), start=1):
        about.write_string(row, PILOT_LIST_COLUMN, pilot_id)
    about.protect("")  # no password: against accidental edits of what the import trusts
    about.hide()
    answers.activate()


def _formats(book) -> dict[str, object]:
    base = {"valign": "top"}
    return {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "bold": book.add_format({"bold": True}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "header": book.add_format({**base, "bold": True, "text_wrap": True, "bottom": 1}),
        "key": book.add_format({"font_size": 8, "font_color": "#808080", "bg_color": KEY_FILL}),
        # Quote-prefixed: a name that starts like a formula stays text (its value is unchanged).
        "locked": book.add_format({**base, "bg_color": LOCKED_FILL, "quote_prefix": True}),
        "answer": book.add_format({**base, "locked": False}),
        "prefilled": book.add_format({**base, "locked": False, "italic": True, "bg_color": PREFILLED_FILL}),
        "deciding": book.add_format({**base, "locked": False, "bg_color": DECIDING_FILL, "border": 1}),
        "swatch_prefilled": book.add_format({"italic": True, "bg_color": PREFILLED_FILL}),
        "swatch_deciding": book.add_format({"bg_color": DECIDING_FILL, "border": 1}),
        "swatch_locked": book.add_format({"bg_color": LOCKED_FILL}),
    }


def _write_instructions(sheet, plan: AssessmentPlan, respondent: str, pilots: int, fmt) -> None:
    sheet.set_column(0, 0, 100, fmt["wrap"])
    made = plan.made_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        (f"Assessment for {respondent}", fmt["title"]),
        (f"Portfolio: {plan.portfolio}. Made on {made}.", None),
        ("", None),
        (
            f"The Answers sheet lists the {pilots} pilot(s) you are asked about, one row each. "
            "Please answer what you know; leave a cell empty when you do not know.",
            None,
        ),
        (
            "Pick each answer from the cell's dropdown. The Rubric sheet says what every level means, "
            "so that everyone means the same thing by a 3. Volume and users are whole numbers; "
            "value is an amount a month.",
            None,
        ),
        ("Yellow cells are the questions that decide the pilot: answer those first.", fmt["swatch_deciding"]),
        (
            "Blue, italic cells are already known (from the register or derived from it). "
            "Change one only if it is wrong: the change is recorded as a correction.",
            fmt["swatch_prefilled"],
        ),
        (
            "Grey columns say which pilot a row is and are locked: please do not change them, "
            "delete rows or rename the sheets. The small grey row 2 is how the answers are read back.",
            fmt["swatch_locked"],
        ),
        ("When you are done, save the file and send it back as it is (.xlsx).", fmt["bold"]),
    ]
    for row, (text, style) in enumerate(lines):
        sheet.write_string(row, 0, text, style) if style else sheet.write_string(row, 0, text)
    sheet.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})


def _write_rubric(sheet, rubric: Rubric, fmt) -> dict[str, str]:
    """The Rubric sheet; returns each level field's dropdown source ('=Rubric!$D$2:$D$6')."""
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, 2, 60, fmt["wrap"])
    sheet.set_column(3, 3, 70)
    for col, title in enumerate(("Field", "Key", "Question", "Answer (as in the dropdown)")):
        sheet.write_string(0, col, title, fmt["header"])
    sources: dict[str, str] = {}
    row = 1
    for name in ANSWER_FIELDS:
        entry = rubric.entry(name)
        sheet.write_string(row, 0, field_label(name), fmt["bold"])
        sheet.write_string(row, 1, name)
        sheet.write_string(row, 2, entry.question)
        if entry.choices:
            first = row
            for shown in rubric.displays(name, _level_label):
                sheet.write_string(row, 3, shown)
                row += 1
            sources[name] = f"={RUBRIC_SHEET}!$D${first + 1}:$D${row}"
        else:
            sheet.write_string(row, 3, _number_rule(name) + f" ({entry.unit})")
            row += 1
    sheet.freeze_panes(1, 0)
    sheet.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    return sources


def _number_rule(name: str) -> str:
    spec = FIELD_BY_NAME[name]
    minimum = f"{spec.minimum or 0:g}"
    return f"a whole number, {minimum} or more" if spec.kind == "count" else f"an amount, {minimum} or more"


def _validation(name: str, rubric: Rubric, lists: dict[str, str]) -> dict[str, object]:
    spec = FIELD_BY_NAME[name]
    message = rubric.question(name)[:MAX_VALIDATION_MESSAGE]
    common = {
        "input_title": field_label(name)[:32],
        "input_message": message,
        "error_title": "Not an answer"[:32],
        "ignore_blank": True,
    }
    if name in lists:
        return {
            **common,
            "validate": "list",
            "source": lists[name],
            "error_message": "Pick one of the dropdown's answers (the Rubric sheet explains them).",
        }
    rule = _number_rule(name)
    return {
        **common,
        "validate": "integer" if spec.kind == "count" else "decimal",
        "criteria": ">=",
        "value": spec.minimum or 0,
        "error_message": f"Enter {rule}.",
    }


def _write_answers(sheet, pilots, fields, rubric, lists, fmt) -> None:
    identity = [*LOCKED_FIELDS, QUESTIONS_KEY]
    widths = {"pilot_id": 14, "name": 40, "business_unit": 24, "owner": 20, QUESTIONS_KEY: 30}
    for col, key in enumerate(identity):
        label = "Questions that decide it" if key == QUESTIONS_KEY else field_label(key)
        sheet.write_string(0, col, label, fmt["header"])
        sheet.write_string(1, col, key, fmt["key"])
        sheet.set_column(col, col, widths[key])
    first_answer = len(identity)
    for offset, name in enumerate(fields):
        col = first_answer + offset
        sheet.write_string(0, col, field_label(name), fmt["header"])
        sheet.write_string(1, col, name, fmt["key"])
        sheet.set_column(col, col, 34 if name in lists else 16)
    sheet.set_row(0, 32)
    sheet.set_row(1, 11)

    shown = pilots[list(LOCKED_FIELDS)].astype("string")
    values = {name: pilots[name].to_numpy(object) for name in fields}
    for i, (_, row) in enumerate(pilots.iterrows()):
        r = FIRST_ANSWER_ROW - 1 + i
        for col, key in enumerate(LOCKED_FIELDS):
            text = shown[key].iloc[i]
            sheet.write_string(r, col, "" if pd.isna(text) else str(text), fmt["locked"])
        asked = row["questions"]
        sheet.write_string(r, len(LOCKED_FIELDS), ", ".join(field_label(q) for q in asked), fmt["locked"])
        for offset, name in enumerate(fields):
            value = values[name][i]
            cell = answer_display(rubric, name, value)
            style = fmt["deciding"] if name in asked else fmt["prefilled" if cell is not None else "answer"]
            col = first_answer + offset
            if cell is None:
                sheet.write_blank(r, col, None, style)
            elif isinstance(cell, str):
                sheet.write_string(r, col, cell, style)
            else:
                sheet.write_number(r, col, cell, style)
    last = FIRST_ANSWER_ROW - 2 + len(pilots)
    for offset, name in enumerate(fields):
        col = first_answer + offset
        sheet.data_validation(FIRST_ANSWER_ROW - 1, col, last, col, _validation(name, rubric, lists))
        sheet.write_comment(0, col, rubric.question(name), {"x_scale": 2})
    sheet.freeze_panes(FIRST_ANSWER_ROW - 1, 2)
    sheet.autofilter(1, 0, last, first_answer + len(fields) - 1)
    sheet.protect(
        "",
        {
            "select_locked_cells": True,
            "select_unlocked_cells": True,
            "format_columns": True,
            "format_rows": True,
            "autofilter": True,
        },
    )


def workbook_bytes(plan: AssessmentPlan, file_name: str) -> bytes:
    """One workbook of ``plan`` as xlsx bytes."""
    buffer = io.BytesIO()
    write_assessment_workbook(buffer, plan, file_name)
    return buffer.getvalue()


def index_csv(plan: AssessmentPlan) -> bytes:
    """The index of what was written: one row per workbook (``INDEX_COLUMNS``), UTF-8."""
    return neutralise_formulas(plan.index).to_csv(index=False).encode("utf-8")


def write_assessment(plan: AssessmentPlan, folder: str | Path) -> list[Path]:
    """Write every workbook of ``plan`` and ``index.csv`` into ``folder``, all or nothing;
    returns the paths written (the index last). OutputError when the folder is missing."""
    folder = Path(folder)
    writers = {
        folder / name: (lambda temp, name=name: write_assessment_workbook(temp, plan, name))
        for name in plan.index["file"]
    }
    writers[folder / INDEX_NAME] = lambda temp: Path(temp).write_bytes(index_csv(plan))
    return write_outputs(writers)


def assessment_zip(plan: AssessmentPlan) -> bytes:
    """Every workbook of ``plan`` and ``index.csv`` in one zip (the Export page's download)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in plan.index["file"]:
            archive.writestr(name, workbook_bytes(plan, name))
        archive.writestr(INDEX_NAME, index_csv(plan))
    return buffer.getvalue()
