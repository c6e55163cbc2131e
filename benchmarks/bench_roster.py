"""Roster generation and loading throughput and peak memory, each next to its physical limit in one run.

    python benchmarks/bench_roster.py [--students 100000] [--largest] [--seed 1] [--repeat 1] [--keep DIR]

Every phase runs in its own child process, so the peak RSS it reports is that phase's alone:

  generate    rollcall.roster.generate_roster into a fresh directory
  write-csv   csv.writer writing, per file, as many constant rows of the same width and byte length
  write-disk  the same number of bytes written in 1 MiB blocks (no fsync, like the generator)
  load        rollcall.roster.load_roster of the generated directory (skipped when the reader is absent)
  read-csv    a bare csv.reader pass over the same files

Ratios: generate / write-csv and generate / write-disk (how far generation is from only formatting and
writing), load / read-csv (how far loading is from only parsing). `--largest` is the largest US district,
1 060 000 students. `--repeat K` runs every phase K times and keeps the fastest (the machine may be
shared). Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import peak_rss_mib  # a phase's own peak, not its parent's

SOURCES = Path(__file__).resolve().parents[1] / "src"
LARGEST = 1_060_000
PHASES = ("generate", "write-csv", "write-disk", "load", "read-csv")
FILES = (
    "schools.csv",
    "students.csv",
    "teachers.csv",
    "staff.csv",
    "sections.csv",
    "enrollments.csv",
    "district_admins.csv",
)
BATCH = 10_000


def _file_shapes(district: Path) -> dict[str, tuple[int, int, int]]:
    """Per file: data rows, columns, bytes (header excluded)."""
    shapes = {}
    for name in FILES:
        path = district / name
        with path.open("rb") as handle:
            header = handle.readline()
            rows = sum(1 for _ in handle)
        shapes[name] = (rows, header.count(b",") + 1, path.stat().st_size - len(header))
    return shapes


def _phase_generate(district: Path, students: int, seed: str) -> dict[str, float]:
    from rollcall.roster.generator import generate_roster

    started = time.perf_counter()
    # force: a repeated run writes over the previous run's files.
    summary = generate_roster(
        district, students=students, seed=int(seed) if seed.isdigit() else seed, force=True
    )
    return {
        "seconds": time.perf_counter() - started,
        "rows": summary.total_rows,
        "bytes": summary.total_bytes,
    }


def _phase_write_csv(district: Path, scratch: Path) -> dict[str, float]:
    shapes = _file_shapes(district)
    started = time.perf_counter()
    rows_written = bytes_written = 0
    for name, (rows, columns, size) in shapes.items():
        if not rows:
            continue
        # A constant row of the file's width whose length matches the file's average row.
        width = max(columns, size // rows - 1)
        field, extra = divmod(width - (columns - 1), columns)
        row = ["x" * (field + (1 if i < extra else 0)) for i in range(columns)]
        batch = [row] * BATCH
        with (scratch / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            for start in range(0, rows, BATCH):
                writer.writerows(batch if rows - start >= BATCH else batch[: rows - start])
        rows_written += rows
        bytes_written += (scratch / name).stat().st_size
    return {"seconds": time.perf_counter() - started, "rows": rows_written, "bytes": bytes_written}


def _phase_write_disk(district: Path, scratch: Path) -> dict[str, float]:
    total = sum(size for _, _, size in _file_shapes(district).values())
    block = b"x" * (1 << 20)
    started = time.perf_counter()
    with (scratch / "blocks.bin").open("wb") as handle:
        left = total
        while left > 0:
            handle.write(block if left >= len(block) else block[:left])
            left -= len(block)
    return {"seconds": time.perf_counter() - started, "rows": 0, "bytes": total}


def _phase_load(district: Path) -> dict[str, float]:
    try:
        from rollcall.roster import load_roster
    except ImportError:
        return {"skipped": 1.0}
    shapes = _file_shapes(district).values()
    started = time.perf_counter()
    snapshot = load_roster(district)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": sum(rows for rows, _, _ in shapes),
        "bytes": sum(size for _, _, size in shapes),
        "users": len(snapshot.users),
    }


def _phase_read_csv(district: Path) -> dict[str, float]:
    size = sum(size for _, _, size in _file_shapes(district).values())
    started = time.perf_counter()
    rows = 0
    for name in FILES:
        with (district / name).open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            for _ in reader:
                rows += 1
    return {"seconds": time.perf_counter() - started, "rows": rows, "bytes": size}


def _child(phase: str, district: Path, scratch: Path, students: int, seed: str) -> None:
    sys.path.insert(0, str(SOURCES))
    baseline = peak_rss_mib()
    if phase == "generate":
        result = _phase_generate(district, students, seed)
    elif phase == "write-csv":
        result = _phase_write_csv(district, scratch)
    elif phase == "write-disk":
        result = _phase_write_disk(district, scratch)
    elif phase == "load":
        result = _phase_load(district)
    else:
        result = _phase_read_csv(district)
    print(json.dumps({"phase": phase, **result, "peak_rss_mb": peak_rss_mib(), "start_rss_mb": baseline}))


def _run_phase(phase: str, district: Path, scratch: Path, students: int, seed: str) -> dict[str, float]:
    for leftover in scratch.iterdir():
        leftover.unlink()
    command = [
        sys.executable,
        __file__,
        "--phase",
        phase,
        "--dir",
        str(district),
        "--scratch",
        str(scratch),
        "--students",
        str(students),
        "--seed",
        seed,
    ]
    env = {**os.environ, "PYTHONPATH": f"{SOURCES}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _fmt(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def _report(students: int, results: dict[str, dict[str, float]]) -> dict[str, object]:
    def rate(phase: str, key: str, scale: float = 1.0) -> float | None:
        r = results[phase]
        return r[key] / scale / r["seconds"] if "seconds" in r and r.get(key) else None

    def ratio(slow: str, fast: str) -> float | None:
        a, b = results[slow], results[fast]
        return a["seconds"] / b["seconds"] if "seconds" in a and "seconds" in b else None

    ratios = {
        "generate/write-csv": ratio("generate", "write-csv"),
        "generate/write-disk": ratio("generate", "write-disk"),
        "load/read-csv": ratio("load", "read-csv"),
    }
    print(f"\nroster benchmark, {students:,} students (each phase in its own process)\n")
    print(f"{'phase':<11} {'seconds':>9} {'rows/s':>12} {'MB/s':>8} {'peak RSS MB':>12}  vs. limit")
    limits = {"generate": "generate/write-csv", "load": "load/read-csv"}
    for phase in PHASES:
        r = results[phase]
        if "skipped" in r:
            print(f"{phase:<11} skipped (rollcall.roster.load_roster not available on this checkout)")
            continue
        limit = limits.get(phase)
        vs = f"{ratios[limit]:.2f}× {limit.split('/')[1]}" if limit and ratios[limit] else ""
        if phase == "generate" and ratios["generate/write-disk"]:
            vs += f", {ratios['generate/write-disk']:.1f}× write-disk"
        print(
            f"{phase:<11} {r['seconds']:>9.2f} {_fmt(rate(phase, 'rows'), ',.0f'):>12} "
            f"{_fmt(rate(phase, 'bytes', 1e6), ',.1f'):>8} {r['peak_rss_mb']:>12.0f}  {vs}"
        )
    rows = results["generate"]["rows"]
    print(f"\n{rows:,.0f} rows, {results['generate']['bytes'] / 1e6:,.1f} MB written")
    line: dict[str, object] = {
        "benchmark": "roster",
        "students": students,
        "phases": results,
        "ratios": ratios,
    }
    print(json.dumps(line))
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--largest", action="store_true", help=f"{LARGEST:,} students")
    parser.add_argument("--seed", default="1")
    parser.add_argument("--repeat", type=int, default=1, help="runs per phase; the fastest is kept")
    parser.add_argument(
        "--keep", type=Path, help="generate here and keep the files (must be empty or absent)"
    )
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--scratch", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    students = LARGEST if args.largest else args.students
    if args.phase:
        _child(args.phase, args.dir, args.scratch, students, args.seed)
        return
    work = Path(tempfile.mkdtemp(prefix="bench-roster-"))
    district = args.keep or work / "district"
    scratch = work / "scratch"
    scratch.mkdir()
    try:
        results = {
            phase: min(
                (
                    _run_phase(phase, district, scratch, students, args.seed)
                    for _ in range(max(1, args.repeat))
                ),
                key=lambda result: result.get("seconds", 0.0),
            )
            for phase in PHASES
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _report(students, results)


if __name__ == "__main__":
    main()
