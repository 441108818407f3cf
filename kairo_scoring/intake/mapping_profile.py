"""What a mapping profile is and when it is valid: ``MappingProfile`` (column aliases, value
maps, derivations, extras), its ``Derivation`` and ``Level`` records, the kinds they may take
(``DERIVATION_KINDS``, ``EXTRA_KINDS``, ``DATE_ORDERS``), and ``_check_profile``, the rules
every profile passes however it was made (read from TOML in ``mapping``, or edited there
with ``mapping_with_columns`` / ``mapping_with_values``). Import these from
``kairo_scoring.intake.mapping``, the mapping modules' one face."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kairo_scoring.errors import ProfileError
from kairo_scoring.intake.normalize import REJECT
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
