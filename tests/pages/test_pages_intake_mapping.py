"""The Intake page's matching: what answers mean (value maps saved with the mapping and
reused), the pilot-name suggestion confirmed by the user, sheets read as one register."""

from __future__ import annotations

import io

import openpyxl

from kairo_scoring import PortfolioStore, mapping_from_toml
from tests.pages.conftest import metrics, no_errors

YES_NO = b"Pilot name,Unit,Controls\nInvoice bot,Finance,Yes\nContract review,Legal,No\nHR helper,HR,yes\nTriage,IT,3\n"
# The same headers and answers, other pilots: the next quarter's register.
NEXT_QUARTER = b"Pilot name,Unit,Controls\nClaims bot,Finance,No\nMail sorter,Ops,Yes\n"


def _upload(app, name: str, content: bytes, mime: str = "text/csv") -> None:
    app.file_uploader(key="register_upload").upload(name, content, mime)
    app.run()


def _answer_editor(app):
    return next(e for e in app.data_editor if str(e.key).startswith("answer_editor::"))


def test_yes_no_answers_in_a_score_column_are_mapped_previewed_saved_and_reused(app, store_path):
    app.switch_page("app_pages/intake.py")
    app.run()
    _upload(app, "register.csv", YES_NO)
    no_errors(app)
    assert metrics(app)["Warnings (value set to unknown)"] == "3"  # Yes, No, yes: not scores
    assert app.selectbox(key="answer_field").value == "controls"  # the column with unusable answers first
    editor = _answer_editor(app)
    answers = editor.value
    assert dict(zip(answers["answer"], answers["cells"], strict=True)) == {"Yes": 2, "No": 1, "3": 1}
    assert metrics(app)["Still unusable"] == "3"

    row_of = {answer: int(i) for i, answer in zip(answers.index, answers["answer"], strict=True)}
    app.session_state[editor.key] = {
        "edited_rows": {row_of["Yes"]: {"means": "4"}, row_of["No"]: {"means": "1"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    no_errors(app)
    assert metrics(app)["Cells these choices fix"] == "3"  # previewed before anything is applied
    assert metrics(app)["Still unusable"] == "0"
    assert metrics(app)["Warnings (value set to unknown)"] == "3"

    next(b for b in app.button if b.label == "Apply these meanings").click().run()
    no_errors(app)
    assert metrics(app)["Warnings (value set to unknown)"] == "0"
    preview = next(d.value for d in app.dataframe if "controls" in d.value.columns)
    assert dict(zip(preview["name"], preview["controls"], strict=True)) == {
        "Invoice bot": 4.0,
        "Contract review": 1.0,
        "HR helper": 4.0,
        "Triage": 3.0,
    }

    app.text_input(key="mapping_save_name").input("Yes-no register").run()
    next(b for b in app.button if b.label == "Save mapping").click().run()
    no_errors(app)
    with PortfolioStore(store_path) as store:
        saved = mapping_from_toml(store.load_mapping_text("Yes-no register"))
    assert saved.value_map("controls")["yes"] == 4 and saved.value_map("controls")["no"] == 1
    assert saved.value_map("controls")["high"] == 4  # the shared word scale is kept

    _upload(app, "next quarter.csv", NEXT_QUARTER)  # a new file: nothing applied on the page yet
    assert metrics(app)["Warnings (value set to unknown)"] == "2"
    app.selectbox(key="intake_mapping").select("saved: Yes-no register").run()
    no_errors(app)
    assert metrics(app)["Warnings (value set to unknown)"] == "0"


def test_an_answer_can_reject_its_row(app):
    app.switch_page("app_pages/intake.py")
    app.run()
    _upload(app, "register.csv", YES_NO + b"Old idea,Ops,withdrawn\n")
    editor = _answer_editor(app)
    row = int(editor.value.index[editor.value["answer"] == "withdrawn"][0])
    app.session_state[editor.key] = {
        "edited_rows": {row: {"means": "reject"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    assert metrics(app)["Cells whose row is rejected"] == "1"
    next(b for b in app.button if b.label == "Apply these meanings").click().run()
    no_errors(app)
    assert metrics(app)["Rows rejected"] == "1"
    report = next(d.value for d in app.dataframe if list(d.value.columns[:3]) == ["sheet", "row", "column"])
    assert "rejected_answer" in set(report["code"])


def test_the_name_column_suggested_from_content_waits_for_the_user(app):
    app.switch_page("app_pages/intake.py")
    app.run()
    _upload(
        app,
        "register.csv",
        b"Ref,Thing,Dept\n1,Invoice bot,HR\n2,Triage helper,IT\n3,Contract reader,Legal\n",
    )
    assert any("Suggested from its content: **Thing**" in i.value for i in app.info)
    chooser = app.selectbox(key="intake_name_column")
    assert chooser.value is None  # shown, not applied
    assert not app.metric  # nothing read until the user confirms
    chooser.select("Thing").run()
    no_errors(app)
    assert metrics(app)["Rows accepted"] == "3"


def _quarters() -> bytes:
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "Q1"
    for row in (["Pilot name", "Unit"], ["Invoice bot", "Finance"], ["HR helper", "HR"]):
        first.append(row)
    second = workbook.create_sheet("Q2")
    for row in (["Quarter 2 register"], ["unit", "pilot name"], ["Legal", "Contract review"]):
        second.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_sheets_of_one_layout_are_read_as_one_register(app):
    app.switch_page("app_pages/intake.py")
    app.run()
    _upload(
        app, "quarters.xlsx", _quarters(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert metrics(app)["Rows accepted"] == "2"
    app.checkbox(key="intake_all_sheets").check().run()
    no_errors(app)
    shown = metrics(app)
    assert shown["Rows accepted"] == "3" and shown["Sheet"] == "Q1, Q2"
    preview = next(d.value for d in app.dataframe if "sheet" in d.value.columns and "name" in d.value.columns)
    assert dict(zip(preview["name"], preview["sheet"], strict=True)) == {
        "Invoice bot": "Q1",
        "HR helper": "Q1",
        "Contract review": "Q2",
    }
