"""Output safety (AppTest): text from uploads never reaches the page as HTML or live markdown,
and an upload's file name never becomes a path on disk. The browser half is
tests/security/test_browser_xss.py."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kairo_scoring import PortfolioStore
from tests.pages.conftest import REPO, metrics, no_errors
from ui.text import md_escape

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS_LINK = "[x](javascript:alert(1))"
IMAGE = "![i](http://127.0.0.1:1/x.png)"
PAYLOADS = (SCRIPT, IMG, JS_LINK, IMAGE)
# Names, units and owners full of markup; a csv keeps every character as typed.
HOSTILE_CSV = (
    "Pilot name,Unit,Owner,Process maturity,Controls,Monthly volume,Risk\n"
    f"{SCRIPT} {JS_LINK},{IMG},{IMAGE},4,4,1200,low\n"
    f"{IMAGE} bot,{JS_LINK},{SCRIPT},2,2,50,medium\n"
    f"{IMG} review,{SCRIPT},{JS_LINK},3,3,10,high\n"
).encode()
HOSTILE_PORTFOLIO = f"Q3 {SCRIPT} {JS_LINK}"
# Markdown element types (and the fields of them) that Streamlit renders as markdown.
MARKDOWN_FIELDS = {
    "markdown": ("value",),
    "caption": ("value",),
    "title": ("value",),
    "header": ("value",),
    "subheader": ("value",),
    "info": ("value",),
    "warning": ("value",),
    "error": ("value",),
    "success": ("value",),
    "toast": ("value",),
    "metric": ("label", "value", "delta"),
    "button": ("label",),
    "download_button": ("label",),
    "expander": ("label",),
    "tab": ("label",),
    "badge": ("label", "value"),
}
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def markdown_strings(at: AppTest) -> list[str]:
    """Every string this run hands to Streamlit's markdown renderer."""
    found = []
    for kind, fields in MARKDOWN_FIELDS.items():
        for element in at.get(kind):
            for name in fields:
                value = getattr(element, name, None)
                if isinstance(value, str) and value:
                    found.append(value)
    return found


def assert_user_text_escaped(at: AppTest) -> int:
    """Each payload shows up in markdown only backslash-escaped; returns how often it showed."""
    shown = 0
    for text in markdown_strings(at):
        as_read = _ESCAPED.sub(r"\1", text)  # what a reader sees once escapes are applied
        for payload in PAYLOADS:
            occurrences = as_read.count(payload)
            assert text.count(md_escape(payload)) == occurrences, f"live markup in markdown: {text!r}"
            shown += occurrences
    return shown


def test_md_escape_leaves_no_markup_active():
    for payload in PAYLOADS:
        escaped = md_escape(payload)
        assert _ESCAPED.sub(r"\1", escaped) == payload
        assert not re.search(r"(?<!\\)[<>\[\]()!:]", escaped), escaped


def import_hostile_register(app: AppTest, filename: str = "hostile.csv") -> None:
    app.switch_page("app_pages/intake.py")
    app.run()
    app.file_uploader(key="register_upload").upload(filename, HOSTILE_CSV, "text/csv")
    app.run()
    no_errors(app)
    assert metrics(app)["Rows accepted"] == "3"
    app.text_input(key="intake_portfolio").set_value(HOSTILE_PORTFOLIO)
    app.run()
    next(b for b in app.button if b.label == "Save snapshot").click()
    app.run()
    no_errors(app)


def test_hostile_names_owners_and_units_are_escaped_on_every_page(app, store_path):
    import_hostile_register(app)
    assert app.session_state["portfolio"] == HOSTILE_PORTFOLIO
    shown = assert_user_text_escaped(app)  # the Intake page after saving, with its flash message
    assert shown >= 2

    for page in (
        "app_pages/portfolio.py",
        "app_pages/history.py",
        "app_pages/export.py",
        "app_pages/scoring_model.py",
    ):
        app.switch_page(page)
        app.run()
        no_errors(app)
        assert assert_user_text_escaped(app) >= 2, page  # the portfolio name in the context line

    with PortfolioStore(store_path) as store:
        snapshot = store.latest_snapshot_id(HOSTILE_PORTFOLIO)
        pilots = store.load_pilots(snapshot)
    assert set(pilots["name"]) >= {f"{IMAGE} bot", f"{IMG} review"}  # stored as typed
    app.switch_page("app_pages/pilot.py")
    for pilot_id, name in zip(pilots["pilot_id"], pilots["name"], strict=True):
        app.session_state["pilot_id"] = pilot_id
        app.run()
        no_errors(app)
        assert [h.value for h in app.header] == [md_escape(name)]
        assert assert_user_text_escaped(app) >= 4  # name, unit and owner at least


def test_a_hostile_file_name_is_shown_as_text_only(app):
    hostile_name = f"{IMG}.csv"
    app.switch_page("app_pages/intake.py")
    app.run()
    app.file_uploader(key="register_upload").upload(hostile_name, HOSTILE_CSV, "text/csv")
    app.run()
    no_errors(app)
    assert_user_text_escaped(app)
    # the suggested portfolio name is an input's value: plain text, never rendered
    assert app.text_input(key="intake_portfolio").value == IMG


def _evil_files(roots: list[Path]) -> set[Path]:
    found = set()
    for root in roots:
        for path in root.rglob("*evil*"):
            if ".venv" not in path.parts:
                found.add(path)
    return found


@pytest.mark.parametrize(
    "filename", ["../../evil.csv", "..\\..\\evil.csv", "/tmp/evil.csv", "data/../../evil.csv"]
)
def test_an_upload_file_name_never_becomes_a_path(app, store_path, filename):
    data_dir = REPO / "data"
    tmp = Path(tempfile.gettempdir())
    watched = [
        data_dir,
        store_path.parent,
        store_path.parent.parent,
        REPO / "tests",
        REPO / "ui",
        REPO / "pages",
    ]
    candidates = {
        (base / part).resolve()
        for base in (Path.cwd(), REPO, data_dir, store_path.parent, tmp)
        for part in (filename, filename.replace("\\", "/"), "evil.csv")
    }
    data_before = sorted(p.name for p in data_dir.iterdir())
    evil_before = _evil_files(watched)
    assert not [p for p in candidates if p.exists()]

    app.switch_page("app_pages/intake.py")
    app.run()
    app.file_uploader(key="register_upload").upload(filename, HOSTILE_CSV, "text/csv")
    app.run()
    no_errors(app)
    app.text_input(key="intake_portfolio").set_value("Traversal test")
    app.run()
    next(b for b in app.button if b.label == "Save snapshot").click()
    app.run()
    no_errors(app)
    assert not [p for p in candidates if p.exists()]
    assert _evil_files(watched) == evil_before
    assert sorted(p.name for p in data_dir.iterdir()) == data_before
    with PortfolioStore(store_path) as store:
        stored = store.snapshots("Traversal test")
    assert stored["source_name"].tolist() == ["evil.csv"]  # the base name, as text
