"""Matching a mapping profile to a register's header row: which source column each target
is proposed for and how sure that is (``score_columns``, ``ColumnMatch``, ``MATCH_KINDS``,
``MATCH_THRESHOLD``), how many headers a profile recognises (``headers_matched``: choosing a
profile and finding the header row), and the caller's edits to that proposal
(``apply_overrides``). Import these from ``kairo_scoring.intake.mapping``, the mapping
modules' one face."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kairo_scoring.errors import IntakeError, Remedy
from kairo_scoring.intake.mapping_profile import MappingProfile
from kairo_scoring.intake.normalize import header_head, header_parts, header_words, normalize_header
from kairo_scoring.schema import FIELD_BY_NAME

# A header matched by its words rather than its exact spelling must score at least this to be
# mapped; below it, the column is left for the user (a guess is never applied silently).
MATCH_THRESHOLD = 0.75
# How each kind of match scores: exact alias 1.0; the same words in another order, case or
# spelling 0.95; a combined header's part ("Use Case ID/Name") 0.9; the header before a
# trailing note ("Owner - who is accountable") 0.9; an alias's words inside a longer header
# 0.6 + 0.3 × the share of the header's words it covers (+0.05 when it ends the header, as
# the word that names a thing usually does); a misspelt alias 0.9 × its similarity.
MATCH_KINDS = {
    "alias": "the header is one of the aliases",
    "words": "the header has an alias's words (case, order, abbreviations and numbering aside)",
    "part": "one part of a combined header is an alias",
    "head": "the header before its trailing note is an alias",
    "contained": "an alias's words are inside the header",
    "spelling": "the header is an alias spelt slightly differently",
}


@dataclass(frozen=True)
class ColumnMatch:
    """A source column proposed for a target: how sure (``score``, 0–1), through which alias,
    and which kind of match (a key of ``MATCH_KINDS``)."""

    target: str
    column: str
    score: float
    alias: str
    how: str


@dataclass(frozen=True, eq=False)
class _AliasIndex:
    exact: dict[str, tuple[str, str]]  # normalised alias → (target, alias), first one wins
    words: dict[frozenset[str], tuple[str, str]]
    phrases: tuple[tuple[str, str, tuple[str, ...]], ...]  # (target, alias, words) of 2+ words


@functools.lru_cache(maxsize=32)
def _alias_index(columns: tuple[tuple[str, tuple[str, ...]], ...]) -> _AliasIndex:
    exact: dict[str, tuple[str, str]] = {}
    words: dict[frozenset[str], tuple[str, str]] = {}
    phrases = []
    for target, aliases in columns:
        for alias in aliases:
            exact.setdefault(normalize_header(alias), (target, alias))
            alias_words = header_words(alias)
            if alias_words:
                words.setdefault(frozenset(alias_words), (target, alias))
            if len(set(alias_words)) >= 2:
                phrases.append((target, alias, alias_words))
    return _AliasIndex(exact, words, tuple(phrases))


def _index(profile: MappingProfile) -> _AliasIndex:
    return _alias_index(tuple((target, tuple(aliases)) for target, aliases in profile.columns.items()))


@functools.lru_cache(maxsize=4096)
def _header_candidates(header: str, index: _AliasIndex, spelling: bool) -> tuple[ColumnMatch, ...]:
    """Every target the header could be, best match per target, best first (exact aliases
    are matched before this and are not repeated here)."""
    best: dict[str, ColumnMatch] = {}

    def offer(target: str, alias: str, score: float, how: str) -> None:
        if target not in best or score > best[target].score:
            best[target] = ColumnMatch(target, header, round(score, 3), alias, how)

    forms = [(header, 1.0, "words")]
    forms += [(part, 0.9 / 0.95, "part") for part in header_parts(header)]
    head = header_head(header)
    if head is not None:
        forms.append((head, 0.9 / 0.95, "head"))
    for text, weight, how in forms:
        words = header_words(text)
        if not words:
            continue
        key = frozenset(words)
        if how != "words" and normalize_header(text) in index.exact:
            offer(*index.exact[normalize_header(text)], 0.95 * weight, how)
        if key in index.words:
            offer(*index.words[key], 0.95 * weight, how)
        for target, alias, alias_words in index.phrases:
            if len(key) > len(set(alias_words)) and key.issuperset(alias_words):
                ends = words[-1] == alias_words[-1]
                offer(target, alias, 0.6 + 0.3 * len(set(alias_words)) / len(key) + 0.05 * ends, "contained")
        if spelling and how == "words" and len(" ".join(words)) >= 5:
            _offer_spelling(" ".join(words), index, offer)
    return tuple(sorted(best.values(), key=lambda match: -match.score))


def _offer_spelling(text: str, index: _AliasIndex, offer) -> None:
    for alias_words, (target, alias) in index.words.items():
        joined = " ".join(sorted(alias_words))
        matcher = difflib.SequenceMatcher(None, " ".join(sorted(text.split())), joined)
        if matcher.real_quick_ratio() >= 0.88 and matcher.ratio() >= 0.88:
            offer(target, alias, 0.9 * matcher.ratio(), "spelling")


def score_columns(
    headers: Sequence[str], profile: MappingProfile, *, spelling: bool = True
) -> dict[str, ColumnMatch]:
    """target → the column proposed for it, with its score, for every target a header matches.

    Exact aliases first, tried in the profile's order (the first alias is the preferred one),
    and a source column may feed several targets this way (a stage and a derivation reading
    it). Then, for the targets still open, the headers no alias named exactly, matched by
    their words (``MATCH_KINDS``); each such header goes to one target, the best score first
    (the pilot name before other fields on a tie, so "Use Case ID/Name" names the pilot), and
    only at ``MATCH_THRESHOLD`` or above. ``spelling=False`` skips the slower check for
    misspellings (header-row scanning uses it)."""
    index = _index(profile)
    by_normalised: dict[str, str] = {}
    for header in headers:
        by_normalised.setdefault(normalize_header(header), header)
    matched: dict[str, ColumnMatch] = {}
    for target, aliases in profile.columns.items():
        for alias in aliases:
            source = by_normalised.get(normalize_header(alias))
            if source is not None:
                matched[target] = ColumnMatch(target, source, 1.0, alias, "alias")
                break
    taken = {match.column for match in matched.values()}
    order = {target: position for position, target in enumerate(profile.columns)}
    offers = [
        candidate
        for header in dict.fromkeys(headers)
        if header not in taken and normalize_header(header)
        for candidate in _header_candidates(header, index, spelling)
        if candidate.target not in matched and candidate.score >= MATCH_THRESHOLD
    ]
    position = {header: i for i, header in enumerate(headers)}
    offers.sort(key=lambda m: (-m.score, m.target != "name", order.get(m.target, 0), position[m.column]))
    for offer in offers:
        if offer.target not in matched and offer.column not in taken:
            matched[offer.target] = offer
            taken.add(offer.column)
    return matched


def match_columns(headers: Sequence[str], profile: MappingProfile) -> dict[str, str]:
    """target → source column, for every profile target a header matches (``score_columns``)."""
    return {target: match.column for target, match in score_columns(headers, profile).items()}


def apply_overrides(
    matched: Mapping[str, str], overrides: Mapping[str, str], headers: Sequence[str], profile: MappingProfile
) -> dict[str, str]:
    """The matched columns with the caller's edits applied (target → source column; "" unmaps).

    A source names a header exactly or, failing that, as the aliases do (case, spaces and
    punctuation aside), so a column typed by hand finds the header a page would offer.
    """
    targets = set(FIELD_BY_NAME) | set(profile.columns) | set(profile.extras)
    plan = dict(matched)
    for target, source in overrides.items():
        if target not in targets:
            raise IntakeError(_unknown_target(target, targets, profile), remedy=Remedy.COLUMN)
        if not source:
            plan.pop(target, None)
            continue
        plan[target] = _source_column(source, target, headers)
    return plan


def _unknown_target(target: str, targets: set[str], profile: MappingProfile) -> str:
    close = difflib.get_close_matches(target, sorted(targets), n=5, cutoff=0.6)
    offer = f"close matches: {', '.join(close)}" if close else f"Kairo fields: {', '.join(FIELD_BY_NAME)}"
    return (
        f"Cannot map a column to '{target}': it is not a Kairo field nor an input of mapping "
        f"'{profile.name}'; {offer}"
    )


def _source_column(source: str, target: str, headers: Sequence[str]) -> str:
    if source in headers:
        return source
    alike = [h for h in headers if normalize_header(h) == normalize_header(source)]
    if len(alike) == 1:
        return alike[0]
    raise IntakeError(
        f"Column '{source}' (mapped to '{target}') is not in the file; columns found: "
        f"{', '.join(headers) or 'none'}. Choose one of them.",
        remedy=Remedy.COLUMN,
    )


def headers_matched(headers: Sequence[str], profile: MappingProfile, *, exact: bool = True) -> int:
    """How many distinct source columns a profile recognises: by an exact alias (the basis of
    choosing a profile), or with ``exact=False`` also by their words (finding the header row)."""
    matches = score_columns(headers, profile, spelling=False).values()
    return len({m.column for m in matches if not exact or m.how == "alias"})
