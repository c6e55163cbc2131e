"""Start-up cost of the `rollcall` command line: lazy command table vs importing every room up front.

    python benchmarks/bench_cli.py [--repeat 7]

Cases (each the median wall time of `--repeat` fresh processes, run interleaved so machine load hits all
alike, plus the largest peak RSS seen):

  lazy    `rollcall --help` and `rollcall version` as shipped: only the command table is imported.
  eager   the same two commands after importing every command module in `COMMANDS` first: what the CLI
          did before the table (every room, Starlette, httpx, SQLAlchemy, Rich, structlog).
  python  `python -c pass`: the interpreter's own floor.

Ratios: eager / lazy (the saving) and lazy / python (what is left above the floor). Target: lazy help and
version well under 0.5 s. Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[1] / "src"

# A child that runs rollcall's real entry point, optionally importing every command module first.
CHILD = """
import importlib, sys
eager, argv = sys.argv[1] == "eager", sys.argv[2:]
if eager:
    from rollcall.cli.app import COMMANDS
    for _, target, _ in COMMANDS:
        importlib.import_module(target.partition(":")[0])
sys.argv = ["rollcall", *argv]
from rollcall.cli.app import main
main()
"""


def run_once(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one fresh process."""
    env = {**os.environ, "PYTHONPATH": str(SOURCES)}
    began = time.perf_counter()
    pid = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env).pid
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command} failed")
    return elapsed, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    python = sys.executable
    cases = {
        "python": [python, "-c", "pass"],
        "lazy --help": [python, "-c", CHILD, "lazy", "--help"],
        "eager --help": [python, "-c", CHILD, "eager", "--help"],
        "lazy version": [python, "-c", CHILD, "lazy", "version"],
        "eager version": [python, "-c", CHILD, "eager", "version"],
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    peaks: dict[str, int] = dict.fromkeys(cases, 0)
    for command in cases.values():  # warm the file cache and .pyc files
        run_once(command)
    for _ in range(repeat):
        for name, command in cases.items():
            elapsed, peak = run_once(command)
            times[name].append(elapsed)
            peaks[name] = max(peaks[name], peak)
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"{'case':<15}{'median s':>10}{'peak MiB':>10}")
    for name in cases:
        print(f"{name:<15}{median[name]:>10.3f}{peaks[name] / 1024:>10.1f}")
    ratios = {
        f"eager/lazy {what}": median[f"eager {what}"] / median[f"lazy {what}"]
        for what in ("--help", "version")
    } | {f"lazy {what}/python": median[f"lazy {what}"] / median["python"] for what in ("--help", "version")}
    for name, ratio in ratios.items():
        print(f"{name:<24}{ratio:>6.2f}×")
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"median_s": median, "peak_kib": peaks, "ratios": ratios, "bench_peak_kib": own_peak}))


if __name__ == "__main__":
    main()
