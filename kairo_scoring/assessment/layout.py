"""The assessment workbook's layout, which the export writes and the import reads back.

The format tag and the sheet names, the rows of field labels and of field keys, the answer
fields asked and the locked fields that say which pilot a row is, the About sheet's column of
pilot IDs, and how a known answer shows in a cell (`answer_display`) and a cell reads back as
an answer (`parse_answer`). `workbook` writes to this layout; `reading` and `answers` read it.
"""

from __future__ import annotations

from kairo_scoring.present.labels import value_label
from kairo_scoring.profile import RUBRIC_FIELDS, Rubric
from kairo_scoring.values import is_missing

ASSESSMENT_FORMAT = "kairo-assessment/1"
ANSWERS_SHEET, RUBRIC_SHEET, ABOUT_SHEET, INSTRUCTIONS_SHEET = "Answers", "Rubric", "About", "Instructions"
# The answers a workbook asks for: every field the rubric describes.
ANSWER_FIELDS: tuple[str, ...] = RUBRIC_FIELDS
# Locked columns that say which pilot a row is; the import checks them against the snapshot.
LOCKED_FIELDS: tuple[str, ...] = ("pilot_id", "name", "business_unit", "owner")
QUESTIONS_KEY = "deciding_questions"  # a locked column listing the row's deciding questions
LABEL_ROW, KEY_ROW, FIRST_ANSWER_ROW = 1, 2, 3  # as Excel numbers them
PILOT_LIST_COLUMN = 3  # About: the workbook's pilot IDs, in column D from row 2


def _level_label(field_name: str, value: object) -> str:
    return value_label(field_name, value)


def answer_display(rubric: Rubric, field_name: str, value: object) -> object:
    """What a workbook cell shows for a known value: the dropdown entry, or the number."""
    if is_missing(value):
        return None
    if rubric.entry(field_name).choices:
        return rubric.display(field_name, value, _level_label)
    number = float(value)  # type: ignore[arg-type]
    return int(number) if number.is_integer() else number


def parse_answer(rubric: Rubric, field_name: str, value: object) -> object:
    """The answer a dropdown entry (or a bare level) stands for; None when it is none of them."""
    return rubric.parse_display(field_name, value, _level_label)
