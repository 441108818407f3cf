"""`score()`: the portfolio in, one result object out, for pages, exports and the CLI alike.

`score()` runs the model's parts over the whole frame, vectorised, in order: the inputs
(inputs.py), each gate's status (gates.py), the bounds the unknowns leave and the blocker
masks, then the readiness scores (readiness.py) and fits (fit.py) beside the verdict,
recommendation and next step (recommendation.py). It returns the `ScoredPortfolio` every
reader shares (scored.py). Names that moved to those parts are re-exported here, where their
importers have always found them.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from kairo_scoring.demand import DemandCheck as DemandCheck
from kairo_scoring.fit import FIT_COLUMNS, fits
from kairo_scoring.gates import GATE_STATUS_TEXT as GATE_STATUS_TEXT
from kairo_scoring.gates import GateCheck as GateCheck
from kairo_scoring.gates import gate_statuses
from kairo_scoring.inputs import FAILED, UNKNOWN, Inputs, read_inputs
from kairo_scoring.profile import Profile, load_profile
from kairo_scoring.promotion import PathStep
from kairo_scoring.readiness import readiness_scores
from kairo_scoring.recommendation import RECOMMENDATIONS as RECOMMENDATIONS
from kairo_scoring.recommendation import DecisionBounds, decide
from kairo_scoring.recommendation import decision_bounds as decision_bounds
from kairo_scoring.recommendation import open_boxes as open_boxes
from kairo_scoring.recommendation import open_decisions as open_decisions
from kairo_scoring.schema import SCORING_INPUTS, conform
from kairo_scoring.scored import DECISION_COLUMNS, ScoredPortfolio, dimension_column
from kairo_scoring.scored import READINESS_RANGE_COLUMNS as READINESS_RANGE_COLUMNS
from kairo_scoring.text import blocker_column

# Above this many pilots the numeric scores are computed on a second thread while the
# decisions and their text are built: numpy releases the GIL, so the two overlap.
PARALLEL_FROM = 50_000
_numeric_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kairo-scores")


def score(pilots: pd.DataFrame, profile: Profile | str | None = None) -> ScoredPortfolio:
    """Score every pilot of a portfolio with `profile` (the default profile when None).

    Scores are absolute: a pilot's row depends on its own fields and the profile only.
    The work is vectorised over the whole frame; text columns are built once per
    distinct situation.
    """
    profile = load_profile(profile)
    frame = conform(pilots)
    n = len(frame)
    inputs = read_inputs(frame)
    levels = np.array([g.level for g in profile.gates], dtype=np.int8)
    status = gate_statuses(inputs, profile)  # gate-major: each gate's row is contiguous
    bounds = DecisionBounds.of(inputs, profile, status, levels)
    # What stands between a pilot and where it should be: the gates of the levels above
    # supply, up to the target (or up to the current mode when it runs heavier than that).
    top = np.maximum(bounds.d_hi, bounds.current)
    in_range = (levels[:, None] > bounds.s_lo[None, :]) & (levels[:, None] <= top[None, :])
    failed = (status == FAILED) & in_range
    unknown = (status == UNKNOWN) & in_range

    def numeric_and_blockers() -> dict:
        return {
            **_numeric_scores(inputs, profile, status, bounds),
            "blockers": blocker_column(failed, unknown, profile),
        }

    if n >= PARALLEL_FROM:
        first_half = _numeric_pool.submit(numeric_and_blockers)
        decisions = decide(inputs, profile, status, levels, bounds, failed | unknown)
        added = {**first_half.result(), **decisions}
    else:
        added = {
            **numeric_and_blockers(),
            **decide(inputs, profile, status, levels, bounds, failed | unknown),
        }
    added["profile"] = pd.Categorical.from_codes(np.zeros(n, np.int8), categories=[profile.name])
    added["profile_version"] = np.full(n, profile.version, np.int32)
    added["profile_hash"] = pd.Categorical.from_codes(np.zeros(n, np.int8), categories=[profile.content_hash])
    ordered = {c: added[c] for c in (*(dimension_column(d) for d in profile.dimensions), *DECISION_COLUMNS)}
    # Scoring an already scored table (a stored or exported one) replaces its old results
    # instead of keeping them beside the new ones as duplicate columns.
    stale = [c for c in ordered if c in frame.columns]
    if stale:
        frame = frame.drop(columns=stale)
    # copy=False: the new arrays are ours; consolidating them into one block would copy ~100 MB per million pilots.
    table = pd.concat([frame, pd.DataFrame(ordered, index=frame.index, copy=False)], axis=1)
    return ScoredPortfolio(table, status.T, profile, failed.T, unknown.T)


def _numeric_scores(inputs: Inputs, profile: Profile, status: np.ndarray, bounds: DecisionBounds) -> dict:
    """Dimension scores, readiness with its range and basis, completeness and the three fits."""
    scores = readiness_scores(inputs, profile)
    out: dict[str, object] = {dimension_column(dim): values for dim, values in scores.dimensions.items()}
    out["readiness"] = scores.readiness
    out["readiness_low"] = scores.low
    out["readiness_high"] = scores.high
    out["readiness_answers"] = scores.answers_known
    out["readiness_answers_total"] = np.full(inputs.size, scores.answers_total, np.int8)
    out["completeness"] = inputs.known_inputs * (100.0 / len(SCORING_INPUTS))
    out.update(fits(inputs, profile, status, bounds))
    return out


__all__ = [
    "DECISION_COLUMNS",
    "FIT_COLUMNS",
    "PathStep",
    "ScoredPortfolio",
    "score",
]
