"""`kairo` start-up: the package and its parser load no library part a command does not use
(issue 12), and every module of the CLI stays small enough to read (the 400-line house rule)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

# What a command may pay for when it runs, never before: the store's drivers, the figures,
# the workbook and deck writers, and the library parts themselves (the errors excepted).
HEAVY = ("plotly", "duckdb", "psycopg", "psycopg_pool", "openpyxl", "xlsxwriter", "pptx")
PARSED = [
    ["validate", "register.csv"],
    ["score", "register.csv", "-o", "scored.xlsx"],
    ["assessment", "export", "--db", "kairo.duckdb", "--portfolio", "P", "-o", "out"],
    ["decide", "P1", "--db", "kairo.duckdb", "--portfolio", "P", "--accept"],
    ["store", "copy", "--from", "a.duckdb", "--to", "b.duckdb"],
]


@pytest.mark.parametrize("argv", PARSED, ids=lambda argv: " ".join(argv[:2]))
def test_parsing_a_command_line_imports_no_library_part(argv: list[str]) -> None:
    code = (
        "import sys\n"
        "from kairo_scoring.cli import build_parser\n"
        f"build_parser().parse_args({argv!r})\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
        "parts = sorted(m for m in sys.modules if m.startswith('kairo_scoring.')\n"
        "               and not m.startswith('kairo_scoring.cli') and m != 'kairo_scoring.errors')\n"
        "print(heavy, parts)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[] []"


@pytest.mark.parametrize("path", sorted((REPO / "kairo_scoring" / "cli").glob("*.py")), ids=lambda p: p.name)
def test_every_module_of_the_cli_is_under_400_lines(path) -> None:
    assert len(path.read_text().splitlines()) <= 400, f"{path.name}: split it by command family"


def test_validating_a_csv_imports_no_store_driver_figure_or_workbook_writer(tmp_path) -> None:
    """The whole of `kairo validate` on a csv, run in the process: it reads, maps, validates and
    reports, and the store (its drivers and its own modules: the views' filters reach it through
    the decisions), plotly and the workbook writers stay unloaded (they cost ≈ 0.35 s of its
    start-up). The store's modules were loaded before `kairo_scoring.views` loaded on first use;
    xlsxwriter (≈ 0.03 s) before the template writer imported it on first use."""
    register = tmp_path / "register.csv"
    register.write_text("Pilot ID,Pilot name,Risk\nP1,Invoice triage,low\nP2,Contract summaries,high\n")
    code = (
        "import sys\n"
        "from kairo_scoring.cli import main\n"
        f"main(['validate', {str(register)!r}])\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
        "print(heavy, sorted(m for m in sys.modules if m.startswith(('kairo_scoring.store',\n"
        "                    'kairo_scoring.decisions', 'kairo_scoring.views.filters'))))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().splitlines()[-1] == "[] []"


def test_every_public_view_is_what_its_module_defines_whatever_was_imported_first() -> None:
    """`kairo_scoring.views` binds its names on first use; a module imported before a name is
    read (five share their module's name: `issue_groups` in `views/issue_groups.py`) must not
    leave the package's attribute as the module."""
    code = (
        "import importlib, pkgutil, types\n"
        "import kairo_scoring.views as views\n"
        "for found in pkgutil.iter_modules(views.__path__):\n"
        "    importlib.import_module(f'kairo_scoring.views.{found.name}')\n"
        "wrong = [n for n in views.__all__ if isinstance(getattr(views, n), types.ModuleType)\n"
        "         or getattr(views, n) is not getattr(importlib.import_module(\n"
        "             f'kairo_scoring.views.{views._HOME[n]}'), n)]\n"
        "print(wrong, sorted(set(views._HOME) ^ set(views.__all__)))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[] []"
