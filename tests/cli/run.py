"""Run the real `rollcall` command line in a subprocess, on this checkout's sources."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[2] / "src"


def run_rollcall(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`python -m rollcall ARGS` with this checkout first on the path; never raises on a non-zero exit."""
    env = {**os.environ, "PYTHONPATH": f"{SOURCES}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.run(
        [sys.executable, "-m", "rollcall", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=timeout,
    )
