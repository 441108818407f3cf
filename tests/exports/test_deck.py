"""The boardroom deck (`portfolio_deck`): opened with python-pptx, its slides, native charts and
tables checked against the library's views, and an anonymised deck searched everywhere for
the real names and owners."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from kairo_scoring import (
    APPENDIX_LIMIT,
    SLIDE_TITLES,
    SUPPLY_LABELS,
    Actor,
    DecisionKind,
    PortfolioStore,
    anonymise,
    appendix_pilots,
    blocker_summary,
    chart_text,
    count_phrase,
    deciding_questions,
    default_profile,
    demand_supply_grid,
    generate_portfolio,
    mode_flows,
    money,
    option_gate_label,
    option_label,
    portfolio_deck,
    question_fields_table,
    questions_sentence,
    read_portfolio,
    record_decisions,
    score,
    subset,
    top_blockers,
    verdict_counts,
    verdict_label,
    waiting_table,
    with_table,
)
from kairo_scoring.schema import VERDICTS
from tests.conftest import REPO

SAMPLE = REPO / "data" / "sample_portfolio.xlsx"
REASON_NAMER = "Agreed with Priya Raman on the phone"


@pytest.fixture(scope="module")
def scored():
    return score(read_portfolio(SAMPLE).pilots, default_profile())


@pytest.fixture(scope="module")
def decisions(scored, tmp_path_factory):
    """Two decisions of the sample in a real store: one signed off, one awaiting sign-off."""
    path = tmp_path_factory.mktemp("deck") / "kairo.duckdb"
    with PortfolioStore(path) as store:
        info = store.import_snapshot(read_portfolio(SAMPLE), portfolio="Demo")
        stored = score(store.load_pilots(info.snapshot_id), default_profile())
        ids = stored.table["pilot_id"].astype(str).tolist()
        proposer, approver = Actor.local("Quentin Proposer"), Actor.local("Sabine Approver")
        first = record_decisions(
            store,
            stored,
            info.snapshot_id,
            [ids[0]],
            DecisionKind.RETIRE,
            reason=REASON_NAMER,
            actor=proposer,
        )
        store.approve_decisions(first, comment="Fine by Sabine", actor=approver)
        record_decisions(
            store,
            stored,
            info.snapshot_id,
            [ids[1]],
            DecisionKind.DEFER,
            review_date=pd.Timestamp("2027-01-15").date(),
            actor=proposer,
        )
        return store.decisions("Demo")


def open_deck(data: bytes):
    return Presentation(io.BytesIO(data))


def titles(prs) -> list[str]:
    return [slide.shapes.title.text for slide in prs.slides]


def charts(slide) -> list:
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def tables(slide) -> list:
    return [shape.table for shape in slide.shapes if shape.has_table]


def cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def slide_titled(prs, title: str):
    return next(slide for slide in prs.slides if slide.shapes.title.text == title)


def every_text(prs) -> list[str]:
    """Every text a reader can reach: each shape's text frame, every table cell, every chart's
    title, categories and series names, and every notes page."""
    found: list[str] = []

    def shape_texts(shape) -> None:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            for inner in shape.shapes:
                shape_texts(inner)
        if shape.has_text_frame:
            found.append(shape.text_frame.text)
        if getattr(shape, "has_table", False) and shape.has_table:
            found.extend(cell.text for row in shape.table.rows for cell in row.cells)
        if getattr(shape, "has_chart", False) and shape.has_chart:
            chart = shape.chart
            if chart.has_title:
                found.append(chart.chart_title.text_frame.text)
            for plot in chart.plots:
                found.extend(str(c) for c in plot.categories)
                found.extend(s.name for s in plot.series)

    for slide in prs.slides:
        for shape in slide.shapes:
            shape_texts(shape)
        if slide.has_notes_slide:
            found.append(slide.notes_slide.notes_text_frame.text)
    return found


def every_part(data: bytes) -> str:
    """Every XML part of the file, and of each chart's embedded workbook, as one text."""
    parts: list[str] = []

    def read(archive: zipfile.ZipFile) -> None:
        for name in archive.namelist():
            blob = archive.read(name)
            if name.endswith(".xlsx"):
                read(zipfile.ZipFile(io.BytesIO(blob)))
            elif name.endswith((".xml", ".rels")):
                parts.append(blob.decode("utf-8"))

    read(zipfile.ZipFile(io.BytesIO(data)))
    return "\n".join(parts)


def test_the_slides_come_in_the_order_of_the_issue(scored, decisions):
    prs = open_deck(
        portfolio_deck(scored, portfolio="Demo", snapshot_label="2025-Q3 · #1", decisions=decisions)
    )
    counts = verdict_counts(scored.table)
    groups = [
        f"{verdict_label(v)}: {count_phrase(p, 'pilot')}, {money(val, scored.profile.currency)} a month"
        for v, p, val in counts[["verdict", "pilots", "monthly_value"]].itertuples(index=False)
        if p
    ]
    appendix = appendix_pilots(scored)
    names = dict(zip(scored.table["pilot_id"].astype(str), scored.table["name"].astype(str), strict=True))
    assert titles(prs) == [
        "Portfolio triage: Demo",
        SLIDE_TITLES["headline"],
        SLIDE_TITLES["grid"],
        SLIDE_TITLES["flows"],
        SLIDE_TITLES["blocked"],
        SLIDE_TITLES["unknown"],
        *groups,
        SLIDE_TITLES["questions"],
        SLIDE_TITLES["decisions"],
        SLIDE_TITLES["appendix"],
        *(names[p] for p in appendix),
    ]
    assert len(appendix) == APPENDIX_LIMIT
    subtitle = prs.slides[0].placeholders[1].text
    assert (
        "2025-Q3 · #1" in subtitle
        and scored.profile.label in subtitle
        and scored.profile.content_hash in subtitle
    )


def test_without_decisions_or_undecided_pilots_those_slides_are_left_out(scored):
    undecided = set(deciding_questions(scored).pilots["pilot_id"].astype(str))
    settled = subset(scored, ~scored.table["pilot_id"].astype(str).isin(undecided).to_numpy())
    shown = titles(open_deck(portfolio_deck(settled, portfolio="Demo", snapshot_label="")))
    assert SLIDE_TITLES["decisions"] not in shown
    assert SLIDE_TITLES["questions"] not in shown
    empty = scored.table.iloc[0:0].assign(decision_id=pd.Series(dtype="int64"))
    assert SLIDE_TITLES["decisions"] not in titles(
        open_deck(portfolio_deck(scored, portfolio="Demo", snapshot_label="", decisions=empty))
    )


def test_the_charts_are_native_and_hold_the_views_numbers(scored):
    prs = open_deck(portfolio_deck(scored, portfolio="Demo", snapshot_label=""))
    # The verdicts, on the headline slide: one bar per verdict, the pilots verdict_counts counts.
    (verdicts,) = charts(slide_titled(prs, SLIDE_TITLES["headline"]))
    counts = verdict_counts(scored.table)
    assert list(verdicts.plots[0].categories) == [verdict_label(v) for v in VERDICTS]
    assert list(verdicts.plots[0].series[0].values) == [float(v) for v in counts["pilots"]]
    # Flows: one stacked bar per current mode, one series per recommendation, mode_flows' pilots.
    (flows,) = charts(slide_titled(prs, SLIDE_TITLES["flows"]))
    today = mode_flows(scored.table).query("step == 'today→now'")
    assert str(flows.chart_type).startswith("BAR_STACKED")
    categories = list(flows.plots[0].categories)
    assert categories == [option_label(s) for s in dict.fromkeys(today["source"])]
    for series in flows.plots[0].series:
        for mode, value in zip(categories, series.values, strict=True):
            rows = today[
                (today["source"].map(option_label) == mode)
                & (today["target"].map(option_label) == series.name)
            ]
            assert value == float(rows["pilots"].sum())
    # Blockers: gates that fail, by pilots and by value, as top_blockers ranks them.
    summary = blocker_summary(scored)
    for slide_key, kind in (("blocked", "blocked"), ("unknown", "unknown")):
        by_pilots, by_value = charts(slide_titled(prs, SLIDE_TITLES[slide_key]))
        for chart, by in ((by_pilots, f"pilots_{kind}"), (by_value, f"value_{kind}")):
            top = top_blockers(summary, by)
            assert str(chart.chart_type).startswith("BAR_CLUSTERED")
            assert list(chart.plots[0].categories) == [
                option_gate_label(o, p) for o, p in zip(top["option"], top["phrase"], strict=True)
            ]
            assert list(chart.plots[0].series[0].values) == pytest.approx(top[by].astype(float).tolist())


def test_the_grid_is_a_table_heat_map_of_the_views_cells(scored):
    prs = open_deck(portfolio_deck(scored, portfolio="Demo", snapshot_label=""))
    (grid,) = tables(slide_titled(prs, SLIDE_TITLES["grid"]))
    shown = cells(grid)
    assert shown[0][1:] == list(SUPPLY_LABELS)
    expected = demand_supply_grid(scored.table).set_index(["demand", "supply_level"])
    for row, demand in zip(shown[1:], (3, 2, 1, 0), strict=True):
        for supply, text in enumerate(row[1:]):
            pilots, value = expected.loc[(demand, supply), ["pilots", "monthly_value"]]
            assert text == f"{count_phrase(int(pilots), 'pilot')}\n{money(value, scored.profile.currency)}"
    busiest = expected["pilots"].idxmax()
    cell = grid.cell(4 - busiest[0], busiest[1] + 1)
    assert str(cell.fill.fore_color.rgb) == "0F4C81"  # the darkest shade for the busiest cell


def test_a_verdict_slide_lists_its_most_valuable_pilots_and_how_many_more(scored):
    prs = open_deck(portfolio_deck(scored, portfolio="Demo", snapshot_label="", group_limit=3))
    rows = scored.table[scored.table["verdict"].astype(str) == "promote"]
    slide = next(s for s in prs.slides if s.shapes.title.text.startswith(verdict_label("promote") + ":"))
    (listed,) = tables(slide)
    top = rows.sort_values("monthly_value", ascending=False).head(3)
    assert [r[0] for r in cells(listed)[1:]] == top["name"].astype(str).tolist()
    texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
    assert f"And {len(rows) - 3} more pilots." in texts


def test_the_questions_slide_uses_the_deciding_questions(scored):
    questions = deciding_questions(scored)
    prs = open_deck(portfolio_deck(scored, portfolio="Demo", snapshot_label="", questions=questions))
    slide = slide_titled(prs, SLIDE_TITLES["questions"])
    by_field, by_owner = tables(slide)
    expected = question_fields_table(questions, scored.profile.currency, limit=8)
    assert cells(by_field)[0] == list(expected.columns)
    assert [r[0] for r in cells(by_field)[1:]] == expected["Question"].tolist()
    owners = waiting_table(questions.owners, "owner", scored.profile.currency, limit=8)
    assert [r[0] for r in cells(by_owner)[1:]] == owners.iloc[:, 0].tolist()
    texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
    assert questions_sentence(questions.headline()) in texts


def test_the_decisions_slide_splits_awaiting_from_signed_off(scored, decisions):
    prs = open_deck(portfolio_deck(scored, portfolio="Demo", snapshot_label="", decisions=decisions))
    slide = slide_titled(prs, SLIDE_TITLES["decisions"])
    waiting, taken = tables(slide)
    assert [r[4] for r in cells(waiting)[1:]] == ["Awaiting sign-off"]
    assert [r[4] for r in cells(taken)[1:]] == ["Approved"]
    assert "Quentin Proposer" in cells(waiting)[1]


def test_appendix_slides_show_the_selected_pilots(scored, decisions):
    ids = scored.table["pilot_id"].astype(str).tolist()
    chosen = [ids[5], ids[0]]
    prs = open_deck(
        portfolio_deck(scored, portfolio="Demo", snapshot_label="", pilots=chosen, decisions=decisions)
    )
    names = dict(zip(ids, scored.table["name"].astype(str), strict=True))
    assert titles(prs)[-2:] == [names[ids[5]], names[ids[0]]]
    pilot = prs.slides[len(prs.slides) - 1]
    texts = "\n".join(every_text_of(pilot))
    row = scored.pilot(ids[0])
    assert row["next_step"] in texts
    assert "Promotion path" in texts and "Decision and sign-off" in texts
    assert "Retire" in texts and "Approved" in texts  # the decision in force on this pilot
    gates = [t for t in tables(pilot) if cells(t)[0][:2] == ["Option", "Gate"]]
    assert len(cells(gates[0])) == len(scored.profile.gates) + 1
    with pytest.raises(KeyError):
        portfolio_deck(scored, portfolio="Demo", snapshot_label="", pilots=["no such pilot"])


def every_text_of(slide) -> list[str]:
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if shape.has_table:
            out += [c.text for r in shape.table.rows for c in r.cells]
    return out


def real_names(scored) -> set[str]:
    table = scored.table
    return set(table["name"].dropna().astype(str)) | set(table["owner"].dropna().astype(str))


def found_names(data: bytes, names: set[str]) -> set[str]:
    texts = "\n".join(every_text(open_deck(data)))
    return {n for n in names if n in texts}


def test_an_anonymised_deck_names_no_pilot_and_no_owner_anywhere(scored, decisions):
    names = real_names(scored)
    people = {"Quentin Proposer", "Sabine Approver", "Priya Raman", "sample_portfolio.xlsx"}
    plain = portfolio_deck(
        scored, portfolio="Demo", snapshot_label="#1 · sample_portfolio.xlsx", decisions=decisions
    )
    # The search can fail: the same deck, not anonymised, shows the names (appendix and lists).
    assert len(found_names(plain, names)) >= 20
    assert "Quentin Proposer" in every_part(plain)
    presented = portfolio_deck(
        scored,
        portfolio="Demo",
        snapshot_label="#1",
        decisions=decisions,
        anonymise=True,
        pilots=scored.table["pilot_id"].astype(str).head(5).tolist(),
    )
    assert found_names(presented, names | people) == set()
    raw = every_part(presented)  # every XML part, chart workbooks included
    assert not [n for n in names | people if n in raw]
    aliases = anonymise(scored.table)
    assert set(aliases["name"].head(5)) <= found_names(presented, set(aliases["name"]))
    assert "Names and owners anonymised" in prs_subtitle(presented)


def test_an_already_presented_table_keeps_its_aliases(scored, decisions):
    """The Export page passes presentation mode's table: the deck keeps those aliases (the
    pages' numbering) and still leaves decision makers and reasons out."""
    presented = with_table(scored, anonymise(scored.table))
    data = portfolio_deck(presented, portfolio="Demo", snapshot_label="", decisions=decisions, presented=True)
    texts = "\n".join(every_text(open_deck(data)))
    assert "Quentin Proposer" not in texts and REASON_NAMER not in texts
    top = appendix_pilots(presented)[0]
    assert presented.pilot(top)["name"] in titles(open_deck(data))


def prs_subtitle(data: bytes) -> str:
    return open_deck(data).slides[0].placeholders[1].text


def test_chart_text_keeps_a_formula_as_text():
    assert chart_text("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert chart_text("Controls at least 3") == "Controls at least 3"


def test_a_large_portfolio_builds_in_bounded_time_and_size():
    big = score(generate_portfolio(10_000), default_profile())
    started = time.perf_counter()
    data = portfolio_deck(big, portfolio="Big", snapshot_label="", anonymise=True)
    elapsed = time.perf_counter() - started
    assert elapsed < 20, elapsed
    assert len(data) < 2_000_000
    prs = open_deck(data)
    groups = [s for s in prs.slides if re.match(r".+: [\d,]+ pilots?, ", s.shapes.title.text)]
    assert groups
    for slide in groups:
        (listed,) = tables(slide)
        assert len(listed.rows) <= 11  # header and at most GROUP_LIMIT pilots
    assert any(
        shape.text_frame.text.startswith("And ") and shape.text_frame.text.endswith("more pilots.")
        for slide in groups
        for shape in slide.shapes
        if shape.has_text_frame
    )
    assert len(prs.slides) <= 6 + len(VERDICTS) + 3 + APPENDIX_LIMIT
