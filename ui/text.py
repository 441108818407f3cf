"""Safe text: user-supplied strings never reach the page as HTML or live markdown."""

from __future__ import annotations

import re

import streamlit as st

# Characters that markdown (and Streamlit's extensions: :colour[..], $math$, :emoji:) act on.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=>])")


def md_escape(text: object) -> str:
    """`text` with every markdown-active character backslash-escaped, safe inside st.markdown."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def plain(text: object) -> None:
    """Show user text as plain text (no markdown, no HTML)."""
    st.text(str(text))


def caption_safe(template: str, **user_values: object) -> None:
    """A caption whose `{placeholders}` are user text, escaped."""
    st.caption(template.format(**{k: md_escape(v) for k, v in user_values.items()}))
