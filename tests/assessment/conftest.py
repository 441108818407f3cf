"""A small portfolio in a temporary store, and its assessment workbooks by owner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kairo_scoring import (
    PortfolioStore,
    default_profile,
    plan_assessment,
    read_portfolio,
    store_profile_version,
    write_assessment,
)

PORTFOLIO = "Claims"
# Five pilots of two owners and one without; P1 has a known controls (3) and risk (low).
REGISTER = """pilot_id,name,business_unit,owner,controls,risk_level,monthly_volume
P1,Claims triage,Claims,Ana,3,low,
P2,Letter drafting,Claims,Ana,,,
P3,Fraud flags,Risk,Ana,,,
P4,Call summaries,Service,Ben,,,
P5,Invoice matching,Finance,,,,
"""
MADE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def import_register(store: PortfolioStore, folder: Path, text: str, portfolio: str) -> int:
    path = folder / f"{portfolio.lower()}.csv"
    path.write_text(text, encoding="utf-8")
    profile = default_profile()
    info = store.import_snapshot(
        read_portfolio(path),
        portfolio=portfolio,
        profile_name=profile.name,
        profile_version=profile.version,
        profile_hash=profile.content_hash,
    )
    return info.snapshot_id


@pytest.fixture
def profile():
    return default_profile()


@pytest.fixture
def store(tmp_path, profile):
    with PortfolioStore(tmp_path / "kairo.duckdb") as opened:
        store_profile_version(opened, profile)
        import_register(opened, tmp_path, REGISTER, PORTFOLIO)
        yield opened


def export(store, profile, folder: Path, *, by="owner", made_at=MADE, portfolio=PORTFOLIO) -> dict[str, Path]:
    """The portfolio's workbooks in `folder` (created), by respondent."""
    folder.mkdir(parents=True, exist_ok=True)
    plan = plan_assessment(store, portfolio, profile, by=by, made_at=made_at)
    paths = write_assessment(plan, folder)
    names = dict(zip(plan.index["file"], plan.index["respondent"], strict=True))
    return {names[p.name]: p for p in paths if p.name in names}


@pytest.fixture
def workbooks(store, profile, tmp_path) -> dict[str, Path]:
    return export(store, profile, tmp_path / "out")


LATER = MADE + timedelta(hours=1)
