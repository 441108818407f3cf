"""The Portfolio page as an executive reads it (issue 11): two short lists that open a pilot,
a table that leads with the decision and the value it is sorted by, readiness with its basis,
blockers apart from questions to ask, and headline tiles that are never cut short."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from kairo_scoring import blocker_summary, top_blockers
from tests.pages.conftest import APP, TIMEOUT, no_errors, pilot_table

LISTS = {"shortlist_promote_now": "Promote", "shortlist_at_risk": "At risk"}


def _shortlist(at: AppTest, key: str):
    return next(d for d in at.dataframe if d.key == key)


def _view(at: AppTest):
    return at.session_state["_view"]


def _figure(at: AppTest, key: str) -> dict:
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}"))
    return json.loads(chart.proto.spec)


def test_the_short_lists_are_the_most_valuable_pilots_of_their_verdict(app):
    no_errors(app)
    table = pilot_table(app)  # every pilot, most valuable first, verdicts by label
    for key, verdict in LISTS.items():
        element = _shortlist(app, key)
        shown = element.value
        expected = table[table["verdict"] == verdict]
        assert shown["name"].tolist() == expected["name"].head(5).tolist()
        # name, unit, the value with the portfolio's currency (as text), next step; no code column
        assert list(shown.columns) == ["name", "business_unit", "monthly_value", "next_step"]
        assert all(v.startswith("USD ") for v in shown["monthly_value"])
        labels = [c["label"] for c in json.loads(element.proto.columns).values() if "label" in c]
        assert labels == ["Name", "Business unit", "Monthly value", "Next step"]
        more = len(expected) - 5
        assert more > 0
        assert any(c.value.startswith(f"and {more} more") for c in app.caption)


@pytest.mark.parametrize("key", list(LISTS))
def test_selecting_a_short_list_row_opens_the_pilot(app, key):
    name = _shortlist(app, key).value.iloc[1]["name"]
    table = pilot_table(app)
    picked = str(table.loc[table["name"] == name, "pilot_id"].iloc[0])
    app.session_state[key] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    app.run()
    no_errors(app)
    assert [t.value for t in app.title] == ["Pilot"]
    assert app.session_state["pilot_id"] == picked
    assert app.selectbox(key="pilot_pick").value == picked


def test_in_presentation_mode_the_short_lists_show_aliases(store_path):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    real = set(_shortlist(at, "shortlist_at_risk").value["name"])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["present"] = "true"
    at.run()
    no_errors(at)
    for key in LISTS:
        names = _shortlist(at, key).value["name"].tolist()
        assert names and all(n.startswith("Pilot ") for n in names), names
        assert not real & set(names)


def test_the_pilot_table_leads_with_the_decision_and_shows_readiness_with_its_basis(app):
    element = next(d for d in app.dataframe if d.key == "pilot_table")
    shown = element.value
    assert list(shown.columns[:7]) == [
        "name",
        "verdict",
        "recommended",
        "monthly_value",
        "next_step",
        "readiness",
        "readiness_basis",
    ]
    # the value the rows are sorted by is on screen (an unknown value last)
    assert shown["monthly_value"].dropna().is_monotonic_decreasing
    assert shown["monthly_value"].isna().is_monotonic_increasing
    assert shown["readiness"].dtype.kind == "f"  # still sorts as a number
    config = json.loads(element.proto.columns)
    assert config["readiness_basis"]["label"] == "Readiness rests on"
    # the range columns are said by the basis, not shown as numbers of their own
    assert not {"readiness_low", "readiness_high", "readiness_answers", "readiness_answers_total"} & set(
        shown.columns
    )
    assert "pilot_id" in shown.columns
    table = _view(app).scored.table.set_index("pilot_id")
    row = shown.iloc[0]
    source = table.loc[row["pilot_id"]]
    known, total = int(source["readiness_answers"]), int(source["readiness_answers_total"])
    if known == total:
        assert row["readiness_basis"] == f"from all {total} answers"
    else:
        assert row["readiness_basis"].startswith(f"from {known} of {total} answers; ")
    partial = shown[~shown["readiness_basis"].str.startswith("from all")]
    assert len(partial) > 0  # the sample has pilots with answers missing
    assert partial["readiness_basis"].str.contains("with the rest").all()


def _chart_keys(at: AppTest) -> set[str]:
    return {c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")}


def test_blockers_and_questions_to_ask_are_shown_apart(app):
    # One chart at a time (issue 15: a hidden tab's chart was drawn on every first paint).
    kinds = app.segmented_control(key="blocker_kind")
    assert kinds.options == ["Blockers", "Questions to ask"]
    assert kinds.value == "Blockers"
    assert "blockers_blocked" in _chart_keys(app) and "blockers_unknown" not in _chart_keys(app)
    summary = blocker_summary(_view(app).scored)
    for kind, shown, title in (
        ("unknown", "Questions to ask", "Pilots waiting on an answer"),
        ("blocked", "Blockers", "Pilots blocked"),
    ):
        app.segmented_control(key="blocker_kind").set_value(shown)
        app.run()
        no_errors(app)
        other = "blockers_blocked" if kind == "unknown" else "blockers_unknown"
        assert other not in _chart_keys(app)
        figure = _figure(app, f"blockers_{kind}")
        assert figure["layout"]["xaxis"]["title"]["text"] == title
        bars = sorted(x for trace in figure["data"] for x in trace["x"])
        assert bars == sorted(
            top_blockers(summary, f"pilots_{kind}")[
                "pilots_blocked" if kind == "blocked" else "pilots_unknown"
            ].tolist()
        )
    # the blockers never count a pilot whose gate is only unknown
    assert summary["pilots_unknown"].sum() > 0
    app.segmented_control(key="blocker_measure").set_value("Monthly value")
    app.run()
    no_errors(app)
    assert _figure(app, "blockers_blocked")["layout"]["xaxis"]["title"]["text"] == "Monthly value blocked"
    app.segmented_control(key="blocker_kind").set_value("Questions to ask")
    app.run()
    no_errors(app)
    assert (
        _figure(app, "blockers_unknown")["layout"]["xaxis"]["title"]["text"]
        == "Monthly value waiting on an answer"
    )


def _is_flex_row(block) -> bool:
    proto = getattr(block, "proto", None)
    return (
        proto is not None
        and "flex_container" in proto.DESCRIPTOR.fields_by_name
        and proto.HasField("flex_container")
    )


def test_the_headline_tiles_wrap_rather_than_cut_their_labels(app):
    # Each metric sits in a horizontal container that wraps, so a tile is as wide as its text
    # (a 4- or 5-column grid cut "Value at stake a month" and "Assisted desktop workflow").
    rows = [
        block
        for block in app.main.children.values()
        if _is_flex_row(block) and any(getattr(c, "type", None) == "metric" for c in block.children.values())
    ]
    labels = [
        c.label for block in rows for c in block.children.values() if getattr(c, "type", None) == "metric"
    ]
    assert labels == [m.label for m in app.metric]  # every metric on the page is in one of them
    assert {"Pilots", "Ready to promote", "At risk", "Value at stake"} <= set(labels)
    for block in rows:
        flex = block.proto.flex_container
        assert flex.wrap and flex.direction == flex.HORIZONTAL
    assert all(len(label) <= 25 for label in labels[:4])  # the headline labels are short
    assert all(m.help for m in app.metric[:4])  # and their details are in help
