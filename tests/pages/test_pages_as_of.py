"""As-of dates on the pages: the Intake page saves a snapshot as of the date chosen (the file's
own save date by default, else today), the assessment returns as of theirs, and History and the
sidebar name and order snapshots by the date their data describes, not by when they were imported."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
from streamlit.testing.v1 import AppTest

from kairo_scoring import (
    MOVEMENT_LABELS,
    SAMPLE_PORTFOLIO,
    VERDICT_LABELS,
    PortfolioStore,
    default_profile,
    ensure_default_profile,
    plan_assessment,
    read_portfolio,
    workbook_bytes,
)
from tests.assessment.helpers import fill
from tests.pages.conftest import APP, REPO, TIMEOUT, metrics, no_errors
from ui.text import md_escape

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties '
    'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dcterms="http://purl.org/dc/terms/"><dcterms:modified>{saved}</dcterms:modified></cp:coreProperties>'
)
QUARTERLY = "Quarterly"
Q3, Q4 = date(2025, 9, 30), date(2025, 12, 31)


def _register(saved: str) -> bytes:
    """A two-pilot xlsx whose core properties say it was last saved at ``saved``."""
    book = openpyxl.Workbook()
    for row in (["pilot_id", "name", "controls"], ["P1", "Invoice bot", 4], ["P2", "Contract review", 2]):
        book.active.append(row)
    written, out = io.BytesIO(), io.BytesIO()
    book.save(written)
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != "docProps/core.xml":
                target.writestr(info, source.read(info))
        target.writestr("docProps/core.xml", CORE.format(saved=saved))
    return out.getvalue()


def _intake_with(app: AppTest, name: str, data: bytes, mime: str) -> None:
    app.switch_page("app_pages/intake.py")
    app.run()
    app.file_uploader(key="register_upload").upload(name, data, mime)
    app.run()
    no_errors(app)


def test_intake_saves_the_snapshot_as_of_the_date_chosen(app, store_path):
    _intake_with(app, "q3 register.xlsx", _register("2025-10-02T09:00:00Z"), XLSX)
    as_of = app.date_input(key="intake_as_of")
    assert as_of.label == "Data as of"
    assert as_of.value == date(2025, 10, 2)  # the file's own save date by default
    assert "last saved on 2 Oct 2025" in as_of.help

    as_of.set_value(Q3)
    app.text_input(key="intake_portfolio").set_value(QUARTERLY)
    app.run()
    next(b for b in app.button if b.label == "Save snapshot").click()
    app.run()
    no_errors(app)

    assert any("(2 pilots, as of 30 Sep 2025)" in s.value for s in app.success)
    with PortfolioStore(store_path) as store:
        info = store.snapshot_info(store.latest_snapshot_id(QUARTERLY))
    assert info.as_of == Q3 and info.created_at.date() != Q3  # the date it describes, not the import's
    label = app.sidebar.selectbox(key="snapshot_pick").options[0]
    assert label.startswith("2025-Q3 · as of 30 Sep 2025 · q3 register.xlsx · #")


def test_a_file_that_records_no_date_starts_as_today_and_a_new_file_resets_the_date(app):
    _intake_with(app, "register.xlsx", _register("2025-10-02T09:00:00Z"), XLSX)
    app.date_input(key="intake_as_of").set_value(Q3)
    app.run()

    app.file_uploader(key="register_upload").upload(
        "register.csv", b"pilot_id,name\nP1,Invoice bot\n", "text/csv"
    )
    app.run()
    no_errors(app)

    as_of = app.date_input(key="intake_as_of")
    assert as_of.value == date.today()  # not the date chosen for the other file
    assert "records no date" in as_of.help


def _quarterly_store(store_path: Path) -> dict[date, int]:
    """'Quarterly' with the Q4 register imported first and the Q3 one after it (a back-fill)."""
    with PortfolioStore(store_path) as store:
        ensure_default_profile(store, default_profile())
        ids = {}
        for as_of, name in ((Q4, "sample_portfolio.xlsx"), (Q3, "sample_portfolio_previous_quarter.xlsx")):
            ids[as_of] = store.import_snapshot(
                read_portfolio(REPO / "data" / name), portfolio=QUARTERLY, as_of=as_of
            ).snapshot_id
    return ids


def _history_of_quarterly(store_path: Path) -> tuple[AppTest, dict[date, int]]:
    ids = _quarterly_store(store_path)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.sidebar.selectbox(key="portfolio").set_value(QUARTERLY)
    at.run()
    at.switch_page("app_pages/history.py")
    at.run()
    no_errors(at)
    return at, ids


def test_history_names_and_orders_snapshots_by_their_as_of_date(store_path):
    at, ids = _history_of_quarterly(store_path)
    q3 = f"2025-Q3 · as of 30 Sep 2025 · sample_portfolio_previous_quarter.xlsx · #{ids[Q3]}"
    q4 = f"2025-Q4 · as of 31 Dec 2025 · sample_portfolio.xlsx · #{ids[Q4]}"

    before, after = at.selectbox(key="history_before"), at.selectbox(key="history_after")
    assert before.options == after.options == [q4, q3]  # by as-of date, though Q3 was imported last
    assert (before.value, after.value) == (ids[Q3], ids[Q4])  # Q3 compared with Q4 by default
    dates = next(c.value for c in at.caption if c.value.startswith("Earlier #"))
    assert f"Earlier #{ids[Q3]}: as of 30 Sep 2025, imported " in dates
    assert f"Later #{ids[Q4]}: as of 31 Dec 2025, imported " in dates
    assert "The earlier of the two" not in " ".join(c.value for c in at.caption)

    shown = metrics(at)  # the sample's previous quarter lacks the last 6 pilots and had 3 since removed
    assert (shown["Added"], shown["Removed"]) == ("6", "3")
    axes = [json.loads(chart.proto.spec)["data"][0]["x"] for chart in at.get("plotly_chart")[1:]]
    # verdicts, completeness and decisions across every snapshot: oldest first
    assert axes == [[f"2025-Q3 · 30 Sep · #{ids[Q3]}", f"2025-Q4 · 31 Dec · #{ids[Q4]}"]] * 3

    # swapped by hand: still the earlier as-of date against the later one
    before.set_value(ids[Q4])
    after.set_value(ids[Q3])
    at.run()
    no_errors(at)
    assert "The earlier of the two is compared with the later one." in [c.value for c in at.caption]
    assert metrics(at)["Added"] == "6"


def test_the_sidebar_and_the_page_context_lead_with_the_as_of_date(store_path):
    at, ids = _history_of_quarterly(store_path)

    picker = at.sidebar.selectbox(key="snapshot_pick")
    assert picker.value == ids[Q3]  # the latest import is shown by default, named by its as-of date
    label = f"2025-Q3 · as of 30 Sep 2025 · sample_portfolio_previous_quarter.xlsx · #{ids[Q3]}"
    assert picker.options == [
        f"{label} (latest)",
        f"2025-Q4 · as of 31 Dec 2025 · sample_portfolio.xlsx · #{ids[Q4]}",
    ]
    assert any(md_escape(label) in c.value for c in at.caption)  # the line under the page title


def test_presentation_mode_names_snapshots_without_their_file(store_path):
    at, ids = _history_of_quarterly(store_path)
    at.sidebar.toggle(key="present").set_value(True)
    at.run()
    no_errors(at)

    labels = [*at.selectbox(key="history_before").options, *at.sidebar.selectbox(key="snapshot_pick").options]
    assert f"2025-Q4 · as of 31 Dec 2025 · #{ids[Q4]}" in labels
    assert not any(".xlsx" in label for label in labels)
    assert not any(".xlsx" in c.value for c in at.caption)


def test_the_movement_to_a_heavier_option_does_not_read_as_a_verdict():
    for movement in MOVEMENT_LABELS.values():
        word = movement.split()[0].casefold()
        for verdict in VERDICT_LABELS.values():
            first = verdict.split()[0].casefold()
            assert not (word.startswith(first) or first.startswith(word)), (movement, verdict)


def test_history_shows_the_movement_under_its_own_name(store_path):
    at, _ = _history_of_quarterly(store_path)
    shown = metrics(at)
    assert int(shown[MOVEMENT_LABELS["promoted"]]) > 0
    assert "Promoted" not in [t.label for t in at.tabs]


def test_assessment_returns_are_saved_as_of_the_date_chosen(app, store_path, tmp_path):
    with PortfolioStore(store_path) as store:
        plan = plan_assessment(store, SAMPLE_PORTFOLIO, default_profile(), by="business_unit")
        name = plan.index[plan.index["undecided"] > 0]["file"].iloc[0]
    path = tmp_path / name
    path.write_bytes(workbook_bytes(plan, name))
    fill(path)
    app.switch_page("app_pages/intake.py")
    app.run()
    app.file_uploader(key="returns_upload").upload(path.name, path.read_bytes(), XLSX)
    app.run()
    no_errors(app)
    assert app.date_input(key="returns_as_of").value == date.today()

    app.date_input(key="returns_as_of").set_value(date(2025, 10, 15))
    app.run()
    next(b for b in app.button if b.label == "Save answers").click()
    app.run()
    no_errors(app)

    assert any("newly decided (as of 15 Oct 2025)." in s.value for s in app.success)
    with PortfolioStore(store_path) as store:
        listed = store.snapshots(SAMPLE_PORTFOLIO)
    latest = listed.iloc[0]
    assert pd.Timestamp(latest["as_of"]).date() == date(2025, 10, 15)
    assert str(latest["source_name"]).startswith("assessment returns:")
