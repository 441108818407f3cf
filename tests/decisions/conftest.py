"""A store with one scored portfolio whose pilots have settled recommendations, and the roles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from kairo_scoring import Actor, PortfolioStore, ScoredPortfolio, schema, score
from kairo_scoring.intake.result import ISSUE_COLUMNS, IntakeResult

PORTFOLIO = "Acme"
ROLES = """default_role = "viewer"

[emails]
"ed@example.com" = "editor"
"eve@example.com" = "editor"
"ann@example.com" = "approver"
"alf@example.com" = "approver"
"root@example.com" = "admin"
"vi@example.com" = "viewer"
"""


def make_pilots(p1_maturity: float = 5.0) -> pd.DataFrame:
    """Three fully known pilots: P1 recommended api_pipeline (not_ready when its process
    maturity drops to 1), P2 shared_workspace, P3 not_ready."""
    raw = pd.DataFrame(
        {
            "pilot_id": ["P1", "P2", "P3"],
            "name": ["Invoice triage", "Contract review", "HR chatbot"],
            "business_unit": ["Finance"] * 3,
            "owner": ["Ann", "Bob", "Cy"],
            "stage": ["pilot"] * 3,
            "current_mode": ["assisted_desktop", "none", "assisted_desktop"],
            "process_maturity": [p1_maturity, 4.0, 2.0],
            **{
                field: [5.0, 4.0, 2.0]
                for field in (
                    "io_stability",
                    "exception_governance",
                    "ownership",
                    "controls",
                    "shared_assets",
                    "integration_readiness",
                    "value_evidence",
                )
            },
            "risk_level": ["low", "medium", "high"],
            "monthly_volume": [5000.0, 800.0, 50.0],
            "users": [200.0, 30.0, 3.0],
            "monthly_value": [1e5, 2e4, 1e3],
            "source_row": [2, 3, 4],
        }
    )
    return schema.conform(raw)


def make_intake(p1_maturity: float = 5.0, *, content_hash: str | None = None) -> IntakeResult:
    return IntakeResult(
        pilots=make_pilots(p1_maturity),
        rejected=pd.DataFrame(
            {"source_row": pd.Series(dtype="int64"), "reject_reason": pd.Series(dtype=str)}
        ),
        issues=pd.DataFrame(columns=list(ISSUE_COLUMNS)),
        source_name="register.xlsx",
        content_hash=content_hash or f"sha256:{int(p1_maturity * 1000):08x}",
        sheet="Pilots",
        header_row=1,
        mapping_name="default",
        column_mapping={"name": "Use case"},
        unmapped_columns=(),
        missing_inputs=(),
        derived_id=False,
    )


@pytest.fixture
def store(store_path: Path | str) -> Iterator[PortfolioStore]:
    with PortfolioStore(store_path) as opened:
        yield opened


@pytest.fixture
def roles_path(tmp_path: Path) -> Path:
    path = tmp_path / "roles.toml"
    path.write_text(ROLES, encoding="utf-8")
    return path


@pytest.fixture
def users(roles_path: Path):
    """A signed-in actor per email of `ROLES`: users("ed") is ed@example.com."""

    def user(name: str) -> Actor:
        return Actor.user(f"{name}@example.com", email_verified=True, roles_path=roles_path)

    return user


@pytest.fixture
def imported(store: PortfolioStore) -> tuple[int, ScoredPortfolio]:
    """(snapshot id, scored) of the first import of `PORTFOLIO`."""
    info = store.import_snapshot(make_intake(), portfolio=PORTFOLIO)
    return info.snapshot_id, score(store.load_pilots(info.snapshot_id))
