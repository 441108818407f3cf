"""Hand-computed expectations for named pilots: every verdict and every kind of gate rule."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kairo_scoring.scoring import score
from tests.scoring.helpers import ALL_FIVES, ALL_THREES, pilot

NAMED_PILOTS = [
    # current assisted, demand assisted, supply workspace (api gates fail at 3 < 4): right-sized.
    pilot("hold_assisted", current_mode="assisted_desktop", monthly_volume=100, users=3, risk_level="low", **ALL_THREES),
    # still a pilot, 12 users make it a workspace case, and workspace gates pass.
    pilot("promote_workspace", current_mode="none", monthly_volume=150, users=12, risk_level="medium", **ALL_THREES),
    # 5,000 a month wants a pipeline; it can govern a workspace now: promote, with pipeline gates left.
    pilot("promote_partial", current_mode="assisted_desktop", monthly_volume=5000, users=20, risk_level="low", **ALL_THREES),
    # already on a workspace, wants a pipeline, cannot govern one yet.
    pilot("build_readiness", current_mode="shared_workspace", monthly_volume=5000, users=20, risk_level="low", **ALL_THREES),
    # an API pipeline for 40 cases a month.
    pilot("simplify_pipeline", current_mode="api_pipeline", monthly_volume=40, users=2, risk_level="low", **ALL_FIVES),
    # risk high ⇒ controls ≥ 5 for a pipeline; it has 4 and runs as a pipeline.
    pilot("at_risk_high", current_mode="api_pipeline", monthly_volume=5000, users=30, risk_level="high", **{**ALL_FIVES, "controls": 4}),
    # risk critical ⇒ controls ≥ 3 even for assisted desktop; controls 2 ⇒ nothing governable.
    pilot("not_ready_critical", current_mode="none", monthly_volume=50, users=2, risk_level="critical", **{**ALL_THREES, "controls": 2, "value_evidence": 4}),
    # the same pilot at low risk: the critical-only gate does not apply.
    pilot("promote_low_risk", current_mode="none", monthly_volume=50, users=2, risk_level="low", **{**ALL_THREES, "controls": 2, "value_evidence": 4}),
    # risk critical ⇒ exception_governance ≥ 5 for a pipeline.
    pilot("at_risk_critical_eg", current_mode="api_pipeline", monthly_volume=3000, users=30, risk_level="critical", **{**ALL_FIVES, "exception_governance": 4}),
    # value_evidence ≥ 3 is an assisted gate.
    pilot("not_ready_value", current_mode="none", monthly_volume=100, users=2, risk_level="low", **{**ALL_THREES, "value_evidence": 2}),
    # volume unknown: demand could be assisted (hold) or more (promote): the decision hinges on it.
    pilot("needs_volume", current_mode="assisted_desktop", users=3, risk_level="low", **ALL_THREES),
    # ownership unknown: an assisted gate; governable or not decides promote vs not_ready.
    pilot("needs_ownership", current_mode="none", monthly_volume=100, users=2, risk_level="low", **{**ALL_THREES, "ownership": None, "value_evidence": 4}),
    # risk unknown with controls 2: the critical-only gate is unknown.
    pilot("needs_risk", current_mode="none", monthly_volume=100, users=2, **{**ALL_THREES, "controls": 2, "value_evidence": 4}),
    # unknown workspace/pipeline fields do not matter for an assisted-demand pilot: still decided.
    pilot("promote_despite_unknowns", current_mode="none", monthly_volume=100, users=2, risk_level="low", process_maturity=3, ownership=3, value_evidence=4, controls=3),
    # a right-sized pipeline at high risk with controls 5.
    pilot("hold_pipeline", current_mode="api_pipeline", monthly_volume=12000, users=25, risk_level="high", **ALL_FIVES),
    # runs on desktops with nothing governable: at_risk outranks not_ready.
    pilot("at_risk_desktop", current_mode="assisted_desktop", monthly_volume=100, users=2, risk_level="low", **{**ALL_THREES, "value_evidence": 2}),
]  # fmt: skip

# pilot_id: (verdict, demand, supply_level, recommended, target)
EXPECTED_DECISIONS = {
    "hold_assisted": ("hold", "assisted_desktop", 2, "assisted_desktop", "assisted_desktop"),
    "promote_workspace": ("promote", "shared_workspace", 2, "shared_workspace", "shared_workspace"),
    "promote_partial": ("promote", "api_pipeline", 2, "shared_workspace", "api_pipeline"),
    "build_readiness": ("build_readiness", "api_pipeline", 2, "shared_workspace", "api_pipeline"),
    "simplify_pipeline": ("simplify", "assisted_desktop", 3, "assisted_desktop", "assisted_desktop"),
    "at_risk_high": ("at_risk", "api_pipeline", 2, "shared_workspace", "api_pipeline"),
    "not_ready_critical": ("not_ready", "assisted_desktop", 0, "not_ready", "assisted_desktop"),
    "promote_low_risk": ("promote", "assisted_desktop", 1, "assisted_desktop", "assisted_desktop"),
    "at_risk_critical_eg": ("at_risk", "api_pipeline", 2, "shared_workspace", "api_pipeline"),
    "not_ready_value": ("not_ready", "assisted_desktop", 0, "not_ready", "assisted_desktop"),
    # Undecided, not not_ready: the unknowns leave the recommendation open (bounds below).
    "needs_volume": ("needs_data", None, 2, "undecided", None),
    "needs_ownership": ("needs_data", "assisted_desktop", 0, "undecided", "assisted_desktop"),
    "needs_risk": ("needs_data", "assisted_desktop", 0, "undecided", "assisted_desktop"),
    "promote_despite_unknowns": ("promote", "assisted_desktop", 1, "assisted_desktop", "assisted_desktop"),
    "hold_pipeline": ("hold", "api_pipeline", 3, "api_pipeline", "api_pipeline"),
    "at_risk_desktop": ("at_risk", "assisted_desktop", 0, "not_ready", "assisted_desktop"),
}


@pytest.fixture(scope="module")
def scored():
    return score(pd.DataFrame(NAMED_PILOTS))


def _value(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else v


@pytest.mark.parametrize("pilot_id", list(EXPECTED_DECISIONS))
def test_named_pilot_decision(scored, pilot_id):
    row = scored.pilot(pilot_id)
    got = tuple(_value(row[c]) for c in ("verdict", "demand", "supply_level", "recommended", "target"))
    assert got == EXPECTED_DECISIONS[pilot_id]


# pilot_id: (recommended_lightest, recommended_heaviest) for the undecided; decided pilots have both
# equal to their recommendation.
EXPECTED_BOUNDS = {
    "needs_volume": ("assisted_desktop", "shared_workspace"),
    "needs_ownership": ("not_ready", "assisted_desktop"),
    "needs_risk": ("not_ready", "assisted_desktop"),
}


@pytest.mark.parametrize("pilot_id", list(EXPECTED_DECISIONS))
def test_named_pilot_recommendation_bounds(scored, pilot_id):
    row = scored.pilot(pilot_id)
    recommended = EXPECTED_DECISIONS[pilot_id][3]
    expected = EXPECTED_BOUNDS.get(pilot_id, (recommended, recommended))
    assert (row["recommended_lightest"], row["recommended_heaviest"]) == expected


def test_every_verdict_is_covered():
    verdicts = {v[0] for v in EXPECTED_DECISIONS.values()}
    assert verdicts == {
        "at_risk",
        "not_ready",
        "simplify",
        "promote",
        "build_readiness",
        "hold",
        "needs_data",
    }


def test_missing_fields_name_what_the_decision_hinges_on(scored):
    table = scored.table.set_index("pilot_id")
    assert table.loc["needs_volume", "missing_fields"] == "monthly_volume"
    assert table.loc["needs_ownership", "missing_fields"] == "ownership"
    assert table.loc["needs_risk", "missing_fields"] == "risk_level"
    assert table.loc["promote_despite_unknowns", "missing_fields"] == ""
    # next steps name fields by their labels (issue 9); missing_fields keeps the codes
    assert table.loc["needs_volume", "next_step"] == "Fill in monthly volume: the decision depends on them."


def test_blockers_list_the_gates_between_supply_and_target(scored):
    table = scored.table.set_index("pilot_id")
    assert table.loc["promote_partial", "blockers"] == (
        "api_pipeline: process_maturity ≥ 4, io_stability ≥ 4, exception_governance ≥ 4, controls ≥ 4, ownership ≥ 4"
    )
    assert table.loc["at_risk_high", "blockers"] == "api_pipeline: controls ≥ 5 when risk ≥ high"
    assert (
        table.loc["not_ready_critical", "blockers"] == "assisted_desktop: controls ≥ 3 when risk is critical"
    )
    assert table.loc["at_risk_critical_eg", "blockers"] == (
        "api_pipeline: exception_governance ≥ 5 when risk is critical"
    )
    assert table.loc["needs_ownership", "blockers"] == "assisted_desktop: ownership ≥ 2 (unknown)"
    assert table.loc["hold_assisted", "blockers"] == ""
    assert table.loc["simplify_pipeline", "blockers"] == ""


def test_next_steps_are_actionable_sentences(scored):
    table = scored.table.set_index("pilot_id")
    assert table.loc["hold_assisted", "next_step"] == (
        "Right-sized as an assisted desktop workflow: keep running it and monitor."
    )
    assert table.loc["promote_workspace", "next_step"] == "Move to a shared AI workspace now."
    assert table.loc["simplify_pipeline", "next_step"] == (
        "Runs heavier than it needs: move from an API workflow pipeline to an assisted desktop workflow."
    )
    assert table.loc["build_readiness", "next_step"] == (
        "Stay on a shared AI workspace; to reach an API workflow pipeline it needs "
        "process maturity at least 4 (and 4 more gates)."
    )
    assert table.loc["at_risk_desktop", "next_step"] == (
        "Runs as an assisted desktop workflow but cannot govern any option yet: "
        "meet value evidence at least 3 first, or pause it."
    )
    assert table.loc["at_risk_high", "next_step"] == (
        "Runs as an API workflow pipeline but can govern only a shared AI workspace: "
        "meet controls at least 5 when risk is high or above first, or step back to a shared AI workspace."
    )


def test_readiness_is_the_weighted_mean_of_known_dimensions():
    fields = dict(process_maturity=4, io_stability=2, exception_governance=3, ownership=5, controls=1,
                  shared_assets=2, integration_readiness=4, value_evidence=5)  # fmt: skip
    frame = pd.DataFrame(
        [
            pilot("all_known", **fields),
            pilot("io_unknown", **{**fields, "io_stability": None}),
            pilot("standards_unknown", **{**fields, "shared_assets": None}),
            pilot("nothing_known"),
        ]
    )
    table = score(frame).table.set_index("pilot_id")
    # workflow (75+25)/2=50, governance (50+100+0)/3=50, standards 25, integration 75, value 100
    assert table.loc["all_known", "score_workflow"] == pytest.approx(50.0)
    assert table.loc["all_known", "score_governance"] == pytest.approx(50.0)
    assert table.loc["all_known", "readiness"] == pytest.approx(
        0.25 * 50 + 0.30 * 50 + 0.15 * 25 + 0.15 * 75 + 0.15 * 100
    )
    assert table.loc["io_unknown", "score_workflow"] == pytest.approx(75.0)
    assert table.loc["io_unknown", "readiness"] == pytest.approx(63.75)
    assert table.loc["standards_unknown", "readiness"] == pytest.approx(53.75 / 0.85)
    assert math.isnan(table.loc["nothing_known", "readiness"])
    assert table.loc["nothing_known", "completeness"] == 0
    assert table.loc["io_unknown", "completeness"] == pytest.approx(100 * 7 / 12)


def test_fits_by_hand(scored):
    row = scored.pilot("hold_assisted")
    assert row["fit_assisted"] == pytest.approx(100.0)
    assert row["fit_workspace"] == pytest.approx(80.0)  # all 7 gates met, one level from demand
    # pipeline: 5 gates at 3 of 4 earn 0.75*(2/3)=0.5 each, 3 met → (7 + 5.5) / 15, two levels away
    assert row["fit_pipeline"] == pytest.approx(100 * 0.6 * 12.5 / 15)


def test_completeness_counts_known_scoring_inputs(scored):
    assert scored.pilot("promote_despite_unknowns")["completeness"] == pytest.approx(100 * 8 / 12)
    assert scored.pilot("hold_assisted")["completeness"] == pytest.approx(100.0)


def test_contributions_sum_to_each_score(scored):
    contributions = scored.contributions()
    sums = contributions.groupby(["pilot_id", "score"])["contribution"].sum()
    table = scored.table.set_index("pilot_id")
    for (pilot_id, score_name), total in sums.items():
        column = "readiness" if score_name == "readiness" else f"score_{score_name}"
        expected = table.loc[pilot_id, column]
        assert total == pytest.approx(0.0 if math.isnan(expected) else expected)


def test_gate_checklist_reports_met_failed_unknown_and_not_applicable(scored):
    checklist = scored.gate_checklist("needs_risk").set_index("rule")
    assert checklist.loc["controls ≥ 3 when risk is critical", "status"] == "unknown"
    assert checklist.loc["value_evidence ≥ 3", "status"] == "met"
    hold = scored.gate_checklist("hold_assisted").set_index("rule")
    assert hold.loc["controls ≥ 5 when risk ≥ high", "status"] == "not applicable"
    assert hold.loc["process_maturity ≥ 4", "status"] == "not met"
    assert hold.loc["process_maturity ≥ 4", "current"] == 3


def test_promotion_path_steps_and_blocking_gates(scored):
    path = scored.promotion_path("promote_partial")
    assert [(s.from_mode, s.to_mode, s.kind) for s in path] == [
        ("assisted_desktop", "shared_workspace", "promote"),
        ("shared_workspace", "api_pipeline", "promote"),
    ]
    assert path[0].ready
    assert [(g.field, g.current, g.required) for g in path[1].blocking] == [
        ("process_maturity", 3, "≥ 4"),
        ("io_stability", 3, "≥ 4"),
        ("exception_governance", 3, "≥ 4"),
        ("controls", 3, "≥ 4"),
        ("ownership", 3, "≥ 4"),
    ]
    at_risk = scored.promotion_path("at_risk_high")
    assert [(s.kind, [g.field for g in s.blocking]) for s in at_risk] == [("fix", ["controls"])]
    simplify = scored.promotion_path("simplify_pipeline")
    assert [(s.from_mode, s.to_mode, s.kind) for s in simplify] == [
        ("api_pipeline", "assisted_desktop", "simplify")
    ]
    assert scored.promotion_path("hold_pipeline") == ()


def test_result_records_the_profile(scored):
    table = scored.table
    assert set(table["profile"]) == {"default"}
    assert set(table["profile_version"]) == {1}
    assert set(table["profile_hash"]) == {scored.profile.content_hash}


def test_out_of_range_and_unknown_enum_values_count_as_unknown():
    frame = pd.DataFrame(
        [pilot("odd", current_mode="mainframe", risk_level="extreme", controls=9, monthly_volume=-5, users=0)]
    )
    row = score(frame).table.iloc[0]
    assert row["completeness"] == 0
    assert row["verdict"] == "needs_data"


def test_empty_portfolio_scores_to_an_empty_table():
    result = score(pd.DataFrame(columns=["pilot_id", "name"]))
    assert len(result.table) == 0
    assert "verdict" in result.table.columns
