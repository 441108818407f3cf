"""`kairo decide`, `approve`, `reject`, `audit` and `decisions`: governed decisions.

A decision recorded on pilots of a stored snapshot, signed off by another person, the audit
trail of every write and a portfolio's decision log, printed or written to -o. Who the CLI
acts for (`_cli_actor`) is decided here.
"""

from __future__ import annotations

import argparse
import getpass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from kairo_scoring.cli.common import (
    UsageError,
    _existing_store,
    _load_profile,
    _stored_profile,
    _stored_snapshot,
)
from kairo_scoring.cli.terminal import _table, print_line
from kairo_scoring.errors import Remedy

if TYPE_CHECKING:
    from kairo_scoring.access import Actor


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
