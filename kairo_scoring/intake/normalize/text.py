"""Text: headers and answers reduced for matching, Unicode forms, yes/no answers, cells as shown."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import numpy as np
import pandas as pd

from kairo_scoring.values import is_missing

# Answers that say "we do not know / does not apply": unknown, reported as info, not as an error.
NOT_APPLICABLE = frozenset(
    {"n/a", "na", "n.a", "n a", "not applicable", "-", "--", "?", "unknown", "tbd", "tbc", "not known", "nil"}
)
YES = frozenset({"yes", "y", "true", "t", "1", "x", "✓", "✔", "ja", "oui", "si", "done"})
NO = frozenset({"no", "n", "false", "f", "0", "nein", "non"})

_TYPOGRAPHY = str.maketrans(
    {"–": "-", "—": "-", "‐": "-", "‑": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "}
)
# "a) No", "(b) Pilot", "c. Deployed": the lettered answer lists of agency templates.
_ANSWER_PREFIX = re.compile(r"^(?:\(?[a-z]\)|[a-z]\.)\s+")
_SEPARATORS = re.compile(r"[\s_\-]+")
_BRACKETED = re.compile(r"\[[^\]]*\]|\([^)]*\)")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Numbering and question prefixes of survey exports and forms: "2_use_case_name", "Q3. Pilot
# name", "1.a Owner", "4) Stage", "Question 3: Name". Up to three digits, so a year ("2025
# budget") or a word with a digit ("3rd party", "24x7 support") keeps its number.
_NUMBERING = re.compile(
    r"^(?:q(?:uestion)?\s*)?\d{1,3}(?:\.\d{1,3})*(?:[.\s]?[a-z](?![a-z]))?(?:[._):\-]+\s*|\s+)(?=[a-z])"
)


def normalize_header(header: object) -> str:
    """A column header reduced for matching: case, spacing, punctuation, line breaks,
    bracketed hints ("[Agency Abbrev.] – [#]", "(EUR)") and numbering or question prefixes
    ("2_", "Q3.", "1.a") do not count."""
    text = unicodedata.normalize("NFKC", str(header)).translate(_TYPOGRAPHY).lower().strip()
    text = _NUMBERING.sub("", text)
    stripped = _NON_ALNUM.sub(" ", _BRACKETED.sub(" ", text)).strip()
    # A header that is nothing but a bracketed hint keeps its content.
    return stripped or _NON_ALNUM.sub(" ", text).strip()


def comparison_keys(texts: pd.Series) -> pd.Series:
    """Text reduced for equality tests on whole columns ("Invoice  TRIAGE." == "invoice triage"):
    case, spacing and punctuation do not count. Vectorised string operations only, so a
    100,000-row column of distinct names costs no Python call per row."""
    keys = nfc_texts(texts.astype("string")).str.lower().str.replace(_PUNCTUATION_RUN, " ", regex=True)
    return keys.str.strip()


# What ``\s`` matches in Python (every character ``str.isspace`` calls whitespace), spelled
# out: pyarrow's RE2 reads ``\s`` as ASCII blanks only, so pandas would run a pattern with
# ``\s`` through Python's re, one call per row; with the characters listed it runs in RE2.
WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_PUNCTUATION_RUN = "[" + WHITESPACE + r"_.,;:!?'\"()\[\]{}/\\|\-–—‐‑’‘“”]+"

# Text values are kept in Unicode NFC, not NFKC. NFC only joins canonically equivalent
# spellings, which look the same and differ only in how a keyboard or a system composed
# them ("é" as one code point, or e + a combining accent as macOS and some web forms
# write it). NFKC would also fold characters that look different and that a register may
# mean apart ("P²" → "P2", "①" → "1", full-width "ＡＢ１" → "AB1"): it would rewrite IDs
# and merge distinct ones, a silent reinterpretation. (Answer lookups and number parsing
# use NFKC: they compare to a fixed vocabulary and keep nothing of the text.)
TEXT_FORM = "NFC"


def nfc_texts(texts: pd.Series) -> pd.Series:
    """Text values (an object or string column; other cells untouched) in ``TEXT_FORM``.
    ASCII is already normalised, so only the few non-ASCII values are rewritten."""
    try:
        # False only for text that is not ASCII: missing values and non-text cells give NA.
        non_ascii = texts.str.isascii().eq(False).fillna(False).to_numpy(dtype=bool)
    except AttributeError:  # an object column without a single text value
        return texts
    if not non_ascii.any():
        return texts
    positions = np.flatnonzero(non_ascii)
    normalised = texts.copy()
    normalised.iloc[positions] = texts.iloc[positions].str.normalize(TEXT_FORM).to_numpy(dtype=object)
    return normalised


def id_keys(ids: pd.Series) -> pd.Series:
    """Pilot IDs as compared for duplicates: one Unicode form (``TEXT_FORM``), case ignored."""
    return nfc_texts(ids.astype("string")).str.casefold()


def normalize_key(value: object) -> str:
    """An answer reduced for lookup in a value map: "a) Pre-deployment" → "pre deployment"."""
    text = unicodedata.normalize("NFKC", str(value)).translate(_TYPOGRAPHY).strip().lower()
    text = _ANSWER_PREFIX.sub("", text)
    return _SEPARATORS.sub(" ", text).strip(" .:;")


def parse_yes_no(value: object) -> bool | None:
    """Yes/no in its usual spellings ("Yes", "y", "TRUE", "x", "a) No", 1, 0); None if neither."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float) and not is_missing(value):
        return {1: True, 0: False}.get(value)  # type: ignore[call-overload]
    key = normalize_key(value) if isinstance(value, str) else ""
    if key in YES:
        return True
    if key in NO:
        return False
    return None


def cell_text(value: object) -> str:
    """One cell as the text a user would see (integral floats without ".0")."""
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
