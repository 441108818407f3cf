"""The store URL may sit in Streamlit's secrets.toml (never on a page); $KAIRO_STORE wins."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest


def _shown_store_key() -> None:
    import streamlit as st

    from ui.loaders import store_key

    st.text(store_key())


def _run(secrets: dict[str, str]) -> str:
    at = AppTest.from_function(_shown_store_key)
    for key, value in secrets.items():
        at.secrets[key] = value
    at.run(timeout=30)
    assert not at.exception
    return at.text[0].value


def test_the_store_can_come_from_the_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAIRO_STORE", raising=False)
    chosen = tmp_path / "from-secrets.duckdb"

    assert _run({"KAIRO_STORE": str(chosen)}) == str(chosen)


def test_the_environment_wins_over_the_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAIRO_STORE", str(tmp_path / "from-env.duckdb"))

    assert _run({"KAIRO_STORE": str(tmp_path / "from-secrets.duckdb")}) == str(tmp_path / "from-env.duckdb")
