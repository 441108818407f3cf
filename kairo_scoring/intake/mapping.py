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

This module reads and writes profiles as TOML (``mapping_from_toml``, ``mapping_to_toml``),
finds the built-in ones (``list_mappings``, ``load_mapping``) and revises a profile the way
the user mapped a register (``mapping_with_columns``, ``mapping_with_values``). It is the one
face of the mapping modules: the types and their rules are in ``mapping_profile``, matching
a profile to a header row in ``column_match``, and both are imported from here.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import replace
from importlib import resources
from pathlib import Path

import tomli_w

from kairo_scoring import tomlsafe
from kairo_scoring.errors import ProfileError, Remedy
from kairo_scoring.intake.column_match import (
    MATCH_KINDS,
    MATCH_THRESHOLD,
    ColumnMatch,
    apply_overrides,
    headers_matched,
    match_columns,
    score_columns,
)
from kairo_scoring.intake.mapping_profile import (
    DATE_ORDERS,
    DERIVATION_KINDS,
    EXTRA_KINDS,
    RESERVED_COLUMNS,
    SCORES,
    Derivation,
    Level,
    MappingProfile,
    _check_profile,
)
from kairo_scoring.intake.normalize import normalize_header, normalize_key
from kairo_scoring.schema import FIELD_BY_NAME

__all__ = [
    "BUILTIN_PACKAGE",
    "DATE_ORDERS",
    "DERIVATION_KINDS",
    "EXTRA_KINDS",
    "MATCH_KINDS",
    "MATCH_THRESHOLD",
    "RESERVED_COLUMNS",
    "SCORES",
    "ColumnMatch",
    "Derivation",
    "Level",
    "MappingProfile",
    "apply_overrides",
    "builtin_mappings",
    "headers_matched",
    "list_mappings",
    "load_mapping",
    "mapping_from_toml",
    "mapping_to_toml",
    "mapping_with_columns",
    "mapping_with_values",
    "match_columns",
    "score_columns",
]

BUILTIN_PACKAGE = "kairo_scoring.intake"


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
