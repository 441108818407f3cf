"""Shared fixtures: paths, the federal inventory (skipped when ../shared is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FEDERAL_DIR = SHARED / "data" / "us-federal-ai-inventory-2025"


@pytest.fixture
def federal_dir() -> Path:
    if not FEDERAL_DIR.is_dir():
        pytest.skip(f"the federal inventory is not present at {FEDERAL_DIR} (../shared/ is absent)")
    return FEDERAL_DIR
