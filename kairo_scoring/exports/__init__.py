"""Exports people open outside the tool: formatted xlsx and csv, safe against formula injection,
and the one way the CLI writes a file.

The csv (and parquet) keep the codes, for other tools to read. The xlsx is for people: every
option, verdict, field and gate is named by its label (`present.labels`), unknown reads
'unknown', scores are whole numbers and money carries the profile's currency in its header.

A spreadsheet evaluates a cell that starts with = + - @ (and some tools also tab, CR or
NUL) as a formula. Text from uploads can start that way, so every text cell that does is
written as text: in xlsx as a string cell with Excel's quote prefix, in csv with a
leading apostrophe (OWASP's advice for CSV injection).

The workbook is streamed row by row (xlsxwriter's constant_memory mode), so its memory does
not grow with the table. Files are written through `write_outputs`: a temporary file beside
the target, renamed over it only once complete, so a full disk or a refused write leaves no
partial file, and an input is never overwritten.

A text longer than an Excel cell holds (32,767 characters) is never cut silently: the xlsx
cell keeps as much as fits and ends with a marker saying how long the text was and where it is
whole (`CUT_MARKER`), a 'Cut cells' sheet lists every such cell, and `xlsx_cut_cells` finds them
for the CLI and the Export page to say so. The csv and parquet keep every text whole.

Every format shares one set of column rules. The parts: the formula guard (`formulas`), the
table's columns, its csv and the frames people read (`tables`), the workbook (`xlsx`), one
writer per output (`writers`) and the atomic write (`atomic`). The names other parts of the
library use (`FORMULA_TRIGGERS`, `WORKBOOK_OPTIONS`, `write_outputs`, `check_output`,
`scored_outputs`…) stay importable from here, outside the public face.
"""

from kairo_scoring.exports.atomic import check_output, write_outputs  # noqa: F401
from kairo_scoring.exports.formulas import (  # noqa: F401
    FORMULA_TRIGGERS,
    WORKBOOK_OPTIONS,
    neutralise_formulas,
)
from kairo_scoring.exports.tables import (  # noqa: F401
    LEADING_COLUMNS,
    WHOLE_NUMBER_COLUMNS,
    export_csv,
    ordered_columns,
    people_frame,
    profile_frame,
    summary_frame,
    write_csv,
)
from kairo_scoring.exports.writers import (  # noqa: F401
    QUESTION_HEADERS,
    export_audit_csv,
    export_questions_csv,
    scored_outputs,
    write_audit,
    write_decisions,
    write_questions,
    write_scored,
)
from kairo_scoring.exports.xlsx import (  # noqa: F401
    CUT_CELL_COLUMNS,
    CUT_MARKER,
    CUT_SHEET,
    DECISIONS_SHEET,
    MAX_CELL_TEXT,
    ROW_CHUNK,
    WHOLE_IN,
    cut_cells_sentence,
    export_xlsx,
    write_xlsx,
    xlsx_cut_cells,
)

__all__ = [
    "cut_cells_sentence",
    "export_audit_csv",
    "export_csv",
    "export_questions_csv",
    "export_xlsx",
    "neutralise_formulas",
    "people_frame",
    "write_audit",
    "write_decisions",
    "write_questions",
    "write_scored",
    "xlsx_cut_cells",
]
