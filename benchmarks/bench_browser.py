"""Data browser and SSO login page cost per request on a large generated district, next to baselines.

    python benchmarks/bench_browser.py [--students 100000] [--seed 1] [--repeat 5]

Cases (each the median of `--repeat` requests through the real emulator app, in process):

  people first page / last page (v3 and v2), a person page by legacy id, searches (exact legacy id, a name
  that matches early, a string that matches nobody — capped by the scan budget), the OAuth login page.

Baselines measured in the same run: `encode-100` (msgspec-encoding the 100 users a page shows: the least
a page can cost), `round-trip` (an in-process GET of `/v3.1/me`: the app and transport overhead every page
pays) and `full-scan` (case-folding the search text of every user: what an unbounded search would cost).
Ratios are page / encode-100, page / round-trip and search / full-scan. Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import msgspec
from starlette.testclient import TestClient

from rollcall.emulator.app import build_app
from rollcall.emulator.assembly import app_extras
from rollcall.emulator.data.state import EmulatorState
from rollcall.emulator.directory import search_text
from rollcall.emulator.sources import generate_snapshot


def median_ms(action: Callable[[], object], repeat: int) -> float:
    action()  # warm caches
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--seed", default="1")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    began = time.perf_counter()
    snapshot = generate_snapshot(students=args.students, seed=args.seed)
    state = EmulatorState(seed=args.seed)
    district_id = state.add_district(snapshot)
    layer = app_extras(state)
    client = TestClient(build_app(state, extra_routes=layer.routes, middleware=layer.middleware))
    load_s = time.perf_counter() - began
    users = snapshot.users
    total = len(users)
    last = list(users.values())[-1]
    legacy = next(iter(last.legacy_ids().values()))
    common = next(u for u in users.values() if u.roles.student is not None).name.last or "a"
    token = {"Authorization": f"Bearer {state.tokens.district_token(district_id)}"}
    people = f"/browser/{district_id}/people"
    authorize = {"response_type": "code", "client_id": state.tokens.client_id}

    def get(path: str, **params: str | int) -> Callable[[], object]:
        def call() -> object:
            response = client.get(path, params=params)
            assert response.status_code == 200, (path, response.status_code)
            return response

        return call

    round_trip = median_ms(lambda: client.get("/v3.1/me", headers=token), args.repeat)
    encode_100 = median_ms(lambda: msgspec.json.encode(list(islice(users.values(), 100))), args.repeat)
    full_scan = median_ms(
        lambda: sum("zzz" in search_text(user) for user in users.values()), max(1, args.repeat // 2)
    )
    cases = {
        "people v3 first page": (get(people), encode_100),
        "people v3 last page": (get(people, start=total - 100), encode_100),
        "people v2 last page": (get(people, view="v2", start=total - 100), encode_100),
        "person by legacy id": (get(f"{people}/{legacy}"), encode_100),
        "search exact legacy id": (get(people, q=legacy), full_scan),
        "search name, early hits": (get(people, q=common), full_scan),
        "search no match (budget)": (get(people, q="zzz-nobody"), full_scan),
        "oauth login page": (get("/oauth/authorize", **authorize), encode_100),
    }
    print(f"district: {total} users ({args.students} students), loaded in {load_s:.1f} s")
    print(f"{'case':28s} {'ms':>9s} {'baseline':>12s} {'ratio':>8s} {'/ round-trip':>13s}")
    print(f"{'encode-100 (baseline)':28s} {encode_100:9.2f}")
    print(f"{'round-trip (baseline)':28s} {round_trip:9.2f}")
    print(f"{'full-scan (baseline)':28s} {full_scan:9.2f}")
    results: dict[str, float] = {
        "encode_100_ms": round(encode_100, 3),
        "round_trip_ms": round(round_trip, 3),
        "full_scan_ms": round(full_scan, 3),
    }
    for name, (action, baseline) in cases.items():
        ms = median_ms(action, args.repeat)
        label = "encode-100" if baseline is encode_100 else "full-scan"
        print(f"{name:28s} {ms:9.2f} {label:>12s} {ms / baseline:8.2f} {ms / round_trip:13.2f}")
        results["_".join(name.replace(",", "").replace("(", "").replace(")", "").split()) + "_ms"] = round(
            ms, 3
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mb:.0f} MB")
    print(json.dumps({"users": total, "students": args.students, "peak_rss_mb": round(peak_mb), **results}))


if __name__ == "__main__":
    main()
