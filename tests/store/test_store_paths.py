"""Where the store lives: a path whose folder is missing is refused, never created."""

from __future__ import annotations

from pathlib import Path

import pytest

from kairo_scoring.cli import main
from kairo_scoring.errors import StoreError
from kairo_scoring.store import DEFAULT_STORE_PATH, STORE_PATH_ENV, PortfolioStore, resolve_store_path
from tests.conftest import REPO

SAMPLE = REPO / "data" / "sample_portfolio.xlsx"


@pytest.mark.parametrize("read_only", [False, True])
def test_a_store_in_a_missing_folder_is_refused_and_no_folder_is_made(
    tmp_path: Path, read_only: bool
) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "x.duckdb"
    with pytest.raises(
        StoreError, match="does not exist: create it, or choose a store in an existing folder"
    ):
        PortfolioStore(missing, read_only=read_only)
    assert list(tmp_path.iterdir()) == []


def test_the_environment_variable_is_checked_the_same_way(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(STORE_PATH_ENV, str(tmp_path / "typo" / "kairo.duckdb"))
    with pytest.raises(StoreError, match=r"\$KAIRO_STORE"):
        resolve_store_path()
    assert not (tmp_path / "typo").exists()


def test_a_file_where_the_folder_should_be_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder", encoding="utf-8")
    with pytest.raises(StoreError, match="does not exist"):
        PortfolioStore(tmp_path / "data" / "kairo.duckdb")


def test_the_default_store_folder_exists_in_the_repository() -> None:
    assert DEFAULT_STORE_PATH.parent.is_dir()  # `make run` and the app's default keep working
    assert resolve_store_path(":memory:") == ":memory:"


def test_the_cli_refuses_a_missing_folder_with_one_line(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nonexistent" / "dir" / "x.duckdb"
    assert main(["import", str(SAMPLE), "--db", str(missing)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kairo: The folder ") and "--db" in err and "\n" not in err
    assert not (tmp_path / "nonexistent").exists()
