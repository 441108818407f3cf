"""Snapshot comparison, profile impact, what-if, profile text and the sample bootstrap."""

from __future__ import annotations

import pandas as pd
import pytest

from kairo_scoring import (
    SAMPLE_PORTFOLIO,
    PortfolioStore,
    ProfileError,
    compare_snapshots,
    default_profile,
    ensure_default_profile,
    ensure_sample_portfolio,
    gates_frame,
    how_scoring_works,
    next_profile_version,
    profile_impact,
    revise_profile,
    score,
    verdict_trend,
    what_if,
)
from tests.portfolio.fixtures import four_pilots, scored_four

DATA = __import__("pathlib").Path(__file__).resolve().parents[2] / "data"


def _frame(rows):
    return pd.DataFrame(
        rows, columns=["pilot_id", "name", "recommended", "verdict", "readiness", "monthly_value"]
    )


def test_compare_snapshots_by_hand():
    before = _frame(
        [
            ("P1", "One", "assisted_desktop", "promote", 50.0, 10.0),
            ("P2", "Two", "api_pipeline", "hold", 80.0, 20.0),
            ("P3", "Three", None, "needs_data", 40.0, 5.0),
            ("P4", "Four", "not_ready", "not_ready", 20.0, 1.0),
        ]
    )
    after = _frame(
        [
            ("P1", "One", "shared_workspace", "promote", 62.5, 10.0),
            ("P2", "Two", "shared_workspace", "at_risk", 70.0, 20.0),
            ("P3", "Three", "assisted_desktop", "promote", 45.0, 5.0),
            ("P5", "Five", "assisted_desktop", "hold", 55.0, 7.0),
        ]
    )
    comparison = compare_snapshots(before, after)
    movement = comparison.pilots.set_index("pilot_id")["movement"].to_dict()
    assert movement == {"P1": "promoted", "P2": "slipped", "P3": "undecided", "P4": "removed", "P5": "added"}
    assert comparison.counts() == {
        "promoted": 1,
        "slipped": 1,
        "added": 1,
        "removed": 1,
        "unchanged": 0,
        "undecided": 1,
    }
    assert comparison.readiness_deltas.tolist() == [12.5, -10.0, 5.0]
    assert comparison.of("removed")["name"].tolist() == ["Four"]


def test_verdict_trend_lists_every_verdict_per_snapshot():
    scored = scored_four()
    trend = verdict_trend([("Q1", scored.table.head(2)), ("Q2", scored.table)])
    assert len(trend) == 14
    q2 = trend[trend["snapshot"] == "Q2"].set_index("verdict")["pilots"]
    assert q2["hold"] == 1 and q2["at_risk"] == 1 and q2["simplify"] == 0
    assert trend[trend["snapshot"] == "Q1"]["pilots"].sum() == 2


def test_profile_impact_of_a_higher_pipeline_threshold():
    base = default_profile()
    stricter = revise_profile(base, name="default", version=2, demand={"api_pipeline_min_volume": 6000})
    impact = profile_impact(score(four_pilots(), base).table, score(four_pilots(), stricter).table)
    # A (5,000 a month, 20 users) now only needs a shared workspace: it runs heavier than it needs.
    assert impact.pilots == 4
    assert impact.recommendation_changed == 1
    assert impact.verdict_changed == 1
    row = impact.changes.iloc[0]
    assert (row["pilot_id"], row["recommended_before"], row["recommended_after"]) == (
        "A",
        "api_pipeline",
        "shared_workspace",
    )
    assert (row["verdict_before"], row["verdict_after"]) == ("hold", "simplify")
    assert impact.transitions.to_dict("records") == [
        {"verdict_before": "hold", "verdict_after": "simplify", "pilots": 1}
    ]


def test_what_if_flips_a_verdict_and_leaves_the_input_alone():
    scored = scored_four()
    pilot = scored.pilot("C")
    raised = {
        f: 4 for f in ("process_maturity", "io_stability", "exception_governance", "controls", "ownership")
    }
    result = what_if(pilot, raised, scored.profile)
    assert result.verdict_changed
    assert result.original.table["verdict"].iloc[0] == "at_risk"
    assert result.modified.table["verdict"].iloc[0] == "hold"
    diff = result.diff.set_index("what")
    assert diff.loc["controls", "original"] == 3 and diff.loc["controls", "what_if"] == 4
    assert diff.loc["supply_level", "what_if"] == 3 and diff.loc["supply_level", "changed"]
    assert not diff.loc["demand", "changed"]
    # scored alone, the pilot gives the same row as inside its portfolio
    assert result.original.table["readiness"].iloc[0] == pytest.approx(pilot["readiness"])
    assert pilot["controls"] == 3  # the input row is untouched
    with pytest.raises(ValueError, match="pilot_id"):
        what_if(pilot, {"pilot_id": "X"}, scored.profile)


def test_how_scoring_works_is_generated_from_the_profile():
    base = default_profile()
    text = " ".join(p for s in how_scoring_works(base) for p in s.paragraphs)
    assert "monthly volume is at least 2,000" in text
    assert "Governance (30% of readiness)" in text
    changed = revise_profile(base, name="custom", version=1, demand={"api_pipeline_min_volume": 750})
    assert "monthly volume is at least 750" in " ".join(
        p for s in how_scoring_works(changed) for p in s.paragraphs
    )


def test_revise_profile_from_edited_gates():
    base = default_profile()
    gates = gates_frame(base)
    assert list(gates.columns) == ["option", "field", "op", "value", "min_risk"]
    gates.loc[len(gates)] = ["shared_workspace", "value_evidence", ">=", "4", ""]
    gates.loc[len(gates)] = [None, None, None, None, None]  # an empty row the editor leaves
    revised = revise_profile(base, name="stricter", version=1, gates=gates)
    assert len(revised.gates) == len(base.gates) + 1
    assert revised.gates[-1].value == 4 and revised.gates[-1].option == "shared_workspace"
    assert (
        revise_profile(base, name="default", version=2, gates=gates_frame(base)).content_hash
        == base.content_hash
    )
    bad = gates_frame(base)
    bad.loc[0, "value"] = "9"
    with pytest.raises(ProfileError, match="gates\\[0\\].value"):
        revise_profile(base, name="x", version=1, gates=bad)


def test_next_profile_version():
    stored = pd.DataFrame({"name": ["default", "default", "other"], "version": [1, 3, 1]})
    assert next_profile_version(stored, "default") == 4
    assert next_profile_version(stored, "new") == 1
    assert next_profile_version(stored.iloc[0:0], "default") == 1


def test_sample_bootstrap_imports_two_snapshots_once(tmp_path):
    with PortfolioStore(tmp_path / "store.duckdb") as store:
        shipped = default_profile()
        assert ensure_default_profile(store, shipped) is shipped
        first = ensure_sample_portfolio(store, DATA, shipped)
        assert [i.source_name for i in first] == [
            "sample_portfolio_previous_quarter.xlsx",
            "sample_portfolio.xlsx",
        ]
        assert [i.pilots for i in first] == [77, 80]
        assert ensure_sample_portfolio(store, DATA, shipped) == []
        assert store.snapshots(SAMPLE_PORTFOLIO)["snapshot_id"].tolist() == [
            first[1].snapshot_id,
            first[0].snapshot_id,
        ]
        ensure_default_profile(store, shipped)
        assert store.profiles()[["name", "version"]].values.tolist() == [["default", 1]]
