"""No code words in front of people (issue 9): every page, with a filter and a what-if, shows
fields, verdicts, options and gates by their labels and unknown as 'unknown'.

The visible text checked: titles, headers, markdown, captions, notes, metric labels and
values, the column headers (as the column_config labels them) and cell values of the
people-facing tables, and every string in every chart (titles, axis titles, tick labels,
trace names, text, hover templates and hover data).
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kairo_scoring import CANONICAL_COLUMNS, DECISION_COLUMNS, OPTIONS, VERDICTS
from tests.pages.conftest import APP, TIMEOUT, no_errors

# The codes people must never read: every canonical field key, verdict and option code, and
# the decision columns (the ones written in snake_case are caught by SNAKE too).
CODE_WORDS = {c for c in (*CANONICAL_COLUMNS, *VERDICTS, *OPTIONS, *DECISION_COLUMNS) if "_" in c}
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
# How a missing value leaks when nobody labels it.
MISSING_CELLS = {"None", "nan", "NaN", "<NA>", "NaT"}

PAGES = ("portfolio", "pilot", "history", "scoring_model", "export")


ICONS = re.compile(r":material/[a-z_]+:")  # Streamlit's icon shortcodes are not shown as text
# A file's own name (where a value came from: "register: sample_portfolio.xlsx") is the user's
# text, shown as it is, not a code of ours.
FILE_NAMES = re.compile(r"[\w.-]+\.(?:xlsx|xlsm|csv)\b")
# The undecided Finance pilot the walk answers a question of (then the History page shows it).
ANSWERED_PILOT = "KP-076"


def _code_words(text: str) -> set[str]:
    text = FILE_NAMES.sub("", ICONS.sub("", text))
    return set(SNAKE.findall(text)) | {w for w in CODE_WORDS if w in text}


def _chart_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _chart_strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _chart_strings(item)]
    return []


def visible_text(at: AppTest) -> dict[str, list[str]]:
    """Where each visible string is: 'markdown', 'metric', 'table header', 'cell', 'chart'."""
    found: dict[str, list[str]] = {}

    def add(where: str, texts) -> None:
        found.setdefault(where, []).extend(str(t) for t in texts)

    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success"):
        add(kind, [e.value for e in getattr(at, kind)])
    add("metric", [m.label for m in at.metric] + [m.value for m in at.metric])
    for frame in at.dataframe:
        if frame.proto.editing_mode:  # the gates editor edits codes (its cells are a form)
            continue
        config = json.loads(frame.proto.columns or "{}")
        value = frame.value
        if hasattr(value, "data"):  # a Styler
            value = value.data
        add("table header", [config.get(str(c), {}).get("label", str(c)) for c in value.columns])
        for column in value.columns:
            cells = value[column]
            if cells.dtype == object or isinstance(cells.dtype, pd.StringDtype | pd.CategoricalDtype):
                add("cell", cells.astype(object).map(str).tolist())
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        add("chart", _chart_strings(spec.get("data", [])) + _chart_strings(spec.get("layout", {})))
    return found


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    """Every page of the sample portfolio, filtered to one business unit, with a what-if."""
    import os

    path = tmp_path_factory.mktemp("store") / "kairo.duckdb"
    before = os.environ.get("KAIRO_STORE")
    os.environ["KAIRO_STORE"] = str(path)
    try:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.run()
        at.sidebar.multiselect(key="bu").set_value(["Finance"])
        at.run()
        texts = {}
        for page in PAGES:
            at.switch_page(f"app_pages/{page}.py")
            at.run()
            if page == "pilot":
                pilot = at.selectbox(key="pilot_pick").value
                at.selectbox(key=f"whatif::{pilot}::controls").set_value(5)
                at.selectbox(key=f"whatif::{pilot}::shared_assets").set_value(None)
                at.run()
                assert at.dataframe[-1].value is not None  # the what-if diff table is there
                texts["what-if"] = visible_text(at)
                at.selectbox(key="pilot_pick").set_value(ANSWERED_PILOT)
                at.run()
                answer = at.selectbox(key=f"answer::2::{ANSWERED_PILOT}::risk_level")
                answer.set_value("low")
                next(b for b in at.button if b.label == "Save answers").click()
                at.run()
            no_errors(at)
            texts[page] = visible_text(at)
        return texts
    finally:
        if before is None:
            os.environ.pop("KAIRO_STORE", None)
        else:
            os.environ["KAIRO_STORE"] = before


WALKED = (*PAGES, "what-if")


@pytest.mark.parametrize("page", WALKED)
def test_no_page_shows_a_code_word(walked, page):
    leaks = {
        (where, text[:120], tuple(sorted(_code_words(text))))
        for where, texts in walked[page].items()
        for text in texts
        if _code_words(text)
    }
    assert not leaks, sorted(leaks)


@pytest.mark.parametrize("page", WALKED)
def test_unknown_reads_unknown(walked, page):
    cells = walked[page].get("cell", []) + walked[page].get("metric", [])
    assert not MISSING_CELLS & set(cells)
    assert not [t for where in ("caption", "markdown") for t in walked[page].get(where, []) if "<NA>" in t]


def test_the_walk_sees_the_filter_and_the_what_if(walked):
    assert any("Business unit: Finance" in c.replace("\\", "") for c in walked["portfolio"]["caption"])
    assert "What-if" in walked["what-if"]["table header"]
    assert walked["portfolio"]["chart"] and walked["history"]["chart"]


def test_the_walk_sees_the_assessment_loop(walked):
    """The Portfolio panel, the Pilot page's sources after an answer, the History arrivals."""
    assert "Decide the undecided" in walked["portfolio"]["subheader"]
    assert any(s.startswith("Saved snapshot #") for s in walked["pilot"]["success"])
    assert any(c.startswith("app: open mode, ") for c in walked["pilot"]["cell"])
    assert any(
        c.startswith("register: sample_portfolio.xlsx, sheet Pilots, row ") for c in walked["pilot"]["cell"]
    )
    assert "Answers arrived since snapshot #2" in walked["history"]["subheader"]
    assert "Risk level" in walked["history"]["cell"]


def test_the_check_finds_code_words():
    assert _code_words("needs shared_assets ≥ 3") == {"shared_assets"}
    assert _code_words("register: sample_portfolio.xlsx, sheet Pilots, row 4") == set()  # a file's name
    assert _code_words("register: sample_portfolio.xlsx, shared_assets") == {"shared_assets"}
    assert _code_words("filtered: business_unit: Finance") == {"business_unit"}
    assert _code_words("Shared assets at least 3") == set()
