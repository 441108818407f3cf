"""Portfolio views as data: what the dashboard pages show, computed here and tested here.

Everything takes and returns DataFrames and small frozen dataclasses; nothing here knows
about Streamlit. Pages read widgets, call these functions and render the result.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kairo_scoring.intake import read_portfolio
from kairo_scoring.profile import GATE_OPS, Profile, default_profile, field_label, profile_from_dict
from kairo_scoring.schema import (
    CANONICAL_COLUMNS,
    CURRENT_MODES,
    FIELD_BY_NAME,
    NOT_READY,
    OPTION_LABELS,
    OPTION_LEVEL,
    OPTIONS,
    RISK_LEVELS,
    SCORE_FIELDS,
    STAGES,
    VERDICT_LABELS,
    VERDICT_MEANINGS,
    VERDICTS,
    conform,
)
from kairo_scoring.scoring import DECISION_COLUMNS, ScoredPortfolio, dimension_column, score
from kairo_scoring.store import PortfolioStore, SnapshotInfo

SAMPLE_PORTFOLIO = "Sample portfolio"
SAMPLE_FILES: tuple[str, ...] = ("sample_portfolio_previous_quarter.xlsx", "sample_portfolio.xlsx")

# Verdicts whose pilots hold value that is exposed (run ungoverned) or held back (blocked,
# not ready, undecided): the "value at stake" an executive should act on.
VALUE_AT_STAKE_VERDICTS: tuple[str, ...] = ("at_risk", "build_readiness", "not_ready", "needs_data")
FILTER_FIELDS: tuple[str, ...] = ("business_unit", "owner", "stage", "verdict", "risk_level")
UNDECIDED = "undecided"
UNKNOWN_LABEL = "unknown"
# Above this many pilots, point charts draw a stable sample and say so.
POINT_LIMIT = 2_000
# Where a recommended option or mode sits on the 0..3 ladder (not_ready / none = 0).
RECOMMENDED_LEVEL: dict[str, int] = {NOT_READY: 0, **OPTION_LEVEL}
MODE_LEVEL: dict[str, int] = {mode: level for level, mode in enumerate(CURRENT_MODES)}


# --- filtering ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PortfolioFilter:
    """The sidebar filters: an empty tuple means "any value"."""

    business_unit: tuple[str, ...] = ()
    owner: tuple[str, ...] = ()
    stage: tuple[str, ...] = ()
    verdict: tuple[str, ...] = ()
    risk_level: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return any(getattr(self, name) for name in FILTER_FIELDS)

    def mask(self, table: pd.DataFrame) -> np.ndarray:
        """True for the rows every active filter keeps (a pilot with an unknown value is dropped)."""
        keep = np.ones(len(table), dtype=bool)
        for name in FILTER_FIELDS:
            chosen = getattr(self, name)
            if chosen:
                keep &= table[name].astype(object).isin(chosen).to_numpy()
        return keep

    def describe(self) -> str:
        """Plain text such as 'stage: pilot, production; verdict: promote' ('' when inactive)."""
        parts = [f"{name}: {', '.join(getattr(self, name))}" for name in FILTER_FIELDS if getattr(self, name)]
        return "; ".join(parts)


def filter_choices(table: pd.DataFrame) -> dict[str, list[str]]:
    """The values each filter can take in this table (enums in their canonical order)."""
    ordered = {"stage": STAGES, "verdict": VERDICTS, "risk_level": RISK_LEVELS}
    out: dict[str, list[str]] = {}
    for name in FILTER_FIELDS:
        present = {str(v) for v in pd.unique(table[name].dropna().to_numpy(dtype=object))}
        if name in ordered:
            out[name] = [v for v in ordered[name] if v in present]
        else:
            out[name] = sorted(present, key=str.casefold)
    return out


def subset(scored: ScoredPortfolio, keep: np.ndarray) -> ScoredPortfolio:
    """The scored portfolio restricted to the rows where `keep` is True (gate statuses and
    blocker masks follow the rows)."""
    keep = np.asarray(keep, dtype=bool)
    if keep.all():
        return scored
    return ScoredPortfolio(
        scored.table[keep],
        scored.gate_status[keep],
        scored.profile,
        scored.blocking_failed[keep],
        scored.blocking_unknown[keep],
    )


def with_table(scored: ScoredPortfolio, table: pd.DataFrame) -> ScoredPortfolio:
    """The same scores over a relabelled table (same rows, same order), e.g. anonymised."""
    if len(table) != len(scored.table):
        raise ValueError("the relabelled table must keep every row")
    return ScoredPortfolio(
        table, scored.gate_status, scored.profile, scored.blocking_failed, scored.blocking_unknown
    )


# --- anonymisation -----------------------------------------------------------------------
def spreadsheet_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: short stable labels for owners."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def pilot_aliases(pilot_ids: pd.Series) -> dict[str, str]:
    """pilot_id → "Pilot 017": numbered in sorted pilot_id order, so the same register
    always gives the same aliases whatever the row order or filters."""
    ids = sorted(set(pilot_ids.dropna().astype(str)))
    width = max(3, len(str(len(ids))))
    return {pid: f"Pilot {i:0{width}d}" for i, pid in enumerate(ids, start=1)}


def owner_aliases(owners: pd.Series) -> dict[str, str]:
    """owner → "Owner C", lettered in sorted (case-insensitive) name order."""
    names = sorted(set(owners.dropna().astype(str)), key=lambda s: (s.casefold(), s))
    return {name: f"Owner {spreadsheet_letters(i)}" for i, name in enumerate(names)}


def anonymise(table: pd.DataFrame) -> pd.DataFrame:
    """A copy for presenting: names and owners replaced by stable aliases, and every
    non-canonical source column (free text that may name people or clients) dropped."""
    keep = [
        c
        for c in table.columns
        if c in CANONICAL_COLUMNS
        or c in DECISION_COLUMNS
        or c.startswith("score_")
        or c in ("source_row", "pilot_alias")
    ]
    out = table[keep].copy()
    out["name"] = _relabel(table["pilot_id"], pilot_aliases)
    out["owner"] = _relabel(table["owner"], owner_aliases)
    return out


def _relabel(values: pd.Series, aliases) -> pd.Series:
    """Replace each distinct value by its alias, computing aliases once per distinct value."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    mapping = aliases(pd.Series(uniques, dtype=object))
    labels = np.array([mapping[str(u)] for u in uniques] + [None], dtype=object)
    return pd.Series(labels[codes], index=values.index, dtype="string")


# --- headline figures --------------------------------------------------------------------
@dataclass(frozen=True)
class Headline:
    """The figures an executive reads first."""

    pilots: int
    ready_to_promote: int
    at_risk: int
    value_at_stake: float
    total_value: float
    value_unknown: int  # pilots whose monthly_value is unknown (counted as 0)
    option_share: dict[str, float] = field(default_factory=dict)  # recommended → share of pilots (0..1)


def headline(table: pd.DataFrame) -> Headline:
    """Pilot counts, value at stake (monthly value of pilots at risk, blocked, not ready or
    undecided: `VALUE_AT_STAKE_VERDICTS`) and the share of pilots per recommended option."""
    n = len(table)
    verdict = table["verdict"].astype(object)
    value = table["monthly_value"].astype("float64")
    stake = verdict.isin(VALUE_AT_STAKE_VERDICTS).to_numpy()
    recommended = table["recommended"].astype(object).where(table["recommended"].notna(), UNDECIDED)
    counts = recommended.value_counts()
    share = {k: (float(counts.get(k, 0)) / n if n else 0.0) for k in (NOT_READY, *OPTIONS, UNDECIDED)}
    return Headline(
        pilots=n,
        ready_to_promote=int((verdict == "promote").sum()),
        at_risk=int((verdict == "at_risk").sum()),
        value_at_stake=float(value[stake].sum()),
        total_value=float(value.sum()),
        value_unknown=int(value.isna().sum()),
        option_share=share,
    )


def verdict_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Pilots and monthly value per verdict, every verdict listed in canonical order."""
    verdict = table["verdict"].astype(object)
    value = table["monthly_value"].astype("float64").fillna(0.0)
    pilots = verdict.value_counts()
    values = value.groupby(verdict).sum()
    return pd.DataFrame(
        {
            "verdict": list(VERDICTS),
            "label": [VERDICT_LABELS[v] for v in VERDICTS],
            "pilots": [int(pilots.get(v, 0)) for v in VERDICTS],
            "monthly_value": [float(values.get(v, 0.0)) for v in VERDICTS],
        }
    )


# --- placing the portfolio across the three options -------------------------------------
def stable_unit(pilot_ids: pd.Series, salt: int = 0) -> np.ndarray:
    """A number in [0, 1) per pilot that depends only on its pilot_id (and `salt`)."""
    hashed = pd.util.hash_pandas_object(pilot_ids.astype(str), index=False, hash_key="kairo0123456789a")
    mixed = hashed.to_numpy(dtype=np.uint64) ^ np.uint64(salt * 0x9E3779B97F4A7C15 % 2**64)
    mixed = (mixed * np.uint64(0xBF58476D1CE4E5B9)) & np.uint64(2**64 - 1)
    return (mixed >> np.uint64(11)).astype(np.float64) / float(2**53)


def sample_rows(table: pd.DataFrame, limit: int = POINT_LIMIT) -> tuple[pd.DataFrame, bool]:
    """At most `limit` rows, chosen by a hash of pilot_id (seeded, independent of row order);
    returns the rows and whether they are a sample."""
    if len(table) <= limit:
        return table, False
    order = np.argsort(stable_unit(table["pilot_id"]), kind="stable")[:limit]
    return table.iloc[np.sort(order)], True


def demand_level(table: pd.DataFrame) -> pd.Series:
    """The target (demand) as level 1..3, 0 when unknown."""
    return _codes(table["target"], ("", *OPTIONS)).clip(lower=0)


def _codes(values: pd.Series, categories: Sequence[str]) -> pd.Series:
    """Position of each value in `categories` (-1 when missing or not listed)."""
    return pd.Series(
        pd.Categorical(values.astype(object), categories=list(categories)).codes.astype(np.int64),
        index=values.index,
    )


def demand_supply_grid(table: pd.DataFrame) -> pd.DataFrame:
    """Pilots and monthly value per (demand level 0..3, supply level 0..3); demand 0 = unknown.

    Every one of the 16 cells is listed, zeros included, so a heatmap keeps its shape.
    """
    key = demand_level(table).to_numpy() * 4 + table["supply_level"].to_numpy(dtype=np.int64)
    value = table["monthly_value"].astype("float64").fillna(0.0).to_numpy()
    return pd.DataFrame(
        {
            "demand": np.repeat(np.arange(4), 4),
            "supply_level": np.tile(np.arange(4), 4),
            "pilots": np.bincount(key, minlength=16).astype(int),
            "monthly_value": np.bincount(key, weights=value, minlength=16),
        }
    )


@dataclass(frozen=True)
class Placement:
    """Points for the placement chart: one per pilot (or a stable sample of them)."""

    points: pd.DataFrame
    total: int
    sampled: bool


def placement_points(table: pd.DataFrame, limit: int = POINT_LIMIT) -> Placement:
    """Each pilot at (supply level, demand level) with a small jitter that depends only on
    its pilot_id, so points in one cell spread out the same way on every rerun."""
    rows, sampled = sample_rows(table, limit)
    jitter_x = stable_unit(rows["pilot_id"], salt=1) * 0.7 - 0.35
    jitter_y = stable_unit(rows["pilot_id"], salt=2) * 0.7 - 0.35
    points = pd.DataFrame(
        {
            "pilot_id": rows["pilot_id"].astype(str).to_numpy(),
            "name": rows["name"].astype(str).to_numpy(),
            "verdict": rows["verdict"].astype(str).to_numpy(),
            "supply_level": rows["supply_level"].astype(int).to_numpy(),
            "demand": demand_level(rows).to_numpy(),
            "readiness": rows["readiness"].astype("float64").to_numpy(),
            "monthly_value": rows["monthly_value"].astype("float64").to_numpy(),
            "fit_assisted": rows["fit_assisted"].astype("float64").to_numpy(),
            "fit_workspace": rows["fit_workspace"].astype("float64").to_numpy(),
            "fit_pipeline": rows["fit_pipeline"].astype("float64").to_numpy(),
        }
    )
    points["x"] = points["supply_level"] + jitter_x
    points["y"] = points["demand"] + jitter_y
    return Placement(points, len(table), sampled)


# --- flows from current mode to recommended to target -----------------------------------
def flow_node_names(stage: str) -> tuple[str, ...]:
    """The categories a flow stage can take, lightest first."""
    if stage == "today":
        return (*CURRENT_MODES, UNKNOWN_LABEL)
    if stage == "now":
        return (NOT_READY, *OPTIONS, UNDECIDED)
    return (*OPTIONS, UNKNOWN_LABEL)


def mode_flows(table: pd.DataFrame) -> pd.DataFrame:
    """Pilots and value flowing today (current_mode) → now (recommended) → target.

    Columns: step ("today→now" or "now→target"), source, target, pilots, monthly_value;
    only non-empty links, in canonical category order.
    """
    value = table["monthly_value"].astype("float64").fillna(0.0).to_numpy()
    codes = {}
    for stage, column in (("today", "current_mode"), ("now", "recommended"), ("target", "target")):
        names = flow_node_names(stage)
        code = _codes(table[column], names).to_numpy()
        codes[stage] = np.where(code < 0, len(names) - 1, code)  # missing → the last category
    parts = []
    for step, src, dst in (("today→now", "today", "now"), ("now→target", "now", "target")):
        src_names, dst_names = flow_node_names(src), flow_node_names(dst)
        key = codes[src] * len(dst_names) + codes[dst]
        size = len(src_names) * len(dst_names)
        pilots = np.bincount(key, minlength=size)
        values = np.bincount(key, weights=value, minlength=size)
        nonzero = np.flatnonzero(pilots)
        parts.append(
            pd.DataFrame(
                {
                    "step": step,
                    "source": [src_names[k // len(dst_names)] for k in nonzero],
                    "target": [dst_names[k % len(dst_names)] for k in nonzero],
                    "pilots": pilots[nonzero].astype(int),
                    "monthly_value": values[nonzero].astype(float),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


# --- blockers ----------------------------------------------------------------------------
def blocking_matrix(scored: ScoredPortfolio) -> tuple[np.ndarray, np.ndarray]:
    """(blocked, unknown) as (pilots, gates) booleans: gate j stands between pilot i and where
    it should be, failed or unknown / unknown only. Read from the masks `score()` decided,
    which also wrote the `blockers` column (see `ScoredPortfolio`)."""
    return scored.blocking, scored.blocking_unknown


def gate_label(option: str, rule: str) -> str:
    return f"{OPTION_LABELS[option]}: {rule}"


def blocker_summary(scored: ScoredPortfolio) -> pd.DataFrame:
    """Per gate: how many pilots it blocks (and how many only because a value is unknown)
    and how much monthly value those pilots carry, most pilots first."""
    blocked, unknown = blocking_matrix(scored)
    value = scored.table["monthly_value"].astype("float64").fillna(0.0).to_numpy()
    pilots_blocked = blocked.sum(axis=0)
    pilots_unknown = unknown.sum(axis=0)
    rows = []
    for j, gate in enumerate(scored.profile.gates):
        rows.append(
            {
                "gate": j,
                "option": gate.option,
                "rule": gate.describe(),
                "label": gate_label(gate.option, gate.describe()),
                "pilots_blocked": int(pilots_blocked[j]),
                "pilots_unknown": int(pilots_unknown[j]),
                "value_blocked": float(value[blocked[:, j]].sum()),
            }
        )
    out = pd.DataFrame(
        rows,
        columns=["gate", "option", "rule", "label", "pilots_blocked", "pilots_unknown", "value_blocked"],
    )
    return out.sort_values(
        ["pilots_blocked", "value_blocked", "gate"], ascending=[False, False, True]
    ).reset_index(drop=True)


def top_blockers(summary: pd.DataFrame, by: str = "pilots_blocked", n: int = 8) -> pd.DataFrame:
    """The `n` gates that block most (by pilots or by value), gates that block nothing left out."""
    kept = summary[summary[by] > 0]
    return kept.sort_values([by, "gate"], ascending=[False, True]).head(n).reset_index(drop=True)


# --- the pilot table ---------------------------------------------------------------------
TABLE_COLUMNS: tuple[str, ...] = (
    "pilot_id",
    "name",
    "business_unit",
    "owner",
    "verdict",
    "current_mode",
    "recommended",
    "target",
    "readiness",
    "completeness",
    "monthly_value",
    "risk_level",
    "next_step",
)


def pilot_table(table: pd.DataFrame, limit: int | None = None) -> tuple[pd.DataFrame, bool]:
    """The sortable pilot table: labels instead of codes, highest monthly value first;
    at most `limit` rows (the most valuable), and whether rows were left out."""
    frame = table[list(TABLE_COLUMNS)].copy()
    frame["verdict"] = frame["verdict"].astype(object).map(VERDICT_LABELS)
    labels = {**OPTION_LABELS, NOT_READY: "Not ready", UNDECIDED: "Undecided", "none": "None (pilot)"}
    for column in ("current_mode", "recommended", "target"):
        frame[column] = frame[column].astype(object).map(labels)
    frame["next_step"] = frame["next_step"].astype(object)
    frame = frame.sort_values(["monthly_value", "pilot_id"], ascending=[False, True], na_position="last")
    truncated = limit is not None and len(frame) > limit
    if truncated:
        frame = frame.head(limit)
    return frame.reset_index(drop=True), truncated


# --- comparing snapshots -----------------------------------------------------------------
MOVEMENTS: tuple[str, ...] = ("promoted", "slipped", "added", "removed", "unchanged", UNDECIDED)


def recommended_level(table: pd.DataFrame) -> pd.Series:
    """Recommended option as level 0..3 (not_ready = 0), NaN when undecided."""
    return table["recommended"].astype(object).map(RECOMMENDED_LEVEL).astype("float64")


@dataclass(frozen=True)
class SnapshotComparison:
    """Two snapshots side by side, one row per pilot in either.

    `movement` is promoted / slipped (the recommended option is heavier / lighter than
    before), added / removed (only in the later / earlier snapshot), unchanged, or
    undecided (the recommendation is undecided in either snapshot).
    """

    pilots: pd.DataFrame

    def count(self, movement: str) -> int:
        return int((self.pilots["movement"] == movement).sum())

    def of(self, movement: str) -> pd.DataFrame:
        return self.pilots[self.pilots["movement"] == movement].reset_index(drop=True)

    @property
    def readiness_deltas(self) -> pd.Series:
        """Readiness after minus before, for pilots in both with readiness known in both."""
        return self.pilots["readiness_delta"].dropna()

    def readiness_summary(self) -> str:
        """One line on how readiness moved ('' when no pilot is in both with readiness known)."""
        deltas = self.readiness_deltas
        if deltas.empty:
            return ""
        return (
            f"{len(deltas):,} pilots in both snapshots: median change {deltas.median():+.1f} points, "
            f"{int((deltas > 0).sum()):,} up, {int((deltas < 0).sum()):,} down."
        )

    def counts(self) -> dict[str, int]:
        return {m: self.count(m) for m in MOVEMENTS}


def compare_snapshots(before: pd.DataFrame, after: pd.DataFrame) -> SnapshotComparison:
    """Compare two scored tables of one portfolio by pilot_id."""
    keep = ["pilot_id", "name", "recommended", "verdict", "readiness", "monthly_value"]

    def side(table: pd.DataFrame, suffix: str) -> pd.DataFrame:
        frame = table[keep].copy()
        frame["pilot_id"] = frame["pilot_id"].astype(str)
        frame["level"] = recommended_level(table).to_numpy()
        for column in ("recommended", "verdict", "name"):
            frame[column] = frame[column].astype(object)
        frame = frame.drop_duplicates("pilot_id")
        return frame.rename(columns={c: f"{c}_{suffix}" for c in frame.columns if c != "pilot_id"})

    merged = side(before, "before").merge(side(after, "after"), on="pilot_id", how="outer", indicator=True)
    lb, la = merged["level_before"], merged["level_after"]
    movement = np.select(
        [
            merged["_merge"] == "right_only",
            merged["_merge"] == "left_only",
            lb.isna() | la.isna(),
            la > lb,
            la < lb,
        ],
        ["added", "removed", UNDECIDED, "promoted", "slipped"],
        default="unchanged",
    )
    out = pd.DataFrame(
        {
            "pilot_id": merged["pilot_id"],
            "name": merged["name_after"].where(merged["name_after"].notna(), merged["name_before"]),
            "movement": movement,
            "recommended_before": merged["recommended_before"],
            "recommended_after": merged["recommended_after"],
            "verdict_before": merged["verdict_before"],
            "verdict_after": merged["verdict_after"],
            "readiness_before": merged["readiness_before"].astype("float64"),
            "readiness_after": merged["readiness_after"].astype("float64"),
        }
    )
    out["readiness_delta"] = out["readiness_after"] - out["readiness_before"]
    out["monthly_value"] = merged["monthly_value_after"].where(
        merged["monthly_value_after"].notna(), merged["monthly_value_before"]
    )
    return SnapshotComparison(out.sort_values("pilot_id", kind="stable").reset_index(drop=True))


def verdict_trend(snapshots: Sequence[tuple[str, pd.DataFrame]]) -> pd.DataFrame:
    """Pilots per verdict in each snapshot (oldest first as given): snapshot, verdict, pilots."""
    rows = []
    for label, table in snapshots:
        counts = table["verdict"].astype(object).value_counts()
        for verdict in VERDICTS:
            rows.append({"snapshot": label, "verdict": verdict, "pilots": int(counts.get(verdict, 0))})
    return pd.DataFrame(rows, columns=["snapshot", "verdict", "pilots"])


# --- profile impact ----------------------------------------------------------------------
@dataclass(frozen=True)
class ProfileImpact:
    """What changes when a portfolio is rescored with another profile."""

    changes: pd.DataFrame  # only the pilots whose recommendation or verdict changes
    pilots: int
    recommendation_changed: int
    verdict_changed: int
    transitions: pd.DataFrame  # verdict_before, verdict_after, pilots (changed verdicts only)

    @property
    def any_change(self) -> bool:
        return not self.changes.empty


def profile_impact(before: pd.DataFrame, after: pd.DataFrame) -> ProfileImpact:
    """Compare the same pilots scored with two profiles (joined on pilot_id)."""
    cols = ["pilot_id", "name", "recommended", "verdict", "readiness"]
    left = before[cols].astype({"recommended": object, "verdict": object, "name": object})
    right = after[["pilot_id", "recommended", "verdict", "readiness"]].astype(
        {"recommended": object, "verdict": object}
    )
    merged = left.merge(right, on="pilot_id", suffixes=("_before", "_after"))
    rec_b = merged["recommended_before"].fillna(UNDECIDED)
    rec_a = merged["recommended_after"].fillna(UNDECIDED)
    rec_changed = (rec_b != rec_a).to_numpy()
    verdict_changed = (merged["verdict_before"] != merged["verdict_after"]).to_numpy()
    changed = merged[rec_changed | verdict_changed].copy()
    changed["recommended_before"] = rec_b[rec_changed | verdict_changed]
    changed["recommended_after"] = rec_a[rec_changed | verdict_changed]
    changed["readiness_delta"] = changed["readiness_after"] - changed["readiness_before"]
    changes = changed[
        [
            "pilot_id",
            "name",
            "recommended_before",
            "recommended_after",
            "verdict_before",
            "verdict_after",
            "readiness_before",
            "readiness_after",
            "readiness_delta",
        ]
    ].reset_index(drop=True)
    moved = merged[verdict_changed]
    transitions = (
        moved.groupby(["verdict_before", "verdict_after"]).size().rename("pilots").reset_index()
        if len(moved)
        else pd.DataFrame(columns=["verdict_before", "verdict_after", "pilots"])
    )
    transitions = transitions.sort_values("pilots", ascending=False, kind="stable").reset_index(drop=True)
    return ProfileImpact(
        changes=changes,
        pilots=len(merged),
        recommendation_changed=int(rec_changed.sum()),
        verdict_changed=int(verdict_changed.sum()),
        transitions=transitions,
    )


# --- what-if -----------------------------------------------------------------------------
# Everything a what-if can move: the decision columns, less bookkeeping.
WHAT_IF_OUTPUTS: tuple[str, ...] = tuple(
    c for c in DECISION_COLUMNS if c not in ("missing_fields", "profile", "profile_version", "profile_hash")
)
EDITABLE_FIELDS: tuple[str, ...] = tuple(
    f for f in CANONICAL_COLUMNS if f not in ("pilot_id", "name", "business_unit", "owner")
)


@dataclass(frozen=True)
class WhatIf:
    """A pilot scored as it is and with some inputs changed; nothing stored is touched."""

    original: ScoredPortfolio
    modified: ScoredPortfolio
    diff: pd.DataFrame  # what, original, what_if, changed

    @property
    def pilot_id(self) -> str:
        return str(self.original.table["pilot_id"].iloc[0])

    @property
    def verdict_changed(self) -> bool:
        return self.original.table["verdict"].iloc[0] != self.modified.table["verdict"].iloc[0]


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def what_if(pilot: pd.Series | Mapping[str, Any], changes: Mapping[str, Any], profile: Profile) -> WhatIf:
    """Score one pilot as it is and with `changes` (field → new value, None = unknown).

    Scores are absolute, so the pilot scored alone gives the same row as inside its
    portfolio. Only canonical input fields can change.
    """
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValueError(f"cannot change {', '.join(unknown)}: only scoring inputs can be changed")
    base = {name: _plain(pilot.get(name)) for name in CANONICAL_COLUMNS}
    edited = {**base, **{k: _plain(v) for k, v in changes.items()}}
    original = score(conform(pd.DataFrame([base])), profile)
    modified = score(conform(pd.DataFrame([edited])), profile)
    outputs = [*(dimension_column(d) for d in profile.dimensions), *WHAT_IF_OUTPUTS]
    rows = []
    for name in [*(f for f in EDITABLE_FIELDS if _plain(base[f]) != _plain(edited[f])), *outputs]:
        table_o, table_m = original.table, modified.table
        before = _plain(table_o[name].iloc[0])
        after = _plain(table_m[name].iloc[0])
        if isinstance(before, float) and isinstance(after, float):
            changed = not math.isclose(before, after, abs_tol=1e-9)
        else:
            changed = before != after
        rows.append({"what": name, "original": before, "what_if": after, "changed": changed})
    diff = pd.DataFrame(rows, columns=["what", "original", "what_if", "changed"])
    return WhatIf(original, modified, diff)


# --- the scoring profile in plain language ----------------------------------------------
@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[str, ...]


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def how_scoring_works(profile: Profile) -> tuple[Section, ...]:
    """How the profile scores a pilot, in plain sentences generated from the profile itself."""
    total = sum(profile.weights.values()) or 1.0
    dims = []
    for dim, fields in profile.dimensions.items():
        names = ", ".join(field_label(f) for f in fields)
        share = profile.weights[dim] / total
        dims.append(f"{dim.capitalize()} ({share:.0%} of readiness): {names}.")
    readiness = Section(
        "Readiness",
        (
            "Every 1–5 answer becomes points: 1 gives 0 and 5 gives 100. A dimension is the mean of "
            "its known answers; readiness is the weighted mean of the known dimensions. Scores are "
            "absolute: adding or removing other pilots never moves them.",
            *dims,
            "Unknown answers are not zeros: they are left out of the mean, lower the completeness "
            "figure, and any gate that needs them counts as not met (unknown).",
        ),
    )
    demand = Section(
        "What the workflow needs (demand)",
        (
            f"{OPTION_LABELS['api_pipeline']} when monthly volume is at least "
            f"{_number(profile.api_pipeline_min_volume)}.",
            f"{OPTION_LABELS['shared_workspace']} when at least {_number(profile.shared_workspace_min_users)} "
            f"people work in it or monthly volume is at least {_number(profile.shared_workspace_min_volume)}.",
            f"{OPTION_LABELS['assisted_desktop']} otherwise. When volume or users are unknown and "
            "they decide it, demand is unknown.",
        ),
    )
    gate_lines = []
    for option in OPTIONS:
        gates = profile.gates_for(option)
        rules = "; ".join(g.describe() for g in gates) if gates else "no gates"
        gate_lines.append(f"{OPTION_LABELS[option]}: {rules}.")
    supply = Section(
        "What the organisation can govern (supply)",
        (
            "An option is governable when all its gates pass and every lighter option's gates pass too.",
            *gate_lines,
        ),
    )
    order = ", then ".join(VERDICT_LABELS[v].lower() for v in profile.verdict_priority)
    verdicts = Section(
        "Recommendation and verdict",
        (
            "The recommendation is the simplest governable model: the lighter of what the workflow "
            "needs and what the organisation can govern; not ready when nothing is governable.",
            f"Verdicts are checked in this order and the first that holds wins: {order}. "
            "When the answer depends on unknown fields the verdict is needs data.",
            *(f"{VERDICT_LABELS[v]}: {VERDICT_MEANINGS[v]}." for v in profile.verdict_priority),
        ),
    )
    fit = Section(
        "Fit to each option",
        (
            f"Each fit score (0–100) is {profile.fit_gates_weight:.0%} the share of that option's gates "
            f"met (with partial credit for how close a failed gate is) and {profile.fit_demand_weight:.0%} "
            "how close the option is to what the workflow needs.",
        ),
    )
    return (readiness, demand, supply, verdicts, fit)


# --- editing and versioning profiles -----------------------------------------------------
GATE_EDITOR_COLUMNS: tuple[str, ...] = ("option", "field", "op", "value", "min_risk")


def gates_frame(profile: Profile) -> pd.DataFrame:
    """The profile's gates as an editable table (value as text, min_risk '' when none)."""
    rows = [
        {
            "option": g.option,
            "field": g.field,
            "op": g.op,
            "value": g.value if isinstance(g.value, str) else _number(float(g.value)),
            "min_risk": g.min_risk or "",
        }
        for g in profile.gates
    ]
    return pd.DataFrame(rows, columns=list(GATE_EDITOR_COLUMNS)).astype(object)


def _blank(value: Any) -> bool:
    return (
        value is None
        or value is pd.NA
        or (isinstance(value, float) and math.isnan(value))
        or str(value).strip() == ""
    )


def _gate_rows(gates: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for _, row in gates.iterrows():
        if all(_blank(row.get(c)) for c in GATE_EDITOR_COLUMNS):
            continue  # an empty row left by the editor
        gate: dict[str, Any] = {
            "option": None if _blank(row.get("option")) else str(row["option"]).strip(),
            "field": None if _blank(row.get("field")) else str(row["field"]).strip(),
            "op": ">=" if _blank(row.get("op")) else str(row["op"]).strip(),
        }
        value = row.get("value")
        if gate["field"] == "risk_level":
            gate["value"] = None if _blank(value) else str(value).strip()
        elif _blank(value):
            gate["value"] = None
        else:
            try:
                number = float(str(value).replace(",", ".").strip())
            except ValueError:
                number = str(value)
            gate["value"] = int(number) if isinstance(number, float) and number.is_integer() else number
        if gate["value"] is None:
            gate.pop("value")
        if not _blank(row.get("min_risk")):
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
    return tuple(dict.fromkeys(op for ops in GATE_OPS.values() for op in ops))


# --- the bundled sample in the store -----------------------------------------------------
def ensure_default_profile(store: PortfolioStore, profile: Profile | None = None) -> Profile:
    """Store the shipped default profile (once) and return it."""
    profile = profile or default_profile()
    stored = store.profiles()
    have = (
        stored[(stored["name"] == profile.name) & (stored["version"] == profile.version)]
        if len(stored)
        else stored
    )
    if have.empty:
        store.save_profile(profile.name, profile.version, profile.to_toml(), profile.content_hash)
    return profile


def ensure_sample_portfolio(store: PortfolioStore, data_dir: str | Path) -> list[SnapshotInfo]:
    """Import the bundled sample as two snapshots of "Sample portfolio" (previous quarter
    first), only when the store has no portfolio of that name. Returns what was imported."""
    portfolios = store.portfolios()
    if len(portfolios) and SAMPLE_PORTFOLIO in set(portfolios["portfolio"]):
        return []
    profile = default_profile()
    imported = []
    for filename in SAMPLE_FILES:
        path = Path(data_dir) / filename
        if not path.is_file():
            continue
        result = read_portfolio(path)
        imported.append(
            store.import_snapshot(
                result,
                portfolio=SAMPLE_PORTFOLIO,
                profile_name=profile.name,
                profile_version=profile.version,
                profile_hash=profile.content_hash,
                note="bundled sample",
            )
        )
    return imported


def field_help(name: str) -> str:
    """'Controls: approvals, permissions, logging and audit are in place' for a canonical field."""
    spec = FIELD_BY_NAME.get(name)
    return f"{spec.label}: {spec.meaning}" if spec else name


__all__ = [
    "EDITABLE_FIELDS",
    "FILTER_FIELDS",
    "POINT_LIMIT",
    "SAMPLE_PORTFOLIO",
    "SCORE_FIELDS",
    "VALUE_AT_STAKE_VERDICTS",
    "Headline",
    "Placement",
    "PortfolioFilter",
    "ProfileImpact",
    "Section",
    "SnapshotComparison",
    "WhatIf",
    "anonymise",
    "blocker_summary",
    "blocking_matrix",
    "compare_snapshots",
    "demand_supply_grid",
    "ensure_default_profile",
    "ensure_sample_portfolio",
    "field_help",
    "field_label",
    "filter_choices",
    "gates_frame",
    "headline",
    "how_scoring_works",
    "mode_flows",
    "next_profile_version",
    "owner_aliases",
    "pilot_aliases",
    "pilot_table",
    "placement_points",
    "profile_impact",
    "revise_profile",
    "sample_rows",
    "subset",
    "top_blockers",
    "verdict_counts",
    "verdict_trend",
    "what_if",
    "with_table",
]
