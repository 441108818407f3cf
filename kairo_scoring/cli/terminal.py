"""What `kairo` prints: one safe terminal line per message, and small tables.

Registers, file names and database errors can hold characters a terminal acts on (escape
sequences, bidi overrides, line separators); every line the CLI prints that may quote them goes
through `printable`, which escapes them. `_table` prints a frame's first rows, `_score_summary`
the verdict and recommendation counts every scoring command ends with.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from kairo_scoring.scoring import ScoredPortfolio


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
