"""A decision's life: proposed, approved, carried into the next import, flagged to review."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from kairo_scoring import (
    DECISION_RECORD_COLUMNS,
    DECISION_STATE_COLUMNS,
    Actor,
    DecisionKind,
    DecisionProblem,
    DecisionRefused,
    DecisionState,
    DecisionStatus,
    decision_states,
    decision_summary,
    decisions_as_of,
    record_decisions,
    score,
)
from tests.decisions.conftest import PORTFOLIO, make_intake


def _states(store, scored):
    return decision_states(store.decisions(PORTFOLIO), scored).set_index("pilot_id")


def test_proposed_approved_carried_into_the_next_import_then_flagged_to_review(store, imported, users):
    snapshot_id, scored = imported
    [decision_id] = record_decisions(store, scored, snapshot_id, ["P1"], "accept", actor=users("ed"))

    states = _states(store, scored)
    assert states.loc["P1", "state"] == DecisionState.PROPOSED
    assert states.loc["P1", "option"] == "api_pipeline"  # accept takes the recommendation
    assert bool(states.loc["P1", "awaiting_sign_off"])
    assert states.loc["P2", "state"] == DecisionState.UNDECIDED

    store.approve_decisions(decision_id, comment="agreed at the board", actor=users("ann"))
    record = store.decisions(PORTFOLIO).iloc[0]
    assert (record["status"], record["signed_by"], record["sign_comment"]) == (
        DecisionStatus.APPROVED,
        "ann@example.com",
        "agreed at the board",
    )
    assert (record["verdict"], record["recommended"], record["readiness"]) == (
        "promote",
        "api_pipeline",
        100.0,
    )
    assert record["profile_name"] == scored.profile.name
    assert record["profile_hash"] == scored.profile.content_hash
    assert bool(record["proposed_by_verified"]) and bool(record["signed_by_verified"])
    assert _states(store, scored).loc["P1", "state"] == DecisionState.DECIDED

    # The same register again, imported anew: the decision belongs to the pilot and stays decided.
    same = store.import_snapshot(make_intake(content_hash="sha256:again"), portfolio=PORTFOLIO)
    rescored = score(store.load_pilots(same.snapshot_id))
    assert _states(store, rescored).loc["P1", "state"] == DecisionState.DECIDED

    # A register in which P1's process maturity dropped: its recommendation and verdict change.
    changed = store.import_snapshot(make_intake(1.0), portfolio=PORTFOLIO)
    current = score(store.load_pilots(changed.snapshot_id))
    states = _states(store, current)
    assert states.loc["P1", "state"] == DecisionState.TO_REVIEW
    assert states.loc["P1", "changes"] == ("verdict", "recommended")
    assert (states.loc["P1", "decided_recommended"], states.loc["P1", "recommended"]) == (
        "api_pipeline",
        "not_ready",
    )
    assert states.loc["P2", "state"] == DecisionState.UNDECIDED
    assert list(states.reset_index().columns) == list(DECISION_STATE_COLUMNS)
    assert decision_summary(states.reset_index()).to_review == 1


def test_a_new_proposal_supersedes_the_pending_one_and_an_approval_the_approved_one(store, imported, users):
    snapshot_id, scored = imported
    [first] = record_decisions(store, scored, snapshot_id, ["P2"], "accept", actor=users("ed"))
    [second] = record_decisions(
        store,
        scored,
        snapshot_id,
        ["P2"],
        "override",
        option="api_pipeline",
        reason="volume grows",
        actor=users("eve"),
    )
    by_id = store.decisions(PORTFOLIO).set_index("decision_id")
    assert by_id.loc[first, "status"] == DecisionStatus.SUPERSEDED
    assert by_id.loc[first, "superseded_by"] == second
    assert len(store.decisions(PORTFOLIO, in_force=True)) == 1

    with pytest.raises(DecisionRefused) as refused:
        store.approve_decisions(first, actor=users("ann"))
    assert refused.value.code == DecisionProblem.NOT_PENDING

    store.approve_decisions(second, actor=users("ann"))
    [third] = record_decisions(store, scored, snapshot_id, ["P2"], "retire", actor=users("ed"))
    states = _states(store, scored)
    assert states.loc["P2", "state"] == DecisionState.DECIDED  # the approved override is in force
    assert states.loc["P2", "decision_id"] == second
    assert states.loc["P2", "pending_decision_id"] == third
    store.approve_decisions(third, actor=users("alf"))
    by_id = store.decisions(PORTFOLIO).set_index("decision_id")
    assert by_id.loc[second, "status"] == DecisionStatus.SUPERSEDED
    assert by_id.loc[third, "status"] == DecisionStatus.APPROVED
    assert list(store.decisions(PORTFOLIO).columns) == list(DECISION_RECORD_COLUMNS)
    summary = decision_summary(_states(store, scored).reset_index())
    assert (summary.decided, summary.awaiting_sign_off, summary.undecided) == (1, 0, 2)


def test_self_approval_is_refused_and_nothing_changes(store, imported, users):
    snapshot_id, scored = imported
    [decision_id] = record_decisions(store, scored, snapshot_id, ["P1"], "accept", actor=users("ann"))
    audit_rows = len(store.audit())
    for sign in (store.approve_decisions, store.reject_decisions):
        with pytest.raises(DecisionRefused, match="someone else with the approver role") as refused:
            sign(decision_id, actor=users("ann"))
        assert refused.value.code == DecisionProblem.SELF_SIGN_OFF
    # The same person typing their address in open mode is the same person.
    with pytest.raises(DecisionRefused, match="someone else"):
        store.approve_decisions(decision_id, actor=Actor.open_mode(" ANN@example.com "))
    assert store.decisions(PORTFOLIO).iloc[0]["status"] == DecisionStatus.PROPOSED
    assert len(store.audit()) == audit_rows


def test_a_typed_name_cannot_approve_its_own_proposal_in_another_case(store, imported):
    snapshot_id, scored = imported
    [decision_id] = record_decisions(
        store, scored, snapshot_id, ["P3"], "retire", actor=Actor.open_mode("Jo Smith")
    )
    record = store.decisions(PORTFOLIO).iloc[0]
    assert (record["proposed_by"], bool(record["proposed_by_verified"])) == ("Jo Smith", False)
    with pytest.raises(DecisionRefused) as refused:
        store.approve_decisions(decision_id, actor=Actor.open_mode("jo  SMITH"))
    assert refused.value.code == DecisionProblem.SELF_SIGN_OFF
    store.reject_decisions(decision_id, comment="keep it", actor=Actor.open_mode("Kim"))
    assert store.decisions(PORTFOLIO).iloc[0]["status"] == DecisionStatus.REJECTED
    assert _states(store, scored).loc["P3", "state"] == DecisionState.UNDECIDED


@pytest.mark.parametrize(
    ("kind", "options", "code"),
    [
        ("override", {"option": "api_pipeline", "reason": "   "}, DecisionProblem.OVERRIDE_NEEDS_REASON),
        ("override", {"option": "shared_workspace", "reason": "x"}, DecisionProblem.OVERRIDE_SAME_OPTION),
        ("override", {"option": "moon_base", "reason": "x"}, DecisionProblem.UNKNOWN_OPTION),
        ("override", {"reason": "no option"}, DecisionProblem.UNKNOWN_OPTION),
        ("defer", {}, DecisionProblem.DEFER_NEEDS_DATE),
        ("defer", {"review_date": date.today() - timedelta(days=2)}, DecisionProblem.DEFER_DATE_PAST),
        ("promote_now", {}, DecisionProblem.UNKNOWN_KIND),
        ("override", {"option": "api_pipeline", "reason": "x" * 5000}, DecisionProblem.TEXT_TOO_LONG),
    ],
)
def test_a_decision_that_breaks_a_rule_is_refused_and_nothing_is_written(
    store, imported, users, kind, options, code
):
    snapshot_id, scored = imported
    before = store.row_counts()
    with pytest.raises(DecisionRefused) as refused:
        record_decisions(store, scored, snapshot_id, ["P2"], kind, actor=users("ed"), **options)
    assert refused.value.code == code
    assert "\n" not in str(refused.value)
    assert store.row_counts() == before


def test_override_with_a_reason_and_defer_with_a_date_are_recorded(store, imported, users):
    snapshot_id, scored = imported
    review = date.today() + timedelta(days=30)
    record_decisions(
        store, scored, snapshot_id, ["P1"], DecisionKind.DEFER, review_date=review, actor=users("ed")
    )
    record_decisions(
        store,
        scored,
        snapshot_id,
        ["P3"],
        "override",
        option="assisted_desktop",
        reason="a sponsor",
        actor=users("ed"),
    )
    rows = store.decisions(PORTFOLIO).set_index("pilot_id")
    assert rows.loc["P1", "review_date"] == review
    assert pd.isna(rows.loc["P1", "option"])
    assert (rows.loc["P3", "option"], rows.loc["P3", "reason"]) == ("assisted_desktop", "a sponsor")
    # A deferral is to review once its review date has come.
    later = decision_states(store.decisions(PORTFOLIO), scored, as_of=review + timedelta(days=1))
    assert later.set_index("pilot_id").loc["P1", "changes"] == ("review_date",)


def test_bulk_accept_is_all_or_none(store, imported, users):
    snapshot_id, scored = imported
    ids = record_decisions(store, scored, snapshot_id, ["P1", "P2", "P3"], "accept", actor=users("ed"))
    assert len(ids) == 3
    store.approve_decisions(ids, actor=users("ann"))
    assert decision_summary(decision_states(store.decisions(PORTFOLIO), scored)).decided == 3

    before = store.row_counts()
    with pytest.raises(DecisionRefused, match="no pilot P9") as refused:
        record_decisions(store, scored, snapshot_id, ["P1", "P9"], "accept", actor=users("ed"))
    assert refused.value.code == DecisionProblem.UNKNOWN_PILOT
    assert store.row_counts() == before


def test_accepting_an_undecided_recommendation_is_refused(store, imported, users):
    snapshot_id, scored = imported
    table = scored.table.copy()
    table["recommended"] = table["recommended"].cat.set_categories([*table["recommended"].cat.categories])
    table.loc[0, "recommended"] = "undecided"
    undecided = type(scored)(
        table, scored.gate_status, scored.profile, scored.blocking_failed, scored.blocking_unknown
    )
    with pytest.raises(DecisionRefused) as refused:
        record_decisions(store, undecided, snapshot_id, ["P1"], "accept", actor=users("ed"))
    assert refused.value.code == DecisionProblem.ACCEPT_UNDECIDED


def test_a_decision_needs_someone_to_record(store, imported):
    snapshot_id, scored = imported
    with pytest.raises(DecisionRefused) as refused:
        record_decisions(store, scored, snapshot_id, ["P1"], "accept")  # LOCAL_OPERATOR, no name
    assert refused.value.code == DecisionProblem.NO_IDENTITY


def test_decisions_as_they_stood_at_a_moment(store, imported, users):
    snapshot_id, scored = imported
    [decision_id] = record_decisions(store, scored, snapshot_id, ["P1"], "accept", actor=users("ed"))
    proposed_at = store.decisions(PORTFOLIO).iloc[0]["proposed_at"]
    store.approve_decisions(decision_id, actor=users("ann"))
    decisions = store.decisions(PORTFOLIO)
    assert decisions_as_of(decisions, proposed_at).iloc[0]["status"] == DecisionStatus.PROPOSED
    assert decisions_as_of(decisions, proposed_at - pd.Timedelta(seconds=1)).empty
    states = decision_states(decisions, scored, as_of=proposed_at).set_index("pilot_id")
    assert states.loc["P1", "state"] == DecisionState.PROPOSED
    assert (
        decision_states(decisions, scored).set_index("pilot_id").loc["P1", "state"] == DecisionState.DECIDED
    )


def test_deleting_the_snapshot_keeps_the_decision(store, imported, users):
    snapshot_id, scored = imported
    store.import_snapshot(make_intake(content_hash="sha256:next"), portfolio=PORTFOLIO)
    [decision_id] = record_decisions(store, scored, snapshot_id, ["P1"], "accept", actor=users("ed"))
    store.delete_snapshot(snapshot_id)
    assert store.decisions(PORTFOLIO)["decision_id"].tolist() == [decision_id]
    assert store.integrity_check() == []
