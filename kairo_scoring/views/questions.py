"""The deciding questions as the pages show them: relabelled for presentation mode, and one
pilot's unanswered fields in the order its answer form asks them (deciding questions first).

Takes a `DecidingQuestions` (computed once, on the real table) and returns another: the
aliases come from the presented (anonymised) table the page already shows, so switching
presentation mode never recomputes the questions.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from kairo_scoring.profile import RUBRIC_FIELDS
from kairo_scoring.questions import DecidingQuestions
from kairo_scoring.values import is_missing


def presented_questions(
    questions: DecidingQuestions, table: pd.DataFrame, presented: pd.DataFrame
) -> DecidingQuestions:
    """`questions` with each pilot's name and owner as `presented` shows them (the same rows
    as `table`, anonymised): per pilot by its ID, per owner by the alias of that owner."""
    names = dict(zip(table["pilot_id"].astype(str), presented["name"], strict=True))
    owners = {o: a for o, a in zip(table["owner"], presented["owner"], strict=True) if not is_missing(o)}

    def alias(value: object) -> object:
        return value if is_missing(value) else owners.get(value, value)

    pilots = questions.pilots.assign(
        name=[
            names.get(str(p), n)
            for p, n in zip(questions.pilots["pilot_id"], questions.pilots["name"], strict=True)
        ],
        owner=[alias(o) for o in questions.pilots["owner"]],
    )
    by_owner = questions.owners.assign(owner=[alias(o) for o in questions.owners["owner"]])
    return dataclasses.replace(questions, pilots=pilots, owners=by_owner)


def pilot_questions(questions: DecidingQuestions, pilot_id: str) -> tuple[str, ...]:
    """The deciding questions of one pilot, best-ranked first; () when it is decided."""
    rows = questions.pilots[questions.pilots["pilot_id"].astype(str) == str(pilot_id)]
    return tuple(rows["questions"].iloc[0]) if len(rows) else ()


def unanswered_fields(pilot: pd.Series, deciding: tuple[str, ...] = ()) -> list[str]:
    """The fields of `pilot` (one scored row) that are unknown and the rubric asks for: its
    deciding questions first (in their order), then the rest in the rubric's order."""
    unknown = [f for f in RUBRIC_FIELDS if is_missing(pilot.get(f))]
    first = [f for f in deciding if f in unknown]
    return first + [f for f in unknown if f not in first]


__all__ = ["pilot_questions", "presented_questions", "unanswered_fields"]
