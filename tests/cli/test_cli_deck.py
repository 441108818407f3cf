"""`kairo deck` and `kairo onepager`: the deck and a pilot's one-pager of a register or a
stored snapshot, anonymised on request, with one-line errors."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation

from kairo_scoring import SLIDE_TITLES, PortfolioStore, read_portfolio
from kairo_scoring.cli import main
from tests.conftest import REPO

SAMPLE = REPO / "data" / "sample_portfolio.xlsx"


@pytest.fixture(scope="module")
def sample():
    return read_portfolio(SAMPLE).pilots


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "kairo.duckdb"
    with PortfolioStore(path) as store:
        store.import_snapshot(read_portfolio(SAMPLE), portfolio="Demo")
    return path


def deck_titles(path) -> list[str]:
    return [s.shapes.title.text for s in Presentation(io.BytesIO(path.read_bytes())).slides]


def deck_text(path) -> str:
    prs = Presentation(io.BytesIO(path.read_bytes()))
    out = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.append(shape.text_frame.text)
            if shape.has_table:
                out += [c.text for r in shape.table.rows for c in r.cells]
        out.append(slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else "")
    return "\n".join(out)


def test_deck_of_a_register(tmp_path, sample, capsys):
    output = tmp_path / "portfolio.pptx"
    assert main(["deck", str(SAMPLE), "-o", str(output)]) == 0
    titles = deck_titles(output)
    assert titles[0] == "Portfolio triage: sample_portfolio"
    assert SLIDE_TITLES["headline"] in titles and SLIDE_TITLES["appendix"] in titles
    assert f"Wrote {output}" in capsys.readouterr().out


def test_deck_of_a_store_with_chosen_pilots_anonymised(tmp_path, db, sample):
    output = tmp_path / "portfolio.pptx"
    chosen = sample["pilot_id"].astype(str).tolist()[:2]
    args = ["deck", "--db", str(db), "--portfolio", "Demo", "--anonymise", "-o", str(output)]
    assert main([*args, "--pilot", chosen[0], "--pilot", chosen[1]]) == 0
    titles = deck_titles(output)
    assert titles[0] == "Portfolio triage: Demo"
    assert titles[-3] == SLIDE_TITLES["appendix"] and titles[-2].startswith("Pilot ")
    text = deck_text(output)
    for secret in {
        *sample["name"].astype(str),
        *sample["owner"].dropna().astype(str),
        "sample_portfolio.xlsx",
    }:
        assert secret not in text
    plain = tmp_path / "plain.pptx"
    assert main(["deck", "--db", str(db), "-o", str(plain)]) == 0  # one portfolio: no --portfolio needed
    assert "sample_portfolio.xlsx" in deck_text(plain)


def test_onepager_of_a_store_and_of_a_register(tmp_path, db, sample):
    pilot_id = str(sample["pilot_id"].iloc[0])
    output = tmp_path / "pilot.html"
    assert main(["onepager", "--db", str(db), pilot_id, "-o", str(output)]) == 0
    page = output.read_text(encoding="utf-8")
    assert "<h2>Gates of each option</h2>" in page and "register: sample_portfolio.xlsx" in page
    presented = tmp_path / "presented.html"
    assert main(["onepager", str(SAMPLE), pilot_id, "--anonymise", "-o", str(presented)]) == 0
    page = presented.read_text(encoding="utf-8")
    assert str(sample["owner"].iloc[0]) not in page and "sample_portfolio.xlsx" not in page
    assert "<h2>Answers and where they came from</h2>" in page


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["deck", "--db", "{db}", "--pilot", "NOPE", "-o", "{out}.pptx"],
            "has no pilot NOPE: check the pilot ID",
        ),
        (["onepager", "--db", "{db}", "NOPE", "-o", "{out}.html"], "has no pilot NOPE"),
        (["deck", "--db", "{db}", "-o", "{out}.pdf"], "the deck is a .pptx file"),
        (["onepager", "--db", "{db}", "KP-001", "-o", "{out}.pptx"], "the one-pager is a .html file"),
        (
            ["deck", str(SAMPLE), "--db", "{db}", "-o", "{out}.pptx"],
            "give either a register (INPUT) or a store",
        ),
        (["deck", "--db", "{db}", "--snapshot", "99", "-o", "{out}.pptx"], "has no snapshot 99"),
        (["deck", "--db", "{missing}", "-o", "{out}.pptx"], "no store at"),
    ],
)
def test_errors_are_one_line_and_name_what_to_do(tmp_path, db, capsys, argv, message):
    filled = [a.format(db=db, out=tmp_path / "out", missing=tmp_path / "missing.duckdb") for a in argv]
    assert main(filled) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not list(tmp_path.glob("out*"))
