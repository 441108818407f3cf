"""Readiness with its basis and the range its unknown answers allow (issue 11).

`readiness_low` / `readiness_high` are the lowest and highest readiness over every filling
of the unknown 1-5 answers; `readiness_answers` of `readiness_answers_total` are known.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kairo_scoring.present.formats import readiness_phrase, readiness_texts
from kairo_scoring.profile import Profile, default_profile, profile_from_dict
from kairo_scoring.schema import SCORE_FIELDS
from kairo_scoring.scoring import DECISION_COLUMNS, READINESS_RANGE_COLUMNS, score
from tests.scoring.helpers import ALL_FIVES, pilot, portfolios

RANGE = ["readiness", "readiness_low", "readiness_high", "readiness_answers", "readiness_answers_total"]


def test_the_range_columns_are_decision_columns_next_to_readiness():
    assert DECISION_COLUMNS[: 1 + len(READINESS_RANGE_COLUMNS)] == ("readiness", *READINESS_RANGE_COLUMNS)
    table = score(pd.DataFrame([pilot("p", ownership=3)])).table
    assert set(READINESS_RANGE_COLUMNS) <= set(table.columns)


def test_two_answers_of_five_read_as_100_with_the_range_they_leave_open():
    # The case: completeness 17% (2 of 12 inputs) showed "Readiness 100".
    row = score(pd.DataFrame([pilot("p", ownership=5, controls=5)])).pilot("p")
    assert row["completeness"] == pytest.approx(100 * 2 / 12)
    assert row["readiness"] == pytest.approx(100.0)
    assert (row["readiness_answers"], row["readiness_answers_total"]) == (2, 8)
    # Everything else at 1: governance (4 + 4 + 0) x 25 / 3, weighted 0.30, the rest 0.
    assert row["readiness_low"] == pytest.approx(0.30 * 200 / 3)
    assert row["readiness_high"] == pytest.approx(100.0)
    assert readiness_phrase(row) == "100 (from 2 of 8 answers; 20–100 with the rest)"
    assert readiness_phrase(row, short=True) == "100 (20–100)"


def test_complete_and_empty_pilots():
    fields = dict(process_maturity=4, io_stability=2, exception_governance=3, ownership=5, controls=1,
                  shared_assets=2, integration_readiness=4, value_evidence=5)  # fmt: skip
    table = score(pd.DataFrame([pilot("all", **fields), pilot("none")])).table.set_index("pilot_id")
    complete = table.loc["all"]
    assert complete["readiness_low"] == complete["readiness"] == complete["readiness_high"]
    assert (complete["readiness_answers"], complete["readiness_answers_total"]) == (8, 8)
    assert readiness_phrase(complete) == f"{complete['readiness']:.0f} (from all 8 answers)"
    assert readiness_phrase(complete, short=True) == f"{complete['readiness']:.0f}"
    empty = table.loc["none"]
    assert math.isnan(empty["readiness"])
    assert (empty["readiness_low"], empty["readiness_high"], empty["readiness_answers"]) == (0.0, 100.0, 0)
    assert readiness_phrase(empty) == "unknown (from 0 of 8 answers; 0–100 with the rest)"
    assert readiness_phrase(empty, short=True) == "unknown (0–100)"


def test_a_row_without_the_range_reads_as_its_bare_readiness():
    assert readiness_phrase({"readiness": 61.6}) == "62"
    assert readiness_phrase(pd.Series({"readiness": None})) == "unknown"


def test_answers_outside_the_weighted_dimensions_are_not_part_of_the_basis():
    data = default_profile().to_dict()
    data["weights"]["value"] = 0.0
    row = score(pd.DataFrame([pilot("p", value_evidence=5, ownership=2)]), profile_from_dict(data)).pilot("p")
    assert (row["readiness_answers"], row["readiness_answers_total"]) == (1, 7)
    assert row["readiness"] == pytest.approx(25.0)
    assert row["readiness_low"] == pytest.approx(25.0 / 3 * 0.30 / 0.85)


# ---------------------------------------------------------------- properties


def fill(frame: pd.DataFrame, value) -> pd.DataFrame:
    """Every unknown 1-5 answer set to `value` (a number, or a function of (row, field))."""
    out = frame.copy()
    for field in SCORE_FIELDS:
        unknown = out[field].isna().to_numpy()
        if unknown.any():
            values = [value(i, field) if callable(value) else value for i in np.flatnonzero(unknown)]
            out.loc[unknown, field] = values
    return out


def check_range(frame: pd.DataFrame, profile: Profile, data) -> None:
    table = score(frame, profile).table
    ready, low, high = (table[c].to_numpy(float) for c in ("readiness", "readiness_low", "readiness_high"))
    known = ~np.isnan(ready)
    assert (low[known] <= ready[known]).all() and (ready[known] <= high[known]).all()
    assert (low <= high).all() and (low >= 0).all() and (high <= 100).all()
    weighted = [f for d, fs in profile.dimensions.items() if profile.weights[d] > 0 for f in fs]
    answers = frame[list(dict.fromkeys(weighted))].notna().sum(axis=1).to_numpy()
    np.testing.assert_array_equal(table["readiness_answers"].to_numpy(), answers)
    complete = answers == len(set(weighted))
    np.testing.assert_array_equal(low[complete], ready[complete])
    np.testing.assert_array_equal(high[complete], ready[complete])
    # Both bounds are reached: every unknown at 1, every unknown at 5.
    np.testing.assert_allclose(score(fill(frame, 1), profile).table["readiness"], low, atol=1e-9)
    np.testing.assert_allclose(score(fill(frame, 5), profile).table["readiness"], high, atol=1e-9)
    # And any other filling lies between them.
    values = data.draw(
        st.lists(st.integers(1, 5) | st.floats(1, 5), min_size=len(frame) * 8, max_size=len(frame) * 8)
    )
    filled = fill(frame, lambda i, field: values[i * 8 + SCORE_FIELDS.index(field)])
    other = score(filled, profile).table["readiness"].to_numpy(float)
    assert (other >= low - 1e-9).all() and (other <= high + 1e-9).all()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios(), st.data())
def test_readiness_lies_in_its_range_and_every_filling_too(frame, data):
    check_range(frame, default_profile(), data)


@st.composite
def readiness_profiles(draw) -> Profile:
    """The default profile's fields regrouped into dimensions with any weights (0 included)."""
    data = default_profile().to_dict()
    fields = draw(st.permutations(SCORE_FIELDS))
    cuts = sorted(draw(st.sets(st.integers(1, len(fields) - 1), max_size=len(fields) - 1)))
    groups = [list(fields[a:b]) for a, b in zip([0, *cuts], [*cuts, len(fields)], strict=True)]
    data["dimensions"] = {f"d{i}": group for i, group in enumerate(groups)}
    weights = [draw(st.sampled_from([0.0, 1e-3, 1.0, 7.0]) | st.floats(0.01, 10)) for _ in groups]
    if not any(weights):
        weights[0] = 1.0
    data["weights"] = {f"d{i}": w for i, w in enumerate(weights)}
    return profile_from_dict(data)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(readiness_profiles(), portfolios(max_size=12), st.data())
def test_the_range_holds_under_any_dimensions_and_weights(profile, frame, data):
    check_range(frame, profile, data)


def test_the_phrase_for_a_partly_known_pilot():
    row = {"readiness": 62.4, "readiness_low": 40.2, "readiness_high": 85.0, "readiness_answers": 2,
           "readiness_answers_total": 8}  # fmt: skip
    assert readiness_phrase(row) == "62 (from 2 of 8 answers; 40–85 with the rest)"
    assert readiness_phrase(row, short=True) == "62 (40–85)"
    assert (
        readiness_phrase({**row, "readiness_answers": 1, "readiness_answers_total": 1})
        == "62 (from all 1 answer)"
    )


def test_a_complete_pilot_in_the_all_fives_case():
    row = score(pd.DataFrame([pilot("p", **ALL_FIVES)])).pilot("p")
    assert row[RANGE].tolist() == [100.0, 100.0, 100.0, 8, 8]


def test_the_phrases_of_a_whole_table():
    pilots = pd.DataFrame([pilot("two", ownership=5, controls=5), pilot("all", **ALL_FIVES), pilot("none")])
    table = score(pilots).table.set_index("pilot_id")
    assert readiness_texts(table).to_dict() == {
        "two": "100 (20–100)",
        "all": "100",
        "none": "unknown (0–100)",
    }
    assert readiness_texts(table, short=False)["two"] == "100 (from 2 of 8 answers; 20–100 with the rest)"
    assert readiness_texts(table[["readiness"]]).tolist() == ["100", "100", "unknown"]
