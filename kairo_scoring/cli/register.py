"""`kairo validate`, `import`, `snapshots` and `template`: a register in, checked or stored.

`validate` prints what intake detects and the validation report (it loads the intake and the
report only: issue 12); `import` stores a register as a snapshot, dated by --as-of or the
file's own save date; `snapshots` lists a store's snapshots; `template` writes an empty
register with dropdowns.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pandas as pd

from kairo_scoring.cli.common import (
    UsageError,
    _existing,
    _intake_options,
    _load_profile,
    _read,
    _why,
    as_of_option,
)
from kairo_scoring.cli.terminal import _table, print_line, printable
from kairo_scoring.errors import Remedy


def cmd_validate(args: argparse.Namespace) -> int:
    from kairo_scoring.present import count_phrase, issue_group_sentences
    from kairo_scoring.views import issue_groups

    path = _existing(args.input)
    intake = _read(args)  # the workbook is read once: the detection comes with the result
    found = intake.detection
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
        f"Rows: {intake.total_rows:,} read, {len(intake.pilots):,} usable, {len(intake.rejected):,} rejected"
        + (f"; {skipped}" if (skipped := intake.skipped_phrase()) else ""),
        f"Validation report ({len(intake.issues):,} issues):",
        *_table(intake.issues, ["row", "column", "value", "reason", "severity"], limit=args.limit),
    ]
    groups = issue_groups(intake.issues, intake.column_mapping).groups
    if len(groups):  # the same problems counted by column and value, largest first
        lines.append(f"Problems by column and value ({count_phrase(len(groups), 'group')}):")
        lines += [f"  {sentence}" for sentence in issue_group_sentences(groups.head(args.limit))]
        if len(groups) > args.limit:
            lines.append(f"  … and {len(groups) - args.limit:,} more")
    print("\n".join(map(printable, lines)))  # sheet and column names come from the file
    return 0 if len(intake.pilots) else 2


def _as_of(args: argparse.Namespace, given: date | None) -> tuple[date | None, str]:
    """The as-of date to store and where it came from: --as-of, else the file's own save date,
    else none (the store dates the snapshot today)."""
    from kairo_scoring.intake import file_as_of

    if given is not None:
        return given, "--as-of"
    found = file_as_of(Path(args.input))
    if found is not None:
        return found, "the file's save date; --as-of sets another"
    return None, "today: the file records no date; --as-of sets another"


def cmd_import(args: argparse.Namespace) -> int:
    from kairo_scoring.present import as_of_text
    from kairo_scoring.store import PortfolioStore
    from kairo_scoring.views import store_profile_version

    given = as_of_option(args.as_of)  # a bad date is refused before the file is read
    profile = _load_profile(args)
    intake = _read(args)
    as_of, as_of_source = _as_of(args, given)
    if intake.pilots.empty:
        raise UsageError(
            f"{intake.source_name}: no usable pilot rows ({len(intake.rejected):,} rejected); nothing stored; "
            f"{_why(args)}"
        )
    with PortfolioStore(args.db) as store:
        store_profile_version(store, profile)
        info = store.import_snapshot(
            intake,
            portfolio=args.portfolio,
            profile_name=profile.name,
            profile_version=profile.version,
            profile_hash=profile.content_hash,
            as_of=as_of,
        )
    state = "stored as" if info.is_new else "already stored (same file) as"
    dated = as_of_text(info.as_of) + (f" ({as_of_source})" if info.is_new else " (kept from that import)")
    print_line(
        f"{info.source_name}: {state} snapshot {info.snapshot_id} of '{info.portfolio}': "
        f"{info.pilots:,} pilots, {info.rejected:,} rejected, {info.issues:,} issues; {dated}"
    )
    return 0


def cmd_snapshots(args: argparse.Namespace) -> int:
    from kairo_scoring.store import PortfolioStore

    with PortfolioStore(args.db, read_only=True) as store:
        snapshots = store.snapshots(args.portfolio)
    columns = [
        c
        for c in ("snapshot_id", "portfolio", "as_of", "created_at", "source_name", "pilots", "rejected")
        if c in snapshots
    ]
    print("\n".join(_table(snapshots, columns, limit=1000)))
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from kairo_scoring.exports import write_outputs
    from kairo_scoring.intake import write_template

    output = Path(args.output)
    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"the template is an .xlsx file: {output.name}", remedy=Remedy.OUTPUT_PATH)
    write_outputs({output: write_template})
    print_line(f"Wrote {output}")
    return 0


def _add_register_commands(commands) -> None:
    """`validate`, `import` and `snapshots`."""
    validator = commands.add_parser("validate", help="show what intake detects and the validation report")
    _intake_options(validator)
    validator.add_argument("--limit", type=int, default=50, help="issues to print (default 50)")
    validator.set_defaults(handler=cmd_validate)

    importer = commands.add_parser("import", help="store a register as a snapshot in the DuckDB store")
    _intake_options(importer)
    importer.add_argument("--db", required=True, help="DuckDB store file")
    importer.add_argument("--portfolio", default="Default portfolio", help="portfolio name")
    importer.add_argument("--profile", help="scoring profile TOML recorded with the snapshot")
    importer.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="the date the register describes (default: the file's own save date, else today)",
    )
    importer.set_defaults(handler=cmd_import)

    lister = commands.add_parser("snapshots", help="list the snapshots in a store")
    lister.add_argument("--db", required=True, help="DuckDB store file")
    lister.add_argument("--portfolio", help="only this portfolio")
    lister.set_defaults(handler=cmd_snapshots)


def _add_template_command(commands) -> None:
    """`template`: an empty register to fill in."""
    template = commands.add_parser("template", help="write an empty register with dropdowns")
    template.add_argument("-o", "--output", required=True, help="template .xlsx")
    template.set_defaults(handler=cmd_template)
