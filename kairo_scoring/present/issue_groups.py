"""The grouped validation report in words: "Controls: 'Yes' in 37 rows — not a 1–5 score;
set to unknown", one sentence per group of ``views.issue_groups``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from kairo_scoring.present.formats import count_phrase
from kairo_scoring.present.labels import field_label
from kairo_scoring.values import is_blank

# A cell value longer than this is cut in the sentence (the group's cells show it whole).
VALUE_SHOWN = 40


def issue_group_sentence(group: Mapping[str, Any]) -> str:
    """One group of the validation report as a sentence: the column (and the Kairo field it
    feeds, when its header does not already name it), the value, how many rows, the problem.
    A whole-file remark (no column) is its own sentence."""
    reason = "" if is_blank(group.get("reason")) else str(group["reason"])
    if group.get("reasons", 1) > 1:
        reason += f" (and {count_phrase(int(group['reasons']) - 1, 'other reason')}: see the cells)"
    column = "" if is_blank(group.get("column")) else str(group["column"])
    if not column:
        return reason[:1].upper() + reason[1:]
    field = group.get("field")
    if not is_blank(field) and field_label(str(field)).casefold() not in column.casefold():
        column = f"{column} ({field_label(str(field))})"
    value = "" if is_blank(group.get("value")) else str(group["value"])
    shown = f"'{value[:VALUE_SHOWN]}…'" if len(value) > VALUE_SHOWN else f"'{value}'" if value else "empty"
    return f"{column}: {shown} in {count_phrase(int(group['rows']), 'row')} — {reason}"


def issue_group_sentences(groups: pd.DataFrame) -> pd.Series:
    """``issue_group_sentence`` for every group, indexed as ``groups``."""
    return pd.Series(
        [issue_group_sentence(row) for row in groups.to_dict("records")], index=groups.index, dtype="string"
    )


__all__ = ["issue_group_sentence", "issue_group_sentences"]
