"""Where a store is and how messages name it, without a database driver: a ``postgresql://``
URL or a DuckDB file path. The drivers (duckdb, psycopg) load when a store of that kind is
opened (`PortfolioStore`), so reading the store's types and rules (governance, decisions)
imports neither."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

URL_SCHEMES: tuple[str, ...] = ("postgresql://", "postgres://")


def is_database_url(value: object) -> bool:
    """True when ``value`` names a PostgreSQL database (``postgresql://…``) rather than a store file."""
    return isinstance(value, str) and value.startswith(URL_SCHEMES)


def safe_label(url: str) -> str:
    """The URL as messages show it: everything but the password (``postgresql://kairo@db:5432/kairo``)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = (
        (f"{parts.username}@" if parts.username else "") + host + (f":{parts.port}" if parts.port else "")
    )
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def display_path(path: Path | str) -> str:
    """The store path as a user would type it: relative to the working directory when inside it."""
    if str(path) == ":memory:":
        return ":memory:"
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(Path.cwd()))
    except ValueError:
        return str(resolved)
