"""`kairo store copy` and `store verify`: move a store to another backend (docs/deploy.md).

`copy` writes every table of one store (DuckDB or PostgreSQL) into a new, empty one; `verify`
compares two stores table by table, by row counts and content hashes.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from kairo_scoring.cli.common import UsageError, _store_label
from kairo_scoring.cli.terminal import print_line

if TYPE_CHECKING:
    from kairo_scoring.store import TableCheck


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
