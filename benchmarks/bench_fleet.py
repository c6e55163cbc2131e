"""The fleet on one machine: 100 small generated districts served by the emulator over loopback, synced into
one PostgreSQL schema by 1, 2 and 4 `rollcall worker` processes, side by side in one run. Prints
districts/minute, rows/s, scaling efficiency relative to 1 worker, peak RSS per worker, and where the CPU
went (workers, the emulator, PostgreSQL) to say what saturates.

    PYTHONPATH=src python benchmarks/bench_fleet.py [--districts 100] [--students 30] [--workers 1,2,4]

The emulator runs in its own process with Clever's real rate limit (1 200 requests/minute per token); its
pages are warmed once before the first round. Each round gets a fresh PostgreSQL schema, `fleet schedule
--full`, then N workers (concurrency 1 each); the clock runs from the first attempt's start to the last
attempt's end as the ledger recorded them (worker start-up excluded; it is printed apart).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path

from machine import peak_rss_mib

POSTGRES_URL = os.environ.get("ROLLCALL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
SOURCES = Path(__file__).resolve().parents[1] / "src"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def serve(districts: int, students: int, pipe: Connection) -> None:
    """The emulator process: generate, serve, hand over (url, client id, secret), report CPU on demand."""
    from rollcall.emulator import Emulator

    with Emulator(seed="bench-fleet") as emu:
        for index in range(districts):
            emu.load_generated(students=students, seed=f"fleet-{index}")
        tokens = emu.state.tokens
        with emu.serve_in_thread() as url:
            pipe.send((url, tokens.client_id, tokens.client_secret, list(tokens.district_tokens().values())))
            while pipe.recv() == "cpu":
                usage = resource.getrusage(resource.RUSAGE_SELF)
                pipe.send(usage.ru_utime + usage.ru_stime)


def postgres_cpu_seconds() -> float:
    """CPU seconds of every `postgres` process on this machine (backends, WAL writer, checkpointer)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
            if "(postgres" not in fields[0]:
                continue
            values = fields[1].split()
            total += int(values[11]) + int(values[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return total / CLOCK_TICKS


@contextmanager
def schema() -> Iterator[str]:
    import sqlalchemy as sa

    name = f"bench_fleet_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(sa.make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"))
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{name}"
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
        admin.dispose()


def warm(url: str, tokens: list[str]) -> None:
    """Fetch every page once, so the emulator's first render is not charged to the first round."""
    from rollcall.client import CleverClient, Endpoints
    from rollcall.sync import FULL_COLLECTIONS
    from rollcall.sync.synced_collections import COLLECTIONS

    for token in tokens:
        with CleverClient(token, base_url=url) as client:
            for name in FULL_COLLECTIONS:
                for _ in client.iter_pages(COLLECTIONS[name].query(Endpoints("v3.1"))):
                    pass


def settled(db: str, districts: int) -> bool:
    from rollcall.store import Store

    with Store.open(db, migrate=False) as store:
        states = [d.state for d in store.fleet_districts()]
    return len(states) == districts and all(state in ("ok", "failed") for state in states)


def round_of(workers: int, districts: int, env: dict[str, str], emulator: Connection) -> dict[str, float]:
    from rollcall.domain.timestamps import parse_timestamp
    from rollcall.store import Store

    with schema() as db:
        schedule = [sys.executable, "-m", "rollcall", "fleet", "schedule", "--db", db, "--full"]
        subprocess.run(schedule, env=env, check=True, capture_output=True)
        emulator.send("cpu")
        emulator_before = float(emulator.recv())
        postgres_before = postgres_cpu_seconds()
        launched = time.perf_counter()
        # No periodic re-listing during a round: an hourly schedule whose hour began minutes ago would queue
        # incremental syncs of every district on top of the full ones being measured.
        never = "0 0 1 1 *"
        command = [
            sys.executable, "-m", "rollcall", "worker", "--db", db, "--concurrency", "1",
            "--incremental-cron", never, "--full-cron", never,
        ]  # fmt: skip
        quiet = subprocess.DEVNULL
        processes = [subprocess.Popen(command, env=env, stdout=quiet, stderr=quiet) for _ in range(workers)]
        try:
            deadline = time.monotonic() + 900
            while not settled(db, districts):
                if time.monotonic() > deadline:
                    raise SystemExit(f"{workers} workers did not finish within 900 s")
                time.sleep(0.5)
            wall = time.perf_counter() - launched
            postgres_cpu = postgres_cpu_seconds() - postgres_before  # before the workers' backends exit
            load = os.getloadavg()[0]
        finally:
            # Each worker's own peak, read while it runs: the ru_maxrss that wait4 hands back starts from
            # this process's size when it spawned the worker (Linux keeps it across fork and exec).
            peaks = [peak_rss_mib(process.pid) for process in processes]
            for process in processes:
                process.send_signal(signal.SIGTERM)
        worker_cpu = 0.0
        for process in processes:
            _, _, usage = os.wait4(process.pid, 0)
            worker_cpu += usage.ru_utime + usage.ru_stime
        emulator.send("cpu")
        emulator_cpu = float(emulator.recv()) - emulator_before
        with Store.open(db, migrate=False) as store:
            attempts = store.sync_attempts()
            runs = store.latest_runs()
            failed = sum(1 for d in store.fleet_districts() if d.state != "ok")
        starts = [parse_timestamp(a.started_at).timestamp() for a in attempts]
        ends = [parse_timestamp(a.finished_at).timestamp() for a in attempts if a.finished_at]
        seconds = max(ends) - min(starts)
        rows = sum(sum(run.counts.values()) for run in runs.values())
    return {
        "workers": workers, "seconds": seconds, "startup": wall - seconds, "districts": len(runs),
        "failed": failed, "rows": rows, "per_minute": len(runs) / seconds * 60, "rows_per_s": rows / seconds,
        "peak_mib": max(peaks), "worker_cpu": worker_cpu, "emulator_cpu": emulator_cpu,
        "postgres_cpu": postgres_cpu, "load": load,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=100)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--workers", default="1,2,4")
    options = parser.parse_args()
    counts = [int(n) for n in options.workers.split(",")]

    mine, theirs = multiprocessing.Pipe()
    emulator = multiprocessing.Process(target=serve, args=(options.districts, options.students, theirs))
    emulator.start()
    try:
        url, client_id, secret, tokens = mine.recv()
        warm(url, tokens)
        env = {
            **os.environ, "PYTHONPATH": f"{SOURCES}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
            "ROLLCALL_CLIENT_ID": client_id, "ROLLCALL_CLIENT_SECRET": secret, "ROLLCALL_CLEVER_URL": url,
        }  # fmt: skip
        print(
            f"{options.districts} districts of {options.students} students, emulator at {url}, "
            f"{os.cpu_count()} CPUs\n"
        )
        rounds = [round_of(n, options.districts, env, mine) for n in counts]
    finally:
        mine.send("stop")
        emulator.join(timeout=30)
    base = rounds[0]["per_minute"] / rounds[0]["workers"]
    print(
        f"{'workers':>7} {'seconds':>8} {'districts/min':>14} {'rows/s':>8} {'efficiency':>10} "
        f"{'peak MiB/worker':>15} {'CPU s: workers':>14} {'emulator':>9} {'postgres':>9} {'CPU busy':>8} "
        f"{'start-up s':>10} {'load avg':>8}"
    )
    for r in rounds:
        efficiency = r["per_minute"] / (r["workers"] * base)
        busy = (r["worker_cpu"] + r["emulator_cpu"] + r["postgres_cpu"]) / (
            r["seconds"] * (os.cpu_count() or 1)
        )
        print(
            f"{r['workers']:>7.0f} {r['seconds']:>8.1f} {r['per_minute']:>14.0f} {r['rows_per_s']:>8.0f} "
            f"{efficiency:>10.0%} {r['peak_mib']:>15.0f} {r['worker_cpu']:>14.1f} {r['emulator_cpu']:>9.1f} "
            f"{r['postgres_cpu']:>9.1f} {busy:>8.0%} {r['startup']:>10.1f} {r['load']:>8.1f}"
        )
        if r["failed"]:
            print(f"        ({r['failed']:.0f} districts not ok)")


if __name__ == "__main__":
    main()
