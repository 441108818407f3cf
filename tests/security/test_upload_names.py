"""A crafted upload name (a NUL, another extension) gets a sentence on the Intake page, never an exception box."""

from __future__ import annotations

import pytest

from tests.pages.conftest import metrics

REGISTER = b"Pilot name,Unit,Owner,Process maturity,Controls,Monthly volume,Risk\nInvoice bot,Finance,Ann,4,4,1200,low\n"


def upload(app, name: str):
    app.switch_page("app_pages/intake.py")
    app.run()
    app.file_uploader(key="register_upload").upload(name, REGISTER, "text/csv")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return [e.value for e in app.error]


@pytest.mark.parametrize("name", ["reg\x00ister.csv", "register.csv\x00.exe", "\x00"])
def test_a_nul_in_the_upload_name_is_refused_in_words(app, name):
    errors = upload(app, name)
    assert errors == ["The file name contains a NUL character: rename the file and upload it again."]
    assert "Rows accepted" not in metrics(app)


@pytest.mark.parametrize("name", ["register.pdf", "register.csv.exe", "register", "register.xlsx.zip"])
def test_an_upload_of_another_type_is_refused_in_words(app, name):
    errors = upload(app, name)
    assert len(errors) == 1 and "is not an .xlsx, .xlsm, .xls, .xlsb, .ods or .csv file" in errors[0], errors
    assert "Rows accepted" not in metrics(app)


@pytest.mark.parametrize(
    "name", ["register.csv", "REGISTER.CSV", "Q3 register (final).csv", "register.tsv", "register.txt"]
)
def test_a_register_with_an_accepted_extension_is_read(app, name):
    assert upload(app, name) == []
    assert metrics(app)["Rows accepted"] == "1"


def test_an_ods_register_is_read_on_the_intake_page(app):
    from tests.intake.test_intake_dialects import SMALL, ods_bytes

    app.switch_page("app_pages/intake.py")
    app.run()
    app.file_uploader(key="register_upload").upload(
        "register.ods", ods_bytes(SMALL), "application/vnd.oasis.opendocument.spreadsheet"
    )
    app.run()
    assert not app.exception and not app.error, [e.value for e in (*app.exception, *app.error)]
    assert metrics(app)["Rows accepted"] == "2"
