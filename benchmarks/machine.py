"""What the benchmarks read off the machine beside their figures: a process's peak resident memory (read so
that a phase run as a child does not report its parent's: Linux keeps `ru_maxrss` across fork and exec, and
a child of an 800 MiB parent reports 813 MiB while its own high-water mark, VmHWM, is 13 MiB), and the load
average (latencies on a shared machine mean little without it)."""

from __future__ import annotations

import os
import resource
from pathlib import Path


def peak_rss_mib(pid: int | None = None) -> float:
    """VmHWM from /proc of this process, or of the running child `pid`. Where there is no /proc: this
    process's `ru_maxrss` (right for a process no larger parent started), NaN for another."""
    try:
        status = Path(f"/proc/{'self' if pid is None else pid}/status").read_text(encoding="ascii")
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if pid is None else float("nan")


def load_average() -> str:
    """The machine's load over 1, 5 and 15 minutes, as `a / b / c`."""
    return " / ".join(f"{load:.2f}" for load in os.getloadavg())
