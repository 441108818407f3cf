"""The scoring profile: weights, demand thresholds, gates, verdict priority and the rubric, as versioned TOML.

Over 400 lines because it does one job: the `Profile` and its TOML, parsed and checked key
by key so every malformed file is refused with the key and the problem (`ProfileError`).
The rubric (what each answer means) is part of it so that it is versioned with the profile.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w

from kairo_scoring import tomlsafe
from kairo_scoring.errors import ProfileError
from kairo_scoring.schema import (
    FIELD_BY_NAME,
    OPTION_LEVEL,
    OPTIONS,
    RISK_LEVELS,
    SCORE_FIELDS,
    SCORE_MAX,
    SCORE_MIN,
    VERDICTS,
)
from kairo_scoring.values import is_missing

DECIDABLE_VERDICTS: tuple[str, ...] = tuple(v for v in VERDICTS if v != "needs_data")
# A gate must be monotone so that raising a 1-5 field or lowering risk never hurts:
# 1-5 fields take "at least" comparisons, risk_level takes "at most".
GATE_OPS: dict[str, tuple[str, ...]] = {**{f: (">=", ">") for f in SCORE_FIELDS}, "risk_level": ("<=", "<")}
MAX_GATES = 31  # gate sets are packed in bit masks for vectorised blocker text
OP_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
OP_WORDS = {">=": "at least", ">": "above", "<=": "at most", "<": "below"}
# Active ISO 4217 currency codes: a profile's `currency` must be one of them.
ISO_4217 = frozenset(
    [
        "AED",
        "AFN",
        "ALL",
        "AMD",
        "ANG",
        "AOA",
        "ARS",
        "AUD",
        "AWG",
        "AZN",
        "BAM",
        "BBD",
        "BDT",
        "BGN",
        "BHD",
        "BIF",
        "BMD",
        "BND",
        "BOB",
        "BRL",
        "BSD",
        "BTN",
        "BWP",
        "BYN",
        "BZD",
        "CAD",
        "CDF",
        "CHF",
        "CLP",
        "CNY",
        "COP",
        "CRC",
        "CUP",
        "CVE",
        "CZK",
        "DJF",
        "DKK",
        "DOP",
        "DZD",
        "EGP",
        "ERN",
        "ETB",
        "EUR",
        "FJD",
        "FKP",
        "GBP",
        "GEL",
        "GHS",
        "GIP",
        "GMD",
        "GNF",
        "GTQ",
        "GYD",
        "HKD",
        "HNL",
        "HTG",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "IQD",
        "IRR",
        "ISK",
        "JMD",
        "JOD",
        "JPY",
        "KES",
        "KGS",
        "KHR",
        "KMF",
        "KPW",
        "KRW",
        "KWD",
        "KYD",
        "KZT",
        "LAK",
        "LBP",
        "LKR",
        "LRD",
        "LSL",
        "LYD",
        "MAD",
        "MDL",
        "MGA",
        "MKD",
        "MMK",
        "MNT",
        "MOP",
        "MRU",
        "MUR",
        "MVR",
        "MWK",
        "MXN",
        "MYR",
        "MZN",
        "NAD",
        "NGN",
        "NIO",
        "NOK",
        "NPR",
        "NZD",
        "OMR",
        "PAB",
        "PEN",
        "PGK",
        "PHP",
        "PKR",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "RWF",
        "SAR",
        "SBD",
        "SCR",
        "SDG",
        "SEK",
        "SGD",
        "SHP",
        "SLE",
        "SOS",
        "SRD",
        "SSP",
        "STN",
        "SVC",
        "SYP",
        "SZL",
        "THB",
        "TJS",
        "TMT",
        "TND",
        "TOP",
        "TRY",
        "TTD",
        "TWD",
        "TZS",
        "UAH",
        "UGX",
        "USD",
        "UYU",
        "UZS",
        "VES",
        "VND",
        "VUV",
        "WST",
        "XAF",
        "XCD",
        "XCG",
        "XOF",
        "XPF",
        "YER",
        "ZAR",
        "ZMW",
        "ZWG",
    ]
)
DEFAULT_CURRENCY = "USD"

# Every key each table of a profile may hold; anything else is refused by name.
PROFILE_KEYS: tuple[str, ...] = (
    "name",
    "version",
    "description",
    "currency",
    "weights",
    "dimensions",
    "demand",
    "fit",
    "verdicts",
    "gates",
    "rubric",
)
DEMAND_KEYS: tuple[str, ...] = (
    "api_pipeline_min_volume",
    "shared_workspace_min_volume",
    "shared_workspace_min_users",
)
FIT_KEYS: tuple[str, ...] = ("gates_weight", "demand_weight")
VERDICT_KEYS: tuple[str, ...] = ("priority",)
GATE_KEYS: tuple[str, ...] = ("option", "field", "op", "value", "min_risk")

# The fields a rubric describes: every answer an assessment asks for. Stage is the PMO's
# bookkeeping, not an answer, so it has none. Each kind of field takes its own keys; labels
# stay in the schema (one name for one thing), so a rubric entry has no label.
RUBRIC_FIELDS: tuple[str, ...] = (
    *SCORE_FIELDS,
    "risk_level",
    "current_mode",
    "monthly_volume",
    "users",
    "monthly_value",
)
RUBRIC_KEYS: dict[str, tuple[str, ...]] = {
    "score": ("question", "levels"),
    "enum": ("question", "choices"),
    "count": ("question", "unit"),
    "amount": ("question", "unit"),
}
SCORE_LEVELS: tuple[int, ...] = tuple(range(SCORE_MIN, SCORE_MAX + 1))
# A description is read in a dropdown and a workbook cell: one short line.
MAX_RUBRIC_TEXT = 200
# Between a level and its description in a dropdown entry: "3 — documented and mostly followed".
DISPLAY_SEPARATOR = " — "

# Ranges of the profile's numbers. Versions are stored in 32-bit columns (the store's
# INTEGER, the scored table's int32). Weights are bounded so the weighted mean of
# readiness can neither overflow nor lose its precision; demand thresholds are counts
# a month, and a trillion is already "never".
MAX_PROFILE_VERSION = 2**31 - 1
WEIGHT_MAX = 1000.0
WEIGHT_MIN = 1e-6
NUMBER_MAX = 1e12
MAX_DIMENSION_NAME = 40
# Keys a profile keeps in its TOML (so they are versioned with it) that never change a score.
UNHASHED_KEYS: tuple[str, ...] = ("name", "version", "description", "currency", "rubric")


@dataclass(frozen=True)
class Gate:
    """One condition an option needs: `field op value`, optionally only from `min_risk` up."""

    option: str
    field: str
    op: str
    value: float | str
    min_risk: str | None = None

    @property
    def level(self) -> int:
        return OPTION_LEVEL[self.option]

    @property
    def threshold(self) -> float:
        """The value as a number (risk levels as their rank 0..3)."""
        if self.field == "risk_level":
            return float(RISK_LEVELS.index(str(self.value)))
        return float(self.value)

    @functools.cache  # noqa: B019 - gates are few, frozen and live as long as their profile
    def describe(self) -> str:
        """Plain text such as 'controls ≥ 5 when risk ≥ high'."""
        value = self.value if isinstance(self.value, str) else f"{self.value:g}"
        text = f"{self.field} {OP_SYMBOLS[self.op]} {value}"
        if self.min_risk:
            text += (
                " when risk is critical" if self.min_risk == "critical" else f" when risk ≥ {self.min_risk}"
            )
        return text

    @functools.cache  # noqa: B019 - as describe()
    def phrase(self) -> str:
        """The gate in words, as people read it: 'Controls at least 5 when risk is high or above'.

        `describe()` is the compact rule ('controls ≥ 5 when risk ≥ high') that the csv's
        blockers column and the checklists' `rule` keep; pages, sentences and reports use this.
        """
        value = self.value if isinstance(self.value, str) else f"{self.value:g}"
        text = f"{FIELD_BY_NAME[self.field].label} {OP_WORDS[self.op]} {value}"
        if self.min_risk:
            text += (
                " when risk is critical"
                if self.min_risk == "critical"
                else f" when risk is {self.min_risk} or above"
            )
        return text

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"option": self.option, "field": self.field, "op": self.op, "value": self.value}
        if self.min_risk:
            out["min_risk"] = self.min_risk
        return out


@dataclass(frozen=True)
class RubricEntry:
    """What one answer field asks, and what each of its answers means.

    `choices` holds (value, description) pairs in the order to offer them: the levels 1 to 5
    of a 1-5 field, the schema's allowed values of a categorical one, nothing for a number
    field, which has a `unit` instead. The field's label stays in the schema.
    """

    field: str
    question: str
    choices: tuple[tuple[int | str, str], ...] = ()
    unit: str = ""

    @property
    def kind(self) -> str:
        return FIELD_BY_NAME[self.field].kind

    def to_dict(self) -> dict[str, Any]:
        """The entry in the TOML layout (levels keyed "1" to "5": TOML keys are text)."""
        out: dict[str, Any] = {"question": self.question}
        if self.kind == "score":
            out["levels"] = {str(value): text for value, text in self.choices}
        elif self.kind == "enum":
            out["choices"] = {str(value): text for value, text in self.choices}
        else:
            out["unit"] = self.unit
        return out


@dataclass(frozen=True)
class Rubric:
    """What every answer means, so that two owners mean the same thing by "3".

    One `RubricEntry` per field of `RUBRIC_FIELDS`, in that order. The workbook and the
    answer forms read it through these methods: `choices_for` to offer the answers,
    `describe` to explain one, and `display` / `parse_display` for dropdown entries such
    as "3 — documented and mostly followed" and back.
    """

    entries: tuple[RubricEntry, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(e.field for e in self.entries)

    def entry(self, field_name: str) -> RubricEntry:
        for entry in self.entries:
            if entry.field == field_name:
                return entry
        raise ValueError(f"{field_name!r} has no rubric entry; the rubric covers {', '.join(RUBRIC_FIELDS)}")

    def question(self, field_name: str) -> str:
        """The question a workbook or form asks for the field."""
        return self.entry(field_name).question

    def unit(self, field_name: str) -> str:
        """What a number field is counted in ("cases or transactions a month"); "" for the others."""
        return self.entry(field_name).unit

    def choices_for(self, field_name: str) -> list[tuple[int | str, str]]:
        """(value, description) of each answer, in the order to offer them; [] for a number field."""
        return list(self.entry(field_name).choices)

    def describe(self, field_name: str, value: Any) -> str:
        """The description of one answer ('documented and mostly followed' for process_maturity 3).

        "" when the value is missing (unknown has no description); a number field gives
        its unit. A value that is not one of the field's answers raises ValueError.
        """
        entry = self.entry(field_name)
        if is_missing(value):
            return ""
        if not entry.choices:
            return entry.unit
        key = _answer_key(entry, value)
        for choice, text in entry.choices:
            if choice == key:
                return text
        raise ValueError(f"{value!r} is not an answer of {field_name}")

    def display(self, field_name: str, value: Any, label: Callable[[str, Any], str] | None = None) -> str:
        """The dropdown entry of one answer: "3 — documented and mostly followed".

        The answer is shown as its value, or as ``label(field, value)`` when a label
        function is given (the present layer's `value_label`: "Low", "Shared AI workspace");
        `parse_display` with the same ``label`` reads it back.
        """
        entry = self._with_choices(field_name)
        key = _answer_key(entry, value)
        shown = label(field_name, key) if label else str(key)
        return f"{shown}{DISPLAY_SEPARATOR}{self.describe(field_name, key)}"

    def displays(self, field_name: str, label: Callable[[str, Any], str] | None = None) -> list[str]:
        """Every dropdown entry of the field, in the order to offer (a workbook's validation list)."""
        return [self.display(field_name, v, label) for v, _ in self._with_choices(field_name).choices]

    def parse_display(
        self, field_name: str, text: Any, label: Callable[[str, Any], str] | None = None
    ) -> int | str | None:
        """The answer a dropdown entry stands for: 3 for "3 — documented and mostly followed".

        Also reads the bare answer ("3", 3, "low", or its label when ``label`` is given),
        ignoring case and runs of spaces. None when the text is blank or no answer of the
        field, for the caller to report; an entry written with other descriptions (another
        rubric) is not an answer of this one.
        """
        entry = self._with_choices(field_name)
        if isinstance(text, bool) or is_missing(text):
            return None
        if isinstance(text, int | float):
            try:
                key = _answer_key(entry, text)
            except ValueError:
                return None
            return key if any(key == v for v, _ in entry.choices) else None
        if not isinstance(text, str):
            return None
        wanted = _folded(text)
        for value, _ in entry.choices:
            known = {_folded(self.display(field_name, value, label)), _folded(str(value))}
            if label:
                known.add(_folded(label(field_name, value)))
            if wanted in known:
                return value
        return None

    def to_dict(self) -> dict[str, Any]:
        """The rubric in the TOML layout: one [rubric.<field>] table per field."""
        return {e.field: e.to_dict() for e in self.entries}

    def _with_choices(self, field_name: str) -> RubricEntry:
        entry = self.entry(field_name)
        if not entry.choices:
            raise ValueError(f"{field_name} has no levels: its answer is a number ({entry.unit})")
        return entry


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _answer_key(entry: RubricEntry, value: Any) -> int | str:
    """A 1-5 answer as an int (3.0 from a float column reads 3); a categorical one as its text."""
    if entry.kind != "score":
        return str(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or not float(value).is_integer():
        raise ValueError(f"{value!r} is not a level of {entry.field}")
    return int(value)


@dataclass(frozen=True)
class Profile:
    """A named, versioned scoring profile. Build one with `load_profile` or `profile_from_dict`."""

    name: str
    version: int
    weights: dict[str, float]
    dimensions: dict[str, tuple[str, ...]]
    api_pipeline_min_volume: float
    shared_workspace_min_volume: float
    shared_workspace_min_users: float
    fit_gates_weight: float
    fit_demand_weight: float
    verdict_priority: tuple[str, ...]
    gates: tuple[Gate, ...]
    description: str = ""
    currency: str = DEFAULT_CURRENCY  # what monthly_value is counted in; presentation only
    # What each answer means; versioned with the profile, but never part of a score.
    rubric: Rubric = field(default_factory=lambda: default_rubric())
    _hash: str = field(default="", repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The profile as plain data, in the TOML layout."""
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "currency": self.currency,
            "weights": dict(self.weights),
            "dimensions": {d: list(fs) for d, fs in self.dimensions.items()},
            "demand": {
                "api_pipeline_min_volume": self.api_pipeline_min_volume,
                "shared_workspace_min_volume": self.shared_workspace_min_volume,
                "shared_workspace_min_users": self.shared_workspace_min_users,
            },
            "fit": {"gates_weight": self.fit_gates_weight, "demand_weight": self.fit_demand_weight},
            "verdicts": {"priority": list(self.verdict_priority)},
            "gates": [g.to_dict() for g in self.gates],
            "rubric": self.rubric.to_dict(),
        }

    def to_toml(self) -> str:
        """The profile as a TOML document that `profile_from_toml` reads back unchanged."""
        return tomli_w.dumps(self.to_dict())

    @property
    def content_hash(self) -> str:
        """A short hash of what the profile decides (name, version, description, currency and rubric excluded)."""
        return self._hash

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"

    def gates_for(self, option: str) -> tuple[Gate, ...]:
        return tuple(g for g in self.gates if g.option == option)

    def revised(self, changes: dict[str, Any], *, name: str | None = None) -> Profile:
        """A new version of this profile with `changes` applied (same TOML layout, merged one level deep)."""
        data = self.to_dict()
        for key, value in changes.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        data["name"] = name or self.name
        data["version"] = self.version + 1 if data["name"] == self.name else 1
        return profile_from_dict(data)


def _content_hash(data: dict[str, Any]) -> str:
    # Only what decides a score: a new currency, description or rubric wording never forces
    # re-scoring, and profiles stored before the rubric existed keep their hash.
    content = {k: v for k, v in data.items() if k not in UNHASHED_KEYS}
    blob = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _check_keys(
    data: dict[str, Any],
    allowed: tuple[str, ...],
    table: str = "",
    path: str = "",
    *,
    what: str = "a profile key",
    listed: str = "allowed keys",
) -> None:
    """Refuse a key of ``table`` outside ``allowed``, naming it, the allowed keys and a close match.

    ``table`` is the table as the user writes it ("[demand]"); ``path`` prefixes the key
    in the error ("demand"), both empty for the top level; ``what`` names what a key is and
    ``listed`` what the allowed ones are ("a level", "levels" for a rubric's levels).
    """
    unknown = [str(key) for key in data if key not in allowed]
    if not unknown:
        return
    key = unknown[0]  # the first in document order: the one the user meets first
    where = f"in {table}" if table else "at the top level"
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    path = f"{path}.{key}" if path else key
    raise ProfileError(path, f"is not {what} {where}; {listed}: {', '.join(allowed) or 'none'}{hint}")


def _number(
    data: dict[str, Any], key: str, path: str, *, minimum: float = 0.0, maximum: float = NUMBER_MAX
) -> float:
    """A finite number from ``minimum`` to ``maximum`` (ints of any size are compared before conversion)."""
    name = f"{path}.{key}" if path else key
    if key not in data:
        raise ProfileError(name, "is missing")
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProfileError(name, f"must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ProfileError(name, f"must be a finite number, got {value!r}")
    if not minimum <= value <= maximum:
        raise ProfileError(name, f"must be from {minimum:g} to {maximum:g}, got {value!r}")
    return float(value)


def _weight(data: dict[str, Any], dim: str) -> float:
    weight = _number(data, dim, "weights", maximum=WEIGHT_MAX)
    if 0 < weight < WEIGHT_MIN:
        # Far smaller weights lose precision in the weighted mean (subnormal products).
        raise ProfileError(
            f"weights.{dim}", f"must be 0 (dimension off) or at least {WEIGHT_MIN:g}, got {weight!r}"
        )
    return weight


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ProfileError(key, "is missing" if value is None else "must be a table")
    return value


def _choice(value: Any, allowed: tuple[str, ...]) -> bool:
    return isinstance(value, str) and value in allowed


def _parse_gate(raw: Any, index: int) -> Gate:
    path = f"gates[{index}]"
    if not isinstance(raw, dict):
        raise ProfileError(path, "must be a table with option, field, op and value")
    _check_keys(raw, GATE_KEYS, f"[[gates]] #{index + 1}", path)
    option, field_name, op = raw.get("option"), raw.get("field"), raw.get("op", ">=")
    if not _choice(option, OPTIONS):
        raise ProfileError(f"{path}.option", f"{option!r} is not one of {', '.join(OPTIONS)}")
    if not _choice(field_name, tuple(GATE_OPS)):
        raise ProfileError(f"{path}.field", f"{field_name!r} is not a 1-5 field or risk_level")
    if not _choice(op, GATE_OPS[field_name]):
        raise ProfileError(
            f"{path}.op", f"{op!r} is not allowed for {field_name}; use {' or '.join(GATE_OPS[field_name])}"
        )
    if "value" not in raw:
        raise ProfileError(f"{path}.value", "is missing")
    value = raw["value"]
    if field_name == "risk_level":
        if not _choice(value, RISK_LEVELS):
            raise ProfileError(f"{path}.value", f"{value!r} is not one of {', '.join(RISK_LEVELS)}")
    elif isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 5:
        raise ProfileError(f"{path}.value", f"must be a number from 1 to 5, got {value!r}")
    min_risk = raw.get("min_risk")
    if min_risk is not None and not _choice(min_risk, RISK_LEVELS):
        raise ProfileError(f"{path}.min_risk", f"{min_risk!r} is not one of {', '.join(RISK_LEVELS)}")
    return Gate(option, field_name, op, value, min_risk)


def _parse_dimensions(data: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    dimensions: dict[str, tuple[str, ...]] = {}
    seen: set[str] = set()
    for dim, fields in _table(data, "dimensions").items():
        if not isinstance(dim, str) or not dim.strip() or len(dim) > MAX_DIMENSION_NAME:
            raise ProfileError(
                f"dimensions.{dim}", f"a dimension name must be 1 to {MAX_DIMENSION_NAME} characters"
            )
        if not isinstance(fields, list) or not fields:
            raise ProfileError(f"dimensions.{dim}", "must be a non-empty list of 1-5 fields")
        for f in fields:
            if not _choice(f, SCORE_FIELDS):
                raise ProfileError(
                    f"dimensions.{dim}", f"{f!r} is not a 1-5 field ({', '.join(SCORE_FIELDS)})"
                )
            if f in seen:
                raise ProfileError(f"dimensions.{dim}", f"{f!r} already belongs to another dimension")
            seen.add(f)
        dimensions[dim] = tuple(fields)
    return dimensions


def _parse_weights(data: dict[str, Any], dimensions: dict[str, tuple[str, ...]]) -> dict[str, float]:
    weights_raw = _table(data, "weights")
    _check_keys(weights_raw, tuple(dimensions), "[weights]", "weights")
    weights = {dim: _weight(weights_raw, dim) for dim in dimensions}
    # Each weight is at most WEIGHT_MAX, so the sum is finite; it must also be positive,
    # or readiness (a weighted mean) would be 0/0 for every pilot.
    if sum(weights.values()) <= 0:
        raise ProfileError("weights", "at least one weight must be above 0")
    return weights


def _rubric_text(value: Any, path: str) -> str:
    """One line of text, 1 to MAX_RUBRIC_TEXT characters: it is read in a dropdown and a cell."""
    if not isinstance(value, str) or not value.strip():
        raise ProfileError(path, "must be a non-empty text")
    text = value.strip()
    if len(text) > MAX_RUBRIC_TEXT:
        raise ProfileError(path, f"must be at most {MAX_RUBRIC_TEXT} characters, got {len(text)}")
    if any(ch < " " or ch == "\x7f" for ch in text):
        raise ProfileError(path, "must be one line, without line breaks, tabs or control characters")
    return text


def _parse_answers(
    raw: Any, allowed: tuple[str, ...], path: str, *, what: str
) -> tuple[tuple[str, str], ...]:
    """Exactly one description per allowed answer, in the order of ``allowed``, each its own."""
    if not isinstance(raw, dict):
        raise ProfileError(path, f"must be a table with a description for each of {', '.join(allowed)}")
    _check_keys(raw, allowed, f"[{path}]", path, what=what, listed="one of")
    seen: dict[str, str] = {}
    answers = []
    for answer in allowed:
        if answer not in raw:
            raise ProfileError(f"{path}.{answer}", f"is missing; describe each of {', '.join(allowed)}")
        text = _rubric_text(raw[answer], f"{path}.{answer}")
        if _folded(text) in seen:
            raise ProfileError(
                f"{path}.{answer}", f"has the same description as {seen[_folded(text)]}; give each its own"
            )
        seen[_folded(text)] = answer
        answers.append((answer, text))
    return tuple(answers)


def _parse_rubric_entry(raw: Any, field_name: str) -> RubricEntry:
    path = f"rubric.{field_name}"
    kind = FIELD_BY_NAME[field_name].kind
    keys = RUBRIC_KEYS[kind]
    if not isinstance(raw, dict):
        raise ProfileError(path, f"must be a table with {' and '.join(keys)}")
    _check_keys(raw, keys, f"[{path}]", path)
    for key in keys:
        if key not in raw:
            raise ProfileError(f"{path}.{key}", "is missing")
    question = _rubric_text(raw["question"], f"{path}.question")
    if kind == "score":
        levels = raw["levels"]
        if isinstance(levels, dict):  # TOML keys are text; data built in code may use ints
            levels = {
                str(k) if isinstance(k, int) and not isinstance(k, bool) else k: v for k, v in levels.items()
            }
        answers = _parse_answers(
            levels, tuple(str(v) for v in SCORE_LEVELS), f"{path}.levels", what="a level of a 1-5 field"
        )
        return RubricEntry(field_name, question, tuple((int(v), text) for v, text in answers))
    if kind == "enum":
        allowed = FIELD_BY_NAME[field_name].allowed
        answers = _parse_answers(raw["choices"], allowed, f"{path}.choices", what=f"a value of {field_name}")
        return RubricEntry(field_name, question, answers)
    return RubricEntry(field_name, question, unit=_rubric_text(raw["unit"], f"{path}.unit"))


def _rubric_from_table(raw: Any) -> Rubric:
    if not isinstance(raw, dict):
        raise ProfileError("rubric", "must be a table of [rubric.<field>] tables")
    _check_keys(
        raw, RUBRIC_FIELDS, "[rubric]", "rubric", what="a field the rubric describes", listed="fields"
    )
    for field_name in RUBRIC_FIELDS:
        if field_name not in raw:
            raise ProfileError(
                f"rubric.{field_name}",
                "is missing; describe every answer field, or leave out [rubric] to use the default rubric",
            )
    return Rubric(tuple(_parse_rubric_entry(raw[f], f) for f in RUBRIC_FIELDS))


def _parse_rubric(data: dict[str, Any]) -> Rubric:
    """The profile's rubric; the default one for a profile without [rubric] (stored before it existed)."""
    if "rubric" not in data:
        return default_rubric()
    return _rubric_from_table(data["rubric"])


def profile_from_dict(data: dict[str, Any]) -> Profile:
    """Validate profile data and build a `Profile`; errors name the key and the problem.

    Every table refuses keys it does not know, and every number must be finite and in
    range, so that any profile that loads scores every pilot to finite numbers.
    """
    if not isinstance(data, dict):
        raise ProfileError("(document)", "must be a table")
    _check_keys(data, PROFILE_KEYS)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ProfileError("name", "must be a non-empty text")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= MAX_PROFILE_VERSION:
        raise ProfileError(
            "version", f"must be a whole number ≥ 1 and at most {MAX_PROFILE_VERSION}, got {version!r}"
        )
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ProfileError("description", f"must be text, got {type(description).__name__}")
    currency = data.get("currency", DEFAULT_CURRENCY)
    if not isinstance(currency, str) or currency.strip().upper() not in ISO_4217:
        raise ProfileError(
            "currency", f"must be an ISO 4217 currency code such as USD, EUR or GBP, got {currency!r}"
        )

    dimensions = _parse_dimensions(data)
    weights = _parse_weights(data, dimensions)

    demand = _table(data, "demand")
    _check_keys(demand, DEMAND_KEYS, "[demand]", "demand")
    api_volume = _number(demand, "api_pipeline_min_volume", "demand")
    ws_volume = _number(demand, "shared_workspace_min_volume", "demand")
    ws_users = _number(demand, "shared_workspace_min_users", "demand", minimum=1)
    if api_volume < ws_volume:
        raise ProfileError(
            "demand.api_pipeline_min_volume", "must be at least demand.shared_workspace_min_volume"
        )

    fit = _table(data, "fit")
    _check_keys(fit, FIT_KEYS, "[fit]", "fit")
    gates_weight = _number(fit, "gates_weight", "fit", maximum=1)
    demand_weight = _number(fit, "demand_weight", "fit", maximum=1)
    if abs(gates_weight + demand_weight - 1.0) > 1e-9:
        raise ProfileError(
            "fit", f"gates_weight + demand_weight must be 1, got {gates_weight + demand_weight:g}"
        )

    verdicts = _table(data, "verdicts")
    _check_keys(verdicts, VERDICT_KEYS, "[verdicts]", "verdicts")
    priority_raw = verdicts.get("priority", [])
    if (
        not isinstance(priority_raw, list)
        or not all(isinstance(v, str) for v in priority_raw)
        or sorted(priority_raw) != sorted(DECIDABLE_VERDICTS)
    ):
        raise ProfileError(
            "verdicts.priority", f"must list each of {', '.join(DECIDABLE_VERDICTS)} exactly once"
        )
    priority = tuple(priority_raw)

    gates_raw = data.get("gates", [])
    if not isinstance(gates_raw, list):
        raise ProfileError("gates", "must be an array of tables ([[gates]])")
    if len(gates_raw) > MAX_GATES:
        raise ProfileError("gates", f"at most {MAX_GATES} gates are supported, got {len(gates_raw)}")
    gates = tuple(_parse_gate(g, i) for i, g in enumerate(gates_raw))

    profile = Profile(
        name=name.strip(),
        version=version,
        description=description,
        currency=currency.strip().upper(),
        weights=weights,
        dimensions=dimensions,
        api_pipeline_min_volume=api_volume,
        shared_workspace_min_volume=ws_volume,
        shared_workspace_min_users=ws_users,
        fit_gates_weight=gates_weight,
        fit_demand_weight=demand_weight,
        verdict_priority=priority,
        gates=gates,
        rubric=_parse_rubric(data),
    )
    return replace(profile, _hash=_content_hash(profile.to_dict()))


def profile_from_toml(text: str) -> Profile:
    """Parse and validate a profile TOML document."""
    try:
        data = tomlsafe.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError("(document)", f"is not valid TOML: {exc}") from None
    return profile_from_dict(data)


def _default_profile_text() -> str:
    return resources.files("kairo_scoring").joinpath("default_profile.toml").read_text("utf-8")


def default_profile() -> Profile:
    """The default profile that ships inside the package."""
    return profile_from_toml(_default_profile_text())


@functools.cache
def default_rubric() -> Rubric:
    """The rubric of the shipped default profile (readiness model v1): what a profile without one gets."""
    return _rubric_from_table(tomlsafe.loads(_default_profile_text()).get("rubric"))


def load_profile(source: str | Path | Profile | None = None) -> Profile:
    """A profile from a TOML file path, a Profile (returned as is), or the default when None."""
    if source is None:
        return default_profile()
    if isinstance(source, Profile):
        return source
    path = Path(source)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ProfileError("(file)", f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ProfileError("(file)", f"{path} is not UTF-8 text") from None
    return profile_from_toml(text)


__all__ = [
    "DISPLAY_SEPARATOR",
    "MAX_RUBRIC_TEXT",
    "RUBRIC_FIELDS",
    "Gate",
    "Profile",
    "Rubric",
    "RubricEntry",
    "default_profile",
    "default_rubric",
    "load_profile",
    "profile_from_dict",
    "profile_from_toml",
]
