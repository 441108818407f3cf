"""The 2025 US Federal AI Use Case Inventory through the built-in `us-federal-2025` mapping.

Expected values were read by hand from the source files (csv line = Excel row: header on 1).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from kairo_scoring.intake import read_portfolio

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "us-federal-ai-inventory-2025"
CSV = DATA / "2025_individually_reported_AI_use_cases.csv"
XLSX = DATA / "2025_individually_reported_AI_use_cases.xlsx"
ROWS_IN_INVENTORY = 3611

pytestmark = pytest.mark.shared


def _read(path: Path):
    if not path.is_file():
        pytest.skip(f"federal inventory not available at {path} (../shared is absent)")
    return read_portfolio(path)


@pytest.fixture(scope="module")
def from_csv():
    return _read(CSV)


@pytest.fixture(scope="module")
def from_xlsx():
    return _read(XLSX)


def _row(result, source_row: int) -> pd.Series:
    match = result.pilots[result.pilots["source_row"] == source_row]
    assert len(match) == 1, f"row {source_row} not among the pilots"
    return match.iloc[0]


@pytest.mark.parametrize("which", ["from_csv", "from_xlsx"])
def test_every_row_is_accounted_for(which, request):
    result = request.getfixturevalue(which)
    assert result.mapping_name == "us-federal-2025"
    assert result.total_rows == ROWS_IN_INVENTORY
    # One row has no name; DOJ-0357 and DOJ-0160 appear twice each: the later copies are rejected.
    assert len(result.rejected) == 3
    errors = result.issues[result.issues["severity"] == "error"]
    assert sorted(zip(errors["code"], errors["value"].fillna(""), strict=True)) == [
        ("duplicate_id", "DOJ-0160"),
        ("duplicate_id", "DOJ-0357"),
        ("missing_name", ""),
    ]
    assert sorted(errors["row"]) == sorted(result.rejected["source_row"])
    assert result.derived_id is True
    assert result.missing_inputs == (
        "process_maturity",
        "io_stability",
        "ownership",
        "shared_assets",
        "integration_readiness",
        "value_evidence",
        "monthly_volume",
        "users",
        "monthly_value",
    )
    assert set(result.derived_fields) == {
        "pilot_id",
        "business_unit",
        "current_mode",
        "risk_level",
        "controls",
        "exception_governance",
    }


def test_csv_detection(from_csv):
    assert from_csv.sheet is None
    assert from_csv.header_row == 1
    assert from_csv.column_mapping == {
        "name": "use_case_name",
        "owner": "contact_email",
        "stage": "development_stage",
    }  # risk_level is derived from is_high_impact: not the register's answer to the risk question
    assert from_csv.detection.encoding == "utf-8-sig"
    assert from_csv.detection.delimiter == ","


def test_xlsx_detection_reads_original_agency_headers(from_xlsx):
    # The consolidated xlsx keeps the agencies' original (multi-line) Excel headers, on row 2.
    assert from_xlsx.sheet == "Consolidated Inventory"
    assert from_xlsx.header_row == 2
    assert from_xlsx.column_mapping["name"] == "Use Case Name"
    assert from_xlsx.column_mapping["stage"] == "Stage of Development"


def test_high_impact_deployed_row_derivations(from_csv):
    # Line 35, DHS-185 "Babel": ATO Yes, monitoring and independent review In-progress →
    # controls 3 (an ATO alone); fail-safe In-progress, appeal Established → exception
    # governance 3 (one known route); 4 would need fail-safe, appeal and monitoring all done.
    row = _row(from_csv, 35)
    assert row["pilot_id"] == "DHS-185"
    assert row["name"] == "Babel"
    assert row["business_unit"] == "DHS / CBP"
    assert row["owner"] == "ai@hq.dhs.gov"
    assert row["stage"] == "production"
    assert pd.isna(row["current_mode"])
    assert row["risk_level"] == "high"
    assert row["controls"] == 3.0
    assert row["exception_governance"] == 3.0
    assert math.isnan(row["process_maturity"])


def test_not_applicable_practice_is_not_done(from_csv):
    # Line 40, DHS-2391: ATO Yes, monitoring established, CAIO review → controls 5; fail-safe
    # Yes but appeal "Not Applicable" → exception governance 3, not 4 (no appeal route shown).
    row = _row(from_csv, 40)
    assert (row["controls"], row["exception_governance"]) == (5.0, 3.0)


def test_a_fail_safe_without_an_ato_gives_exception_governance_only(from_csv):
    # Line 3020, TREASURY-OCIO-001: ATO No (says nothing about informal review: controls
    # unknown); fail-safe Yes, appeal In-progress → exception governance 3.
    row = _row(from_csv, 3020)
    assert math.isnan(row["controls"]) and row["exception_governance"] == 3.0


def test_an_ato_alone_gives_the_controls_floor(from_csv):
    # Line 1554, EPA "27": Pilot, ATO Yes, no high-impact practice answered → controls 3.
    row = _row(from_csv, 1554)
    assert row["pilot_id"] == "EPA:27" and row["controls"] == 3.0
    assert math.isnan(row["exception_governance"])


def test_presumed_high_impact_pre_deployment_row(from_csv):
    # Line 8, DHS-194: Pre-deployment → idea and mode none; presumed high-impact → medium; no practice answered.
    row = _row(from_csv, 8)
    assert (row["stage"], row["current_mode"], row["risk_level"]) == ("idea", "none", "medium")
    assert math.isnan(row["controls"]) and math.isnan(row["exception_governance"])


def test_bare_agency_number_is_qualified_and_ato_no_leaves_controls_unknown(from_csv):
    # Line 1538: EPA, id "77", Deployed, Not High-impact, ATO No and no other practice answer.
    # No ATO does not show that there is no review or logging at all: controls stay unknown.
    row = _row(from_csv, 1538)
    assert row["pilot_id"] == "EPA:77"
    assert (row["stage"], row["risk_level"]) == ("production", "low")
    assert math.isnan(row["controls"])
    assert pd.isna(row["current_mode"])
    assert row["operational_date"] == pd.Timestamp("2024-01-01")  # "01/01/2024 00:00:00"


def test_operational_date_is_read_month_first(from_csv):
    # Line 808 says "1/30/2026": only month-first makes it a date.
    assert _row(from_csv, 808)["operational_date"] == pd.Timestamp("2026-01-30")


def test_missing_id_is_derived_stably_across_formats(from_csv, from_xlsx):
    # HHS reports no IDs; "Design Your Facility" (HHS/ACF) gets the same derived ID from both files.
    def derived_for(result):
        pilots = result.pilots
        match = pilots[
            (pilots["name"] == "Design Your Facility") & (pilots["business_unit"] == "HHS / HHS/ACF")
        ]
        return match["pilot_id"].tolist()

    ids = derived_for(from_csv)
    assert len(ids) == 1 and ids[0].startswith("D-") and len(ids[0]) == 14
    assert derived_for(from_xlsx) == ids
    info = from_csv.issues[(from_csv.issues["row"] == 1751) & (from_csv.issues["severity"] == "info")]
    assert info["code"].tolist() == ["derived_id"]
    assert info["reason"].tolist() == [f"no pilot ID: derived '{ids[0]}' from name and business unit"]


def test_rejected_duplicate_keeps_original_values(from_csv):
    rejected = from_csv.rejected.set_index("source_row")
    duplicate = rejected.loc[1168]
    assert duplicate["id"] == "DOJ-0357"
    assert duplicate["use_case_name"] == "Creating and Maintaining IT Security Packages for Authorizations"
    assert duplicate["development_stage"] == "Pre-deployment"
    assert duplicate["reject_reason"] == "duplicate pilot ID 'DOJ-0357': row 1161 has it first"
    no_name = rejected.loc[839]
    assert (no_name["id"], no_name["agency_bureau"]) == ("DOI-0015", "FWS")
    assert pd.isna(no_name["use_case_name"])


def test_placeholder_ids_are_replaced_not_duplicated(from_csv):
    # STB reports two use cases with ID "TBD": both are kept, with derived IDs and an info issue each.
    stb = from_csv.pilots[from_csv.pilots["business_unit"].str.startswith("STB", na=False)]
    assert len(stb) == 2 and stb["pilot_id"].str.startswith("D-").all()
    placeholders = from_csv.issues[from_csv.issues["value"] == "TBD"]
    assert placeholders[["code", "severity"]].values.tolist() == [["placeholder_id", "info"]] * 2


def test_pilots_have_canonical_values_only(from_csv, from_xlsx):
    for result in (from_csv, from_xlsx):
        pilots = result.pilots
        assert set(pilots["stage"].dropna()) == {"idea", "pilot", "production", "retired"}
        assert set(pilots["current_mode"].dropna()) == {"none"}
        assert set(pilots["risk_level"].dropna()) == {"low", "medium", "high"}
        assert pilots["controls"].dropna().between(1, 5).all()
        assert pilots["pilot_id"].is_unique
        assert pilots["source_row"].dtype == "int64"


def test_only_warnings_are_likely_duplicates(from_csv):
    warnings = from_csv.issues[from_csv.issues["severity"] == "warning"]
    assert len(warnings) == 11
    assert warnings["code"].eq("likely_duplicate").all()
    row_2917 = warnings[warnings["row"] == 2917].iloc[0]
    assert row_2917["reason"] == "likely duplicate of row 2915: same name and business unit"
    assert row_2917["value"] == "Research / Discovery on GenAI Product for IT"
