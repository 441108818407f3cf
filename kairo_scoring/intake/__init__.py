"""Intake: read the register a PMO already has (xlsx, xlsm, xls, xlsb, ods, csv) into canonical pilots,
with every row accounted for and every problem reported."""

from kairo_scoring.intake.answers import (
    ANSWER_SUMMARY_COLUMNS,
    AnswerPreview,
    answer_choices,
    answer_target,
    preview_answers,
)
from kairo_scoring.intake.as_of import file_as_of
from kairo_scoring.intake.codes import IssueCode, Severity
from kairo_scoring.intake.detect import CONFIDENT_SUGGESTION, ColumnSuggestion, Detection
from kairo_scoring.intake.limits import IntakeLimits
from kairo_scoring.intake.mapping import (
    ColumnMatch,
    Derivation,
    MappingProfile,
    list_mappings,
    load_mapping,
    mapping_from_toml,
    mapping_to_toml,
    mapping_with_columns,
    mapping_with_values,
)
from kairo_scoring.intake.normalize import (
    normalize_header,
    normalize_key,
    parse_excel_date,
    parse_number,
    parse_yes_no,
)
from kairo_scoring.intake.pipeline import detect, read_portfolio
from kairo_scoring.intake.readers import READABLE_FORMATS, READABLE_SUFFIXES
from kairo_scoring.intake.result import ISSUE_COLUMNS, IntakeResult
from kairo_scoring.intake.table import HeaderCandidate
from kairo_scoring.intake.template import write_template

__all__ = [
    "ANSWER_SUMMARY_COLUMNS",
    "CONFIDENT_SUGGESTION",
    "ISSUE_COLUMNS",
    "AnswerPreview",
    "ColumnMatch",
    "ColumnSuggestion",
    "HeaderCandidate",
    "READABLE_FORMATS",
    "READABLE_SUFFIXES",
    "Derivation",
    "Detection",
    "IntakeLimits",
    "IntakeResult",
    "IssueCode",
    "MappingProfile",
    "Severity",
    "answer_choices",
    "answer_target",
    "detect",
    "file_as_of",
    "list_mappings",
    "load_mapping",
    "mapping_from_toml",
    "mapping_to_toml",
    "mapping_with_columns",
    "mapping_with_values",
    "normalize_header",
    "normalize_key",
    "parse_excel_date",
    "parse_number",
    "parse_yes_no",
    "preview_answers",
    "read_portfolio",
    "write_template",
]
