"""`kairo`: the same intake, scoring and store as batch jobs for PMOs.

Exit 0 on success; exit 2 with a one-line reason on unusable input (missing file, no
usable columns, malformed profile, locked store); never a traceback. A library error that
asks the user to change a choice (its ``remedy``) ends with the option that changes it.

Over 400 lines because it is the one command-line entry point: each subcommand's parser and handler
sit together, and every one of them shares the same input, store and error plumbing defined here.

Each command imports the library parts it uses when it runs (only the errors are imported
here), so `kairo validate` loads the intake and the report, not the assessment, exports,
deck or scoring: the imports cost 0.4 s of CPU instead of 1 s before a byte is read.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
import unicodedata
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from kairo_scoring.errors import KairoError, OutputError, ProfileError, Remedy

if TYPE_CHECKING:
    from kairo_scoring.access import Actor
    from kairo_scoring.intake import IntakeResult
    from kairo_scoring.profile import Profile
    from kairo_scoring.scoring import ScoredPortfolio
    from kairo_scoring.store import PortfolioStore, TableCheck

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


# Where the CLI lets the user make the choice an error's remedy asks to change: the option
# (which must be one the subcommand accepts, or no hint is added) and how to say it.
REMEDY_HINTS: dict[Remedy, tuple[str, str]] = {
    Remedy.NAME_COLUMN: ("--column", "pass --column name=HEADER"),
    Remedy.COLUMN: ("--column", "pass --column FIELD=HEADER"),
    Remedy.SHEET: ("--sheet", "pass --sheet NAME"),
    Remedy.MAPPING: ("--mapping", "check --mapping"),
    Remedy.SCORING_PROFILE: ("--profile", "check --profile"),
    Remedy.STORE_PATH: ("--db", "pass another --db"),
    Remedy.OUTPUT_PATH: ("--output", "pass another -o/--output"),
}


class UsageError(KairoError):
    """The command line asks for something that cannot be done (exit 2)."""


def _existing(path_text: str) -> Path:
    path = Path(path_text)
    if not path.is_file():
        raise UsageError(f"input file not found: {path}; check the INPUT path")
    return path


def column_override(text: str) -> tuple[str, str]:
    """One ``--column FIELD=HEADER`` as (field, header); an empty HEADER unmaps the field."""
    field, equals, header = text.partition("=")
    if not equals or not field.strip():
        raise argparse.ArgumentTypeError(f"expected FIELD=HEADER, e.g. name='Use case name'; got {text!r}")
    return field.strip(), header.strip()


def _column_overrides(args: argparse.Namespace) -> dict[str, str] | None:
    """The --column options as intake's column overrides (the Intake page's mapping edits)."""
    overrides: dict[str, str] = {}
    for field, header in args.column or ():
        if field in overrides and overrides[field] != header:
            raise UsageError(f"--column {field}= is given twice ({overrides[field]!r}, {header!r}); keep one")
        overrides[field] = header
    return overrides or None


def _read(args: argparse.Namespace) -> IntakeResult:
    from kairo_scoring.intake import read_portfolio

    intake = read_portfolio(
        _existing(args.input),
        mapping=args.mapping,
        sheet=args.sheet,
        column_overrides=_column_overrides(args),
        accept_suggestions=True,
    )
    _say_accepted(intake.detection)
    return intake


def _say_accepted(found) -> None:
    """One line (on stderr, beside the output) per confident suggestion intake applied."""
    for taken in found.accepted if found is not None else ():
        print(
            printable(
                f"Using column '{taken.column}' as the pilot {taken.field} (no header names it; from its "
                f"content, confidence {taken.confidence:.0%}); pass --column {taken.field}=HEADER to choose another."
            ),
            file=sys.stderr,
        )


def _load_profile(args: argparse.Namespace):
    """The --profile file (or the shipped profile); a malformed file names --profile to fix."""
    from kairo_scoring.profile import load_profile

    try:
        return load_profile(args.profile)
    except ProfileError as exc:
        if args.profile is None:
            raise
        raise ProfileError(exc.key, exc.problem, remedy=Remedy.SCORING_PROFILE) from None


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
    from kairo_scoring.present import count_phrase, option_label, verdict_label

    lines = [
        f"Scored {count_phrase(len(result.table), 'pilot')} with profile {result.profile.label} "
        f"({result.profile.content_hash})"
    ]
    summary = result.summary()
    names = {"verdict": verdict_label, "recommended": option_label}
    for what, title in (("verdict", "Verdict"), ("recommended", "Recommended option")):
        lines.append(f"{title}:")
        lines += [
            f"  {names[what](row.value):<26} {row.pilots:>9,}"
            for row in summary[summary["what"] == what].itertuples()
        ]
    return lines


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


AS_OF_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")


def as_of_option(text: str | None) -> date | None:
    """``--as-of YYYY-MM-DD``: the date a snapshot's data describes (None when not given)."""
    if text is None:
        return None
    text = text.strip()
    try:
        if AS_OF_FORMAT.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise UsageError(f"--as-of takes a date as YYYY-MM-DD, e.g. 2025-09-30; got '{printable(text)}'")


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


# --- for the room: the boardroom deck and a pilot's one-pager ---------------------------------
def _room_source(args: argparse.Namespace):
    """(scored, portfolio, snapshot label, decisions or None, provenance or None) of INPUT or of a
    stored snapshot (--snapshot, else the latest), scored as `kairo score --db` scores it. With
    --anonymise the label leaves out the file's name, as presentation mode does."""
    from kairo_scoring.present import snapshot_label
    from kairo_scoring.scoring import score
    from kairo_scoring.store import PortfolioStore

    hide_file = bool(getattr(args, "anonymise", False))
    if args.db is None:
        intake = _read(args)
        if intake.pilots.empty:
            raise UsageError(
                f"{intake.source_name}: no usable pilot rows ({len(intake.rejected):,} rejected); {_why(args)}"
            )
        label = "" if hide_file else intake.source_name
        scored = score(intake.pilots, _load_profile(args))
        return scored, args.portfolio or Path(args.input).stem, label, None, intake.provenance
    with PortfolioStore(_existing_store(args), read_only=True) as store:
        portfolio, snapshot_id = _stored_snapshot(args, store)
        profile = (
            _load_profile(args)
            if args.profile
            else (_stored_profile(store, snapshot_id) or _load_profile(args))
        )
        pilots = store.load_pilots(snapshot_id)
        listed = store.snapshots(portfolio).set_index("snapshot_id").loc[snapshot_id]
        decisions = store.decisions(portfolio)
        provenance = store.load_provenance(snapshot_id)
    label = snapshot_label(snapshot_id, listed["as_of"], None if hide_file else str(listed["source_name"]))
    return score(pilots, profile), portfolio, label, decisions, provenance


def _room_output(args: argparse.Namespace, suffixes: tuple[str, ...], what: str) -> tuple[Path, list[Path]]:
    from kairo_scoring.exports import check_output

    output = Path(args.output)
    if output.suffix.lower() not in suffixes:
        raise UsageError(f"the {what} is a {suffixes[0]} file: {output.name}", remedy=Remedy.OUTPUT_PATH)
    _source_choice(args)
    inputs = [Path(p) for p in (args.input, args.db, args.profile, args.mapping) if p and Path(p).is_file()]
    check_output(output, inputs=inputs)
    return output, inputs


def _known_pilots(scored: ScoredPortfolio, portfolio: str, pilot_ids) -> None:
    known = set(scored.table["pilot_id"].astype(str))
    unknown = [p for p in pilot_ids if p not in known]
    if unknown:
        raise UsageError(f"'{portfolio}' has no pilot {', '.join(unknown)}: check the pilot ID")


def cmd_deck(args: argparse.Namespace) -> int:
    """`kairo deck`: the boardroom deck (.pptx, native charts), as the Export page builds it."""
    from kairo_scoring.deck import portfolio_deck
    from kairo_scoring.exports import write_outputs

    output, inputs = _room_output(args, (".pptx",), "deck")
    scored, portfolio, label, decisions, _ = _room_source(args)
    _known_pilots(scored, portfolio, args.pilot or [])
    deck = portfolio_deck(
        scored,
        portfolio=portfolio,
        snapshot_label=label,
        decisions=decisions,
        pilots=args.pilot or (),
        anonymise=args.anonymise,
    )
    write_outputs({output: lambda temp: temp.write_bytes(deck)}, inputs=inputs)
    for line in _score_summary(scored):
        print_line(line)
    print_line(f"Wrote {output}")
    return 0


def cmd_onepager(args: argparse.Namespace) -> int:
    """`kairo onepager`: one pilot's printable one-page HTML, as the Pilot page offers it."""
    from kairo_scoring.exports import write_outputs
    from kairo_scoring.present import pilot_onepager_html
    from kairo_scoring.views import anonymise, with_table

    output, inputs = _room_output(args, (".html", ".htm"), "one-pager")
    scored, portfolio, label, decisions, provenance = _room_source(args)
    _known_pilots(scored, portfolio, [args.pilot_id])
    shown = with_table(scored, anonymise(scored.table)) if args.anonymise else scored
    page = pilot_onepager_html(
        shown,
        args.pilot_id,
        portfolio=portfolio,
        snapshot=label,
        provenance=provenance,
        decisions=decisions,
        anonymised=args.anonymise,
    )
    write_outputs({output: lambda temp: temp.write_text(page, encoding="utf-8")}, inputs=inputs)
    print_line(f"Wrote {output}")
    return 0


def _add_room_commands(commands) -> None:
    """`deck` and `onepager`: what a consultant leaves behind."""
    decker = commands.add_parser("deck", help="write the boardroom deck (.pptx with native charts)")
    onepager = commands.add_parser("onepager", help="write one pilot's printable one-page HTML")
    for command, handler in ((decker, cmd_deck), (onepager, cmd_onepager)):
        _intake_options(command)
        _optional_input(command)
        command.add_argument("--db", help="DuckDB store file: read a stored snapshot instead of INPUT")
        command.add_argument("--portfolio", help="portfolio in the store (needed when it holds several)")
        command.add_argument("--snapshot", type=int, help="snapshot ID in the store (default: the latest)")
        command.add_argument("--profile", help="scoring profile TOML (default: the snapshot's)")
        command.add_argument("--anonymise", action="store_true", help="every name and owner as its alias")
        command.set_defaults(handler=handler)
    decker.add_argument("--pilot", action="append", metavar="ID", help="an appendix pilot (repeatable)")
    decker.add_argument("-o", "--output", required=True, help="deck .pptx")
    onepager.add_argument("pilot_id", metavar="PILOT_ID", help="the pilot's ID")
    onepager.add_argument("-o", "--output", required=True, help="one-pager .html (self-contained)")


# --- the assessment loop: scoring a stored snapshot, the deciding questions ---------------
QUESTION_SUFFIXES = (".csv", ".xlsx")
WAITING_LIMIT = 20  # owners (or units) listed before "and N more"


def _stored_profile(store: PortfolioStore, snapshot_id: int) -> Profile | None:
    """The profile recorded with the snapshot, or with the snapshot its answers were laid
    over (an answers snapshot may record none); None when no snapshot in the chain has one."""
    from kairo_scoring.profile import profile_from_toml

    seen: set[int] = set()
    current: int | None = snapshot_id
    while current is not None and current not in seen:
        seen.add(current)
        info = store.snapshot_info(current)
        if info.profile_name is not None and info.profile_version is not None:
            return profile_from_toml(store.load_profile_text(info.profile_name, info.profile_version))
        current = info.base_snapshot_id
    return None


def _stored_snapshot(args: argparse.Namespace, store: PortfolioStore) -> tuple[str, int]:
    """(portfolio, snapshot ID) that --portfolio and --snapshot name (the latest by default)."""
    from kairo_scoring.present import count_phrase

    names = store.portfolios()["portfolio"].astype(str).tolist()
    portfolio = args.portfolio or (names[0] if len(names) == 1 else None)
    if portfolio is None:
        raise UsageError(
            f"{_store_label(args.db)} holds {count_phrase(len(names), 'portfolio')}: name one with --portfolio "
            f"({', '.join(names) or 'none yet: import one with kairo import'})"
        )
    if portfolio not in names:
        raise UsageError(
            f"{_store_label(args.db)} has no portfolio '{portfolio}': check --portfolio ({', '.join(names) or 'none yet'})"
        )
    wanted = getattr(args, "snapshot", None)
    if wanted is None:
        latest = store.latest_snapshot_id(portfolio)
        if latest is None:
            raise UsageError(
                f"{_store_label(args.db)} has no snapshot of '{portfolio}': store one with kairo import"
            )
        return portfolio, latest
    ids = store.snapshots(portfolio)["snapshot_id"].astype(int).tolist()
    if wanted not in ids:
        raise UsageError(
            f"'{portfolio}' has no snapshot {wanted}: check --snapshot (kairo snapshots --db {_store_label(args.db)} lists them)"
        )
    return portfolio, wanted


def _source_choice(args: argparse.Namespace) -> None:
    if (args.input is None) == (args.db is None):
        raise UsageError("give either a register (INPUT) or a store (--db), not both or neither")


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


# --- the assessment workbooks: out to owners or units, answers back in ---------------------
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


# --- decisions, sign-off and the audit trail -------------------------------------------------
# Who the CLI acts for: with --user NAME, that name, with the role the roles file ($KAIRO_ROLES,
# else .streamlit/roles.toml) gives it as the app gives a signed-in email, recorded unverified;
# without --user, the OS user as the local operator (every role, as for every other subcommand).
DECISION_SUFFIXES = (".csv", ".xlsx")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "local operator"


def _cli_actor(args: argparse.Namespace) -> Actor:
    from kairo_scoring.access import Actor, roles_file_path

    if args.user is None:
        return Actor.local(_os_user())
    if not args.user.strip():
        raise UsageError("--user needs a name (or leave it out to act as the OS user)")
    return Actor.named(args.user, roles_path=roles_file_path())


def _identity(actor: Actor) -> str:
    return f"{actor.who}, {'signed in' if actor.verified else 'unverified'}"


def _existing_store(args: argparse.Namespace) -> str:
    from kairo_scoring.store import is_database_url

    if not is_database_url(args.db) and not Path(args.db).is_file():
        raise UsageError(
            f"no store at {_store_label(args.db)}: check --db, or store a register first with kairo import"
        )
    return args.db


def _date_option(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} takes a date as YYYY-MM-DD; got {text!r}") from None


def cmd_decide(args: argparse.Namespace) -> int:
    """`kairo decide`: record a decision on one or more pilots of the latest (or --snapshot) snapshot."""
    from kairo_scoring.decisions import DecisionKind, record_decisions
    from kairo_scoring.present import decision_kind_label, option_label
    from kairo_scoring.scoring import score
    from kairo_scoring.store import PortfolioStore

    actor = _cli_actor(args)
    if args.accept:
        kind, option = DecisionKind.ACCEPT, None
    elif args.option is not None:
        kind, option = DecisionKind.OVERRIDE, args.option
    elif args.defer is not None:
        kind, option = DecisionKind.DEFER, None
    else:
        kind, option = DecisionKind.RETIRE, None
    review_date = _date_option(args.defer, "--defer")
    with PortfolioStore(_existing_store(args)) as store:
        _, snapshot_id = _stored_snapshot(args, store)
        profile = (
            _load_profile(args)
            if args.profile
            else (_stored_profile(store, snapshot_id) or _load_profile(args))
        )
        scored = score(store.load_pilots(snapshot_id), profile)
        ids = record_decisions(
            store,
            scored,
            snapshot_id,
            args.pilot_ids,
            kind,
            option=option,
            reason=args.reason or "",
            review_date=review_date,
            actor=actor,
        )
        recorded = store.decisions(args.portfolio).set_index("decision_id")
    for decision_id in ids:
        row = recorded.loc[decision_id]
        chosen = "" if pd.isna(row["option"]) else f": {option_label(row['option'])}"
        print_line(
            f"Decision {decision_id} on pilot {row['pilot_id']} (snapshot {snapshot_id}): "
            f"{decision_kind_label(row['kind'])}{chosen}; proposed by {_identity(actor)}; awaiting sign-off"
        )
    return 0


def cmd_sign_off(args: argparse.Namespace) -> int:
    """`kairo approve` / `kairo reject`: sign off proposed decisions."""
    from kairo_scoring.present import decision_status_label
    from kairo_scoring.store import PortfolioStore

    actor = _cli_actor(args)
    approve = args.command == "approve"
    with PortfolioStore(_existing_store(args)) as store:
        sign = store.approve_decisions if approve else store.reject_decisions
        ids = sign(args.decision_ids, comment=args.comment or "", actor=actor)
    status = decision_status_label("approved" if approve else "rejected").lower()
    for decision_id in ids:
        print_line(f"Decision {decision_id} {status} by {_identity(actor)}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """`kairo audit`: the audit trail, printed or written to -o (.csv)."""
    from kairo_scoring.exports import check_output, write_audit
    from kairo_scoring.present import audit_action_label, count_phrase, time_text
    from kairo_scoring.store import PortfolioStore

    actor = _cli_actor(args)
    since, until = _date_option(args.since, "--since"), _date_option(args.until, "--until")
    output = None if args.output is None else Path(args.output)
    if output is not None:
        check_output(output, inputs=[Path(args.db)])
    with PortfolioStore(_existing_store(args), read_only=True) as store:
        trail = store.audit(since, until=until, portfolio=args.portfolio, actor=actor)
    if output is not None:
        write_audit(output, trail, inputs=[Path(args.db)])
        print_line(f"Wrote {count_phrase(len(trail), 'audit row')} to {output}")
        return 0
    shown = trail.assign(
        recorded_at=[time_text(t) for t in trail["recorded_at"]],
        verified=["signed in" if v else "unverified" for v in trail["verified"]],
        action=[audit_action_label(a) for a in trail["action"]],
    )
    columns = ["audit_id", "recorded_at", "who", "verified", "role", "action", "object_id", "detail"]
    print("\n".join(_table(shown, columns, limit=max(len(shown), 1))))
    return 0


def cmd_decisions(args: argparse.Namespace) -> int:
    """`kairo decisions`: a portfolio's decision log, printed or written to -o (.csv or .xlsx)."""
    from kairo_scoring.exports import check_output, write_decisions
    from kairo_scoring.present import count_phrase, decision_log, field_label
    from kairo_scoring.store import PortfolioStore

    output = None if args.output is None else Path(args.output)
    if output is not None:
        if output.suffix.lower() not in DECISION_SUFFIXES:
            raise UsageError(
                f"decisions are written as .csv or .xlsx: {output.name}", remedy=Remedy.OUTPUT_PATH
            )
        check_output(output, inputs=[Path(args.db)])
    with PortfolioStore(_existing_store(args), read_only=True) as store:
        portfolio, snapshot_id = _stored_snapshot(args, store)
        decisions = store.decisions(portfolio)
        pilots = store.load_pilots(snapshot_id)
    names = dict(zip(pilots["pilot_id"].astype(str), pilots["name"].astype(str), strict=True))
    if output is not None:
        write_decisions(output, decisions, names=names, inputs=[Path(args.db)])
        print_line(f"Wrote {count_phrase(len(decisions), 'decision')} of '{portfolio}' to {output}")
        return 0
    log = decision_log(decisions, names=names)
    columns = [
        "Decision",
        field_label("pilot_id"),
        "Decision taken",
        "Option",
        "Proposed by",
        "Status",
        "Signed off by",
    ]
    print("\n".join(_table(log, columns, limit=max(len(log), 1))))
    return 0


def _print_checks(checks: list[TableCheck], *, source: str, target: str) -> int:
    """One line per table (rows, hash, match); exit 2 with one line when any table differs."""
    for check in checks:
        state = (
            "matches"
            if check.matches
            else f"DIFFERS (source {check.source_rows} rows, {check.source_hash[:12]})"
        )
        print_line(f"  {check.table}: {check.target_rows} rows, {check.target_hash[:12]}, {state}")
    differing = [check.table for check in checks if not check.matches]
    if differing:
        raise UsageError(
            f"{target} differs from {source} in {', '.join(differing)}: copy again into a new, empty store"
        )
    print_line(f"Verified: every table of {target} matches {source} (row counts and content hashes).")
    return 0


def _store_label(location: str) -> str:
    """A store as messages show it: a URL without its password, a path as given."""
    from kairo_scoring.store import is_database_url
    from kairo_scoring.store.postgres_backend import safe_label

    return safe_label(location) if is_database_url(location) else location


def cmd_store_copy(args: argparse.Namespace) -> int:
    """`kairo store copy`: every table of one store into a new, empty one (either backend)."""
    from kairo_scoring.store import copy_store

    checks = copy_store(args.source, args.target)
    rows = sum(check.target_rows for check in checks)
    source, target = _store_label(args.source), _store_label(args.target)
    print_line(f"Copied {source} to {target}: {len(checks)} tables, {rows} rows.")
    return _print_checks(checks, source=source, target=target) if args.verify else 0


def cmd_store_verify(args: argparse.Namespace) -> int:
    """`kairo store verify`: compare two stores table by table (after a copy)."""
    from kairo_scoring.store import compare_stores

    checks = compare_stores(args.source, args.target)
    return _print_checks(checks, source=_store_label(args.source), target=_store_label(args.target))


def _add_store_commands(commands) -> None:
    """`store copy` and `store verify`: move a store to another backend (docs/deploy.md)."""
    store = commands.add_parser(
        "store", help="copy a whole store to another (DuckDB ↔ PostgreSQL) and verify it"
    )
    steps = store.add_subparsers(dest="store_command", required=True)
    for name, handler, text in (
        ("copy", cmd_store_copy, "copy every table, ids and sequences included, into a new, empty store"),
        ("verify", cmd_store_verify, "compare two stores' row counts and content hashes, table by table"),
    ):
        step = steps.add_parser(name, help=text)
        step.add_argument(
            "--from", dest="source", required=True, help="source store: DuckDB file or postgresql:// URL"
        )
        step.add_argument(
            "--to", dest="target", required=True, help="target store: DuckDB file or postgresql:// URL"
        )
        step.set_defaults(handler=handler)
    steps.choices["copy"].add_argument(
        "--verify",
        action="store_true",
        help="then compare row counts and content hashes (exit 2 on a difference)",
    )


def _user_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--user",
        help="act as NAME, with the role the roles file ($KAIRO_ROLES) gives it; recorded unverified "
        "(default: the OS user, as the local operator)",
    )


def _add_decision_commands(commands) -> None:
    """`decide`, `approve`, `reject`, `audit` and `decisions`."""
    decide = commands.add_parser("decide", help="record a decision on pilots of a stored portfolio")
    decide.add_argument("pilot_ids", nargs="+", metavar="PILOT_ID", help="the pilot(s) decided on")
    decide.add_argument("--db", required=True, help="DuckDB store file")
    decide.add_argument("--portfolio", required=True, help="portfolio in the store")
    decide.add_argument("--snapshot", type=int, help="snapshot ID decided on (default: the latest)")
    decide.add_argument("--profile", help="scoring profile TOML (default: the snapshot's)")
    choice = decide.add_mutually_exclusive_group(required=True)
    choice.add_argument("--accept", action="store_true", help="accept the recommendation")
    choice.add_argument("--option", help="choose this option instead (an override: give --reason)")
    choice.add_argument("--defer", metavar="DATE", help="decide later, on this review date (YYYY-MM-DD)")
    choice.add_argument("--retire", action="store_true", help="retire the pilot")
    decide.add_argument("--reason", help="why (required with --option)")
    _user_option(decide)
    decide.set_defaults(handler=cmd_decide)
    for name, verb in (("approve", "approve"), ("reject", "reject")):
        signer = commands.add_parser(name, help=f"{verb} proposed decisions (approver role)")
        signer.add_argument("decision_ids", nargs="+", type=int, metavar="DECISION_ID")
        signer.add_argument("--db", required=True, help="DuckDB store file")
        signer.add_argument("--comment", help="the sign-off comment")
        _user_option(signer)
        signer.set_defaults(handler=cmd_sign_off)
    auditor = commands.add_parser("audit", help="print the audit trail of every write (approver role)")
    auditor.add_argument("--db", required=True, help="DuckDB store file")
    auditor.add_argument("--since", metavar="DATE", help="from this day on (YYYY-MM-DD, UTC)")
    auditor.add_argument("--until", metavar="DATE", help="up to and including this day (YYYY-MM-DD, UTC)")
    auditor.add_argument("--portfolio", help="only this portfolio's writes")
    auditor.add_argument("-o", "--output", help="write it as .csv instead of printing it")
    _user_option(auditor)
    auditor.set_defaults(handler=cmd_audit)
    lister = commands.add_parser("decisions", help="print or write a portfolio's decision log")
    lister.add_argument("--db", required=True, help="DuckDB store file")
    lister.add_argument("--portfolio", required=True, help="portfolio in the store")
    lister.add_argument("-o", "--output", help="write it as .csv or .xlsx instead of printing it")
    lister.set_defaults(handler=cmd_decisions)


def _optional_input(command: argparse.ArgumentParser) -> None:
    for action in command._actions:  # INPUT is optional: --db reads a stored snapshot instead
        if action.dest == "input":
            action.nargs, action.default = "?", None


def _intake_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("input", help="portfolio register (.xlsx, .xlsm, .xls, .xlsb, .ods or .csv)")
    command.add_argument("--mapping", help="mapping profile name or TOML path (default: detected)")
    command.add_argument("--sheet", help="sheet to read (default: detected)")
    command.add_argument(
        "--column",
        action="append",
        type=column_override,
        metavar="FIELD=HEADER",
        help="read FIELD from the column HEADER, as the Intake page's mapping does (repeatable; "
        "FIELD= unmaps it)",
    )


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
    scorer.add_argument(
        "--profile",
        help="scoring profile TOML (default: the shipped profile; with --db the one recorded with the snapshot)",
    )
    scorer.set_defaults(handler=cmd_score)
    _optional_input(scorer)
    scorer.add_argument("--db", help="DuckDB store file: score a stored snapshot instead of INPUT")
    scorer.add_argument("--portfolio", help="portfolio in the store (needed when it holds several)")
    scorer.add_argument("--snapshot", type=int, help="snapshot ID in the store (default: the latest)")

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

    _add_room_commands(commands)
    _add_loop_commands(commands)
    _add_assessment_commands(commands)
    _add_decision_commands(commands)
    _add_store_commands(commands)

    template = commands.add_parser("template", help="write an empty register with dropdowns")
    template.add_argument("-o", "--output", required=True, help="template .xlsx")
    template.set_defaults(handler=cmd_template)
    return parser


def subcommand_options(parser: argparse.ArgumentParser, command: str) -> frozenset[str]:
    """Every option string (``-o``, ``--output`` …) the subcommand `command` accepts."""
    for action in parser._actions:  # argparse keeps its subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            return frozenset(action.choices[command]._option_string_actions)
    return frozenset()


def with_hint(exc: KairoError, options: frozenset[str]) -> str:
    """The error's message, with the option that makes the choice its remedy asks to change."""
    message = _one_line(exc)
    option, hint = REMEDY_HINTS.get(exc.remedy, ("", ""))
    if option not in options:
        return message
    return f"{message.rstrip('.')} ({hint})."


def _why(args: argparse.Namespace) -> str:
    return f"'kairo validate {args.input}' shows why"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except KairoError as exc:
        print(f"kairo: {with_hint(exc, subcommand_options(parser, args.command))}", file=sys.stderr)
    except MemoryError:
        print("kairo: the input is too large to process in memory", file=sys.stderr)
    except OSError as exc:
        print(_one_line(f"kairo: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")), file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
