"""AppTest fixtures: the real app.py against a private, temporary store."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
TIMEOUT = 60


@pytest.fixture
def store_path(tmp_path, monkeypatch) -> Path:
    """A fresh store for this test only: the app never touches data/kairo.duckdb."""
    path = tmp_path / "kairo.duckdb"
    monkeypatch.setenv("KAIRO_STORE", str(path))
    return path


@pytest.fixture
def app(store_path) -> AppTest:
    """The app, run once on its default page (the Portfolio page)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def answer_cards(at: AppTest) -> dict[str, str]:
    """The Pilot page's headline answers ({label: value}): bordered boxes of a caption (the
    label), the value in bold markdown and an optional note, which wrap instead of being cut."""
    found: dict[str, str] = {}

    def walk(node) -> None:
        children = getattr(node, "children", None)
        if not isinstance(children, dict):
            return
        nodes = list(children.values())
        if [getattr(n, "type", "") for n in nodes[:2]] == ["caption", "markdown"]:
            found[nodes[0].value] = nodes[1].value.removeprefix("**").removesuffix("**")
        for child in nodes:
            walk(child)

    walk(at.main)
    return found


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def pilot_table(at: AppTest):
    """The Portfolio page's pilot table (found by its key: other tables come before it)."""
    return next(d for d in at.dataframe if d.key == "pilot_table").value
