"""A PostgreSQL URL given to the CLI: its password never reaches what the CLI prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from kairo_scoring.cli import main
from tests.assessment.conftest import REGISTER
from tests.pg_server import PASSWORD


def test_the_cli_never_prints_the_store_password(
    postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    register = tmp_path / "register.csv"
    register.write_text(REGISTER, encoding="utf-8")
    assert PASSWORD in postgres_url
    assert main(["import", str(register), "--db", postgres_url, "--portfolio", "Q"]) == 0
    assert main(["snapshots", "--db", postgres_url]) == 0
    assert (
        main(["score", "--db", postgres_url, "--portfolio", "Nope", "-o", str(tmp_path / "s.csv")]) == 2
    )  # no such portfolio
    assert (
        main(
            [
                "score",
                "--db",
                postgres_url,
                "--portfolio",
                "Q",
                "--snapshot",
                "99",
                "-o",
                str(tmp_path / "s.csv"),
            ]
        )
        == 2
    )

    printed = capsys.readouterr()
    assert "Nope" in printed.err and "99" in printed.err
    assert PASSWORD not in printed.out + printed.err
