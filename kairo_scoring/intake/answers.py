"""The answers people write in coded columns (1–5 scores, stage, mode, risk): each distinct
answer, how many cells hold it and how it reads now, and what a choice of meaning would fix.

What the Intake page's answer mapping shows; the choices become a value map of the mapping
profile (``mapping_with_values``), the same ``[values.<field>]`` tables a TOML file holds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from kairo_scoring.intake.codes import Severity
from kairo_scoring.intake.mapping import MappingProfile
from kairo_scoring.intake.normalize import REJECT, as_text, normalize_key
from kairo_scoring.intake.validate import normalise_field
from kairo_scoring.schema import FIELD_BY_NAME, FIELDS
from kairo_scoring.values import is_missing

# One row per distinct answer (by its lookup key) of each mapped coded field.
ANSWER_SUMMARY_COLUMNS: tuple[str, ...] = (
    "field",
    "column",
    "answer",
    "key",
    "cells",
    "reads_as",
    "code",
    "severity",
)
# Answers listed per column: the unusable ones first, then the most frequent.
MAX_ANSWERS = 40
UNKNOWN = "unknown"


def answer_summary(cells: pd.DataFrame, profile: MappingProfile, plan: Mapping[str, str]) -> pd.DataFrame:
    """Every distinct answer of the mapped 1–5 and category fields (``ANSWER_SUMMARY_COLUMNS``):
    ``answer`` as most cells spell it, ``key`` as the value map looks it up, ``cells`` how many
    cells hold it, ``reads_as`` the value it gives now ("unknown" when none), and ``code`` and
    ``severity`` of the problem it raises (empty when it reads fine)."""
    parts = []
    for spec in FIELDS:
        column = plan.get(spec.name)
        if column is None or spec.kind not in ("score", "enum"):
            continue
        counts = cells[column].dropna().value_counts(sort=False)
        if counts.empty:
            continue
        # Each distinct cell value once: a 100,000-row column holds a handful of answers.
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


def _shown(value: object) -> str:
    if is_missing(value):
        return UNKNOWN
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _problems_first(column: pd.Series) -> pd.Series:
    """Sort key: a warning or error answer before one that reads fine."""
    if column.name == "severity":
        return column.map({"": 0, str(Severity.INFO): 1, str(Severity.WARNING): 2, str(Severity.ERROR): 3})
    return column


def answer_choices(field_name: str) -> tuple[str, ...]:
    """What an answer of a field may be said to mean: a value of the field, unknown, or reject."""
    spec = FIELD_BY_NAME[field_name]
    values = ("1", "2", "3", "4", "5") if spec.kind == "score" else spec.allowed
    return (*values, UNKNOWN, REJECT)


def answer_target(field_name: str, choice: str) -> object:
    """A choice (``answer_choices``) as a value map target: a score as a number, unknown as ""."""
    if choice == UNKNOWN:
        return ""
    if choice == REJECT:
        return REJECT
    return int(choice) if FIELD_BY_NAME[field_name].kind == "score" else choice


@dataclass(frozen=True)
class AnswerPreview:
    """What a set of choices for one column does, in cells: ``fixed`` get a value where they
    were unusable, ``marked_unknown`` become unknown on purpose (no warning), ``rejected``
    reject their row, ``changed`` read otherwise than now, ``still_unusable`` stay unusable."""

    fixed: int
    marked_unknown: int
    rejected: int
    changed: int
    still_unusable: int


def preview_answers(answers: pd.DataFrame, field_name: str, choices: Mapping[str, str]) -> AnswerPreview:
    """The effect of ``choices`` (answer key → ``answer_choices`` entry; absent = as read) on
    one field's answers, counted in cells from ``answer_summary``."""
    rows = answers[answers["field"] == field_name]
    fixed = marked = rejected = changed = still = 0
    for row in rows.itertuples():
        unusable = row.severity == str(Severity.WARNING)
        choice = choices.get(row.key)
        if choice is None:
            still += row.cells if unusable else 0
            continue
        if choice != row.reads_as:
            changed += row.cells
        if choice == REJECT:
            rejected += row.cells
        elif choice == UNKNOWN:
            marked += row.cells if unusable else 0
        else:
            fixed += row.cells if unusable else 0
    return AnswerPreview(fixed, marked, rejected, changed, still)
