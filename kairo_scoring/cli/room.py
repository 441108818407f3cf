"""`kairo deck` and `onepager`: what a consultant leaves behind in the room.

The boardroom deck (.pptx with native charts, as the Export page builds it) and one pilot's
printable one-page HTML (as the Pilot page offers it), of a register or a stored snapshot,
with --anonymise showing every name and owner as its alias.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kairo_scoring.cli.common import (
    UsageError,
    _existing_store,
    _intake_options,
    _load_profile,
    _optional_input,
    _read,
    _source_choice,
    _stored_profile,
    _stored_snapshot,
    _why,
)
from kairo_scoring.cli.terminal import _score_summary, print_line
from kairo_scoring.errors import Remedy

if TYPE_CHECKING:
    from kairo_scoring.scoring import ScoredPortfolio


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
