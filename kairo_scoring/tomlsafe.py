"""TOML parsing for user-supplied documents (scoring, mapping and roles files).

`tomllib` parses nested arrays and inline tables recursively, so a document nested a
few thousand levels deep raises `RecursionError` instead of a parse error. `loads`
turns that, and any nesting deeper than `MAX_DEPTH`, into `tomllib.TOMLDecodeError`,
so a caller's existing ``except tomllib.TOMLDecodeError`` reports it like any other
malformed document. It imports nothing from the library, so every layer can use it.
"""

from __future__ import annotations

import sys
import tomllib
from typing import Any

# Kairo's own documents nest three levels at most ([values.<field>], [[gates]]); the
# margin is for people, the limit is for code that walks the parsed data recursively.
MAX_DEPTH = 32


def _decode_error(message: str, text: str) -> tomllib.TOMLDecodeError:
    if sys.version_info >= (3, 14):  # free-form arguments are deprecated from 3.14
        return tomllib.TOMLDecodeError(message, text, 0)
    return tomllib.TOMLDecodeError(message)


def _depth(document: dict[str, Any]) -> int:
    """How many tables and arrays deep the parsed document goes, without recursion."""
    deepest, pending = 0, [(document, 1)]
    while pending:
        value, depth = pending.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        children = value.values() if isinstance(value, dict) else value
        pending += [(child, depth + 1) for child in children if isinstance(child, dict | list)]
    return deepest


def loads(text: str) -> dict[str, Any]:
    """Parse TOML text; `tomllib.TOMLDecodeError` for a malformed or too deeply nested document."""
    too_deep = f"arrays or tables are nested more than {MAX_DEPTH} levels deep"
    try:
        document = tomllib.loads(text)
    except RecursionError:
        raise _decode_error(too_deep, text) from None
    if _depth(document) > MAX_DEPTH:
        raise _decode_error(too_deep, text)
    return document
