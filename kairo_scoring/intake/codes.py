"""Machine-readable codes of the validation report, beside its sentences (as pandera's
``SchemaErrorReason`` is beside its messages).

Every issue row carries a ``severity`` (what happened to the row) and a ``code`` (what kind
of problem it is). Pages, exports and tests match on these, never on the sentence, so the
wording can improve without breaking anything. Each member's ``__doc__`` says what it means
and what the user can do; the values are stored with snapshots, so a value never changes
(a renamed member keeps its value).
"""

from __future__ import annotations

from enum import StrEnum


class _Documented(StrEnum):
    """A string enum whose members are written ``NAME = "value", "what it means"``."""

    def __new__(cls, value: str, doc: str) -> _Documented:
        member = str.__new__(cls, value)
        member._value_ = value
        member.__doc__ = doc
        return member


class Severity(_Documented):
    """What an issue did to its row (the values are those of reports stored before codes)."""

    ERROR = "error", "The row is rejected: it is in the rejected rows with its original values."
    WARNING = "warning", "The row is kept, but a value was set to unknown (or a sheet needs a look)."
    INFO = "info", "A note: nothing was lost (a value marked unknown on purpose, an ID derived)."


# The report lists errors first, then warnings, then notes.
SEVERITY_ORDER: dict[str, int] = {severity.value: rank for rank, severity in enumerate(Severity)}


class IssueCode(_Documented):
    """The kind of problem an issue row reports. One member per kind; see each ``__doc__``."""

    # --- rows rejected (error) -----------------------------------------------------------
    MISSING_NAME = (
        "missing_name",
        "The row has no pilot name, so it is rejected (its values are kept with the rejected rows). "
        "Fill in the name in the file and import it again.",
    )
    DUPLICATE_ID = (
        "duplicate_id",
        "An earlier row already has this pilot ID (case and Unicode form ignored); this row is "
        "rejected, nothing is merged. Give the row its own ID, or delete the copy.",
    )
    REJECTED_ANSWER = (
        "rejected_answer",
        'The mapping says this answer rejects the row (a value map entry set to "reject"), so the '
        "row is rejected with its values kept. Change the answer in the file, or what the answer "
        "means in the mapping (the Intake page's answer mapping, or the mapping TOML's [values]).",
    )
    # --- values set to unknown (warning) -------------------------------------------------
    NOT_A_SCORE = (
        "not_a_score",
        "The cell is not a 1–5 score, nor an answer the mapping translates; set to unknown. "
        "Type a score from 1 to 5, or add the answer to the mapping's values.",
    )
    OUT_OF_RANGE_SCORE = (
        "out_of_range_score",
        "A number outside the 1–5 scale (0, 6); set to unknown. Type a score from 1 to 5.",
    )
    FRACTIONAL_SCORE = (
        "fractional_score",
        "A score between two whole scores (3.5); set to unknown, not rounded, so a gate never "
        "passes or fails on a rounding. Choose the whole score you mean.",
    )
    PERCENT_SCORE = (
        "percent_score",
        "A percentage in a 1–5 score column, and the mapping does not convert percentages; set "
        "to unknown. Type a 1–5 score, or use a mapping with percent_scores = true.",
    )
    NOT_A_NUMBER = (
        "not_a_number",
        "A count or amount that cannot be read as a number; set to unknown. Type the number "
        "(1,234 · 1.234,5 · 12 000 € · 2k are all read).",
    )
    BELOW_MINIMUM = (
        "below_minimum",
        "A number below the field's minimum (negative volumes or values, no users); set to "
        "unknown. Correct the number.",
    )
    FRACTIONAL_COUNT = (
        "fractional_count",
        "A count (users, monthly volume) that is not a whole number; set to unknown, not "
        "rounded. Type a whole number.",
    )
    UNKNOWN_CATEGORY = (
        "unknown_category",
        "Not one of a field's allowed values (risk level, mode); set to unknown. Use one of the "
        "values the sentence lists, or map the answer in the mapping's values.",
    )
    NOT_YES_NO = (
        "not_yes_no",
        "Not a yes/no answer in a yes/no column; set to unknown. Type yes or no.",
    )
    NOT_A_DATE = (
        "not_a_date",
        "A cell in a date column that is not a date (or not a real one, as 2025-02-30); set to "
        "unknown. Type the date as 2025-03-31, or as day/month/year in the mapping's date order.",
    )
    IMPLAUSIBLE_DATE = (
        "implausible_date",
        "A bare number in a date column that is no plausible date (12, 202401: as an Excel date "
        "number it would fall outside 1950–2100); set to unknown, not reinterpreted. Type the "
        "whole date.",
    )
    IMPOSSIBLE_TIME = (
        "impossible_time",
        "A time of day no clock shows (25:00, 10:75, 13:00 PM); the whole value is set to "
        "unknown rather than cut off. Correct the time, or remove it.",
    )
    UNKNOWN_ANSWER = (
        "unknown_answer",
        "An answer to a practice question that is neither yes/no nor in the mapping's values; "
        "left out of the derived score (the other answers still count). Answer yes or no, or "
        "add the answer to the mapping's values.",
    )
    AMBIGUOUS_NUMBER = (
        "ambiguous_number",
        "A number such as 1.000 or 1,500 that reads 1000× apart with a decimal point or a decimal "
        "comma, in a column whose other values do not settle which one it uses (none, or both, "
        "occur); set to unknown. Write it unambiguously (1000, or 1.000,00 / 1,000.00).",
    )
    UNDECODABLE_TEXT = (
        "undecodable_text",
        "The cell holds bytes that are not valid in the file's encoding (UTF-8): each is shown as "
        "\ufffd and the rest of the file is read as UTF-8. Retype the cell, or save the file as "
        'UTF-8 ("CSV UTF-8" in Excel), and import it again.',
    )
    LIKELY_DUPLICATE = (
        "likely_duplicate",
        "The same name and business unit as an earlier row; both rows are kept, with different "
        "IDs. Delete the copy, or tell the two pilots apart in the file.",
    )
    # --- the sheet's layout --------------------------------------------------------------
    NO_DATA_ROWS = (
        "no_data_rows",
        "Nothing below the header row, so nothing was imported. Check that this is the right "
        "sheet and that the rows are filled in.",
    )
    MERGED_CELLS = (
        "merged_cells",
        "Merged cells: the value is read in the top-left cell only and the others as empty "
        "(a warning in the data, a note in the header). Unmerge and fill the cells of each row.",
    )
    UNCALCULATED_FORMULA = (
        "uncalculated_formula",
        "A formula whose result was never calculated (the file was saved by a program that does "
        "not calculate); read as empty. Open and save the file in Excel, then import it again.",
    )
    UNNAMED_COLUMN = (
        "unnamed_column",
        "A column with data but no header; it is kept as 'Column X' and left unmapped. Give it a "
        "header, or map it with a column override.",
    )
    # --- notes (info) --------------------------------------------------------------------
    NOT_APPLICABLE = (
        "not_applicable",
        "Marked as unknown or not applicable (n/a, tbd, ?); treated as unknown, as intended. "
        "Fill in the value once it is known.",
    )
    PLACEHOLDER_ID = (
        "placeholder_id",
        "The ID cell holds a placeholder (TBD, n/a, new), so an ID was derived from name and "
        "business unit. Type the real ID once it is assigned.",
    )
    DERIVED_ID = (
        "derived_id",
        "The ID cell is empty, so a stable ID was derived from name and business unit (the same "
        "on every import). Type an ID if the name or unit may change.",
    )
    LEGACY_ENCODING = (
        "legacy_encoding",
        "The csv is not UTF-8 (its non-ASCII bytes form no UTF-8 character) and was read as "
        "Windows cp1252 (or Latin-1); the sentence says why. If accents look wrong, save the file "
        'as UTF-8 ("CSV UTF-8" in Excel) and import it again.',
    )
    SUGGESTED_COLUMN = (
        "suggested_column",
        "No header names this field, so a column was taken from its content (mostly distinct short "
        "texts for the pilot name), as the caller asked for confident suggestions; the reason gives "
        "the confidence. If it is the wrong column, choose the right one (--column name=HEADER, or "
        "the Intake page's column mapping).",
    )
    NO_ID_COLUMN = (
        "no_id_column",
        "The file has no pilot ID column: stable IDs were derived from name and business unit "
        "for every row. Add an ID column, or map one, if names or units may change.",
    )
    TOTALS_ROW = (
        "totals_row",
        "A total or subtotal row (its label 'Total', 'Subtotal' or 'Grand total' where the name "
        "goes, and no pilot ID): skipped, neither scored nor rejected, and counted apart. If it "
        "is a pilot, give it a pilot ID.",
    )
