"""The assessment loop: workbooks out to owners or units (`workbook`), answers back in (`returns`).

`plan_assessment` decides what to ask of whom from the latest snapshot and its deciding
questions; `write_assessment` / `assessment_zip` write the workbooks and their index;
`read_returns` checks filled workbooks and reports every answer, row and workbook;
`save_returns` lands the answers as one new snapshot.
"""

from kairo_scoring.assessment.returns import (
    CODE_MEANINGS,
    REPORT_COLUMNS,
    AssessmentReturns,
    ReturnCode,
    ReturnsSummary,
    ReturnStatus,
    read_returns,
    rejected_csv,
    rejected_xlsx,
    save_returns,
)
from kairo_scoring.assessment.workbook import (
    ANSWER_FIELDS,
    GROUPINGS,
    AssessmentPlan,
    assessment_zip,
    plan_assessment,
    workbook_bytes,
    write_assessment,
)

__all__ = [
    "ANSWER_FIELDS",
    "CODE_MEANINGS",
    "GROUPINGS",
    "REPORT_COLUMNS",
    "AssessmentPlan",
    "AssessmentReturns",
    "ReturnCode",
    "ReturnStatus",
    "ReturnsSummary",
    "assessment_zip",
    "plan_assessment",
    "read_returns",
    "rejected_csv",
    "rejected_xlsx",
    "save_returns",
    "workbook_bytes",
    "write_assessment",
]
