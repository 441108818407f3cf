"""The deciding questions: the fewest unknown answers that decide an undecided pilot.

score() is the oracle throughout: a set of fields decides a pilot when every filling of them
scores to a verdict other than needs_data and a recommendation other than undecided.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kairo_scoring.present.questions import questions_detail, questions_sentence
from kairo_scoring.profile import default_profile
from kairo_scoring.questions import DecidingQuestions, answer_classes, deciding_questions, parts, search
from kairo_scoring.schema import CURRENT_MODES, RISK_LEVELS, SCORE_FIELDS
from kairo_scoring.scoring import score
from kairo_scoring.synthetic import generate_portfolio
from tests.scoring.helpers import ALL_FIVES, pilot
from tests.scoring.test_scoring_properties import pilots

CLASSES = answer_classes(default_profile())


def questions_of(*rows: dict) -> DecidingQuestions:
    return deciding_questions(score(pd.DataFrame(list(rows))))


def as_value(field: str, representative: float):
    """A representative as the value a register holds (risk and mode as their names)."""
    if field == "risk_level":
        return RISK_LEVELS[int(representative)]
    if field == "current_mode":
        return CURRENT_MODES[int(representative)]
    return representative


def fillings(row: dict, fields) -> pd.DataFrame:
    """`row` once per combination of representatives of `fields` (the others as they are)."""
    fields = list(fields)
    combos = itertools.product(*(CLASSES[f] for f in fields))
    rows = [{**row, **{f: as_value(f, v) for f, v in zip(fields, combo, strict=True)}} for combo in combos]
    frame = pd.DataFrame(rows)
    frame["pilot_id"] = [f"v{i}" for i in range(len(frame))]
    return frame


def decides(row: dict, fields) -> bool:
    table = score(fillings(row, fields)).table
    return bool(((table["verdict"] != "needs_data") & (table["recommended"] != "undecided")).all())


def unknown_inputs(row: dict) -> list[str]:
    names = (*SCORE_FIELDS, "risk_level", "monthly_volume", "users", "current_mode")
    return [f for f in names if row.get(f) is None or (isinstance(row[f], float) and np.isnan(row[f]))]


KNOWN_API = dict(ALL_FIVES, risk_level="low", monthly_volume=5000, users=20, current_mode="api_pipeline")


# ---------------------------------------------------------------- worked by hand


def test_the_classes_come_from_the_profile_gates_and_thresholds():
    # controls: gates at 3 (assisted when critical, workspace), 4 (pipeline), 5 (high risk).
    assert CLASSES["controls"].tolist() == [1, 3, 4, 5]
    assert CLASSES["process_maturity"].tolist() == [1, 2, 4]
    assert CLASSES["risk_level"].tolist() == [0, 2, 3]  # low and medium: no gate tells them apart
    assert CLASSES["monthly_volume"].tolist() == [0, 300, 2000]
    assert CLASSES["users"].tolist() == [1, 8]
    assert CLASSES["current_mode"].tolist() == [0, 1, 2, 3]


def test_a_profile_with_other_thresholds_has_other_classes():
    profile = default_profile()
    changed = type(profile)(**{**profile.__dict__, "shared_workspace_min_users": 25.0})
    assert answer_classes(changed)["users"].tolist() == [1, 25]


def test_only_the_current_mode_decides_a_pilot_ready_for_a_pipeline():
    found = questions_of(pilot("a", **{**KNOWN_API, "current_mode": None}))
    assert found.pilots[["pilot_id", "questions", "n_questions", "exact"]].to_dict("records") == [
        {"pilot_id": "a", "questions": ("current_mode",), "n_questions": 1, "exact": True}
    ]


def test_current_mode_and_volume_are_both_needed_when_either_alone_leaves_it_open():
    row = pilot("b", **{**KNOWN_API, "current_mode": None, "monthly_volume": None, "users": 2})
    found = questions_of(row)
    assert set(found.pilots.loc[0, "questions"]) == {"current_mode", "monthly_volume"}
    assert not decides(row, ["current_mode"]) and not decides(row, ["monthly_volume"])
    assert decides(row, ["current_mode", "monthly_volume"])


def test_an_unknown_that_cannot_matter_is_not_asked():
    # Ownership 1 fails the lightest option's gate: supply is 0 whatever controls are.
    row = pilot("c", **{**KNOWN_API, "ownership": 1, "controls": None, "current_mode": None})
    found = questions_of(row)
    assert found.pilots.loc[0, "questions"] == ("current_mode",)


def test_decided_pilots_have_no_questions():
    found = questions_of(pilot("known", **KNOWN_API), pilot("open", **{**KNOWN_API, "current_mode": None}))
    assert found.pilots["pilot_id"].tolist() == ["open"]
    assert found.undecided == 1


def test_a_portfolio_with_nothing_undecided_asks_nothing():
    found = questions_of(pilot("known", **KNOWN_API))
    assert found.pilots.empty and found.fields.empty and found.coverage.empty and found.owners.empty
    headline = found.headline()
    assert (headline.questions, headline.pilots, headline.undecided) == (0, 0, 0)
    assert questions_sentence(headline) == "Every pilot is decided: no question to ask."


def test_the_headline_sentence_counts_questions_owners_and_pilots():
    rows = [
        pilot(f"p{i}", **{**KNOWN_API, "current_mode": None}, owner=f"Owner {i % 2}", monthly_value=100.0)
        for i in range(3)
    ]
    rows.append(
        pilot("q", **{**KNOWN_API, "current_mode": None, "monthly_volume": None, "users": 2}, owner="Z")
    )
    found = questions_of(*rows)
    one = found.headline(1)
    assert (one.questions, one.fields, one.owners, one.pilots, one.value) == (
        1,
        ("current_mode",),
        2,
        3,
        300.0,
    )
    assert questions_sentence(one) == "Ask 1 question of 2 owners to decide 3 pilots."
    assert questions_sentence(found.headline(2)) == "Ask 2 questions of 3 owners to decide 4 pilots."
    assert found.headline().questions == 1  # the fewest that decide at least half
    assert questions_detail(one) == "Current mode: 3 of 4 undecided pilots, 300 a month."


# ---------------------------------------------------------------- the portfolio tables


@pytest.fixture(scope="module")
def portfolio() -> tuple[pd.DataFrame, DecidingQuestions]:
    scored = score(generate_portfolio(3000, seed=5, unknown_rate=0.3))
    return scored.table, deciding_questions(scored)


def test_every_undecided_pilot_gets_questions_and_no_decided_one_does(portfolio):
    table, found = portfolio
    open_ = (table["verdict"] == "needs_data") | (table["recommended"] == "undecided")
    assert sorted(found.pilots["pilot_id"]) == sorted(table.loc[open_, "pilot_id"])
    assert (found.pilots["n_questions"] >= 1).all()
    assert (found.pilots["n_questions"] == found.pilots["questions"].map(len)).all()


def test_questions_are_unknown_fields_ordered_by_the_portfolio_ranking(portfolio):
    table, found = portfolio
    rank = {f: i for i, f in enumerate(found.fields["field"])}
    by_id = table.set_index("pilot_id")
    for row in found.pilots.itertuples():
        assert all(pd.isna(by_id.at[row.pilot_id, f]) for f in row.questions)
        assert [rank[f] for f in row.questions] == sorted(rank[f] for f in row.questions)


def test_the_per_field_counts_add_up(portfolio):
    _, found = portfolio
    pilots_, fields = found.pilots, found.fields.set_index("field")
    value = pilots_["monthly_value"].fillna(0)
    for field, row in fields.iterrows():
        holds = pilots_["questions"].map(lambda q, f=field: f in q)
        alone = holds & (pilots_["n_questions"] == 1)
        assert row["asked"] == holds.sum()
        assert row["needed_with_others"] == (holds & (pilots_["n_questions"] >= 2)).sum()
        assert row["asked"] == alone.sum() + row["needed_with_others"]
        assert row["decides_alone"] >= alone.sum()  # another field may decide some of them alone too
        assert row["needed_with_others_value"] == pytest.approx(value[holds & ~alone].sum())
    assert fields["asked"].sum() == pilots_["n_questions"].sum()
    # A pilot some field decides alone gets a one-question set.
    assert (pilots_["n_questions"] == 1).sum() <= fields["decides_alone"].sum()
    ranked = found.fields[["decides_alone", "decides_alone_value"]].to_records(index=False).tolist()
    assert ranked == sorted(ranked, key=lambda r: (-r[0], -r[1]))


def test_owners_and_units_add_up_to_the_undecided_pilots(portfolio):
    _, found = portfolio
    for table, by in ((found.owners, "owner"), (found.business_units, "business_unit")):
        assert table["pilots"].sum() == found.undecided
        assert table["questions"].sum() == found.pilots["n_questions"].sum()
        one = table.iloc[0]
        mine = found.pilots[found.pilots[by] == one[by]]
        assert set(one["fields"]) == set().union(*mine["questions"])


def test_coverage_grows_to_every_undecided_pilot(portfolio):
    _, found = portfolio
    assert found.coverage["pilots"].is_monotonic_increasing
    assert found.coverage["pilots"].iloc[-1] == found.undecided
    for k in (1, 2, 3):
        row = found.coverage.iloc[k - 1]
        asked = set(found.coverage["field"].iloc[:k])
        assert row["pilots"] == found.pilots["questions"].map(lambda q, a=asked: set(q) <= a).sum()


def test_pilots_in_the_same_situation_get_the_same_questions():
    pilots_ = generate_portfolio(400, seed=9, unknown_rate=0.3)
    twice = pd.concat([pilots_, pilots_.assign(pilot_id=lambda t: t["pilot_id"] + "-copy")])
    found = deciding_questions(score(twice)).pilots.set_index("pilot_id")["questions"]
    originals = [p for p in found.index if not p.endswith("-copy")]
    assert all(found[p] == found[p + "-copy"] for p in originals)


# ---------------------------------------------------------------- properties


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pilots(), st.data())
def test_any_filling_of_the_questions_decides_and_none_can_be_left_out(row, data):
    found = questions_of(row)
    if found.pilots.empty:
        return
    questions = found.pilots.loc[0, "questions"]
    filling = {
        "monthly_volume": st.integers(0, 60_000),
        "users": st.integers(1, 600),
        "risk_level": st.sampled_from(RISK_LEVELS),
        "current_mode": st.sampled_from(CURRENT_MODES),
    }
    filled = {f: data.draw(filling.get(f, st.integers(1, 5)), label=f) for f in questions}
    decided = score(pd.DataFrame([{**row, **filled}])).table.iloc[0]
    assert decided["verdict"] != "needs_data" and decided["recommended"] != "undecided"
    for left_out in questions:
        assert not decides(row, [f for f in questions if f != left_out]), left_out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pilots())
def test_an_exact_set_is_a_smallest_one(row):
    found = questions_of(row)
    if found.pilots.empty or not found.pilots.loc[0, "exact"]:
        return
    size = int(found.pilots.loc[0, "n_questions"])
    unknown = unknown_inputs(row)
    if len(unknown) > 6:
        return  # the brute force below would score too many fillings
    assert not any(decides(row, smaller) for smaller in itertools.combinations(unknown, size - 1))


def test_greedy_sets_decide_and_are_irreducible(monkeypatch):
    # With the default fields the exact search covers every pilot; force the greedy path.
    monkeypatch.setattr("kairo_scoring.questions.search.EXACT_MAX_FIELDS", 1)
    frame = generate_portfolio(150, seed=21, unknown_rate=0.45)
    found = deciding_questions(score(frame)).pilots
    greedy = found[found["n_questions"] >= 2]
    assert len(greedy) > 10
    assert (greedy["exact"] == (greedy["n_questions"] == 2)).all()  # two fields: one is known not to do
    rows = frame.set_index("pilot_id")
    for record in greedy.head(25).itertuples():
        row = {k: (None if pd.isna(v) else v) for k, v in rows.loc[record.pilot_id].items()}
        row["pilot_id"] = record.pilot_id
        assert decides(row, record.questions)
        for left_out in record.questions:
            assert not decides(row, [f for f in record.questions if f != left_out])


# ---------------------------------------------------------------- the part tables (speed)


def _never(*args, **kwargs):
    raise AssertionError("a part's variants were scored one by one where its table applies")


def _other_thresholds():
    profile = default_profile()
    return type(profile)(**{**profile.__dict__, "shared_workspace_min_users": 25.0})


@pytest.mark.parametrize(
    ("seed", "unknown_rate", "profile"),
    [(3, 0.3, None), (17, 0.3, None), (29, 0.5, None), (41, 0.3, _other_thresholds())],
)
def test_the_part_tables_give_the_same_sets_as_scoring_every_variant(
    monkeypatch, seed, unknown_rate, profile
):
    # Each part's ranges are read from a table over its fields' classes; without the tables
    # every filled-in variant is scored. Both must give the same tables, to the last value.
    scored = score(generate_portfolio(5000, seed=seed, unknown_rate=unknown_rate), profile)
    with monkeypatch.context() as tables_only:
        tables_only.setattr(search._Search, "reachable", _never)
        from_tables = deciding_questions(scored)
    monkeypatch.setattr(parts, "PART_SPACE_MAX", 0)
    from_variants = deciding_questions(scored)
    assert from_tables.undecided == from_variants.undecided > 1000
    for name in ("pilots", "fields", "owners", "business_units", "coverage"):
        pd.testing.assert_frame_equal(getattr(from_tables, name), getattr(from_variants, name))


def test_a_fractional_answer_has_its_supply_variants_scored_with_the_same_sets(monkeypatch):
    frame = generate_portfolio(400, seed=8, unknown_rate=0.3)
    frame.loc[frame.index[0], "controls"] = 3.5  # 1-5 values no longer all whole: no classes
    scored = score(frame)
    parts_scored = []
    scored_one_by_one = search._Search.reachable

    def reachable(self, jobs, part):
        parts_scored.append(part)
        return scored_one_by_one(self, jobs, part)

    monkeypatch.setattr(search._Search, "reachable", reachable)
    with_tables = deciding_questions(scored)
    assert set(parts_scored) == {2}  # supply only: current mode and demand keep their tables
    monkeypatch.setattr(parts, "PART_SPACE_MAX", 0)
    pd.testing.assert_frame_equal(with_tables.pilots, deciding_questions(scored).pilots)
