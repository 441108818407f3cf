"""Blockers are decided once, in score(): the `blockers` column, the blocker summary, row
subsets and the promotion path all read the same gate masks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kairo_scoring import (
    ScoredPortfolio,
    anonymise,
    blocker_bars,
    blocker_summary,
    generate_portfolio,
    score,
    subset,
    top_blockers,
    with_table,
)
from kairo_scoring.views.blockers import blocking_matrix
from tests.scoring.helpers import ALL_FIVES, ALL_THREES, pilot


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
    failed, unknown = blocking_matrix(big)
    # pilot by pilot, gate by gate: listed in its text <=> counted, as failed or as unknown
    assert np.array_equal(failed, listed & ~listed_unknown)
    assert np.array_equal(unknown, listed_unknown)
    assert not (failed & unknown).any()
    summary = blocker_summary(big).set_index("gate").sort_index()
    value = big.table["monthly_value"].astype("float64").fillna(0.0).to_numpy()
    # a gate listed only as unknown is a question to ask: it is not counted as blocking
    assert summary["pilots_blocked"].tolist() == (listed & ~listed_unknown).sum(axis=0).tolist()
    assert summary["pilots_unknown"].tolist() == listed_unknown.sum(axis=0).tolist()
    np.testing.assert_allclose(summary["value_blocked"].to_numpy(), value @ (listed & ~listed_unknown))
    np.testing.assert_allclose(summary["value_unknown"].to_numpy(), value @ listed_unknown)
    assert summary["pilots_unknown"].sum() > 1000  # the sample holds many of both
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
    # unknown is a question to ask, not a blocker (issue 11): counted apart, never as blocked
    assert summary.loc["io_stability ≥ 4", ["pilots_blocked", "pilots_unknown"]].tolist() == [0, 1]
    assert summary.loc["controls ≥ 4", ["pilots_blocked", "pilots_unknown"]].tolist() == [1, 0]


def test_a_pilot_whose_gates_are_only_unknown_is_not_counted_as_blocked():
    # Everything at 5 but controls unknown: nothing fails, two gates wait on the answer.
    row = pilot(
        "asks",
        current_mode="none",
        monthly_volume=5000,
        users=20,
        risk_level="low",
        monthly_value=700,
        **{**ALL_FIVES, "controls": None},
    )
    scored = score(pd.DataFrame([row]))
    summary = blocker_summary(scored)
    assert summary["pilots_blocked"].sum() == 0 and summary["value_blocked"].sum() == 0.0
    assert top_blockers(summary).empty and top_blockers(summary, "value_blocked").empty
    questions = top_blockers(summary, "pilots_unknown")
    assert sorted(zip(questions["option"], questions["rule"], strict=True)) == [
        ("api_pipeline", "controls ≥ 4"),
        ("shared_workspace", "controls ≥ 3"),
    ]
    assert questions["value_unknown"].tolist() == [700.0, 700.0]
    assert top_blockers(summary, "value_unknown")["gate"].tolist() == questions["gate"].tolist()


def test_top_blockers_ranks_by_a_measure_it_has(big):
    summary = blocker_summary(big)
    for by in ("pilots_blocked", "value_blocked", "pilots_unknown", "value_unknown"):
        top = top_blockers(summary, by, n=3)
        assert len(top) == 3 and top[by].is_monotonic_decreasing and (top[by] > 0).all()
        assert top[by].iloc[0] == summary[by].max()
    with pytest.raises(ValueError, match="rank blockers by"):
        top_blockers(summary, "blocked")


def test_the_blocker_bars_say_which_part_they_show(big):
    summary = blocker_summary(big)
    for by, axis, meaning in (
        ("pilots_blocked", "Pilots blocked", "blocked: the gate fails"),
        ("value_blocked", "Monthly value blocked", "blocked: the gate fails"),
        ("pilots_unknown", "Pilots waiting on an answer", "a question to ask"),
        ("value_unknown", "Monthly value waiting on an answer", "a question to ask"),
    ):
        top = top_blockers(summary, by)
        fig = blocker_bars(top, by=by, currency="USD")
        assert fig.layout.xaxis.title.text == axis
        shown = sorted(x for trace in fig.data for x in trace.x)
        assert shown == sorted(top[by].tolist())
        assert all(meaning in trace.hovertemplate for trace in fig.data)
        pilots = "pilots_unknown" if by.endswith("unknown") else "pilots_blocked"
        hover_counts = sorted(int(c[0].split()[0].replace(",", "")) for t in fig.data for c in t.customdata)
        assert hover_counts == sorted(top[pilots].tolist())


def test_subset_and_relabelling_carry_the_masks_with_the_rows(big):
    keep = np.random.default_rng(2).random(len(big)) < 0.3
    part = subset(big, keep)
    assert np.array_equal(part.blocking_failed, big.blocking_failed[keep])
    assert np.array_equal(part.blocking_unknown, big.blocking_unknown[keep])
    listed, listed_unknown = text_masks(part)
    summary = blocker_summary(part).set_index("gate").sort_index()
    assert summary["pilots_blocked"].tolist() == (listed & ~listed_unknown).sum(axis=0).tolist()
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
