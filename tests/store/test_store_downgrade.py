"""The migration tests' downgrade helper undoes every migration step."""

from __future__ import annotations

from pathlib import Path

import pytest

from kairo_scoring.store import PortfolioStore
from kairo_scoring.store.sql_schema import MIGRATIONS, STORE_SCHEMA_VERSION
from tests.store.downgrade import UNDO, as_version
from tests.store.store_fixtures import make_result


def test_each_migration_step_after_the_first_has_its_undo() -> None:
    assert len(UNDO) == len(MIGRATIONS) - 1


@pytest.mark.parametrize("version", range(1, STORE_SCHEMA_VERSION))
def test_a_store_turned_back_to_any_version_migrates_forward_and_keeps_its_pilots(
    store_path: Path, version: int
) -> None:
    with PortfolioStore(store_path) as store:
        info = store.import_snapshot(make_result(), portfolio="Acme")
        pilots = store.load_pilots(info.snapshot_id)
    as_version(store_path, version)

    with PortfolioStore(store_path) as migrated:
        assert migrated.schema_version() == STORE_SCHEMA_VERSION
        assert migrated.load_pilots(info.snapshot_id)["name"].tolist() == pilots["name"].tolist()
        assert migrated.integrity_check() == []
