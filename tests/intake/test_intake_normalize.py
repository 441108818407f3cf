"""Value normalisation: hand-written cases, and properties that hold for any input."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kairo_scoring.errors import IntakeError
from kairo_scoring.intake import (
    normalize_header,
    parse_excel_date,
    parse_number,
    parse_yes_no,
    read_portfolio,
)
from kairo_scoring.intake.normalize import parse_enum, parse_quantities, parse_scores
from kairo_scoring.schema import RISK_LEVELS

LIKERT = {"very low": 1, "low": 2, "medium": 3, "high": 4, "very high": 5}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Yes", True),
        ("y", True),
        ("TRUE", True),
        ("x", True),
        ("a) Yes", True),
        (1, True),
        (1.0, True),
        ("No", False),
        ("n", False),
        ("false", False),
        ("a) No", False),
        (" NO ", False),
        (0, False),
        ("maybe", None),
        ("", None),
        (2, None),
        (None, None),
    ],
)
def test_yes_no_spellings(value, expected):
    assert parse_yes_no(value) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234", 1234.0),
        ("1 234", 1234.0),
        ("1.234.567,5", 1234567.5),
        ("1.234,5", 1234.5),
        ("3,5", 3.5),
        ("1.234", 1.234),
        ("45%", 0.45),
        ("12.5 %", 0.125),
        ("2k", 2000.0),
        ("€1,500", 1500.0),
        ("-7", -7.0),
        ("1e3", 1000.0),
        ("twelve", None),
        ("", None),
        ("1,23,4", None),
    ],
)
def test_numbers_as_typed(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (45658, "2025-01-01"),
        (45658.75, "2025-01-01"),
        ("45658", "2025-01-01"),
        (dt.date(2024, 3, 1), "2024-03-01"),
        (dt.datetime(2024, 3, 1, 15, 30), "2024-03-01"),
        ("2025-06-30 00:00:00", "2025-06-30"),
        ("03/2025", "2025-03-01"),
        ("Jul-25", "2025-07-01"),
        ("July 2025", "2025-07-01"),
        ("2023", "2023-01-01"),
        ("04/01/2025 12:00:00 AM", "2025-01-04"),
    ],
)
def test_excel_dates(value, expected):
    assert parse_excel_date(value) == pd.Timestamp(expected)


def test_day_month_order_follows_the_profile():
    assert parse_excel_date("04/01/2025", "mdy") == pd.Timestamp("2025-04-01")
    assert parse_excel_date("31/02/2025") is None
    assert parse_excel_date("soon") is None


def test_headers_ignore_case_spacing_breaks_and_bracketed_hints():
    assert normalize_header("Use Case ID\n\n[Agency Abbrev.] – [#]") == "use case id"
    assert normalize_header("  Monthly_Value (EUR) ") == "monthly value"
    assert normalize_header("[#]") == ""


def test_scores_from_answers():
    raw = pd.Series(
        ["4 - mostly", "a) 2", "High", "medium", 5, 0, 6, 3.5, "n/a", "80%", "lots"], dtype=object
    )
    parsed = parse_scores(raw, LIKERT)
    assert parsed.values.tolist()[:5] == [4.0, 2.0, 4.0, 3.0, 5.0]
    assert parsed.values.iloc[5:].isna().all()
    assert parsed.severity.tolist()[5:] == ["warning", "warning", "warning", "info", "warning", "warning"]
    assert parsed.codes.tolist()[5:] == [
        "out_of_range_score",
        "out_of_range_score",
        "fractional_score",
        "not_applicable",
        "percent_score",
        "not_a_score",
    ]


def test_percent_scores_in_five_bands_when_the_profile_says_so():
    parsed = parse_scores(
        pd.Series(["0%", "19%", "20%", "79%", "80%", "100%", "120%"]), {}, percent_scores=True
    )
    assert parsed.values.tolist()[:6] == [1.0, 1.0, 2.0, 4.0, 5.0, 5.0]
    assert pd.isna(parsed.values.iloc[6])


def test_high_medium_low_to_risk_levels():
    raw = pd.Series(["High", "b) Medium", "LOW", "Critical", "severe"])
    parsed = parse_enum(raw, RISK_LEVELS, {"severe": "critical"}, "Risk level")
    assert parsed.values.tolist() == ["high", "medium", "low", "critical", "critical"]
    assert not parsed.problems.any()


def test_counts_must_be_whole_and_at_least_the_minimum():
    parsed = parse_quantities(
        pd.Series(["1,234", "12.5", "-3", "n/a", 40.0], dtype=object), minimum=0, whole=True
    )
    assert parsed.values.tolist()[0] == 1234.0 and parsed.values.tolist()[4] == 40.0
    assert parsed.values.iloc[1:4].isna().all()
    assert parsed.reasons.tolist()[1:4] == [
        "not a whole number; set to unknown",
        "below the minimum of 0; set to unknown",
        "marked as unknown or not applicable; treated as unknown",
    ]
    assert parsed.codes.tolist()[1:4] == ["fractional_count", "below_minimum", "not_applicable"]


cells = st.one_of(
    st.text(max_size=12),
    st.integers(-10, 10),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(),
    st.sampled_from(["a) No", "4 - mostly", "1,234", "45%", "High", "n/a", "0x1f", "1e999", "-", "TBD"]),
)


# No deadline: on a loaded 2-core machine one example can take longer than hypothesis's 200 ms.
@settings(deadline=None)
@given(st.lists(cells, max_size=20))
def test_normalisation_never_raises(values):
    raw = pd.Series(values, dtype=object)
    for value in values:
        parse_yes_no(value)
        parse_number(value)
        parse_excel_date(value)
    scores = parse_scores(raw, LIKERT, percent_scores=True)
    assert scores.values.dropna().between(1, 5).all()
    quantities = parse_quantities(raw, minimum=1, whole=True)
    assert (quantities.values.dropna() >= 1).all()
    parse_enum(raw, RISK_LEVELS, {}, "Risk level")


csv_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=15
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(csv_text, min_size=4, max_size=4), max_size=12),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_read_portfolio_on_any_csv_accounts_for_every_row(rows, delimiter, encoding):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["pilot_id", "name", "controls", "monthly_volume"])
    writer.writerows(rows)
    try:
        data = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = buffer.getvalue().encode("utf-8")
    try:
        result = read_portfolio(data, filename="generated.csv")
    except IntakeError:
        return
    data_rows = sum(any(cell.strip() for cell in row) for row in rows)
    assert len(result.pilots) + len(result.rejected) == data_rows
    assert result.pilots["controls"].dropna().between(1, 5).all()
    assert result.pilots["pilot_id"].notna().all() and result.pilots["pilot_id"].is_unique
