"""Snapshots named and ordered by their as-of date: the formats every page and the CLI use,
and the order History compares them in."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from kairo_scoring import (
    as_of_text,
    day_text,
    imported_text,
    snapshot_label,
    snapshot_short_label,
    snapshots_by_as_of,
)
from kairo_scoring.present.formats import quarter_text


def test_dates_read_the_same_everywhere():
    assert day_text(date(2025, 9, 30)) == "30 Sep 2025"
    assert day_text(pd.Timestamp("2026-01-05 23:10", tz="UTC")) == "5 Jan 2026"
    assert day_text(None) == day_text(pd.NaT) == "unknown"
    assert [quarter_text(date(2025, m, 1)) for m in (1, 3, 4, 6, 7, 9, 10, 12)] == [
        "2025-Q1", "2025-Q1", "2025-Q2", "2025-Q2", "2025-Q3", "2025-Q3", "2025-Q4", "2025-Q4",
    ]  # fmt: skip
    assert as_of_text(date(2025, 12, 31)) == "as of 31 Dec 2025"


def test_the_import_time_is_shown_in_utc():
    assert imported_text(pd.Timestamp("2026-12-01 14:05:59", tz="UTC")) == "imported 1 Dec 2026 14:05 UTC"
    assert (
        imported_text(pd.Timestamp("2026-12-01 00:30", tz="Europe/Berlin"))
        == "imported 30 Nov 2026 23:30 UTC"
    )
    assert imported_text(datetime(2026, 12, 1, 9, 0)) == "imported 1 Dec 2026 09:00 UTC"  # naive: UTC
    assert imported_text(None) == "imported unknown"


def test_a_snapshot_is_named_by_its_as_of_date_first():
    assert (
        snapshot_label(3, date(2025, 9, 30), "register.xlsx")
        == "2025-Q3 · as of 30 Sep 2025 · register.xlsx · #3"
    )
    assert snapshot_label(3, pd.Timestamp("2025-09-30"), None) == "2025-Q3 · as of 30 Sep 2025 · #3"
    assert snapshot_short_label(12, date(2025, 12, 31)) == "2025-Q4 · 31 Dec · #12"


def _listed(rows: list[tuple[int, str, str | None]]) -> pd.DataFrame:
    """Snapshots as the store lists them (newest import first): ID, import time, as-of date."""
    return pd.DataFrame(
        {
            "snapshot_id": [r[0] for r in rows],
            "created_at": pd.to_datetime([r[1] for r in rows], utc=True),
            "as_of": pd.to_datetime([r[2] for r in rows]),
            "source_name": [f"file{r[0]}.xlsx" for r in rows],
        }
    )


def test_history_orders_snapshots_by_as_of_date_then_import_time():
    listed = _listed(
        [
            (4, "2026-01-10 09:00", "2025-09-30"),  # a second Q3 import, made last
            (3, "2026-01-09 09:00", "2025-06-30"),  # a back-filled Q2
            (2, "2026-01-08 09:00", "2025-12-31"),
            (1, "2026-01-07 09:00", "2025-09-30"),
        ]
    )

    ordered = snapshots_by_as_of(listed)

    assert ordered["snapshot_id"].tolist() == [3, 1, 4, 2]
    assert ordered["source_name"].tolist() == ["file3.xlsx", "file1.xlsx", "file4.xlsx", "file2.xlsx"]
    assert list(ordered.index) == [0, 1, 2, 3]


def test_a_snapshot_without_an_as_of_date_counts_by_its_import_date():
    listed = _listed([(2, "2025-10-01 08:00", "2025-09-30"), (1, "2025-09-15 08:00", None)])

    assert snapshots_by_as_of(listed)["snapshot_id"].tolist() == [1, 2]
