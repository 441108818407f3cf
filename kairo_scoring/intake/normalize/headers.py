"""Headers as a person reads them: the words that count, the part before a trailing note, and
the parts of a combined header ("Use Case ID/Name", "Sponsor / Owner")."""

from __future__ import annotations

import re
import unicodedata

from kairo_scoring.intake.normalize.text import normalize_header

# Words that do not change what a header names ("No. of users" is "Number of users"; "AI Use
# Case" in an AI register is its use case).
STOP_WORDS = frozenset({"of", "the", "a", "an", "per", "in", "for", "to", "by", "ai", "our", "this", "its"})
# One spelling per word: abbreviations and forms people write in headers.
WORD_FORMS = {
    "no": "number",
    "nr": "number",
    "num": "number",
    "nbr": "number",
    "est": "estimated",
    "estimate": "estimated",
    "approx": "estimated",
    "approximate": "estimated",
    "monthly": "month",
    "mth": "month",
    "mo": "month",
    "dept": "department",
    "organization": "organisation",
    "org": "organisation",
    "qty": "quantity",
    "vol": "volume",
    "ref": "reference",
    "yr": "year",
    "yearly": "year",
    "annual": "year",
}
# What ends the header proper and starts a note: "Owner - who is accountable", "Pilot name:
# short, please", "Stage (see list)", "Risk? H/M/L".
_NOTE_START = re.compile(r"\s[-–—]\s|[:(\[?;]")
# A "/" between two words of two letters or more splits a combined header; "I/O" does not split.
_COMBINED = re.compile(r"(?<=[^\W\d_]{2})\s*/\s*(?=[^\W\d_]{2})")
# Currency signs and codes a header may carry as a hint: "Est. monthly benefit (£)", "Value (EUR)".
_CURRENCY_SIGNS = {"£": "GBP", "€": "EUR", "$": "USD", "¥": "JPY", "₹": "INR", "₣": "CHF"}
_CURRENCY_CODE = re.compile(r"\b(GBP|EUR|USD|CHF|JPY|INR|AUD|CAD|NZD|SEK|NOK|DKK|PLN|CZK|ZAR|SGD|HKD)\b")


def header_words(header: str) -> tuple[str, ...]:
    """The words of a normalised header that say what it names, each in one spelling:
    stop words dropped, abbreviations expanded, plurals made singular."""
    words = []
    for word in normalize_header(header).split():
        word = WORD_FORMS.get(word, word)
        if word in STOP_WORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(WORD_FORMS.get(word, word))
    return tuple(words)


def header_head(header: str) -> str | None:
    """The header before a trailing note ("Owner - who is accountable" → "Owner"), or None
    when it has no note."""
    found = _NOTE_START.search(header)
    if found is None or found.start() == 0:
        return None
    head = header[: found.start()].strip()
    return head if head and normalize_header(head) else None


def header_parts(header: str) -> tuple[str, ...]:
    """The parts of a combined header, the first part's leading words shared by the others:
    "Use Case ID/Name" → ("Use Case ID", "Use Case Name"); "Sponsor / Owner" → ("Sponsor",
    "Owner"). A header that is not combined has no parts."""
    parts = [part.strip() for part in _COMBINED.split(header) if part.strip()]
    if len(parts) < 2:
        return ()
    first = parts[0].split()
    shared = " ".join(first[:-1])
    return tuple(
        [parts[0]] + [f"{shared} {part}" if shared and len(part.split()) == 1 else part for part in parts[1:]]
    )


def currency_hint(header: str) -> str | None:
    """The ISO 4217 code a header names by sign or code ("Monthly benefit (£)" → "GBP"), or None."""
    text = unicodedata.normalize("NFKC", header)
    signs = {code for sign, code in _CURRENCY_SIGNS.items() if sign in text}
    codes = set(_CURRENCY_CODE.findall(text.upper()))
    found = signs | codes
    return found.pop() if len(found) == 1 else None
