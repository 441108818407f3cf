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
    """

    max_file_bytes: int = 50 * MIB
    max_rows: int = 1_000_000
    max_columns: int = 500
    max_uncompressed_bytes: int = 500 * MIB
    max_compression_ratio: float = 100.0
    min_ratio_check_bytes: int = 1 * MIB
    max_zip_members: int = 10_000
