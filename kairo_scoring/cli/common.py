"""The plumbing every `kairo` command shares: reading INPUT, the profile and the store.

The usage error and the hints that turn a library error's remedy into the option that fixes
it (`with_hint`); the intake options (INPUT, --mapping, --sheet, --column) and reading the
register with them; --profile; --as-of; and finding the store, portfolio, snapshot and the
profile recorded with it that --db, --portfolio and --snapshot name. Each helper imports the
library part it needs when it runs, so importing this module costs nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kairo_scoring.cli.terminal import _one_line, printable
from kairo_scoring.errors import KairoError, ProfileError, Remedy

if TYPE_CHECKING:
    from kairo_scoring.intake import IntakeResult
    from kairo_scoring.profile import Profile
    from kairo_scoring.store import PortfolioStore


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


def with_hint(exc: KairoError, options: frozenset[str]) -> str:
    """The error's message, with the option that makes the choice its remedy asks to change."""
    message = _one_line(exc)
    option, hint = REMEDY_HINTS.get(exc.remedy, ("", ""))
    if option not in options:
        return message
    return f"{message.rstrip('.')} ({hint})."


def _why(args: argparse.Namespace) -> str:
    return f"'kairo validate {args.input}' shows why"


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


def _optional_input(command: argparse.ArgumentParser) -> None:
    for action in command._actions:  # INPUT is optional: --db reads a stored snapshot instead
        if action.dest == "input":
            action.nargs, action.default = "?", None


def _source_choice(args: argparse.Namespace) -> None:
    if (args.input is None) == (args.db is None):
        raise UsageError("give either a register (INPUT) or a store (--db), not both or neither")


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


def _store_label(location: str) -> str:
    """A store as messages show it: a URL without its password, a path as given."""
    from kairo_scoring.store import is_database_url
    from kairo_scoring.store.location import safe_label

    return safe_label(location) if is_database_url(location) else location


def _existing_store(args: argparse.Namespace) -> str:
    from kairo_scoring.store import is_database_url

    if not is_database_url(args.db) and not Path(args.db).is_file():
        raise UsageError(
            f"no store at {_store_label(args.db)}: check --db, or store a register first with kairo import"
        )
    return args.db


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
