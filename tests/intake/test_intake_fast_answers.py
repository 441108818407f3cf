"""`answer_summary` ranks and groups each column's distinct answers as Python lists; it equals
the frame-by-frame summary it replaced (``_summary_by_frames`` below: ``value_counts``, a
stable sort, ``groupby(...).agg(first, sum)`` and a sort with the problems first), answer
by answer, on random columns of scores, categories, numbers, booleans and blanks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kairo_scoring.intake.answers import (
    ANSWER_SUMMARY_COLUMNS,
    MAX_ANSWERS,
    _distinct_counts,
    _shown,
    answer_summary,
)
from kairo_scoring.intake.codes import Severity
from kairo_scoring.intake.mapping import load_mapping, mapping_with_values
from kairo_scoring.intake.normalize import as_text, normalize_key
from kairo_scoring.intake.validate import normalise_field
from kairo_scoring.schema import FIELDS


def _problems_first(column: pd.Series) -> pd.Series:
    if column.name == "severity":
        return column.map({"": 0, str(Severity.INFO): 1, str(Severity.WARNING): 2, str(Severity.ERROR): 3})
    return column


def _summary_by_frames(cells, profile, plan):
    """The summary as it was built before (commit f03a97e): a frame per column."""
    parts = []
    for spec in FIELDS:
        column = plan.get(spec.name)
        if column is None or spec.kind not in ("score", "enum"):
            continue
        counts = cells[column].dropna().value_counts(sort=False)
        if counts.empty:
            continue
        distinct = pd.Series(counts.index.to_numpy(dtype=object), dtype=object)
        parsed = normalise_field(spec, distinct, profile)
        texts = as_text(distinct)
        frame = pd.DataFrame(
            {
                "answer": texts.to_numpy(dtype=object),
                "key": texts.map(normalize_key).to_numpy(dtype=object),
                "cells": counts.to_numpy(dtype="int64"),
                "reads_as": parsed.values.map(_shown).to_numpy(dtype=object),
                "code": parsed.codes.map(lambda c: "" if c is None else str(c)).to_numpy(dtype=object),
                "severity": parsed.severity.map(lambda c: "" if c is None else str(c)).to_numpy(dtype=object),
            }
        )
        grouped = (
            frame.sort_values("cells", ascending=False, kind="stable")
            .groupby("key", sort=False)
            .agg(
                answer=("answer", "first"),
                cells=("cells", "sum"),
                reads_as=("reads_as", "first"),
                code=("code", "first"),
                severity=("severity", "first"),
            )
        )
        grouped = grouped.reset_index().assign(field=spec.name, column=column)
        grouped = grouped.sort_values(["severity", "cells"], ascending=[False, False], key=_problems_first)
        parts.append(grouped.head(MAX_ANSWERS))
    if not parts:
        return pd.DataFrame({name: pd.Series(dtype="string") for name in ANSWER_SUMMARY_COLUMNS}).astype(
            {"cells": "int64"}
        )
    summary = pd.concat(parts, ignore_index=True)[list(ANSWER_SUMMARY_COLUMNS)]
    return summary.astype(
        {name: "string" for name in ANSWER_SUMMARY_COLUMNS if name != "cells"} | {"cells": "int64"}
    )


# Spellings that fold to one key ("High", " high", "HIGH."), answers that raise each
# severity (a value map rejects "withdrawn"), numbers of every type, and blanks.
ANSWERS = st.one_of(
    st.sampled_from(["High", "high", "HIGH", "High.", "low", "Medium", "n/a", "N/A", "tbd", "withdrawn"]),
    st.sampled_from(["1", "2", "3", "4 - mostly", "4", "3.5", "0", "6", "50%", "Yes", "x", "pilot", "Pilot"]),
    st.sampled_from([1, 2, 3.0, 4.5, 5, True, False, np.float64(3.0), np.int64(2), math.nan, None]),
    st.text(alphabet="aHh1 .-", max_size=4),
)
SCORES = {spec.name for spec in FIELDS if spec.kind == "score"}
CODED = [spec.name for spec in FIELDS if spec.kind in ("score", "enum")]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fields=st.lists(st.sampled_from(CODED), min_size=1, max_size=3, unique=True),
    rows=st.integers(0, 60),
    rejecting=st.booleans(),
    data=st.data(),
)
def test_the_summary_by_lists_equals_the_summary_by_frames(fields, rows, rejecting, data):
    profile = load_mapping("canonical")
    if rejecting:
        targets = {name: {"withdrawn": "reject", "high": 4 if name in SCORES else ""} for name in fields}
        profile = mapping_with_values(profile, targets)
    cells = pd.DataFrame(
        {f"col {name}": data.draw(st.lists(ANSWERS, min_size=rows, max_size=rows)) for name in fields},
        dtype=object,
        index=pd.RangeIndex(rows) + 2,
    )
    plan = {name: f"col {name}" for name in fields}
    pd.testing.assert_frame_equal(
        answer_summary(cells, profile, plan), _summary_by_frames(cells, profile, plan)
    )


def test_more_answers_than_are_listed_keep_the_problems_and_the_most_frequent():
    """Over ``MAX_ANSWERS`` keys: the cut keeps the same rows as before (problems, then most cells)."""
    answers = [f"word {i}" for i in range(60)] * 2 + ["3"] * 5 + ["n/a"] * 7 + ["withdrawn"]
    cells = pd.DataFrame({"Stage": answers, "Maturity": (answers * 2)[: len(answers)]}, dtype=object)
    profile = mapping_with_values(load_mapping("canonical"), {"stage": {"withdrawn": "reject"}})
    plan = {"stage": "Stage", "process_maturity": "Maturity"}
    fast = answer_summary(cells, profile, plan)
    pd.testing.assert_frame_equal(fast, _summary_by_frames(cells, profile, plan))
    assert (fast["field"] == "stage").sum() == MAX_ANSWERS
    assert fast["severity"].iloc[0] == str(Severity.ERROR)


def test_distinct_counts_equal_value_counts_in_the_order_first_seen():
    raw = pd.Series(["b", None, "a", 1, 1.0, True, "b", math.nan, np.int64(1), "a"], dtype=object)
    distinct, counts = _distinct_counts(raw)
    expected = raw.dropna().value_counts(sort=False)
    assert list(distinct) == list(expected.index) and counts.tolist() == expected.tolist()
    assert [type(v) for v in distinct] == [type(v) for v in expected.index.to_numpy(dtype=object)]
