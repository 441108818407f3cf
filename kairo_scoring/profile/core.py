"""The scoring profile itself: ``Profile`` (weights, dimensions, demand thresholds, fit
weights, verdict priority, gates, currency and rubric; its TOML and its content hash) and how
a profile document becomes one, checked key by key so every malformed file is refused with
the key and the problem (``profile_from_dict``, ``profile_from_toml``, ``load_profile``,
``default_profile``). Gates, the rubric, the currency codes and the shared key checks are
the sibling modules this one builds on."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tomli_w

from kairo_scoring import tomlsafe
from kairo_scoring.errors import ProfileError
from kairo_scoring.profile.checks import _check_keys, _choice, _number, _table
from kairo_scoring.profile.currencies import DEFAULT_CURRENCY, ISO_4217
from kairo_scoring.profile.gates import MAX_GATES, Gate, _parse_gate
from kairo_scoring.profile.rubric import Rubric, _default_profile_text, _rubric_from_table, default_rubric
from kairo_scoring.schema import SCORE_FIELDS, VERDICTS

DECIDABLE_VERDICTS: tuple[str, ...] = tuple(v for v in VERDICTS if v != "needs_data")
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
# Ranges of the profile's numbers. Versions are stored in 32-bit columns (the store's
# INTEGER, the scored table's int32). Weights are bounded so the weighted mean of
# readiness can neither overflow nor lose its precision; demand thresholds are bounded by
# ``checks.NUMBER_MAX``.
MAX_PROFILE_VERSION = 2**31 - 1
WEIGHT_MAX = 1000.0
WEIGHT_MIN = 1e-6
MAX_DIMENSION_NAME = 40
# Keys a profile keeps in its TOML (so they are versioned with it) that never change a score.
UNHASHED_KEYS: tuple[str, ...] = ("name", "version", "description", "currency", "rubric")


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


def _weight(data: dict[str, Any], dim: str) -> float:
    weight = _number(data, dim, "weights", maximum=WEIGHT_MAX)
    if 0 < weight < WEIGHT_MIN:
        # Far smaller weights lose precision in the weighted mean (subnormal products).
        raise ProfileError(
            f"weights.{dim}", f"must be 0 (dimension off) or at least {WEIGHT_MIN:g}, got {weight!r}"
        )
    return weight


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


def default_profile() -> Profile:
    """The default profile that ships inside the package."""
    return profile_from_toml(_default_profile_text())


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
