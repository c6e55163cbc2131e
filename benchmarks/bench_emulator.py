"""Emulator load time and peak memory, and records/s served next to the cost of only encoding them.

    python benchmarks/bench_emulator.py [--students 100000] [--largest] [--seed 1] [--roster DIR]
                                        [--records 200000]

Phases, all in this one process (the machine may be shared: run it alone):

  roster   generate an SFTP district (unless --roster DIR) and read it with rollcall.roster.load_roster
  load     EmulatorState.add_district(snapshot): sorted ids, relation indexes, legacy-id maps (the target:
           under a minute for 1 M students)
  serve    walk /v3.1/users by `next` links at limit 100 and 10 000, for `--records` records, cold (first
           walk: encodes and caches) and warm (second walk), over the in-process sync transport and over
           real loopback HTTP (uvicorn), next to `encode`: msgspec-encoding the same user records into
           one list (the physical limit of producing those bytes)

Prints a table with ratios (serve / encode) and peak RSS, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import httpx
import msgspec

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rollcall.domain.paging import Link
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.emulator import Emulator
from rollcall.roster import load_roster
from rollcall.roster.generator import generate_roster

LARGEST = 1_060_000


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _roster(args: argparse.Namespace, scratch: Path) -> tuple[DistrictSnapshot, dict[str, float]]:
    directory = args.roster
    timings: dict[str, float] = {}
    if directory is None:
        directory = scratch / "district"
        started = time.perf_counter()
        generate_roster(directory, students=args.students, seed=args.seed)
        timings["generate_s"] = time.perf_counter() - started
    started = time.perf_counter()
    snapshot = load_roster(directory, seed=str(args.seed))
    timings["roster_read_s"] = time.perf_counter() - started
    return snapshot, timings


class _Page(msgspec.Struct):
    """What a pager must read of a page: the links, and how many items (left undecoded)."""

    links: list[Link]
    data: list[msgspec.Raw]


def _walk(http: httpx.Client, limit: int, records: int) -> tuple[int, float, int]:
    """(records, seconds, bytes) following `next` from the first page until `records` were served."""
    url: str | None = f"/v3.1/users?limit={limit}"
    served = size = 0
    started = time.perf_counter()
    while url is not None and served < records:
        response = http.get(url)
        response.raise_for_status()
        page = msgspec.json.decode(response.content, type=_Page)  # validates the JSON, builds no records
        served += len(page.data)
        size += len(response.content)
        url = next((link.uri for link in page.links if link.rel == "next"), None)
    return served, time.perf_counter() - started, size


def _encode_only(snapshot: DistrictSnapshot, records: int, limit: int) -> float:
    """Seconds (best of 3) to msgspec-encode the first `records` users, ascending by id, `limit` per list."""
    users = [snapshot.users[user_id] for user_id in sorted(snapshot.users)[:records]]
    chunks = [users[start : start + limit] for start in range(0, len(users), limit)]
    encoder = msgspec.json.Encoder()
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for chunk in chunks:
            encoder.encode(chunk)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument(
        "--largest", action="store_true", help=f"{LARGEST} students (the largest US district)"
    )
    parser.add_argument("--seed", default="1")
    parser.add_argument("--roster", type=Path, help="an existing SFTP directory instead of generating one")
    parser.add_argument("--records", type=int, default=200_000, help="records served per walk")
    args = parser.parse_args()
    if args.largest:
        args.students = LARGEST
    results: dict[str, object] = {"students": args.students}
    with tempfile.TemporaryDirectory(prefix="bench-emulator-") as scratch:
        snapshot, timings = _roster(args, Path(scratch))
    results.update(timings)
    results["users"] = len(snapshot.users)
    results["sections"] = len(snapshot.sections)
    results["rss_after_roster_mb"] = round(_rss_mb())
    # Clever's 1 200 requests/minute would stop the walks: lift it (its headers are still computed).
    emulator = Emulator(seed="bench", rate_limit=10**12)
    started = time.perf_counter()
    district = emulator.load_snapshot(snapshot)
    results["load_s"] = time.perf_counter() - started
    results["rss_after_load_mb"] = round(_rss_mb())
    token = emulator.district_token(district)
    headers = {"Authorization": f"Bearer {token}"}
    records = min(args.records, len(snapshot.users))
    encode_s = {limit: _encode_only(snapshot, records, limit) for limit in (100, 10_000)}
    results["encode_records_per_s"] = {limit: records / seconds for limit, seconds in encode_s.items()}
    rows = []
    with emulator.serve_in_thread() as base_url:
        transports = {
            "in-process": httpx.Client(
                transport=emulator.sync_transport(), base_url=emulator.base_url, headers=headers
            ),
            "loopback": httpx.Client(base_url=base_url, headers=headers, timeout=300),
        }
        for limit in (100, 10_000):
            for name, http in transports.items():
                for temperature in ("cold", "warm"):
                    if temperature == "cold":
                        emulator.state.district_state(district).renderers.clear()
                    served, seconds, size = _walk(http, limit, records)
                    rows.append(
                        {"transport": name, "limit": limit, "cache": temperature, "records": served,
                         "seconds": seconds, "records_per_s": served / seconds, "mb": size / 2**20,
                         "vs_encode": seconds / (encode_s[limit] * served / records)}
                    )  # fmt: skip
        # One 10 000-user page, cold, on the in-process transport: the "well under a second" target.
        emulator.state.district_state(district).renderers.clear()
        started = time.perf_counter()
        transports["in-process"].get("/v3.1/users?limit=10000").raise_for_status()
        results["one_10k_page_cold_s"] = time.perf_counter() - started
        started = time.perf_counter()
        transports["loopback"].get("/v3.1/users?limit=10000").raise_for_status()
        results["one_10k_page_warm_loopback_s"] = time.perf_counter() - started
        for http in transports.values():
            http.close()
    emulator.close()
    results["serve"] = rows
    results["peak_rss_mb"] = round(_peak_mb())
    print(f"students {args.students}  users {results['users']}  sections {results['sections']}")
    for key in (
        "generate_s",
        "roster_read_s",
        "load_s",
        "one_10k_page_cold_s",
        "one_10k_page_warm_loopback_s",
    ):
        if key in results:
            print(f"{key:32} {results[key]:10.3f}")
    for limit, rate in results["encode_records_per_s"].items():  # type: ignore[attr-defined]
        print(f"{f'encode only, {limit}/list (rec/s)':32} {rate:10.0f}")
    memory = (
        f"{results['rss_after_roster_mb']} / {results['rss_after_load_mb']} / {results['peak_rss_mb']} MB"
    )
    print(f"{'rss after roster / load / peak':32} {memory}")
    print(
        f"{'transport':12} {'limit':>6} {'cache':>5} {'records':>8} {'rec/s':>10} {'MB':>8} {'x encode':>9}"
    )
    for row in rows:
        print(f"{row['transport']:12} {row['limit']:>6} {row['cache']:>5} {row['records']:>8} "
              f"{row['records_per_s']:>10.0f} {row['mb']:>8.1f} {row['vs_encode']:>9.2f}")  # fmt: skip
    print(json.dumps(results, default=float))


if __name__ == "__main__":
    main()
