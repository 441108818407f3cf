"""The people-facing workbook's Provenance sheet, and the words it (and the Pilot page) use
for where a value came from."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from kairo_scoring import (
    PROVENANCE_COLUMNS,
    PROVENANCE_HEADERS,
    default_profile,
    export_xlsx,
    provenance_phrase,
    read_portfolio,
    score,
)
from tests.conftest import REPO

SAMPLE = REPO / "data" / "sample_portfolio.xlsx"
WHEN = pd.Timestamp("2026-11-30 14:05", tz="UTC")


def row(
    kind, source=None, sheet=None, where=None, detail=None, respondent=None, pilot="KP-001", field="controls"
):
    return dict(
        pilot_id=pilot, field=field, kind=kind, source=source, sheet=sheet, row=where,
        detail=detail, respondent=respondent, recorded_at=WHEN,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("given", "words"),
    [
        (
            row("register", "pilots.xlsx", "Pilots", 12, "Controls"),
            "register: pilots.xlsx, sheet Pilots, row 12",
        ),
        (row("register", "pilots.csv", None, 3), "register: pilots.csv, row 3"),
        (row("derived", detail="controls from ATO + monitoring"), "derived: controls from ATO + monitoring"),
        (
            row("assessment", "HR.xlsx", "Answers", 4, respondent="Ann Lee"),
            "assessment: Ann Lee's workbook, 2026-11-30",
        ),
        (row("assessment", "HR.xlsx"), "assessment: HR.xlsx, 2026-11-30"),
        (row("app", "app", respondent="ann@example.com"), "app: ann@example.com, 2026-11-30"),
        (None, "unknown"),
    ],
)
def test_where_a_value_came_from_in_words(given, words):
    assert provenance_phrase(given) == words


def test_presentation_keeps_only_the_kind_and_the_day_of_an_answer():
    assert (
        provenance_phrase(row("app", "app", respondent="ann@example.com"), anonymised=True)
        == "app, 2026-11-30"
    )
    assert provenance_phrase(row("register", "clients.xlsx", "Pilots", 2), anonymised=True) == "register"


def _provenance(pilot_ids) -> pd.DataFrame:
    rows = [
        row("register", "=cmd.xlsx", "Pilots", 2 + i, pilot=p, field="controls")
        for i, p in enumerate(pilot_ids)
    ]
    rows.append(row("app", "app", respondent="ann@example.com", pilot=pilot_ids[0], field="users"))
    return pd.DataFrame(rows, columns=list(PROVENANCE_COLUMNS))


def test_the_workbook_has_a_provenance_sheet_of_the_table_s_pilots():
    scored = score(read_portfolio(SAMPLE).pilots, default_profile()).table
    shown = scored.head(3)
    provenance = _provenance([*shown["pilot_id"], "KP-999"])  # KP-999 is not in the table
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(shown, default_profile(), provenance=provenance)))
    assert book.sheetnames == ["Pilots", "Summary", "Provenance", "Profile"]
    rows = list(book["Provenance"].iter_rows(values_only=True))
    assert (
        rows[0]
        == ("Pilot ID", "Field", "Kind", "Source", "Recorded at")
        == tuple(PROVENANCE_HEADERS.values())
    )
    first = shown["pilot_id"].iloc[0]
    assert rows[1:] == [
        (first, "Controls", "register", "register: =cmd.xlsx, sheet Pilots, row 2", "2026-11-30 14:05 UTC"),
        (
            shown["pilot_id"].iloc[1],
            "Controls",
            "register",
            "register: =cmd.xlsx, sheet Pilots, row 3",
            "2026-11-30 14:05 UTC",
        ),
        (
            shown["pilot_id"].iloc[2],
            "Controls",
            "register",
            "register: =cmd.xlsx, sheet Pilots, row 4",
            "2026-11-30 14:05 UTC",
        ),
        (first, "Users", "app", "app: ann@example.com, 2026-11-30", "2026-11-30 14:05 UTC"),
    ]


def test_a_pilot_id_that_looks_like_a_formula_stays_text_in_the_provenance_sheet():
    scored = score(read_portfolio(SAMPLE).pilots, default_profile()).table.head(1).assign(pilot_id="=1+1")
    provenance = _provenance(["=1+1"])
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(scored, default_profile(), provenance=provenance)))
    cell = book["Provenance"]["A2"]
    assert cell.value == "=1+1" and cell.data_type == "s" and cell.quotePrefix


def test_without_provenance_there_is_no_provenance_sheet():
    scored = score(read_portfolio(SAMPLE).pilots, default_profile()).table.head(2)
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(scored, default_profile())))
    assert "Provenance" not in book.sheetnames
