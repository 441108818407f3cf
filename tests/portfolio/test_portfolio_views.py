"""Portfolio views on four pilots whose decisions are worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kairo_scoring import (
    PortfolioFilter,
    anonymise,
    blocker_summary,
    column_letter,
    demand_supply_grid,
    filter_choices,
    headline,
    label_values,
    mode_flows,
    pilot_table,
    placement_points,
    subset,
    verdict_counts,
)
from kairo_scoring.views.anonymise import owner_aliases, pilot_aliases
from kairo_scoring.views.placement import sample_rows
from tests.portfolio.fixtures import scored_four


@pytest.fixture(scope="module")
def scored():
    return scored_four()


def test_the_hand_worked_decisions_hold(scored):
    table = scored.table.set_index("pilot_id")
    assert table["verdict"].astype(str).to_dict() == {
        "A": "hold",
        "B": "promote",
        "C": "at_risk",
        "D": "not_ready",
    }
    assert table["recommended"].astype(str).to_dict() == {
        "A": "api_pipeline",
        "B": "assisted_desktop",
        "C": "shared_workspace",
        "D": "not_ready",
    }
    assert table["supply_level"].to_dict() == {"A": 3, "B": 2, "C": 2, "D": 0}


def test_headline_figures(scored):
    figures = headline(scored.table)
    assert figures.pilots == 4
    assert figures.ready_to_promote == 1
    assert figures.at_risk == 1
    # value at stake: at risk (C, 3000) + not ready (D, unknown = 0)
    assert figures.value_at_stake == 3000.0
    assert figures.total_value == 4200.0
    assert figures.value_unknown == 1
    assert figures.option_share == {
        "not_ready": 0.25,
        "assisted_desktop": 0.25,
        "shared_workspace": 0.25,
        "api_pipeline": 0.25,
        "undecided": 0.0,
    }


def test_verdict_counts_list_every_verdict(scored):
    counts = verdict_counts(scored.table).set_index("verdict")
    assert counts["pilots"].to_dict() == {
        "at_risk": 1,
        "not_ready": 1,
        "simplify": 0,
        "promote": 1,
        "build_readiness": 0,
        "hold": 1,
        "needs_data": 0,
    }
    assert counts.loc["at_risk", "monthly_value"] == 3000.0


def test_demand_supply_grid_places_each_pilot_in_one_cell(scored):
    grid = demand_supply_grid(scored.table)
    assert len(grid) == 16
    occupied = grid[grid["pilots"] > 0].set_index(["demand", "supply_level"])["pilots"].to_dict()
    assert occupied == {(1, 0): 1, (1, 2): 1, (3, 2): 1, (3, 3): 1}
    assert grid.set_index(["demand", "supply_level"]).loc[(3, 2), "monthly_value"] == 3000.0


def test_mode_flows(scored):
    flows = mode_flows(scored.table)
    today = (
        flows[flows["step"] == "today→now"][["source", "target", "pilots"]].to_records(index=False).tolist()
    )
    assert today == [
        ("none", "not_ready", 1),
        ("none", "assisted_desktop", 1),
        ("api_pipeline", "shared_workspace", 1),
        ("api_pipeline", "api_pipeline", 1),
    ]
    later = (
        flows[flows["step"] == "now→target"][["source", "target", "pilots"]].to_records(index=False).tolist()
    )
    assert later == [
        ("not_ready", "assisted_desktop", 1),
        ("assisted_desktop", "assisted_desktop", 1),
        ("shared_workspace", "api_pipeline", 1),
        ("api_pipeline", "api_pipeline", 1),
    ]
    assert flows["pilots"].sum() == 8  # every pilot once in each step


def test_blockers_count_pilots_and_value(scored):
    summary = blocker_summary(scored).set_index(["option", "rule"])
    # C (value 3000) cannot govern the API pipeline it runs on: five API gates fail (medium risk:
    # the high/critical gates do not apply; integration_readiness 3 passes).
    for rule in (
        "process_maturity ≥ 4",
        "io_stability ≥ 4",
        "exception_governance ≥ 4",
        "controls ≥ 4",
        "ownership ≥ 4",
    ):
        row = summary.loc[("api_pipeline", rule)]
        assert (row["pilots_blocked"], row["value_blocked"]) == (1, 3000.0)
    assert summary.loc[("api_pipeline", "integration_readiness ≥ 3"), "pilots_blocked"] == 0
    # each gate also in words, for people (issue 9: no field codes in front of people)
    assert (
        summary.loc[("api_pipeline", "integration_readiness ≥ 3"), "phrase"]
        == "Integration readiness at least 3"
    )
    # D is blocked by the three assisted desktop gates that apply at low risk; its value is unknown.
    for rule in ("process_maturity ≥ 2", "ownership ≥ 2", "value_evidence ≥ 3"):
        row = summary.loc[("assisted_desktop", rule)]
        assert (row["pilots_blocked"], row["value_blocked"]) == (1, 0.0)
    assert summary["pilots_blocked"].sum() == 8
    assert summary["pilots_unknown"].sum() == 0


def test_blockers_agree_with_the_blockers_column(scored):
    from kairo_scoring.views.blockers import blocking_matrix

    failed, unknown = blocking_matrix(scored)
    for i, text in enumerate(scored.table["blockers"].astype(str)):
        listed = sum(part.count(",") + 1 for part in text.split("; ") if part)
        assert (failed | unknown)[i].sum() == listed


def test_filters_and_choices(scored):
    table = scored.table
    assert filter_choices(table)["owner"] == ["amy", "Zoe"]
    assert filter_choices(table)["verdict"] == ["at_risk", "not_ready", "promote", "hold"]
    only = PortfolioFilter(business_unit=("Finance",), verdict=("at_risk", "hold"))
    assert table[only.mask(table)]["pilot_id"].tolist() == ["A", "C"]
    assert PortfolioFilter(owner=("Zoe",)).mask(table).tolist() == [True, False, True, False]
    assert not PortfolioFilter().active and PortfolioFilter().mask(table).all()
    part = subset(scored, only.mask(table))
    assert len(part) == 2 and part.gate_status.shape == (2, len(scored.profile.gates))
    assert only.describe() == "business_unit: Finance; verdict: at_risk, hold"


def test_aliases_are_stable_whatever_the_row_order(scored):
    table = scored.table
    assert (column_letter(0), column_letter(25), column_letter(26), column_letter(701)) == (
        "A",
        "Z",
        "AA",
        "ZZ",
    )
    assert pilot_aliases(table["pilot_id"]) == {
        "A": "Pilot 001",
        "B": "Pilot 002",
        "C": "Pilot 003",
        "D": "Pilot 004",
    }
    assert owner_aliases(table["owner"]) == {"amy": "Owner A", "Zoe": "Owner B"}
    shown = anonymise(table.iloc[::-1]).set_index("pilot_id")
    assert shown.loc["C", "name"] == "Pilot 003" and shown.loc["C", "owner"] == "Owner B"
    assert pd.isna(shown.loc["D", "owner"])
    assert not set(shown["name"]) & {"Alpha", "Bravo", "Charlie", "Delta"}


def test_anonymise_drops_free_text_source_columns(scored):
    table = scored.table.assign(description="Run by Zoe Smith for ACME")
    assert "description" not in anonymise(table).columns


def test_sampling_is_seeded_and_independent_of_row_order():
    from kairo_scoring import generate_portfolio, score

    table = score(generate_portfolio(3000)).table
    rows, sampled = sample_rows(table, 500)
    again, _ = sample_rows(table.iloc[::-1], 500)
    assert sampled and len(rows) == 500
    assert set(rows["pilot_id"]) == set(again["pilot_id"])
    small, sampled_small = sample_rows(table.head(10), 500)
    assert not sampled_small and len(small) == 10
    placement = placement_points(table, limit=500)
    assert placement.sampled and placement.total == 3000 and len(placement.points) == 500
    # jitter keeps each point inside its cell
    assert np.all(np.abs(placement.points["x"] - placement.points["supply_level"]) <= 0.35)


def test_pilot_table_is_sorted_by_value_and_truncated(scored):
    rows, truncated = pilot_table(scored.table, limit=3)
    assert truncated
    assert rows["pilot_id"].tolist() == ["C", "A", "B"]
    shown = label_values(rows)  # the view keeps codes; present names them
    assert shown.loc[0, "verdict"] == "At risk"
    assert shown.loc[0, "recommended"] == "Shared AI workspace"


def test_the_view_modules_never_import_streamlit():
    import subprocess
    import sys

    code = (
        "import sys, kairo_scoring.views, kairo_scoring.present, kairo_scoring.present.report; "
        "assert 'streamlit' not in sys.modules, 'streamlit was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
