"""A recommendation that hinges on unknown answers is `undecided`, never `not_ready`.

`recommended_lightest` and `recommended_heaviest` are the lightest and heaviest options the
unknowns allow; `recommended` is one of them when they agree and `undecided` when not.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kairo_scoring.cli import main
from kairo_scoring.schema import CURRENT_MODES, NOT_READY, OPTION_LEVEL, RISK_LEVELS, SCORE_FIELDS
from kairo_scoring.scoring import DECISION_COLUMNS, score
from tests.scoring.helpers import ALL_THREES, pilot
from tests.scoring.test_scoring_properties import pilots, score_one

UNDECIDED = "undecided"
FILLABLE = (*SCORE_FIELDS, "risk_level", "current_mode", "monthly_volume", "users")


def level(option: str) -> int:
    return 0 if option == NOT_READY else OPTION_LEVEL[option]


def filled(row: dict, *, heavy: bool) -> dict:
    """The filling of the unknowns that makes the recommendation as light (or heavy) as it can be:
    every gate that may fail fails (or passes), demand as low (or high) as it can be."""
    out = dict(row)
    extreme = {
        **{f: 5 if heavy else 1 for f in SCORE_FIELDS},
        "risk_level": "low" if heavy else "critical",
        "current_mode": "none",
        "monthly_volume": 50_000 if heavy else 0,
        "users": 500 if heavy else 1,
    }
    for name in FILLABLE:
        if out[name] is None:
            out[name] = extreme[name]
    return out


@st.composite
def fillings(draw, row: dict) -> dict:
    out = dict(row)
    draws = {
        **{f: st.integers(1, 5) for f in SCORE_FIELDS},
        "risk_level": st.sampled_from(RISK_LEVELS),
        "current_mode": st.sampled_from(CURRENT_MODES),
        "monthly_volume": st.integers(0, 50_000),
        "users": st.integers(1, 500),
    }
    for name in FILLABLE:
        if out[name] is None:
            out[name] = draw(draws[name])
    return out


def test_the_two_bounds_are_decision_columns():
    assert {"recommended_lightest", "recommended_heaviest"} <= set(DECISION_COLUMNS)


@settings(max_examples=300, deadline=None)
@given(pilots(), st.data())
def test_a_decided_recommendation_holds_for_every_filling_of_the_unknowns(row, data):
    result = score_one(row)
    if result["recommended"] == UNDECIDED:
        return
    assert result["recommended_lightest"] == result["recommended_heaviest"] == result["recommended"]
    for completed in (filled(row, heavy=False), filled(row, heavy=True), data.draw(fillings(row))):
        assert score_one(completed)["recommended"] == result["recommended"]


@settings(max_examples=300, deadline=None)
@given(pilots(), st.data())
def test_an_undecided_recommendation_can_turn_out_lightest_or_heaviest(row, data):
    result = score_one(row)
    if result["recommended"] != UNDECIDED:
        return
    lightest, heaviest = result["recommended_lightest"], result["recommended_heaviest"]
    assert level(lightest) < level(heaviest)
    assert score_one(filled(row, heavy=False))["recommended"] == lightest
    assert score_one(filled(row, heavy=True))["recommended"] == heaviest
    anywhere = score_one(data.draw(fillings(row)))["recommended"]
    assert level(lightest) <= level(anywhere) <= level(heaviest)


def test_undecided_is_set_exactly_when_the_bounds_differ():
    from kairo_scoring import generate_portfolio

    table = score(generate_portfolio(5_000, seed=3, unknown_rate=0.1)).table
    lightest = table["recommended_lightest"].astype(object)
    heaviest = table["recommended_heaviest"].astype(object)
    recommended = table["recommended"].astype(object)
    undecided = (recommended == UNDECIDED).to_numpy()
    assert ((lightest != heaviest).to_numpy() == undecided).all()
    assert (recommended[~undecided] == lightest[~undecided]).all()
    assert recommended.notna().all() and lightest.notna().all() and heaviest.notna().all()
    assert undecided.any() and not undecided.all()


NAMED = pd.DataFrame(
    [
        # ownership unknown: nothing or an assisted desktop is governable.
        pilot("ownership_unknown", current_mode="none", monthly_volume=100, users=2, risk_level="low",
              **{**ALL_THREES, "ownership": None, "value_evidence": 4}),
        # volume unknown, a workspace governable: an assisted desktop up to a shared workspace.
        pilot("volume_unknown", current_mode="assisted_desktop", users=3, risk_level="low", **ALL_THREES),
        # value evidence 2 fails an assisted gate: known not to be ready.
        pilot("known_not_ready", current_mode="none", monthly_volume=100, users=2, risk_level="low",
              **{**ALL_THREES, "value_evidence": 2}),
        # nothing known but the name.
        pilot("nothing_known"),
    ]
)  # fmt: skip


def test_named_pilots_bounds():
    table = score(NAMED).table.set_index("pilot_id")
    got = {
        pid: tuple(
            str(table.loc[pid, c]) for c in ("recommended", "recommended_lightest", "recommended_heaviest")
        )
        for pid in table.index
    }
    assert got == {
        "ownership_unknown": (UNDECIDED, NOT_READY, "assisted_desktop"),
        "volume_unknown": (UNDECIDED, "assisted_desktop", "shared_workspace"),
        "known_not_ready": (NOT_READY, NOT_READY, NOT_READY),
        "nothing_known": (UNDECIDED, NOT_READY, "api_pipeline"),
    }


def unknown_register(n: int = 40) -> pd.DataFrame:
    """A register where no gate can be checked: only names, volumes and users are known."""
    return pd.DataFrame(
        [pilot(f"p{i}", monthly_volume=10 * i, users=1 + i % 10, current_mode="none") for i in range(n)]
    )


def test_the_summary_counts_nothing_as_not_ready_when_nothing_is_known_to_be():
    summary = score(unknown_register()).summary()
    options = summary[summary["what"] == "recommended"].set_index("value")["pilots"]
    assert options[NOT_READY] == 0
    assert options[UNDECIDED] == 40
    assert options.index.tolist() == [
        NOT_READY,
        "assisted_desktop",
        "shared_workspace",
        "api_pipeline",
        UNDECIDED,
    ]


def test_the_cli_prints_undecided_not_not_ready(tmp_path, capsys):
    source = tmp_path / "register.csv"
    unknown_register().to_csv(source, index=False)
    assert main(["score", str(source), "-o", str(tmp_path / "out.csv")]) == 0
    printed = capsys.readouterr().out.splitlines()
    options = printed[printed.index("Recommended option:") + 1 :]
    # printed by label (issue 9): the not_ready recommendation reads "Keep piloting"
    assert any(line.split() == ["Keep", "piloting", "0"] for line in options)
    assert any(line.split() == ["Undecided", "40"] for line in options)
    written = pd.read_csv(tmp_path / "out.csv", encoding="utf-8-sig")
    assert set(written["recommended"]) == {UNDECIDED}
    assert set(written["recommended_lightest"]) == {NOT_READY}
