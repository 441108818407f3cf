"""`kairo assessment export` and `import`: workbooks out to owners or units, answers back in.

`export` writes one assessment workbook per owner (or unit) and index.csv; `import` lands the
answers of filled workbooks as one new snapshot, and with --rejected writes what was not
applied. Errors of these nested commands name their own options (`_with_assessment_hints`).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kairo_scoring.cli.common import (
    UsageError,
    _existing,
    _load_profile,
    _store_label,
    _stored_profile,
    as_of_option,
    with_hint,
)
from kairo_scoring.cli.terminal import _table, print_line
from kairo_scoring.errors import KairoError, OutputError, Remedy

if TYPE_CHECKING:
    from kairo_scoring.profile import Profile
    from kairo_scoring.store import PortfolioStore


REJECTED_SUFFIXES = (".csv", ".xlsx")


def _assessment_profile(args: argparse.Namespace, store: PortfolioStore, portfolio: str) -> Profile:
    """--profile, else the profile recorded with the latest snapshot, else the shipped one."""
    if args.profile:
        return _load_profile(args)
    latest = store.latest_snapshot_id(portfolio)
    stored = _stored_profile(store, latest) if latest is not None else None
    return stored or _load_profile(args)


def _assessment_portfolio(args: argparse.Namespace, store: PortfolioStore) -> str:
    names = store.portfolios()["portfolio"].astype(str).tolist()
    if args.portfolio not in names:
        raise UsageError(
            f"{_store_label(args.db)} has no portfolio '{args.portfolio}': check --portfolio "
            f"({', '.join(names) or 'none yet: import one with kairo import'})"
        )
    return args.portfolio


def _with_assessment_hints(handler):
    """Errors of a nested `assessment` command name that command's own options."""

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except UsageError:
            raise
        except KairoError as exc:
            raise UsageError(with_hint(exc, args.assessment_options)) from None

    return run


def cmd_assessment_export(args: argparse.Namespace) -> int:
    """`kairo assessment export`: one workbook per owner (or unit) and index.csv into -o DIR."""
    from kairo_scoring.assessment import plan_assessment, write_assessment
    from kairo_scoring.present import count_phrase, field_label
    from kairo_scoring.store import PortfolioStore
    from kairo_scoring.views import store_profile_version

    folder = Path(args.output)
    if not folder.is_dir():
        if not folder.parent.is_dir():
            raise OutputError(
                f"folder {folder.parent} does not exist: create it or choose another output folder",
                remedy=Remedy.OUTPUT_PATH,
            )
        folder.mkdir()
    with PortfolioStore(args.db) as store:
        portfolio = _assessment_portfolio(args, store)
        profile = _assessment_profile(args, store, portfolio)
        store_profile_version(store, profile)  # the import reads answers with this rubric
        plan = plan_assessment(store, portfolio, profile, by=args.by)
    written = write_assessment(plan, folder)
    index = plan.index
    print_line(
        f"Snapshot {plan.snapshot.snapshot_id} of '{portfolio}': "
        f"{count_phrase(len(index), 'workbook')} by {field_label(args.by).lower()}, "
        f"{count_phrase(int(index['pilots'].sum()), 'pilot')}, "
        f"{count_phrase(int(index['undecided'].sum()), 'undecided pilot')}"
    )
    print("\n".join(_table(index, ["file", "respondent", "pilots", "undecided", "deciding_cells"])))
    print_line(f"Wrote {len(written) - 1} workbooks and {written[-1]}")
    return 0


def cmd_assessment_import(args: argparse.Namespace) -> int:
    """`kairo assessment import FILE...`: the answers of filled workbooks as ONE new snapshot."""
    from kairo_scoring.assessment import read_returns, rejected_csv, rejected_xlsx, save_returns
    from kairo_scoring.exports import check_output, write_outputs
    from kairo_scoring.present import as_of_text, count_phrase
    from kairo_scoring.store import PortfolioStore

    as_of = as_of_option(args.as_of)
    rejected_out = Path(args.rejected) if args.rejected else None
    files = [_existing(name) for name in args.files]
    if rejected_out is not None:
        if rejected_out.suffix.lower() not in REJECTED_SUFFIXES:
            raise UsageError(
                f"the rejected answers are written as .csv or .xlsx: {rejected_out.name}",
                remedy=Remedy.OUTPUT_PATH,
            )
        check_output(rejected_out, inputs=[*files, Path(args.db)])
    with PortfolioStore(args.db) as store:
        portfolio = _assessment_portfolio(args, store)
        profile = _assessment_profile(args, store, portfolio)
        returns = read_returns(store, portfolio, files, profile)
        saved = save_returns(store, returns, profile=profile, as_of=as_of)
    for line in returns.summary.lines():
        print_line(line)
    refused = returns.rejected()
    if len(refused):
        print_line("Not applied:")
        print("\n".join(_table(refused, ["file", "cell", "pilot_id", "field", "value", "code", "reason"])))
    if saved is None:
        print_line(f"Nothing stored: snapshot {returns.base_snapshot_id} stays the latest.")
    else:
        print_line(
            f"Stored snapshot {saved.snapshot.snapshot_id} of '{portfolio}' (laid over {returns.base_snapshot_id}), "
            f"{as_of_text(saved.snapshot.as_of)}."
        )
    if rejected_out is not None:
        data = rejected_xlsx(returns) if rejected_out.suffix.lower() == ".xlsx" else rejected_csv(returns)
        write_outputs({rejected_out: lambda temp: Path(temp).write_bytes(data)})
        print_line(f"Wrote {rejected_out} ({count_phrase(len(refused), 'row')})")
    return 0


class _Groupings(Sequence[str]):
    """``assessment.GROUPINGS`` as the choices of ``--by``, imported when argparse first reads
    them: the assessment part imports the store and the exports, which every other command
    (``kairo validate`` first) would otherwise pay for before reading a byte."""

    def _choices(self) -> tuple[str, ...]:
        from kairo_scoring.assessment import GROUPINGS

        return GROUPINGS

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        return self._choices()[index]

    def __len__(self) -> int:
        return len(self._choices())


def _add_assessment_commands(commands) -> None:
    """`assessment export` and `assessment import`."""
    assessment = commands.add_parser(
        "assessment", help="assessment workbooks: export them to owners or units, import the filled ones"
    )
    steps = assessment.add_subparsers(dest="assessment_command", required=True)
    exporter = steps.add_parser(
        "export", help="write one assessment workbook per owner (or unit) and index.csv"
    )
    exporter.add_argument("--db", required=True, help="DuckDB store file")
    exporter.add_argument("--portfolio", required=True, help="portfolio in the store")
    by = exporter.add_argument("--by", default="owner", help="one workbook per owner (default) or unit")
    by.choices = _Groupings()  # set here: add_argument reads the choices at once, to check the metavar
    exporter.add_argument(
        "--profile", help="scoring profile TOML (default: the snapshot's, else the shipped one)"
    )
    exporter.add_argument("-o", "--output", required=True, help="folder for the workbooks and index.csv")
    exporter.set_defaults(handler=_with_assessment_hints(cmd_assessment_export))
    importer = steps.add_parser("import", help="land the answers of filled workbooks as one new snapshot")
    importer.add_argument("files", nargs="+", metavar="FILE", help="filled assessment workbooks (.xlsx)")
    importer.add_argument("--db", required=True, help="DuckDB store file")
    importer.add_argument("--portfolio", required=True, help="portfolio in the store")
    importer.add_argument("--profile", help="scoring profile TOML for the summary (default: the snapshot's)")
    importer.add_argument("--rejected", help="also write what was not applied to this .csv or .xlsx")
    importer.add_argument(
        "--as-of", metavar="YYYY-MM-DD", help="the date the answers describe (default: today)"
    )
    importer.set_defaults(handler=_with_assessment_hints(cmd_assessment_import))
    for step in (exporter, importer):
        step.set_defaults(assessment_options=frozenset(step._option_string_actions))
