"""Blockers are decided once, in score(): the `blockers` column, the blocker summary, row
subsets and the promotion path all read the same gate masks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kairo_scoring import (
    ScoredPortfolio,
    anonymise,
    blocker_summary,
    generate_portfolio,
    score,
    subset,
    with_table,
)
from kairo_scoring.views.blockers import blocking_matrix
from tests.scoring.helpers import ALL_THREES, pilot


def text_masks(scored: ScoredPortfolio) -> tuple[np.ndarray, np.ndarray]:
    """(listed, listed as unknown) per (pilot, gate), read back from the `blockers` text."""
    gates = scored.profile.gates
    for gate in gates:  # the parse below relies on rules holding no separator
        assert ", " not in gate.describe() and "; " not in gate.describe()
    lookup = {}
    for j, gate in enumerate(gates):
        lookup[(gate.option, gate.describe())] = (j, False)
        lookup[(gate.option, f"{gate.describe()} (unknown)")] = (j, True)
    column = scored.table["blockers"].astype("category")
    per_text = np.zeros((len(column.cat.categories), 2, len(gates)), bool)
    for k, text in enumerate(column.cat.categories):
        for part in filter(None, str(text).split("; ")):
            option, rules = part.split(": ", 1)
            for rule in rules.split(", "):
                j, unknown = lookup[(option, rule)]
                per_text[k, 0, j] = True
                per_text[k, 1, j] = unknown
    codes = column.cat.codes.to_numpy()
    return per_text[codes, 0], per_text[codes, 1]


@pytest.fixture(scope="module")
def big():
    return score(generate_portfolio(20_000, seed=5, unknown_rate=0.1))


def test_every_gate_in_a_pilots_blockers_text_is_what_the_summary_counts(big):
    listed, listed_unknown = text_masks(big)
    blocked, unknown = blocking_matrix(big)
    # pilot by pilot, gate by gate: listed in its text <=> counted
    assert np.array_equal(blocked, listed)
    assert np.array_equal(unknown, listed_unknown)
    summary = blocker_summary(big).set_index("gate").sort_index()
    value = big.table["monthly_value"].astype("float64").fillna(0.0).to_numpy()
    assert summary["pilots_blocked"].tolist() == listed.sum(axis=0).tolist()
    assert summary["pilots_unknown"].tolist() == listed_unknown.sum(axis=0).tolist()
    np.testing.assert_allclose(summary["value_blocked"].to_numpy(), value @ listed)
    # the portfolio holds the case that used to disagree: demand open below a pipeline
    target_open = big.table["target"].isna().to_numpy()
    assert target_open.sum() > 100


def test_a_small_pilot_with_users_unknown_is_not_counted_against_pipeline_gates():
    # volume 10 with users unknown: an assisted desktop or a shared workspace, never a pipeline.
    scored = score(
        pd.DataFrame([pilot("small", current_mode="none", monthly_volume=10, risk_level="low", **ALL_THREES)])
    )
    assert scored.table["blockers"].iloc[0] == ""
    assert blocker_summary(scored)["pilots_blocked"].sum() == 0


def test_the_masks_keep_a_failed_gate_apart_from_an_unknown_one():
    row = pilot(
        "mixed",
        current_mode="shared_workspace",
        monthly_volume=5000,
        users=20,
        risk_level="low",
        **{**ALL_THREES, "io_stability": None},
    )
    scored = score(pd.DataFrame([row]))
    rules = [g.describe() for g in scored.profile.gates]
    failed = {rules[j] for j in np.flatnonzero(scored.blocking_failed[0])}
    unknown = {rules[j] for j in np.flatnonzero(scored.blocking_unknown[0])}
    assert failed == {"process_maturity ≥ 4", "exception_governance ≥ 4", "controls ≥ 4", "ownership ≥ 4"}
    assert unknown == {"io_stability ≥ 4"}
    assert np.array_equal(scored.blocking, scored.blocking_failed | scored.blocking_unknown)
    summary = blocker_summary(scored).set_index("rule")
    assert summary.loc["io_stability ≥ 4", ["pilots_blocked", "pilots_unknown"]].tolist() == [1, 1]
    assert summary.loc["controls ≥ 4", ["pilots_blocked", "pilots_unknown"]].tolist() == [1, 0]


def test_subset_and_relabelling_carry_the_masks_with_the_rows(big):
    keep = np.random.default_rng(2).random(len(big)) < 0.3
    part = subset(big, keep)
    assert np.array_equal(part.blocking_failed, big.blocking_failed[keep])
    assert np.array_equal(part.blocking_unknown, big.blocking_unknown[keep])
    listed, listed_unknown = text_masks(part)
    summary = blocker_summary(part).set_index("gate").sort_index()
    assert summary["pilots_blocked"].tolist() == listed.sum(axis=0).tolist()
    assert summary["pilots_unknown"].tolist() == listed_unknown.sum(axis=0).tolist()
    shown = with_table(part, anonymise(part.table))
    assert np.array_equal(shown.blocking_failed, part.blocking_failed)
    assert np.array_equal(shown.blocking_unknown, part.blocking_unknown)
    pd.testing.assert_frame_equal(blocker_summary(shown), blocker_summary(part))


def test_a_result_whose_masks_do_not_match_its_rows_is_refused(big):
    with pytest.raises(ValueError, match="mask"):
        ScoredPortfolio(
            big.table.head(10), big.gate_status[:10], big.profile, big.blocking_failed, big.blocking_unknown
        )


def test_the_promotion_path_blocks_on_the_same_gates(big):
    table = big.table
    # demand open but known to stay below a pipeline (volume known, users unknown)
    open_target = np.flatnonzero((table["target"].isna() & table["monthly_volume"].notna()).to_numpy())[:300]
    assert len(open_target) > 50
    others = np.random.default_rng(4).choice(len(table), 200, replace=False)
    gate_of = {(g.option, g.describe()): j for j, g in enumerate(big.profile.gates)}
    listed, _ = text_masks(big)
    for i in np.union1d(open_target, others):
        path = big.promotion_path(str(table["pilot_id"].iloc[i]))
        on_path = {gate_of[(c.option, c.rule)] for step in path for c in step.blocking}
        assert on_path == set(np.flatnonzero(listed[i])), table.iloc[i]["pilot_id"]
        assert on_path == set(np.flatnonzero(big.blocking[i]))
