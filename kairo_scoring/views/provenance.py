"""Where values came from, as the Pilot and History pages show it: one pilot's provenance,
the answers that arrived between two snapshots (per field, per respondent, per owner), and
the completeness of a portfolio across its snapshots, split by where the known values came from.

Every function takes provenance tables as `PortfolioStore.load_provenance` returns them
(``PROVENANCE_COLUMNS``, one row per known value) and returns DataFrames.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from kairo_scoring.provenance import ANSWER_KINDS, PROVENANCE_COLUMNS, ProvenanceKind
from kairo_scoring.schema import CANONICAL_COLUMNS, SCORING_INPUTS

# What makes two provenance rows the same answer: where it came from, who gave it and when.
_SAME_ANSWER = ("pilot_id", "field", "kind", "source", "respondent", "recorded_at")
_ANSWER_KIND_VALUES = tuple(kind.value for kind in ANSWER_KINDS)
KIND_COLUMNS: tuple[str, ...] = tuple(kind.value for kind in ProvenanceKind)


def pilot_provenance(provenance: pd.DataFrame, pilot_id: str) -> pd.DataFrame:
    """One pilot's provenance in field order, indexed by field, with ``is_answer`` (True for
    assessment and app answers: a derived or register value is never shown as an answer).
    A field with no row is unknown."""
    rows = provenance[provenance["pilot_id"] == pilot_id]
    order = {name: i for i, name in enumerate(CANONICAL_COLUMNS)}
    rows = rows.iloc[rows["field"].map(order).argsort(kind="stable")]
    shown = rows[[c for c in PROVENANCE_COLUMNS if c != "pilot_id"]].set_index("field")
    return shown.assign(is_answer=shown["kind"].isin(_ANSWER_KIND_VALUES).to_numpy())


@dataclass(frozen=True)
class AnswersArrived:
    """The answers (assessment and app) in a later snapshot that an earlier one did not have.

    ``answers``: those provenance rows. ``per_field``: field, answers, pilots (fields in
    canonical order, only those answered). ``per_respondent``: respondent, answers, pilots
    (most answers first). ``per_owner``: the answered pilots' owner in the later snapshot
    (missing when the pilot has none), answers, pilots (most answers first).
    """

    answers: pd.DataFrame
    per_field: pd.DataFrame
    per_respondent: pd.DataFrame
    per_owner: pd.DataFrame

    @property
    def total(self) -> int:
        return len(self.answers)


def answers_arrived(
    before: pd.DataFrame, after: pd.DataFrame, after_pilots: pd.DataFrame | None = None
) -> AnswersArrived:
    """The answers in ``after`` (a provenance table) that ``before`` did not hold: a row of
    kind assessment or app with no identical row (same pilot, field, kind, source,
    respondent and time) in ``before``. An answer carried over unchanged does not count;
    the same value answered again does. ``after_pilots`` (the later snapshot's pilots) gives
    each answered pilot's owner for ``per_owner``."""
    answers = after[after["kind"].isin(_ANSWER_KIND_VALUES)]
    known = before[before["kind"].isin(_ANSWER_KIND_VALUES)]
    seen = pd.MultiIndex.from_frame(known[list(_SAME_ANSWER)])
    fresh = answers[~pd.MultiIndex.from_frame(answers[list(_SAME_ANSWER)]).isin(seen)].reset_index(drop=True)

    per_field = _counts(fresh, "field")
    order = {name: i for i, name in enumerate(CANONICAL_COLUMNS)}
    per_field = per_field.iloc[per_field["field"].map(order).argsort(kind="stable")].reset_index(drop=True)
    owners = pd.Series(pd.NA, index=fresh.index, dtype="string")
    if after_pilots is not None and len(fresh):
        by_id = after_pilots.drop_duplicates("pilot_id").set_index("pilot_id")["owner"]
        owners = fresh["pilot_id"].map(by_id).astype("string")
    per_owner = _counts(fresh.assign(owner=owners.to_numpy()), "owner", most_first=True)
    return AnswersArrived(fresh, per_field, _counts(fresh, "respondent", most_first=True), per_owner)


def _counts(rows: pd.DataFrame, by: str, *, most_first: bool = False) -> pd.DataFrame:
    grouped = rows.groupby(by, dropna=False, sort=True)
    counts = pd.DataFrame(
        {
            by: pd.array(list(grouped.groups), dtype="string") if len(rows) else pd.array([], dtype="string"),
            "answers": pd.array(grouped.size().to_numpy(), dtype="int64"),
            "pilots": pd.array(grouped["pilot_id"].nunique().to_numpy(), dtype="int64"),
        }
    )
    if most_first:
        counts = counts.sort_values(["answers", by], ascending=[False, True], kind="stable")
    return counts.reset_index(drop=True)


def completeness_trend(provenance_by_snapshot: Mapping[int, pd.DataFrame]) -> pd.DataFrame:
    """Per snapshot (in the order given, e.g. oldest first): ``snapshot_id``, ``pilots``,
    ``known_inputs`` (scoring inputs known, over all pilots), ``completeness`` (their share
    of all scoring inputs, 0–100: the mean of the pilots' ``completeness`` that scoring
    reports), and the known scoring inputs by where they came from: ``register``,
    ``derived``, ``assessment``, ``app``."""
    rows = []
    for snapshot_id, provenance in provenance_by_snapshot.items():
        pilots = int(provenance["pilot_id"].nunique())
        inputs = provenance[provenance["field"].isin(SCORING_INPUTS)]
        by_kind = inputs["kind"].value_counts()
        possible = pilots * len(SCORING_INPUTS)
        rows.append(
            {
                "snapshot_id": int(snapshot_id),
                "pilots": pilots,
                "known_inputs": len(inputs),
                "completeness": 100.0 * len(inputs) / possible if possible else float("nan"),
                **{kind: int(by_kind.get(kind, 0)) for kind in KIND_COLUMNS},
            }
        )
    columns = ["snapshot_id", "pilots", "known_inputs", "completeness", *KIND_COLUMNS]
    trend = pd.DataFrame(rows, columns=columns)
    return trend.astype({c: "int64" for c in columns if c != "completeness"} | {"completeness": "float64"})
