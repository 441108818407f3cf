"""Column overrides (the Intake page's mapping edits, the CLI's --column): one rule, errors that say what to do."""

from __future__ import annotations

import pytest

from kairo_scoring.errors import IntakeError, ProfileError, Remedy
from kairo_scoring.intake import detect, mapping_from_toml, read_portfolio

UNNAMED = b"Ref,Thing,Unit\nA,Alpha,Finance\nB,Beta,HR\n"


def _read(**options):
    return read_portfolio(UNNAMED, filename="register.csv", **options)


def test_no_name_column_asks_for_the_column_and_offers_no_option_it_lacks():
    with pytest.raises(IntakeError) as raised:
        _read()
    assert raised.value.remedy is Remedy.NAME_COLUMN
    message = str(raised.value)
    assert (
        "columns found: Ref, Thing, Unit" in message and "Choose the column that names each pilot" in message
    )
    assert "override" not in message and "--" not in message  # each caller names its own control


def test_an_unknown_field_names_close_matches():
    with pytest.raises(IntakeError, match=r"'nmae'.*close matches: name") as raised:
        _read(column_overrides={"nmae": "Thing"})
    assert raised.value.remedy is Remedy.COLUMN


def test_an_unknown_field_with_nothing_close_lists_the_fields():
    with pytest.raises(IntakeError, match=r"Kairo fields: pilot_id, name, business_unit"):
        _read(column_overrides={"zzzz": "Thing"})


def test_a_header_not_in_the_file_lists_the_columns_found():
    with pytest.raises(IntakeError, match=r"'Title'.*columns found: Ref, Thing, Unit") as raised:
        _read(column_overrides={"name": "Title"})
    assert raised.value.remedy is Remedy.COLUMN


def test_a_header_typed_in_another_case_finds_the_column():
    result = _read(column_overrides={"name": "THING"})
    assert result.column_mapping["name"] == "Thing"
    assert list(result.pilots["name"]) == ["Alpha", "Beta"]
    assert (
        detect(UNNAMED, filename="register.csv", column_overrides={"name": "thing"}).column_mapping["name"]
        == "Thing"
    )


def test_a_malformed_mapping_says_the_mapping_is_what_to_change():
    with pytest.raises(ProfileError, match="profile key 'columns'") as raised:
        mapping_from_toml('name = "m"\ncolumns = "not a table"\n')
    assert raised.value.remedy is Remedy.MAPPING
    with pytest.raises(ProfileError) as raised:
        read_portfolio(UNNAMED, filename="register.csv", mapping="no-such-mapping")
    assert raised.value.remedy is Remedy.MAPPING


def test_a_missing_sheet_says_the_sheet_is_what_to_change(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Pilots"
    book.active.append(["pilot_id", "name"])
    book.active.append(["A", "Alpha"])
    path = tmp_path / "register.xlsx"
    book.save(path)
    with pytest.raises(IntakeError, match="sheets found: 'Pilots'. Choose one of them") as raised:
        read_portfolio(path, sheet="Nope")
    assert raised.value.remedy is Remedy.SHEET
