"""Property-based fuzzing of the readers and of value normalisation: never an unhandled
exception (only IntakeError refuses a file), and every data row is accepted or reported."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import math
import zipfile

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kairo_scoring.errors import IntakeError
from kairo_scoring.intake import IntakeResult, read_portfolio
from kairo_scoring.intake.normalize import (
    cell_text,
    parse_by_unique,
    parse_excel_date,
    parse_number,
    parse_yes_no,
)
from kairo_scoring.schema import CANONICAL_COLUMNS
from tests.reliability import corpus

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any text but lone surrogates; control characters, bidi marks and emoji included.
any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
answers = st.sampled_from(
    ["n/a", "4 - mostly", "3.5", "3,5", "1.234,5", "-7", "NaN", "=1+1", "a) Yes", "Mar-25"]
)
workbook_cells = st.one_of(
    st.none(),
    any_text.filter(lambda text: "\0" not in text),
    answers,
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)),
)
headers = st.lists(
    st.sampled_from([*CANONICAL_COLUMNS, "Pilot name", "Notes", "Risk rating"]), min_size=1, max_size=5
)


def _filled(cell: object) -> bool:
    if isinstance(cell, float) and not math.isfinite(cell):
        return False  # written as an error cell (#NUM!): no value, reported as a formula warning
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _assert_every_row_accounted_for(result: IntakeResult, data_rows: dict[int, bool]) -> None:
    """``data_rows`` maps each source row below the header to whether it holds anything."""
    expected = {row for row, filled in data_rows.items() if filled and row > (result.header_row or 0)}
    accepted = result.pilots["source_row"].tolist()
    rejected = result.rejected["source_row"].tolist() if len(result.rejected) else []
    assert sorted(accepted + rejected) == sorted(expected)  # each row once: accepted or rejected
    assert result.pilots["pilot_id"].notna().all() and result.pilots["pilot_id"].str.casefold().is_unique
    if len(result.rejected):
        reported = set(result.issues.loc[result.issues["severity"] == "error", "row"].dropna().astype(int))
        assert set(rejected) <= reported  # every rejected row has its error in the report


@FUZZ
@given(headers, st.lists(st.lists(workbook_cells, min_size=1, max_size=5), max_size=15))
def test_xlsx_reader_accepts_or_reports_every_row(header: list[str], rows: list[list[object]]) -> None:
    data = corpus.xlsx_bytes([["name", *header], *rows])
    try:
        result = read_portfolio(data, filename="fuzz.xlsx")
    except IntakeError:
        return
    _assert_every_row_accounted_for(
        result, {i: any(map(_filled, row)) for i, row in enumerate(rows, start=2)}
    )


csv_cells = st.one_of(any_text, answers)


@FUZZ
@given(
    st.lists(st.lists(csv_cells, min_size=1, max_size=5), max_size=15),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]),
)
def test_csv_reader_accepts_or_reports_every_row(
    rows: list[list[str]], delimiter: str, encoding: str
) -> None:
    text = corpus.csv_bytes([["pilot_id", "name", "controls"], *rows], delimiter=delimiter).decode()
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    try:
        result = read_portfolio(data, filename="fuzz.csv")
    except IntakeError:
        return
    # Re-read as the csv module reads it, with the delimiter intake detected.
    decoded = result.detection.encoding or "utf-8"
    parsed = csv.reader(
        io.StringIO(data.decode(decoded, errors="replace").removeprefix("\ufeff"), newline=""),
        delimiter=result.detection.delimiter or "\x1f",
        strict=False,
    )
    _assert_every_row_accounted_for(
        result, {i: any(map(_filled, row)) for i, row in enumerate(parsed, start=1) if i > 1}
    )


@FUZZ
@given(st.binary(max_size=2048), st.sampled_from(["x.csv", "x.xlsx", "x.xls", "x.txt", "upload"]))
def test_arbitrary_bytes_are_read_or_refused(data: bytes, filename: str) -> None:
    try:
        result = read_portfolio(data, filename=filename)
    except IntakeError as refused:
        assert "\n" not in str(refused)
        return
    assert result.pilots["pilot_id"].notna().all()


VALID_WORKBOOK = corpus.xlsx_bytes(
    [
        ["pilot_id", "name", "controls", "monthly_volume"],
        *[[f"P{i}", f"Pilot {i}", 1 + i % 5, i] for i in range(40)],
    ]
)


@FUZZ
@given(
    st.lists(st.tuples(st.integers(0, len(VALID_WORKBOOK) - 1), st.integers(0, 255)), min_size=1, max_size=12)
)
def test_a_workbook_with_damaged_bytes_is_read_or_refused(edits: list[tuple[int, int]]) -> None:
    data = bytearray(VALID_WORKBOOK)
    for position, value in edits:
        data[position] = value
    with contextlib.suppress(IntakeError):
        read_portfolio(bytes(data), filename="damaged.xlsx")


XML_PARTS = sorted(name for name in corpus.xlsx_members(VALID_WORKBOOK) if name.endswith((".xml", ".rels")))
xml_noise = st.sampled_from(
    [b"<", b">", b'"', b"&", b"\0", b"</row>", b'<c r="XFD1048577">', b't="s"', b"<v>99999</v>"]
)


@FUZZ
@given(
    st.sampled_from(XML_PARTS),
    st.lists(st.tuples(st.floats(0, 1), st.one_of(xml_noise, st.binary(min_size=1, max_size=4))), max_size=6),
    st.floats(0, 1),
)
def test_a_workbook_with_damaged_xml_is_read_or_refused(part: str, inserts: list, keep: float) -> None:
    members = corpus.xlsx_members(VALID_WORKBOOK)
    xml = members[part]
    for where, noise in inserts:
        cut = int(where * len(xml))
        xml = xml[:cut] + noise + xml[cut:]
    members[part] = xml[: max(1, int(keep * len(xml)))] if keep < 0.3 else xml
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    with contextlib.suppress(IntakeError):
        read_portfolio(buffer.getvalue(), filename="damaged.xlsx")


@FUZZ
@given(st.lists(st.one_of(workbook_cells, st.just(pd.NA), st.just(pd.NaT)), max_size=40))
@example([0, False, 1, True, 1.0, None, "1"])  # True == 1 and False == 0 must stay apart
def test_parsing_each_distinct_value_once_equals_parsing_every_cell(values: list[object]) -> None:
    raw = pd.Series(values, dtype=object)

    def describe(value: object) -> tuple[object, str | None, str | None, str]:
        number = parse_number(value)
        date = str(parse_excel_date(value))
        return (cell_text(value), None if number is None else f"{number!r}", date, str(parse_yes_no(value)))

    parsed = parse_by_unique(raw, describe)
    for i, value in enumerate(values):
        expected = (None, None, None, None) if pd.isna(value) else describe(value)
        got = (parsed.values.iloc[i], parsed.reasons.iloc[i], parsed.severity.iloc[i], parsed.codes.iloc[i])
        assert got == tuple(None if part is None else part for part in expected), (value, got)
