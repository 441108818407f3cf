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
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import tomli_w

from kairo_scoring import tomlsafe
from kairo_scoring.errors import IntakeError, ProfileError, Remedy
from kairo_scoring.intake.normalize import normalize_header, normalize_key
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


def match_columns(headers: Sequence[str], profile: MappingProfile) -> dict[str, str]:
    """target → source column, for every profile target whose alias matches a header.

    Aliases are tried in the profile's order, so the first alias is the preferred one; a
    source column may feed several targets (e.g. the stage and a derivation reading it).
    """
    by_normalised: dict[str, str] = {}
    for header in headers:
        by_normalised.setdefault(normalize_header(header), header)
    matched: dict[str, str] = {}
    for target, aliases in profile.columns.items():
        for alias in aliases:
            source = by_normalised.get(normalize_header(alias))
            if source is not None:
                matched[target] = source
                break
    return matched


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


def headers_matched(headers: Sequence[str], profile: MappingProfile) -> int:
    """How many distinct source columns a profile recognises: the basis of auto-detection."""
    return len(set(match_columns(headers, profile).values()))
