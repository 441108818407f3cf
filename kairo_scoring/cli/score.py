"""`kairo score`, `report` and `questions`: a register or a stored snapshot, scored.

`score` writes the scored table (.xlsx, .csv or .parquet; with --db a stored snapshot, its
xlsx with the Provenance sheet too); `report` writes the printable HTML summary the Export
page offers; `questions` prints the questions whose answers decide the undecided pilots and,
with -o, writes them per pilot.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from kairo_scoring.cli.common import (
    UsageError,
    _intake_options,
    _load_profile,
    _optional_input,
    _read,
    _source_choice,
    _store_label,
    _stored_profile,
    _stored_snapshot,
    _why,
)
from kairo_scoring.cli.terminal import _score_summary, _table, print_line, printable
from kairo_scoring.errors import Remedy

if TYPE_CHECKING:
    from kairo_scoring.scoring import ScoredPortfolio


OUTPUT_SUFFIXES = (".xlsx", ".csv", ".parquet")
QUESTION_SUFFIXES = (".csv", ".xlsx")
WAITING_LIMIT = 20  # owners (or units) listed before "and N more"


def _input_files(args: argparse.Namespace) -> list[Path]:
    """Every file the command reads, none of which an output may replace."""
    named = [args.input, getattr(args, "profile", None), getattr(args, "mapping", None)]
    return [Path(name) for name in named if name and Path(name).is_file()]


def cmd_score(args: argparse.Namespace) -> int:
    from kairo_scoring.exports import check_output, scored_outputs, write_scored
    from kairo_scoring.scoring import score

    _source_choice(args)
    if args.db is not None:
        return cmd_score_stored(args)
    output = Path(args.output)
    if output.suffix.lower() not in OUTPUT_SUFFIXES:
        raise UsageError(
            f"output must end in {', '.join(OUTPUT_SUFFIXES)}: {output.name}", remedy=Remedy.OUTPUT_PATH
        )
    inputs = _input_files(args)
    for planned in scored_outputs(output, with_rejected=True):
        check_output(planned, inputs=inputs)  # refuse before the work, not after it
    profile = _load_profile(args)
    intake = _read(args)
    if intake.pilots.empty:
        raise UsageError(
            f"{intake.source_name}: no usable pilot rows ({len(intake.rejected):,} rejected); {_why(args)}"
        )
    result = score(intake.pilots, profile)
    written = write_scored(result.table, profile, output, rejected=intake.rejected, inputs=inputs)
    for line in _score_summary(result):
        print_line(line)
    if len(intake.rejected):
        where = "the 'Rejected' sheet" if output.suffix.lower() == ".xlsx" else str(written[-1])
        print_line(f"{len(intake.rejected):,} rows rejected: see {where}")
    _say_cut_cells(output, result.table, profile, rejected=intake.rejected)
    print_line(f"Wrote {', '.join(map(str, written))}")
    return 0


def _scored_source(args: argparse.Namespace) -> tuple[ScoredPortfolio, pd.DataFrame, pd.DataFrame | None]:
    """(scored portfolio, rejected rows, provenance or None) of INPUT or of a stored snapshot,
    scored with --profile, else with the profile recorded with the snapshot (or the shipped one)."""
    from kairo_scoring.scoring import score
    from kairo_scoring.store import PortfolioStore

    if args.db is None:
        profile = _load_profile(args)
        intake = _read(args)
        if intake.pilots.empty:
            raise UsageError(
                f"{intake.source_name}: no usable pilot rows ({len(intake.rejected):,} rejected); {_why(args)}"
            )
        return score(intake.pilots, profile), intake.rejected, None
    with PortfolioStore(args.db, read_only=True) as store:
        _, snapshot_id = _stored_snapshot(args, store)
        profile = (
            _load_profile(args)
            if args.profile
            else (_stored_profile(store, snapshot_id) or _load_profile(args))
        )
        pilots = store.load_pilots(snapshot_id)
        rejected = store.load_rejected(snapshot_id)
        provenance = store.load_provenance(snapshot_id)
    print_line(f"Snapshot {snapshot_id} of {_store_label(args.db)}")
    return score(pilots, profile), rejected, provenance


def cmd_score_stored(args: argparse.Namespace) -> int:
    """`kairo score --db DB [--portfolio P] [--snapshot ID] -o OUT`: a stored snapshot, scored
    and written as scoring a file writes it (the xlsx also gets the Provenance sheet)."""
    from kairo_scoring.exports import check_output, scored_outputs, write_scored

    output = Path(args.output)
    if output.suffix.lower() not in OUTPUT_SUFFIXES:
        raise UsageError(
            f"output must end in {', '.join(OUTPUT_SUFFIXES)}: {output.name}", remedy=Remedy.OUTPUT_PATH
        )
    inputs = [Path(p) for p in (args.db, args.profile) if p and Path(p).is_file()]
    for planned in scored_outputs(output, with_rejected=True):
        check_output(planned, inputs=inputs)
    result, rejected, provenance = _scored_source(args)
    written = write_scored(
        result.table,
        result.profile,
        output,
        rejected=rejected,
        provenance=provenance if output.suffix.lower() == ".xlsx" else None,
        inputs=inputs,
    )
    for line in _score_summary(result):
        print_line(line)
    if len(rejected):
        where = "the 'Rejected' sheet" if output.suffix.lower() == ".xlsx" else str(written[-1])
        print_line(f"{len(rejected):,} rows rejected: see {where}")
    _say_cut_cells(output, result.table, result.profile, rejected=rejected, provenance=provenance)
    print_line(f"Wrote {', '.join(map(str, written))}")
    return 0


def _say_cut_cells(output: Path, table, profile, *, rejected=None, provenance=None) -> None:
    """One line when the xlsx written cut texts too long for an Excel cell (the csv keeps them)."""
    from kairo_scoring.exports import cut_cells_sentence, xlsx_cut_cells

    if output.suffix.lower() != ".xlsx":
        return
    cut = xlsx_cut_cells(table, profile, rejected=rejected, provenance=provenance)
    if len(cut):
        print_line(cut_cells_sentence(len(cut)))


def _report_source(args: argparse.Namespace, profile) -> tuple[ScoredPortfolio, str, str]:
    """(scored portfolio, portfolio name, snapshot label) from INPUT or from --db's latest snapshot."""
    from kairo_scoring.present import snapshot_label
    from kairo_scoring.scoring import score
    from kairo_scoring.store import PortfolioStore

    if args.db is None:
        intake = _read(args)
        if intake.pilots.empty:
            raise UsageError(
                f"{intake.source_name}: no usable pilot rows ({len(intake.rejected):,} rejected); {_why(args)}"
            )
        return score(intake.pilots, profile), args.portfolio or Path(args.input).stem, intake.source_name
    with PortfolioStore(args.db, read_only=True) as store:
        portfolio, snapshot_id = _stored_snapshot(args, store)
        pilots = store.load_pilots(snapshot_id)
        listed = store.snapshots(portfolio).set_index("snapshot_id").loc[snapshot_id]
    label = snapshot_label(snapshot_id, listed["as_of"], str(listed["source_name"]))
    return score(pilots, profile), portfolio, label


def cmd_report(args: argparse.Namespace) -> int:
    """The printable HTML summary the Export page offers, written to -o."""
    from kairo_scoring.exports import check_output, write_outputs
    from kairo_scoring.present import summary_html

    output = Path(args.output)
    if output.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"the summary is an .html file: {output.name}", remedy=Remedy.OUTPUT_PATH)
    if (args.input is None) == (args.db is None):
        raise UsageError("give either a register (INPUT) or a store (--db), not both or neither")
    inputs = [Path(p) for p in (args.input, args.db, args.profile, args.mapping) if p and Path(p).is_file()]
    check_output(output, inputs=inputs)
    profile = _load_profile(args)
    scored, portfolio, snapshot = _report_source(args, profile)
    html = summary_html(scored, portfolio=portfolio, snapshot=snapshot)
    write_outputs({output: lambda temp: temp.write_text(html, encoding="utf-8")}, inputs=inputs)
    for line in _score_summary(scored):
        print_line(line)
    print_line(f"Wrote {output}")
    return 0


def cmd_questions(args: argparse.Namespace) -> int:
    """`kairo questions INPUT | --db DB`: the deciding questions, printed; -o writes them per pilot."""
    from kairo_scoring.exports import check_output, write_questions
    from kairo_scoring.present import (
        count_phrase,
        pilot_questions_frame,
        question_fields_table,
        questions_detail,
        questions_sentence,
        waiting_table,
    )
    from kairo_scoring.questions import deciding_questions

    _source_choice(args)
    output = Path(args.output) if args.output else None
    inputs = [Path(p) for p in (args.input, args.db, args.profile, args.mapping) if p and Path(p).is_file()]
    if output is not None:
        if output.suffix.lower() not in QUESTION_SUFFIXES:
            raise UsageError(
                f"the questions are written as {' or '.join(QUESTION_SUFFIXES)}: {output.name}",
                remedy=Remedy.OUTPUT_PATH,
            )
        check_output(output, inputs=inputs)
    scored, _, _ = _scored_source(args)
    questions = deciding_questions(scored)
    headline = questions.headline()
    currency = scored.profile.currency
    lines = [questions_sentence(headline)]
    if detail := questions_detail(headline, currency):
        lines.append(detail)
    if questions.undecided:
        fields = question_fields_table(questions, currency)
        lines += ["Questions:", *_table(fields, list(fields.columns), limit=len(fields))]
        owners = waiting_table(questions.owners, "owner", currency)
        lines += ["Who to ask:", *_table(owners, list(owners.columns), limit=WAITING_LIMIT)]
    print("\n".join(map(printable, lines)))
    if output is not None:
        write_questions(output, pilot_questions_frame(questions), inputs=inputs)
        print_line(f"Wrote {output} ({count_phrase(questions.undecided, 'pilot')})")
    return 0


def _add_score_command(commands) -> None:
    """`score`: a register, or with --db a stored snapshot, scored and written to -o."""
    scorer = commands.add_parser("score", help="score a register and write the scored table")
    _intake_options(scorer)
    scorer.add_argument("-o", "--output", required=True, help="scored output (.xlsx, .csv or .parquet)")
    scorer.add_argument(
        "--profile",
        help="scoring profile TOML (default: the shipped profile; with --db the one recorded with the snapshot)",
    )
    scorer.set_defaults(handler=cmd_score)
    _optional_input(scorer)
    scorer.add_argument("--db", help="DuckDB store file: score a stored snapshot instead of INPUT")
    scorer.add_argument("--portfolio", help="portfolio in the store (needed when it holds several)")
    scorer.add_argument("--snapshot", type=int, help="snapshot ID in the store (default: the latest)")


def _add_report_command(commands) -> None:
    """`report`: the printable HTML summary of a register or a store's latest snapshot."""
    reporter = commands.add_parser(
        "report", help="write the printable HTML summary (as the Export page does) of a register or a store"
    )
    _intake_options(reporter)
    reporter.set_defaults(handler=cmd_report)
    for action in reporter._actions:  # INPUT is optional here: --db reads a stored snapshot instead
        if action.dest == "input":
            action.nargs, action.default = "?", None
    reporter.add_argument("--db", help="DuckDB store file: summarise its latest snapshot instead of INPUT")
    reporter.add_argument("--portfolio", help="portfolio in the store (needed when it holds several)")
    reporter.add_argument("--profile", help="scoring profile TOML (default: the shipped profile)")
    reporter.add_argument("-o", "--output", required=True, help="summary .html (self-contained)")


def _add_loop_commands(commands) -> None:
    """The `questions` subcommand, and --db/--portfolio/--snapshot on `score`."""
    asker = commands.add_parser(
        "questions", help="the questions whose answers decide the undecided pilots, of a register or a store"
    )
    _intake_options(asker)
    _optional_input(asker)
    asker.add_argument("--db", help="DuckDB store file: ask about its latest snapshot instead of INPUT")
    asker.add_argument("--portfolio", help="portfolio in the store (needed when it holds several)")
    asker.add_argument("--snapshot", type=int, help="snapshot ID in the store (default: the latest)")
    asker.add_argument(
        "--profile", help="scoring profile TOML (default: the snapshot's, else the shipped one)"
    )
    asker.add_argument("-o", "--output", help="per-pilot questions (.csv or .xlsx)")
    asker.set_defaults(handler=cmd_questions)
