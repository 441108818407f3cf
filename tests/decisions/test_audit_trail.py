"""Every write leaves exactly one audit row; the store offers no way to change or remove one;
each role against each write."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kairo_scoring import (
    AUDIT_COLUMNS,
    MIN_ROLE,
    AccessDenied,
    Action,
    Actor,
    AuditAction,
    DecisionProposal,
    PortfolioStore,
    Role,
    can,
    load_profile,
    record_decisions,
)
from kairo_scoring.provenance import ANSWER_COLUMNS
from kairo_scoring.store import duckdb_backend
from kairo_scoring.store import store as store_module
from tests.conftest import REPO
from tests.decisions.conftest import PORTFOLIO, make_intake

MAPPING_TOML = '[columns]\nname = "Use case"\n'


def _answers() -> pd.DataFrame:
    return pd.DataFrame(
        {"pilot_id": ["P1"], "field": ["controls"], "value": [3], "kind": ["app"]},
        columns=list(ANSWER_COLUMNS),
    )


def _pending(store: PortfolioStore, snapshot_id: int, scored) -> int:
    """A decision proposed by someone who signs nothing in these tests."""
    return record_decisions(store, scored, snapshot_id, ["P2"], "accept", actor=Actor.open_mode("Setup"))[0]


# Each write of the store: (audit action, the action it needs, how to do it as `actor`).
def _import(store, actor, ctx):
    store.import_snapshot(make_intake(2.0), portfolio=PORTFOLIO, actor=actor)


def _save_answers(store, actor, ctx):
    store.save_answers(ctx["snapshot_id"], _answers(), source_name="Pilot page", actor=actor)


def _save_profile(store, actor, ctx):
    profile = load_profile()
    store.save_profile("reviewed", 1, profile.to_toml(), profile.content_hash, actor=actor)


def _save_mapping(store, actor, ctx):
    store.save_mapping("finance", MAPPING_TOML, actor=actor)


def _delete_snapshot(store, actor, ctx):
    store.delete_snapshot(ctx["spare_snapshot_id"], actor=actor)


def _propose(store, actor, ctx):
    record_decisions(store, ctx["scored"], ctx["snapshot_id"], ["P1"], "retire", actor=actor)


def _approve(store, actor, ctx):
    store.approve_decisions(ctx["pending"], comment="fine", actor=actor)


def _reject(store, actor, ctx):
    store.reject_decisions(ctx["pending"], comment="no", actor=actor)


WRITES = {
    "import": (AuditAction.IMPORT, Action.IMPORT, _import),
    "save_answers": (AuditAction.SAVE_ANSWERS, Action.SAVE_ANSWERS, _save_answers),
    "save_profile": (AuditAction.SAVE_PROFILE, Action.EDIT_PROFILE, _save_profile),
    "save_mapping": (AuditAction.SAVE_MAPPING, Action.SAVE_MAPPING, _save_mapping),
    "delete_snapshot": (AuditAction.DELETE_SNAPSHOT, Action.DELETE_SNAPSHOT, _delete_snapshot),
    "propose_decision": (AuditAction.PROPOSE_DECISION, Action.PROPOSE_DECISION, _propose),
    "approve_decision": (AuditAction.APPROVE_DECISION, Action.SIGN_OFF, _approve),
    "reject_decision": (AuditAction.REJECT_DECISION, Action.SIGN_OFF, _reject),
}


@pytest.fixture
def ctx(store, imported):
    snapshot_id, scored = imported
    spare = store.import_snapshot(make_intake(3.0), portfolio="Spare").snapshot_id
    return {
        "snapshot_id": snapshot_id,
        "scored": scored,
        "spare_snapshot_id": spare,
        "pending": _pending(store, snapshot_id, scored),
    }


def test_every_kind_of_audit_action_has_a_write_here():
    assert {action for action, _, _ in WRITES.values()} == set(AuditAction)


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_leaves_exactly_one_audit_row(store, ctx, users, write):
    action, _, do = WRITES[write]
    actor = users("root")  # an admin may do every write
    before = store.audit()
    do(store, actor, ctx)
    after = store.audit()
    assert len(after) == len(before) + 1
    row = after.iloc[-1]
    assert list(after.columns) == list(AUDIT_COLUMNS)
    assert (row["action"], row["who"], bool(row["verified"]), row["role"]) == (
        action,
        "root@example.com",
        True,
        "admin",
    )
    assert re.fullmatch(r"[0-9a-zA-Z:_-]{8,}", row["content_hash"]), row["content_hash"]
    assert row["object_id"], row
    assert row["recorded_at"].tzinfo is not None


def test_a_write_that_changes_nothing_leaves_no_audit_row(store, ctx):
    profile = load_profile()
    store.save_profile("reviewed", 1, profile.to_toml(), profile.content_hash)
    store.save_mapping("finance", MAPPING_TOML)
    before = len(store.audit())
    store.import_snapshot(make_intake(), portfolio=PORTFOLIO)  # the same file again: recognised
    store.save_profile("reviewed", 1, profile.to_toml(), profile.content_hash)
    store.save_mapping("finance", MAPPING_TOML)
    assert len(store.audit()) == before


def test_a_bulk_decision_leaves_one_audit_row_per_pilot(store, imported, users):
    snapshot_id, scored = imported
    before = len(store.audit())
    ids = record_decisions(store, scored, snapshot_id, ["P1", "P2", "P3"], "accept", actor=users("ed"))
    trail = store.audit().iloc[before:]
    assert trail["object_id"].tolist() == [f"decision {i}" for i in ids]
    assert set(trail["action"]) == {AuditAction.PROPOSE_DECISION}


def test_the_audit_trail_filters_by_day_and_portfolio(store, ctx):
    trail = store.audit()
    today = trail["recorded_at"].iloc[-1].date()
    assert len(store.audit(today)) == len(trail)
    assert store.audit(today + pd.Timedelta(days=1)).empty
    assert len(store.audit(until=today)) == len(trail)
    assert set(store.audit(portfolio="Spare")["action"]) == {AuditAction.IMPORT}
    assert set(store.audit(action="propose_decision")["action"]) == {AuditAction.PROPOSE_DECISION}


# --- append-only -------------------------------------------------------------------------
def test_the_store_api_offers_no_way_to_change_or_remove_an_audit_row():
    public = {name for name, _ in inspect.getmembers(PortfolioStore) if not name.startswith("_")}
    touching = {name for name in public if "audit" in name}
    assert touching == {"audit"}  # the one reader
    assert "audit" not in inspect.signature(PortfolioStore.delete_snapshot).parameters
    # No SQL anywhere in the store updates, deletes from, truncates, drops or alters the audit table.
    pattern = re.compile(
        r"\b(UPDATE|DELETE\s+FROM|TRUNCATE|DROP\s+TABLE|ALTER\s+TABLE)\s+(TABLE\s+)?audit\b", re.I
    )
    for path in sorted((REPO / "kairo_scoring" / "store").glob("*.py")):
        assert not pattern.search(path.read_text(encoding="utf-8")), path
    # The audit table is not one whose rows a snapshot delete removes.
    assert "audit" not in duckdb_backend.SNAPSHOT_ROW_TABLES


def test_the_database_connection_is_not_exposed(store):
    exposed = [
        name
        for holder in (store, store._backend)
        for name in dir(holder)
        if not name.startswith("_") and isinstance(getattr(holder, name, None), duckdb.DuckDBPyConnection)
    ]
    assert exposed == []
    assert not any(
        isinstance(getattr(store, name, None), duckdb_backend.DuckDBBackend)
        for name in dir(store)
        if not name.startswith("_")
    )
    assert store_module.PortfolioStore is PortfolioStore


def test_audit_rows_survive_a_snapshot_delete(store, ctx):
    before = store.audit()
    store.delete_snapshot(ctx["spare_snapshot_id"])
    after = store.audit()
    pd.testing.assert_frame_equal(after.iloc[: len(before)], before)


# --- roles -------------------------------------------------------------------------------
ROLE_USERS = {Role.VIEWER: "vi", Role.EDITOR: "ed", Role.APPROVER: "ann", Role.ADMIN: "root"}


def test_the_roles_are_ordered_with_approver_between_editor_and_admin():
    assert Role.VIEWER < Role.EDITOR < Role.APPROVER < Role.ADMIN
    assert MIN_ROLE[Action.PROPOSE_DECISION] is Role.EDITOR
    assert MIN_ROLE[Action.SIGN_OFF] is Role.APPROVER
    assert MIN_ROLE[Action.READ_AUDIT] is Role.APPROVER


@pytest.mark.parametrize("role", list(ROLE_USERS), ids=lambda r: r.label)
@pytest.mark.parametrize("write", list(WRITES))
def test_each_role_against_each_write(store, ctx, users, role, write):
    _, needed, do = WRITES[write]
    actor = users(ROLE_USERS[role])
    before_counts, before_audit = store.row_counts(), len(store.audit())
    if can(role, needed):
        do(store, actor, ctx)
        assert len(store.audit()) == before_audit + 1
        assert store.audit().iloc[-1]["role"] == role.label
        return
    with pytest.raises(AccessDenied) as refused:
        do(store, actor, ctx)
    assert refused.value.needed == MIN_ROLE[needed].label
    assert "\n" not in str(refused.value)
    assert store.row_counts() == before_counts  # nothing written, not even an audit row


@pytest.mark.parametrize("role", list(ROLE_USERS), ids=lambda r: r.label)
def test_reading_the_audit_trail_needs_the_approver_role(store, ctx, users, role):
    actor = users(ROLE_USERS[role])
    if role >= Role.APPROVER:
        assert len(store.audit(actor=actor)) > 0
    else:
        with pytest.raises(AccessDenied, match="Reading the audit trail needs the approver role"):
            store.audit(actor=actor)


def test_approver_is_a_role_the_roles_file_accepts(tmp_path: Path):
    path = tmp_path / "roles.toml"
    path.write_text('[emails]\n"a@b.org" = "Approver"\n', encoding="utf-8")
    actor = Actor.user("a@b.org", email_verified=True, roles_path=path)
    assert store_module.authorize(actor, Action.SIGN_OFF) is Role.APPROVER


def test_a_viewer_cannot_slip_a_proposal_in_through_the_store_directly(store, imported, users):
    snapshot_id, scored = imported
    before = store.row_counts()
    proposal = DecisionProposal(pilot_id="P1", kind="retire", verdict="promote", recommended="api_pipeline")
    with pytest.raises(AccessDenied):
        store.propose_decision(snapshot_id, proposal, actor=users("vi"))
    assert store.row_counts() == before
