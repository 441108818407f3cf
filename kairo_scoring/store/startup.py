"""Start-up work on a store: the shipped default profile stored once, and the bundled
sample imported once as two snapshots of "Sample portfolio".

The store sits below scoring, so the profile to store (or to stamp on the sample) is
passed in by the caller (the app's loader, the bench), not built here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Protocol

from kairo_scoring.intake import read_portfolio
from kairo_scoring.store.store import PortfolioStore, SnapshotInfo

SAMPLE_PORTFOLIO = "Sample portfolio"
SAMPLE_FILES: tuple[str, ...] = ("sample_portfolio_previous_quarter.xlsx", "sample_portfolio.xlsx")


def sample_as_of_dates(today: date | None = None) -> tuple[date, ...]:
    """The as-of dates of the bundled sample's snapshots, one per `SAMPLE_FILES` entry: the
    last two quarter ends before ``today`` (UTC), so the demo's History reads as two
    quarters ("2026-Q2", "2026-Q3") however old the bundled files are."""
    today = today or datetime.now(UTC).date()
    ends: list[date] = []
    day = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - timedelta(days=1)  # last quarter end
    for _ in SAMPLE_FILES:
        ends.append(day)
        day = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1) - timedelta(days=1)
    return tuple(reversed(ends))


class StorableProfile(Protocol):
    """What the store needs of a scoring profile: its identity and its TOML text."""

    @property
    def name(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def content_hash(self) -> str: ...
    def to_toml(self) -> str: ...


def ensure_default_profile(store: PortfolioStore, profile: StorableProfile) -> StorableProfile:
    """Store `profile` (the shipped default) once, and return it."""
    stored = store.profiles()
    have = (
        stored[(stored["name"] == profile.name) & (stored["version"] == profile.version)]
        if len(stored)
        else stored
    )
    if have.empty:
        store.save_profile(profile.name, profile.version, profile.to_toml(), profile.content_hash)
    return profile


def ensure_sample_portfolio(
    store: PortfolioStore, data_dir: str | Path, profile: StorableProfile
) -> list[SnapshotInfo]:
    """Import the bundled sample as two snapshots of "Sample portfolio" (previous quarter
    first), stamped with `profile`, only when the store has no portfolio of that name.
    Returns what was imported."""
    portfolios = store.portfolios()
    if len(portfolios) and SAMPLE_PORTFOLIO in set(portfolios["portfolio"]):
        return []
    imported = []
    for filename, as_of in zip(SAMPLE_FILES, sample_as_of_dates(), strict=True):
        path = Path(data_dir) / filename
        if not path.is_file():
            continue
        result = read_portfolio(path)
        imported.append(
            store.import_snapshot(
                result,
                portfolio=SAMPLE_PORTFOLIO,
                profile_name=profile.name,
                profile_version=profile.version,
                profile_hash=profile.content_hash,
                note="bundled sample",
                as_of=as_of,
            )
        )
    return imported
