"""Fit agrees with the recommendation, and stays monotone (issue 11).

The definition (README "Fit to each option"): fit = gates_weight x gate progress +
demand_weight x demand credit. Gate progress never exceeds a lighter option's; an option
heavier than what the pilot can surely govern earns no more demand credit than the
heaviest one it can govern. What must hold:
- a decided recommendation has the highest fit, a tie going to the simpler option;
- an undecided one has its highest fit between its lightest and heaviest options;
- not_ready: the assisted desktop fits best and no fit has demand credit;
- raising an answer or lowering the risk never lowers a fit (the model's invariant),
  and answering an unknown 1-5 field or the risk never lowers one either.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kairo_scoring.intake.pipeline import read_portfolio
from kairo_scoring.profile import Profile, default_profile, profile_from_dict
from kairo_scoring.schema import OPTION_LEVEL, OPTIONS, RISK_LEVELS, SCORE_FIELDS
from kairo_scoring.scoring import FIT_COLUMNS, score
from kairo_scoring.synthetic import generate_portfolio
from tests.conftest import REPO
from tests.scoring.helpers import ALL_FIVES, level, pilot, portfolios, score_one

FITS = list(FIT_COLUMNS.values())
SAMPLE = REPO / "data" / "sample_portfolio.xlsx"


def top_fit_level(table: pd.DataFrame) -> np.ndarray:
    """The level of the option with the highest fit; a tie goes to the simpler option."""
    return table[FITS].to_numpy(float).argmax(axis=1) + 1  # argmax takes the first of equals


def disagreements(table: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """The rows whose highest fit is not where the recommendation says it should be."""
    top = top_fit_level(table)
    recommended = table["recommended"].astype(str).to_numpy()
    lightest = np.array([level(v) for v in table["recommended_lightest"].astype(str)])
    heaviest = np.array([level(v) for v in table["recommended_heaviest"].astype(str)])
    decided = np.isin(recommended, OPTIONS)
    rec_level = np.array([OPTION_LEVEL.get(v, 0) for v in recommended])
    agree = np.where(decided, top == rec_level, (np.maximum(lightest, 1) <= top) & (top <= heaviest))
    not_ready = recommended == "not_ready"
    no_demand_credit = table[FITS].to_numpy(float).max(axis=1) <= 100 * profile.fit_gates_weight + 1e-9
    agree[not_ready] = (top[not_ready] == 1) & no_demand_credit[not_ready]
    return table.loc[
        ~agree, ["pilot_id", "recommended", "recommended_lightest", "recommended_heaviest", *FITS]
    ]


def sample_pilots() -> pd.DataFrame:
    return read_portfolio(SAMPLE).pilots


# ---------------------------------------------------------------- agreement


def test_no_sample_pilot_has_its_highest_fit_on_another_option():
    # Before: 40 of the 80 (11 decided ones, all 20 not ready, all 9 undecided).
    profile = default_profile()
    table = score(sample_pilots(), profile).table
    assert len(table) == 80
    assert disagreements(table, profile).empty


def test_a_pilot_needing_a_pipeline_but_governing_only_a_desktop_fits_the_desktop_best():
    # KP-038 in the sample: demand API pipeline, supply assisted desktop; it had pipeline fit
    # 92.5 against desktop 60. The pipeline's demand credit is now capped at the desktop's (0).
    row = score(sample_pilots()).pilot("KP-038")
    assert (row["demand"], row["supply_level"], row["recommended"]) == ("api_pipeline", 1, "assisted_desktop")
    assert row["fit_assisted"] == pytest.approx(60.0)  # every desktop gate met, two levels below demand
    # The heavier ones: 60 x their gate progress (below 1), and no demand credit.
    assert row["fit_workspace"] < 60.0 and row["fit_pipeline"] < 60.0


def test_fits_by_hand_for_a_supply_limited_pilot():
    # Needs a pipeline (volume 5,000), governs a workspace: controls 3 fails the pipeline's 4.
    fields = {**ALL_FIVES, "controls": 3}
    row = score_one(pilot("p", **fields, risk_level="low", monthly_volume=5000, users=20))
    assert (row["recommended"], row["supply_level"]) == ("shared_workspace", 2)
    assert row["fit_assisted"] == pytest.approx(60.0)  # 60 x 1 + 40 x 0 (two levels from demand)
    assert row["fit_workspace"] == pytest.approx(80.0)  # 60 x 1 + 40 x 0.5
    # Pipeline: 14 gates met and controls 3 of 4 earns 0.75 x 2/3 = 0.5 → 14.5 / 15;
    # its demand credit 1 is capped at the workspace's 0.5.
    assert row["fit_pipeline"] == pytest.approx(60 * 14.5 / 15 + 20)
    assert row["fit_pipeline"] < row["fit_workspace"]


def test_gate_progress_never_exceeds_a_lighter_options():
    # Value evidence 1 fails the desktop (credit 0): every heavier option is held to the
    # desktop's progress (3 of 4 gates), although its own gates are all met.
    fields = {**ALL_FIVES, "value_evidence": 1}
    row = score_one(pilot("p", **fields, risk_level="low", monthly_volume=5000, users=20))
    assert row["recommended"] == "not_ready"
    assert row["fit_assisted"] == pytest.approx(60 * 3 / 4)
    assert row["fit_workspace"] == pytest.approx(60 * 3 / 4)
    assert row["fit_pipeline"] == pytest.approx(60 * 3 / 4)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios())
def test_the_recommended_option_has_the_highest_fit(frame):
    profile = default_profile()
    bad = disagreements(score(frame, profile).table, profile)
    assert bad.empty, bad.to_dict("records")


PORTFOLIO = pd.concat(
    [
        generate_portfolio(300, seed=7, unknown_rate=0.3),
        pd.DataFrame([pilot("all-5", **ALL_FIVES), pilot("all-1", **dict.fromkeys(SCORE_FIELDS, 1))]),
    ],
    ignore_index=True,
)


@st.composite
def fit_profiles(draw) -> Profile:
    """The default profile with any fit weights (demand weight above 0), gate thresholds
    anywhere in 1-5 and any demand thresholds."""
    data = default_profile().to_dict()
    gates_weight = draw(st.sampled_from([0.0, 0.5, 0.99]) | st.floats(0, 0.999))
    data["fit"] = {"gates_weight": gates_weight, "demand_weight": 1 - gates_weight}
    for gate in data["gates"]:
        if gate["field"] != "risk_level":
            gate["value"] = draw(st.sampled_from([1, 5]) | st.integers(1, 5) | st.floats(1, 5))
    workspace_volume = draw(st.floats(0, 5000))
    data["demand"] = {
        "api_pipeline_min_volume": draw(st.floats(workspace_volume, 20_000)),
        "shared_workspace_min_volume": workspace_volume,
        "shared_workspace_min_users": draw(st.floats(1, 50)),
    }
    return profile_from_dict(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fit_profiles())
def test_the_recommended_option_has_the_highest_fit_under_any_fit_weights_and_gates(profile):
    bad = disagreements(score(PORTFOLIO, profile).table, profile)
    assert bad.empty, bad.to_dict("records")


def test_with_no_demand_weight_every_governable_option_fits_the_same():
    # The one exception, documented: fits then ignore demand, so the tie goes to the simplest.
    data = default_profile().to_dict()
    data["fit"] = {"gates_weight": 1.0, "demand_weight": 0.0}
    pilots = pd.DataFrame([pilot("p", **ALL_FIVES, risk_level="low", monthly_volume=5000)])
    assert score(pilots, profile_from_dict(data)).table[FITS].iloc[0].tolist() == [100.0, 100.0, 100.0]


# ---------------------------------------------------------------- monotone


def raised_variants(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Every pilot with one known answer raised by 1 (up to 5), or its risk lowered one rank;
    with the position of the original pilot for each variant."""
    variants, origin = [], []
    for position, row in enumerate(frame.to_dict("records")):
        for field in SCORE_FIELDS:
            if pd.notna(row[field]) and row[field] < 5:
                variants.append({**row, field: min(5.0, row[field] + 1)})
                origin.append(position)
        risk = row["risk_level"]
        if isinstance(risk, str) and risk in RISK_LEVELS and RISK_LEVELS.index(risk) > 0:
            variants.append({**row, "risk_level": RISK_LEVELS[RISK_LEVELS.index(risk) - 1]})
            origin.append(position)
    return pd.DataFrame(variants), np.array(origin, int)


def assert_fits_not_lower(before: pd.DataFrame, after: pd.DataFrame, origin: np.ndarray) -> None:
    old = before[FITS].to_numpy(float)[origin]
    new = after[FITS].to_numpy(float)
    lowered = np.flatnonzero((new < old - 1e-9).any(axis=1))
    assert lowered.size == 0, after.iloc[lowered][["pilot_id", *FITS]].to_dict("records")


def test_raising_an_answer_or_lowering_risk_never_lowers_a_fit_on_the_sample():
    pilots = sample_pilots()
    variants, origin = raised_variants(pilots)
    assert len(variants) > 300
    assert_fits_not_lower(score(pilots).table, score(variants).table, origin)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios(max_size=10))
def test_raising_an_answer_or_lowering_risk_never_lowers_a_fit(frame):
    variants, origin = raised_variants(frame)
    if len(variants):
        assert_fits_not_lower(score(frame).table, score(variants).table, origin)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios(max_size=10), st.data())
def test_answering_an_unknown_answer_or_the_risk_never_lowers_a_fit(frame, data):
    answered = frame.copy()
    for field in (*SCORE_FIELDS, "risk_level"):
        values = st.sampled_from(RISK_LEVELS) if field == "risk_level" else st.integers(1, 5)
        unknown = answered[field].isna().to_numpy()
        n = int(unknown.sum())
        if n:
            answered.loc[unknown, field] = data.draw(st.lists(values, min_size=n, max_size=n))
    assert_fits_not_lower(score(frame).table, score(answered).table, np.arange(len(frame)))
