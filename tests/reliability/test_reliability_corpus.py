"""The hostile-input corpus: every case is accepted, accepted with warnings, or refused with a
one-line reason (docs/reliability.md lists the outcomes; this file proves them)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pytest

from kairo_scoring.errors import IntakeError
from kairo_scoring.intake import IntakeResult, mapping_from_toml, read_portfolio
from tests.reliability import corpus

ID_NOTE = "the file has no pilot ID column"


@dataclass(frozen=True)
class Refused:
    build: Callable[[], bytes]
    filename: str
    reason: str  # the one-line message starts with or contains this


REFUSED = {
    "empty-csv": Refused(lambda: b"", "register.csv", "The file is empty."),
    "empty-xlsx-0-bytes": Refused(lambda: b"", "register.xlsx", "The file is empty."),
    "blank-lines-only": Refused(
        lambda: b" \r\n\t\r\n", "register.csv", "no column we can use as the pilot name"
    ),
    "pdf-renamed-xlsx": Refused(
        lambda: b"%PDF-1.7\n1 0 obj <<>>\n", "register.xlsx", "The file is a PDF document"
    ),
    "png-renamed-csv": Refused(
        lambda: b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "register.csv", "The file is a PNG image"
    ),
    "zip-renamed-xlsx": Refused(corpus.renamed_zip, "register.xlsx", "zip archive but not an Excel workbook"),
    "password-protected-xlsx": Refused(corpus.password_protected_xlsx, "register.xlsx", "password-protected"),
    # An .xls is read now; a compound file whose Workbook stream is empty is refused by the reader.
    "empty-xls": Refused(corpus.old_xls, "register.xls", "has no worksheets"),
    "zip-bomb": Refused(corpus.zip_bomb_xlsx, "register.xlsx", "possible zip bomb, before decompressing"),
    "xml-entity-expansion": Refused(corpus.entity_expansion_xlsx, "register.xlsx", "declares a DTD"),
    "truncated-xlsx": Refused(
        lambda: corpus.xlsx_bytes([["name"], ["A"]])[:-200], "register.xlsx", "zip structure is damaged"
    ),
    "damaged-deflate-stream": Refused(
        corpus.damaged_deflate_xlsx, "register.xlsx", "zip structure is damaged"
    ),
    "workbook-without-sheets": Refused(corpus.workbook_without_sheets, "register.xlsx", "has no worksheets"),
    "nul-bytes-in-csv": Refused(lambda: b"name,unit\nA\0,Ops\n", "register.csv", "holds binary data"),
    "501-columns": Refused(
        lambda: corpus.csv_bytes([["name", *(f"c{i}" for i in range(500))], ["A"] * 501]),
        "register.csv",
        "501 columns; the limit is 500",
    ),
}


@pytest.mark.parametrize("case", REFUSED.values(), ids=REFUSED.keys())
def test_refused_with_a_one_line_reason(case: Refused) -> None:
    with pytest.raises(IntakeError) as raised:
        read_portfolio(case.build(), filename=case.filename)
    message = str(raised.value)
    assert case.reason in message
    assert "\n" not in message and "\r" not in message
    assert not isinstance(raised.value.__cause__, IntakeError)  # raised once, at the boundary


def _kept(result: IntakeResult, column: str) -> list[object]:
    return result.pilots[column].tolist()


def _warnings(result: IntakeResult) -> list[tuple[int, str, str, str]]:
    warned = result.issues[result.issues["severity"] == "warning"]
    columns = ["row", "column", "value", "code"]
    return [(int(r), c, v, code) for r, c, v, code in warned[columns].itertuples(index=False)]


def test_header_only_is_accepted_with_a_warning() -> None:
    result = read_portfolio(b"pilot_id,name,controls\r\n", filename="register.csv")
    assert result.total_rows == 0
    assert result.issues[["code", "severity"]].values.tolist() == [["no_data_rows", "warning"]]


def test_two_hundred_columns_are_accepted() -> None:
    header = ["pilot_id", "name", *(f"Extra {i}" for i in range(198))]
    rows = [header, *([f"P{r}", f"Pilot {r}", *range(198)] for r in range(3))]
    for data, filename in ((corpus.csv_bytes(rows), "wide.csv"), (corpus.xlsx_bytes(rows), "wide.xlsx")):
        result = read_portfolio(data, filename=filename)
        assert len(result.detection.headers) == 200
        assert len(result.unmapped_columns) == 198
        assert _kept(result, "pilot_id") == ["P0", "P1", "P2"]
        assert result.issues.empty


def test_cells_of_100000_characters_are_kept_whole() -> None:
    long_name, long_owner = "N" * 100_000, "O" * 99_999 + "é"
    csv_file = corpus.csv_bytes([["pilot_id", "name", "owner"], ["P1", long_name, long_owner]])
    workbook = corpus.xlsx_with_long_text(
        [["pilot_id", "name", "owner"], ["P1", "LONG-NAME", "LONG-OWNER"]],
        {"LONG-NAME": long_name, "LONG-OWNER": long_owner},
    )
    for data, filename in ((csv_file, "long.csv"), (workbook, "long.xlsx")):
        result = read_portfolio(data, filename=filename)
        assert _kept(result, "name") == [long_name] and _kept(result, "owner") == [long_owner]
        assert result.issues.empty


CONTROL_AND_BIDI = [
    "Invoice\x01 triage\x1b[31m",  # a control character and a terminal escape sequence
    "\u202eesrever\u202c pilot",  # right-to-left override
    "\u200fמסלול\u200e claims",  # right-to-left and left-to-right marks
    "Tab\tinside\x7f",
]


def test_control_characters_and_bidi_marks_are_kept_as_text() -> None:
    rows = [["pilot_id", "name"], *([f"P{i}", text] for i, text in enumerate(CONTROL_AND_BIDI))]
    for data, filename in ((corpus.csv_bytes(rows), "c.csv"), (corpus.xlsx_bytes(rows), "c.xlsx")):
        result = read_portfolio(data, filename=filename)
        assert _kept(result, "name") == CONTROL_AND_BIDI  # data is not altered; renderers escape it
        assert result.issues.empty


def test_emoji_are_kept_and_an_emoji_answer_is_unknown() -> None:
    rows = [["pilot_id", "name", "business_unit", "risk_level"], ["🚀1", "Rocket 🚀", "👩‍💻 Dev", "🔥"]]
    for data, filename in ((corpus.csv_bytes(rows), "e.csv"), (corpus.xlsx_bytes(rows), "e.xlsx")):
        result = read_portfolio(data, filename=filename)
        assert result.pilots.loc[0, ["pilot_id", "name", "business_unit"]].tolist() == [
            "🚀1",
            "Rocket 🚀",
            "👩‍💻 Dev",
        ]
        assert pd.isna(result.pilots.loc[0, "risk_level"])
        assert _warnings(result) == [(2, "risk_level", "🔥", "unknown_category")]


DATE_MAPPING = mapping_from_toml(
    'name = "dated"\nversion = 1\ndate_order = "dmy"\n'
    '[columns]\nname = ["name"]\ngo_live = ["Go live"]\n[extras]\ngo_live = "date"\n'
)
DATES_AS_TEXT = {
    "2025-03-31": "2025-03-31",
    "31/03/2025": "2025-03-31",
    "31.03.2025": "2025-03-31",
    "31-03-2025": "2025-03-31",
    "03/2025": "2025-03-01",
    "Mar-25": "2025-03-01",
    "March 2025": "2025-03-01",
    "2025-03-31 14:30:00": "2025-03-31",
    "45747": "2025-03-31",
    "2025": "2025-01-01",
}


def test_dates_as_text_in_several_formats() -> None:
    bad = ["soon", "2025-02-30", "31/13/2025"]
    rows = [["name", "Go live"], *([f"P{i}", text] for i, text in enumerate([*DATES_AS_TEXT, *bad, "n/a"]))]
    result = read_portfolio(corpus.csv_bytes(rows), filename="dates.csv", mapping=DATE_MAPPING)
    parsed = result.pilots["go_live"]
    assert parsed.iloc[: len(DATES_AS_TEXT)].tolist() == [pd.Timestamp(d) for d in DATES_AS_TEXT.values()]
    assert parsed.iloc[len(DATES_AS_TEXT) :].isna().all()
    first_bad = len(DATES_AS_TEXT) + 2
    assert _warnings(result) == [(first_bad + i, "Go live", text, "not_a_date") for i, text in enumerate(bad)]
    assert result.issues["severity"].value_counts().to_dict() == {"warning": 3, "info": 2}  # n/a + IDs
    assert result.counts_by_code == {"not_a_date": 3, "not_applicable": 1, "no_id_column": 1}


# One column per decimal convention: "1,500" is 1500 beside "1,234,567.5" and 1.5 beside
# "1.234,5" (a column mixing both leaves it unknown, with a warning: test_intake_dialects).
NUMBERS_AS_TEXT = {
    "decimal point": {
        "1,234": 1234.0,
        "1,234,567.5": 1234567.5,
        "1 234": 1234.0,
        "€1,500": 1500.0,
        "12 000 €": 12000.0,
        "2k": 2000.0,
    },
    "decimal comma": {
        "1.234": 1234.0,
        "1.234.567,5": 1234567.5,
        "1.234,5": 1234.5,
        "3,5": 3.5,
        "€1,500": 1.5,
        "12 000 €": 12000.0,
    },
}


@pytest.mark.parametrize("convention", NUMBERS_AS_TEXT)
def test_numbers_as_text_with_thousands_separators_and_decimal_commas(convention: str) -> None:
    numbers = NUMBERS_AS_TEXT[convention]
    rows = [["name", "monthly_value"], *([f"P{i}", text] for i, text in enumerate(numbers))]
    for data, filename in (
        (corpus.csv_bytes(rows, delimiter=";"), "n.csv"),
        (corpus.xlsx_bytes(rows), "n.xlsx"),
    ):
        result = read_portfolio(data, filename=filename)
        assert _kept(result, "monthly_value") == list(numbers.values())
        assert _warnings(result) == []


def test_negative_and_nan_volumes_are_unknown_with_warnings() -> None:
    values = ["-5", "NaN", "nan", "inf", "-0.5", "1e400", "12"]
    rows = [["name", "monthly_volume"], *([f"P{i}", text] for i, text in enumerate(values))]
    result = read_portfolio(corpus.csv_bytes(rows), filename="v.csv")
    volumes = _kept(result, "monthly_volume")
    assert all(math.isnan(v) for v in volumes[:-1]) and volumes[-1] == 12.0
    assert [(row, code) for row, _, _, code in _warnings(result)] == [
        (2, "below_minimum"),
        (3, "not_a_number"),
        (4, "not_a_number"),
        (5, "not_a_number"),
        (6, "below_minimum"),
        (7, "not_a_number"),
    ]
    # A real NaN or infinity cell in a workbook (an error cell) is unknown too, never a number.
    workbook = corpus.xlsx_bytes(
        [["name", "monthly_volume"], ["A", float("nan")], ["B", float("inf")], ["C", -3]]
    )
    assert read_portfolio(workbook, filename="v.xlsx").pilots["monthly_volume"].isna().all()


def test_scores_holding_0_6_3_5_and_n_a() -> None:
    rows = [
        ["name", "controls"],
        ["A", "0"],
        ["B", "6"],
        ["C", "3.5"],
        ["D", "3,5"],
        ["E", "n/a"],
        ["F", "4"],
    ]
    result = read_portfolio(corpus.csv_bytes(rows), filename="s.csv")
    assert result.pilots["controls"].iloc[:5].isna().all() and _kept(result, "controls")[5] == 4.0
    by_row = result.issues.dropna(subset=["row"]).set_index("row")
    assert by_row["severity"].to_dict() == {2: "warning", 3: "warning", 4: "warning", 5: "warning", 6: "info"}
    assert by_row["code"].to_dict() == {
        2: "out_of_range_score",
        3: "out_of_range_score",
        4: "fractional_score",
        5: "fractional_score",
        6: "not_applicable",
    }


@pytest.mark.parametrize(
    "filename",
    ["../../etc/passwd.csv", "..\\..\\Windows\\win.ini.csv", "a\0b/../c.csv", "/abs/olute.csv", "CON.csv"],
)
def test_upload_names_are_kept_as_plain_text(filename: str) -> None:
    result = read_portfolio(b"name\r\nA\r\n", filename=filename)
    assert result.source_name == filename
    assert result.pilots["name"].tolist() == ["A"]
