"""The date a register describes, as its own file says: the default as-of date of a snapshot.

A workbook records when it was last saved (xlsx, xlsm and xlsb in ``docProps/core.xml``,
``dcterms:modified``, else ``dcterms:created``; ods in ``meta.xml``, ``dc:date``, else
``meta:creation-date``). That is the best guess of the date its data describes; a csv or an
.xls says nothing, and callers fall back to today.

This runs on a file before (or beside) intake reads it, so it is bounded like the readers:
the file size and the zip directory are checked against `IntakeLimits`, and only the first
`PROPERTIES_BYTES` of the one small part are ever inflated (a zip bomb inflates no further).
A file that is damaged, encrypted, oversized or odd simply has no date here (None): intake
itself reports what is wrong with it.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from datetime import date, timedelta
from pathlib import Path

from kairo_scoring.intake.limits import IntakeLimits

# Core properties are a few hundred bytes; nothing past this is read.
PROPERTIES_BYTES = 64 * 1024
# Where each kind of zip keeps its save dates, and the elements to try, best first.
PROPERTY_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("docProps/core.xml", ("modified", "created")),  # OOXML: xlsx, xlsm, xlsb
    ("meta.xml", ("date", "creation-date")),  # OpenDocument: ods
)
# No spreadsheet was saved before this; an earlier date is a placeholder, not a date.
EARLIEST = date(1980, 1, 1)
_ZIP_MAGIC = b"PK\x03\x04"
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError, KeyError)


def _element(name: str) -> re.Pattern[bytes]:
    # Any namespace prefix (dcterms:modified, dc:date, meta:creation-date); the text up to the next tag.
    return re.compile(
        rb"<(?:[A-Za-z_][\w.\-]*:)?" + re.escape(name.encode()) + rb"(?=[\s>])[^>]*>([^<]{0,100})<"
    )


_ELEMENTS = {name: _element(name) for _, names in PROPERTY_PARTS for name in names}
_W3CDTF_DAY = re.compile(rb"\s*(\d{4})-(\d{2})-(\d{2})")


def file_as_of(
    source: bytes | str | Path, *, limits: IntakeLimits | None = None, today: date | None = None
) -> date | None:
    """The date the file says it was last saved (else created), or None when it says none.

    ``source`` is the file's bytes or a path. The date is the one written in the file (its
    day, as recorded, usually UTC). A date before 1980 or after ``today`` (default: the
    system's date; one day of slack for time zones) is a wrong clock or a template's
    placeholder, and reads as None.
    """
    limits = limits or IntakeLimits()
    data = _bytes(source, limits)
    if data is None or not data.startswith(_ZIP_MAGIC):
        return None
    found = _saved_date(data, limits)
    latest = (today or date.today()) + timedelta(days=1)
    if found is None or not EARLIEST <= found <= latest:
        return None
    return found


def _bytes(source: bytes | str | Path, limits: IntakeLimits) -> bytes | None:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        path = Path(source)
        try:
            if path.stat().st_size > limits.max_file_bytes:
                return None
            data = path.read_bytes()
        except OSError:
            return None
    return data if 0 < len(data) <= limits.max_file_bytes else None


def _saved_date(data: bytes, limits: IntakeLimits) -> date | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > limits.max_zip_members:
                return None
            by_name = {m.filename: m for m in members}
            for part, elements in PROPERTY_PARTS:
                member = by_name.get(part)
                if member is None or member.flag_bits & 0x1:  # absent, or encrypted
                    continue
                with archive.open(member) as stream:
                    text = stream.read(PROPERTIES_BYTES)  # inflates this much at most
                if _DTD.search(text):  # never written by a spreadsheet program: not trusted
                    return None
                for element in elements:
                    day = _day(_ELEMENTS[element].search(text))
                    if day is not None:
                        return day
    except _DAMAGED:
        return None
    return None


def _day(match: re.Match[bytes] | None) -> date | None:
    if match is None:
        return None
    found = _W3CDTF_DAY.match(match.group(1))
    if found is None:
        return None
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:  # 2025-02-30
        return None


__all__ = ["file_as_of"]
