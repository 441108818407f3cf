"""The xlsx Decisions sheet, the HTML decision log, the audit csv and the labels of decisions."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from kairo_scoring import (
    AUDIT_ACTION_LABELS,
    DECISION_KIND_LABELS,
    DECISION_LOG_COLUMNS,
    DECISION_STATE_LABELS,
    DECISION_STATUS_LABELS,
    AuditAction,
    DecisionKind,
    DecisionState,
    DecisionStatus,
    DecisionSummary,
    decision_changes_text,
    decision_state_label,
    decision_states,
    decision_summary,
    export_audit_csv,
    proposals_from_scored,
    record_decisions,
    score,
    summary_html,
    write_scored,
)
from tests.decisions.conftest import PORTFOLIO, make_intake


@pytest.fixture
def decided(store, imported, users):
    """P1 accepted and approved, P3 overridden with a reason and awaiting sign-off."""
    snapshot_id, scored = imported
    [accepted] = record_decisions(store, scored, snapshot_id, ["P1"], "accept", actor=users("ed"))
    store.approve_decisions(accepted, comment="agreed <b>now</b>", actor=users("ann"))
    record_decisions(
        store,
        scored,
        snapshot_id,
        ["P3"],
        "override",
        option="assisted_desktop",
        reason="=1+1 sponsor",
        actor=users("eve"),
    )
    return scored, store.decisions(PORTFOLIO)


def test_the_xlsx_gets_a_decisions_sheet_with_who_when_why_and_approval(tmp_path: Path, decided):
    scored, decisions = decided
    path = tmp_path / "scored.xlsx"
    write_scored(scored.table, scored.profile, path, decisions=decisions)
    book = openpyxl.load_workbook(path)
    assert "Decisions" in book.sheetnames
    assert book.sheetnames.index("Decisions") < book.sheetnames.index("Profile")
    sheet = book["Decisions"]
    header = [c.value for c in sheet[1]]
    assert header == list(DECISION_LOG_COLUMNS)
    rows = [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(min_row=2)]
    by_pilot = {r["Pilot ID"]: r for r in rows}
    assert set(by_pilot) == {"P1", "P3"}
    p1, p3 = by_pilot["P1"], by_pilot["P3"]
    assert (p1["Pilot"], p1["Decision taken"], p1["Option"]) == (
        "Invoice triage",
        "Accept the recommendation",
        "API workflow pipeline",
    )
    assert (p1["Proposed by"], p1["Proposer identity"], p1["Status"]) == (
        "ed@example.com",
        "signed in",
        "Approved",
    )
    assert (p1["Signed off by"], p1["Sign-off comment"]) == ("ann@example.com", "agreed <b>now</b>")
    assert p1["Signed off"].endswith(" UTC") and p1["Proposed"].endswith(" UTC")
    assert (p1["Verdict then"], p1["Readiness then"]) == ("Promote", "100")
    assert p1["Profile"].startswith(scored.profile.name)
    assert (p3["Decision taken"], p3["Reason"], p3["Status"]) == (
        "Choose another option",
        "=1+1 sponsor",
        "Awaiting sign-off",
    )
    assert p3["Signed off by"] in (None, "")


def test_no_decisions_no_sheet(tmp_path: Path, imported, store):
    _, scored = imported
    path = tmp_path / "scored.xlsx"
    write_scored(scored.table, scored.profile, path, decisions=store.decisions(PORTFOLIO))
    assert "Decisions" not in openpyxl.load_workbook(path).sheetnames


def test_the_html_summary_has_a_decision_log_escaped(decided):
    scored, decisions = decided
    html = summary_html(scored, portfolio=PORTFOLIO, decisions=decisions)
    log = html[html.index("<h2>Decision log</h2>") :]
    assert "Invoice triage" in log and "HR chatbot" in log
    assert "agreed &lt;b&gt;now&lt;/b&gt;" in log and "<b>now</b>" not in html
    assert "Awaiting sign-off" in log and "Approved" in log
    assert "<h2>Decision log</h2>" not in summary_html(scored, portfolio=PORTFOLIO)


def test_the_decision_log_shows_aliases_when_the_table_is_anonymised(decided):
    scored, decisions = decided
    table = scored.table.assign(name=[f"Pilot {i + 1}" for i in range(len(scored.table))])
    anonymised = type(scored)(
        table, scored.gate_status, scored.profile, scored.blocking_failed, scored.blocking_unknown
    )
    html = summary_html(anonymised, portfolio=PORTFOLIO, decisions=decisions, anonymised=True)
    assert "Invoice triage" not in html and "Pilot 1" in html


def test_the_audit_csv_is_formula_safe(store, decided):
    rows = list(csv.DictReader(io.StringIO(export_audit_csv(store.audit()).decode("utf-8-sig"))))
    assert [r["action"] for r in rows] == [
        "import",
        "propose_decision",
        "approve_decision",
        "propose_decision",
    ]
    assert all(not r["detail"].startswith(("=", "+", "-", "@")) for r in rows)


def test_every_kind_state_status_and_action_has_a_label():
    assert set(DECISION_KIND_LABELS) == {k.value for k in DecisionKind}
    assert set(DECISION_STATUS_LABELS) == {s.value for s in DecisionStatus}
    assert set(DECISION_STATE_LABELS) == {s.value for s in DecisionState}
    assert set(AUDIT_ACTION_LABELS) == {a.value for a in AuditAction}
    assert decision_state_label("to_review") == "To review"
    assert decision_state_label(None) == "unknown"


def test_what_changed_reads_in_words(store, imported, users):
    snapshot_id, scored = imported
    [decision_id] = store.propose_decisions(
        snapshot_id, proposals_from_scored(scored, ["P1", "P1"], "accept"), actor=users("ed")
    )
    store.approve_decisions(decision_id, actor=users("ann"))
    changed = store.import_snapshot(make_intake(1.0), portfolio=PORTFOLIO)
    states = decision_states(store.decisions(PORTFOLIO), score(store.load_pilots(changed.snapshot_id)))
    row = states.set_index("pilot_id").loc["P1"]
    assert (
        decision_changes_text(row)
        == "recommendation: API workflow pipeline → Keep piloting; verdict: Promote → At risk"
    )
    assert decision_changes_text(states.set_index("pilot_id").loc["P2"]) == ""
    assert decision_summary(states) == DecisionSummary(
        pilots=3, decided=0, to_review=1, proposed=0, undecided=2, awaiting_sign_off=0
    )
