"""Drill-down from the Portfolio page to a pilot and back, in every kind of view a user has.

A click (a table row or a chart dot) must open the pilot whatever the URL carries — an
imported portfolio, filters, presentation mode, a saved profile version — and the Pilot
page's URL must carry the same view, so that the link can be shared and Back returns to it.
Streamlit refuses `st.switch_page` while a URL parameter is bound to a widget, which once
crashed every drill-down except on the unfiltered sample.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.conftest import APP, TIMEOUT, no_errors, pilot_table

REGISTER = (
    b"Pilot ID,Pilot name,Business unit,Owner,Stage,Process maturity,Controls,Monthly volume,Risk\n"
    b"FIN-1,Invoice matching,Finance,Ann,production,4,4,1200,low\n"
    b"FIN-2,Supplier letters,Finance,Bob,pilot,3,2,80,medium\n"
    b"HR-1,Leave questions,HR,Cat,pilot,2,2,400,low\n"
)


def _click_row(at: AppTest) -> str:
    table = pilot_table(at)
    pilot_id = str(table.iloc[0]["pilot_id"])
    at.session_state["pilot_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    return pilot_id


def _click_dot(at: AppTest) -> str:
    pilot_id = str(pilot_table(at).iloc[-1]["pilot_id"])
    at.session_state["placement_chart"] = {
        "selection": {"points": [{"customdata": [pilot_id]}], "point_indices": [0], "box": [], "lasso": []}
    }
    at.run()
    return pilot_id


def _import_register(at: AppTest) -> None:
    at.switch_page("app_pages/intake.py")
    at.run()
    at.file_uploader(key="register_upload").upload("finance register.csv", REGISTER, "text/csv")
    at.run()
    at.text_input(key="intake_portfolio").set_value("Finance register")
    at.run()
    next(b for b in at.button if b.label == "Save snapshot").click()
    at.run()
    no_errors(at)
    at.switch_page("app_pages/portfolio.py")
    at.run()


def _save_profile_version(at: AppTest) -> None:
    at.switch_page("app_pages/scoring_model.py")
    at.run()
    key = next(n.key for n in at.number_input if n.key.endswith("d::api"))
    at.number_input(key=key).set_value(500.0)
    at.run()
    next(b for b in at.button if b.label.startswith("Save as default v2")).click()
    at.run()
    no_errors(at)
    at.switch_page("app_pages/portfolio.py")
    at.run()


# name -> (URL of the shared link the user opened, steps taken in the app, params the view must keep)
VIEWS = {
    "filter-in-link": ({"stage": "production"}, None, {"stage": ["production"]}),
    "two-filters-in-link": (
        {"stage": ["production", "pilot"], "risk": "low"},
        None,
        {"stage": ["production", "pilot"], "risk": ["low"]},
    ),
    "presentation-mode-in-link": ({"present": "true"}, None, {"present": ["true"]}),
    "filter-set-in-sidebar": ({}, "filter", {"verdict": ["at_risk"]}),
    "imported-portfolio": ({}, "import", {"portfolio": ["Finance register"]}),
    "saved-profile-version": ({}, "profile", {"profile": ["default v2"]}),
}


def _open_view(name: str) -> tuple[AppTest, dict[str, list[str]]]:
    link, step, kept = VIEWS[name]
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in link.items():
        at.query_params[key] = value
    at.run()
    no_errors(at)
    if step == "filter":
        at.sidebar.multiselect(key="verdict").set_value(["at_risk"])
        at.run()
    elif step == "import":
        _import_register(at)
    elif step == "profile":
        _save_profile_version(at)
    no_errors(at)
    assert [t.value for t in at.title] == ["Portfolio"]
    return at, kept


def _url(at: AppTest) -> dict[str, list[str]]:
    return {
        key: [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
        for key, value in at.query_params.items()
    }


@pytest.mark.parametrize("click", ["row", "dot"])
@pytest.mark.parametrize("view_name", list(VIEWS))
def test_a_click_opens_the_pilot_and_back_returns_to_the_same_view(store_path, view_name, click):
    at, kept = _open_view(view_name)
    pilot_id = _click_row(at) if click == "row" else _click_dot(at)
    no_errors(at)
    assert [t.value for t in at.title] == ["Pilot"]
    assert at.session_state["pilot_id"] == pilot_id
    assert at.selectbox(key="pilot_pick").value == pilot_id
    url = _url(at)
    assert url.get("pilot") == [pilot_id]
    for key, values in kept.items():
        assert url.get(key) == values, (key, url)

    next(b for b in at.button if b.key == "back_to_portfolio").click()
    at.run()
    no_errors(at)
    assert [t.value for t in at.title] == ["Portfolio"]  # and it stays there: the old click is spent
    at.run()
    assert [t.value for t in at.title] == ["Portfolio"]
    url = _url(at)
    for key, values in kept.items():
        assert url.get(key) == values, (key, url)


def test_a_link_value_the_view_cannot_show_is_dropped_not_an_error(store_path):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["portfolio"] = "No such portfolio"
    at.query_params["stage"] = ["production", "<script>"]
    at.query_params["profile"] = "x" * 5000
    at.run()
    no_errors(at)
    assert at.sidebar.selectbox(key="portfolio").value == "Sample portfolio"
    assert at.sidebar.multiselect(key="stage").value == ["production"]
    url = _url(at)
    assert "portfolio" not in url and "profile" not in url
    assert url["stage"] == ["production"]
