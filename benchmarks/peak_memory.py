"""The peak resident memory of this process, read so that a phase run as a child does not report its
parent's: Linux keeps `ru_maxrss` across fork and exec (a child of an 800 MiB parent reports 813 MiB, while
its own high-water mark, VmHWM, is 13 MiB)."""

from __future__ import annotations

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
