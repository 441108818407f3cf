"""`kairo`: the same intake, scoring and store as batch jobs for PMOs.

Exit 0 on success; exit 2 with a one-line reason on unusable input (missing file, no
usable columns, malformed profile, locked store); never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

import pandas as pd

from kairo_scoring.errors import KairoError
from kairo_scoring.exports import check_output, scored_outputs, write_outputs, write_scored
from kairo_scoring.intake import IntakeResult, detect, read_portfolio, write_template
from kairo_scoring.profile import load_profile
from kairo_scoring.scoring import ScoredPortfolio, score
from kairo_scoring.store import PortfolioStore

OUTPUT_SUFFIXES = (".xlsx", ".csv", ".parquet")
# Characters a terminal acts on, or that hide or reorder text, are printed escaped, never as
# they are: controls (Cc: escape sequences, bell, line breaks), format characters (Cf: bidi
# marks, overrides and isolates, zero-width characters), line and paragraph separators
# (Zl, Zp: U+2028 splits a report row) and lone surrogates (Cs: undecodable file names).
ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


class _Escapes(dict):
    """A `str.translate` table that decides each distinct character once, on first sight."""

    def __missing__(self, code: int) -> str:
        if unicodedata.category(chr(code)) not in ESCAPED_CATEGORIES:
            escaped = chr(code)
        elif code <= 0xFFFF:
            escaped = f"\\u{code:04x}"
        else:
            escaped = f"\\U{code:08x}"
        self[code] = escaped
        return escaped


_ESCAPES = _Escapes()


class UsageError(KairoError):
    """The command line asks for something that cannot be done (exit 2)."""


def _existing(path_text: str) -> Path:
    path = Path(path_text)
    if not path.is_file():
        raise UsageError(f"input file not found: {path}")
    return path


def _read(args: argparse.Namespace) -> IntakeResult:
    return read_portfolio(_existing(args.input), mapping=args.mapping, sheet=args.sheet)


def printable(text: object) -> str:
    """Text as one safe terminal line: every control, format and separator character escaped."""
    text = str(text)
    if text.isprintable():  # the usual case; false for every escaped category (and some spaces)
        return text
    return text.translate(_ESCAPES)


def print_line(text: object) -> None:
    """Print one line that may quote a file's contents, escaped by `printable`."""
    print(printable(text))


def _one_line(message: object) -> str:
    # Messages can quote database errors over several lines; the CLI promises one.
    return printable(" ".join(str(message).split()))


def _table(frame: pd.DataFrame, columns: list[str], limit: int = 20) -> list[str]:
    if frame.empty:
        return ["  (none)"]
    shown = frame[columns].head(limit).astype("string").fillna("").map(printable)
    lines = ["  " + line for line in shown.to_string(index=False).splitlines()]
    if len(frame) > limit:
        lines.append(f"  … and {len(frame) - limit:,} more")
    return lines


def _score_summary(result: ScoredPortfolio) -> list[str]:
    lines = [
        f"Scored {len(result.table):,} pilots with profile {result.profile.label} ({result.profile.content_hash})"
    ]
    summary = result.summary()
    for what, title in (("verdict", "Verdict"), ("recommended", "Recommended option")):
        lines.append(f"{title}:")
        lines += [
            f"  {row.value:<18} {row.pilots:>9,}" for row in summary[summary["what"] == what].itertuples()
        ]
    return lines


def _input_files(args: argparse.Namespace) -> list[Path]:
    """Every file the command reads, none of which an output may replace."""
    named = [args.input, getattr(args, "profile", None), getattr(args, "mapping", None)]
    return [Path(name) for name in named if name and Path(name).is_file()]


def cmd_score(args: argparse.Namespace) -> int:
    output = Path(args.output)
    if output.suffix.lower() not in OUTPUT_SUFFIXES:
        raise UsageError(f"output must end in {', '.join(OUTPUT_SUFFIXES)}: {output.name}")
    inputs = _input_files(args)
    for planned in scored_outputs(output, with_rejected=True):
        check_output(planned, inputs=inputs)  # refuse before the work, not after it
    profile = load_profile(args.profile)
    intake = _read(args)
    if intake.pilots.empty:
        raise UsageError(f"{intake.source_name}: no usable pilot rows ({len(intake.rejected):,} rejected)")
    result = score(intake.pilots, profile)
    written = write_scored(result.table, profile, output, rejected=intake.rejected, inputs=inputs)
    for line in _score_summary(result):
        print_line(line)
    if len(intake.rejected):
        where = "the 'Rejected' sheet" if output.suffix.lower() == ".xlsx" else str(written[-1])
        print_line(f"{len(intake.rejected):,} rows rejected: see {where}")
    print_line(f"Wrote {', '.join(map(str, written))}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    path = _existing(args.input)
    found = detect(path, mapping=args.mapping, sheet=args.sheet)
    intake = read_portfolio(path, mapping=args.mapping, sheet=args.sheet)
    mapping = pd.DataFrame(
        [{"field": f, "source column": c} for f, c in found.column_mapping.items()]
        + [{"field": f, "source column": how} for f, how in found.derived_fields.items()]
    )
    lines = [
        f"File: {path.name} ({found.kind})",
        f"Sheet: {found.sheet or '-'}    header row: {found.header_row or '-'}    mapping: {found.mapping_name}",
        "Column mapping:",
        *_table(mapping, ["field", "source column"], limit=60),
        f"Unmapped columns: {', '.join(intake.unmapped_columns) or '(none)'}",
        f"Scoring inputs the source does not provide: {', '.join(intake.missing_inputs) or '(none)'}",
    ]
    if intake.derived_id:
        lines.append("Pilot IDs: derived from content (the source has no ID column)")
    lines += [
        f"Rows: {intake.total_rows:,} read, {len(intake.pilots):,} usable, {len(intake.rejected):,} rejected",
        f"Validation report ({len(intake.issues):,} issues):",
        *_table(intake.issues, ["row", "column", "value", "reason", "severity"], limit=args.limit),
    ]
    print("\n".join(map(printable, lines)))  # sheet and column names come from the file
    return 0 if len(intake.pilots) else 2


def cmd_import(args: argparse.Namespace) -> int:
    profile = load_profile(args.profile)
    intake = _read(args)
    if intake.pilots.empty:
        raise UsageError(
            f"{intake.source_name}: no usable pilot rows ({len(intake.rejected):,} rejected); nothing stored"
        )
    with PortfolioStore(args.db) as store:
        store.save_profile(profile.name, profile.version, profile.to_toml(), profile.content_hash)
        info = store.import_snapshot(
            intake,
            portfolio=args.portfolio,
            profile_name=profile.name,
            profile_version=profile.version,
            profile_hash=profile.content_hash,
        )
    state = "stored as" if info.is_new else "already stored (same file) as"
    print_line(
        f"{info.source_name}: {state} snapshot {info.snapshot_id} of '{info.portfolio}': "
        f"{info.pilots:,} pilots, {info.rejected:,} rejected, {info.issues:,} issues"
    )
    return 0


def cmd_snapshots(args: argparse.Namespace) -> int:
    with PortfolioStore(args.db, read_only=True) as store:
        snapshots = store.snapshots(args.portfolio)
    columns = [
        c
        for c in ("snapshot_id", "portfolio", "created_at", "source_name", "pilots", "rejected")
        if c in snapshots
    ]
    print("\n".join(_table(snapshots, columns, limit=1000)))
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    output = Path(args.output)
    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"the template is an .xlsx file: {output.name}")
    write_outputs({output: write_template})
    print_line(f"Wrote {output}")
    return 0


def _intake_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("input", help="portfolio register (.xlsx, .xlsm or .csv)")
    command.add_argument("--mapping", help="mapping profile name or TOML path (default: detected)")
    command.add_argument("--sheet", help="sheet to read (default: detected)")


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors (which quote the command line) printed escaped too."""

    def _print_message(self, message: str, file=None) -> None:
        if message:
            lines = message.split("\n")
            super()._print_message("\n".join(map(printable, lines)), file)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kairo", description="Kairo Portfolio Triage: score a portfolio of AI pilots.")
    commands = parser.add_subparsers(dest="command", required=True)

    scorer = commands.add_parser("score", help="score a register and write the scored table")
    _intake_options(scorer)
    scorer.add_argument("-o", "--output", required=True, help="scored output (.xlsx, .csv or .parquet)")
    scorer.add_argument("--profile", help="scoring profile TOML (default: the shipped profile)")
    scorer.set_defaults(handler=cmd_score)

    validator = commands.add_parser("validate", help="show what intake detects and the validation report")
    _intake_options(validator)
    validator.add_argument("--limit", type=int, default=50, help="issues to print (default 50)")
    validator.set_defaults(handler=cmd_validate)

    importer = commands.add_parser("import", help="store a register as a snapshot in the DuckDB store")
    _intake_options(importer)
    importer.add_argument("--db", required=True, help="DuckDB store file")
    importer.add_argument("--portfolio", default="Default portfolio", help="portfolio name")
    importer.add_argument("--profile", help="scoring profile TOML recorded with the snapshot")
    importer.set_defaults(handler=cmd_import)

    lister = commands.add_parser("snapshots", help="list the snapshots in a store")
    lister.add_argument("--db", required=True, help="DuckDB store file")
    lister.add_argument("--portfolio", help="only this portfolio")
    lister.set_defaults(handler=cmd_snapshots)

    template = commands.add_parser("template", help="write an empty register with dropdowns")
    template.add_argument("-o", "--output", required=True, help="template .xlsx")
    template.set_defaults(handler=cmd_template)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except KairoError as exc:
        print(f"kairo: {_one_line(exc)}", file=sys.stderr)
    except MemoryError:
        print("kairo: the input is too large to process in memory", file=sys.stderr)
    except OSError as exc:
        print(_one_line(f"kairo: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")), file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
