"""Value normalisation: turn what people type in registers into canonical values.

Every parser works column-wise and parses each *distinct* value once (registers repeat
the same few answers thousands of times), so a 100,000-row column costs a handful of
Python calls, not 100,000. Parsers never raise on bad input: they return the value as
unknown together with a reason, a severity and a code the caller turns into an issue.

One module per kind of value: ``text`` (headers, answer keys, Unicode forms, yes/no,
cells as shown), ``headers`` (the words of a header, its note, its parts, its currency), ``numbers``, ``dates``, ``unique`` (a column parsed by its distinct
values) and ``columns`` (the per-kind column parsers built on them). The names are
re-exported here, so callers import from ``kairo_scoring.intake.normalize``.
"""

from kairo_scoring.intake.normalize.columns import (
    MARKED_UNKNOWN,
    UNKNOWN_MARK,
    NumberRule,
    parse_dates,
    parse_enum,
    parse_numbers,
    parse_quantities,
    parse_scores,
    parse_yes_no_column,
    unreadable,
)
from kairo_scoring.intake.normalize.dates import (
    EXCEL_EPOCH,
    MAX_EXCEL_SERIAL,
    NOT_A_DATE,
    SERIAL_DATE_RANGE,
    YEAR_RANGE,
    DateProblem,
    parse_excel_date,
    read_date,
)
from kairo_scoring.intake.normalize.headers import (
    currency_hint,
    header_head,
    header_parts,
    header_words,
)
from kairo_scoring.intake.normalize.numbers import (
    parse_number,
)
from kairo_scoring.intake.normalize.text import (
    NO,
    NOT_APPLICABLE,
    TEXT_FORM,
    YES,
    cell_text,
    comparison_keys,
    id_keys,
    nfc_texts,
    normalize_header,
    normalize_key,
    parse_yes_no,
)
from kairo_scoring.intake.normalize.unique import (
    FINE,
    REJECT,
    Outcome,
    Parsed,
    as_text,
    lookup_value_map,
    parse_by_unique,
    rejected_by_map,
)

__all__ = [
    "DateProblem",
    "EXCEL_EPOCH",
    "FINE",
    "MARKED_UNKNOWN",
    "MAX_EXCEL_SERIAL",
    "NO",
    "NOT_APPLICABLE",
    "NOT_A_DATE",
    "NumberRule",
    "REJECT",
    "Outcome",
    "Parsed",
    "SERIAL_DATE_RANGE",
    "TEXT_FORM",
    "UNKNOWN_MARK",
    "YEAR_RANGE",
    "YES",
    "as_text",
    "cell_text",
    "comparison_keys",
    "currency_hint",
    "header_head",
    "header_parts",
    "header_words",
    "id_keys",
    "lookup_value_map",
    "nfc_texts",
    "normalize_header",
    "normalize_key",
    "parse_by_unique",
    "parse_dates",
    "parse_enum",
    "parse_excel_date",
    "parse_number",
    "parse_numbers",
    "parse_quantities",
    "parse_scores",
    "parse_yes_no",
    "parse_yes_no_column",
    "read_date",
    "rejected_by_map",
    "unreadable",
]
