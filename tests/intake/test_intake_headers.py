"""Finding the header row by evidence and matching headers as a person reads them: numbering
and question prefixes, combined headers, trailing notes, abbreviations, the currency a header
names, and the pilot-name column inferred from content (a suggestion, never applied unasked)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest

from kairo_scoring import IntakeError, IssueCode, Remedy, detect, read_portfolio
from kairo_scoring.cli import main
from kairo_scoring.intake import CONFIDENT_SUGGESTION, ColumnMatch, ColumnSuggestion, load_mapping

CANONICAL = load_mapping("canonical")
FEDERAL_CSV = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "data"
    / "us-federal-ai-inventory-2025"
    / "2025_individually_reported_AI_use_cases.csv"
)


def _csv(text: str) -> bytes:
    return text.encode()


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# header → the field a person reads in it (each failed to map before).
HEADERS_PEOPLE_READ = {
    "Use Case ID/Name": "name",
    "AI Use Case": "name",
    "2_use_case_name": "name",
    "Q3. Pilot name": "name",
    "1.a Pilot name": "name",
    "PILOT NAME - short title please": "name",
    "Pilot name: as the team calls it": "name",
    "Sponsor / Owner": "owner",
    "OWNER - who is accountable": "owner",
    "Volume / month": "monthly_volume",
    "No. of users": "users",
    "# of users": "users",
    "Est. monthly benefit (£)": "monthly_value",
    "Dept": "business_unit",
    "Q4) Status": "stage",
    "Busines unit": "business_unit",  # misspelt
}


@pytest.mark.parametrize(("header", "field"), HEADERS_PEOPLE_READ.items())
def test_headers_map_to_the_field_a_person_reads(header: str, field: str) -> None:
    other = "Name" if field != "name" else "Notes"
    found = detect(
        _csv(f"{header},{other}\nInvoice bot,x\nContract review,y\n"), filename="r.csv", mapping=CANONICAL
    )

    assert found.column_mapping.get(field) == header
    match = found.matches[field]
    assert isinstance(match, ColumnMatch) and 0.75 <= match.score <= 1.0


def test_a_combined_id_and_name_header_names_the_pilot_once() -> None:
    found = detect(_csv("Use Case ID/Name,Department\nChatbot,HR\nTriage,IT\n"), filename="r.csv")

    assert found.column_mapping["name"] == "Use Case ID/Name"
    assert "pilot_id" not in found.column_mapping  # one column is one field when matched by its parts
    assert found.matches["name"].how == "part"


def test_the_currency_a_header_names_is_kept() -> None:
    found = detect(_csv("Pilot,Est. monthly benefit (£)\nBot,1200\n"), filename="r.csv")

    assert (found.currency, found.currency_column) == ("GBP", "Est. monthly benefit (£)")
    assert detect(_csv("Pilot,Monthly value\nBot,1200\n"), filename="r.csv").currency is None


@pytest.mark.parametrize(
    "header",
    ["Unit cost", "Risk mitigation notes", "Team size", "Lead time (days)", "Status notes", "Users trained"],
)
def test_a_one_word_alias_inside_another_header_is_not_a_match(header: str) -> None:
    found = detect(_csv(f"Pilot name,{header}\nBot,x\n"), filename="r.csv", mapping=CANONICAL)

    assert set(found.column_mapping) == {"name"}


def test_exact_aliases_still_win_and_score_one() -> None:
    found = detect(_csv("Pilot name,Pilot owner,Risk\nBot,Ann,low\n"), filename="r.csv")

    assert found.column_mapping == {"name": "Pilot name", "owner": "Pilot owner", "risk_level": "Risk"}
    assert {m.how for m in found.matches.values()} == {"alias"}
    assert {m.score for m in found.matches.values()} == {1.0}


# --- the header row -------------------------------------------------------------------------

LEADING_EMPTY = (
    "AI Use Case Inventory 2025,,,,,,,,,\n"
    "Prepared by the CAIO office,,,,,,,,,\n"
    ",,,,,,,,,\n"
    ",,,,,,,Use Case ID/Name,Bureau,Stage of work\n"
    ",,,,,,,Chatbot,HR,pilot\n"
    ",,,,,,,Triage helper,IT,idea\n"
    ",,,,,,,Contract reader,Legal,pilot\n"
)


def test_a_header_row_with_leading_empty_cells_below_a_title_block_is_found() -> None:
    result = read_portfolio(_csv(LEADING_EMPTY), filename="inventory.csv")

    assert result.header_row == 4
    assert result.detection.headers == (
        "Use Case ID/Name",
        "Bureau",
        "Stage of work",
    )  # empty columns skipped
    assert result.column_mapping["name"] == "Use Case ID/Name"
    assert list(result.pilots["name"]) == ["Chatbot", "Triage helper", "Contract reader"]
    assert list(result.pilots["source_row"]) == [5, 6, 7]
    assert result.rejected.empty


def test_the_same_sheet_in_xlsx_is_found_the_same_way() -> None:
    rows = [next(csv.reader([line])) for line in LEADING_EMPTY.splitlines()]
    result = read_portfolio(
        _xlsx([[cell or None for cell in row] for row in rows]), filename="inventory.xlsx"
    )

    assert result.header_row == 4
    assert result.column_mapping["name"] == "Use Case ID/Name"
    assert len(result.pilots) == 3


def test_a_data_row_holding_a_known_word_does_not_beat_the_header() -> None:
    # "pilot" in the first data row is a canonical alias; the header row's numbered
    # questions are the header all the same.
    found = detect(
        _csv("Q1. Unit,Q3. Pilot name,Q4. Status\nHR,Chatbot,pilot\nIT,Triage,idea\n"), filename="r.csv"
    )

    assert found.header_row == 1
    assert found.column_mapping == {
        "business_unit": "Q1. Unit",
        "name": "Q3. Pilot name",
        "stage": "Q4. Status",
    }


def test_the_header_choice_and_its_runner_up_are_reported_with_their_evidence() -> None:
    text = "Pilot register,,\nOwner: PMO,Updated: May,\nPilot name,Unit,Controls\nBot,HR,3\nTriage,IT,4\n"
    found = detect(_csv(text), filename="r.csv")

    chosen, runner_up = found.header_choices
    assert (chosen.row, found.header_row) == (3, 3)
    assert chosen.recognised == 3 and chosen.score > runner_up.score
    assert runner_up.row != 3
    assert "recognised" in chosen.evidence and "with data below" in chosen.evidence


def test_a_title_row_and_a_section_row_above_unknown_headers_are_skipped() -> None:
    text = "Quarterly AI review,,\nSECTION 1,,\nInitiative title,Ctrl maturity,Remarks\nBot,4,ok\nTriage,2,fine\n"

    assert detect(_csv(text), filename="r.csv").header_row == 3


# --- the name column from content ------------------------------------------------------------

NO_NAME_HEADER = "Ref,Thing,Dept,Description\n1,Invoice bot,HR,{d}\n2,Triage helper,IT,{d}\n3,Contract reader,Legal,{d}\n".format(
    d="A long description of what the pilot does, who uses it and why it matters to the unit"
)


def test_the_name_column_is_suggested_from_content_with_its_confidence() -> None:
    found = detect(_csv(NO_NAME_HEADER), filename="r.csv")

    assert "name" not in found.column_mapping  # a suggestion, not applied
    best = found.suggestions[0]
    assert isinstance(best, ColumnSuggestion) and (best.field, best.column) == ("name", "Thing")
    assert best.confident and best.confidence >= CONFIDENT_SUGGESTION
    assert all(s.column != "Description" or s.confidence < best.confidence for s in found.suggestions)
    assert "distinct" in best.reason


def test_without_a_name_header_the_error_names_the_suggestion() -> None:
    with pytest.raises(IntakeError, match="'Thing' reads like names") as raised:
        read_portfolio(_csv(NO_NAME_HEADER), filename="r.csv")
    assert raised.value.remedy is Remedy.NAME_COLUMN


def test_a_confident_suggestion_is_applied_only_when_asked_and_is_reported() -> None:
    result = read_portfolio(_csv(NO_NAME_HEADER), filename="r.csv", accept_suggestions=True)

    assert result.column_mapping["name"] == "Thing"
    assert result.detection.accepted[0].column == "Thing"
    assert result.counts_by_code[IssueCode.SUGGESTED_COLUMN] == 1


def test_a_weak_suggestion_is_not_accepted() -> None:
    # Numbers and repeated units: nothing reads like names.
    text = "Code,Unit\n1,HR\n2,HR\n3,IT\n4,IT\n"
    found = detect(_csv(text), filename="r.csv")

    assert not any(s.confident for s in found.suggestions)
    with pytest.raises(IntakeError, match="no column we can use as the pilot name"):
        read_portfolio(_csv(text), filename="r.csv", accept_suggestions=True)


def test_an_override_wins_over_the_suggestion() -> None:
    result = read_portfolio(
        _csv(NO_NAME_HEADER), filename="r.csv", column_overrides={"name": "Dept"}, accept_suggestions=True
    )

    assert result.column_mapping["name"] == "Dept" and result.detection.accepted == ()


def test_the_cli_accepts_a_confident_suggestion_and_says_so_in_one_line(tmp_path, capsys) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(_csv(NO_NAME_HEADER))

    assert main(["validate", str(path)]) == 0

    said = [line for line in capsys.readouterr().err.splitlines() if line]
    assert len(said) == 1
    assert re.fullmatch(
        r"Using column 'Thing' as the pilot name \(no header names it; from its content, confidence \d+%\); "
        r"pass --column name=HEADER to choose another\.",
        said[0],
    )


# --- the federal inventory below a title block ------------------------------------------------


@pytest.mark.shared
def test_the_federal_csv_below_a_title_block_with_leading_empty_columns_reads_every_row() -> None:
    if not FEDERAL_CSV.is_file():
        pytest.skip("federal inventory not available (../shared is absent)")
    rows = list(csv.reader(io.StringIO(FEDERAL_CSV.read_text(encoding="utf-8-sig"))))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([["2025 AI Use Case Inventory"], ["Consolidated by OMB"], []])
    writer.writerows(["", "", *row] for row in rows)

    result = read_portfolio(buffer.getvalue().encode(), filename="inventory.csv")

    assert result.mapping_name == "us-federal-2025"
    assert result.header_row == 4
    assert result.total_rows == 3611 and len(result.rejected) == 3
