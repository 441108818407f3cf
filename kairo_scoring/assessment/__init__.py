"""The assessment loop: workbooks out to owners or units, answers back in.

`plan_assessment` (`plan`) decides what to ask of whom from the latest snapshot and its
deciding questions; `write_assessment` / `assessment_zip` (`workbook`) write the workbooks
and their index, to the layout both ends share (`layout`); `read_returns` (`returns`) checks
filled workbooks, reading each file (`reading`) and deciding answer by answer (`answers`), and
reports every answer, row and workbook (`report`); `save_returns` lands the answers as one new
snapshot.
"""

from kairo_scoring.assessment.layout import ANSWER_FIELDS
from kairo_scoring.assessment.plan import GROUPINGS, AssessmentPlan, plan_assessment
from kairo_scoring.assessment.report import (
    CODE_MEANINGS,
    REPORT_COLUMNS,
    AssessmentReturns,
    ReturnCode,
    ReturnsSummary,
    ReturnStatus,
    rejected_csv,
    rejected_xlsx,
)
from kairo_scoring.assessment.returns import read_returns, save_returns
from kairo_scoring.assessment.workbook import (
    assessment_zip,
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
