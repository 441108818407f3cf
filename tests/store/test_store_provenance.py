"""Provenance in the store: written with each snapshot, read back, upgraded from older stores,
and answers landed as one new snapshot (`save_answers`)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from kairo_scoring.access import Actor
from kairo_scoring.errors import AccessDenied, StoreError
from kairo_scoring.intake import read_portfolio
from kairo_scoring.provenance import ANSWER_OUTCOMES, BEFORE_PROVENANCE, OPEN_MODE
from kairo_scoring.store import STORE_SCHEMA_VERSION, PortfolioStore, SavedAnswers
from tests.store.downgrade import as_version
from tests.store.store_fixtures import make_answers, make_result


def _register() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Pilots"
    sheet.append(["Pilot ID", "Pilot name", "Business unit", "Controls", "Users"])
    sheet.append(["P-1", "Invoice triage", "Finance", 4, 12])
    sheet.append([None, "Contract review", "Legal", None, None])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_provenance_round_trips_through_a_real_store(store: PortfolioStore) -> None:
    result = read_portfolio(_register(), filename="pilots.xlsx")
    info = store.import_snapshot(result, portfolio="Acme")
    loaded = store.load_provenance(info.snapshot_id)
    # The register's own values are stamped with the time the snapshot was stored.
    expected = result.provenance.assign(recorded_at=pd.Timestamp(info.created_at)).astype(
        {"recorded_at": "datetime64[ns, UTC]"}
    )
    pd.testing.assert_frame_equal(loaded, expected)
    assert store.integrity_check() == []


def test_a_snapshot_s_provenance_rows_are_deleted_with_it(store: PortfolioStore) -> None:
    info = store.import_snapshot(read_portfolio(_register(), filename="pilots.xlsx"), portfolio="Acme")
    assert store.row_counts()["provenance"] == 1  # the derived ID; the rest are field defaults
    store.delete_snapshot(info.snapshot_id)
    assert store.row_counts()["provenance"] == 0 and store.integrity_check() == []


def test_a_version_3_store_upgrades_and_its_snapshots_get_provenance(store_path: Path) -> None:
    result = make_result(content_hash="sha256:old")
    with PortfolioStore(store_path) as store:
        old = store.import_snapshot(result, portfolio="Acme")
    as_version(store_path, 3)

    with PortfolioStore(store_path) as migrated:
        assert migrated.schema_version() == STORE_SCHEMA_VERSION == 6
        provenance = migrated.load_provenance(old.snapshot_id).set_index(["pilot_id", "field"])
        # Every known value has a row; what the column mapping maps is register, the rest
        # could only have been derived; each says it predates provenance.
        known = {
            (p, f)
            for f in result.pilots.columns[:18]
            for p in result.pilots.loc[result.pilots[f].notna(), "pilot_id"]
        }
        assert set(provenance.index) == known
        assert provenance.loc[("P001", "name"), "kind"] == "register"
        assert provenance.loc[("P001", "process_maturity"), "kind"] == "register"
        assert provenance.loc[("P001", "stage"), "kind"] == "derived"
        assert set(provenance["detail"]) == {BEFORE_PROVENANCE}
        assert (provenance["source"] == "register.xlsx").all() and (provenance["sheet"] == "Pilots").all()
        assert provenance.loc[("P002", "name"), "row"] == 3
        assert (provenance["recorded_at"] == pd.Timestamp(old.created_at)).all()
        # Answers can be laid over the old snapshot, and new imports record provenance.
        saved = migrated.save_answers(old.snapshot_id, make_answers(), source_name="answers")
        assert saved.snapshot.is_new
        answered = migrated.load_provenance(saved.snapshot.snapshot_id).set_index(["pilot_id", "field"])
        assert answered.loc[("P001", "controls"), "kind"] == "assessment"
        assert answered.loc[("P001", "name"), "detail"] == BEFORE_PROVENANCE
        assert migrated.integrity_check() == []


@pytest.fixture
def base(store: PortfolioStore):
    return store.import_snapshot(make_result(), portfolio="Acme")


def test_answers_land_as_one_new_snapshot_and_the_base_is_unchanged(store: PortfolioStore, base) -> None:
    pilots_before, provenance_before = (
        store.load_pilots(base.snapshot_id),
        store.load_provenance(base.snapshot_id),
    )
    snapshots_before = len(store.snapshots("Acme"))

    saved = store.save_answers(base.snapshot_id, make_answers(), source_name="assessment: Finance.xlsx")

    assert isinstance(saved, SavedAnswers) and saved.snapshot.is_new
    assert len(store.snapshots("Acme")) == snapshots_before + 1
    assert saved.snapshot.base_snapshot_id == base.snapshot_id
    assert saved.outcomes["outcome"].tolist() == ["corrected", "filled"]  # controls was 4 → 3; users unknown
    assert set(saved.outcomes["outcome"]) <= set(ANSWER_OUTCOMES)
    pd.testing.assert_frame_equal(store.load_pilots(base.snapshot_id), pilots_before)
    pd.testing.assert_frame_equal(store.load_provenance(base.snapshot_id), provenance_before)

    new_id = saved.snapshot.snapshot_id
    pilots = store.load_pilots(new_id).set_index("pilot_id")
    assert (pilots.loc["P001", "controls"], pilots.loc["P002", "users"]) == (3.0, 12.0)
    provenance = store.load_provenance(new_id).set_index(["pilot_id", "field"])
    workbook = provenance.loc[("P001", "controls")]
    assert (workbook["kind"], workbook["source"], workbook["sheet"], workbook["row"]) == (
        "assessment",
        "Finance.xlsx",
        "Answers",
        3,
    )
    assert (workbook["respondent"], workbook["recorded_at"]) == (
        "ann@example.com",
        pd.Timestamp("2026-03-01 10:00", tz="UTC"),
    )
    app = provenance.loc[("P002", "users")]
    assert (app["kind"], app["source"], app["respondent"]) == ("app", "app", OPEN_MODE)
    assert app["recorded_at"] == pd.Timestamp(saved.snapshot.created_at)
    # Every other value keeps its provenance from the base, row for row.
    old = provenance_before.set_index(["pilot_id", "field"]).drop([("P001", "controls")])
    pd.testing.assert_frame_equal(provenance.drop([("P001", "controls"), ("P002", "users")]), old)
    assert store.load_rejected(new_id).equals(store.load_rejected(base.snapshot_id))
    assert store.integrity_check() == []


def test_saving_the_same_answers_again_changes_nothing(store: PortfolioStore, base) -> None:
    first = store.save_answers(base.snapshot_id, make_answers(), source_name="answers")
    counts = store.row_counts()
    again = store.save_answers(first.snapshot.snapshot_id, make_answers(), source_name="answers")
    assert not again.snapshot.is_new and again.snapshot.snapshot_id == first.snapshot.snapshot_id
    assert again.outcomes["outcome"].tolist() == ["unchanged", "unchanged"]
    assert store.row_counts() == counts


def test_an_app_answer_records_the_signed_in_user_not_what_the_caller_wrote(
    store: PortfolioStore, base, tmp_path: Path
) -> None:
    roles = tmp_path / "roles.toml"
    roles.write_text('[emails]\n"ed@example.com" = "editor"\n', encoding="utf-8")
    editor = Actor.user("ed@example.com", email_verified=True, roles_path=roles)
    answers = make_answers().assign(respondent=["ann@example.com", "someone@else.org"])
    saved = store.save_answers(base.snapshot_id, answers, source_name="Pilot page", actor=editor)
    provenance = store.load_provenance(saved.snapshot.snapshot_id).set_index(["pilot_id", "field"])
    assert provenance.loc[("P002", "users"), "respondent"] == "ed@example.com"
    assert provenance.loc[("P001", "controls"), "respondent"] == "ann@example.com"  # the workbook's owner


def test_a_viewer_cannot_save_answers_and_nothing_is_written(
    store: PortfolioStore, base, tmp_path: Path
) -> None:
    roles = tmp_path / "roles.toml"
    roles.write_text('[emails]\n"vi@example.com" = "viewer"\n', encoding="utf-8")
    viewer = Actor.user("vi@example.com", email_verified=True, roles_path=roles)
    counts = store.row_counts()
    with pytest.raises(AccessDenied, match="Saving answers as a new snapshot needs the editor role"):
        store.save_answers(base.snapshot_id, make_answers(), source_name="x", actor=viewer)
    assert store.row_counts() == counts


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pilot_id": ["P001", "P999"]}, "pilot 'P999' is not in the snapshot"),
        ({"value": [7, 12]}, "Controls: 7 is not a whole score from 1 to 5"),
        ({"value": [3, "twelve"]}, "Users: 'twelve' is not a number"),
        ({"value": [3, 0]}, "Users: 0 is below 1"),
        ({"field": ["pilot_id", "users"]}, "identifies the pilot and cannot be answered"),
        ({"kind": ["register", "app"]}, "kind 'register' is not an answer"),
        ({"field": ["users", "users"], "pilot_id": ["P002", "P002"]}, "users is answered twice"),
    ],
)
def test_a_bad_answer_is_refused_and_nothing_is_written(store: PortfolioStore, base, change, message) -> None:
    counts = store.row_counts()
    with pytest.raises(StoreError, match=message) as refused:
        store.save_answers(base.snapshot_id, make_answers().assign(**change), source_name="x")
    assert "Nothing was saved" in str(refused.value)
    assert store.row_counts() == counts


def test_a_failed_write_leaves_nothing(store: PortfolioStore, base, monkeypatch) -> None:
    counts = store.row_counts()
    backend = store._backend
    driver_error = duckdb.IOException if backend.driver_error is duckdb.Error else backend.driver_error

    def broken(cursor, snapshot_id, issues):
        raise driver_error("disk gone mid-write")

    monkeypatch.setattr(backend, "_insert_issues", broken)
    with pytest.raises(StoreError):
        store.save_answers(base.snapshot_id, make_answers(), source_name="x")
    assert store.row_counts() == counts and store.integrity_check() == []


def test_answers_to_an_unknown_snapshot_are_refused(store: PortfolioStore) -> None:
    with pytest.raises(StoreError, match="Snapshot 42 does not exist"):
        store.save_answers(42, make_answers(), source_name="x")
