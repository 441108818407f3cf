"""Safe text: user-supplied strings never reach the page as HTML or live markdown."""

from __future__ import annotations

import re

import streamlit as st

# Characters that markdown (and Streamlit's extensions: :colour[..], $math$, :emoji:) act on.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=>])")


def md_escape(text: object) -> str:
    """`text` with every markdown-active character backslash-escaped, safe inside st.markdown."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def upload_basename(filename: object) -> str:
    """An uploaded file's name without any folder part ('../../a.csv', '..\\a.csv' → 'a.csv').

    A browser sends only the base name, but a crafted request can send anything: the name is
    display text and a format hint, never a path.
    """
    base = re.split(r"[\\/]", str(filename))[-1]
    return "".join(ch for ch in base if ch.isprintable()).strip() or "upload"


def upload_stem(filename: object) -> str:
    """The base name without its extension, for a default portfolio name."""
    base = upload_basename(filename)
    return (base.rsplit(".", 1)[0] if "." in base else base).strip(" .")


def download_stem(filename: object) -> str:
    """A file-system-safe stem (letters, digits, '-', '_') for a download's suggested name."""
    return re.sub(r"[^\w\-]+", "_", upload_stem(filename)).strip("_")[:80] or "upload"


def plain(text: object) -> None:
    """Show user text as plain text (no markdown, no HTML)."""
    st.text(str(text))
