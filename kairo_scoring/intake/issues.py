"""The validation report: every problem found, collected at once, one row per problem."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kairo_scoring.intake.codes import SEVERITY_ORDER, IssueCode, Severity
from kairo_scoring.intake.normalize import Parsed, as_text
from kairo_scoring.intake.result import ISSUE_COLUMNS

# Text columns of the report (``row`` is the only number).
_TEXT_COLUMNS = tuple(name for name in ISSUE_COLUMNS if name != "row")


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
        reasons: Sequence[str] | str,
        severity: Sequence[Severity] | Severity,
        code: Sequence[IssueCode] | IssueCode,
    ) -> None:
        """Problems in one column: ``rows`` are Excel row numbers, ``values`` the cells as read;
        ``reasons``, ``severity`` and ``code`` are one for all rows or one per row."""
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
                    "code": _members(code, IssueCode, len(rows)),
                    "severity": _members(severity, Severity, len(rows)),
                }
            )
        )

    def add_one(
        self, row: int | None, column: str, value: object, reason: str, severity: Severity, code: IssueCode
    ) -> None:
        """A single problem (a whole-file remark has no row)."""
        self.add([row], column, [value], reason, severity, code)

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
                parsed.codes[problems].tolist(),
            )

    def frame(self) -> pd.DataFrame:
        """The report sorted by row (whole-file remarks first), then severity."""
        if not self._parts:
            return pd.DataFrame({name: pd.Series(dtype="string") for name in ISSUE_COLUMNS}).astype(
                {"row": "Int64"}
            )
        report = pd.concat(self._parts, ignore_index=True)
        report["row"] = report["row"].astype("Int64")
        for name in _TEXT_COLUMNS:
            report[name] = report[name].astype("string")
        order = report["severity"].map(SEVERITY_ORDER)
        report = report.assign(_order=order).sort_values(
            ["row", "_order"], na_position="first", kind="stable"
        )
        return report.drop(columns="_order").reset_index(drop=True)[list(ISSUE_COLUMNS)]


def _listed(value: Sequence[object] | str, length: int) -> list[object]:
    return [value] * length if isinstance(value, str) else list(value)


def _members(
    values: Sequence[object] | str, kind: type[IssueCode] | type[Severity], length: int
) -> np.ndarray:
    """Codes or severities as their plain string values, one per row; a value that is not a
    member (a problem reported without its code) fails here, not in a page."""
    if isinstance(values, str):
        return np.full(length, kind(values).value, dtype=object)
    listed = pd.Series(list(values), dtype=object)
    # Members hash and compare as their values, so plain strings are looked up too.
    plain = listed.map({member: member.value for member in kind})
    if plain.isna().any():
        unknown = sorted(map(repr, set(listed[plain.isna()])))
        raise ValueError(f"not {kind.__name__} values: {unknown}")
    return plain.to_numpy(dtype=object)
