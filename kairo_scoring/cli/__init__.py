"""`kairo`: the same intake, scoring and store as batch jobs for PMOs.

Exit 0 on success; exit 2 with a one-line reason on unusable input (missing file, no
usable columns, malformed profile, locked store); never a traceback. A library error that
asks the user to change a choice (its ``remedy``) ends with the option that changes it.

This module wires the parser and runs a command (`main`); each command family lives in a
module of its own, its parser beside its handlers: `register` (validate, import, snapshots,
template), `score` (score, report, questions), `room` (deck, onepager), `assessment`,
`decisions` (decide, approve, reject, audit, decisions) and `store` (store copy, verify).
What they share is in `common` (INPUT, --profile, --db and the usage error) and `terminal`
(escaped lines and tables).

Each command imports the library parts it uses when it runs (only the errors are imported
here), so `kairo validate` loads the intake and the report, not the assessment, exports,
deck or scoring: the imports cost 0.4 s of CPU instead of 1 s before a byte is read.
"""

from __future__ import annotations

import argparse
import sys

from kairo_scoring.cli.assessment import (
    REJECTED_SUFFIXES,
    _add_assessment_commands,
    cmd_assessment_export,
    cmd_assessment_import,
)
from kairo_scoring.cli.common import (
    AS_OF_FORMAT,
    REMEDY_HINTS,
    UsageError,
    as_of_option,
    column_override,
    with_hint,
)
from kairo_scoring.cli.decisions import (
    DECISION_SUFFIXES,
    _add_decision_commands,
    cmd_audit,
    cmd_decide,
    cmd_decisions,
    cmd_sign_off,
)
from kairo_scoring.cli.register import (
    _add_register_commands,
    _add_template_command,
    cmd_import,
    cmd_snapshots,
    cmd_template,
    cmd_validate,
)
from kairo_scoring.cli.room import _add_room_commands, cmd_deck, cmd_onepager
from kairo_scoring.cli.score import (
    OUTPUT_SUFFIXES,
    QUESTION_SUFFIXES,
    WAITING_LIMIT,
    _add_loop_commands,
    _add_report_command,
    _add_score_command,
    cmd_questions,
    cmd_report,
    cmd_score,
    cmd_score_stored,
)
from kairo_scoring.cli.store import _add_store_commands, cmd_store_copy, cmd_store_verify
from kairo_scoring.cli.terminal import ESCAPED_CATEGORIES, _one_line, print_line, printable
from kairo_scoring.errors import KairoError

__all__ = [
    "AS_OF_FORMAT",
    "DECISION_SUFFIXES",
    "ESCAPED_CATEGORIES",
    "OUTPUT_SUFFIXES",
    "QUESTION_SUFFIXES",
    "REJECTED_SUFFIXES",
    "REMEDY_HINTS",
    "WAITING_LIMIT",
    "UsageError",
    "as_of_option",
    "build_parser",
    "cmd_assessment_export",
    "cmd_assessment_import",
    "cmd_audit",
    "cmd_decide",
    "cmd_decisions",
    "cmd_deck",
    "cmd_import",
    "cmd_onepager",
    "cmd_questions",
    "cmd_report",
    "cmd_score",
    "cmd_score_stored",
    "cmd_sign_off",
    "cmd_snapshots",
    "cmd_store_copy",
    "cmd_store_verify",
    "cmd_template",
    "cmd_validate",
    "column_override",
    "main",
    "print_line",
    "printable",
    "subcommand_options",
    "with_hint",
]


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors (which quote the command line) printed escaped too."""

    def _print_message(self, message: str, file=None) -> None:
        if message:
            lines = message.split("\n")
            super()._print_message("\n".join(map(printable, lines)), file)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kairo", description="Kairo Portfolio Triage: score a portfolio of AI pilots.")
    commands = parser.add_subparsers(dest="command", required=True)
    # in the order `kairo --help` lists them
    _add_score_command(commands)
    _add_register_commands(commands)
    _add_report_command(commands)
    _add_room_commands(commands)
    _add_loop_commands(commands)
    _add_assessment_commands(commands)
    _add_decision_commands(commands)
    _add_store_commands(commands)
    _add_template_command(commands)
    return parser


def subcommand_options(parser: argparse.ArgumentParser, command: str) -> frozenset[str]:
    """Every option string (``-o``, ``--output`` …) the subcommand `command` accepts."""
    for action in parser._actions:  # argparse keeps its subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            return frozenset(action.choices[command]._option_string_actions)
    return frozenset()


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
