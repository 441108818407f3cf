"""Hostile and broken registers, built on the fly (nothing big is committed): the corpus of
tests/reliability, one builder per case. docs/reliability.md lists each case's outcome."""

from __future__ import annotations

import csv
import io
import itertools
import random
import struct
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import xlsxwriter

from tests.intake.test_intake_messy import BILLION_LAUGHS, _zip_with

MIB = 1024 * 1024
# xlsxwriter would turn text starting with "=" into a formula; the corpus writes text as text.
LITERAL_TEXT = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


def csv_bytes(rows: Iterable[Sequence[object]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    """Rows written by the csv module (quoting what needs quoting)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Iterable[Sequence[object]], *, sheet: str = "Pilots") -> bytes:
    """A one-sheet workbook; strings are written as strings, None as a blank cell."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "nan_inf_to_errors": True, **LITERAL_TEXT})
    worksheet = workbook.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                worksheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def xlsx_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def entity_expansion_xlsx() -> bytes:
    """A real workbook whose shared strings declare the "billion laughs" entities."""
    members = xlsx_members(xlsx_bytes([["name", "unit"], ["A", "Ops"]]))
    members["xl/sharedStrings.xml"] = BILLION_LAUGHS
    return _zip_with(members)


def zip_bomb_xlsx(inflated_mib: int = 64) -> bytes:
    """A workbook whose one sheet inflates to ``inflated_mib`` MB of zeros (about 1000:1),
    written 1 MB at a time so building it costs no memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(inflated_mib):
                member.write(b"\0" * MIB)
    return buffer.getvalue()


def damaged_deflate_xlsx() -> bytes:
    """A workbook whose zip directory is intact but whose sheet's compressed bytes are noise:
    the directory checks pass and only inflating the part fails."""
    data = bytearray(xlsx_bytes([["name", "unit"], *[[f"Pilot {i}", "Ops"] for i in range(200)]]))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length
    noise = random.Random(7).randbytes(info.compress_size)
    data[start : start + info.compress_size] = noise
    return bytes(data)


def workbook_without_sheets() -> bytes:
    """A workbook whose workbook.xml lists no sheet at all."""
    members = xlsx_members(xlsx_bytes([["name"], ["A"]]))
    members["xl/workbook.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>'
    )
    return _zip_with(members)


def xlsx_with_long_text(rows: list[list[object]], long_texts: dict[str, str]) -> bytes:
    """A workbook holding texts longer than the 32,767 characters Excel (and xlsxwriter)
    allow in a cell, as another program could write them: each short placeholder in the
    shared strings is replaced by its long text."""
    members = xlsx_members(xlsx_bytes(rows))
    shared = members["xl/sharedStrings.xml"].decode("utf-8")
    for placeholder, text in long_texts.items():
        shared = shared.replace(f">{placeholder}<", f">{text}<")
    members["xl/sharedStrings.xml"] = shared.encode("utf-8")
    return _zip_with(members)


def renamed_zip() -> bytes:
    """A zip archive that is not a workbook (a report and a picture), as if renamed to .xlsx."""
    return _zip_with({"report/summary.txt": b"Q3 review", "report/chart.png": b"\x89PNG\r\n\x1a\n"})


# --- OLE2 / Compound File Binary: old .xls and password-protected xlsx ---------------------
ENDOFCHAIN, FATSECT, FREESECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF, 0xFFFFFFFF


def _directory_entry(name: str, kind: int, child: int = NOSTREAM, right: int = NOSTREAM) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", NOSTREAM, right, child)
        + b"\0" * 16  # class id
        + b"\0" * 20  # state bits, creation and modification times
        + struct.pack("<IQ", ENDOFCHAIN, 0)  # start sector, size: empty streams
    )


def compound_file(stream_names: Sequence[str]) -> bytes:
    """A minimal, structurally valid compound file (version 3, 512-byte sectors): a FAT
    sector, a directory sector holding the root and ``stream_names``. Excel's .xls holds a
    "Workbook" stream; an encrypted xlsx holds "EncryptionInfo" and "EncryptedPackage"."""
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 10
        + struct.pack("<IIIIIIII", 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
    )
    header += struct.pack("<I", 0) + struct.pack("<I", FREESECT) * 108  # DIFAT: the FAT is sector 0
    fat = struct.pack("<II", FATSECT, ENDOFCHAIN) + struct.pack("<I", FREESECT) * 126
    entries = [_directory_entry("Root Entry", 5, child=1 if stream_names else NOSTREAM)]
    for i, name in enumerate(stream_names, start=1):
        entries.append(_directory_entry(name, 2, right=i + 1 if i < len(stream_names) else NOSTREAM))
    directory = b"".join(entries).ljust(512, b"\0")
    assert len(header) == 512 and len(fat) == 512 and len(directory) == 512
    return header + fat + directory


def old_xls() -> bytes:
    return compound_file(["Workbook", "\x05SummaryInformation"])


def password_protected_xlsx() -> bytes:
    return compound_file(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"])


# --- big files (written to disk, a line at a time) -----------------------------------------
STAGES = ("idea", "pilot", "production", "retired")


def write_million_row_csv(path: Path, rows: int = 1_000_000) -> Path:
    """A register of ``rows`` pilots (44 MB for a million): IDs and names unique, the other
    columns repeating the few answers real registers repeat."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("pilot_id,name,business_unit,stage,controls,monthly_volume\r\n")
        out.writelines(
            f"P{i},Pilot {i},Unit {i % 40},{STAGES[i % 4]},{1 + i % 5},{i % 5000}\r\n" for i in range(rows)
        )
    return path


def write_long_cell_csv(path: Path, rows: int = 90, cell_chars: int = 100_000) -> Path:
    """A 45 MB csv whose every cell holds ``cell_chars`` characters."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("pilot_id,name,owner,business_unit,notes\r\n")
        for i in range(rows):
            filler = (f"{i}-" + "x" * cell_chars)[:cell_chars]
            out.write(f"P{i},{filler},{filler},{filler},{filler}\r\n")
    return path


# --- workbooks written part by part: what a reader would allocate for ----------------------
SPREADSHEET_NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
REGISTER_HEAD = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c><c r="B1" t="inlineStr"><is><t>unit</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>Pilot A</t></is></c><c r="B2" t="inlineStr"><is><t>Ops</t></is></c></row>'
)


def xlsx_from_parts(
    sheets: Sequence[tuple[str, Iterable[bytes]]], shared_strings: Iterable[bytes] | None = None
) -> bytes:
    """A workbook whose XML is written by hand, as any program could write it: each sheet's
    ``<worksheet>`` content and the ``<sst>`` content are given as chunks, streamed into
    the archive, so a part of hundreds of MB costs no memory to build."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            XML_DECLARATION + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'{XML_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        listed = "".join(
            f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
            for i, (name, _) in enumerate(sheets, start=1)
        )
        archive.writestr(
            "xl/workbook.xml",
            f"{XML_DECLARATION}<workbook {SPREADSHEET_NS}><sheets>{listed}</sheets></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        if shared_strings is not None:
            rels += f'<Relationship Id="rIdS" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{XML_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        for i, (_, content) in enumerate(sheets, start=1):
            with archive.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as part:
                part.write(f"{XML_DECLARATION}<worksheet {SPREADSHEET_NS}>".encode())
                for chunk in content:
                    part.write(chunk)
                part.write(b"</worksheet>")
        if shared_strings is not None:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                part.write(f"{XML_DECLARATION}<sst {SPREADSHEET_NS}>".encode())
                for chunk in shared_strings:
                    part.write(chunk)
                part.write(b"</sst>")
    return buffer.getvalue()


def stray_cell_xlsx(address: str, *, dimension: str | None = None, empty: bool = False) -> bytes:
    """A two-row register with one more cell at ``address`` (a number, or only formatting
    when ``empty``), and optionally a ``<dimension ref>`` that need not tell the truth."""
    row = int("".join(ch for ch in address if ch.isdigit()))
    cell = f'<c r="{address}" s="0"/>' if empty else f'<c r="{address}"><v>1</v></c>'
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return xlsx_from_parts(
        [
            (
                "Pilots",
                [f'{declared}<sheetData>{REGISTER_HEAD}<row r="{row}">{cell}</row></sheetData>'.encode()],
            )
        ]
    )


def _register_rows(rows: int, first: int = 3) -> Iterator[bytes]:
    for r in range(first, first + rows):
        yield f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Pilot {r}</t></is></c></row>'.encode()


def shared_strings_xlsx(entries: int, *, declared: int | None = None) -> bytes:
    """A register whose shared-strings table holds ``entries`` empty strings (``<si/>``),
    separated by varied whitespace so the part compresses about 25:1 like real text and
    passes the zip-bomb ratio; ``declared`` sets the ``uniqueCount`` the table claims."""
    block_entries = 100_000
    noise = random.Random(11)
    block = b"".join(
        b"<si/>" + b" \n\t"[noise.randrange(3) :][: noise.randrange(1, 3)] for _ in range(block_entries)
    )

    def strings() -> Iterator[bytes]:
        for _ in range(entries // block_entries):
            yield block
        yield b"<si/>" * (entries % block_entries)

    members = xlsx_from_parts(
        [("Pilots", [b"<sheetData>", REGISTER_HEAD.encode(), b"</sheetData>"])], shared_strings=strings()
    )
    if declared is None:
        return members
    parts = xlsx_members(members)
    parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(
        b"<sst ", f'<sst uniqueCount="{declared}" count="{declared}" '.encode(), 1
    )
    return _zip_with(parts)


def repeated_text_xlsx(text_bytes: int, cells: int) -> bytes:
    """A register whose ``cells`` rows all show one shared string of ``text_bytes`` bytes: a
    small file that a reader copies into every cell."""
    text = (b"lorem ipsum " * (text_bytes // 12 + 1))[:text_bytes]
    rows = (f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>'.encode() for r in range(2, cells + 2))
    head = b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
    return xlsx_from_parts(
        [("Pilots", itertools.chain([b"<sheetData>", head], rows, [b"</sheetData>"]))],
        shared_strings=[b"<si><t>", text, b"</t></si>"],
    )


def many_sheets_xlsx(sheets: int) -> bytes:
    """A register on the first of ``sheets`` small sheets."""
    first = ("Pilots", [b"<sheetData>", REGISTER_HEAD.encode(), b"</sheetData>"])
    notes = [
        (f"Notes {i}", [b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'])
        for i in range(2, sheets + 1)
    ]
    return xlsx_from_parts([first, *notes])


# --- dense registers at the cell limit -----------------------------------------------------
DENSE_HEADERS = (
    "pilot_id",
    "name",
    "business_unit",
    "owner",
    "stage",
    "controls",
    "risk_level",
    "monthly_volume",
    "users",
    "monthly_value",
)
RISK_LEVELS = ("Low", "Medium", "High")


def dense_register_xlsx(rows: int, columns: int, *, cell_references: bool = True) -> bytes:
    """A register of ``rows`` rows (the header included) × ``columns`` columns, every cell
    filled as Excel saves a real one: IDs and names unique, units, owners, stages and risk
    levels repeating a few shared strings, the rest numbers; columns past the tenth repeat
    the third to tenth under their own headers. Without ``cell_references`` the cells carry
    no ``r`` (each sits right of the previous one, as some writers save them), which keeps a
    million rows under the file limit. The XML is streamed, so building the cells costs no memory."""
    headers = [DENSE_HEADERS[j] if j < len(DENSE_HEADERS) else f"extra_{j + 1}" for j in range(columns)]
    kinds = [j if j < len(DENSE_HEADERS) else 2 + (j - len(DENSE_HEADERS)) % 8 for j in range(columns)]
    letters = [_column_letters(j) for j in range(columns)]
    fixed = [
        *STAGES,
        *RISK_LEVELS,
        *(f"Unit {u}" for u in range(40)),
        *(f"owner{o}@kairo.example" for o in range(200)),
    ]
    shared_ids = {text: i for i, text in enumerate(headers + fixed)}
    first_unique = len(shared_ids)
    uniques = 2 * (rows - 1) if kinds[:2] == [0, 1] else 0  # an ID and a name per data row

    def cell(kind: int, i: int) -> tuple[str, str]:
        """(type attribute, value) of the data row ``i``'s cell of this kind."""
        if kind in (0, 1):
            return ' t="s"', str(first_unique + 2 * i + kind)
        if kind == 2:
            return ' t="s"', str(shared_ids[f"Unit {i % 40}"])
        if kind == 3:
            return ' t="s"', str(shared_ids[f"owner{i * 7 % 200}@kairo.example"])
        if kind == 4:
            return ' t="s"', str(shared_ids[STAGES[i % 4]])
        if kind == 6:
            return ' t="s"', str(shared_ids[RISK_LEVELS[i % 3]])
        if kind == 5:
            return "", str(1 + i % 5)
        if kind == 7:
            return "", str(i * 37 % 90_000)
        if kind == 8:
            return "", str(5 + i % 400)
        return "", str(i % 9973 * 12.5)

    def sheet() -> Iterator[bytes]:
        yield b"<sheetData>"
        yield (
            '<row r="1">'
            + "".join(f'<c r="{letters[j]}1" t="s"><v>{j}</v></c>' for j in range(columns))
            + "</row>"
        ).encode()
        for r in range(2, rows + 1):
            parts = [f'<row r="{r}">']
            for j in range(columns):
                kind_attr, value = cell(kinds[j], r - 2)
                where = f' r="{letters[j]}{r}"' if cell_references else ""
                parts.append(f"<c{where}{kind_attr}><v>{value}</v></c>")
            parts.append("</row>")
            yield "".join(parts).encode()
        yield b"</sheetData>"

    def strings() -> Iterator[bytes]:
        yield "".join(f"<si><t>{text}</t></si>" for text in shared_ids).encode()
        for i in range(uniques // 2):
            yield f"<si><t>P{i + 1:07d}</t></si><si><t>Pilot {i + 1} process automation</t></si>".encode()

    return xlsx_from_parts([("Pilots", sheet())], shared_strings=strings())


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
