"""Real csv dialects and legacy workbook formats: delimiters decided on whole records, strict
quoting (a stray quote refuses the file with its row, no row disappears), encodings decided
on the evidence of the whole file, decimal conventions per column, and .xls/.ods read with
the same limits as .xlsx."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile

import pytest

from kairo_scoring.errors import IntakeError
from kairo_scoring.intake import IntakeLimits, read_portfolio

LONG_TEXT = (
    "First line of a long description, with commas; and semicolons.\nSecond line, more text.\r\nThird."
)


def _csv(rows: list[list[object]], delimiter: str = ",", lineterminator: str = "\r\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator).writerows(rows)
    return buffer.getvalue()


def _strict_rows(text: str, delimiter: str) -> list[list[str]]:
    """The oracle: the csv module, strict, on the same text."""
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))


REGISTER = [
    ["pilot_id", "name", "business_unit", "notes"],
    *[[f"P{i}", f"Pilot {i}, phase {i % 3}", "Ops; Finance", LONG_TEXT * (1 + i % 4)] for i in range(40)],
]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_multi_line_quoted_cells_with_embedded_delimiters_read_as_the_strict_parser_reads(delimiter):
    text = _csv(REGISTER, delimiter)

    result = read_portfolio(text.encode(), filename="register.csv")

    assert result.detection.delimiter == delimiter
    expected = _strict_rows(text, delimiter)[1:]
    assert result.pilots["pilot_id"].tolist() == [row[0] for row in expected]
    assert result.pilots["name"].tolist() == [row[1] for row in expected]
    assert result.pilots["business_unit"].tolist() == ["Ops; Finance"] * 40
    assert result.pilots["source_row"].tolist() == list(range(2, 42))  # records, as Excel numbers them


def test_a_comma_file_whose_first_kilobytes_are_one_long_cell_is_still_comma_separated():
    rows = [
        ["pilot_id", "name", "notes"],
        ["P1", "Alpha", "x; " * 30_000 + "\n" * 50],
        ["P2", "Beta", "short"],
    ]

    result = read_portfolio(_csv(rows).encode(), filename="register.csv")

    assert result.detection.delimiter == ","
    assert result.pilots["name"].tolist() == ["Alpha", "Beta"]


def test_mixed_line_endings_are_one_record_each():
    text = 'pilot_id,name\r\nP1,Alpha\nP2,Beta\rP3,"Gam\nma"\r\n'

    result = read_portfolio(text.encode(), filename="register.csv")

    assert result.pilots["name"].tolist() == ["Alpha", "Beta", "Gam\nma"]
    assert result.pilots["source_row"].tolist() == [2, 3, 4]


@pytest.mark.parametrize("at_row", [3, 900])
def test_a_stray_quote_refuses_the_file_with_its_row_instead_of_swallowing_rows(at_row):
    lines = ["pilot_id,name,business_unit"] + [f"P{i},Pilot {i},Ops" for i in range(2, 1001)]
    lines[at_row - 1] = f'P{at_row},"Pilot {at_row},Ops'  # opened, never closed

    with pytest.raises(IntakeError) as raised:
        read_portfolio(("\n".join(lines) + "\n").encode(), filename="register.csv")

    message = str(raised.value)
    assert f"quote opened at row {at_row} (line {at_row}), column B" in message
    assert "\n" not in message


def test_a_stray_quote_closed_later_by_another_quote_is_refused_too():
    text = 'pilot_id,name,unit\nP1,"Alpha,Ops\nP2,Beta,Ops\nP3,"Gamma",Ops\n'

    with pytest.raises(IntakeError, match=r"quote opened at row 2 \(line 2\), column B"):
        read_portfolio(text.encode(), filename="register.csv")


def test_a_quote_inside_an_unquoted_cell_is_text():
    result = read_portfolio(b'pilot_id,name\nP1,5" screen pilot\nP2,Beta\n', filename="register.csv")

    assert result.pilots["name"].tolist() == ['5" screen pilot', "Beta"]


def test_one_latin_1_byte_in_a_utf8_file_is_reported_not_re_decoded():
    text = "pilot_id,name,business_unit\n" + "".join(f"P{i},Zürich pilot {i},Bürо\n" for i in range(20))
    data = text.encode("utf-8") + b"P99,Caf" + b"\xe9" + b",Ops\n"  # é in Latin-1

    result = read_portfolio(data, filename="register.csv")

    assert result.detection.encoding == "utf-8"
    assert result.pilots["name"].iloc[0] == "Zürich pilot 0"
    assert result.pilots["name"].iloc[-1] == "Caf\ufffd"
    bad = result.issues[result.issues["code"] == "undecodable_text"]
    assert bad[["row", "column", "value", "severity"]].values.tolist() == [
        [22, "name", "Caf\ufffd", "warning"]
    ]


def test_a_cp1252_file_throughout_is_read_as_cp1252_and_says_why():
    text = "pilot_id;name;business_unit\nP1;Müller pilot;Zürich\nP2;Café;Genève\n"

    result = read_portfolio(text.encode("cp1252"), filename="register.csv")

    assert result.detection.encoding == "cp1252"
    assert result.pilots["name"].tolist() == ["Müller pilot", "Café"]
    note = result.issues[result.issues["code"] == "legacy_encoding"]
    assert len(note) == 1 and note["row"].isna().all() and note["severity"].tolist() == ["info"]
    assert "not valid UTF-8" in note["reason"].iloc[0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_every_encoding_reads_the_same_multi_line_register(encoding):
    rows = [["pilot_id", "name", "notes"], ["P1", "Zürich", "line one\nline two"], ["P2", "Genève", "x"]]

    result = read_portfolio(_csv(rows, ";").encode(encoding), filename="register.csv")

    assert result.detection.encoding == encoding
    assert result.pilots["name"].tolist() == ["Zürich", "Genève"]
    assert (result.issues["code"] == "undecodable_text").sum() == 0


def test_a_one_column_reading_of_a_header_with_delimiters_is_refused():
    # Every record a different width on every delimiter: no delimiter can be decided.
    text = "pilot_id,name,unit,stage\n" + "".join(f"P{i}{',x' * (i % 7)}\n" for i in range(30))

    with pytest.raises(IntakeError, match="reads as one single column, but its header row .* holds commas"):
        read_portfolio(text.encode(), filename="register.csv")


def test_a_real_one_column_list_is_still_one_column():
    result = read_portfolio(b"name\nAlpha\nBeta, the second\nGamma\n", filename="names.csv")

    assert result.detection.delimiter is None
    assert result.pilots["name"].tolist() == ["Alpha", "Beta, the second", "Gamma"]


# --- decimal conventions per column -------------------------------------------------------


def test_european_numbers_are_read_by_the_column_convention():
    text = "name;monthly_value;monthly_volume\nA;1.000;1.000\nB;12.000,50;2.500.000\nC;3,5;12\n"

    result = read_portfolio(text.encode(), filename="register.csv")

    assert result.pilots["monthly_value"].tolist() == [1000.0, 12000.5, 3.5]
    assert result.pilots["monthly_volume"].tolist() == [1000.0, 2500000.0, 12.0]
    assert not (result.issues["code"] == "ambiguous_number").any()


def test_us_numbers_are_read_by_the_column_convention():
    text = 'name,monthly_value\nA,"1,000"\nB,"12,000.50"\nC,1.5\nD,1.000\n'

    result = read_portfolio(text.encode(), filename="register.csv")

    assert result.pilots["monthly_value"].tolist() == [1000.0, 12000.5, 1.5, 1.0]


def test_an_ambiguous_number_without_evidence_or_with_both_conventions_is_unknown_and_reported():
    text = "name;monthly_value;users\nA;1.000;1.000\nB;7;1,5\nC;8;2.5\nD;9;1,200\n"

    result = read_portfolio(text.encode(), filename="register.csv")

    assert result.pilots["monthly_value"].isna().tolist() == [True, False, False, False]
    assert result.pilots["users"].iloc[3] == 1200.0  # a count: 1.2 users is no reading
    ambiguous = result.issues[result.issues["code"] == "ambiguous_number"]
    by_column = ambiguous.set_index("column")
    assert sorted(ambiguous[["row", "column", "value"]].values.tolist()) == [
        [2, "monthly_value", "1.000"],
        [2, "users", "1.000"],
    ]
    assert (
        "reads 1 with a decimal point and 1000 with a decimal comma"
        in by_column.at["monthly_value", "reason"]
    )
    assert "no other value in the column" in by_column.at["monthly_value", "reason"]
    assert "uses both" in by_column.at["users", "reason"]


# --- legacy workbook formats ------------------------------------------------------------

ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods_bytes(
    rows: list[list[object]], *, sheet: str = "Pilots", extra_rows: str = "", manifest: str = ""
) -> bytes:
    """An OpenDocument spreadsheet written by hand (a zip of XML, as LibreOffice writes it)."""

    def cell(value: object) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, int | float):
            return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>" for row in rows)
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS} office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{body}{extra_rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            f'<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>{manifest}'
            "</manifest:manifest>",
        )
    return buffer.getvalue()


SMALL = [
    ["Pilot register 2025"],
    [None],
    ["pilot_id", "name", "users"],
    ["P1", "Zürich", 12],
    ["P2", "Beta", 3],
]


def test_ods_is_read_like_xlsx():
    result = read_portfolio(ods_bytes(SMALL), filename="register.ods")

    assert result.detection.kind == "ods" and result.header_row == 3
    assert result.pilots[["pilot_id", "name", "users"]].values.tolist() == [
        ["P1", "Zürich", 12.0],
        ["P2", "Beta", 3.0],
    ]


def test_ods_trailing_empty_repeats_as_libreoffice_writes_them_are_accepted():
    trailing = (
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    result = read_portfolio(ods_bytes(SMALL, extra_rows=trailing), filename="register.ods")

    assert len(result.pilots) == 2


def test_ods_with_a_value_repeated_far_down_is_refused_before_calamine_allocates():
    far = (
        '<table:table-row table:number-rows-repeated="900000"><table:table-cell/></table:table-row>'
        '<table:table-row><table:table-cell table:number-columns-repeated="400"/>'
        '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
        "</table:table-row>"
    )
    with pytest.raises(IntakeError, match="Sheet 'Pilots' has a cell at .* far beyond its data"):
        read_portfolio(ods_bytes(SMALL, extra_rows=far), filename="register.ods")


def test_a_password_protected_ods_is_refused():
    encrypted = '<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/></manifest:file-entry>'
    with pytest.raises(IntakeError, match="password-protected"):
        read_portfolio(ods_bytes(SMALL, manifest=encrypted), filename="register.ods")


def _xls(rows: list[list[object]], far_cell: tuple[int, int] | None = None) -> bytes:
    xlwt = pytest.importorskip("xlwt", reason="xlwt (a test-only .xls writer) is not installed")
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("Pilots")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    if far_cell:
        sheet.write(*far_cell, "x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xls_is_read_like_xlsx():
    result = read_portfolio(_xls(SMALL), filename="register.xls")

    assert result.detection.kind == "xls" and result.header_row == 3
    assert result.pilots[["pilot_id", "name", "users"]].values.tolist() == [
        ["P1", "Zürich", 12.0],
        ["P2", "Beta", 3.0],
    ]


def test_xls_with_a_stray_cell_at_the_last_cell_is_refused_before_calamine_allocates():
    # calamine would build the 65,536 × 256 grid: 1 GB from a 6 KB file.
    with pytest.raises(IntakeError, match=r"Sheet 'Pilots' has a cell at IV65536, far beyond its data"):
        read_portfolio(_xls(SMALL, far_cell=(65535, 255)), filename="register.xls")


def test_xls_rows_over_the_limit_are_refused_from_the_scan():
    rows = [["name"], *([f"P{i}"] for i in range(300))]
    with pytest.raises(IntakeError, match="301 rows; the limit is 100"):
        read_portfolio(
            _xls(rows), filename="register.xls", limits=IntakeLimits(max_rows=100, max_xlsx_rows=100)
        )


def test_an_encrypted_xls_is_refused_as_password_protected():
    data = bytearray(_xls(SMALL))
    # A FILEPASS record where the globals' first record after BOF is: what Excel writes for a password.
    at = data.find(b"\x09\x08\x10\x00", 512)  # BOF, BIFF8, 16 bytes
    assert at > 0
    data[at + 20 : at + 24] = b"\x2f\x00\x00\x00"  # the next record becomes FILEPASS (no body)
    with pytest.raises(IntakeError, match="password-protected"):
        read_portfolio(bytes(data), filename="register.xls")


def test_a_file_named_xls_that_is_not_a_workbook_is_refused_in_words():
    with pytest.raises(IntakeError, match=r"named \.xls but is not such a workbook"):
        read_portfolio(b"name\nAlpha\n" + codecs.BOM_UTF8[:0], filename="register.xls")
