""".xls, .xlsb and .ods: calamine reads them; each is bounded first by a scan of its own
cell records (BIFF in the OLE compound file, BIFF12 sheet parts, ODS content.xml with its
repeats expanded), checked like an xlsx's extent."""

from __future__ import annotations

import html
import io
import re
import zipfile
from array import array
from collections.abc import Iterator, Sequence

from kairo_scoring.errors import IntakeError
from kairo_scoring.intake.limits import MIB, IntakeLimits
from kairo_scoring.intake.readers.common import (
    DAMAGED_ZIP_ERRORS,
    ENCRYPTION_STREAM,
    RawSheet,
    _check_members,
    _check_no_dtd,
    _damaged_zip,
    _read_with_calamine,
)
from kairo_scoring.intake.readers.extent import (
    _QUOTED_ATTRS,
    _attributes,
    _check_extent,
    _Cursor,
    _SheetExtent,
    _tag_buffers,
)

# calamine sizes a sheet's grid from its farthest cell whatever the format (a 6 KB .xls with
# one cell at IV65536 took 1 GB), and no sheet metadata tells the size before the grid is
# built, so each format's cell positions are scanned first and checked like an xlsx's.
XLS_STREAMS = ("Workbook", "Book")
# BIFF8 records holding one cell (row, column first): NUMBER, LABELSST, RK, BOOLERR, FORMULA,
# LABEL, RSTRING; MULRK holds several. Blank cells (BLANK, MULBLANK) calamine does not place.
_BIFF_CELLS = frozenset((0x0203, 0x00FD, 0x027E, 0x0205, 0x0006, 0x0204, 0x00D6))
_BIFF_MULRK, _BIFF_BOF, _BIFF_EOF, _BIFF_FILEPASS, _BIFF_BOUNDSHEET = 0x00BD, 0x0809, 0x000A, 0x002F, 0x0085
# BIFF12 (.xlsb): BrtRowHdr (row first) and the cell records (column first); 1 is a blank cell.
_XLSB_ROW, _XLSB_CELLS = 0, frozenset((2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 62))
_ODS_TOKEN = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])" + _QUOTED_ATTRS + rb">"
)
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_ODS_VALUE = re.compile(rb"office:value-type|table:formula")


def _zip_kind(data: bytes) -> str:
    """ "xlsb", "ods" or "xlsx" (whatever else, for ``check_xlsx_archive`` to judge)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.bin" in names:
                return "xlsb"
            if (
                "content.xml" in names
                and "mimetype" in names
                and archive.read("mimetype")[:80].startswith(ODS_MIME)
            ):
                return "ods"
    except DAMAGED_ZIP_ERRORS as exc:
        raise _damaged_zip(exc) from exc
    return "xlsx"


def read_zipped_legacy(data: bytes, kind: str, limits: IntakeLimits) -> tuple[RawSheet, ...]:
    """An .xlsb or .ods: the zip checks of an xlsx (sizes, ratios, encryption, DTDs), then its
    sheets' cells scanned for their extent, then calamine."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_members(members, limits)
            _check_no_dtd(archive, members)
            if kind == "ods":
                _check_ods(archive, limits)
            else:
                _check_xlsb(archive, limits)
    except DAMAGED_ZIP_ERRORS as exc:
        raise _damaged_zip(exc) from exc
    return _read_with_calamine(data, limits)


def _check_ods(archive: zipfile.ZipFile, limits: IntakeLimits) -> None:
    if "META-INF/manifest.xml" in archive.namelist():
        with archive.open("META-INF/manifest.xml") as manifest:
            if b"encryption-data" in manifest.read(4 * MIB):
                raise IntakeError(
                    "The spreadsheet is password-protected: remove the password in its spreadsheet program and try again."
                )
    sheets, extent, cursor = 0, None, _Cursor()
    for buffer, _ in _tag_buffers(archive.open("content.xml"), "content.xml"):
        for match in _ODS_TOKEN.finditer(buffer):
            close, name, attrs = match.groups()
            if name == b"table":
                if close:
                    if extent is not None:
                        _check_extent(extent, limits)
                    extent = None
                    continue
                sheets += 1
                if sheets > limits.max_sheets:
                    raise IntakeError(
                        f"The spreadsheet has more than {limits.max_sheets} sheets; the limit is {limits.max_sheets}."
                    )
                table_name = html.unescape(
                    _attributes(attrs).get(b"table:name", b"").decode("utf-8", "replace")
                )
                extent, cursor = _SheetExtent(f"Sheet '{table_name}'"), _Cursor()
            elif extent is None:
                continue
            elif name == b"table-row":
                if close:
                    cursor.row, cursor.col = cursor.row + cursor.repeat, 0
                else:
                    cursor.repeat = _repeats(attrs, b"table:number-rows-repeated")
                    if attrs.rstrip().endswith(b"/"):
                        cursor.row += cursor.repeat
            elif not close:
                count = _repeats(attrs, b"table:number-columns-repeated")
                # A cell holds something when it has a value type, a formula or a text child.
                filled = _ODS_VALUE.search(attrs) is not None or not attrs.rstrip().endswith(b"/")
                if filled:
                    for row in (cursor.row, cursor.row + cursor.repeat - 1):
                        extent.place_row(row, cursor.col, cursor.col, cursor.col + count - 1, 0)
                    extent.cells += count * cursor.repeat
                cursor.col += count


def _repeats(attrs: bytes, name: bytes) -> int:
    value = _attributes(attrs).get(name, b"1")
    return int(value) if value.isdigit() else 1


def _check_xlsb(archive: zipfile.ZipFile, limits: IntakeLimits) -> None:
    parts = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".bin")]
    if len(parts) > limits.max_sheets:
        raise IntakeError(
            f"The workbook has more than {limits.max_sheets} sheets; the limit is {limits.max_sheets}."
        )
    for part in parts:
        extent, row = _SheetExtent(f"The workbook part {part}"), 0
        info = archive.getinfo(part)
        if info.file_size > limits.max_uncompressed_bytes:
            continue  # refused by the directory checks already
        for kind, payload in _biff12_records(archive.read(part)):
            if kind == _XLSB_ROW and len(payload) >= 4:
                row = int.from_bytes(payload[:4], "little")
            elif kind in _XLSB_CELLS and len(payload) >= 4:
                extent.place(row, int.from_bytes(payload[:4], "little"))
        _check_extent(extent, limits)


def _biff12_records(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(record type, payload) of a BIFF12 stream: type and size are 7-bit varints."""
    pos, end = 0, len(data)
    while pos < end:
        kind, pos = _varint(data, pos, 2)
        size, pos = _varint(data, pos, 4)
        yield kind, data[pos : pos + min(size, 8)]
        pos += size


def _varint(data: bytes, pos: int, most: int) -> tuple[int, int]:
    value = 0
    for shift in range(most):
        if pos >= len(data):
            break
        byte = data[pos]
        pos += 1
        if most == 2:  # a record type keeps the high bit in its value
            value |= byte << (8 * shift)
        else:
            value |= (byte & 0x7F) << (7 * shift)
        if not byte & 0x80:
            break
    return value, pos


def read_xls(data: bytes, limits: IntakeLimits) -> tuple[RawSheet, ...]:
    """An old binary .xls (BIFF in an OLE compound file): refused when password-protected
    (an encrypted OOXML package, or a FILEPASS record), its cells scanned, then calamine."""
    if ENCRYPTION_STREAM in data:
        raise IntakeError("The workbook is password-protected: remove the password in Excel and try again.")
    stream = _ole_stream(data, XLS_STREAMS)
    if stream is None:
        raise IntakeError(
            "The file is a Microsoft Office compound file without an Excel workbook in it: use an .xls, .xlsx, "
            ".ods or .csv file."
        )
    _check_biff(stream, limits)
    return _read_with_calamine(data, limits)


def _check_biff(stream: bytes, limits: IntakeLimits) -> None:
    """Each sheet's cells, from the BIFF records (the first substream holds the sheet names)."""
    pos, depth, substreams, names = 0, 0, 0, []
    extent: _SheetExtent | None = None
    while pos + 4 <= len(stream):
        kind = int.from_bytes(stream[pos : pos + 2], "little")
        size = int.from_bytes(stream[pos + 2 : pos + 4], "little")
        body = stream[pos + 4 : pos + 4 + size]
        pos += 4 + size
        if kind == _BIFF_FILEPASS:
            raise IntakeError(
                "The workbook is password-protected: remove the password in Excel and try again."
            )
        if kind == _BIFF_BOUNDSHEET and len(body) >= 8:
            names.append(_biff_sheet_name(body))
            if len(names) > limits.max_sheets:
                raise IntakeError(
                    f"The workbook has more than {limits.max_sheets} sheets; the limit is {limits.max_sheets}."
                )
        elif kind == _BIFF_BOF:
            depth += 1
            if depth == 1:
                substreams += 1
                if substreams > 1:  # the first is the workbook's globals
                    index = substreams - 2
                    extent = _SheetExtent(f"Sheet '{names[index]}'" if index < len(names) else "A sheet")
        elif kind == _BIFF_EOF:
            depth = max(0, depth - 1)
            if depth == 0 and extent is not None:
                _check_extent(extent, limits)
                extent = None
        elif extent is not None and len(body) >= 4:
            row, col = int.from_bytes(body[:2], "little"), int.from_bytes(body[2:4], "little")
            if kind in _BIFF_CELLS:
                extent.place(row, col)
            elif kind == _BIFF_MULRK and len(body) >= 6:
                last = int.from_bytes(body[-2:], "little")
                extent.place_row(row, col, col, max(col, last), max(1, last - col + 1))
    if extent is not None:
        _check_extent(extent, limits)


def _biff_sheet_name(body: bytes) -> str:
    length, flags = body[6], body[7]
    raw = body[8 : 8 + length * (2 if flags & 1 else 1)]
    return raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")


def _ole_stream(data: bytes, names: Sequence[str]) -> bytes | None:
    """The first of ``names`` found in an OLE compound file (sectors, FAT, mini stream), or
    None; a damaged structure reads as None. Every chain is bounded by the sector count."""
    try:
        shift, mini_shift = int.from_bytes(data[30:32], "little"), int.from_bytes(data[32:34], "little")
        if not 7 <= shift <= 16 or mini_shift >= shift:
            return None
        size = 1 << shift
        sectors = (len(data) - 512) // size + 1
        fat_ids = list(array_u32(data[76:512]))
        difat, difat_count = int.from_bytes(data[68:72], "little"), int.from_bytes(data[72:76], "little")
        for _ in range(min(difat_count, sectors)):
            if difat >= sectors:
                break
            block = array_u32(data[512 + difat * size : 512 + (difat + 1) * size])
            fat_ids.extend(block[:-1])
            difat = block[-1]
        fat = array("I")
        for sid in fat_ids[: int.from_bytes(data[44:48], "little")]:
            if sid < sectors:
                fat.extend(array_u32(data[512 + sid * size : 512 + (sid + 1) * size]))

        def chain(start: int) -> bytes:
            parts, sid, seen = [], start, 0
            while sid < min(len(fat), sectors) and seen <= sectors:
                parts.append(data[512 + sid * size : 512 + (sid + 1) * size])
                sid, seen = fat[sid], seen + 1
            return b"".join(parts)

        directory = chain(int.from_bytes(data[48:52], "little"))
        entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
        if not entries:
            return None
        cutoff = int.from_bytes(data[56:60], "little")
        for entry in entries:
            length = min(int.from_bytes(entry[64:66], "little"), 64)
            name = entry[: max(0, length - 2)].decode("utf-16-le", "replace")
            if entry[66] != 2 or name not in names:
                continue
            start, stream_size = (
                int.from_bytes(entry[116:120], "little"),
                int.from_bytes(entry[120:124], "little"),
            )
            if stream_size >= cutoff:
                return chain(start)[:stream_size]
            root = entries[0]
            mini_stream = chain(int.from_bytes(root[116:120], "little"))
            minifat = array_u32(chain(int.from_bytes(data[60:64], "little")))
            mini, parts, sid, seen = 1 << mini_shift, [], start, 0
            while sid < len(minifat) and seen <= len(minifat):
                parts.append(mini_stream[sid * mini : (sid + 1) * mini])
                sid, seen = minifat[sid], seen + 1
            return b"".join(parts)[:stream_size]
    except (IndexError, ValueError):
        return None
    return None


def array_u32(raw: bytes) -> array:
    """Little-endian unsigned 32-bit integers (a trailing partial one is dropped)."""
    values = array("I")
    values.frombytes(raw[: len(raw) - len(raw) % 4])
    if values.itemsize != 4:  # pragma: no cover - "I" is 4 bytes on every platform Python runs on here
        raise ValueError("unsigned int is not 32-bit")
    return values
