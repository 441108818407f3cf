"""No silent reinterpretation: one Unicode form for IDs, typed extra columns, and date values
that are reported rather than guessed (docs/intake.md, "Value normalisation")."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import openpyxl
import pandas as pd
import pytest

from kairo_scoring.errors import ProfileError
from kairo_scoring.intake import mapping_from_toml, parse_excel_date, read_portfolio
from kairo_scoring.intake.normalize import read_date

NFC_ID = unicodedata.normalize("NFC", "Café-1")
NFD_ID = unicodedata.normalize("NFD", "Café-1")

EXTRAS_PROFILE = """
name = "fidelity"
date_order = "dmy"

[columns]
pilot_id = ["Pilot ID"]
name = ["Pilot name"]
go_live = ["Go-live"]
reviewed_at = ["Reviewed at"]
budget = ["Budget"]
approved = ["Approved"]
notes = ["Notes"]

[extras]
go_live = "date"
reviewed_at = "datetime"
budget = "number"
approved = "yes_no"
notes = "text"
"""
EXTRAS_HEADER = ["Pilot ID", "Pilot name", "Go-live", "Reviewed at", "Budget", "Approved", "Notes"]


def _csv(rows: list[list[object]]) -> bytes:
    return "\r\n".join(",".join(str(cell) for cell in row) for row in rows).encode("utf-8") + b"\r\n"


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Pilots"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _read_extras(rows: list[list[object]], *, xlsx: bool = False):
    data, filename = (_xlsx(rows), "register.xlsx") if xlsx else (_csv(rows), "register.csv")
    return read_portfolio(data, filename=filename, mapping=mapping_from_toml(EXTRAS_PROFILE))


def _issue(result, row: int, column: str) -> pd.Series:
    found = result.issues[(result.issues["row"] == row) & (result.issues["column"] == column)]
    assert len(found) == 1, result.issues
    return found.iloc[0]


# --- pilot IDs: one Unicode form ---------------------------------------------------------


def test_nfc_and_nfd_forms_of_an_id_are_one_pilot():
    result = read_portfolio(
        _csv([["pilot_id", "name"], [NFC_ID, "Invoice triage"], [NFD_ID, "Contract review"]]),
        filename="register.csv",
    )

    assert result.pilots["pilot_id"].tolist() == [NFC_ID]
    assert result.rejected["source_row"].tolist() == [3]
    assert result.rejected.loc[0, "reject_reason"] == f"duplicate pilot ID '{NFC_ID}': row 2 has it first"


def test_ids_and_names_are_kept_in_nfc():
    nfd_name = unicodedata.normalize("NFD", "Crème brûlée triage")
    result = read_portfolio(_csv([["pilot_id", "name"], [NFD_ID, nfd_name]]), filename="register.csv")

    assert result.pilots.loc[0, "pilot_id"] == NFC_ID
    assert result.pilots.loc[0, "name"] == unicodedata.normalize("NFC", nfd_name)
    # The rejected rows and the report keep what the user typed; only the values read are normalised.
    assert result.issues.empty


def test_derived_ids_do_not_depend_on_the_unicode_form_of_the_name():
    def derived_id(name: str) -> str:
        result = read_portfolio(_csv([["name", "business_unit"], [name, "Finance"]]), filename="register.csv")
        return result.pilots.loc[0, "pilot_id"]

    assert derived_id(unicodedata.normalize("NFD", "Crème")) == derived_id(
        unicodedata.normalize("NFC", "Crème")
    )


def test_compatibility_forms_stay_distinct_ids():
    # NFC, not NFKC: "P²" and "P2" look different and may be different pilots; nothing is merged.
    result = read_portfolio(
        _csv([["pilot_id", "name"], ["P²", "One"], ["P2", "Two"]]), filename="register.csv"
    )

    assert result.pilots["pilot_id"].tolist() == ["P²", "P2"]
    assert result.rejected.empty


# --- extra columns -----------------------------------------------------------------------


def test_extra_columns_are_kept_typed_by_their_kind():
    rows = [
        EXTRAS_HEADER,
        [
            "P1",
            "Invoice triage",
            dt.datetime(2025, 3, 1),
            dt.datetime(2025, 3, 1, 10, 30),
            1500,
            True,
            "first",
        ],
        ["P2", "Contract review", 45658, "2025-01-02 08:15", "2,5k", "no", 12],
        ["P3", "HR chatbot", None, None, None, None, None],
    ]

    pilots = _read_extras(rows, xlsx=True).pilots

    assert list(pilots.columns[-6:]) == [
        "source_row",
        "go_live",
        "reviewed_at",
        "budget",
        "approved",
        "notes",
    ]
    assert pilots["go_live"].tolist()[:2] == [pd.Timestamp("2025-03-01"), pd.Timestamp("2025-01-01")]
    assert pilots["reviewed_at"].tolist()[:2] == [
        pd.Timestamp("2025-03-01 10:30"),
        pd.Timestamp("2025-01-02 08:15"),
    ]
    assert pilots["budget"].tolist()[:2] == [1500.0, 2500.0]
    assert pilots["approved"].tolist() == [True, False, pd.NA]
    assert pilots["notes"].tolist() == ["first", "12", pd.NA]
    assert pilots["go_live"].isna().tolist() == [False, False, True]
    assert str(pilots["budget"].dtype) == "float64" and str(pilots["approved"].dtype) == "boolean"
    assert str(pilots["notes"].dtype) == "string"


def test_extra_values_that_do_not_parse_are_reported():
    result = _read_extras([EXTRAS_HEADER, ["P1", "Invoice triage", "", "", "lots", "perhaps", ""]])

    assert pd.isna(result.pilots.loc[0, "budget"]) and pd.isna(result.pilots.loc[0, "approved"])
    assert _issue(result, 2, "Budget")[["value", "reason", "code", "severity"]].tolist() == [
        "lots",
        "not a number; set to unknown",
        "not_a_number",
        "warning",
    ]
    assert _issue(result, 2, "Approved")["reason"] == "not a yes/no answer; set to unknown"
    assert _issue(result, 2, "Approved")["code"] == "not_yes_no"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('go_live = "colour"', "kind must be one of text, date, datetime, number, yes_no"),
        ('source_row = "text"', "is a column intake adds itself"),
    ],
)
def test_extra_kinds_and_names_are_checked(extra, message):
    with pytest.raises(ProfileError, match=message):
        mapping_from_toml(f'name = "x"\n[extras]\n{extra}\n')


# --- dates: reported, never guessed ------------------------------------------------------


@pytest.mark.parametrize("xlsx", [False, True], ids=["csv", "xlsx"])
def test_implausible_date_numbers_are_reported_not_reinterpreted(xlsx):
    rows = [
        EXTRAS_HEADER,
        ["P1", "Small number", 12, "", "", "", ""],
        ["P2", "Year and month", 202401, "", "", "", ""],
        ["P3", "Serial", 45658, "", "", "", ""],
        ["P4", "Year", 2024, "", "", "", ""],
    ]

    result = _read_extras(rows, xlsx=xlsx)

    assert result.pilots["go_live"].tolist()[2:] == [pd.Timestamp("2025-01-01"), pd.Timestamp("2024-01-01")]
    assert result.pilots["go_live"].isna().tolist() == [True, True, False, False]
    small = _issue(result, 2, "Go-live")
    assert (small["value"], small["code"], small["severity"]) == ("12", "implausible_date", "warning")
    assert small["reason"] == (
        "12 is not a plausible date (as an Excel date number it would be 1900-01-11; "
        "numbers are read as dates from 1950 to 2100); set to unknown"
    )
    assert _issue(result, 3, "Go-live")["code"] == "implausible_date"
    assert "2454-02-24" in _issue(result, 3, "Go-live")["reason"]
    assert result.issues["row"].tolist() == [2, 3]


@pytest.mark.parametrize(
    ("typed", "clock"),
    [("2025-03-01 25:00", "25:00"), ("01/03/2025 10:75:00", "10:75:00"), ("01/03/2025 13:00 PM", "13:00 PM")],
)
def test_impossible_times_of_day_are_reported_not_cut_off(typed, clock):
    result = _read_extras([EXTRAS_HEADER, ["P1", "Invoice triage", typed, typed, "", "", ""]])

    assert result.pilots[["go_live", "reviewed_at"]].isna().all(axis=None)
    for column in ("Go-live", "Reviewed at"):
        issue = _issue(result, 2, column)
        assert issue[["value", "reason", "code", "severity"]].tolist() == [
            typed,
            f"'{clock}' is not a valid time of day; set to unknown",
            "impossible_time",
            "warning",
        ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, None),
        ("12", None),
        (0, None),
        (-3, None),
        (1899, None),
        (18263, None),  # 1949-12-31
        (18264, "1950-01-01"),
        (18264.99, "1950-01-01"),
        (73415, "2100-12-31"),
        (73416, None),  # 2101-01-01
        (2_958_465, None),  # 9999-12-31
        ("2025-03-01 23:59:59", "2025-03-01"),
        ("2025-03-01 24:00", None),
        ("01/03/2025 12:00 AM", "2025-03-01"),
    ],
)
def test_plausible_dates(value, expected):
    assert parse_excel_date(value) == (None if expected is None else pd.Timestamp(expected))


def test_a_datetime_keeps_its_time_of_day():
    assert read_date(45658.75, keep_time=True) == (pd.Timestamp("2025-01-01 18:00"), None)
    assert read_date("01/03/2025 12:30 PM", keep_time=True) == (pd.Timestamp("2025-03-01 12:30"), None)
    assert read_date("01/03/2025 12:30 AM", keep_time=True) == (pd.Timestamp("2025-03-01 00:30"), None)
