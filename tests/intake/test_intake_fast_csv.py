"""The csv reader's columnar fast path (pyarrow's parser, taken only for a text both parsers
read alike) gives exactly the rows of the stdlib parser in strict mode, or steps aside; and
the chunked line split gives exactly the lines of the ``_LINE`` pattern."""

from __future__ import annotations

import codecs
import csv
import io

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kairo_scoring.errors import IntakeError
from kairo_scoring.intake.limits import IntakeLimits
from kairo_scoring.intake.readers import csv as csv_reader
from kairo_scoring.intake.readers.csv import DecodedText, _columnar_rows, decode_text, read_csv, strict_rows

CAP = 10_000
# Pieces of a csv text: every character the two parsers could read differently.
TOKENS = st.sampled_from(
    [
        "a",
        "b",
        "é",
        "ß",
        " ",
        ",",
        ";",
        "\t",
        "|",
        '"',
        '""',
        "\r",
        "\n",
        "\r\n",
        "\x1f",
        "\x00",
        "\ufeff",
        "1",
    ]
)
RAW_TEXTS = st.lists(TOKENS, max_size=40).map("".join)
DELIMITERS = st.sampled_from([",", ";", "\t", "|", None])
CELL = st.text(alphabet="ab é,;\t|\"\r\n'x", max_size=6)


def _general(text: str, delimiter: str | None) -> list[list[object]] | str:
    try:
        return strict_rows(text, delimiter, CAP)
    except IntakeError as exc:
        return f"refused: {exc}"


@settings(max_examples=1500, deadline=None)
@given(text=RAW_TEXTS, delimiter=DELIMITERS)
def test_the_fast_path_reads_any_text_as_the_strict_parser_or_steps_aside(text, delimiter):
    data = text.encode("utf-8")
    # As decoded (decode_text refuses a NUL near the start: later ones reach the parsers).
    fast = _columnar_rows(data, DecodedText(text, "utf-8", "valid UTF-8"), delimiter, CAP, 500)
    event("fast path" if fast is not None else "left to the strict parser")
    if fast is not None:
        assert fast == _general(text, delimiter)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    grid=st.integers(1, 5).flatmap(
        lambda w: st.lists(st.lists(CELL, min_size=w, max_size=w), min_size=1, max_size=8)
    ),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    ending=st.sampled_from(["\r\n", "\n", "\r"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    last_ending=st.booleans(),
)
def test_a_well_formed_csv_takes_the_fast_path_and_reads_the_same(
    grid, delimiter, ending, quoting, last_ending
):
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator=ending, quoting=quoting).writerows(grid)
    text = out.getvalue() if last_ending else out.getvalue()[: -len(ending)]
    data = text.encode("utf-8")
    fast = _columnar_rows(data, decode_text(data), delimiter, CAP, 500)
    general = _general(text, delimiter)
    event("fast path" if fast is not None else "left to the strict parser")
    # A text that reads back as its grid takes the fast path; not so a lone '""' without a line
    # end (pyarrow refuses it), nor a cell with "\n" under a "\r" line end (the writer leaves it
    # unquoted, so the text holds other records).
    if last_ending and general == grid:
        assert fast is not None, text
    if fast is not None:
        assert fast == general


@pytest.mark.parametrize(
    "text",
    [
        'id,name\r\nP-1,"open\r\nP-2,b\r\n',  # a quote never closed
        'id,name\r\nP-1,"a"b\r\n',  # text after a closing quote
        'id,name\r\nP-1, "a"\r\n',  # a quote inside a plain cell
        "id,name\r\n\r\nP-1,a\r\n",  # a blank line
        "id,name\r\nP-1\r\n",  # a ragged record
        "\ufeff\ufeffid,name\r\nP-1,a\r\n",  # a second byte-order mark (the first is the encoding's)
        "id,name\r\nP-1,a\x00b\r\n",  # NUL
        "id,name\r\nP-1," + "x" * (csv.field_size_limit() + 1) + "\r\n",  # a cell over the field limit
    ],
)
def test_texts_the_fast_path_leaves_to_the_strict_parser(text):
    data = text.encode("utf-8")
    assert _columnar_rows(data, DecodedText(text, "utf-8", "valid UTF-8"), ",", CAP, 500) is None


def test_a_text_with_undecodable_bytes_is_left_to_the_strict_parser():
    data = "id,name\r\nP-1,Zoë\r\nP-2,Zoë\r\n".encode() + b"P-3,\xff\r\n"
    decoded = decode_text(data)
    assert decoded.undecodable == 1
    assert _columnar_rows(data, decoded, ",", CAP, 500) is None


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    grid=st.lists(
        st.lists(st.text(alphabet='ab é€ß,;"\r\n', max_size=5), min_size=3, max_size=3), max_size=6
    ),
    encoding=ENCODINGS,
    raw=RAW_TEXTS,
    use_raw=st.booleans(),
)
def test_read_csv_gives_the_same_workbook_with_and_without_the_fast_path(grid, encoding, raw, use_raw):
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows([["pilot_id", "name", "unit"], *grid])
    text = raw if use_raw else out.getvalue()
    data = (
        text.encode(encoding, errors="replace")
        if encoding != "utf-8-sig"
        else codecs.BOM_UTF8 + text.encode()
    )
    limits = IntakeLimits()

    def read():
        try:
            return read_csv(data, limits)
        except IntakeError as exc:
            return f"refused: {exc}"

    with pytest.MonkeyPatch.context() as mp:
        fast = read()
        mp.setattr(csv_reader, "_columnar_rows", lambda *args: None)
        general = read()
    assert fast == general


def test_the_bench_shape_takes_the_fast_path():
    # Quoted numbers with thousands separators, as pandas and Excel write them.
    text = "pilot_id,name,monthly_volume\r\n" + "".join(f'P-{i},Pilot {i},"{i},000"\r\n' for i in range(50))
    data = text.encode()
    fast = _columnar_rows(data, decode_text(data), ",", CAP, 500)
    assert fast is not None
    assert fast == strict_rows(text, ",", CAP)
    assert fast[1] == ["P-0", "Pilot 0", "0,000"]


LINE_TEXTS = st.lists(
    st.sampled_from(["a", "é", " ", "\r", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", '"']),
    max_size=60,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(text=LINE_TEXTS, chunk=st.integers(1, 8))
def test_the_chunked_line_split_equals_the_line_pattern(text, chunk):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(csv_reader, "_LINES_CHUNK", chunk)
        assert list(csv_reader._lines(text)) == list(csv_reader._regex_lines(text))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    grid=st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=5),
    ending=st.sampled_from(["\r\n", "\n", "\r"]),
    edits=st.lists(st.tuples(st.integers(0, 10_000), TOKENS), min_size=1, max_size=3),
)
def test_a_well_formed_csv_with_a_stray_character_reads_the_same_or_steps_aside(grid, ending, edits):
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator=ending).writerows(grid)
    text = out.getvalue()
    for position, token in edits:
        at = position % (len(text) + 1)
        text = text[:at] + token + text[at:]
    data = text.encode("utf-8")
    fast = _columnar_rows(data, DecodedText(text, "utf-8", "valid UTF-8"), ",", CAP, 500)
    event("fast path" if fast is not None else "left to the strict parser")
    if fast is not None:
        assert fast == _general(text, ",")


def test_the_fast_path_counts_a_cr_lf_as_one_line_end_and_steps_aside_over_the_cap():
    text = "id,name\r\nP-1,a\r\nP-2,b\r\n"
    data = text.encode()
    decoded = decode_text(data)
    assert _columnar_rows(data, decoded, ",", 3, 500) == [["id", "name"], ["P-1", "a"], ["P-2", "b"]]
    # More records than the cap: left to the strict parser, which stops reading at the cap.
    assert _columnar_rows(data, decoded, ",", 2, 500) is None
