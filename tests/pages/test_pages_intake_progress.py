"""The Intake page shows a long import's progress, stage by stage, and the Export page says
when the xlsx cuts a text too long for an Excel cell."""

from __future__ import annotations

from kairo_scoring import cut_cells_sentence
from tests.pages.conftest import no_errors

REGISTER = b"pilot_id,name,business_unit\nP1,Invoice bot,Finance\nP2,Contract review,Legal\nP2,Copy,Legal\n"


def _upload(app, name: str, content: bytes) -> None:
    app.switch_page("app_pages/intake.py")
    app.run()
    app.file_uploader(key="register_upload").upload(name, content, "text/csv")
    app.run()


def test_an_import_shows_its_stages_in_a_status_that_completes(app):
    _upload(app, "register.csv", REGISTER)
    no_errors(app)

    status = app.status[0]
    assert status.state == "complete"
    assert status.label == r"Read register\.csv: 2 accepted, 1 rejected"  # markdown-escaped
    stages = [c.value for c in status.caption]
    assert [line.split(":")[0] for line in stages] == ["Reading", "Mapping", "Validating"]
    assert stages[0] == "Reading: 3 data rows, header on row 1"
    assert stages[2].startswith("Validating: 2 accepted, 1 rejected")
    bar = status.get("progress")[0]
    assert (bar.value, bar.proto.text) == (100, "Read, mapped and validated")


def test_a_file_that_cannot_be_read_ends_the_status_in_error(app):
    _upload(app, "register.csv", b'pilot_id,name\nP1,"Alpha\nP2,Beta\n')

    status = app.status[0]
    assert status.state == "error"
    assert status.label == r"register\.csv cannot be read"
    assert app.error and "quote opened at row 2" in app.error[0].value


def test_saving_shows_its_own_status_and_the_export_page_says_what_the_xlsx_cuts(app):
    long_name = "Contract review " + "x" * 40_000  # longer than an Excel cell holds
    _upload(app, "register.csv", REGISTER.replace(b"Contract review", long_name.encode()))
    next(b for b in app.button if b.label == "Save snapshot").click().run()
    no_errors(app)
    assert any(s.label.startswith("Saved snapshot #") and s.state == "complete" for s in app.status)

    app.switch_page("app_pages/export.py")
    app.run()
    no_errors(app)
    assert [w.value for w in app.warning] == [cut_cells_sentence(1)]
    assert "cut in the xlsx" in cut_cells_sentence(1) and "keeps it whole" in cut_cells_sentence(1)
