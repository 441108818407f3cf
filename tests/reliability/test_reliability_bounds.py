"""Resource bounds on xlsx: the figures a reader would allocate for (a sheet's used range,
the shared-strings table, the text copied into cells, the sheet count) are read from the
XML first. Each file is read in a child process with its address space capped at 4 GiB, so
a reader that asks for 512 GB aborts the child and fails the test instead of killing pytest:
every file within the limits is read under 1 GiB and a time budget, every file over them is
refused before anything is allocated for it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kairo_scoring.intake import IntakeLimits
from tests.reliability import corpus
from tests.reliability.test_reliability_memory import PEAK_LIMIT_MIB, REFUSED_GROWTH_LIMIT_MIB, _read_in_child

ADDRESS_SPACE_MIB = 4096
LIMITS = IntakeLimits()
# A 30,000-byte shared string in as many cells as the text limit allows, or one more.
TEXT_CELL_BYTES = 30_000
TEXT_CELLS = LIMITS.max_text_bytes // TEXT_CELL_BYTES - 10


@dataclass(frozen=True)
class Within:
    build: Callable[[], bytes]
    pilots: int
    rejected: int
    seconds: float


@dataclass(frozen=True)
class Over:
    build: Callable[[], bytes]
    reason: str
    seconds: float = 15.0
    # What the read may add before it refuses: nothing is inflated for most cases; a count
    # streamed through a whole part keeps its chunk and per-string bookkeeping (measured 50 MiB
    # for ten million shared strings, the process's own VmHWM), still nothing like the GBs
    # calamine would allocate.
    growth_mib: float = REFUSED_GROWTH_LIMIT_MIB


WITHIN = {
    # 500 columns × 20,000 rows = max_cells exactly: read, and the stray row reported, not dropped.
    "stray-cell-at-the-cell-limit": Within(lambda: corpus.stray_cell_xlsx("SF20000"), 1, 1, 30),
    # Formatting only (Excel writes it when a far cell is formatted): no reader places it.
    "formatted-cell-at-xfd1048576": Within(
        lambda: corpus.stray_cell_xlsx("XFD1048576", dimension="A1:XFD1048576", empty=True), 1, 0, 10
    ),
    "text-at-the-limit": Within(
        lambda: corpus.repeated_text_xlsx(TEXT_CELL_BYTES, TEXT_CELLS), TEXT_CELLS, 0, 30
    ),
    "shared-strings-at-the-limit": Within(
        lambda: corpus.shared_strings_xlsx(LIMITS.max_shared_strings), 1, 0, 30
    ),
    "sheets-at-the-limit": Within(lambda: corpus.many_sheets_xlsx(LIMITS.max_sheets), 1, 0, 15),
}

OVER = {
    # The file: calamine asked for 549,755,813,888 bytes and aborted the process.
    "stray-cell-at-xfd1048576": Over(
        lambda: corpus.stray_cell_xlsx("XFD1048576"),
        "Sheet 'Pilots' has a cell at XFD1048576, far beyond its data",
    ),
    "stray-cell-in-lower-case": Over(
        lambda: corpus.stray_cell_xlsx("xfd1048576"), "has a cell at XFD1048576"
    ),
    # Accepted after 94 s at 4 GB before: 500 columns × 200,000 rows.
    "stray-cell-at-row-200000-column-500": Over(
        lambda: corpus.stray_cell_xlsx("SF200000"), "has a cell at SF200000"
    ),
    "dimension-claiming-a2-with-a-far-cell": Over(
        lambda: corpus.stray_cell_xlsx("SF300000", dimension="A1:B2"), "has a cell at SF300000"
    ),
    "501-columns": Over(lambda: corpus.stray_cell_xlsx("SG2"), "has a cell at SG2"),
    # calamine reserved 96 GB from the count the table declares, before reading one string.
    "shared-strings-declaring-4-billion": Over(
        lambda: corpus.shared_strings_xlsx(1, declared=4_000_000_000), "declares 4,000,000,000 entries"
    ),
    # The 95 million <si/> peaked at 2.45 GB; one more than the limit is refused.
    "shared-strings-over-the-limit": Over(
        lambda: corpus.shared_strings_xlsx(LIMITS.max_shared_strings + 1),
        "shared-strings table holds more than 10,000,000 entries",
        growth_mib=96,
    ),
    # A 100 kB file that calamine turns into 590 MB, and Python into 1.2 GB more.
    "text-over-the-limit": Over(
        lambda: corpus.repeated_text_xlsx(TEXT_CELL_BYTES, TEXT_CELLS + 200), "MB of text (each shared text"
    ),
    "sheets-over-the-limit": Over(lambda: corpus.many_sheets_xlsx(4_000), "more than 255 sheets"),
}


@pytest.mark.parametrize("case", WITHIN.values(), ids=WITHIN.keys())
def test_a_workbook_within_the_limits_is_read_under_1_gib(tmp_path: Path, case: Within) -> None:
    path = tmp_path / "register.xlsx"
    path.write_bytes(case.build())
    figures = _read_in_child(path, "register.xlsx", ADDRESS_SPACE_MIB)
    assert (figures["outcome"], figures["pilots"], figures["rejected"]) == (
        "accepted",
        case.pilots,
        case.rejected,
    )
    assert figures["peak_mib"] < PEAK_LIMIT_MIB
    assert figures["seconds"] < case.seconds


@pytest.mark.parametrize("case", OVER.values(), ids=OVER.keys())
def test_a_workbook_over_the_limits_is_refused_before_allocating(tmp_path: Path, case: Over) -> None:
    path = tmp_path / "register.xlsx"
    path.write_bytes(case.build())
    figures = _read_in_child(path, "register.xlsx", ADDRESS_SPACE_MIB)
    assert figures["outcome"] == "refused" and case.reason in figures["reason"], figures
    assert figures["peak_mib"] - figures["baseline_mib"] < case.growth_mib
    assert figures["seconds"] < case.seconds
