"""Decisions in the app (issue 13): the Pilot page's decision form and sign-off, the Portfolio
page's decision figures, column, filter and bulk accept, the Audit page and the decisions over
time on the History page. The rules are the library's (tests/decisions/); these tests check
that the pages call it, show its refusals as one line and write nothing when refused."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from kairo_scoring import Actor, PortfolioStore, default_profile, record_decisions, score
from tests.pages.conftest import APP, TIMEOUT, metrics, no_errors, pilot_table
from tests.security.test_auth_pages import AUTH, signed_in
from ui.auth import ROLES_ENV
from ui.decisions import UNVERIFIED_NOTE

PILOT = "KP-007"  # recommended now: Shared AI workspace (a settled recommendation)
ROLES = """
default_role = "viewer"

[emails]
"ann@example.com" = "approver"

[domains]
"example.com" = "editor"
"""


@pytest.fixture
def roles_file(tmp_path, monkeypatch):
    path = tmp_path / "roles.toml"
    path.write_text(ROLES, encoding="utf-8")
    monkeypatch.setenv(ROLES_ENV, str(path))
    return path


def app_as(
    user: dict | None = None, *, page: str | None = None, pilot: str | None = None, **params
) -> AppTest:
    """The app (open mode when `user` is None) on `page`, with `pilot` opened."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if user is not None:
        at.secrets["auth"] = AUTH
        at.user = user
    if pilot:
        at.query_params["pilot"] = pilot
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    no_errors(at)
    return at


def plain(text: str) -> str:
    return text.replace("\\", "")


def errors(at: AppTest) -> list[str]:
    return [plain(e.value) for e in at.error]


def click(at: AppTest, label: str) -> None:
    next(b for b in at.button if b.label == label).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def decide(at: AppTest, kind: str, *, name: str | None = "Ann Example", **fields) -> None:
    """Fill the Pilot page's decision form and record it."""
    prefix = f"decide::{PILOT}::"
    at.radio(key=prefix + "kind").set_value(kind)
    for field, value in fields.items():
        widget = {"option": at.selectbox, "reason": at.text_area, "review_date": at.date_input}[field]
        widget(key=prefix + field).set_value(value)
    if name is not None:
        at.text_input(key=prefix + "name").set_value(name)
    click(at, "Record the decision")


def stored(store_path):
    with PortfolioStore(store_path) as store:
        return store.decisions("Sample portfolio")


def audit_rows(store_path):
    with PortfolioStore(store_path) as store:
        return store.audit()


def table_with(at: AppTest, column: str):
    """The first table with `column` (a table without selection has no key in AppTest)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def markdown(at: AppTest) -> str:
    return "\n".join(plain(m.value) for m in at.markdown)


# --- the Pilot page ------------------------------------------------------------------------
def test_accept_on_the_pilot_page_is_recorded_under_the_typed_name(store_path):
    at = app_as(page="app_pages/pilot.py", pilot=PILOT)
    assert "No decision" in markdown(at)
    assert UNVERIFIED_NOTE in [plain(c.value).removeprefix(":material/info: ") for c in at.caption]
    before = len(audit_rows(store_path))
    decide(at, "accept")
    no_errors(at)
    decisions = stored(store_path)
    assert decisions[["pilot_id", "kind", "option", "status", "proposed_by"]].values.tolist() == [
        [PILOT, "accept", "shared_workspace", "proposed", "Ann Example"]
    ]
    assert not bool(decisions["proposed_by_verified"].iloc[0])  # a typed name
    assert len(audit_rows(store_path)) == before + 1
    text = markdown(at)  # the record shows on the same rerun
    assert "Awaiting sign-off" in text and "Accept the recommendation: Shared AI workspace" in text
    assert "Ann Example (typed, unverified)" in text
    assert any("Decision recorded" in s.value for s in at.success)


def test_an_override_without_a_reason_is_refused_and_nothing_is_written(store_path):
    at = app_as(page="app_pages/pilot.py", pilot=PILOT)
    before = len(audit_rows(store_path))
    decide(at, "override", option="api_pipeline")
    assert len(errors(at)) == 1 and "reason" in errors(at)[0].lower(), errors(at)
    assert stored(store_path).empty and len(audit_rows(store_path)) == before
    # with a reason it lands
    decide(at, "override", option="api_pipeline", reason="The board funds the pipeline this year.")
    no_errors(at)
    decision = stored(store_path).iloc[0]
    assert (decision["kind"], decision["option"], decision["reason"]) == (
        "override",
        "api_pipeline",
        "The board funds the pipeline this year.",
    )


def test_defer_records_the_review_date(store_path):
    import datetime as dt

    at = app_as(page="app_pages/pilot.py", pilot=PILOT)
    review = dt.date.today() + dt.timedelta(days=30)
    decide(at, "defer", review_date=review)
    no_errors(at)
    decision = stored(store_path).iloc[0]
    assert decision["kind"] == "defer" and decision["review_date"] == review


def test_open_mode_without_a_name_is_refused(store_path):
    at = app_as(page="app_pages/pilot.py", pilot=PILOT)
    decide(at, "retire", name=None)
    assert len(errors(at)) == 1 and "type your name" in errors(at)[0], errors(at)
    assert stored(store_path).empty


# --- sign-off and roles (signed in) --------------------------------------------------------
def propose_as(email: str) -> AppTest:
    at = app_as(signed_in(email), page="app_pages/pilot.py", pilot=PILOT)
    assert not [t for t in at.text_input if t.key.endswith("::name")]  # signed in: no name to type
    decide(at, "accept", name=None)
    no_errors(at)
    return at


def test_an_approver_signs_off_an_editors_decision(store_path, roles_file):
    propose_as("ed@example.com")
    (decision_id,) = stored(store_path)["decision_id"].tolist()
    at = app_as(signed_in("ann@example.com"), page="app_pages/pilot.py", pilot=PILOT)
    at.text_area(key=f"sign_off::{decision_id}::comment").set_value("Agreed at the steering group.")
    click(at, "Approve")
    no_errors(at)
    decision = stored(store_path).iloc[0]
    assert (decision["status"], decision["signed_by"], decision["sign_comment"]) == (
        "approved",
        "ann@example.com",
        "Agreed at the steering group.",
    )
    assert "Decided" in markdown(at) and "Signed off by ann@example.com" in markdown(at)
    at.switch_page("app_pages/portfolio.py")
    at.run()
    assert metrics(at)["Decided"] == "1" and metrics(at)["Awaiting sign-off"] == "0"


def test_an_editor_sees_no_sign_off_and_self_approval_is_refused(store_path, roles_file):
    at = propose_as("ed@example.com")
    assert "Approve" not in [b.label for b in at.button]  # an editor cannot sign off
    at = propose_as("ann@example.com")  # an approver proposes (supersedes ed's) ...
    click(at, "Approve")  # ... and tries to approve her own
    assert len(errors(at)) == 1 and "someone else with the approver role" in errors(at)[0], errors(at)
    assert stored(store_path)["status"].tolist() == ["proposed", "superseded"]


def test_a_viewer_gets_no_form_and_a_crafted_attempt_is_refused(store_path, roles_file):
    at = app_as(signed_in("val@elsewhere.org"), page="app_pages/pilot.py", pilot=PILOT)
    assert "Record the decision" not in [b.label for b in at.button]
    assert any("Recording a decision needs the editor role" in plain(i.value) for i in at.info)
    # the form drawn for an editor, the role lowered to viewer before the click
    at = app_as(signed_in("ed@example.com"), page="app_pages/pilot.py", pilot=PILOT)
    roles_file.write_text(
        ROLES.replace('"example.com" = "editor"', '"example.com" = "viewer"'), encoding="utf-8"
    )
    before = len(audit_rows(store_path))
    decide(at, "accept", name=None)
    assert any("needs the editor role" in e for e in errors(at)), errors(at)
    assert stored(store_path).empty and len(audit_rows(store_path)) == before


# --- the Portfolio page --------------------------------------------------------------------
def select_rows(at: AppTest, rows: list[int]) -> None:
    at.session_state["pilot_table_bulk"] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    at.run()
    no_errors(at)


def test_bulk_accept_of_several_rows(store_path):
    at = app_as()
    assert metrics(at)["Decided"] == "0" and metrics(at)["Awaiting sign-off"] == "0"
    assert set(pilot_table(at)["decision"]) == {"No decision"}
    at.toggle(key="bulk_deciding").set_value(True)
    at.run()
    table = next(d for d in at.dataframe if d.key == "pilot_table_bulk").value
    settled = [i for i, r in enumerate(table["recommended"]) if r != "Undecided"][:3]
    ids = [str(table.iloc[i]["pilot_id"]) for i in settled]
    select_rows(at, settled)
    at.text_input(key="bulk::name").set_value("Workshop lead")
    click(at, "Accept the recommendation for these 3")
    no_errors(at)
    decisions = stored(store_path)
    assert sorted(decisions["pilot_id"]) == sorted(ids)
    assert set(decisions["kind"]) == {"accept"} and set(decisions["proposed_by"]) == {"Workshop lead"}
    assert metrics(at)["Awaiting sign-off"] == "3"
    shown = next(d for d in at.dataframe if d.key == "pilot_table_bulk").value
    assert shown.set_index("pilot_id").loc[ids, "decision"].tolist() == ["Awaiting sign-off"] * 3
    # the decision filter (carried in the URL) keeps those three
    at.sidebar.multiselect(key="decision").set_value(["proposed"])
    at.run()
    no_errors(at)
    assert sorted(pilot_table_any(at)["pilot_id"]) == sorted(ids)
    assert at.query_params["decision"] in ("proposed", ["proposed"])


def pilot_table_any(at: AppTest):
    return next(d for d in at.dataframe if d.key in ("pilot_table", "pilot_table_bulk")).value


def test_a_bulk_accept_with_an_undecided_pilot_is_refused_whole(store_path):
    at = app_as()
    at.toggle(key="bulk_deciding").set_value(True)
    at.run()
    table = next(d for d in at.dataframe if d.key == "pilot_table_bulk").value
    undecided = [i for i, r in enumerate(table["recommended"]) if r == "Undecided"]
    if not undecided:
        pytest.skip("the sample has no pilot without a settled recommendation")
    settled = [i for i, r in enumerate(table["recommended"]) if r != "Undecided"][:1]
    select_rows(at, settled + undecided[:1])
    at.text_input(key="bulk::name").set_value("Workshop lead")
    click(at, "Accept the recommendation for these 2")
    assert len(errors(at)) == 1 and str(table.iloc[undecided[0]]["pilot_id"]) in errors(at)[0], errors(at)
    assert stored(store_path).empty


def test_one_selected_row_still_opens_the_pilot(store_path):
    at = app_as()
    at.toggle(key="bulk_deciding").set_value(True)
    at.run()
    table = next(d for d in at.dataframe if d.key == "pilot_table_bulk").value
    select_rows(at, [0])
    click(at, "Open the pilot")
    no_errors(at)
    assert [t.value for t in at.title] == ["Pilot"]
    assert at.session_state["pilot_id"] == str(table.iloc[0]["pilot_id"])


# --- Audit and History ---------------------------------------------------------------------
def test_the_audit_page_lists_the_writes_newest_first(store_path):
    at = app_as(page="app_pages/pilot.py", pilot=PILOT)
    decide(at, "accept", name="Ann Example")
    at.switch_page("app_pages/audit.py")
    at.run()
    no_errors(at)
    table = table_with(at, "Content hash")
    assert table["Action"].iloc[0] == "Proposed a decision"  # newest first
    assert table["Who"].iloc[0] == "Ann Example" and table["Identity"].iloc[0] == "typed, unverified"
    assert "Imported a register" in set(table["Action"])
    at.selectbox(key="audit_action").set_value("propose_decision")
    at.run()
    assert table_with(at, "Content hash")["Action"].tolist() == ["Proposed a decision"]
    assert any(b.label == "Download as csv" for b in at.get("download_button"))


def test_the_audit_page_is_refused_for_an_editor(store_path, roles_file):
    at = app_as(signed_in("ed@example.com"), page="app_pages/audit.py")
    assert any("needs the approver role" in plain(i.value) for i in at.info)
    assert not [d for d in at.dataframe if "Content hash" in d.value.columns]
    at = app_as(signed_in("ann@example.com"), page="app_pages/audit.py")
    assert [d for d in at.dataframe if "Content hash" in d.value.columns]


def test_history_counts_decisions_per_snapshot_and_lists_those_to_review(store_path):
    at = app_as()
    with PortfolioStore(store_path) as store:
        snapshots = store.snapshots("Sample portfolio").sort_values("created_at")
        older, newer = (int(i) for i in snapshots["snapshot_id"])
        profile = default_profile()
        before = score(store.load_pilots(older), profile)
        after = score(store.load_pilots(newer), profile)
        was = dict(zip(before.table["pilot_id"], before.table["recommended"], strict=True))
        moved = next(
            p
            for p, r in zip(after.table["pilot_id"], after.table["recommended"], strict=True)
            if p in was and was[p] != r and was[p] != "undecided"
        )
        record_decisions(store, before, older, [moved], "accept", actor=Actor.open_mode("Ann"))
        record_decisions(store, after, newer, [PILOT], "accept", actor=Actor.open_mode("Ann"))
    at.switch_page("app_pages/history.py")
    at.run()
    no_errors(at)
    counts = table_with(at, "Awaiting sign-off")
    assert len(counts) == 2
    # the older snapshot: before any decision; the newest: now (one proposed, one to review)
    assert counts[["Decided", "To review", "Awaiting sign-off"]].values.tolist() == [
        ["0", "0", "0"],
        ["0", "1", "1"],
    ]
    review = table_with(at, "What changed")
    assert len(review) == 1 and review["What changed"].iloc[0].startswith("recommendation:")
    assert any("To review" in c.proto.spec for c in at.get("plotly_chart"))  # the decision trend chart


def test_presentation_mode_shows_people_by_alias_on_every_page(store_path):
    at = app_as(page="app_pages/pilot.py", pilot=PILOT, present="true")
    decide(at, "accept", name="Ann Example")
    no_errors(at)
    assert stored(store_path)["proposed_by"].tolist() == ["Ann Example"]  # the real name is stored
    assert "Proposed by Person A" in markdown(at) and "Ann Example" not in markdown(at)
    assert at.text_input(key=f"decide::{PILOT}::name").value == ""  # the room does not read it there
    at.switch_page("app_pages/audit.py")
    at.run()
    no_errors(at)
    table = table_with(at, "Content hash")
    assert table["Who"].iloc[0] == "Person A"  # the alias the decision record shows
    assert "Ann Example" not in set(table["Who"]) and "Detail" not in table.columns
    assert not at.get("download_button")


def test_a_shared_link_carries_the_decision_filter(store_path):
    app_as()  # creates the store with the sample
    with PortfolioStore(store_path) as store:
        latest = int(store.latest_snapshot_id("Sample portfolio"))
        scored = score(store.load_pilots(latest), default_profile())
        record_decisions(store, scored, latest, [PILOT], "accept", actor=Actor.open_mode("Ann"))
    at = app_as(decision="proposed")
    assert pilot_table(at)["pilot_id"].tolist() == [PILOT]
    assert any("Decision: Awaiting sign-off" in plain(c.value) for c in at.caption)  # the context line
    assert metrics(at)["Pilots"] == "1"


def test_the_decision_filter_keeps_pilots_by_their_state():
    import numpy as np
    import pandas as pd

    from kairo_scoring import PortfolioFilter, filters_text, person_aliases

    table = pd.DataFrame(
        {c: ["x", "y", "z"] for c in ("business_unit", "owner", "stage", "verdict", "risk_level")}
    )
    states = pd.Series(["decided", "to_review", "undecided"])
    only = PortfolioFilter(decision=("to_review", "decided"))
    assert only.active and only.mask(table, states).tolist() == [True, True, False]
    with pytest.raises(ValueError, match="decision state"):
        only.mask(table)  # never silently ignored
    assert PortfolioFilter().mask(table).tolist() == [True] * 3  # without the filter, no states needed
    assert filters_text(only) == "Decision: To review, Decided"
    assert np.array_equal(
        PortfolioFilter(verdict=("y",), decision=("to_review",)).mask(table, states), [False, True, False]
    )
    # aliases: a page that shows more people keeps the decision record's letters
    record = person_aliases(pd.Series(["zoe@x.com", "Ann"]))
    assert record == {"Ann": "Person A", "zoe@x.com": "Person B"}
    assert person_aliases(pd.Series(["Bob", "Ann", None]), known=record) == {**record, "Bob": "Person C"}
