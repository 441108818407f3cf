"""The command line under hostile input: formula-safe outputs read back, a locked store, and
file contents that must not reach the terminal as control sequences."""

from __future__ import annotations

import csv
import errno
import io
import os
import resource
import signal
import stat
import subprocess
import sys
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kairo_scoring.cli import main, printable
from kairo_scoring.exports import FORMULA_TRIGGERS
from kairo_scoring.store import PortfolioStore
from tests.cli.test_cli import SAMPLE
from tests.conftest import REPO
from tests.reliability import corpus
from tests.store.test_store_concurrency import held_by_another_process

HOSTILE_HEADER = "=cmd|' /C calc'!A0"
HOSTILE_TEXT = ['=HYPERLINK("http://evil.example","click")', "+SUM(1,2)", "-2+3", "@SUM(A1)", "=1+1\r\nline"]


def _hostile_register(path: Path) -> Path:
    rows = [["pilot_id", "name", "owner", HOSTILE_HEADER]]
    rows += [[f"P{i}", text, text, text] for i, text in enumerate(HOSTILE_TEXT)]
    rows += [["=X1", "", "@owner", "-1"]]  # no name: rejected, its values kept as typed
    path.write_bytes(corpus.csv_bytes(rows))
    return path


def _risky(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def test_score_to_csv_writes_no_cell_or_header_that_starts_a_formula(tmp_path: Path) -> None:
    output = tmp_path / "scored.csv"
    assert main(["score", str(_hostile_register(tmp_path / "r.csv")), "-o", str(output)]) == 0
    rejected_file = tmp_path / "scored.rejected.csv"
    for written in (output, rejected_file):
        rows = list(csv.reader(io.StringIO(written.read_bytes().decode("utf-8-sig"), newline="")))
        assert len(rows) > 1
        assert [cell for row in rows for cell in row if _risky(cell)] == []
    scored = list(csv.DictReader(io.StringIO(output.read_bytes().decode("utf-8-sig"), newline="")))
    assert [row["name"] for row in scored] == ["'" + text for text in HOSTILE_TEXT]
    rejected = list(csv.reader(io.StringIO(rejected_file.read_bytes().decode("utf-8-sig"), newline="")))
    assert rejected[0][:4] == ["pilot_id", "name", "owner", "'" + HOSTILE_HEADER]
    assert rejected[1][:4] == ["'=X1", "", "'@owner", "'-1"]


def test_score_to_xlsx_holds_no_formula_and_quote_prefixes_every_risky_text(tmp_path: Path) -> None:
    output = tmp_path / "scored.xlsx"
    assert main(["score", str(_hostile_register(tmp_path / "r.csv")), "-o", str(output)]) == 0
    book = openpyxl.load_workbook(output)
    assert book.sheetnames == ["Pilots", "Summary", "Rejected", "Profile"]
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    risky = [c for c in cells if isinstance(c.value, str) and _risky(c.value)]
    assert {c.parent.title for c in risky} == {"Pilots", "Rejected"}
    assert [f"{c.parent.title}!{c.coordinate}" for c in risky if not c.quotePrefix] == []
    rejected = book["Rejected"]
    assert [c.value for c in rejected[1]][:4] == ["pilot_id", "name", "owner", HOSTILE_HEADER]
    assert rejected["D1"].quotePrefix and rejected["A2"].value == "=X1"


def _kairo(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kairo_scoring.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)},
    )


def test_import_into_a_store_held_by_another_process_exits_2_with_one_line(tmp_path: Path) -> None:
    store_path = tmp_path / "kairo.duckdb"
    PortfolioStore(store_path).close()
    with held_by_another_process(store_path) as holder:
        completed = _kairo("import", str(SAMPLE), "--db", str(store_path), cwd=tmp_path)
    assert completed.returncode == 2
    lines = completed.stderr.strip().splitlines()
    assert lines == [
        f"kairo: The store kairo.duckdb is open in another program (pid {holder.pid}): "
        "close it or choose another store path (pass another --db)."
    ]
    assert completed.stdout == ""
    with PortfolioStore(store_path) as store:
        assert store.row_counts()["snapshots"] == 0


def test_validate_prints_control_characters_from_the_file_escaped(tmp_path: Path, capsys) -> None:
    register = tmp_path / "r.csv"
    register.write_bytes(
        corpus.csv_bytes([["name", "risk_level"], ["A", "\x1b[2J\x1b]0;pwned\x07"], ["B", "\u202eabc"]])
    )
    assert main(["validate", str(register)]) == 0
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "\x07" not in printed and "\u202e" not in printed
    assert "\\u001b[2J" in printed and "\\u202eabc" in printed


@pytest.mark.parametrize(
    "sheet", ["Line one\nLine two", "Bell\x07\x1b[31m"], ids=["line-break", "terminal-escape"]
)
def test_an_error_quoting_the_command_line_stays_one_escaped_line(tmp_path: Path, capsys, sheet: str) -> None:
    register = tmp_path / "r.xlsx"
    register.write_bytes(corpus.xlsx_bytes([["name"], ["A"]]))
    assert main(["validate", str(register), "--sheet", sheet]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith("kairo: The workbook has no sheet named")
    assert "\x1b" not in error and "\x07" not in error


# --- every character a terminal acts on is printed escaped --------------------------------
ESCAPED = ("Cc", "Cf", "Cs", "Zl", "Zp")
# Bidi marks, embeddings, overrides and isolates; zero-width characters; separators; C1 controls.
INVISIBLE = (
    "\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
    "\u2067", "\u2068", "\u2069", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
    "\u2028", "\u2029", "\x85", "\x9b", "\x1b", "\x07", "\x08", "\r", "\x00", "\U000e0001",
)  # fmt: skip


def _terminal_safe(printed: str) -> list[str]:
    """The characters in `printed` a terminal would act on (line ends excepted)."""
    return [f"U+{ord(c):04X}" for c in printed if c != "\n" and unicodedata.category(c) in ESCAPED]


def test_printable_escapes_exactly_the_control_format_and_separator_characters() -> None:
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.category(char) in ESCAPED:
            assert printable(char) == (f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"), hex(code)
        else:
            assert printable(char) == char, hex(code)


def test_validate_and_score_print_invisible_characters_from_the_file_escaped(tmp_path: Path, capsys) -> None:
    invisible = [c for c in INVISIBLE if c != "\x00"]  # a NUL makes the file binary: refused
    hostile = "".join(invisible)
    register = tmp_path / "r.csv"
    register.write_bytes(
        corpus.csv_bytes(
            [["pilot_id", "name", f"col{hostile}", "risk_level"]]
            + [[f"P{i}", f"Pilot {c}x", c, f"high{c}"] for i, c in enumerate(invisible)]
        )
    )
    assert main(["validate", str(register)]) == 0
    printed = capsys.readouterr()
    assert _terminal_safe(printed.out + printed.err) == []
    assert "high\\u202e" in printed.out and "high\\u200b" in printed.out  # shown, as escapes

    named = tmp_path / f"scored{hostile}.csv"  # a file name from a glob can hold them too
    assert main(["score", str(register), "-o", str(named)]) == 0
    printed = capsys.readouterr()
    assert named.exists()
    assert _terminal_safe(printed.out + printed.err) == []
    wrote = [line for line in printed.out.splitlines() if line.startswith("Wrote ")]
    assert len(wrote) == 1 and "\\u2028" in wrote[0]


@pytest.mark.parametrize("char", ["\u2028", "\u202e", "\u200b", "\x85"], ids=["LS", "RLO", "ZWSP", "NEL"])
def test_usage_and_file_errors_quoting_the_command_line_stay_one_escaped_line(
    tmp_path: Path, capsys, char: str
) -> None:
    assert main(["score", str(tmp_path / f"missing{char}.csv"), "-o", str(tmp_path / "o.csv")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and _terminal_safe(error) == []
    with pytest.raises(SystemExit) as exited:
        main([f"scor{char}e"])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "invalid choice" in error and _terminal_safe(error) == []


# --- outputs: never over an input, never half written, one line when refused ---------------
def _folder_listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.is_symlink()}


@pytest.mark.parametrize("how", ["same", "relative", "symlink", "hardlink"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_score_refuses_an_output_that_is_its_input(tmp_path: Path, capsys, how: str, suffix: str) -> None:
    register = tmp_path / f"r{suffix}"
    register.write_bytes(SAMPLE.read_bytes() if suffix == ".xlsx" else corpus.csv_bytes([["name"], ["A"]]))
    output = {
        "same": register,
        "relative": tmp_path / "." / register.name,
        "symlink": tmp_path / f"link{suffix}",
        "hardlink": tmp_path / f"hard{suffix}",
    }[how]
    if how == "symlink":
        output.symlink_to(register)
    if how == "hardlink":
        output.hardlink_to(register)
    before = register.read_bytes()
    assert main(["score", str(register), "-o", str(output)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "is the input" in error and "choose another output path" in error
    assert register.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_score_refuses_a_rejected_rows_file_that_is_its_input(tmp_path: Path, capsys) -> None:
    register = tmp_path / "out.rejected.csv"
    register.write_bytes(corpus.csv_bytes([["name", "owner"], ["A", "x"], ["", "no name: rejected"]]))
    before = register.read_bytes()
    assert main(["score", str(register), "-o", str(tmp_path / "out.csv")]) == 2
    assert "is the input" in capsys.readouterr().err
    assert register.read_bytes() == before and not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    "args", [["template", "-o", "missing/dir/x.xlsx"], ["score", str(SAMPLE), "-o", "missing/dir/x.csv"]]
)
def test_an_output_in_a_missing_folder_is_one_line_and_exit_2(tmp_path: Path, args: list[str]) -> None:
    completed = _kairo(*args, cwd=tmp_path)
    assert completed.returncode == 2, completed.stderr
    assert completed.stderr == (
        "kairo: folder missing/dir does not exist: create it or choose another output path (pass another -o/--output).\n"
    )
    assert completed.stdout == "" and list(tmp_path.iterdir()) == []


def _limit_file_size() -> None:  # runs in the child before exec: writes past 4 KiB fail (EFBIG)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


@pytest.mark.parametrize("output", ["out.xlsx", "out.csv", "out.parquet", "template.xlsx"])
def test_a_write_that_runs_out_of_space_leaves_the_old_file_and_no_partial_one(
    tmp_path: Path, output: str
) -> None:
    register = _hostile_register(tmp_path / "r.csv")  # with rejected rows: csv also writes a sibling
    (tmp_path / output).write_bytes(b"the previous version")
    before = _folder_listing(tmp_path)
    args = (
        ["template", "-o", output]
        if output.startswith("template")
        else ["score", register.name, "-o", output]
    )
    completed = subprocess.run(
        [sys.executable, "-m", "kairo_scoring.cli", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        # No bytecode: under the 4 KiB limit the child would leave truncated .pyc files behind
        # that break every later import of those modules.
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"},
        preexec_fn=_limit_file_size,
    )
    assert completed.returncode == 2, completed.stderr
    assert completed.stderr.startswith(f"kairo: cannot write {output}: ")
    assert completed.stderr.endswith(
        "; free some space or choose another output path (pass another -o/--output).\n"
    )
    assert completed.stderr.count("\n") == 1 and "Traceback" not in completed.stderr
    assert _folder_listing(tmp_path) == before  # the old output intact, nothing else written


def test_a_full_disk_mid_write_is_one_line_naming_the_file(tmp_path: Path, capsys, monkeypatch) -> None:
    def write_half_then_fill_the_disk(frame, target, **options):
        Path(target).write_bytes(b"pilot_id,name\r\nP1,half a ro")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pd.DataFrame, "to_csv", write_half_then_fill_the_disk)
    output = tmp_path / "scored.csv"
    assert main(["score", str(SAMPLE), "-o", str(output)]) == 2
    assert capsys.readouterr().err == (
        f"kairo: cannot write {output}: No space left on device; free some space or choose another output path (pass another -o/--output).\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("output", ["scored.xlsx", "template.xlsx"])
def test_a_refused_rename_keeps_the_old_file_and_says_what_to_do(
    tmp_path: Path, capsys, monkeypatch, output: str
) -> None:
    target = tmp_path / output
    target.write_bytes(b"the previous version")

    def refuse(source, destination):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(destination))

    monkeypatch.setattr(os, "replace", refuse)
    args = (
        ["template", "-o", str(target)]
        if output.startswith("template")
        else ["score", str(SAMPLE), "-o", str(target)]
    )
    assert main(args) == 2
    assert capsys.readouterr().err == (
        f"kairo: cannot write {target}: Permission denied; choose a folder you can write to (pass another -o/--output).\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == [output] and target.read_bytes() == b"the previous version"


def test_a_folder_that_refuses_new_files_is_one_line(tmp_path: Path) -> None:
    completed = _kairo("template", "-o", "/proc/template.xlsx", cwd=tmp_path)  # even root cannot create here
    assert completed.returncode == 2
    assert completed.stderr.startswith("kairo: cannot write /proc/template.xlsx: ")
    assert (
        completed.stderr.endswith("; choose a folder you can write to (pass another -o/--output).\n")
        and completed.stderr.count("\n") == 1
    )


def test_a_replaced_output_keeps_its_permissions_and_a_new_one_gets_the_usual(tmp_path: Path) -> None:
    kept = tmp_path / "kept.xlsx"
    kept.write_bytes(b"old")
    kept.chmod(0o640)
    assert main(["template", "-o", str(kept)]) == 0
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_bytes()[:2] == b"PK"
    fresh = tmp_path / "fresh.xlsx"
    assert main(["template", "-o", str(fresh)]) == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
