"""The `kairo` command line: the contract later checks rely on."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from kairo_scoring import is_known_column, option_label
from kairo_scoring.cli import main
from tests.conftest import REPO

SAMPLE = REPO / "data" / "sample_portfolio.xlsx"
REQUIRED_COLUMNS = {
    "readiness", "completeness", "fit_assisted", "fit_workspace", "fit_pipeline", "demand", "supply_level",
    "recommended", "target", "verdict", "next_step", "blockers", "profile", "profile_version",
}  # fmt: skip
OPTION_VALUES = {"assisted_desktop", "shared_workspace", "api_pipeline"}


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".parquet"])
def test_score_writes_input_columns_plus_decisions(tmp_path, capsys, suffix):
    output = tmp_path / f"scored{suffix}"
    assert main(["score", str(SAMPLE), "-o", str(output)]) == 0
    scored = {
        ".xlsx": lambda: pd.read_excel(output, sheet_name="Pilots", engine="calamine"),
        ".csv": lambda: pd.read_csv(output, encoding="utf-8-sig"),
        ".parquet": lambda: pd.read_parquet(output),
    }[suffix]()
    original = pd.read_excel(SAMPLE, engine="calamine")
    assert len(scored) == len(original) == 80
    printed = capsys.readouterr().out
    assert "Verdict:" in printed and "Recommended option:" in printed and "Promote" in printed
    if suffix == ".xlsx":  # for people: labels, not codes (issue 9); the source's own headers kept
        assert {c for c in original.columns if not is_known_column(c)} <= set(scored.columns)
        assert {"Verdict", "Recommended now", "Next step", "Shared assets"} <= set(scored.columns)
        options = {option_label(o) for o in (*OPTION_VALUES, "not_ready", "undecided")}
        assert set(scored["Recommended now"]) <= options
        return
    assert set(original.columns) | REQUIRED_COLUMNS <= set(scored.columns)
    # 'undecided': the unknown answers leave the recommendation open (tests/scoring/test_scoring_undecided.py)
    assert set(scored["recommended"].dropna()) <= OPTION_VALUES | {"not_ready", "undecided"}
    assert set(scored["demand"].dropna()) <= OPTION_VALUES
    assert set(scored["target"].dropna()) <= OPTION_VALUES
    assert set(scored["profile"]) == {"default"}


def test_score_with_a_custom_profile_records_it(tmp_path):
    from kairo_scoring.profile import default_profile

    profile_path = tmp_path / "strict.toml"
    profile_path.write_text(
        default_profile().revised({"demand": {"api_pipeline_min_volume": 100000}}).to_toml()
    )
    output = tmp_path / "out.csv"
    assert main(["score", str(SAMPLE), "-o", str(output), "--profile", str(profile_path)]) == 0
    scored = pd.read_csv(output)
    assert set(scored["profile_version"]) == {2}
    assert "api_pipeline" not in set(scored["demand"].dropna())


def test_rejected_rows_go_to_a_sibling_csv(tmp_path):
    source = tmp_path / "register.csv"
    source.write_text("pilot_id,name,controls\nA,Alpha,3\nB,,4\nC,Gamma,2\n")
    output = tmp_path / "out.csv"
    assert main(["score", str(source), "-o", str(output)]) == 0
    rejected = pd.read_csv(tmp_path / "out.rejected.csv", encoding="utf-8-sig")
    assert list(rejected["pilot_id"]) == ["B"]
    assert len(pd.read_csv(output)) == 2


def test_rejected_rows_go_to_a_rejected_sheet_in_xlsx(tmp_path):
    source = tmp_path / "register.csv"
    source.write_text("pilot_id,name\nA,Alpha\nB,\n")
    output = tmp_path / "out.xlsx"
    assert main(["score", str(source), "-o", str(output)]) == 0
    assert "Rejected" in openpyxl.load_workbook(output).sheetnames


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["score", "missing.xlsx", "-o", "out.csv"], "input file not found"),
        (["score", "{sample}", "-o", "out.txt"], "output must end in"),
        (["score", "{sample}", "-o", "out.csv", "--profile", "{bad_profile}"], "profile key 'version'"),
        (["score", "{not_a_sheet}", "-o", "out.csv"], ""),
        (["score", "{no_columns}", "-o", "out.csv"], ""),
        (["validate", "{no_columns}"], ""),
    ],
)
def test_unusable_input_exits_2_with_one_line_and_no_traceback(tmp_path, args, reason):
    bad_profile = tmp_path / "bad.toml"
    bad_profile.write_text('name = "x"\nversion = 0\n')
    not_a_sheet = tmp_path / "report.xlsx"
    not_a_sheet.write_bytes(b"%PDF-1.7\n" + b"\x00" * 200)
    no_columns = tmp_path / "numbers.csv"
    no_columns.write_text("a,b,c\n1,2,3\n")
    values = {
        "sample": SAMPLE,
        "bad_profile": bad_profile,
        "not_a_sheet": not_a_sheet,
        "no_columns": no_columns,
    }
    argv = [a.format(**values) for a in args]
    completed = subprocess.run(
        [sys.executable, "-m", "kairo_scoring.cli", *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 2, completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kairo: ")
    assert reason in lines[0]
    assert "Traceback" not in completed.stderr + completed.stdout


def test_validate_prints_detection_mapping_and_report(tmp_path, capsys):
    source = tmp_path / "register.csv"
    source.write_text("Pilot ID;Pilot name;Controls\nA;Alpha;3\nB;Beta;7\n", encoding="cp1252")
    assert main(["validate", str(source)]) == 0
    printed = capsys.readouterr().out
    assert "header row: 1" in printed
    assert "controls" in printed and "Controls" in printed
    assert "Rows: 2 read, 2 usable, 0 rejected" in printed
    assert "7" in printed  # the out-of-range value is reported


def test_validate_the_federal_inventory(federal_dir, capsys):
    assert (
        main(["validate", str(federal_dir / "2025_individually_reported_AI_use_cases.csv"), "--limit", "3"])
        == 0
    )
    printed = capsys.readouterr().out
    assert "mapping: us-federal-2025" in printed
    assert "monthly_volume" in printed and "users" in printed  # listed as not provided
    assert "Rows: 3,611 read" in printed


def test_import_stores_a_snapshot_once_and_lists_it(tmp_path, capsys):
    db = tmp_path / "store.duckdb"
    assert main(["import", str(SAMPLE), "--db", str(db), "--portfolio", "Q3"]) == 0
    assert main(["import", str(SAMPLE), "--db", str(db), "--portfolio", "Q3"]) == 0
    printed = capsys.readouterr().out
    assert "stored as snapshot 1 of 'Q3': 80 pilots" in printed
    assert "already stored (same file) as snapshot 1" in printed
    assert main(["snapshots", "--db", str(db)]) == 0
    listing = capsys.readouterr().out
    assert "sample_portfolio.xlsx" in listing and listing.count("Q3") == 1


def test_template_writes_a_register_with_dropdowns(tmp_path):
    output = tmp_path / "template.xlsx"
    assert main(["template", "-o", str(output)]) == 0
    book = openpyxl.load_workbook(output)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:2] == ["pilot_id", "name"] or "name" in headers
    assert sheet.data_validations.dataValidation, "enumerated and 1-5 fields have dropdowns"
    assert len(book.sheetnames) >= 2


def test_report_writes_the_export_page_s_summary_self_contained(tmp_path, capsys):
    import re

    output = tmp_path / "summary.html"
    assert main(["report", str(SAMPLE), "-o", str(output)]) == 0
    html = output.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Plotly" in html
    assert html.count('class="chart"') == 4  # the summary builds its own figures
    assert "Keep piloting" in html and "USD " in html
    # nothing is fetched: plotly.js is inline, and no element outside the scripts points away
    # (the browser check is tests/security/test_no_outside_requests.py)
    assert "<script src=" not in html and "<link" not in html
    markup = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", markup)
    assert "Wrote" in capsys.readouterr().out


def test_report_reads_the_latest_snapshot_of_a_store(tmp_path):
    db = tmp_path / "kairo.duckdb"
    assert main(["import", str(SAMPLE), "--db", str(db), "--portfolio", "Q3"]) == 0
    output = tmp_path / "summary.html"
    assert main(["report", "--db", str(db), "--portfolio", "Q3", "-o", str(output)]) == 0
    html = output.read_text(encoding="utf-8")
    assert "Portfolio triage: Q3" in html and "#1 · " in html


def test_report_refuses_what_it_cannot_do(tmp_path, capsys):
    db = tmp_path / "kairo.duckdb"
    assert main(["import", str(SAMPLE), "--db", str(db), "--portfolio", "Q3"]) == 0
    assert main(["report", "--db", str(db), "--portfolio", "Q4", "-o", str(tmp_path / "s.html")]) == 2
    assert "--portfolio" in capsys.readouterr().err
    assert main(["report", str(SAMPLE), "-o", str(tmp_path / "s.pdf")]) == 2
    assert ".html" in capsys.readouterr().err
    assert main(["report", "-o", str(tmp_path / "s.html")]) == 2
    assert "--db" in capsys.readouterr().err
