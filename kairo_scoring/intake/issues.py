"""The validation report: every problem found, collected at once, one row per problem."""

from __future__ import annotations

import pandas as pd

from kairo_scoring.intake.normalize import Parsed, as_text
from kairo_scoring.intake.result import ISSUE_COLUMNS

ERROR = "error"
SEVERITY_ORDER = {ERROR: 0, "warning": 1, "info": 2}


class IssueLog:
    """Collects problems as small frames (whole columns at a time) and hands back one report."""

    def __init__(self, sheet: str | None):
        self.sheet = sheet
        self._parts: list[pd.DataFrame] = []

    def add(
        self,
        rows: pd.Index | list[int | None],
        column: str,
        values: pd.Series | list[object],
        reasons: pd.Series | list[str] | str,
        severity: pd.Series | list[str] | str,
    ) -> None:
        """Problems in one column: ``rows`` are Excel row numbers, ``values`` the cells as read."""
        if len(rows) == 0:
            return
        texts = as_text(pd.Series(list(values), dtype=object))
        self._parts.append(
            pd.DataFrame(
                {
                    "sheet": self.sheet,
                    "row": list(rows),
                    "column": column,
                    "value": texts.to_numpy(),
                    "reason": _listed(reasons, len(rows)),
                    "severity": _listed(severity, len(rows)),
                }
            )
        )

    def add_one(self, row: int | None, column: str, value: object, reason: str, severity: str) -> None:
        """A single problem (a whole-file remark has no row)."""
        self.add([row], column, [value], reason, severity)

    def add_parsed(self, column: str, parsed: Parsed, original: pd.Series) -> None:
        """The problems a column parser found, with the cells as the user typed them."""
        problems = parsed.problems.to_numpy(dtype=bool)
        if problems.any():
            self.add(
                original.index[problems],
                column,
                original[problems],
                parsed.reasons[problems].tolist(),
                parsed.severity[problems].tolist(),
            )

    def frame(self) -> pd.DataFrame:
        """The report sorted by row (whole-file remarks first), then severity."""
        if not self._parts:
            return pd.DataFrame({name: pd.Series(dtype="string") for name in ISSUE_COLUMNS}).astype(
                {"row": "Int64"}
            )
        report = pd.concat(self._parts, ignore_index=True)
        report["row"] = report["row"].astype("Int64")
        for name in ("sheet", "column", "value", "reason", "severity"):
            report[name] = report[name].astype("string")
        order = report["severity"].map(SEVERITY_ORDER)
        report = report.assign(_order=order).sort_values(
            ["row", "_order"], na_position="first", kind="stable"
        )
        return report.drop(columns="_order").reset_index(drop=True)[list(ISSUE_COLUMNS)]


def _listed(value: pd.Series | list[str] | str, length: int) -> list[object]:
    return [value] * length if isinstance(value, str) else list(value)
