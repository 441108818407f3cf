"""Size limits that protect intake from oversized files and zip bombs."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class IntakeLimits:
    """Upper bounds checked before (and while) a file is read; exceeding one raises ``IntakeError``.

    The zip figures come from the archive's directory, so an xlsx zip bomb is refused
    before any member is inflated. ``min_ratio_check_bytes`` exempts small members,
    whose compression ratio says nothing (a tiny, repetitive styles.xml compresses well).

    The workbook figures are read from the XML before any reader allocates (a reader sizes
    its grid from the farthest cell, so one stray cell at XFD1048576 would ask for 17 billion
    cells): ``max_cells`` bounds a sheet's used range (rows × columns) and the cells it holds,
    ``max_shared_strings`` the shared-strings table, ``max_text_bytes`` the text all cells
    hold once each shared string is counted for every cell that shows it.

    ``max_xlsx_rows`` is lower than ``max_rows`` because a workbook costs more per row than
    a csv (the reader's grid of the whole sheet, then a row list per row): a dense
    1,000,000-row workbook peaked at 1.35 GB, a 500,000 × 20 one (10 million cells) at 0.97 GB.
    """

    max_file_bytes: int = 50 * MIB
    max_rows: int = 1_000_000
    max_xlsx_rows: int = 500_000
    max_columns: int = 500
    max_uncompressed_bytes: int = 500 * MIB
    max_compression_ratio: float = 100.0
    min_ratio_check_bytes: int = 1 * MIB
    max_zip_members: int = 10_000
    max_sheets: int = 255
    max_cells: int = 10_000_000
    max_shared_strings: int = 10_000_000
    max_text_bytes: int = 48 * MIB
