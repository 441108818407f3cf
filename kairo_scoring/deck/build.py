"""The boardroom deck assembled (`portfolio_deck`): the slides in order, anonymised when
presenting, and the appendix's pilots chosen (`appendix_pilots`: those selected, else the
most valuable, at most `APPENDIX_LIMIT`)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kairo_scoring.deck.drawing import _Deck
from kairo_scoring.deck.slides import (
    GROUP_LIMIT,
    _blocker_slide,
    _decisions_slide,
    _flows_slide,
    _grid_slide,
    _headline_slide,
    _pilot_slide,
    _questions_slide,
    _title_slide,
    _verdict_slides,
)
from kairo_scoring.present.formats import count, count_phrase
from kairo_scoring.present.labels import SLIDE_TITLES
from kairo_scoring.present.onepager import pilot_sheet
from kairo_scoring.questions import DecidingQuestions, deciding_questions
from kairo_scoring.scoring import ScoredPortfolio
from kairo_scoring.views import (
    anonymise as anonymise_table,
)
from kairo_scoring.views import presented_questions, with_table

APPENDIX_LIMIT = 10  # pilot slides in the appendix (the selected ones, else the most valuable)
DECK_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def appendix_pilots(
    scored: ScoredPortfolio, pilots: Sequence[str] = (), limit: int = APPENDIX_LIMIT
) -> list[str]:
    """The pilots the appendix shows: those given (in their order, at most `limit`), else the
    `limit` most valuable. KeyError for a pilot that is not in `scored`."""
    if pilots:
        ids = list(dict.fromkeys(str(p) for p in pilots))
        for pilot_id in ids:
            scored.position(pilot_id)
        return ids[:limit]
    value = scored.table["monthly_value"].astype("float64").fillna(-1.0).to_numpy()
    order = value.argsort(kind="stable")[::-1][:limit]
    return scored.table["pilot_id"].astype(str).iloc[order].tolist()


def _appendix_sentence(shown: int, selected: int, total: int) -> str:
    """'One slide each for the 3 selected pilots, of 80 pilots.' (and how many were left out)."""
    if not selected:
        which = f"the {count(shown)} most valuable {'pilot' if shown == 1 else 'pilots'}"
    else:
        which = f"the {count_phrase(shown, 'selected pilot')}"
        if selected > shown:
            which += f" (the first {count(shown)} of {count(selected)} selected)"
    return f"One slide each for {which}, of {count_phrase(total, 'pilot')}."


def portfolio_deck(
    scored: ScoredPortfolio,
    *,
    portfolio: str,
    snapshot_label: str,
    questions: DecidingQuestions | None = None,
    decisions: pd.DataFrame | None = None,
    pilots: Sequence[str] = (),
    anonymise: bool = False,
    presented: bool = False,
    appendix_limit: int = APPENDIX_LIMIT,
    group_limit: int = GROUP_LIMIT,
) -> bytes:
    """The boardroom deck of a scored portfolio, as .pptx bytes (native charts and tables).

    ``questions``: the deciding questions (`deciding_questions`), computed here when None.
    ``decisions``: the portfolio's decisions (`PortfolioStore.decisions`); no slide without.
    ``pilots``: the appendix's pilots (at most ``appendix_limit``; the most valuable when
    none is given). ``anonymise``: present it — every pilot name and owner replaced by its
    alias, decision makers and reasons left out. ``presented``: ``scored`` is already
    anonymised (presentation mode's table): left as it is, people left out alike.
    ``snapshot_label`` is shown as given: without the file's name when presenting.
    """
    presenting = anonymise or presented
    shown = with_table(scored, anonymise_table(scored.table)) if anonymise else scored
    if questions is None:
        questions = deciding_questions(shown)
    elif anonymise:
        questions = presented_questions(questions, scored.table, shown.table)
    deck = _Deck()
    _title_slide(deck, shown, portfolio, snapshot_label, presenting)
    _headline_slide(deck, shown)
    _grid_slide(deck, shown)
    _flows_slide(deck, shown)
    _blocker_slide(deck, shown, "blocked")
    _blocker_slide(deck, shown, "unknown")
    _verdict_slides(deck, shown, group_limit)
    if questions.undecided:
        _questions_slide(deck, shown, questions)
    if decisions is not None:  # only the decisions on pilots in the deck
        decisions = decisions[decisions["pilot_id"].astype(str).isin(shown.table["pilot_id"].astype(str))]
        if not decisions.empty:
            _decisions_slide(deck, shown, decisions, presenting)
    chosen = appendix_pilots(shown, pilots, appendix_limit)
    if chosen:
        deck.slide(
            SLIDE_TITLES["appendix"], _appendix_sentence(len(chosen), len(set(map(str, pilots))), len(shown))
        )
        for pilot_id in chosen:
            _pilot_slide(deck, pilot_sheet(shown, pilot_id, decisions=decisions, anonymised=presenting))
    return deck.bytes()
