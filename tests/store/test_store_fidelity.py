"""A snapshot keeps what intake read: extra columns of every type, and pilot IDs in one
Unicode form, so comparing snapshots never sees one pilot as removed and added."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd

from kairo_scoring import compare_snapshots, score
from kairo_scoring.intake import mapping_from_toml, read_portfolio
from kairo_scoring.store import STORE_SCHEMA_VERSION, PortfolioStore
from tests.store.downgrade import as_version
from tests.store.store_fixtures import make_result

NFC_ID = unicodedata.normalize("NFC", "Café-1")
NFD_ID = unicodedata.normalize("NFD", "Café-1")


def _with_extras(result):
    pilots = result.pilots.copy()
    pilots["go_live"] = pd.to_datetime(["2025-03-01", None, "2024-12-31"])
    pilots["reviewed_at"] = pd.to_datetime(["2025-03-01 10:30:15.250", "2025-01-02 08:00:00.000", None])
    pilots["notes"] = pd.array(["first", None, 'ünïcode "quoted"\nline'], dtype="string")
    pilots["budget"] = [1500.0, float("nan"), -2.5]
    pilots["headcount"] = pd.array([3, None, 0], dtype="Int64")
    pilots["approved"] = pd.array([True, None, False], dtype="boolean")
    pilots["flag"] = [True, False, True]
    pilots["mixed"] = pd.Series(
        ["text", 12, pd.Timestamp("2025-03-01 10:30", tz="UTC")], dtype=object, index=pilots.index
    )
    pilots["more_mixed"] = pd.Series(
        [dt.date(2025, 1, 2), float("inf"), None], dtype=object, index=pilots.index
    )
    return dataclasses.replace(result, pilots=pilots)


def test_extra_columns_of_every_type_round_trip(store: PortfolioStore) -> None:
    result = _with_extras(make_result())

    info = store.import_snapshot(result, portfolio="Acme")
    loaded = store.load_pilots(info.snapshot_id)

    pd.testing.assert_frame_equal(loaded, result.pilots)
    assert type(loaded.loc[1, "mixed"]) is int and loaded.loc[2, "mixed"].tz is not None
    assert type(loaded.loc[0, "more_mixed"]) is dt.date and loaded.loc[1, "more_mixed"] == float("inf")


def test_a_register_with_extras_round_trips_from_file_to_store(store: PortfolioStore) -> None:
    profile = mapping_from_toml(
        'name = "with extras"\n[columns]\npilot_id = ["ID"]\nname = ["Name"]\n'
        'go_live = ["Go-live"]\nreviewed_at = ["Reviewed"]\nbudget = ["Budget"]\napproved = ["OK"]\n'
        'notes = ["Notes"]\n'
        '[extras]\ngo_live = "date"\nreviewed_at = "datetime"\nbudget = "number"\napproved = "yes_no"\n'
        'notes = "text"\n'
    )
    workbook = openpyxl.Workbook()
    for row in (
        ["ID", "Name", "Go-live", "Reviewed", "Budget", "OK", "Notes"],
        ["P1", "Invoice triage", dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 1, 10, 30), 1500, True, "x"],
        ["P2", "Contract review", 12, "2025-01-02 25:00", "n/a", "maybe", 7],
    ):
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_portfolio(buffer.getvalue(), filename="register.xlsx", mapping=profile)

    info = store.import_snapshot(result, portfolio="Acme")

    loaded = store.load_pilots(info.snapshot_id)
    pd.testing.assert_frame_equal(loaded, result.pilots)
    assert loaded.loc[0, "go_live"] == pd.Timestamp("2025-03-01")
    assert loaded.loc[0, "reviewed_at"] == pd.Timestamp("2025-03-01 10:30")
    # The values that were not read as dates are in the stored report, with their row and column.
    issues = store.load_issues(info.snapshot_id)
    assert issues[["row", "column", "value", "severity"]].values.tolist() == [
        [3, "Go-live", "12", "warning"],
        [3, "Reviewed", "2025-01-02 25:00", "warning"],
        [3, "OK", "maybe", "warning"],
        [3, "Budget", "n/a", "info"],
    ]


def test_ids_stored_in_another_unicode_form_compare_as_the_same_pilot(store: PortfolioStore) -> None:
    # A snapshot stored before intake normalised IDs, and the same register imported today.
    old = make_result(content_hash="sha256:old")
    old_pilots = old.pilots.copy()
    old_pilots.loc[0, "pilot_id"] = NFD_ID
    old = dataclasses.replace(old, pilots=old_pilots)
    new_pilots = old_pilots.copy()
    new_pilots.loc[0, "pilot_id"] = NFC_ID
    new = dataclasses.replace(make_result(content_hash="sha256:new"), pilots=new_pilots)

    before = store.load_pilots(store.import_snapshot(old, portfolio="Acme").snapshot_id)
    after = store.load_pilots(store.import_snapshot(new, portfolio="Acme").snapshot_id)

    assert before.loc[0, "pilot_id"] == NFC_ID
    comparison = compare_snapshots(score(before).table, score(after).table)
    assert comparison.count("removed") == 0 and comparison.count("added") == 0


def test_a_version_1_store_gains_extra_columns_and_keeps_its_snapshots(store_path: Path) -> None:
    with PortfolioStore(store_path) as store:
        old = store.import_snapshot(make_result(content_hash="sha256:old"), portfolio="Acme")
    as_version(store_path, 1)

    with PortfolioStore(store_path) as migrated:
        assert migrated.schema_version() == STORE_SCHEMA_VERSION == 6
        pd.testing.assert_frame_equal(migrated.load_pilots(old.snapshot_id), make_result().pilots)
        new_result = _with_extras(make_result(content_hash="sha256:new"))
        new = migrated.import_snapshot(new_result, portfolio="Acme")
        pd.testing.assert_frame_equal(migrated.load_pilots(new.snapshot_id), new_result.pilots)
        assert migrated.integrity_check() == []
