"""Editing and versioning scoring profiles: the gates as an editable table, a profile
revised from edited weights, thresholds and gates, what edited weights come to (each
dimension's share of readiness), and the version a new save gets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kairo_scoring.access import LOCAL_OPERATOR, Actor
from kairo_scoring.errors import StoreError
from kairo_scoring.profile import GATE_OPS, Profile, profile_from_dict, profile_from_toml
from kairo_scoring.store import PortfolioStore
from kairo_scoring.values import is_blank, number_text

GATE_EDITOR_COLUMNS: tuple[str, ...] = ("option", "field", "op", "value", "min_risk")


def gates_frame(profile: Profile) -> pd.DataFrame:
    """The profile's gates as an editable table (value as text, min_risk '' when none)."""
    rows = [
        {
            "option": g.option,
            "field": g.field,
            "op": g.op,
            "value": g.value if isinstance(g.value, str) else number_text(float(g.value)),
            "min_risk": g.min_risk or "",
        }
        for g in profile.gates
    ]
    return pd.DataFrame(rows, columns=list(GATE_EDITOR_COLUMNS)).astype(object)


def _gate_rows(gates: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for _, row in gates.iterrows():
        if all(is_blank(row.get(c)) for c in GATE_EDITOR_COLUMNS):
            continue  # an empty row left by the editor
        gate: dict[str, Any] = {
            "option": None if is_blank(row.get("option")) else str(row["option"]).strip(),
            "field": None if is_blank(row.get("field")) else str(row["field"]).strip(),
            "op": ">=" if is_blank(row.get("op")) else str(row["op"]).strip(),
        }
        value = row.get("value")
        if gate["field"] == "risk_level":
            gate["value"] = None if is_blank(value) else str(value).strip()
        elif is_blank(value):
            gate["value"] = None
        else:
            try:
                number = float(str(value).replace(",", ".").strip())
            except ValueError:
                number = str(value)
            gate["value"] = int(number) if isinstance(number, float) and number.is_integer() else number
        if gate["value"] is None:
            gate.pop("value")
        if not is_blank(row.get("min_risk")):
            gate["min_risk"] = str(row["min_risk"]).strip()
        out.append(gate)
    return out


def revise_profile(
    base: Profile,
    *,
    name: str,
    version: int,
    weights: Mapping[str, float] | None = None,
    demand: Mapping[str, float] | None = None,
    gates: pd.DataFrame | None = None,
    description: str | None = None,
) -> Profile:
    """`base` with edited weights, demand thresholds and gates, as profile `name` v`version`.

    Validation is the profile's own: a `ProfileError` names the key and the problem.
    """
    data = base.to_dict()
    data["name"] = name
    data["version"] = int(version)
    if description is not None:
        data["description"] = description
    if weights is not None:
        data["weights"] = {k: float(v) for k, v in weights.items()}
    if demand is not None:
        data["demand"] = {**data["demand"], **{k: float(v) for k, v in demand.items()}}
    if gates is not None:
        data["gates"] = _gate_rows(gates)
    return profile_from_dict(data)


# Weights whose sum is this close to 1 are taken as summing to 1 (0.1 + 0.2 + … in floats).
WEIGHT_SUM_TOLERANCE = 1e-9


@dataclass(frozen=True)
class WeightShares:
    """What a set of dimension weights comes to in readiness.

    Readiness is the weighted mean of the known dimensions (`engine.readiness_scores`): each
    weight is divided by the sum of the weights, so weights that do not sum to 1 are neither
    refused nor used as they are: only their proportions count. A weight of 0 leaves its
    dimension out; all weights at 0 are refused (`ProfileError`: nothing to weigh).
    """

    total: float
    shares: dict[str, float]  # dimension → its share of a fully answered pilot's readiness
    off: tuple[str, ...]  # dimensions with weight 0

    @property
    def sums_to_one(self) -> bool:
        return abs(self.total - 1.0) <= WEIGHT_SUM_TOLERANCE

    @property
    def usable(self) -> bool:
        """At least one weight above 0: the profile accepts these weights."""
        return self.total > 0


def weight_shares(weights: Mapping[str, float]) -> WeightShares:
    """Each dimension's share of readiness under `weights` (all 0 when every weight is 0)."""
    values = {dim: float(w) for dim, w in weights.items()}
    total = sum(values.values())
    return WeightShares(
        total=total,
        shares={dim: (w / total if total > 0 else 0.0) for dim, w in values.items()},
        off=tuple(dim for dim, w in values.items() if w == 0),
    )


def next_profile_version(stored: pd.DataFrame, name: str) -> int:
    """The version a new save of profile `name` gets: one above the highest stored."""
    if stored.empty:
        return 1
    versions = stored.loc[stored["name"] == name, "version"]
    return int(versions.max()) + 1 if len(versions) else 1


def gate_fields() -> tuple[str, ...]:
    """Fields a gate can test."""
    return tuple(GATE_OPS)


def gate_ops() -> tuple[str, ...]:
    """Comparison operators a gate can use, in first-seen order."""
    return tuple(dict.fromkeys(op for ops in GATE_OPS.values() for op in ops))


def store_profile_version(store: PortfolioStore, profile: Profile, *, actor: Actor = LOCAL_OPERATOR) -> bool:
    """Save `profile` under its name and version; False when that version is already stored as it is.

    The store recognises a version by its scoring content (the hash). The rubric, currency
    and description are outside the hash (they never change a score), so a stored version
    whose wording differs would be kept silently: it is refused here instead, naming what
    differs, so that the new wording is saved as a new version.
    """
    stored = store.profiles()
    same = stored[(stored["name"] == profile.name) & (stored["version"] == profile.version)]
    if not same.empty:
        old = profile_from_toml(store.load_profile_text(profile.name, profile.version))
        if old.content_hash == profile.content_hash:
            differs = [
                what
                for what, before, after in (
                    ("rubric", old.rubric, profile.rubric),
                    ("currency", old.currency, profile.currency),
                    ("description", old.description, profile.description),
                )
                if before != after
            ]
            if differs:
                raise StoreError(
                    f"Scoring profile '{profile.name}' version {profile.version} is already stored with "
                    f"another {' and '.join(differs)}; save it under a new version."
                )
    return store.save_profile(
        profile.name, profile.version, profile.to_toml(), profile.content_hash, actor=actor
    )
