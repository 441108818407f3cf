"""How the deciding questions read to a person: the Portfolio page's headline sentence
("Ask 2 questions of 14 owners to decide 1,100 pilots") and the list of questions, in the
words and number formats every other page uses (`labels`, `formats`)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from kairo_scoring.present.formats import count, count_phrase, money, plural
from kairo_scoring.present.labels import UNKNOWN, column_label, field_label
from kairo_scoring.questions import DecidingQuestions, QuestionsHeadline

# Between the questions of one pilot, or the fields one owner is asked.
QUESTION_SEPARATOR = "; "


def questions_sentence(headline: QuestionsHeadline) -> str:
    """'Ask 2 questions of 14 owners to decide 1,100 pilots.'; when nothing is undecided,
    'Every pilot is decided: no question to ask.'"""
    if headline.undecided == 0 or headline.questions == 0:
        return "Every pilot is decided: no question to ask."
    owners = f" of {count_phrase(headline.owners, 'owner')}" if headline.owners else ""
    return (
        f"Ask {count_phrase(headline.questions, 'question')}{owners} "
        f"to decide {count_phrase(headline.pilots, 'pilot')}."
    )


def questions_detail(headline: QuestionsHeadline, currency: str = "") -> str:
    """Which questions, and what they decide: 'Current mode, Value evidence: 1,100 of 3,600
    undecided pilots, USD 2.4M a month.'"""
    if not headline.fields:
        return ""
    fields = ", ".join(field_label(f) for f in headline.fields)
    return (
        f"{fields}: {headline.pilots:,} of {count_phrase(headline.undecided, 'undecided pilot')}, "
        f"{money(headline.value, currency)} a month."
    )


def question_labels(fields: Iterable[str]) -> str:
    """The fields as one line of labels, in the order given: 'Ownership; Controls'."""
    return QUESTION_SEPARATOR.join(field_label(f) for f in fields)


def question_fields_table(
    questions: DecidingQuestions, currency: str = "", limit: int | None = None
) -> pd.DataFrame:
    """Per field, as people read it: the question, the pilots it alone decides, the pilots that
    need it with other questions, and the monthly value those pilots carry (with the currency)."""
    fields = questions.fields.head(limit) if limit else questions.fields
    value = fields["decides_alone_value"] + fields["needed_with_others_value"]
    return pd.DataFrame(
        {
            "Question": [field_label(f) for f in fields["field"]],
            "Decides alone": fields["decides_alone"].astype("int64").to_numpy(),
            "Needed with others": fields["needed_with_others"].astype("int64").to_numpy(),
            column_label("monthly_value"): [money(v, currency) for v in value],
        }
    )


def waiting_table(
    waiting: pd.DataFrame, by: str, currency: str = "", limit: int | None = None
) -> pd.DataFrame:
    """Who to ask and what: one row per owner (or business unit) of `DecidingQuestions.owners`
    (or `.business_units`), most pilots first: who, pilots waiting, questions (labels), value."""
    rows = waiting.head(limit) if limit else waiting
    return pd.DataFrame(
        {
            column_label(by): [UNKNOWN if pd.isna(w) else str(w) for w in rows[by]],
            "Pilots waiting": rows["pilots"].astype("int64").to_numpy(),
            "Ask about": [question_labels(f) for f in rows["fields"]],
            column_label("monthly_value"): [money(v, currency) for v in rows["value"]],
        }
    )


def more_phrase(shown: int, total: int, noun: str) -> str:
    """'and 3 more owners' when `total` exceeds what is shown; '' otherwise."""
    rest = total - shown
    if rest <= 0:
        return ""
    return f"and {count(rest)} more {plural(noun, rest)}"


# The per-pilot questions file (CLI -o and the page's download): codes for the IDs, the
# questions as labels in the order to ask them.
PILOT_QUESTION_COLUMNS: tuple[str, ...] = ("pilot_id", "name", "owner", "business_unit", "questions", "exact")


def pilot_questions_frame(questions: DecidingQuestions) -> pd.DataFrame:
    """One row per undecided pilot: pilot_id, name, owner, business_unit, `questions` (labels,
    best-ranked first, joined by '; ') and `exact` (True: no smaller set decides it)."""
    pilots = questions.pilots
    return pd.DataFrame(
        {
            "pilot_id": pilots["pilot_id"].astype("string").to_numpy(),
            "name": pilots["name"].astype("string").to_numpy(),
            "owner": pilots["owner"].astype("string").to_numpy(),
            "business_unit": pilots["business_unit"].astype("string").to_numpy(),
            "questions": [question_labels(q) for q in pilots["questions"]],
            "exact": pilots["exact"].astype(bool).to_numpy(),
        },
        columns=list(PILOT_QUESTION_COLUMNS),
    )


__all__ = [
    "PILOT_QUESTION_COLUMNS",
    "more_phrase",
    "pilot_questions_frame",
    "question_fields_table",
    "question_labels",
    "questions_detail",
    "questions_sentence",
    "waiting_table",
]
