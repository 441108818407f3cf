"""A snapshot's as-of date: the date its data describes, kept apart from when it was imported."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kairo_scoring.errors import StoreError
from kairo_scoring.profile import default_profile
from kairo_scoring.store import PortfolioStore
from kairo_scoring.store.startup import ensure_sample_portfolio, sample_as_of_dates
from tests.store.raw import raw_connection
from tests.store.store_fixtures import make_answers, make_result

REPO = Path(__file__).resolve().parents[2]


def test_an_import_keeps_the_as_of_date_it_was_given(store: PortfolioStore) -> None:
    info = store.import_snapshot(make_result(), portfolio="Acme", as_of=date(2025, 9, 30))

    assert info.as_of == date(2025, 9, 30)
    assert info.created_at.date() == datetime.now(UTC).date()  # imported today, describes Q3
    assert store.snapshot_info(info.snapshot_id).as_of == date(2025, 9, 30)
    assert str(store.snapshots("Acme").loc[0, "as_of"])[:10] == "2025-09-30"


def test_without_an_as_of_date_a_snapshot_describes_the_day_it_was_imported(store: PortfolioStore) -> None:
    info = store.import_snapshot(make_result(), portfolio="Acme")

    assert info.as_of == info.created_at.date()


def test_a_datetime_counts_by_its_date_and_anything_else_is_refused(store: PortfolioStore) -> None:
    info = store.import_snapshot(make_result(), portfolio="Acme", as_of=datetime(2025, 12, 31, 23, 0))
    assert info.as_of == date(2025, 12, 31)

    with pytest.raises(StoreError, match="as-of date"):
        store.import_snapshot(make_result(content_hash="sha256:other"), portfolio="Acme", as_of="2025-12-31")  # type: ignore[arg-type]
    assert len(store.snapshots("Acme")) == 1  # nothing written


def test_answers_carry_their_own_as_of_date(store: PortfolioStore) -> None:
    base = store.import_snapshot(make_result(), portfolio="Acme", as_of=date(2025, 6, 30))
    saved = store.save_answers(
        base.snapshot_id, make_answers(), source_name="returns.xlsx", as_of=date(2025, 7, 15)
    )

    assert saved.snapshot.is_new and saved.snapshot.as_of == date(2025, 7, 15)
    assert store.snapshot_info(base.snapshot_id).as_of == date(2025, 6, 30)


def test_snapshots_stored_before_version_5_read_as_their_import_date(store_path: Path) -> None:
    with PortfolioStore(store_path) as store:
        info = store.import_snapshot(make_result(), portfolio="Acme", as_of=date(2020, 1, 1))
    with raw_connection(store_path) as connection:  # what version 4 wrote: no as-of date
        connection.execute("UPDATE snapshots SET as_of = NULL")

    with PortfolioStore(store_path) as store:
        assert store.snapshot_info(info.snapshot_id).as_of == info.created_at.date()
        assert store.integrity_check() == []


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 1), (date(2026, 6, 30), date(2026, 9, 30))),
        (date(2026, 1, 1), (date(2025, 9, 30), date(2025, 12, 31))),
        (date(2026, 4, 1), (date(2025, 12, 31), date(2026, 3, 31))),
    ],
)
def test_the_bundled_sample_describes_the_last_two_quarter_ends(
    today: date, expected: tuple[date, ...]
) -> None:
    assert sample_as_of_dates(today) == expected


def test_the_bundled_sample_is_imported_with_its_quarter_dates(store: PortfolioStore) -> None:
    profile = default_profile()
    imported = ensure_sample_portfolio(store, REPO / "data", profile)

    assert [info.as_of for info in imported] == list(sample_as_of_dates())
