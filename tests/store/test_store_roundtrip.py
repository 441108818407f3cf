"""Imports land as snapshots and come back exactly as they went in."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pandas as pd
import pytest

from kairo_scoring.errors import StoreError
from kairo_scoring.intake.result import ISSUE_COLUMNS
from kairo_scoring.store import DEFAULT_STORE_PATH, PortfolioStore, frames, resolve_store_path
from kairo_scoring.store.backend import ISSUE_ROW_COLUMNS, StoreBackend
from kairo_scoring.store.duckdb_backend import DuckDBBackend, table
from tests.store.store_fixtures import make_issues, make_pilots, make_rejected, make_result


def test_pilots_rejected_and_issues_round_trip_exactly(store: PortfolioStore) -> None:
    result = make_result()

    info = store.import_snapshot(result, portfolio="Acme")

    pd.testing.assert_frame_equal(store.load_pilots(info.snapshot_id), result.pilots)
    pd.testing.assert_frame_equal(store.load_rejected(info.snapshot_id), result.rejected)
    pd.testing.assert_frame_equal(store.load_issues(info.snapshot_id), result.issues)


def test_loaded_pilots_have_canonical_dtypes_and_source_row(store: PortfolioStore) -> None:
    info = store.import_snapshot(make_result(), portfolio="Acme")

    pilots = store.load_pilots(info.snapshot_id)

    assert list(pilots.columns) == ["pilot_id", *pilots.columns[1:-1], "source_row"]
    assert str(pilots["name"].dtype) == "string"
    assert pilots["controls"].dtype == "float64"
    assert pilots["source_row"].tolist() == [2, 3, 4]
    assert pilots.loc[1, "business_unit"] == "Finance"
    assert pilots.loc[0, "business_unit"] is pd.NA


def test_heterogeneous_issue_values_keep_their_type(store: PortfolioStore) -> None:
    issues = pd.DataFrame(
        {
            "sheet": ["Pilots", None],
            "row": [4, 5],
            "column": ["Users", "Value"],
            "value": [12, "12 000 €"],
            "reason": ["below minimum", "not a number"],
            "code": ["below_minimum", "not_a_number"],
            "severity": ["warning", "error"],
        },
        columns=list(ISSUE_COLUMNS),
    )
    info = store.import_snapshot(make_result(issues=issues), portfolio="Acme")

    loaded = store.load_issues(info.snapshot_id)

    pd.testing.assert_frame_equal(loaded, issues)
    assert loaded.loc[0, "value"] == 12 and isinstance(loaded.loc[0, "value"], int)


def test_every_issue_report_column_has_a_store_column() -> None:
    assert tuple(frames.ISSUE_STORE_COLUMN) == ISSUE_COLUMNS
    assert ("row_order", *frames.ISSUE_STORE_COLUMN.values()) == ISSUE_ROW_COLUMNS


def test_rejected_rows_with_numbered_columns_keep_their_values(store: PortfolioStore) -> None:
    rejected = pd.DataFrame(
        {0: ["a", None], 1: ["1", "x"], "source_row": [3, 4], "reject_reason": ["r", "s"]}
    )

    info = store.import_snapshot(make_result(rejected=rejected), portfolio="Acme")

    loaded = store.load_rejected(info.snapshot_id)
    assert list(loaded.columns) == ["0", "1", "source_row", "reject_reason"]
    assert loaded["1"].tolist() == ["1", "x"]


def test_a_new_store_is_empty(store: PortfolioStore) -> None:
    assert store.portfolios().empty and store.snapshots().empty
    assert store.profiles().empty and store.mappings().empty
    assert store.row_counts() == {
        "meta": 1,
        "portfolios": 0,
        "snapshots": 0,
        "pilots": 0,
        "rejected_rows": 0,
        "issues": 0,
        "scoring_profiles": 0,
        "mapping_profiles": 0,
        "provenance": 0,
        "decisions": 0,
        "decision_pilots": 0,
        "audit": 0,
    }


def test_empty_rejected_and_issues_round_trip(store: PortfolioStore) -> None:
    rejected = make_rejected().iloc[0:0]
    issues = make_issues().iloc[0:0]
    result = make_result(rejected=rejected, issues=issues)

    info = store.import_snapshot(result, portfolio="Acme")

    assert (info.pilots, info.rejected, info.issues) == (3, 0, 0)
    pd.testing.assert_frame_equal(store.load_rejected(info.snapshot_id), rejected.reset_index(drop=True))
    pd.testing.assert_frame_equal(store.load_issues(info.snapshot_id), issues.reset_index(drop=True))


def test_snapshot_info_records_source_mapping_and_profile(store: PortfolioStore) -> None:
    info = store.import_snapshot(
        make_result(),
        portfolio="Acme",
        profile_name="default",
        profile_version=3,
        profile_hash="sha256:prof",
        note="Q3 review",
    )

    assert info.is_new is True
    assert info.portfolio == "Acme"
    assert info.source_name == "register.xlsx"
    assert info.content_hash == "sha256:aaaa"
    assert (info.pilots, info.rejected, info.issues) == (3, 2, 3)
    assert info.mapping_name == "default"
    assert info.sheet == "Pilots" and info.header_row == 1
    assert info.column_mapping == {"name": "Use case", "process_maturity": "Maturité (1-5)"}
    assert info.unmapped_columns == ("Notes",)
    assert info.missing_inputs == ("users", "shared_assets")
    assert info.derived_id is True
    assert (info.profile_name, info.profile_version, info.profile_hash) == ("default", 3, "sha256:prof")
    assert info.note == "Q3 review"
    assert info.created_at.tzinfo == UTC
    assert store.snapshot_info(info.snapshot_id) == info.__class__(**{**info.__dict__, "is_new": False})


def test_reimporting_the_same_bytes_returns_the_existing_snapshot(store: PortfolioStore) -> None:
    first = store.import_snapshot(make_result(), portfolio="Acme")
    counts = store.row_counts()

    again = store.import_snapshot(make_result(source_name="renamed copy.xlsx"), portfolio="Acme")

    assert again.is_new is False
    assert again.snapshot_id == first.snapshot_id
    assert again.source_name == "register.xlsx"
    assert store.row_counts() == counts
    assert len(store.snapshots("Acme")) == 1


def test_same_bytes_with_another_mapping_or_portfolio_is_a_new_snapshot(store: PortfolioStore) -> None:
    first = store.import_snapshot(make_result(), portfolio="Acme")
    other_mapping = store.import_snapshot(make_result(mapping_name="federal-inventory"), portfolio="Acme")
    other_portfolio = store.import_snapshot(make_result(), portfolio="Globex")

    assert other_mapping.is_new and other_portfolio.is_new
    assert len({first.snapshot_id, other_mapping.snapshot_id, other_portfolio.snapshot_id}) == 3


def test_snapshots_are_listed_newest_first_with_counts(store: PortfolioStore) -> None:
    q1 = store.import_snapshot(make_result(content_hash="q1"), portfolio="Acme")
    q2 = store.import_snapshot(
        make_result(["A", "B"], content_hash="q2"), portfolio="Acme", profile_name="strict"
    )
    store.import_snapshot(make_result(content_hash="g1"), portfolio="Globex")

    listing = store.snapshots("Acme")

    assert listing["snapshot_id"].tolist() == [q2.snapshot_id, q1.snapshot_id]
    assert listing["pilots"].tolist() == [2, 3]
    assert listing["rejected"].tolist() == [2, 2]
    assert listing["profile_name"].tolist()[0] == "strict"
    assert str(listing["created_at"].dt.tz) == "UTC"
    assert len(store.snapshots()) == 3
    assert store.latest_snapshot_id("Acme") == q2.snapshot_id
    assert store.latest_snapshot_id("Nobody") is None
    assert store.snapshots("Nobody").empty


def test_portfolios_lists_each_with_its_latest_snapshot(store: PortfolioStore) -> None:
    store.import_snapshot(make_result(content_hash="q1"), portfolio="Acme")
    latest = store.import_snapshot(make_result(content_hash="q2"), portfolio="Acme")
    globex = store.import_snapshot(make_result(content_hash="g1"), portfolio="Globex")

    portfolios = store.portfolios()

    assert portfolios["portfolio"].tolist() == ["Acme", "Globex"]
    assert portfolios["snapshots"].tolist() == [2, 1]
    assert portfolios["latest_snapshot_id"].tolist() == [latest.snapshot_id, globex.snapshot_id]


def test_delete_snapshot_removes_it_and_its_rows(store: PortfolioStore) -> None:
    kept = store.import_snapshot(make_result(content_hash="keep"), portfolio="Acme")
    doomed = store.import_snapshot(make_result(content_hash="drop"), portfolio="Acme")

    store.delete_snapshot(doomed.snapshot_id)

    assert store.snapshots()["snapshot_id"].tolist() == [kept.snapshot_id]
    counts = store.row_counts()
    assert (counts["pilots"], counts["rejected_rows"], counts["issues"]) == (3, 2, 3)
    with pytest.raises(StoreError, match="does not exist"):
        store.load_pilots(doomed.snapshot_id)
    with pytest.raises(StoreError, match="does not exist"):
        store.delete_snapshot(doomed.snapshot_id)
    assert store.integrity_check() == []


def test_a_deleted_import_can_be_imported_again(store: PortfolioStore) -> None:
    first = store.import_snapshot(make_result(), portfolio="Acme")
    store.delete_snapshot(first.snapshot_id)

    again = store.import_snapshot(make_result(), portfolio="Acme")

    assert again.is_new and again.snapshot_id != first.snapshot_id


def test_unknown_snapshot_is_a_store_error(store: PortfolioStore) -> None:
    with pytest.raises(StoreError, match="Snapshot 42 does not exist"):
        store.snapshot_info(42)


def test_portfolio_name_is_required(store: PortfolioStore) -> None:
    with pytest.raises(StoreError, match="needs a name"):
        store.import_snapshot(make_result(), portfolio="   ")
    assert store.row_counts()["portfolios"] == 0


def test_hostile_names_are_stored_as_plain_data(store: PortfolioStore) -> None:
    hostile = "x'); DROP TABLE pilots; --"
    result = make_result(
        ["Robert'); DROP TABLE snapshots; --"], content_hash="'; DELETE FROM meta; --", source_name='a".xlsx'
    )

    info = store.import_snapshot(result, portfolio=hostile)

    assert store.portfolios()["portfolio"].tolist() == [hostile]
    assert store.latest_snapshot_id(hostile) == info.snapshot_id
    assert store.load_pilots(info.snapshot_id)["name"].tolist() == ["Robert'); DROP TABLE snapshots; --"]
    assert store.snapshot_info(info.snapshot_id).content_hash == "'; DELETE FROM meta; --"
    assert set(store.row_counts()) >= {"pilots", "snapshots", "meta"}
    assert store.integrity_check() == []


def test_table_names_come_only_from_the_whitelist() -> None:
    assert table("pilots") == "pilots"
    with pytest.raises(ValueError, match="not a store table"):
        table("pilots; DROP TABLE snapshots")


def test_read_only_store_reads_but_refuses_writes(store_path: Path) -> None:
    with PortfolioStore(store_path) as writable:
        info = writable.import_snapshot(make_result(), portfolio="Acme")

    with PortfolioStore(store_path, read_only=True) as reader:
        assert reader.read_only
        pd.testing.assert_frame_equal(
            reader.load_pilots(info.snapshot_id),
            make_pilots(["Invoice triage", "Contract review", "HR chatbot"]),
        )
        with pytest.raises(StoreError, match="read-only"):
            reader.import_snapshot(make_result(content_hash="other"), portfolio="Acme")


def test_read_only_open_of_a_missing_store_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        PortfolioStore(tmp_path / "absent.duckdb", read_only=True)


def test_closed_store_refuses_work(store_path: Path) -> None:
    store = PortfolioStore(store_path)
    store.close()
    store.close()  # closing twice is harmless

    with pytest.raises(StoreError, match="closed"):
        store.portfolios()


def test_in_memory_store_works(tmp_path: Path) -> None:
    with PortfolioStore(":memory:") as store:
        info = store.import_snapshot(make_result(), portfolio="Acme")
        assert store.snapshot_info(info.snapshot_id).pilots == 3


def test_store_path_defaults_to_repo_data_and_honours_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    repo = Path(__file__).resolve().parents[2]
    assert repo / "data" / "kairo.duckdb" == DEFAULT_STORE_PATH

    monkeypatch.delenv("KAIRO_STORE", raising=False)
    assert resolve_store_path() == DEFAULT_STORE_PATH
    monkeypatch.setenv("KAIRO_STORE", str(tmp_path / "elsewhere.duckdb"))
    assert resolve_store_path() == tmp_path / "elsewhere.duckdb"
    assert resolve_store_path(tmp_path / "explicit.duckdb") == tmp_path / "explicit.duckdb"


def test_the_store_does_not_load_streamlit() -> None:
    code = "import sys, kairo_scoring.store; assert 'streamlit' not in sys.modules, 'streamlit was imported'"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr


@pytest.mark.duckdb_only(reason="DuckDB; test_postgres_backend checks the PostgreSQL backend")
def test_the_duckdb_backend_fulfils_the_backend_protocol(store_path: Path) -> None:
    backend = DuckDBBackend(store_path)
    assert isinstance(backend, StoreBackend)

    with PortfolioStore.from_backend(backend, label="test backend") as store:
        info = store.import_snapshot(make_result(), portfolio="Acme")
        assert store.snapshot_info(info.snapshot_id).pilots == 3
        assert repr(store) == "PortfolioStore('test backend', read-write)"
