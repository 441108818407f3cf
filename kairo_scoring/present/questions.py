"""How the deciding questions read to a person: the Portfolio page's headline sentence
("Ask 2 questions of 14 owners to decide 1,100 pilots") and the list of questions, in the
words and number formats every other page uses (`labels`, `formats`)."""

from __future__ import annotations

from kairo_scoring.present.formats import count_phrase, money
from kairo_scoring.present.labels import field_label
from kairo_scoring.questions import QuestionsHeadline


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


__all__ = ["questions_detail", "questions_sentence"]
