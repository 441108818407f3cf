"""The date a register describes, read from the file's own metadata (`file_as_of`): the
default as-of date of a snapshot, read as safely as intake reads the file."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl

from kairo_scoring import IntakeLimits, file_as_of
from kairo_scoring.intake.as_of import PROPERTIES_BYTES

TODAY = date(2026, 1, 15)
CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{body}</cp:coreProperties>'
)


def _workbook(created: datetime = datetime(2025, 6, 30, 9, 0)) -> bytes:
    """An xlsx as openpyxl writes it: ``created`` as given, ``modified`` the moment of saving."""
    book = openpyxl.Workbook()
    book.active.append(["pilot_id", "name"])
    book.active.append(["P1", "Alpha"])
    book.properties.created = created
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _with_part(data: bytes, name: str, text: str | bytes, *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The zip ``data`` with its part ``name`` replaced (or added)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
        target.writestr(name, text, method)
    return buffer.getvalue()


def _core(body: str) -> str:
    return CORE.format(body=body)


def _dated(modified: str = "", created: str = "") -> bytes:
    body = "".join(
        f'<dcterms:{tag} xsi:type="dcterms:W3CDTF">{value}</dcterms:{tag}>'
        for tag, value in (("created", created), ("modified", modified))
        if value
    )
    return _with_part(_workbook(), "docProps/core.xml", _core(body))


def _ods(meta_body: str | None) -> bytes:
    """A minimal OpenDocument spreadsheet, with ``meta.xml`` holding ``meta_body`` (None: no meta.xml)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
        if meta_body is not None:
            archive.writestr(
                "meta.xml",
                '<?xml version="1.0" encoding="UTF-8"?><office:document-meta '
                'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta>'
                f"{meta_body}</office:meta></office:document-meta>",
                zipfile.ZIP_DEFLATED,
            )
    return buffer.getvalue()


def test_an_xlsx_is_dated_by_when_it_was_last_saved():
    data = _dated(modified="2025-09-30T17:45:00Z", created="2024-01-02T08:00:00Z")

    assert file_as_of(data, today=TODAY) == date(2025, 9, 30)


def test_an_xlsx_as_openpyxl_saves_it_is_dated_by_its_save(tmp_path: Path):
    path = tmp_path / "register.xlsx"
    path.write_bytes(_workbook(created=datetime(2025, 6, 30)))

    # openpyxl stamps `modified` (UTC) at save: the last save wins over the creation date
    assert file_as_of(path) == datetime.now(UTC).date()
    assert file_as_of(str(path)) == file_as_of(path.read_bytes())


def test_without_a_save_date_the_creation_date_counts():
    assert file_as_of(_dated(created="2025-06-30T09:00:00Z"), today=TODAY) == date(2025, 6, 30)
    assert file_as_of(_dated(modified="  ", created="2025-06-30"), today=TODAY) == date(2025, 6, 30)


def test_other_writers_spellings_of_the_date_are_read():
    for written in ("2025-09-30", "2025-09-30T23:59:59.123+02:00", "2025-09-30T10:00:00.1234567Z"):
        assert file_as_of(_dated(modified=written), today=TODAY) == date(2025, 9, 30), written
    other_prefix = (
        _core("")
        .replace("dcterms", "terms")
        .replace("</cp:", "<terms:modified>2025-03-31</terms:modified></cp:")
    )
    assert file_as_of(_with_part(_workbook(), "docProps/core.xml", other_prefix), today=TODAY) == date(
        2025, 3, 31
    )


def test_an_ods_is_dated_by_its_meta_xml():
    saved = (
        "<meta:creation-date>2024-12-01T10:00:00</meta:creation-date><dc:date>2025-12-31T16:00:00.5</dc:date>"
    )
    assert file_as_of(_ods(saved), today=TODAY) == date(2025, 12, 31)
    created = "<meta:print-date>2025-11-11T10:00:00</meta:print-date><meta:creation-date>2025-10-01</meta:creation-date>"
    assert file_as_of(_ods(created), today=TODAY) == date(2025, 10, 1)
    assert file_as_of(_ods(None), today=TODAY) is None


def test_a_file_that_says_no_date_has_none():
    assert file_as_of(b"pilot_id,name\nP1,Alpha\n", today=TODAY) is None  # csv
    assert file_as_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), today=TODAY) is None  # .xls
    assert file_as_of(b"", today=TODAY) is None
    no_core = io.BytesIO()
    with zipfile.ZipFile(no_core, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert file_as_of(no_core.getvalue(), today=TODAY) is None
    assert file_as_of(_dated(modified="not a date"), today=TODAY) is None


def test_a_date_no_register_can_have_is_none():
    assert file_as_of(_dated(modified="2025-02-30T00:00:00Z"), today=TODAY) is None  # no such day
    assert file_as_of(_dated(modified="1899-12-31T00:00:00Z"), today=TODAY) is None  # a placeholder
    assert file_as_of(_dated(modified="2026-03-01T00:00:00Z"), today=TODAY) is None  # a wrong clock
    assert file_as_of(_dated(modified="2026-01-16T01:00:00Z"), today=TODAY) == date(
        2026, 1, 16
    )  # a time zone ahead


def test_a_damaged_or_missing_file_has_no_date_and_raises_nothing(tmp_path: Path):
    data = _dated(modified="2025-09-30T00:00:00Z")
    assert file_as_of(data[: len(data) // 2], today=TODAY) is None  # truncated zip
    assert file_as_of(b"PK\x03\x04" + bytes(100), today=TODAY) is None
    assert file_as_of(tmp_path / "missing.xlsx", today=TODAY) is None
    corrupt = bytearray(_with_part(_workbook(), "docProps/core.xml", _core("x" * 5000)))
    start = corrupt.find(b"docProps/core.xml") + len("docProps/core.xml")
    corrupt[start : start + 40] = bytes(40)  # the part's deflate stream destroyed
    assert file_as_of(bytes(corrupt), today=TODAY) is None


def test_the_properties_part_is_read_within_the_intake_limits(tmp_path: Path):
    data = _dated(modified="2025-09-30T00:00:00Z")
    small = IntakeLimits(max_file_bytes=len(data) - 1)
    assert file_as_of(data, limits=small, today=TODAY) is None
    path = tmp_path / "register.xlsx"
    path.write_bytes(data)
    assert file_as_of(path, limits=small, today=TODAY) is None  # refused from its size, unread
    assert file_as_of(data, limits=IntakeLimits(max_zip_members=2), today=TODAY) is None


def test_a_properties_part_that_is_a_zip_bomb_is_inflated_no_further_than_its_first_bytes():
    # 50 MB of blanks before the date, compressed about 1000:1: only the first 64 KiB are inflated
    padding = b" " * (50 * 1024 * 1024)
    bomb = (
        _core("")
        .encode()
        .replace(b"</cp:", padding + b"<dcterms:modified>2025-09-30</dcterms:modified></cp:")
    )
    data = _with_part(_workbook(), "docProps/core.xml", bomb)
    del padding, bomb
    assert len(data) < 1024 * 1024

    started = time.perf_counter()
    assert file_as_of(data, today=TODAY) is None  # the date lies past what is read
    assert time.perf_counter() - started < 1.0
    near = (
        _core("")
        .encode()
        .replace(
            b"</cp:", b" " * (PROPERTIES_BYTES // 2) + b"<dcterms:modified>2025-09-30</dcterms:modified></cp:"
        )
    )
    assert file_as_of(_with_part(_workbook(), "docProps/core.xml", near), today=TODAY) == date(2025, 9, 30)


def test_a_properties_part_with_a_dtd_is_not_trusted():
    entity = '<!DOCTYPE cp [<!ENTITY day "2025-09-30">]>'
    text = _core("<dcterms:modified>2025-09-30</dcterms:modified>").replace("?>", "?>" + entity, 1)
    assert file_as_of(_with_part(_workbook(), "docProps/core.xml", text), today=TODAY) is None
