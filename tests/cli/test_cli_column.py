"""`--column FIELD=HEADER`, and error messages that name only options the subcommand has."""

from __future__ import annotations

import re

import duckdb
import pandas as pd
import pytest

from kairo_scoring.cli import REMEDY_HINTS, build_parser, main, subcommand_options
from kairo_scoring.errors import Remedy
from tests.conftest import REPO

SAMPLE = REPO / "data" / "sample_portfolio.xlsx"
# No header here is an alias of the pilot name: intake cannot guess which column names a pilot.
UNNAMED = "Ref,Thing,Unit\nA,Alpha,Finance\nB,Beta,HR\n"
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


@pytest.fixture
def register(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(UNNAMED, encoding="utf-8")
    return path


def _error(capsys) -> str:
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kairo: "), lines
    return lines[0]


def test_score_reads_the_name_from_the_column_given(tmp_path, register, capsys):
    output = tmp_path / "scored.csv"
    assert main(["score", str(register), "-o", str(output)]) == 2
    assert "(pass --column name=HEADER)" in _error(capsys)

    assert main(["score", str(register), "-o", str(output), "--column", "name=Thing"]) == 0
    assert list(pd.read_csv(output)["name"]) == ["Alpha", "Beta"]


def test_validate_shows_the_column_given(register, capsys):
    assert main(["validate", str(register), "--column", "name=Thing"]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"^\s+name\s+Thing$", printed, re.M), printed
    assert "Rows: 2 read, 2 usable, 0 rejected" in printed


def test_import_stores_the_pilots_named_by_the_column_given(tmp_path, register, capsys):
    db = tmp_path / "store.duckdb"
    argv = [
        "import",
        str(register),
        "--db",
        str(db),
        "--column",
        "name=Thing",
        "--column",
        "business_unit=Unit",
    ]
    assert main(argv) == 0
    assert "2 pilots" in capsys.readouterr().out
    with duckdb.connect(str(db), read_only=True) as connection:
        stored = connection.execute("SELECT name, business_unit FROM pilots ORDER BY row_order").fetchall()
    assert stored == [("Alpha", "Finance"), ("Beta", "HR")]


def test_a_header_is_found_as_aliases_are_case_and_spacing_aside(register, capsys):
    assert main(["validate", str(register), "--column", "name= thing "]) == 0
    assert "2 usable" in capsys.readouterr().out


def test_an_unknown_field_is_refused_with_close_matches(register, capsys):
    assert main(["validate", str(register), "--column", "nmae=Thing"]) == 2
    message = _error(capsys)
    assert "'nmae'" in message and "close matches: name" in message


def test_a_header_not_in_the_file_is_refused_with_the_columns_found(register, capsys):
    assert main(["score", str(register), "-o", "x.csv", "--column", "name=Title"]) == 2
    message = _error(capsys)
    assert "'Title'" in message and "columns found: Ref, Thing, Unit" in message


def test_one_field_given_two_headers_is_refused(register, capsys):
    assert main(["validate", str(register), "--column", "name=Thing", "--column", "name=Ref"]) == 2
    assert "--column name= is given twice" in _error(capsys)


def test_a_column_option_without_equals_is_a_usage_error(register, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["validate", str(register), "--column", "name"])
    assert exited.value.code == 2
    assert "expected FIELD=HEADER" in capsys.readouterr().err


def test_every_remedy_has_a_cli_hint():
    assert set(REMEDY_HINTS) == set(Remedy)
    for option, hint in REMEDY_HINTS.values():
        assert option in OPTION.findall(hint)


def _scenarios(tmp_path, register):
    bad_profile = tmp_path / "bad.toml"
    bad_profile.write_text('name = "x"\nversion = 0\n', encoding="utf-8")
    bad_mapping = tmp_path / "mapping.toml"
    bad_mapping.write_text('name = "m"\ncolumns = "not a table"\n', encoding="utf-8")
    empty_rows = tmp_path / "empty_rows.csv"
    empty_rows.write_text("pilot_id,name\nA,\n", encoding="utf-8")
    foreign = tmp_path / "foreign.duckdb"
    with duckdb.connect(str(foreign)) as connection:
        connection.execute("CREATE TABLE other (x INTEGER)")
    missing_dir = tmp_path / "no" / "such"
    reg, out = str(register), str(tmp_path / "out.csv")
    intake = {
        "no name column": ([reg], "--column"),
        "header not in file": ([reg, "--column", "name=Title"], "--column"),
        "unknown field": ([reg, "--column", "nmae=Thing"], "--column"),
        "no such sheet": ([str(SAMPLE), "--sheet", "Nope"], "--sheet"),
        "no such mapping": ([reg, "--mapping", "nope"], "--mapping"),
        "malformed mapping": ([reg, "--mapping", str(bad_mapping)], "--mapping"),
        "missing input": ([str(tmp_path / "missing.csv")], None),
    }
    for label, (args, option) in intake.items():
        yield f"score: {label}", ["score", *args, "-o", out], option
        yield f"validate: {label}", ["validate", *args], option
        yield f"import: {label}", ["import", *args, "--db", str(tmp_path / "s.duckdb")], option
    yield "score: bad profile", ["score", str(SAMPLE), "-o", out, "--profile", str(bad_profile)], "--profile"
    yield "import: bad profile", ["import", str(SAMPLE), "--db", str(tmp_path / "s.duckdb"), "--profile", str(bad_profile)], "--profile"  # fmt: skip
    yield "score: output suffix", ["score", str(SAMPLE), "-o", str(tmp_path / "out.txt")], "--output"
    yield "score: output folder missing", ["score", str(SAMPLE), "-o", str(missing_dir / "o.csv")], "--output"
    yield (
        "score: output is the input",
        ["score", reg.replace("register.csv", "register.csv"), "-o", reg],
        "--output",
    )
    yield "score: no usable rows", ["score", str(empty_rows), "-o", out], None
    yield "import: no usable rows", ["import", str(empty_rows), "--db", str(tmp_path / "s.duckdb")], None
    yield (
        "import: store folder missing",
        ["import", str(SAMPLE), "--db", str(missing_dir / "s.duckdb")],
        "--db",
    )
    yield "import: not a Kairo store", ["import", str(SAMPLE), "--db", str(foreign)], "--db"
    yield "snapshots: store folder missing", ["snapshots", "--db", str(missing_dir / "s.duckdb")], "--db"
    yield "snapshots: not a Kairo store", ["snapshots", "--db", str(foreign)], "--db"
    yield "snapshots: no store yet", ["snapshots", "--db", str(tmp_path / "none.duckdb")], None
    yield "template: not xlsx", ["template", "-o", str(tmp_path / "t.csv")], "--output"
    yield "template: folder missing", ["template", "-o", str(missing_dir / "t.xlsx")], "--output"


def test_every_option_an_error_names_is_one_the_subcommand_accepts(tmp_path, register, capsys):
    parser = build_parser()
    seen = 0
    for label, argv, expected in _scenarios(tmp_path, register):
        assert main(argv) == 2, label
        message = _error(capsys)
        accepted = subcommand_options(parser, argv[0])
        named = set(OPTION.findall(message))
        assert named <= accepted, (label, message, named - accepted)
        if expected is not None:
            assert expected in named, (label, message)
        seen += 1
    assert seen > 25
