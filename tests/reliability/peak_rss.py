"""Child process for the memory tests: read one file with `read_portfolio` and print, as JSON,
the outcome and the process's peak resident memory before and after (``VmHWM``).

Run as ``python -m tests.reliability.peak_rss PATH FILENAME [ADDRESS_SPACE_MIB]`` from the
repository root. With ``ADDRESS_SPACE_MIB`` the child's address space is capped, so a reader
that asks for hundreds of GB aborts at once (a failed test) instead of swapping the machine.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from kairo_scoring.errors import IntakeError
from kairo_scoring.intake import read_portfolio


def peak_mib() -> float:
    """This process's peak resident memory, in MiB.

    ``VmHWM`` belongs to the process's own address space, which execve makes anew; the
    ``ru_maxrss`` of getrusage survives execve, so a child of a large pytest process would
    report the parent's size instead of its own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main(path: str, filename: str) -> dict[str, object]:
    figures: dict[str, object] = {"baseline_mib": round(peak_mib())}
    started = time.perf_counter()
    try:
        result = read_portfolio(Path(path), filename=filename)
    except IntakeError as refused:
        figures |= {"outcome": "refused", "reason": str(refused)}
    else:
        figures |= {"outcome": "accepted", "pilots": len(result.pilots), "rejected": len(result.rejected)}
        figures["issues"] = len(result.issues)
    figures |= {"seconds": round(time.perf_counter() - started, 1), "peak_mib": round(peak_mib())}
    return figures


if __name__ == "__main__":
    if len(sys.argv) > 3:
        cap = int(sys.argv[3]) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
