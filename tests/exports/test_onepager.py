"""A pilot's one-pager (`pilot_onepager_html`): self-contained, complete, escaped, and in
presentation mode free of the real names, files and people."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from kairo_scoring import (
    STATUS_LABELS,
    Actor,
    DecisionKind,
    PortfolioStore,
    anonymise,
    default_profile,
    gate_checklist_table,
    path_step_sentence,
    pilot_onepager_html,
    pilot_sheet,
    read_portfolio,
    record_decisions,
    schema,
    score,
    with_table,
)
from tests.conftest import REPO

SAMPLE = REPO / "data" / "sample_portfolio.xlsx"


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """(scored, provenance, decisions) of the sample in a store; a decision on the pilot
    with the longest promotion path, awaiting sign-off."""
    path = tmp_path_factory.mktemp("onepager") / "kairo.duckdb"
    with PortfolioStore(path) as store:
        info = store.import_snapshot(read_portfolio(SAMPLE), portfolio="Demo")
        scored = score(store.load_pilots(info.snapshot_id), default_profile())
        record_decisions(
            store,
            scored,
            info.snapshot_id,
            [longest_path(scored)],
            DecisionKind.DEFER,
            reason="Waiting for Priya Raman's audit",
            review_date=pd.Timestamp("2027-02-01").date(),
            actor=Actor.local("Quentin Proposer"),
        )
        return scored, store.load_provenance(info.snapshot_id), store.decisions("Demo")


def longest_path(scored) -> str:
    return max(scored.table["pilot_id"], key=lambda p: len(scored.promotion_path(p)))


class _Refs(HTMLParser):
    """Every src/href and every <script> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs) -> None:
        self.scripts += tag == "script"
        self.refs += [v or "" for k, v in attrs if k in ("src", "href")]


def test_the_page_is_self_contained_and_printable(stored):
    scored, provenance, decisions = stored
    page = pilot_onepager_html(scored, longest_path(scored), provenance=provenance, decisions=decisions)
    refs = _Refs()
    refs.feed(page)
    assert refs.scripts == 0 and refs.refs == []
    assert not re.search(r"https?://", page)
    assert "@page { size: A4" in page and "<style>" in page


def test_the_page_holds_scorecard_gates_path_next_step_sources_and_decision(stored):
    scored, provenance, decisions = stored
    pilot_id = longest_path(scored)
    row = scored.pilot(pilot_id)
    page = pilot_onepager_html(scored, pilot_id, provenance=provenance, decisions=decisions)
    for heading in (
        "Scorecard",
        "Gates of each option",
        "Promotion path",
        "Answers and where they came from",
        "Decision and sign-off",
    ):
        assert f"<h2>{heading}</h2>" in page
    assert row["next_step"].replace("'", "&#x27;") in page
    sheet = pilot_sheet(scored, pilot_id, provenance=provenance, decisions=decisions)
    assert len(sheet.gates) == len(scored.profile.gates)
    assert all(s.split(". ", 1)[1] in page.replace("&gt;", ">") for s in sheet.path) and len(sheet.path) >= 2
    assert "register: sample_portfolio.xlsx, sheet Pilots" in page  # where its answers came from
    assert "Decide later" in page or "Defer" in page
    assert "Awaiting sign-off" in page and "Quentin Proposer" in page
    other = scored.table["pilot_id"].iloc[0] if scored.table["pilot_id"].iloc[0] != pilot_id else "KP-002"
    assert "No decision recorded yet." in pilot_onepager_html(scored, other, decisions=decisions)


def test_the_gate_checklist_and_path_read_as_on_the_pilot_page(stored):
    scored, _, _ = stored
    pilot_id = longest_path(scored)
    table = gate_checklist_table(scored.gate_checklist(pilot_id), scored.profile.gates)
    assert list(table.columns) == ["Option", "Gate", "Current", "Required", "Status"]
    assert set(table["Status"]) <= set(STATUS_LABELS.values())
    assert not table["Required"].str.contains("≥").any()
    first = scored.promotion_path(pilot_id)[0]
    assert path_step_sentence(1, first).startswith("1. ")


def test_user_text_is_escaped():
    pilots = schema.conform(
        pd.DataFrame(
            {
                "pilot_id": ["X1"],
                "name": ["<script>alert(1)</script> & co"],
                "owner": ['"><img src=x onerror=alert(2)>'],
                "business_unit": ["<b>Unit</b>"],
            }
        )
    )
    page = pilot_onepager_html(score(pilots, default_profile()), "X1", portfolio="<i>P</i>")
    assert "<script>" not in page and "<img" not in page and "<b>Unit" not in page and "<i>P" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    refs = _Refs()
    refs.feed(page)
    assert refs.scripts == 0 and refs.refs == []


def test_presented_the_page_names_no_one(stored):
    scored, provenance, decisions = stored
    pilot_id = longest_path(scored)
    real = scored.pilot(pilot_id)
    presented = with_table(scored, anonymise(scored.table))
    page = pilot_onepager_html(
        presented, pilot_id, provenance=provenance, decisions=decisions, anonymised=True
    )
    for secret in (real["name"], real["owner"], "sample_portfolio.xlsx", "Quentin Proposer", "Priya Raman"):
        assert str(secret) not in page and html.escape(str(secret)) not in page
    assert presented.pilot(pilot_id)["name"] in page and "names and owners anonymised" in page
    plain = pilot_onepager_html(scored, pilot_id, provenance=provenance, decisions=decisions)
    # The same search finds them on the page unpresented.
    assert html.escape(real["name"]) in plain and html.escape(real["owner"]) in plain


def test_an_unknown_pilot_is_a_key_error(stored):
    with pytest.raises(KeyError):
        pilot_onepager_html(stored[0], "no such pilot")
