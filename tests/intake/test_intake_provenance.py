"""Intake records where every value came from: register (file, sheet, row, column) or derived (named)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kairo_scoring.intake import read_portfolio
from kairo_scoring.provenance import PROVENANCE_COLUMNS, ProvenanceKind
from kairo_scoring.schema import CANONICAL_COLUMNS

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "us-federal-ai-inventory-2025"
CSV = DATA / "2025_individually_reported_AI_use_cases.csv"


def _register() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Pilots"
    sheet.append(["Register of AI pilots"])  # a title row: the header is on row 2
    sheet.append(["Pilot ID", "Pilot name", "Business unit", "Stage", "Controls", "Users"])
    sheet.append(["P-1", "Invoice triage", "Finance", "pilot", 4, 12])
    sheet.append([None, "Contract review", "Legal", "production", "seven", None])  # no ID; bad score
    sheet.append(["P-3", "HR chatbot", None, None, None, 30])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def result():
    return read_portfolio(_register(), filename="pilots.xlsx")


def _known_cells(pilots: pd.DataFrame) -> set[tuple[str, str]]:
    return {(pid, f) for f in CANONICAL_COLUMNS for pid in pilots.loc[pilots[f].notna(), "pilot_id"]}


def test_every_known_value_has_exactly_one_provenance_row_and_unknowns_none(result):
    provenance = result.provenance
    assert list(provenance.columns) == list(PROVENANCE_COLUMNS)
    keys = list(zip(provenance["pilot_id"], provenance["field"], strict=True))
    assert len(keys) == len(set(keys))
    assert set(keys) == _known_cells(result.pilots)
    # "seven" in Controls became unknown: no row for it, the validation report says why.
    derived_id = result.pilots.loc[1, "pilot_id"]
    assert (derived_id, "controls") not in set(keys)


def test_register_values_name_file_sheet_row_and_column(result):
    provenance = result.provenance.set_index(["pilot_id", "field"])
    row = provenance.loc[("P-1", "controls")]
    assert row["kind"] == ProvenanceKind.REGISTER
    assert (row["source"], row["sheet"], row["row"], row["detail"]) == (
        "pilots.xlsx",
        "Pilots",
        3,
        "Controls",
    )
    assert provenance.loc[("P-3", "users"), "row"] == 5
    assert pd.isna(row["respondent"]) and pd.isna(row["recorded_at"])  # the store stamps the time


def test_a_derived_id_is_derived_and_given_ids_are_register(result):
    provenance = result.provenance.set_index(["pilot_id", "field"])
    derived_id = result.pilots.loc[1, "pilot_id"]
    assert provenance.loc[(derived_id, "pilot_id"), "kind"] == ProvenanceKind.DERIVED
    assert (
        provenance.loc[(derived_id, "pilot_id"), "detail"] == "pilot ID derived from name and business unit"
    )
    assert provenance.loc[(derived_id, "pilot_id"), "row"] == 4
    assert provenance.loc[("P-1", "pilot_id"), "kind"] == ProvenanceKind.REGISTER
    register = result.provenance[result.provenance["pilot_id"] != derived_id]
    assert set(register["kind"]) == {ProvenanceKind.REGISTER}


@pytest.fixture(scope="module")
def federal():
    if not CSV.is_file():
        pytest.skip(f"federal inventory not available at {CSV} (../shared is absent)")
    return read_portfolio(CSV)


FEDERAL_KINDS = {
    "pilot_id": "derived",
    "name": "register",
    "business_unit": "derived",
    "owner": "register",
    "stage": "register",
    "current_mode": "derived",
    "risk_level": "derived",
    "controls": "derived",
    "exception_governance": "derived",
}


@pytest.mark.shared
def test_federal_provenance_covers_every_known_value_with_the_right_kind(federal):
    provenance = federal.provenance
    keys = list(zip(provenance["pilot_id"], provenance["field"], strict=True))
    assert len(keys) == len(set(keys)) and set(keys) == _known_cells(federal.pilots)
    assert dict(provenance.groupby("field")["kind"].agg(lambda k: "/".join(sorted(set(k))))) == FEDERAL_KINDS
    assert set(provenance["source"]) == {CSV.name} and provenance["sheet"].isna().all()
    # Each row points at the pilot's own csv line.
    lines = provenance["pilot_id"].map(federal.pilots.set_index("pilot_id")["source_row"])
    assert provenance["row"].astype("int64").tolist() == lines.astype("int64").tolist()


@pytest.mark.shared
def test_federal_derivations_are_named(federal):
    provenance = federal.provenance.set_index(["pilot_id", "field"])
    assert provenance.loc[("DHS-185", "controls"), "detail"] == (
        "controls floor from ATO, ongoing monitoring and independent review"
    )
    assert (
        provenance.loc[("DHS-185", "risk_level"), "detail"] == "risk level from the high-impact determination"
    )
    assert provenance.loc[("DHS-185", "name"), "detail"] == "use_case_name"
    derived_ids = federal.provenance[
        federal.provenance["detail"] == "pilot ID derived from name and business unit"
    ]
    assert len(derived_ids) == 706  # HHS's 704 blank IDs and STB's two "TBD"


def test_a_result_pickles_before_and_after_its_provenance_is_built():
    """Streamlit's cache pickles the result: the lazy provenance must not make that fail."""
    import pickle

    result = read_portfolio(
        b"Pilot name,Unit,Controls\nInvoice bot,Finance,4\nLetters,HR,\n", filename="register.csv"
    )
    fresh = pickle.loads(pickle.dumps(result))
    pd.testing.assert_frame_equal(fresh.provenance, result.provenance)
    again = pickle.loads(pickle.dumps(result))  # now with the table built
    pd.testing.assert_frame_equal(again.provenance, result.provenance)
