"""The answers people write in coded columns (1–5 scores, stage, mode, risk): each distinct
answer, how many cells hold it and how it reads now, and what a choice of meaning would fix.

What the Intake page's answer mapping shows; the choices become a value map of the mapping
profile (``mapping_with_values``), the same ``[values.<field>]`` tables a TOML file holds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
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
    rows: list[tuple[object, ...]] = []
    for spec in FIELDS:
        column = plan.get(spec.name)
        if column is None or spec.kind not in ("score", "enum"):
            continue
        distinct, counts = _distinct_counts(cells[column])
        if not len(counts):
            continue
        # Each distinct cell value once: a 100,000-row column holds a handful of answers, so
        # they are ranked and grouped as Python lists (a frame's sort and groupby per column
        # cost more than the counting).
        parsed = normalise_field(spec, pd.Series(distinct, dtype=object), profile)
        texts = as_text(pd.Series(distinct, dtype=object)).tolist()
        answers = zip(
            texts,
            map(normalize_key, texts),
            counts.tolist(),
            map(_shown, parsed.values.tolist()),
            map(_named, parsed.codes.tolist()),
            map(_named, parsed.severity.tolist()),
            strict=True,
        )
        rows += [(spec.name, column, *answer) for answer in _by_key(answers)[:MAX_ANSWERS]]
    if not rows:
        return pd.DataFrame({name: pd.Series(dtype="string") for name in ANSWER_SUMMARY_COLUMNS}).astype(
            {"cells": "int64"}
        )
    order = ("field", "column", "answer", "key", "cells", "reads_as", "code", "severity")
    summary = pd.DataFrame(dict(zip(order, map(list, zip(*rows, strict=True)), strict=True)))
    return summary[list(ANSWER_SUMMARY_COLUMNS)].astype(
        {name: "string" for name in ANSWER_SUMMARY_COLUMNS if name != "cells"} | {"cells": "int64"}
    )


def _distinct_counts(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The distinct non-missing values of ``raw`` in the order they first appear, and how many
    cells hold each: ``raw.dropna().value_counts(sort=False)`` (the same hash table decides
    which values are equal) without the Series in between."""
    codes, distinct = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=True)
    return np.asarray(distinct, dtype=object), np.bincount(codes[codes >= 0], minlength=len(distinct))


def _by_key(answers: Iterable[tuple[str, str, int, str, str, str]]) -> list[tuple[object, ...]]:
    """One row per lookup key: (answer, key, cells, reads_as, code, severity), the answer and
    its reading those of the spelling most cells hold (the first seen on a tie), the cells
    added up; the unusable keys first (error, warning, note), then the most cells."""
    grouped: dict[str, list[object]] = {}
    for answer, key, cells, reads_as, code, severity in sorted(answers, key=lambda a: -a[2]):
        if key in grouped:
            grouped[key][2] += cells  # type: ignore[operator]
        else:
            grouped[key] = [answer, key, cells, reads_as, code, severity]
    return sorted(
        map(tuple, grouped.values()),
        key=lambda row: (-_SEVERITY_RANK.get(row[5], -1), -row[2]),  # type: ignore[arg-type, operator]
    )


def _named(code: object) -> str:
    return "" if code is None else str(code)


# Problems first: an error, then a warning, then a note, before an answer that reads fine.
_SEVERITY_RANK = {"": 0, str(Severity.INFO): 1, str(Severity.WARNING): 2, str(Severity.ERROR): 3}


def _shown(value: object) -> str:
    if is_missing(value):
        return UNKNOWN
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


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
