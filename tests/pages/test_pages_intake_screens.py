"""The Intake page as a PMO reads it: the column mapping by field labels and meanings, edited
in a form (a cell edit does not re-read the file until Apply), and the validation report
grouped by column and value with counts, each group opening to its cells."""

from __future__ import annotations

from kairo_scoring import (
    FIELDS,
    PortfolioStore,
    export_csv,
    field_label,
    field_meaning,
    issue_group_sentences,
    issue_groups,
    mapping_from_toml,
    read_portfolio,
)
from tests.pages.conftest import metrics, no_errors
from ui.text import md_escape

# 'Ctrl maturity' is no header Kairo recognises: it waits for the user to map it.
REGISTER = (
    b"Pilot name,Unit,Ctrl maturity\n"
    + b"".join(f"Pilot {i},Finance,Yes\n".encode() for i in range(37))
    + b"Triage,IT,3\nMail sorter,Ops,No\n"
)


def _open(app, content: bytes = REGISTER) -> None:
    app.switch_page("app_pages/intake.py")
    app.run()
    app.file_uploader(key="register_upload").upload("register.csv", content, "text/csv")
    app.run()
    no_errors(app)


def _mapping_editor(app):
    return next(e for e in app.data_editor if str(e.key).startswith("mapping_editor::"))


def _map(app, field: str, header: str) -> None:
    editor = _mapping_editor(app)
    row = int(editor.value.index[editor.value["field"] == field][0])
    app.session_state[editor.key] = {
        "edited_rows": {row: {"source_column": header}},
        "added_rows": [],
        "deleted_rows": [],
    }


def test_the_mapping_editor_shows_field_labels_and_meanings_not_codes(app):
    _open(app)
    editor = _mapping_editor(app)
    shown = list(editor.proto.column_order)
    assert shown == ["label", "meaning", "source_column"]  # the field code is kept, not shown
    table = editor.value
    assert table["label"].tolist() == [field_label(f.name) for f in FIELDS]
    assert table["meaning"].tolist() == [field_meaning(f.name) for f in FIELDS]
    by_field = dict(zip(table["field"], table["source_column"], strict=True))
    assert (by_field["name"], by_field["business_unit"], by_field["controls"]) == (
        "Pilot name",
        "Unit",
        "(not mapped)",
    )
    assert not any("_" in label for label in table["label"])


def test_mapping_edits_wait_in_a_form_and_apply_together(app, store_path):
    _open(app)
    editor = _mapping_editor(app)
    apply = next(b for b in app.button if b.label == "Apply the column mapping")
    # Inside a form, a browser sends a cell edit only with the submit: no rerun per cell.
    assert editor.proto.form_id and apply.proto.form_id == editor.proto.form_id
    assert metrics(app)["Warnings (value set to unknown)"] == "0"  # the column is not read yet

    _map(app, "controls", "Ctrl maturity")
    apply.click().run()
    no_errors(app)
    assert metrics(app)["Warnings (value set to unknown)"] == "38"  # 37 Yes, 1 No: not scores
    assert any(c.value == "1 column mapped by hand." for c in app.caption)

    app.text_input(key="mapping_save_name").input("Finance register").run()
    next(b for b in app.button if b.label == "Save mapping").click().run()
    no_errors(app)
    with PortfolioStore(store_path) as store:
        saved = mapping_from_toml(store.load_mapping_text("Finance register"))
    assert "Ctrl maturity" in saved.columns["controls"]  # saved by the field's code


def test_the_validation_report_groups_problems_by_column_and_value_with_counts(app):
    _open(app)
    _map(app, "controls", "Ctrl maturity")
    next(b for b in app.button if b.label == "Apply the column mapping").click().run()
    no_errors(app)

    labels = [e.label for e in app.expander]
    yes = md_escape("Ctrl maturity (Controls): 'Yes' in 37 rows — not a 1–5 score; set to unknown")
    no = md_escape("Ctrl maturity (Controls): 'No' in 1 row — not a 1–5 score; set to unknown")
    assert yes in labels and no in labels
    assert labels.index(yes) < labels.index(no)  # the largest group first

    groups = [d.value for d in app.dataframe if list(d.value.columns) == ["row", "column", "value"]]
    cells = groups[0]  # the first group's cells, under its expander
    assert list(cells.columns) == ["row", "column", "value"]
    assert cells["row"].tolist() == list(range(2, 39))  # rows as the source counts them
    assert set(cells["column"]) == {"Ctrl maturity"} and set(cells["value"]) == {"Yes"}


def test_the_full_list_stays_shown_and_downloadable(app, monkeypatch):
    import ui.validation_report

    downloaded = []
    monkeypatch.setattr(
        ui.validation_report, "export_csv", lambda frame: downloaded.append(frame.copy()) or export_csv(frame)
    )
    _open(app)
    _map(app, "controls", "Ctrl maturity")
    next(b for b in app.button if b.label == "Apply the column mapping").click().run()
    flat = next(d.value for d in app.dataframe if list(d.value.columns[:3]) == ["sheet", "row", "column"])
    expected = read_portfolio(
        REGISTER, filename="register.csv", column_overrides={"controls": "Ctrl maturity"}
    )
    assert len(flat) == len(expected.issues) == 39  # 38 unusable answers and the derived-ID note
    download = next(b for b in app.get("download_button") if b.label.startswith("Download the full list"))
    assert download.label == "Download the full list of 39 problems (csv)"
    assert any(frame.equals(expected.issues) for frame in downloaded)  # the download is the flat list
    grouped = issue_groups(expected.issues, expected.column_mapping)
    assert int(grouped.groups["rows"].sum()) == 39


def test_many_groups_beyond_those_shown_are_listed_together(app):
    many = b"Pilot name,Users\n" + b"".join(f"Pilot {i},many{i}\n".encode() for i in range(40))
    _open(app, many)
    group_tables = [d for d in app.dataframe if list(d.value.columns) == ["row", "column", "value"]]
    assert len(group_tables) == 25
    rest = next(d.value for d in app.dataframe if list(d.value.columns) == ["reason", "rows"])
    expected = read_portfolio(many, filename="register.csv")
    sentences = issue_group_sentences(issue_groups(expected.issues, expected.column_mapping).groups)
    assert rest["reason"].tolist() == sentences.iloc[25:].tolist()
    assert len(group_tables) + len(rest) == len(sentences)  # every group shown one way or the other
