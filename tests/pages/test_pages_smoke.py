"""Every page runs with the bundled sample portfolio, without an exception, showing its main elements."""

from __future__ import annotations

import pytest

from tests.pages.conftest import answer_cards, metrics, no_errors

PAGES = {
    "app_pages/portfolio.py": dict(
        title="Portfolio", metrics={"Pilots", "Ready to promote", "At risk"}, charts=3, tables=1
    ),
    "app_pages/pilot.py": dict(
        # its answer in boxes that wrap, not metrics (st.metric cut "API pip…", issue 11)
        title="Pilot",
        metrics=set(),
        cards={"Readiness", "Completeness", "Current mode", "Recommended now", "Target"},
        charts=2,
        tables=3,
    ),
    "app_pages/intake.py": dict(title="Intake", metrics=set(), charts=0, tables=0),
    "app_pages/scoring_model.py": dict(title="Scoring model", metrics=set(), charts=0, tables=1),
    "app_pages/history.py": dict(
        title="History", metrics={"Stepped up", "Slipped", "Added", "Removed"}, charts=2, tables=1
    ),
    "app_pages/export.py": dict(title="Export", metrics=set(), charts=0, tables=1),
    "app_pages/audit.py": dict(title="Audit", metrics=set(), charts=0, tables=1),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_page_renders_with_the_sample(app, page):
    expected = PAGES[page]
    app.switch_page(page)
    app.run()
    no_errors(app)
    assert [t.value for t in app.title] == [expected["title"]]
    assert expected["metrics"] <= set(metrics(app))
    assert expected.get("cards", set()) <= set(answer_cards(app))
    assert len(app.get("plotly_chart")) >= expected["charts"]
    assert len(app.dataframe) >= expected["tables"]
    # the shared sidebar is there on every page
    assert {s.key for s in app.sidebar.selectbox} >= {"portfolio", "snapshot_pick", "profile"}
    assert {m.key for m in app.sidebar.multiselect} == {"bu", "owner", "stage", "verdict", "risk", "decision"}
