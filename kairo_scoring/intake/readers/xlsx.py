"""xlsx/xlsm: the archive checked (directory, ratios, DTDs), every part's XML streamed once
to bound what calamine would allocate (sheets, used ranges, shared strings, text; formulas
seen on the way), then calamine reads the sheets. Formulas themselves are read with
openpyxl, only for a workbook that holds one.

Where each cell of a sheet part would be placed (exactly as calamine does: for a buffer of
plain tags from arrays, for the plain rows a regex matches whole, for anything else walked tag
by tag) is ``xlsx_cells``; this module streams the parts, counts their text and judges the extent."""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
from array import array
from collections.abc import Iterator

from kairo_scoring.errors import IntakeError
from kairo_scoring.intake.limits import MIB, IntakeLimits
from kairo_scoring.intake.readers.common import (
    DAMAGED_ZIP_ERRORS,
    RawSheet,
    _check_members,
    _check_no_dtd,
    _damaged_zip,
    _first_line,
    _read_with_calamine,
)
from kairo_scoring.intake.readers.extent import (
    _PREFIX,
    _QUOTED_ATTRS,
    LONG_TEXT_BYTES,
    _attributes,
    _check_extent,
    _Cursor,
    _SheetExtent,
    _tag_buffers,
)
from kairo_scoring.intake.readers.xlsx_cells import (
    _EXCEL_ROWS,  # noqa: F401 (where tests/intake/test_intake_extent_runs.py reads it)
    _place_cells,
)

# A formula element, with or without a namespace prefix.
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def read_xlsx(data: bytes, limits: IntakeLimits) -> tuple[RawSheet, ...]:
    """Every sheet of an xlsx/xlsm, after the archive passed ``check_xlsx_archive``."""
    check_xlsx_archive(data, limits)
    return _read_with_calamine(data, limits)


def check_xlsx_archive(data: bytes, limits: IntakeLimits) -> bool:
    """Refuse a zip that is not a workbook, is too big or too compressed once inflated (judged
    from the zip directory, before inflating), is encrypted, holds XML with a DTD, or holds
    more sheets, cells or text than the limits (judged from the XML, before calamine reads it).
    Returns whether a worksheet holds a formula (as ``has_formulas`` would say)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_members(members, limits)
            _check_no_dtd(archive, members)
            return check_xlsx_extent(archive, limits)
    except DAMAGED_ZIP_ERRORS as exc:
        raise _damaged_zip(exc) from exc


# --- xlsx extent: what a reader would allocate, read from the XML first ----------------------
# calamine sizes a sheet's grid from the farthest cell present (one stray cell at XFD1048576
# asks for 17 billion cells), reserves the shared-strings table from the count the file
# declares, and copies a shared string into every cell that shows it. So the parts are
# streamed once, before calamine opens the workbook, and refused from what they hold.

_STRING_TOKEN = re.compile(rb"<(/?)" + _PREFIX + rb"(si|sst)(?=[\s/>])" + _QUOTED_ATTRS + rb">")

# A cell of type "s" and the shared-string index in its <v>; and every such cell, to catch
# those the first pattern cannot read (counted at the longest string).
_SHARED_REF = re.compile(
    rb"<" + _PREFIX + rb"c\s[^>]*?\bt\s*=\s*[\"']s[\"'][^>]*>\s*<" + _PREFIX + rb"v>\s*([0-9]+)"
)
_SHARED_CELL = re.compile(rb"<" + _PREFIX + rb"c\s[^>]*?\bt\s*=\s*[\"']s[\"']")
# Text held in the sheet XML itself (inline strings, formula results), and shared strings,
# count from ``LONG_TEXT_BYTES``.
_LONG_TEXT = re.compile(rb">[^<]{%d,}" % LONG_TEXT_BYTES)
_SHEET_ENTRY = re.compile(rb"<" + _PREFIX + rb"sheet(?=[\s/>])" + _QUOTED_ATTRS + rb">")
_RELATIONSHIP = re.compile(rb"<" + _PREFIX + rb"Relationship(?=[\s/>])" + _QUOTED_ATTRS + rb">")


def check_xlsx_extent(archive: zipfile.ZipFile, limits: IntakeLimits) -> bool:
    """Refuse a workbook whose sheets, used ranges, shared strings or text exceed the limits,
    judged by streaming its XML, before any reader allocates for it. The ``dimension``
    element a sheet declares is not trusted (it can say A1:B2 and hold XFD1048576): the
    cells actually present decide. Returns whether a worksheet part holds a formula, seen
    in the same pass (so the formula report need not inflate the sheets again)."""
    names = {info.filename for info in archive.infolist()}
    sheet_labels = _sheet_labels(archive, names, limits)
    strings = next((n for n in names if n.lower().endswith("sharedstrings.xml")), None)
    lengths = _shared_string_lengths(archive, strings, limits) if strings else array("I")
    longest = max(lengths, default=0)
    text_bytes, formulas = 0, False
    for info in archive.infolist():
        if info.filename == strings or info.is_dir():
            continue
        label = sheet_labels.get(info.filename, f"The workbook part {info.filename}")
        extent = _scan_sheet_part(archive, info, label, lengths, longest, limits)
        if extent is not None:
            _check_extent(extent, limits)
            text_bytes += extent.text_bytes
            formulas |= extent.formulas and _is_worksheet_part(info.filename)
    if text_bytes > limits.max_text_bytes:
        raise IntakeError(
            f"The workbook's cells hold {text_bytes / MIB:,.0f} MB of text (each shared text counted in every "
            f"cell that shows it); the limit is {limits.max_text_bytes / MIB:,.0f} MB. "
            "Remove long notes columns or split the register."
        )
    return formulas


def _is_worksheet_part(name: str) -> bool:
    """The parts ``has_formulas`` looks in."""
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _sheet_labels(archive: zipfile.ZipFile, names: set[str], limits: IntakeLimits) -> dict[str, str]:
    """Worksheet part → "Sheet 'Pilots'", from workbook.xml and its relationships; refuses
    more sheets than ``max_sheets`` (calamine's time grows with each one)."""
    entries = []
    for match in _tags(archive, "xl/workbook.xml", _SHEET_ENTRY):
        entries.append(_attributes(match))
        if len(entries) > limits.max_sheets:
            raise IntakeError(
                f"The workbook has more than {limits.max_sheets} sheets; the limit is {limits.max_sheets}. "
                "Copy the register's sheet into a new workbook and use that file."
            )
    targets = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for match in _tags(archive, "xl/_rels/workbook.xml.rels", _RELATIONSHIP):
            attrs = _attributes(match)
            target = html.unescape(attrs.get(b"Target", b"").decode("utf-8", "replace"))
            path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[attrs.get(b"Id", b"")] = path
    labels = {}
    for attrs in entries:
        rel_id = next((value for key, value in attrs.items() if key.endswith(b":id")), b"")
        name = html.unescape(attrs.get(b"name", b"").decode("utf-8", "replace"))
        if rel_id in targets:
            labels[targets[rel_id]] = f"Sheet '{name}'"
    return labels


def _tags(archive: zipfile.ZipFile, member: str, pattern: re.Pattern[bytes]) -> Iterator[bytes]:
    """The attributes of every ``pattern`` tag in a (small) part, streamed."""
    for buffer, _ in _tag_buffers(archive.open(member), member):
        yield from pattern.findall(buffer)


def _shared_string_lengths(archive: zipfile.ZipFile, member: str, limits: IntakeLimits) -> array:
    """The byte length of each shared string (markup included: an upper bound on its text;
    0 for one shorter than ``LONG_TEXT_BYTES``), refusing a table, or a declared count, beyond ``max_shared_strings``."""
    lengths = array("I")
    start = None
    for buffer, offset in _tag_buffers(archive.open(member), member):
        pos = 0
        while True:
            if start is None and (run := _PLAIN_STRINGS.match(buffer, pos)) is not None:
                # A run of plain <si>…</si> (most of a table) is measured in one pass, not per tag.
                texts = _PLAIN_STRING.findall(buffer, pos, run.end())
                lengths.extend(n if n >= LONG_TEXT_BYTES else 0 for n in map(len, texts))
                pos = run.end()
                _check_string_count(lengths, limits)
            match = _STRING_TOKEN.search(buffer, pos)
            if match is None:
                break
            pos = match.end()
            close, name, attrs = match.groups()
            if name == b"sst":
                if not close:
                    _check_declared_strings(_attributes(attrs), limits)
            elif close:
                if start is not None:
                    length = offset + match.start() - start
                    lengths.append(min(length, 0xFFFFFFFF) if length >= LONG_TEXT_BYTES else 0)
                start = None
            elif attrs.rstrip().endswith(b"/"):
                lengths.append(0)
            else:
                start = offset + match.end()
            _check_string_count(lengths, limits)
    return lengths


def _check_string_count(lengths: array, limits: IntakeLimits) -> None:
    if len(lengths) > limits.max_shared_strings:
        raise IntakeError(
            f"The workbook's shared-strings table holds more than {limits.max_shared_strings:,} "
            f"entries; the limit is {limits.max_shared_strings:,}. Open it in Excel and save it "
            "again (Excel keeps only the texts in use), or split the register."
        )


# Plain shared strings: <si/>, or <si> and </si> without attributes, and no '<' between them that
# could start an si or sst tag, so the token walk would measure each exactly as this does.
_PLAIN_STRING_TEXT = rb"(?:[^<]++|<(?!/?" + _PREFIX + rb"s(?:i|st)[\s/>]))*+"
_PLAIN_STRING = re.compile(rb"<si(?:/>|>(" + _PLAIN_STRING_TEXT + rb")</si>)")
_PLAIN_STRINGS = re.compile(rb"(?:\s*+<si(?:/>|>" + _PLAIN_STRING_TEXT + rb"</si>))++")


def _check_declared_strings(attrs: dict[bytes, bytes], limits: IntakeLimits) -> None:
    # calamine reserves room for uniqueCount strings before reading one.
    declared = attrs.get(b"uniqueCount", b"0")
    if declared.isdigit() and int(declared) > limits.max_shared_strings:
        raise IntakeError(
            f"The workbook's shared-strings table declares {int(declared):,} entries; the limit is "
            f"{limits.max_shared_strings:,}. Open it in Excel and save it again, or split the register."
        )


def _scan_sheet_part(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    label: str,
    lengths: array,
    longest: int,
    limits: IntakeLimits,
) -> _SheetExtent | None:
    """Where a reader would place each cell of a part holding ``sheetData``, following
    calamine: a cell without ``r`` sits right of the previous one, a row without ``r`` below
    the previous row. Cells that are only formatting (``<c r="Z9" s="1"/>``) are not placed,
    as calamine does not place them; every other cell is, even one holding nothing."""
    extent = None
    cursor = _Cursor()
    for buffer, _ in _tag_buffers(archive.open(info), info.filename):
        if extent is None:
            found = buffer.find(b"sheetData")
            if found < 0:
                continue
            extent = _SheetExtent(label)
            buffer = buffer[max(buffer.rfind(b"<", 0, found), 0) :]
        clean = _place_cells(buffer, extent, cursor)
        if clean is None:
            formulas, long_text = _has_formula_tag(buffer), _long_text_bytes(buffer, 0, len(buffer))
        else:  # the run measured its own bytes; neither match crosses a '<', so the rest alone
            around = ((0, clean.start), (clean.stop, len(buffer)))
            formulas = clean.formulas or any(_FORMULA_TAG.search(buffer, *span) for span in around)
            long_text = clean.long_text_bytes + sum(_long_text_bytes(buffer, *span) for span in around)
        extent.formulas = extent.formulas or formulas  # buffers never cut a tag
        if extent.cells > limits.max_cells:
            break  # already over; _check_extent says so
        if longest:  # every shared string is short (counted as 0): no cell adds any
            references = _SHARED_REF.findall(buffer)
            unread = len(_SHARED_CELL.findall(buffer)) - len(references)
            extent.text_bytes += sum(lengths[i] for i in map(int, references) if i < len(lengths))
            extent.text_bytes += max(unread, 0) * longest
        extent.text_bytes += long_text
    return extent


def _long_text_bytes(buffer: bytes, start: int, stop: int) -> int:
    return sum(m.end() - m.start() for m in _LONG_TEXT.finditer(buffer, start, stop))


def has_formulas(data: bytes) -> bool:
    """Whether any worksheet part holds a formula (a streamed scan; cheap next to parsing)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                if _is_worksheet_part(member.filename):
                    with archive.open(member) as part:
                        if any(_has_formula_tag(chunk) for chunk in _overlapping_chunks(part)):
                            return True
    except DAMAGED_ZIP_ERRORS as exc:  # a part damaged past the bytes the DTD check read
        raise _damaged_zip(exc) from exc
    return False


def _has_formula_tag(chunk: bytes) -> bool:
    # Two substring scans at memory speed; the regex only confirms the rare candidate chunk.
    return (b"<f" in chunk or b":f" in chunk) and _FORMULA_TAG.search(chunk) is not None


def _overlapping_chunks(stream: io.BufferedIOBase, size: int = MIB, overlap: int = 16) -> Iterator[bytes]:
    tail = b""
    while chunk := stream.read(size):
        yield tail + chunk
        tail = chunk[-overlap:]


def formula_cells(data: bytes, sheet_name: str) -> list[tuple[int, int, str]]:
    """Formula cells of one sheet as (Excel row, 0-based column, formula), read with openpyxl
    (calamine gives only cached values). openpyxl parses through defusedxml when installed."""
    if not has_formulas(data):
        return []
    import openpyxl  # only files with formulas pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            return [
                (cell.row, cell.column - 1, cell.value)
                for row in workbook[sheet_name].iter_rows()
                for cell in row
                if isinstance(cell.value, str) and cell.value.startswith("=")
            ]
        finally:
            workbook.close()
    except Exception as exc:  # openpyxl raises many types; any of them refuses the file, in words
        raise IntakeError(
            f"The workbook's formulas cannot be read: {_first_line(exc)}; open it in Excel, save it and try again."
        ) from exc
