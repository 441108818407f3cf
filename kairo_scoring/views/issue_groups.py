"""The validation report grouped: one group per kind of problem with one value in one column
("Controls: 'Yes' in 37 rows"), largest first, each with its cells.

Read from the intake issue log (``IntakeResult.issues``, columns ``ISSUE_COLUMNS``) as it
is: nothing is re-validated and nothing is dropped. Every issue row belongs to exactly one
group, so the groups' counts add up to the flat report's length.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from kairo_scoring.intake.codes import SEVERITY_ORDER
from kairo_scoring.intake.result import ISSUE_COLUMNS

# One row per group, in the order a person should read them: errors, then warnings, then
# notes; within each, the most rows first. ``field`` is the canonical field the column is
# mapped to (missing for a column no field took, and for whole-file remarks).
ISSUE_GROUP_COLUMNS: tuple[str, ...] = (
    "group",
    "severity",
    "code",
    "column",
    "field",
    "value",
    "rows",
    "first_row",
    "reason",
    "reasons",
)
# What makes two issues one group: the same kind of problem, in the same column, with the
# same value as read (a register of several sheets groups a column across its sheets).
_GROUP_KEY = ("severity", "code", "column", "value")


@dataclass(frozen=True)
class IssueGroups:
    """The validation report grouped (see ``issue_groups``).

    - ``groups``: one row per group, columns ``ISSUE_GROUP_COLUMNS``. ``rows`` counts the
      group's issues (each one cell of one source row), ``first_row`` is the first source
      row (missing for a whole-file remark), ``reason`` the group's most frequent sentence and
      ``reasons`` how many different sentences it has (1 when they are all the same).
    - ``cells``: the issue log itself, in its own order, with a ``group`` column: the flat
      report, nothing lost.
    """

    groups: pd.DataFrame
    cells: pd.DataFrame

    def cells_of(self, group: int) -> pd.DataFrame:
        """The issues of one group: its cells, as the flat report lists them."""
        return self.cells[self.cells["group"] == group].drop(columns="group").reset_index(drop=True)


def issue_groups(issues: pd.DataFrame, column_mapping: Mapping[str, str] | None = None) -> IssueGroups:
    """Group the validation report by kind of problem, column and value, largest first.

    ``column_mapping`` (canonical field → source column, as ``IntakeResult.column_mapping``)
    names the field each column feeds; without it, ``field`` is missing throughout.
    """
    cells = issues.reset_index(drop=True)
    for name in ISSUE_COLUMNS:  # a report built by hand (or stored before codes) may lack some
        if name not in cells.columns:
            cells[name] = pd.Series(pd.NA, index=cells.index, dtype="string")
    keys = pd.DataFrame({name: cells[name].astype("string").fillna("") for name in _GROUP_KEY})
    if cells.empty:
        empty = pd.DataFrame({name: pd.Series(dtype="string") for name in ISSUE_GROUP_COLUMNS})
        empty = empty.astype({"group": "int64", "rows": "int64", "first_row": "Int64", "reasons": "int64"})
        return IssueGroups(empty, cells.assign(group=pd.Series(dtype="int64")))
    reasons = cells["reason"].astype("string").fillna("")
    rows = cells["row"].astype("Int64")
    per_issue = keys.assign(reason=reasons, row=rows, order=range(len(cells)))
    grouped = per_issue.groupby(list(_GROUP_KEY), sort=False, dropna=False)
    summary = grouped.agg(
        rows=("order", "size"),
        first_row=("row", "min"),
        first_seen=("order", "min"),
        reason=("reason", _most_frequent),
        reasons=("reason", "nunique"),
    ).reset_index()
    summary["rank"] = summary["severity"].map(SEVERITY_ORDER).fillna(len(SEVERITY_ORDER))
    summary = summary.sort_values(
        ["rank", "rows", "first_seen"], ascending=[True, False, True], kind="stable"
    ).reset_index(drop=True)
    summary["group"] = range(len(summary))
    field_of = {column: field for field, column in (column_mapping or {}).items()}
    summary["field"] = pd.array([field_of.get(c) for c in summary["column"]], dtype="string")
    # Each issue's group, matched on the group key (a merge keeps the report's own order).
    numbered = keys.merge(summary[[*_GROUP_KEY, "group"]], on=list(_GROUP_KEY), how="left", sort=False)
    groups = summary[list(ISSUE_GROUP_COLUMNS)].astype(
        {
            "group": "int64",
            "severity": "string",
            "code": "string",
            "column": "string",
            "value": "string",
            "rows": "int64",
            "first_row": "Int64",
            "reason": "string",
            "reasons": "int64",
        }
    )
    return IssueGroups(groups, cells.assign(group=numbered["group"].to_numpy(dtype="int64")))


def _most_frequent(reasons: pd.Series) -> str:
    """The sentence most issues of a group share (the first one met, on a tie)."""
    counts = reasons.value_counts(sort=False)
    return str(counts.index[counts.to_numpy().argmax()])


__all__ = ["ISSUE_GROUP_COLUMNS", "IssueGroups", "issue_groups"]
