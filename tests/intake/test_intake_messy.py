"""Messy registers written by the tests themselves, each with its documented outcome
(docs/intake.md, "Messy files")."""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from kairo_scoring.errors import IntakeError
from kairo_scoring.intake import IntakeLimits, detect, read_portfolio

REGISTER_HEADER = ["Pilot ID", "Pilot name", "Business unit", "Stage", "Controls", "Monthly volume"]


def _xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def _issues(result, severity: str | None = None) -> pd.DataFrame:
    issues = result.issues
    return issues if severity is None else issues[issues["severity"] == severity]


def test_title_rows_and_section_row_above_the_header(tmp_path):
    path = _xlsx(
        tmp_path / "register.xlsx",
        {
            "Register": [
                ["Pilot register FY25"],
                ["SECTION 1"],
                [],
                REGISTER_HEADER,
                ["P-1", "Invoice triage", "Finance", "Pilot", 3, "1,200"],
                ["P-2", "Contract review", "Legal", "production", 4, 80],
            ]
        },
    )
    result = read_portfolio(path)
    assert (result.sheet, result.header_row, result.mapping_name) == ("Register", 4, "canonical")
    assert result.pilots["source_row"].tolist() == [5, 6]
    assert result.pilots["stage"].tolist() == ["pilot", "production"]
    assert result.pilots["monthly_volume"].tolist() == [1200.0, 80.0]
    assert result.issues.empty


def test_lookup_sheet_before_the_data_sheet(tmp_path):
    path = _xlsx(
        tmp_path / "register.xlsx",
        {
            "Selections": [
                ["Stage", "Risk level"],
                ["idea", "low"],
                ["pilot", "medium"],
                ["production", "high"],
            ],
            "Pilots": [REGISTER_HEADER, ["P-1", "Invoice triage", "Finance", "pilot", 3, 10]],
        },
    )
    detection = detect(path)
    assert detection.sheet == "Pilots"
    assert [c.name for c in detection.candidate_sheets] == ["Selections", "Pilots"]
    assert [c.looks_like_lookup for c in detection.candidate_sheets] == [True, False]
    assert read_portfolio(path).pilots["name"].tolist() == ["Invoice triage"]


def test_lookup_sheet_is_used_when_asked_for_by_name(tmp_path):
    path = _xlsx(tmp_path / "r.xlsx", {"Notes": [["Name", "Unit"], ["Only pilot", "Ops"]], "Other": [["x"]]})
    assert read_portfolio(path, sheet="Notes").pilots["name"].tolist() == ["Only pilot"]
    with pytest.raises(IntakeError, match="no sheet named 'Missing'; sheets found: 'Notes', 'Other'"):
        read_portfolio(path, sheet="Missing")


def test_multi_line_headers(tmp_path):
    path = _xlsx(
        tmp_path / "r.xlsx",
        {
            "Data": [
                ["Pilot\nname", "Business\n unit", "Monthly\r\nvolume (cases)", "Risk\nlevel"],
                ["A", "Ops", 5, "High"],
            ]
        },
    )
    result = read_portfolio(path)
    assert result.column_mapping == {
        "name": "Pilot name",
        "business_unit": "Business unit",
        "risk_level": "Risk level",
        "monthly_volume": "Monthly volume (cases)",
    }
    assert result.pilots.loc[0, "risk_level"] == "high"


def test_semicolon_csv_in_cp1252():
    text = "Pilot ID;Pilot name;Business unit;Monthly value\r\nP-1;Réclamations;Opérations;1.234.567,50\r\nP-2;Crédit;Finance;€ 950\r\n"
    result = read_portfolio(text.encode("cp1252"), filename="register.csv")
    assert (result.detection.encoding, result.detection.delimiter) == ("cp1252", ";")
    assert result.pilots["name"].tolist() == ["Réclamations", "Crédit"]
    assert result.pilots["monthly_value"].tolist() == [1234567.5, 950.0]


def test_tab_separated_csv():
    text = "name\tunit\tusers\nA\tOps\t12\nB\tHR\t0\n"
    result = read_portfolio(text.encode(), filename="r.tsv")
    assert result.detection.delimiter == "\t"
    assert result.pilots["users"].tolist()[0] == 12.0
    assert math.isnan(result.pilots["users"].tolist()[1])  # users ≥ 1: 0 → unknown with a warning
    warning = _issues(result, "warning").iloc[0]
    assert (warning["row"], warning["column"], warning["value"], warning["code"]) == (
        3,
        "users",
        "0",
        "below_minimum",
    )


def test_single_column_csv_with_a_comma_in_a_value():
    text = 'Pilot name\nInvoice triage\n"Smith, Jones review"\nContract review\n'
    result = read_portfolio(text.encode(), filename="names.csv")
    assert result.detection.delimiter is None
    assert result.pilots["name"].tolist() == ["Invoice triage", "Smith, Jones review", "Contract review"]
    assert result.derived_id is True
    assert result.pilots["pilot_id"].str.match(r"^D-[0-9A-F]{12}$").all()
    whole_file = result.issues[result.issues["row"].isna()]
    assert whole_file[["code", "severity"]].values.tolist() == [["no_id_column", "info"]]


def test_unquoted_commas_in_a_single_column_file_stay_in_one_column():
    text = "name\nA\nB, the second\nC\nD\n"
    result = read_portfolio(text.encode(), filename="n.csv")
    assert result.detection.delimiter is None
    assert result.pilots["name"].tolist() == ["A", "B, the second", "C", "D"]


def test_utf8_bom_csv():
    data = "\ufeffpilot_id,name,stage\nP-1,Ångström pilot,idea\n".encode()
    result = read_portfolio(data, filename="r.csv")
    assert result.detection.encoding == "utf-8-sig"
    assert result.column_mapping["pilot_id"] == "pilot_id"
    assert result.pilots.loc[0, "name"] == "Ångström pilot"


def test_formulas_without_cached_values_are_reported(tmp_path):
    path = _xlsx(
        tmp_path / "f.xlsx",
        {"Pilots": [["name", "process_maturity", "ownership"], ["A", 3, "=B2+1"], ["B", 2, 4]]},
    )
    result = read_portfolio(path)
    assert math.isnan(result.pilots.loc[0, "ownership"]) and result.pilots.loc[1, "ownership"] == 4.0
    warning = _issues(result, "warning")
    assert warning[["row", "column", "value", "code"]].values.tolist() == [
        [2, "ownership", "=B2+1", "uncalculated_formula"]
    ]
    assert "C2" in warning["reason"].iloc[0]  # the sentence names the cell


def test_merged_cells_are_reported_and_not_filled_down(tmp_path):
    path = tmp_path / "m.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (["name", "business_unit"], ["A", "Finance"], ["B", None], ["C", "HR"]):
        sheet.append(row)
    sheet.merge_cells("B2:B3")
    workbook.save(path)
    result = read_portfolio(path)
    assert result.pilots["business_unit"].tolist()[1] is pd.NA
    warning = _issues(result, "warning").iloc[0]
    assert (warning["row"], warning["column"], warning["value"]) == (2, "business_unit", "Finance")
    assert warning["code"] == "merged_cells"
    assert "B2:B3" in warning["reason"]  # the sentence names the merged range


def test_duplicate_ids_and_likely_duplicates(tmp_path):
    rows = [
        ["id", "name", "unit", "controls"],
        ["P-1", "Invoice triage", "Finance", 3],
        ["P-2", "Contract review", "Legal", 4],
        ["p-1", "Something else", "Ops", 5],
        ["P-3", "invoice  TRIAGE", "finance", 2],
    ]
    result = read_portfolio(_xlsx(tmp_path / "d.xlsx", {"Pilots": rows}))
    assert result.pilots["pilot_id"].tolist() == ["P-1", "P-2", "P-3"]
    rejected = result.rejected.iloc[0]
    assert (rejected["id"], rejected["name"], rejected["controls"], rejected["source_row"]) == (
        "p-1",
        "Something else",
        "5",
        4,
    )
    assert rejected["reject_reason"] == "duplicate pilot ID 'p-1': row 2 has it first"
    assert _issues(result, "error")[["row", "value", "code"]].values.tolist() == [[4, "p-1", "duplicate_id"]]
    likely = _issues(result, "warning")
    assert likely[["row", "code", "reason"]].values.tolist() == [
        [5, "likely_duplicate", "likely duplicate of row 2: same name and business unit"]
    ]


def test_empty_rows_and_columns_are_ignored(tmp_path):
    rows = [
        ["name", None, "unit"],
        [None, None, None],
        ["A", None, "Ops"],
        [None, None, None],
        ["B", None, "HR"],
    ]
    result = read_portfolio(_xlsx(tmp_path / "e.xlsx", {"S": rows}))
    assert result.pilots["source_row"].tolist() == [3, 5]
    assert result.detection.headers == ("name", "unit")
    assert result.total_rows == 2


def test_scores_out_of_range_fractional_and_not_applicable(tmp_path):
    rows = [
        ["name", "process_maturity"],
        ["A", 0],
        ["B", 6],
        ["C", 3.5],
        ["D", "n/a"],
        ["E", "4 - mostly"],
        ["F", "High"],
    ]
    result = read_portfolio(_xlsx(tmp_path / "s.xlsx", {"S": rows}))
    assert result.pilots["process_maturity"].tolist()[4:] == [4.0, 4.0]
    assert result.pilots["process_maturity"].iloc[:4].isna().all()
    issues = result.issues.dropna(subset=["row"]).set_index("row")
    assert issues["code"].to_dict() == {
        2: "out_of_range_score",
        3: "out_of_range_score",
        4: "fractional_score",
        5: "not_applicable",
    }
    assert (issues.loc[5, "severity"], issues.loc[3, "severity"]) == ("info", "warning")


def _zip_with(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_bomb_is_refused_before_inflating(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(64):
                member.write(b"\0" * (1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 200_000  # 64 MB that compresses about 1000:1

    def no_inflating(*args, **kwargs):
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_inflating)
    with pytest.raises(IntakeError, match="possible zip bomb"):
        read_portfolio(data, filename="bomb.xlsx")
    with pytest.raises(IntakeError, match="would inflate to 64 MB; the limit is 10 MB"):
        read_portfolio(
            data, filename="bomb.xlsx", limits=IntakeLimits(max_uncompressed_bytes=10 * 1024 * 1024)
        )


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    b"<si><t>&lol9;</t></si></sst>"
)


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"])
def test_entity_expansion_is_refused(tmp_path, part):
    source = tmp_path / "plain.xlsx"
    workbook = xlsxwriter.Workbook(str(source))
    workbook.add_worksheet("Pilots").write_row(0, 0, ["name", "unit"])
    workbook.close()
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members[part] = BILLION_LAUGHS
    with pytest.raises(IntakeError, match=f"{part} declares a DTD"):
        read_portfolio(_zip_with(members), filename="laughs.xlsx")


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "register.xlsx", "is a PDF document, not a spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "register.csv", "is a PNG image, not a spreadsheet"),
        (bytes(range(256)) * 8, "register.xlsx", "named .xlsx but is not an Excel workbook"),
        (bytes(range(256)) * 8, "register.csv", "holds binary data"),
        # A damaged compound file (no sectors): .xls is read now, this one holds no workbook.
        (OLE + "Workbook".encode("utf-16-le"), "old.xls", "compound file without an Excel workbook"),
        (OLE + "EncryptionInfo".encode("utf-16-le"), "locked.xlsx", "password-protected"),
        (_zip_with({"word/document.xml": b"<w/>"}), "letter.xlsx", "zip archive but not an Excel workbook"),
        (b"PK\x03\x04 not really a zip", "broken.xlsx", "zip structure is damaged"),
        (b"", "empty.csv", "The file is empty"),
    ],
)
def test_not_a_spreadsheet(data, filename, message):
    with pytest.raises(IntakeError, match=message):
        read_portfolio(data, filename=filename)


def test_limits_on_rows_columns_and_size():
    csv_text = "name,unit\n" + "".join(f"P{i},Ops\n" for i in range(30))
    with pytest.raises(IntakeError, match="30 data rows; the limit is 20"):
        read_portfolio(csv_text.encode(), filename="r.csv", limits=IntakeLimits(max_rows=20))
    with pytest.raises(IntakeError, match="2 columns; the limit is 1"):
        read_portfolio(csv_text.encode(), filename="r.csv", limits=IntakeLimits(max_columns=1))
    with pytest.raises(IntakeError, match="the limit is 0 MB"):
        read_portfolio(csv_text.encode(), filename="r.csv", limits=IntakeLimits(max_file_bytes=100))


def test_no_name_column_is_an_intake_error_that_lists_the_columns():
    with pytest.raises(
        IntakeError, match="no column we can use as the pilot name; columns found: Colour, Size"
    ):
        read_portfolio(b"Colour,Size\nred,L\n", filename="shirts.csv")


def test_column_override_maps_an_unknown_header():
    data = b"Colour,Initiative owner,Size\nOrder bot,Kim,L\n"
    result = read_portfolio(
        data, filename="r.csv", column_overrides={"name": "Colour", "owner": "Initiative owner"}
    )
    assert result.column_mapping == {"name": "Colour", "owner": "Initiative owner"}
    assert result.unmapped_columns == ("Size",)
    with pytest.raises(IntakeError, match="Column 'Nope' \\(mapped to 'name'\\) is not in the file"):
        read_portfolio(data, filename="r.csv", column_overrides={"name": "Nope"})


AGENCY_HEADERS = [
    "Use Case ID\n\n[Agency Abbrev.] – [#]",
    "Use Case Name",
    "Bureau/Component",
    "Email Address",
    "Stage of Development",
    "Is the AI use case high-impact?",
    "Does this AI use case have an associated Authorization to Operate (ATO)?",
    "Has pre-deployment testing been conducted for this AI  use case? \n\n\nPractice: Complete AI Impact Assessment",
]


def test_agency_style_file_with_original_headers_title_rows_and_answer_prefixes(tmp_path):
    rows = [
        ["Department of Examples — 2025 AI Use Case Inventory"],
        ["SECTION 1: Use case information"],
        AGENCY_HEADERS,
        [
            "DOX-1",
            "Grant triage",
            "Office of Grants",
            "ai@dox.gov",
            "b) Pilot – The use case has been deployed in a limited test or pilot capacity.",
            "c) Not high-impact",
            "a) No",
            "",
        ],
        [
            "DOX-2",
            "Benefit eligibility screening",
            "Benefits Office",
            "ai@dox.gov",
            "c) Deployed – The use case is being actively authorized or utilized to support the functions",
            "a) High-impact",
            "Yes",
            "b) In-progress",
        ],
    ]
    result = read_portfolio(_xlsx(tmp_path / "agency.xlsx", {"AI Inventory": rows}))
    assert (result.mapping_name, result.header_row) == ("us-federal-2025", 3)
    pilots = result.pilots.set_index("pilot_id")
    # No agency column in an agency's own file: IDs are kept as they are; the unit is the bureau.
    assert pilots.loc["DOX-1", ["stage", "risk_level", "business_unit"]].tolist() == [
        "pilot",
        "low",
        "Office of Grants",
    ]
    # ATO "a) No" shows no formal authorisation, not that nothing is reviewed: controls unknown.
    assert pd.isna(pilots.loc["DOX-1", "controls"])
    assert pilots.loc["DOX-2", ["stage", "risk_level"]].tolist() == ["production", "high"]
    assert pilots.loc["DOX-2", "controls"] == 3.0  # an ATO: the floor of 3 (testing is not a level)
    assert result.issues.empty
