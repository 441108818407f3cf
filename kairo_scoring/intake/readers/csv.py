"""csv/tsv/txt: the encoding decided on the whole file's evidence, the delimiter on whole
records, then the stdlib csv parser (C) in strict mode: a quote that opens a cell and never
closes refuses the file with its row and column, so no row merges silently; undecodable
bytes are reported per cell (row, column), never re-decoded. A text whose every record both
parsers read alike (``_well_formed_csv``) is parsed by pyarrow's columnar reader instead,
to the same rows (``_columnar_rows``); any other goes to the stdlib parser."""

from __future__ import annotations

import codecs
import contextlib
import csv
import gc
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from kairo_scoring.errors import IntakeError
from kairo_scoring.intake.codes import IssueCode, Severity
from kairo_scoring.intake.limits import IntakeLimits
from kairo_scoring.intake.readers.common import (
    CSV_SAMPLE_CHARS,
    SHARED_CELL_TEXTS,
    RawSheet,
    ReaderNote,
    Workbook,
    _first_line,
)
from kairo_scoring.values import column_letter

CSV_DELIMITERS = (",", ";", "\t", "|")

# The delimiter is decided on whole records (a quoted cell may hold line breaks and
# delimiters), parsed as the csv module parses them, from the first ``DIALECT_RECORDS``.
DIALECT_RECORDS = 2_000
_SURROGATE = re.compile("[\udc80-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")
# Bytes cp1252 leaves undefined: a file holding one is read as Latin-1.
CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


@dataclass(frozen=True)
class DecodedText:
    """A csv's text, the encoding used and why; undecodable bytes are kept as lone
    surrogates (``surrogateescape``) until the cells holding them are known."""

    text: str
    encoding: str
    reason: str
    undecodable: int = 0


def read_csv(data: bytes, limits: IntakeLimits) -> Workbook:
    """A csv as one sheet: encoding and delimiter detected, parsed strictly, ragged rows padded.

    Row numbers are records, as Excel numbers a csv's rows (a cell with line breaks is one
    row). A quote that opens a cell and never closes refuses the file with its row: read
    leniently, it would swallow every row after it into one cell."""
    decoded = decode_text(data)
    text = decoded.text
    delimiter = detect_delimiter(text)
    row_cap = limits.max_rows + 100  # headroom for title rows above the header
    rows = _columnar_rows(data, decoded, delimiter, row_cap, limits.max_columns)
    if rows is None:
        rows = strict_rows(text, delimiter, row_cap)
    if len(rows) > row_cap:
        raise IntakeError(
            f"The file has more than {limits.max_rows:,} rows; the limit is {limits.max_rows:,}."
        )
    widths = list(map(len, rows))
    width = max(widths, default=0)
    if width > limits.max_columns:
        raise IntakeError(f"The file has {width} columns; the limit is {limits.max_columns}.")
    if min(widths, default=width) != width:
        rows = [r + [""] * (width - len(r)) for r in rows]  # ragged lines: missing cells are empty
    notes = _encoding_notes(decoded, rows)
    return Workbook(
        "csv",
        (RawSheet(name="", rows=rows),),
        encoding=decoded.encoding,
        delimiter=delimiter,
        notes=notes,
        encoding_reason=decoded.reason,
    )


def strict_rows(text: str, delimiter: str | None, row_cap: int) -> list[list[object]]:
    """The records of ``text`` as the stdlib csv parser reads them in strict mode, at most
    ``row_cap + 1`` of them; a record it refuses raises ``IntakeError`` with its row."""
    # A one-column file is split on a character that never occurs in text (unit separator).
    reader = csv.reader(_lines(text), delimiter=delimiter or "\x1f", strict=True)
    rows: list[list[object]] = []
    try:
        with _no_gc_pauses():
            for row in itertools.islice(_shared_cells(reader), row_cap + 1):
                rows.append(row)
    except csv.Error as exc:
        raise _unclosed_quote(text, delimiter, len(rows), exc) from exc
    return rows


@contextlib.contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """The cyclic garbage collector paused while a grid of row lists is built: the lists hold
    only strings (no cycle to collect), and each collection would walk every list built so
    far (a quarter of a 100,000-row read went to it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _well_formed_csv(delimiter: str) -> str:
    """An RE2 pattern for a text every record of which the strict parser reads the same way
    a columnar parser does: fields plain (no quote, delimiter, line break or NUL) or quoted
    whole (a quote inside doubled, line breaks and delimiters allowed), each quoted field
    followed by a delimiter or a line end, no blank line, records ended by CR LF, LF or CR."""
    sep = {"|": r"\|"}.get(delimiter, delimiter)
    plain = f'[^"{delimiter}\\r\\n\\x00]'
    quoted = '"(?:[^"\\x00]|"")*"'
    field = f"(?:{quoted}|{plain}*)"
    # A record is not empty: its first field holds something, or a delimiter follows.
    record = f"(?:(?:{quoted}|{plain}+)(?:{sep}{field})*|(?:{sep}{field})+)"
    return f"^(?:{record}(?:\\r\\n|\\n|\\r))*(?:{record})?$"


def _columnar_rows(
    data: bytes, decoded: DecodedText, delimiter: str | None, row_cap: int, max_columns: int
) -> list[list[object]] | None:
    """The rows ``strict_rows`` reads, parsed by pyarrow's csv reader in C++ (about a third of
    the time), or None when the text is not one both read alike: then ``strict_rows`` reads it
    (and reports what it refuses). Taken only for a text that is decoded without undecodable
    bytes, starts with no byte-order mark (pyarrow would skip it), has no more lines than
    ``row_cap`` and matches ``_well_formed_csv`` (checked in RE2, in one pass); pyarrow then
    refuses ragged records (read by ``strict_rows``, which pads them) and a cell longer than
    the stdlib parser's field limit is left to it. Equal strings of a column are one object."""
    text = decoded.text
    if not text or decoded.undecodable or text.startswith("\ufeff"):
        return None
    line_ends = text.count("\n") + text.count("\r") - text.count("\r\n")
    if line_ends > row_cap:  # more records than the cap, perhaps: the strict parser stops at it
        return None
    sep = delimiter or "\x1f"
    if not pc.match_substring_regex(pa.array([text]), _well_formed_csv(sep))[0].as_py():
        return None
    if decoded.encoding == "utf-8":
        payload = data
    elif decoded.encoding == "utf-8-sig":
        payload = data[len(codecs.BOM_UTF8) :]
    else:
        payload = text.encode("utf-8")
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(payload),
            # One thread: the same parse for less CPU (its pool's threads cost more than they
            # save on a file of this size, and the machine's other cores are the user's).
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True, use_threads=False),
            parse_options=pa_csv.ParseOptions(
                delimiter=sep,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{j}": pa.string() for j in range(max_columns + 1)},
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowException:  # ragged records, among others
        return None
    if table.num_columns > max_columns or not all(pa.types.is_string(t) for t in table.schema.types):
        return None
    limit = csv.field_size_limit()
    grid = np.empty((table.num_rows, table.num_columns), dtype=object)
    columns = table.columns
    del table  # each column's buffers go as soon as its cells are Python strings
    for j in range(len(columns)):
        column, columns[j] = columns[j].combine_chunks(), None
        # A cell's characters are at most its bytes: count characters only when the bytes reach the limit.
        if (pc.max(pc.binary_length(column)).as_py() or 0) >= limit and (
            pc.max(pc.utf8_length(column)).as_py() or 0
        ) >= limit:
            return None
        encoded = column.dictionary_encode()
        distinct = np.array(encoded.dictionary.to_pylist(), dtype=object)
        grid[:, j] = distinct[encoded.indices.to_numpy(zero_copy_only=False)]
        del column, encoded
    # Arrow's allocator keeps freed pages for reuse; the process's peak is what the rest of intake adds.
    pa.default_memory_pool().release_unused()
    with _no_gc_pauses():
        return grid.tolist()


def _unclosed_quote(text: str, delimiter: str | None, rows_read: int, exc: csv.Error) -> IntakeError:
    """The error for a record the strict parser refused: the row and line where its cell's
    quote opened (a stray quote), so the user can find it."""
    row = rows_read + 1
    line, column = _record_start(text, delimiter, rows_read)
    where = f"row {row} (line {line}), column {column_letter(column)}" if column is not None else f"row {row}"
    if "field larger" in str(exc) and column is None:
        return IntakeError(
            f"The csv's cell at {where} holds more than {csv.field_size_limit():,} characters: "
            "shorten it or split it over several cells, save and import again."
        )
    return IntakeError(
        f"The csv has a quote opened at {where} that is never closed as csv requires ({_first_line(exc)}): "
        "read on, the rows after it would merge into one cell. Remove the stray quote or close it, "
        "save and import again."
    )


def _record_start(text: str, delimiter: str | None, records: int) -> tuple[int, int | None]:
    """(physical line, 0-based column of the first quoted cell left open on that line) of the
    record after the first ``records`` complete ones."""
    reader = csv.reader(_lines(text), delimiter=delimiter or "\x1f", strict=False)
    for _ in itertools.islice(reader, records):
        pass
    line = reader.line_num + 1
    first = next(itertools.islice(_lines(text), line - 1, None), "")
    return line, _open_quote_column(first.rstrip("\r\n"), delimiter or "\x1f")


def _open_quote_column(line: str, delimiter: str) -> int | None:
    """The column whose quoted cell is still open at the end of ``line`` (or, for text after
    a closing quote, the cell holding it); None when every cell on the line is well formed."""
    column, pos = 0, 0
    while pos <= len(line):
        if line.startswith('"', pos):
            end = pos + 1
            while True:
                end = line.find('"', end)
                if end < 0:
                    return column  # never closed on this line
                if line.startswith('""', end):
                    end += 2
                    continue
                break
            if end + 1 < len(line) and line[end + 1] != delimiter:
                return column  # text after the closing quote
            pos = end + 2
        else:
            nxt = line.find(delimiter, pos)
            if nxt < 0:
                return None
            pos = nxt + 1
        column += 1
    return None


def _encoding_notes(decoded: DecodedText, rows: list[list[object]]) -> tuple[ReaderNote, ...]:
    """A note for an encoding chosen on evidence, and one per cell holding undecodable bytes
    (the bytes then shown as U+FFFD)."""
    notes = []
    if decoded.encoding in ("cp1252", "latin-1"):
        notes.append(ReaderNote(None, "", "", decoded.reason, Severity.INFO, IssueCode.LEGACY_ENCODING))
    if not decoded.undecodable:
        return tuple(notes)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if isinstance(cell, str) and _SURROGATE.search(cell):
                shown = _SURROGATE.sub("\ufffd", cell)
                row[c] = shown
                count = len(_SURROGATE.findall(cell))
                reason = (
                    f"{count} byte{'s' if count > 1 else ''} not valid UTF-8, shown as \ufffd; the rest of the "
                    f"file is UTF-8 ({decoded.reason})"
                )
                notes.append(
                    ReaderNote(
                        r + 1, column_letter(c), shown, reason, Severity.WARNING, IssueCode.UNDECODABLE_TEXT
                    )
                )
    return tuple(notes)


# A line with its ending (\r\n, \r or \n, as ``newline=""`` reads them), or a last line without one.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


# Characters ``str.splitlines`` also ends a line on, which csv does not.
_OTHER_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINES_CHUNK = 1 << 20  # characters split at a time


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their endings, as ``_LINE`` finds them. Lazily, rather than
    through io.StringIO, which holds a copy at 4 bytes a character: about a megabyte at a
    time, cut after a line feed (so a CR LF pair is never split), and split by
    ``str.splitlines`` in C when the text holds none of the other characters it ends a line
    on; else by ``_LINE`` itself."""
    if "\n" not in text or any(ch in text for ch in _OTHER_LINE_BREAKS):
        yield from _regex_lines(text)
        return
    start = 0
    while start < len(text):
        end = text.find("\n", start + _LINES_CHUNK)
        end = len(text) if end < 0 else end + 1
        yield from text[start:end].splitlines(keepends=True)
        start = end


def _regex_lines(text: str) -> Iterator[str]:
    """``_lines`` by ``_LINE`` alone (the reference the chunked split is tested against)."""
    return (match.group() for match in _LINE.finditer(text))


def _shared_cells(reader: Iterator[list[str]]) -> Iterator[list[object]]:
    """Rows in which repeated cell texts ("pilot", "3", "Finance") are one object: a long
    register repeats a few answers in most columns, and one string per cell would cost
    about 60 bytes each. The cache is capped, so columns of unique values do not grow it."""
    cache: dict[str, str] = {}
    for row in reader:
        if len(cache) < SHARED_CELL_TEXTS:
            yield list(map(cache.setdefault, row, row))
        else:
            yield list(map(cache.get, row, row))


def decode_text(data: bytes) -> DecodedText:
    """The text, the encoding used and why. A BOM decides (UTF-8, UTF-16: Excel's "Unicode
    text"); otherwise the evidence of the whole file: UTF-8 when it is valid UTF-8, or when
    its valid UTF-8 characters are at least as many as its invalid bytes (those are then
    reported per cell, never re-decoded); cp1252 (Excel on Windows) when its non-ASCII bytes
    form no more UTF-8 characters than invalid ones; Latin-1 when cp1252 leaves a byte undefined."""
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="surrogateescape")
        bad = len(_SURROGATE.findall(body))
        return DecodedText(body, "utf-8-sig", "the file starts with a UTF-8 byte-order mark", bad)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return DecodedText(
            data.decode("utf-16", errors="replace"), "utf-16", "the file starts with a UTF-16 byte-order mark"
        )
    if b"\x00" in data[:CSV_SAMPLE_CHARS]:
        raise IntakeError("The file holds binary data: it is not a spreadsheet or a csv text file.")
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", "the file is valid UTF-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="surrogateescape")
    bad = len(_SURROGATE.findall(text))
    good = len(_NON_ASCII.findall(text))
    if good >= bad:
        reason = f"{good:,} characters are valid UTF-8 and {bad:,} bytes are not"
        return DecodedText(text, "utf-8", reason, bad)
    evidence = f"{bad:,} bytes are not valid UTF-8 and only {good:,} characters are"
    if CP1252_UNDEFINED.search(data):
        return DecodedText(
            data.decode("latin-1"),
            "latin-1",
            f"read as Latin-1: {evidence}, and cp1252 leaves some bytes undefined",
        )
    return DecodedText(data.decode("cp1252"), "cp1252", f"read as Windows cp1252: {evidence}")


def detect_delimiter(text: str) -> str | None:
    """The delimiter whose records have the most consistent number (≥ 2) of fields, judged
    on the first ``DIALECT_RECORDS`` whole records as the strict csv parser reads them (so
    quoted cells holding line breaks or delimiters count as one cell); None for a
    single-column file. A delimiter whose parse breaks on a quote only wins when none reads
    the records cleanly; then the share of records agreeing on one width (a wrong delimiter
    splits a multi-line cell into many ragged records), then the wider table. At least half
    the records (and two) must agree, so a few values with commas in a one-column list do
    not make it comma-separated."""
    best: tuple[bool, float, int, str | None] = (False, 0.0, 0, None)
    for delimiter in CSV_DELIMITERS:
        widths, clean = _record_widths(text, delimiter)
        records = [w for w in widths if w]  # blank lines are no records
        multi = [w for w in records if w >= 2]
        if not multi:
            continue
        modal = max(set(multi), key=lambda w: (multi.count(w), w))
        agreeing = records.count(modal)
        if agreeing >= max(2, len(records) / 2) or (len(records) == 1 and agreeing == 1):
            best = max(best, (clean, agreeing / len(records), modal, delimiter), key=lambda b: b[:3])
    return best[3]


def _record_widths(text: str, delimiter: str) -> tuple[list[int], bool]:
    """Field counts of the first records (0 for a blank line), and whether they parsed cleanly."""
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
    widths: list[int] = []
    try:
        for row in itertools.islice(reader, DIALECT_RECORDS):
            widths.append(0 if not any(cell.strip() for cell in row) else len(row))
    except csv.Error:
        return widths, False
    return widths, True
