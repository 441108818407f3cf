"""Memory stays bounded on the big cases: each is read in a child process whose peak resident
memory (``VmHWM``, the child's own) is measured; none may exceed 1 GiB, and a refused bomb may not grow it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kairo_scoring.intake import IntakeLimits
from tests.conftest import REPO
from tests.reliability import corpus

PEAK_LIMIT_MIB = 1024
# Refused from the zip directory or the XML prolog: no part is inflated, so the read itself
# may add little to what the interpreter and the libraries already hold.
REFUSED_GROWTH_LIMIT_MIB = 32


def _read_in_child(path: Path, filename: str, address_space_mib: int | None = None) -> dict[str, object]:
    """The child's figures; an abort (a reader failing to allocate) fails the test here."""
    cap = [] if address_space_mib is None else [str(address_space_mib)]
    completed = subprocess.run(
        [sys.executable, "-m", "tests.reliability.peak_rss", str(path), filename, *cap],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
    )
    figures = json.loads(completed.stdout)
    print(f"{filename}: {figures}")  # the figures docs/reliability.md quotes (pytest -s shows them)
    return figures


@pytest.mark.slow
def test_a_million_row_csv_is_accepted_under_1_gib(tmp_path: Path) -> None:
    path = corpus.write_million_row_csv(tmp_path / "million.csv")
    figures = _read_in_child(path, "million.csv")
    assert (figures["outcome"], figures["pilots"], figures["rejected"], figures["issues"]) == (
        "accepted",
        1_000_000,
        0,
        0,
    )
    assert figures["peak_mib"] < PEAK_LIMIT_MIB


def test_a_45_mb_csv_of_100000_character_cells_is_accepted_under_1_gib(tmp_path: Path) -> None:
    path = corpus.write_long_cell_csv(tmp_path / "long.csv")
    figures = _read_in_child(path, "long.csv")
    assert (figures["outcome"], figures["pilots"]) == ("accepted", 90)
    assert figures["peak_mib"] < PEAK_LIMIT_MIB


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (lambda: corpus.zip_bomb_xlsx(inflated_mib=256), "possible zip bomb"),
        (corpus.entity_expansion_xlsx, "declares a DTD"),
    ],
    ids=["zip-bomb-256-mib", "xml-entity-expansion"],
)
def test_bombs_are_refused_without_growing_memory(tmp_path: Path, build, reason: str) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(build())
    figures = _read_in_child(path, "bomb.xlsx")
    assert figures["outcome"] == "refused" and reason in figures["reason"]
    assert figures["peak_mib"] - figures["baseline_mib"] < REFUSED_GROWTH_LIMIT_MIB


@pytest.mark.slow
@pytest.mark.parametrize(("rows", "columns"), [(200_000, 50), (20_000, 500)], ids=["200000x50", "20000x500"])
def test_a_dense_workbook_at_the_cell_limit_is_read_under_1_gib(
    tmp_path: Path, rows: int, columns: int
) -> None:
    # 10,000,000 filled cells (the header row included): calamine's grid and a Python object
    # per cell peaked at 1.29 GB when both were held at once.
    path = tmp_path / "dense.xlsx"
    path.write_bytes(corpus.dense_register_xlsx(rows, columns))
    assert rows * columns == IntakeLimits().max_cells and path.stat().st_size < IntakeLimits().max_file_bytes
    figures = _read_in_child(path, "dense.xlsx", address_space_mib=4096)
    assert (figures["outcome"], figures["pilots"], figures["rejected"]) == ("accepted", rows - 1, 0)
    assert figures["peak_mib"] < PEAK_LIMIT_MIB
