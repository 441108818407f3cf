"""Mapping profiles: how a register's columns and answers become canonical pilot fields.

A profile is data (TOML), saved and reused by name:

- ``[columns]``: target → list of header aliases. A target is a canonical field, an
  ``[extras]`` column kept beside them, or an *input* that only feeds a derivation.
- ``[values.<name>]``: answer → canonical value or number. Keys are matched after
  ``normalize_key`` (case, "a)" prefixes, dashes); keys with ``*``/``?`` are glob patterns,
  tried in order after the exact keys. A target of ``""`` means "known to be unknown"
  (no warning). ``values.<field>`` applies to that field, ``values.score`` to every 1–5
  field without its own map.
- ``[[derived]]``: a canonical field computed from inputs (see ``DERIVATION_KINDS``).

Over 400 lines because it does one job: mapping profiles (aliases, word matching with scores, value
maps, derivations) and their TOML.
"""

from __future__ import annotations

import difflib
import functools
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import tomli_w

from kairo_scoring import tomlsafe
from kairo_scoring.errors import IntakeError, ProfileError, Remedy
from kairo_scoring.intake.normalize import (
    REJECT,
    header_head,
    header_parts,
    header_words,
    normalize_header,
    normalize_key,
)
from kairo_scoring.schema import FIELD_BY_NAME

DERIVATION_KINDS: dict[str, str] = {
    "join": "the non-empty inputs joined with `separator`",
    "qualified_id": "inputs [namespace, local id]: the local id, prefixed with the namespace unless it already starts with it",
    "map": "one input's answer through the value map `values`",
    "practice_score": "1 + 4 × the mean credit (0–1, value map `values`) of the answered inputs, rounded half up",
    "ladder": "the highest of `levels` whose `all` inputs are all done and, if it lists `any`, one of those "
    "(done: credit 1 in the value map `values`); unknown when no level holds",
}
# How an [extras] column is typed: text as shown, a date (time of day dropped), a date and
# time, a number, or a yes/no answer. Values that do not parse become unknown with a warning.
EXTRA_KINDS = ("text", "date", "datetime", "number", "yes_no")
# Columns intake adds to the pilots itself, which an extra must not shadow.
RESERVED_COLUMNS = ("source_row",)
DATE_ORDERS = ("dmy", "mdy")
SCORES = (1, 2, 3, 4, 5)
BUILTIN_PACKAGE = "kairo_scoring.intake"


@dataclass(frozen=True)
class Level:
    """One level of a ``ladder`` derivation: it holds when every input in ``all`` is done and,
    when ``any`` lists inputs, at least one of them is."""

    level: int
    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()


@dataclass(frozen=True)
class Derivation:
    """A canonical field computed from one or more source inputs.

    ``name`` says what it computes in words (``label`` falls back to the kind and inputs):
    provenance names the derivation that produced each derived value.
    """

    field: str
    kind: str
    inputs: tuple[str, ...]
    values: str = ""
    separator: str = " / "
    min_known: int = 1
    name: str = ""
    levels: tuple[Level, ...] = ()

    @property
    def label(self) -> str:
        """The derivation's name, or "<kind> of <inputs>" when it has none."""
        return self.name or f"{self.kind} of {', '.join(self.inputs)}"


@dataclass(frozen=True)
class MappingProfile:
    """Column aliases, value maps and derivations for one register format."""

    name: str
    version: int = 1
    description: str = ""
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    derived: tuple[Derivation, ...] = ()
    extras: Mapping[str, str] = field(default_factory=dict)
    date_order: str = "dmy"
    percent_scores: bool = False

    def value_map(self, field_name: str) -> Mapping[str, object]:
        """The answers map for a canonical field (its own map, else ``score`` for 1–5 fields)."""
        if field_name in self.values:
            return self.values[field_name]
        spec = FIELD_BY_NAME.get(field_name)
        return self.values.get("score", {}) if spec is not None and spec.kind == "score" else {}


def mapping_from_toml(text: str) -> MappingProfile:
    """Parse and check a mapping profile from TOML text; ``ProfileError`` names the bad key."""
    try:
        document = tomlsafe.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError("<document>", f"not valid TOML: {exc}", remedy=Remedy.MAPPING) from exc
    try:
        return _profile_from_document(document)
    except ProfileError as exc:  # whoever passed this mapping can fix it or choose another
        raise ProfileError(exc.key, exc.problem, remedy=Remedy.MAPPING) from None


def mapping_to_toml(profile: MappingProfile) -> str:
    """The profile as TOML text; ``mapping_from_toml`` reads it back to an equal profile."""
    document: dict[str, object] = {
        "name": profile.name,
        "version": profile.version,
        "description": profile.description,
        "date_order": profile.date_order,
        "percent_scores": profile.percent_scores,
        "columns": {target: list(aliases) for target, aliases in profile.columns.items()},
        "extras": dict(profile.extras),
        "values": {name: dict(answers) for name, answers in profile.values.items()},
        "derived": [_derivation_document(d) for d in profile.derived],
    }
    return tomli_w.dumps(document)


def _derivation_document(derivation: Derivation) -> dict[str, object]:
    document: dict[str, object] = {
        "field": derivation.field,
        "kind": derivation.kind,
        "inputs": list(derivation.inputs),
        "values": derivation.values,
        "separator": derivation.separator,
        "min_known": derivation.min_known,
    }
    if derivation.name:
        document["name"] = derivation.name
    if derivation.levels:
        document["levels"] = [
            {"level": level.level, "all": list(level.all), "any": list(level.any)}
            for level in derivation.levels
        ]
    return document


def list_mappings() -> tuple[str, ...]:
    """Names of the built-in mapping profiles (``canonical`` first)."""
    names = sorted(p.name.removesuffix(".toml") for p in _builtin_dir().iterdir() if p.name.endswith(".toml"))
    return tuple(sorted(names, key=lambda n: n != "canonical"))


def load_mapping(name_or_path: str | Path) -> MappingProfile:
    """A built-in profile by name, or a profile from a TOML file path."""
    if isinstance(name_or_path, str) and name_or_path in list_mappings():
        return mapping_from_toml((_builtin_dir() / f"{name_or_path}.toml").read_text(encoding="utf-8"))
    path = Path(name_or_path)
    if path.is_file():
        return mapping_from_toml(path.read_text(encoding="utf-8"))
    raise ProfileError(
        "mapping",
        f"no built-in mapping named '{name_or_path}' and no such file; choose a built-in "
        f"({', '.join(list_mappings())}) or a mapping TOML file",
        remedy=Remedy.MAPPING,
    )


def builtin_mappings() -> tuple[MappingProfile, ...]:
    """Every built-in profile, loaded."""
    return tuple(load_mapping(name) for name in list_mappings())


def _builtin_dir():
    return resources.files(BUILTIN_PACKAGE) / "mappings"


# --- reading a profile document ---------------------------------------------------------


def _profile_from_document(document: Mapping[str, object]) -> MappingProfile:
    name = _require(document, "name", str)
    columns = {
        target: tuple(_string_list(aliases, f"columns.{target}"))
        for target, aliases in _as_table(document.get("columns"), "columns").items()
    }
    values = {
        map_name: {
            normalize_key(answer): _answer_target(target, f"values.{map_name}.{answer}")
            for answer, target in _as_table(answers, f"values.{map_name}").items()
        }
        for map_name, answers in _as_table(document.get("values"), "values").items()
    }
    extras = {name: str(kind) for name, kind in _as_table(document.get("extras"), "extras").items()}
    derived = tuple(_derivation(entry, index) for index, entry in enumerate(_list(document, "derived")))
    profile = MappingProfile(
        name=name,
        version=_optional(document, "version", int, 1),
        description=_optional(document, "description", str, ""),
        columns=columns,
        values=values,
        derived=derived,
        extras=extras,
        date_order=_optional(document, "date_order", str, "dmy"),
        percent_scores=_optional(document, "percent_scores", bool, False),
    )
    _check_profile(profile)
    return profile


def _derivation(entry: object, index: int) -> Derivation:
    key = f"derived[{index}]"
    if not isinstance(entry, Mapping):
        raise ProfileError(key, "must be a table with field, kind and inputs")
    return Derivation(
        field=_require(entry, "field", str, key),
        kind=_require(entry, "kind", str, key),
        inputs=tuple(_string_list(entry.get("inputs"), f"{key}.inputs")),
        values=_optional(entry, "values", str, ""),
        separator=_optional(entry, "separator", str, " / "),
        min_known=_optional(entry, "min_known", int, 1),
        name=_optional(entry, "name", str, ""),
        levels=tuple(_level(level, f"{key}.levels[{i}]") for i, level in enumerate(_list(entry, "levels"))),
    )


def _level(entry: object, key: str) -> Level:
    if not isinstance(entry, Mapping):
        raise ProfileError(key, "must be a table with level, all and any")
    return Level(
        level=_require(entry, "level", int, key),
        all=tuple(_string_list(entry.get("all", []), f"{key}.all")),
        any=tuple(_string_list(entry.get("any", []), f"{key}.any")),
    )


def _check_profile(profile: MappingProfile) -> None:
    for target in profile.columns:
        if not target:
            raise ProfileError("columns", "a target name is empty")
    for extra, kind in profile.extras.items():
        if kind not in EXTRA_KINDS:
            raise ProfileError(
                f"extras.{extra}", f"kind must be one of {', '.join(EXTRA_KINDS)}, not '{kind}'"
            )
        if extra in FIELD_BY_NAME:
            raise ProfileError(f"extras.{extra}", "is a canonical field, not an extra column")
        if extra in RESERVED_COLUMNS:
            raise ProfileError(f"extras.{extra}", "is a column intake adds itself; choose another name")
    if profile.date_order not in DATE_ORDERS:
        raise ProfileError("date_order", f"must be one of {', '.join(DATE_ORDERS)}")
    for map_name, answers in profile.values.items():
        _check_answer_targets(map_name, answers)
    for index, derivation in enumerate(profile.derived):
        if derivation.values and REJECT in profile.values.get(derivation.values, {}).values():
            raise ProfileError(
                f"derived[{index}].values",
                f"'{REJECT}' rejects rows in a field's own map, not in a derivation's",
            )
    for index, derivation in enumerate(profile.derived):
        _check_derivation(profile, derivation, f"derived[{index}]")


def _check_derivation(profile: MappingProfile, derivation: Derivation, key: str) -> None:
    if derivation.field not in FIELD_BY_NAME:
        raise ProfileError(f"{key}.field", f"'{derivation.field}' is not a canonical field")
    if derivation.kind not in DERIVATION_KINDS:
        raise ProfileError(f"{key}.kind", f"must be one of {', '.join(DERIVATION_KINDS)}")
    if not derivation.inputs:
        raise ProfileError(f"{key}.inputs", "lists no input")
    for source in derivation.inputs:
        if source not in profile.columns and source not in FIELD_BY_NAME:
            raise ProfileError(
                f"{key}.inputs", f"'{source}' is neither a [columns] target nor a canonical field"
            )
    if derivation.kind in ("map", "practice_score", "ladder") and derivation.values not in profile.values:
        raise ProfileError(f"{key}.values", f"names no value map in [values]: '{derivation.values}'")
    if derivation.kind in ("practice_score", "ladder"):
        for answer, credit in profile.values[derivation.values].items():
            if credit != "" and not (isinstance(credit, int | float) and 0 <= credit <= 1):
                raise ProfileError(
                    f"values.{derivation.values}.{answer}", "a practice credit is a number from 0 to 1"
                )
    if derivation.kind == "ladder":
        _check_levels(derivation, key)
    if derivation.kind == "qualified_id" and len(derivation.inputs) != 2:
        raise ProfileError(f"{key}.inputs", "qualified_id takes exactly two inputs: namespace and local id")


def _check_levels(derivation: Derivation, key: str) -> None:
    if not derivation.levels:
        raise ProfileError(f"{key}.levels", "a ladder needs at least one level")
    spec = FIELD_BY_NAME[derivation.field]
    if spec.kind != "score":
        raise ProfileError(f"{key}.field", "a ladder derives a 1–5 field")
    for index, level in enumerate(derivation.levels):
        where = f"{key}.levels[{index}]"
        if not 1 <= level.level <= 5:
            raise ProfileError(f"{where}.level", "a level is a score from 1 to 5")
        if not level.all and not level.any:
            raise ProfileError(where, "lists no input in all or any")
        for name in (*level.all, *level.any):
            if name not in derivation.inputs:
                raise ProfileError(where, f"'{name}' is not one of the derivation's inputs")


def _check_answer_targets(map_name: str, answers: Mapping[str, object]) -> None:
    """A field's map (or ``score``) holds values of that field, "" (unknown) or ``REJECT``."""
    spec = FIELD_BY_NAME.get(map_name)
    is_score = map_name == "score" or (spec is not None and spec.kind == "score")
    if not is_score and (spec is None or spec.kind != "enum"):
        return  # a derivation's map (credits, answers → values) is checked with the derivation
    for answer, target in answers.items():
        if target in ("", REJECT):
            continue
        if is_score and not (isinstance(target, int | float) and target in SCORES):
            raise ProfileError(
                f"values.{map_name}.{answer}", f'a score is a whole number from 1 to 5, "" or "{REJECT}"'
            )
        if not is_score and target not in spec.allowed:
            allowed = ", ".join(spec.allowed)
            raise ProfileError(f"values.{map_name}.{answer}", f'must be one of {allowed}, "" or "{REJECT}"')


def _answer_target(target: object, key: str) -> object:
    if isinstance(target, bool) or not isinstance(target, str | int | float):
        raise ProfileError(key, "an answer maps to a text value or a number")
    return target


def _require(table: Mapping[str, object], key: str, kind: type, prefix: str = "") -> object:
    full_key = f"{prefix}.{key}" if prefix else key
    if key not in table:
        raise ProfileError(full_key, "is required")
    return _typed(table[key], kind, full_key)


def _optional(table: Mapping[str, object], key: str, kind: type, default: object) -> object:
    return _typed(table[key], kind, key) if key in table else default


def _typed(value: object, kind: type, key: str) -> object:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ProfileError(key, f"must be a {kind.__name__}, not {type(value).__name__}")
    return value


def _as_table(value: object, key: str) -> Mapping[str, object]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ProfileError(key, "must be a table")
    return value


def _list(table: Mapping[str, object], key: str) -> list[object]:
    found = table.get(key, [])
    if not isinstance(found, list):
        raise ProfileError(key, "must be an array of tables")
    return found


def _string_list(value: object, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ProfileError(key, "must be a list of strings")
    return value


# --- matching a profile to a header row -------------------------------------------------


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


def mapping_with_columns(
    profile: MappingProfile, chosen: Mapping[str, str], *, name: str, description: str = ""
) -> MappingProfile:
    """A new mapping profile that reads a register the way the user mapped it.

    `chosen` is target → source column as confirmed on the intake page (an empty source
    unmaps the target). Each chosen column becomes the target's first alias, so the same
    headers map the same way next time; the base profile's value maps and derivations are
    kept, except a derivation of a field the user mapped directly.
    """
    if not name.strip():
        raise ProfileError("name", "a saved mapping needs a name")
    columns = {target: tuple(aliases) for target, aliases in profile.columns.items()}
    for target, source in chosen.items():
        rest = tuple(a for a in columns.get(target, ()) if normalize_header(a) != normalize_header(source))
        if source:
            columns[target] = (source, *rest)
        else:
            columns.pop(target, None)
    direct = {target for target, source in chosen.items() if source and target in FIELD_BY_NAME}
    derived = tuple(d for d in profile.derived if d.field not in direct)
    revised = replace(
        profile,
        name=name.strip(),
        version=1,
        description=description or f"Saved from the intake page, based on '{profile.name}'.",
        columns=columns,
        derived=derived,
    )
    _check_profile(revised)
    return revised


def mapping_with_values(
    profile: MappingProfile, answers: Mapping[str, Mapping[str, object]]
) -> MappingProfile:
    """The profile with what the user said answers mean: field → {answer → score, value,
    "" (unknown) or ``REJECT``}. Each field gets its own map, starting from the one it used
    (so a 1–5 field keeps the shared ``score`` words); ``ProfileError`` names a bad target."""
    values = {name: dict(entries) for name, entries in profile.values.items()}
    for field_name, entries in answers.items():
        if field_name not in FIELD_BY_NAME:
            raise ProfileError(f"values.{field_name}", "is not a Kairo field")
        merged = dict(profile.value_map(field_name))
        merged.update({normalize_key(answer): target for answer, target in entries.items()})
        values[field_name] = merged
    revised = replace(profile, values=values)
    try:
        _check_profile(revised)
    except ProfileError as exc:
        raise ProfileError(exc.key, exc.problem, remedy=Remedy.MAPPING) from None
    return revised


def headers_matched(headers: Sequence[str], profile: MappingProfile, *, exact: bool = True) -> int:
    """How many distinct source columns a profile recognises: by an exact alias (the basis of
    choosing a profile), or with ``exact=False`` also by their words (finding the header row)."""
    matches = score_columns(headers, profile, spelling=False).values()
    return len({m.column for m in matches if not exact or m.how == "alias"})
